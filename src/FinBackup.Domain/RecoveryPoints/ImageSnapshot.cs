using System;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>A backing snapshot of an AMI, as its fin:* tags (the image's) describe it.</summary>
    public sealed class ImageSnapshot
    {
        public string SnapshotId { get; set; }
        public string Region { get; set; }
        public string Application { get; set; }
        public string PolicyName { get; set; }
        public string ResourceId { get; set; }
        public string Window { get; set; }
        public DateTime? ExpiresAt { get; set; }
        public bool LegalHold { get; set; }
        public DateTime StartedAt { get; set; }
        public override string ToString() => SnapshotId;
    }
}
