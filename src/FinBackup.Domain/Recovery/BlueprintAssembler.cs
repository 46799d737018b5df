using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Ports;

namespace FinBackup.Domain.Recovery
{
    /// <summary>
    /// Turns a stack as read from AWS into a <see cref="RecoveryBlueprint"/>: every reference by AWS id becomes the logical
    /// name of the resource it refers to, AZs become their letter, an alias or health check on the stack's own load balancer
    /// becomes "load-balancer", and lists are sorted so two reads of an unchanged stack give the same document.
    /// </summary>
    public static class BlueprintAssembler
    {
        public static RecoveryBlueprint Assemble(ObservedStack stack, string policy, string application, string region, DateTime createdAt)
        {
            if (stack == null) throw new ArgumentNullException(nameof(stack));
            string N(string id) => id != null && stack.Names.TryGetValue(id, out var n) ? n : id;
            List<string> All(IEnumerable<string> ids) => (ids ?? Enumerable.Empty<string>()).Select(N).OrderBy(x => x, StringComparer.Ordinal).ToList();

            var bp = new RecoveryBlueprint
            {
                Application = application,
                Policy = policy,
                Region = region,
                CreatedAt = createdAt,
                RestoreSecretNames = stack.RestoreSecretNames.OrderBy(x => x, StringComparer.Ordinal).ToList(),
            };
            if (stack.Network != null)
            {
                var n = stack.Network;
                bp.Network = new BlueprintNetwork
                {
                    VpcName = n.VpcName,
                    Cidr = n.Cidr,
                    InternetGateway = n.InternetGateway,
                    Subnets = n.Subnets.Select(s => new BlueprintSubnet { Name = N(s.Name), AvailabilityZone = AzLetter(s.AvailabilityZone), Cidr = s.Cidr, Public = s.Public })
                        .OrderBy(s => s.Name, StringComparer.Ordinal).ToList(),
                    RouteTables = n.RouteTables.Select(t => new BlueprintRouteTable
                    {
                        Name = N(t.Name),
                        Subnets = All(t.Subnets),
                        Routes = t.Routes.Select(r => RewriteRoute(r, N)).OrderBy(x => x, StringComparer.Ordinal).ToList(),
                    }).OrderBy(t => t.Name, StringComparer.Ordinal).ToList(),
                    NatGateways = n.NatGateways.Select(g => new BlueprintNatGateway { Name = N(g.Name), AvailabilityZone = AzLetter(g.AvailabilityZone), Subnet = N(g.Subnet) })
                        .OrderBy(g => g.Name, StringComparer.Ordinal).ToList(),
                };
            }
            bp.SecurityGroups = stack.SecurityGroups.Select(g => new BlueprintSecurityGroup
            {
                Name = N(g.Name),
                Description = g.Description,
                Ingress = g.Ingress.Select(r => new BlueprintRule
                {
                    Protocol = r.Protocol,
                    FromPort = r.FromPort,
                    ToPort = r.ToPort,
                    Cidrs = r.Cidrs.OrderBy(x => x, StringComparer.Ordinal).ToList(),
                    SourceGroups = All(r.SourceGroups),
                }).OrderBy(r => r.ToString(), StringComparer.Ordinal).ToList(),
            }).OrderBy(g => g.Name, StringComparer.Ordinal).ToList();
            if (stack.LoadBalancer != null)
            {
                var lb = stack.LoadBalancer;
                bp.LoadBalancer = new BlueprintLoadBalancer
                {
                    Name = lb.Name,
                    Scheme = lb.Scheme,
                    Type = lb.Type,
                    Subnets = All(lb.Subnets),
                    SecurityGroups = All(lb.SecurityGroups),
                    Listeners = lb.Listeners.Select(l => new BlueprintListener { Protocol = l.Protocol, Port = l.Port, TargetGroup = N(l.TargetGroup) })
                        .OrderBy(l => l.Port).ToList(),
                    TargetGroups = lb.TargetGroups.OrderBy(t => t.Name, StringComparer.Ordinal).ToList(),
                };
            }
            if (stack.LaunchTemplate != null)
            {
                var lt = stack.LaunchTemplate;
                bp.LaunchTemplate = new BlueprintLaunchTemplate
                {
                    Name = lt.Name,
                    ImageId = lt.ImageId,
                    InstanceType = lt.InstanceType,
                    InstanceProfile = lt.InstanceProfile,
                    UserDataSha256 = lt.UserDataSha256,
                    SecurityGroups = All(lt.SecurityGroups),
                };
            }
            if (stack.AutoScalingGroup != null)
            {
                var g = stack.AutoScalingGroup;
                bp.AutoScalingGroup = new BlueprintAutoScalingGroup
                {
                    Name = g.Name,
                    MinSize = g.MinSize,
                    MaxSize = g.MaxSize,
                    DesiredCapacity = g.DesiredCapacity,
                    HealthCheckType = g.HealthCheckType,
                    HealthCheckGracePeriod = g.HealthCheckGracePeriod,
                    Subnets = All(g.Subnets),
                    TargetGroups = All(g.TargetGroups),
                };
            }
            bp.WebAcl = stack.WebAcl;
            if (stack.Dns != null)
            {
                string Lb(string target) => IsLoadBalancer(target, stack.LoadBalancerDnsName) ? "load-balancer" : target;
                bp.Dns = new BlueprintDns
                {
                    Zone = stack.Dns.Zone,
                    Records = stack.Dns.Records.Select(r => new BlueprintRecord
                    {
                        Name = r.Name,
                        Type = r.Type,
                        SetIdentifier = r.SetIdentifier,
                        Failover = r.Failover,
                        Target = r.Target != null && r.Target.StartsWith("alias:", StringComparison.Ordinal) ? "alias:" + Lb(r.Target.Substring(6)) : r.Target,
                        Ttl = r.Ttl,
                        HealthCheck = r.HealthCheck == null ? null : new BlueprintHealthCheck
                        {
                            Type = r.HealthCheck.Type,
                            Target = Lb(r.HealthCheck.Target),
                            ResourcePath = r.HealthCheck.ResourcePath,
                            Port = r.HealthCheck.Port,
                            RequestInterval = r.HealthCheck.RequestInterval,
                            FailureThreshold = r.HealthCheck.FailureThreshold,
                        },
                    }).OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Failover, StringComparer.Ordinal).ToList(),
                };
            }
            bp.Databases = stack.Databases.Select(d => new BlueprintDatabase
            {
                Identifier = d.Identifier,
                InstanceClass = d.InstanceClass,
                Engine = d.Engine,
                EngineVersion = d.EngineVersion,
                AllocatedStorageGiB = d.AllocatedStorageGiB,
                StorageEncrypted = d.StorageEncrypted,
                MultiAz = d.MultiAz,
                Port = d.Port,
                SubnetGroup = d.SubnetGroup,
                SecurityGroups = All(d.SecurityGroups),
            }).OrderBy(d => d.Identifier, StringComparer.Ordinal).ToList();
            return bp;
        }

        /// <summary>"us-east-1a" -> "a" (AZ names differ per region; the letter is what a rebuild maps).</summary>
        public static string AzLetter(string az) =>
            string.IsNullOrEmpty(az) ? az : char.IsLetter(az[az.Length - 1]) && az.Length > 1 && char.IsDigit(az[az.Length - 2]) ? az.Substring(az.Length - 1) : az;

        /// <summary>Application name -> the path segment of its blueprints: "Agent payment" -> "agent-payment".</summary>
        public static string Slug(string application)
        {
            var chars = (application ?? string.Empty).ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray();
            var s = new string(chars);
            while (s.Contains("--")) s = s.Replace("--", "-");
            return s.Trim('-');
        }

        private static bool IsLoadBalancer(string target, string lbDns) =>
            target != null && lbDns != null && string.Equals(target.TrimEnd('.'), lbDns.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);

        private static string RewriteRoute(string route, Func<string, string> name)
        {
            var i = route.IndexOf("-> nat:", StringComparison.Ordinal);
            return i < 0 ? route : route.Substring(0, i) + "-> nat:" + name(route.Substring(i + 7));
        }
    }
}
