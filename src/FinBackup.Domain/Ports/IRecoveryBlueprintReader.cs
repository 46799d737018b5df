using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.Recovery;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// Reads one application's stack in ONE region, read-only: the resources tagged with the policy's tag and what hangs off
    /// its Auto Scaling group and load balancer. Returns it as AWS has it (references by AWS id); <see cref="BlueprintAssembler"/>
    /// turns it into a blueprint with logical names.
    /// </summary>
    public interface IRecoveryBlueprintReader
    {
        string Region { get; }
        ObservedStack Read(string tagKey, string application, CancellationToken cancellationToken);
    }

    /// <summary>
    /// A stack as read: blueprint parts whose references (subnets, security groups, target groups, NAT gateways in routes
    /// "nat:&lt;id&gt;") still hold AWS ids, plus each resource's logical name (its Name tag, else its AWS name, else the id).
    /// </summary>
    public sealed class ObservedStack
    {
        public BlueprintNetwork Network { get; set; }
        public List<BlueprintSecurityGroup> SecurityGroups { get; set; } = new List<BlueprintSecurityGroup>();
        public BlueprintLoadBalancer LoadBalancer { get; set; }
        /// <summary>The load balancer's DNS name, to recognise aliases and health checks that point at it.</summary>
        public string LoadBalancerDnsName { get; set; }
        public BlueprintLaunchTemplate LaunchTemplate { get; set; }
        public BlueprintAutoScalingGroup AutoScalingGroup { get; set; }
        public BlueprintWebAcl WebAcl { get; set; }
        public BlueprintDns Dns { get; set; }
        public List<BlueprintDatabase> Databases { get; set; } = new List<BlueprintDatabase>();
        public List<string> RestoreSecretNames { get; set; } = new List<string>();
        /// <summary>AWS id (or ARN) -> logical name.</summary>
        public Dictionary<string, string> Names { get; set; } = new Dictionary<string, string>();
        /// <summary>Whether anything tagged for the application was found.</summary>
        public bool Found => Network != null || AutoScalingGroup != null || LoadBalancer != null || Databases.Count > 0;
    }
}
