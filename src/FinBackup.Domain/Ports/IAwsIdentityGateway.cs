using System.Threading;
using System.Threading.Tasks;
using FinBackup.Domain.Connection;

namespace FinBackup.Domain.Ports
{
    /// <summary>STS: who are we? (GetCallerIdentity in the bound region.)</summary>
    public interface IAwsIdentityGateway
    {
        Task<AwsCallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken);
    }
}
