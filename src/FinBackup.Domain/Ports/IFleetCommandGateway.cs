using System;
using System.Collections.Generic;
using System.Threading;

namespace FinBackup.Domain.Ports
{
    /// <summary>Runs a Systems Manager command document on instances chosen by tag (Send-FinFileBackupCommand).</summary>
    public interface IFleetCommandGateway
    {
        FleetCommand Send(FleetCommandRequest request, CancellationToken cancellationToken);
    }

    public sealed class FleetCommandRequest
    {
        public string DocumentName { get; set; }
        public string TagKey { get; set; }
        public IList<string> TagValues { get; set; } = new List<string>();
        public IList<string> InstanceIds { get; set; } = new List<string>();
        public IDictionary<string, IList<string>> Parameters { get; set; } = new Dictionary<string, IList<string>>();
        public string Comment { get; set; }
        public int TimeoutSeconds { get; set; } = 3600;
        public string MaxConcurrency { get; set; } = "50%";
        public string MaxErrors { get; set; } = "1";
        public string OutputS3Bucket { get; set; }
        public string OutputS3KeyPrefix { get; set; }
    }

    public sealed class FleetCommand
    {
        public string CommandId { get; set; }
        public string DocumentName { get; set; }
        public string Region { get; set; }
        public string Status { get; set; }
        public string Targets { get; set; }
        public int TargetCount { get; set; }
        public DateTime? RequestedAt { get; set; }
        public override string ToString() => CommandId;
    }
}
