using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// Implemented by the providers whose points carry tags FinBackup may change after creation (EBS snapshot sets: every
    /// member snapshot; AMIs: the image and its snapshots; RDS snapshots; file backups: the manifest object's tags).
    /// Set-FinLegalHold / Clear-FinLegalHold use it to write fin:legal-hold.
    /// </summary>
    public interface IRecoveryPointTagger
    {
        /// <summary>Sets (adds or overwrites) the tags on the point and every member of it.</summary>
        void SetTags(FinRecoveryPoint point, IDictionary<string, string> tags, CancellationToken cancellationToken);
    }
}
