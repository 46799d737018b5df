using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.Recovery;

namespace FinBackup.Domain.Ports
{
    /// <summary>Drill records as JSON objects (SSE-KMS) in the backup bucket of ONE region: fin-drills/&lt;application&gt;/&lt;drillId&gt;.json.</summary>
    public interface IRecoveryDrillStore
    {
        /// <summary>Writes the record; returns its s3:// location.</summary>
        string Put(string bucket, RecoveryDrillRecord record, string kmsKeyId, CancellationToken cancellationToken);

        /// <summary>Every record of the application (null: every application), newest first. Unreadable objects are skipped.</summary>
        IReadOnlyList<RecoveryDrillRecord> List(string bucket, string application, CancellationToken cancellationToken);
    }
}
