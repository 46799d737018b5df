using System.Threading;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// Checks, before any copy starts, that a KMS key (id, ARN or alias) exists and is enabled in one region. Services may
    /// accept a copy request with a bad key and fail it later; FinBackup refuses up front with a clear error.
    /// </summary>
    public interface IKmsKeyCheck
    {
        /// <summary>The key's ARN. Throws FinBackupException FinKmsKeyNotFound or FinKmsKeyUnusable (disabled, pending deletion).</summary>
        string RequireUsableKey(string keyId, CancellationToken cancellationToken);
    }
}
