using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.Recovery;
using FinBackup.Domain.Recovery.Failover;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// What a failover creates in ONE region, one resource at a time. Every resource that can carry tags carries
    /// fin:failover-id = the failover id and fin:failover-logical = its logical name, so <see cref="Find"/> can adopt what an
    /// earlier (crashed or failed) run made and <see cref="ListTagged"/> can tear a drill down by tag and nothing else. Parts
    /// that carry no tags of their own (listener, rules, WAF association, DNS record) are found through their parent.
    /// </summary>
    public interface IFailoverGateway
    {
        string Region { get; }

        /// <summary>The resource the request would create, when it exists already (by failover id and logical name); else null.</summary>
        FailoverResource Find(FailoverResourceRequest request, CancellationToken cancellationToken);

        /// <summary>Creates it, tagged. Returns at once; <see cref="Refresh"/> tells when it is ready.</summary>
        FailoverResource Create(FailoverResourceRequest request, CancellationToken cancellationToken);

        /// <summary>The resource as AWS has it now (Ready set), or null when it is gone.</summary>
        FailoverResource Refresh(FailoverResource resource, CancellationToken cancellationToken);

        /// <summary>An existing VPC (not made by FinBackup) by id or Name tag, or null.</summary>
        FailoverResource FindExistingVpc(string vpcIdOrName, CancellationToken cancellationToken);

        /// <summary>Everything tagged fin:failover-id = <paramref name="failoverId"/> in this region.</summary>
        IReadOnlyList<FailoverResource> ListTagged(string failoverId, CancellationToken cancellationToken);

        /// <summary>Removes what ties the resource to others (security group rules, route table associations, IGW attachment, a load balancer's WAF association).</summary>
        void Detach(FailoverResource resource, CancellationToken cancellationToken);

        /// <summary>Deletes the resource (an Auto Scaling group with its instances).</summary>
        void Delete(FailoverResource resource, CancellationToken cancellationToken);

        /// <summary>Targets of a target group: how many are registered and how many healthy.</summary>
        FailoverTargetHealth TargetHealth(string targetGroupArn, CancellationToken cancellationToken);

        /// <summary>Whether a host name resolves; null when it cannot be told here (a custom endpoint, e.g. the sandbox).</summary>
        bool? Resolves(string hostName, CancellationToken cancellationToken);
    }

    public sealed class FailoverTargetHealth
    {
        public int Registered { get; set; }
        public int Healthy { get; set; }
        public string Detail { get; set; }
    }
}
