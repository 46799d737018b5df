using System.Collections.Generic;
using System.Threading;

namespace FinBackup.Domain.Ports
{
    /// <summary>What a rebuild would consume in ONE region, read-only: resources in use and the quotas AWS states for them.</summary>
    public interface IDrCapacityProbe
    {
        string Region { get; }
        DrCapacity Read(CancellationToken cancellationToken);
    }

    public sealed class DrCapacity
    {
        public int ElasticIpsInUse { get; set; }
        /// <summary>From the account attribute vpc-max-elastic-ips; null when AWS does not state it.</summary>
        public int? ElasticIpQuota { get; set; }
        public int VpcsInUse { get; set; }
        /// <summary>NAT gateways (pending or available) per AZ letter ("a", "b").</summary>
        public IDictionary<string, int> NatGatewaysPerAz { get; set; } = new Dictionary<string, int>();
        public int RunningInstances { get; set; }
        /// <summary>From the account attribute max-instances; null when AWS does not state it.</summary>
        public int? InstanceQuota { get; set; }
    }
}
