using System;
using System.Collections.Generic;

namespace FinBackup.Domain.Sandbox
{
    /// <summary>A running local AWS sandbox (moto_server) and what was seeded into it (Start-FinSandbox output).</summary>
    public sealed class FinSandbox
    {
        public string EndpointUrl { get; set; }
        public string PrimaryRegion { get; set; }
        public string DrRegion { get; set; }
        /// <summary>Same as <see cref="PrimaryRegion"/>, so the object binds by property name to -Region (e.g. Set-FinDefault).</summary>
        public string Region => PrimaryRegion;
        /// <summary>moto_server's process id when Start-FinSandbox started it; null when it attached to a running endpoint.</summary>
        public int? ProcessId { get; set; }
        /// <summary>True when Start-FinSandbox started the process (Stop-FinSandbox stops only those unless -Force).</summary>
        public bool StartedByFinBackup { get; set; }
        public DateTime? ProcessStartTime { get; set; }
        public int Applications { get; set; }
        public int Ec2Instances { get; set; }
        public int EbsVolumes { get; set; }
        public int EbsDeclaredGiB { get; set; }
        public int RdsInstances { get; set; }
        public int RdsDeclaredGiB { get; set; }
        public int KmsKeys { get; set; }
        public int Buckets { get; set; }
        public int Secrets { get; set; }
        public int BackupVaults { get; set; }
        public int Created { get; set; }
        public IDictionary<string, string> KmsKeyArns { get; set; } = new Dictionary<string, string>();
        public override string ToString() => EndpointUrl;
    }
}
