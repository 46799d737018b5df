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
        /// <summary>For instances: the attached volume ids.</summary>
        public IList<string> VolumeIds { get; set; } = new List<string>();
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        /// <summary>
        /// What a restore needs to know (instance type, subnet, security groups, devices...; DB class, groups, port...), from the
        /// describe call discovery already made; keys are <see cref="FinBackup.Domain.Restore.RestoreMetadataKeys"/>. Stored with each point taken.
        /// </summary>
        public IDictionary<string, string> RestoreMetadata { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        /// <summary>
        /// The policy the resource was found for (set by Get-FinResource), so New-FinSnapshot downstream binds it by property
        /// name: <c>$policy | Get-FinResource | New-FinSnapshot</c>.
        /// </summary>
        public global::FinBackup.Domain.Policy.BackupPolicy Policy { get; set; }
        public override string ToString() => ResourceId;
    }
}
