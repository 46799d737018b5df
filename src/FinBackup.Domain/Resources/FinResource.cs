using System;
using System.Collections.Generic;

namespace FinBackup.Domain.Resources
{
    public enum FinResourceType
    {
        Ec2Instance,
        EbsVolume,
        RdsDbInstance,
    }

    /// <summary>An AWS resource an application's policy protects, found by tag. Binds by property name into New-FinSnapshot.</summary>
    public sealed class FinResource
    {
        public string Application { get; set; }
        public FinResourceType ResourceType { get; set; }
        public string ResourceId { get; set; }
        public string Arn { get; set; }
        public string Region { get; set; }
        public string Name { get; set; }
        public double? SizeGiB { get; set; }
        public bool Encrypted { get; set; }
        private IList<string> _volumeIds = new RecoveryPoints.ExportableList();
        private IDictionary<string, string> _tags = new RecoveryPoints.ExportableTags();
        /// <summary>For instances: the attached volume ids.</summary>
        public IList<string> VolumeIds { get => _volumeIds; set => _volumeIds = RecoveryPoints.ExportableList.From(value); }
        public IDictionary<string, string> Tags { get => _tags; set => _tags = RecoveryPoints.ExportableTags.From(value); }
        private IDictionary<string, string> _restoreMetadata = new RecoveryPoints.ExportableTags();
        /// <summary>
        /// What a restore needs to know (instance type, subnet, security groups, devices...; DB class, groups, port...), from the
        /// describe call discovery already made; keys are <see cref="FinBackup.Domain.Restore.RestoreMetadataKeys"/>. Stored with each point taken.
        /// Reads "key=value; key=value" in Export-Csv.
        /// </summary>
        public IDictionary<string, string> RestoreMetadata { get => _restoreMetadata; set => _restoreMetadata = RecoveryPoints.ExportableTags.From(value); }
        /// <summary>The policy that found it (Get-FinResource): its name, and its file, which New-FinSnapshot binds by property name.</summary>
        public string PolicyName { get; set; }
        public string PolicyPath { get; set; }
        public override string ToString() => ResourceId;
    }
}
