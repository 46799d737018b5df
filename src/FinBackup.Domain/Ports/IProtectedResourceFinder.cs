using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.Resources;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// Finds the EC2 instances and RDS DB instances of the given applications in one region by their application tag,
    /// with one paged, tag-filtered call per service (not one per application). Used by Invoke-FinBackupCycle.
    /// </summary>
    public interface IProtectedResourceFinder
    {
        IReadOnlyList<FinResource> Find(string tagKey, IReadOnlyCollection<string> applications, CancellationToken cancellationToken);
    }
}
