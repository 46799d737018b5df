using System;
using System.Threading;
using System.Threading.Tasks;
using FinBackup.Domain.Sandbox;

namespace FinBackup.Domain.Ports
{
    /// <summary>Seeds the bank's estate into a local AWS endpoint; idempotent (existing resources are found, not duplicated).</summary>
    public interface ISandboxSeeder
    {
        Task<SandboxSeedResult> SeedAsync(SandboxEstate estate, Action<string> progress, CancellationToken cancellationToken);
    }
}
