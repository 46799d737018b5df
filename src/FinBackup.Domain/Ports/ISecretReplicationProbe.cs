using System.Collections.Generic;
using System.Threading;

namespace FinBackup.Domain.Ports
{
    /// <summary>A secret's metadata in ONE region (DescribeSecret): never its value.</summary>
    public interface ISecretReplicationProbe
    {
        string Region { get; }
        /// <summary>The secret's state, or null when no secret of that name exists in the region.</summary>
        SecretReplicaState Describe(string name, CancellationToken cancellationToken);
    }

    public sealed class SecretReplicaState
    {
        public string Name { get; set; }
        /// <summary>The region the secret is replicated from (for a replica), else null or its own region.</summary>
        public string PrimaryRegion { get; set; }
        /// <summary>Replica region -> status (InSync, Failed, InProgress).</summary>
        public IDictionary<string, string> ReplicationStatus { get; set; } = new Dictionary<string, string>();
    }
}
