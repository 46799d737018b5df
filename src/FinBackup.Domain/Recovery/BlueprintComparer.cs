using System;
using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.Recovery
{
    /// <summary>One difference between two blueprints (Compare-FinRecoveryBlueprint): plain values.</summary>
    public sealed class FinBlueprintChange
    {
        public string Application { get; set; }
        /// <summary>Network, Security, LoadBalancer, Compute, Waf, Dns, Database, Secrets.</summary>
        public string Tier { get; set; }
        /// <summary>The resource by logical name, e.g. "subnet:cross-sell-public-a", "security-group:cross-sell-app-sg".</summary>
        public string Item { get; set; }
        public string Property { get; set; }
        /// <summary>The reference blueprint's value (null when the item was added).</summary>
        public string Old { get; set; }
        /// <summary>The difference blueprint's value (null when the item was removed).</summary>
        public string New { get; set; }
        /// <summary>Added, Removed or Changed.</summary>
        public string Change { get; set; }

        public override string ToString() => $"{Tier} {Item} {Property}: {Old} -> {New}";
    }

    /// <summary>
    /// Compares two blueprints property by property: both are flattened to (tier, item, property) -> value, in a fixed order,
    /// and every key whose value differs (or exists on one side only) becomes one <see cref="FinBlueprintChange"/>.
    /// </summary>
    public static class BlueprintComparer
    {
        public static IReadOnlyList<FinBlueprintChange> Compare(RecoveryBlueprint reference, RecoveryBlueprint difference)
        {
            if (reference == null) throw new ArgumentNullException(nameof(reference));
            if (difference == null) throw new ArgumentNullException(nameof(difference));
            var a = Flatten(reference);
            var b = Flatten(difference);
            var changes = new List<FinBlueprintChange>();
            var keys = a.Keys.Concat(b.Keys.Where(k => !a.ContainsKey(k))).ToList();
            foreach (var k in keys)
            {
                a.TryGetValue(k, out var oldValue);
                b.TryGetValue(k, out var newValue);
                bool inA = a.ContainsKey(k), inB = b.ContainsKey(k);
                if (inA && inB && string.Equals(oldValue, newValue, StringComparison.Ordinal)) continue;
                changes.Add(new FinBlueprintChange
                {
                    Application = difference.Application ?? reference.Application,
                    Tier = k.Tier,
                    Item = k.Item,
                    Property = k.Property,
                    Old = oldValue,
                    New = newValue,
                    Change = !inA ? "Added" : !inB ? "Removed" : "Changed",
                });
            }
            return changes;
        }

        private struct Key : IEquatable<Key>
        {
            public Key(string tier, string item, string property) { Tier = tier; Item = item; Property = property; }
            public string Tier { get; }
            public string Item { get; }
            public string Property { get; }
            public bool Equals(Key o) => Tier == o.Tier && Item == o.Item && Property == o.Property;
            public override bool Equals(object obj) => obj is Key k && Equals(k);
            public override int GetHashCode() => (Tier + "|" + Item + "|" + Property).GetHashCode();
        }

        private sealed class Flat : Dictionary<Key, string>
        {
            // Insertion order is kept by Dictionary for add-only use; the comparer relies on it for a stable output order.
            public void Put(string tier, string item, string property, object value)
            {
                if (value == null) return;
                this[new Key(tier, item, property)] = value is bool bo ? (bo ? "True" : "False") : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
            }
            public void PutList(string tier, string item, string property, IEnumerable<string> values) =>
                Put(tier, item, property, string.Join(", ", values ?? Enumerable.Empty<string>()));
        }

        private static Flat Flatten(RecoveryBlueprint bp)
        {
            var f = new Flat();
            var n = bp.Network;
            if (n != null)
            {
                f.Put("Network", "vpc:" + n.VpcName, "Cidr", n.Cidr);
                f.Put("Network", "vpc:" + n.VpcName, "InternetGateway", n.InternetGateway);
                foreach (var s in n.Subnets)
                {
                    f.Put("Network", "subnet:" + s.Name, "AvailabilityZone", s.AvailabilityZone);
                    f.Put("Network", "subnet:" + s.Name, "Cidr", s.Cidr);
                    f.Put("Network", "subnet:" + s.Name, "Public", s.Public);
                }
                foreach (var t in n.RouteTables)
                {
                    f.PutList("Network", "route-table:" + t.Name, "Subnets", t.Subnets);
                    f.PutList("Network", "route-table:" + t.Name, "Routes", t.Routes);
                }
                foreach (var g in n.NatGateways)
                {
                    f.Put("Network", "nat-gateway:" + g.Name, "AvailabilityZone", g.AvailabilityZone);
                    f.Put("Network", "nat-gateway:" + g.Name, "Subnet", g.Subnet);
                }
            }
            foreach (var g in bp.SecurityGroups)
            {
                f.Put("Security", "security-group:" + g.Name, "Description", g.Description);
                f.PutList("Security", "security-group:" + g.Name, "Ingress", g.Ingress.Select(r => r.ToString()));
            }
            var lb = bp.LoadBalancer;
            if (lb != null)
            {
                var item = "load-balancer:" + lb.Name;
                f.Put("LoadBalancer", item, "Scheme", lb.Scheme);
                f.Put("LoadBalancer", item, "Type", lb.Type);
                f.PutList("LoadBalancer", item, "Subnets", lb.Subnets);
                f.PutList("LoadBalancer", item, "SecurityGroups", lb.SecurityGroups);
                f.PutList("LoadBalancer", item, "Listeners", lb.Listeners.Select(l => $"{l.Protocol}:{l.Port} -> {l.TargetGroup}"));
                foreach (var t in lb.TargetGroups)
                {
                    var ti = "target-group:" + t.Name;
                    f.Put("LoadBalancer", ti, "Protocol", t.Protocol);
                    f.Put("LoadBalancer", ti, "Port", t.Port);
                    f.Put("LoadBalancer", ti, "TargetType", t.TargetType);
                    f.Put("LoadBalancer", ti, "HealthCheckPath", t.HealthCheckPath);
                    f.Put("LoadBalancer", ti, "HealthCheckIntervalSeconds", t.HealthCheckIntervalSeconds);
                    f.Put("LoadBalancer", ti, "HealthyThresholdCount", t.HealthyThresholdCount);
                    f.Put("LoadBalancer", ti, "UnhealthyThresholdCount", t.UnhealthyThresholdCount);
                    f.Put("LoadBalancer", ti, "Matcher", t.Matcher);
                }
            }
            var lt = bp.LaunchTemplate;
            if (lt != null)
            {
                var item = "launch-template:" + lt.Name;
                f.Put("Compute", item, "ImageId", lt.ImageId);
                f.Put("Compute", item, "InstanceType", lt.InstanceType);
                f.Put("Compute", item, "InstanceProfile", lt.InstanceProfile);
                f.Put("Compute", item, "UserDataSha256", lt.UserDataSha256);
                f.PutList("Compute", item, "SecurityGroups", lt.SecurityGroups);
            }
            var asg = bp.AutoScalingGroup;
            if (asg != null)
            {
                var item = "auto-scaling-group:" + asg.Name;
                f.Put("Compute", item, "MinSize", asg.MinSize);
                f.Put("Compute", item, "MaxSize", asg.MaxSize);
                f.Put("Compute", item, "DesiredCapacity", asg.DesiredCapacity);
                f.Put("Compute", item, "HealthCheckType", asg.HealthCheckType);
                f.Put("Compute", item, "HealthCheckGracePeriod", asg.HealthCheckGracePeriod);
                f.PutList("Compute", item, "Subnets", asg.Subnets);
                f.PutList("Compute", item, "TargetGroups", asg.TargetGroups);
            }
            var waf = bp.WebAcl;
            if (waf != null)
            {
                f.Put("Waf", "web-acl:" + waf.Name, "DefaultAction", waf.DefaultAction);
                for (int i = 0; i < waf.Rules.Count; i++) f.Put("Waf", "web-acl:" + waf.Name, $"Rules[{i}]", waf.Rules[i]);
            }
            var dns = bp.Dns;
            if (dns != null)
            {
                foreach (var r in dns.Records)
                {
                    var item = $"record:{r.Name} {r.Type} {r.Failover ?? r.SetIdentifier}";
                    f.Put("Dns", item, "Zone", dns.Zone);
                    f.Put("Dns", item, "Target", r.Target);
                    f.Put("Dns", item, "Ttl", r.Ttl);
                    if (r.HealthCheck != null)
                    {
                        var h = r.HealthCheck;
                        f.Put("Dns", item, "HealthCheck", $"{h.Type} {h.Target}:{h.Port}{h.ResourcePath} every {h.RequestInterval}s x {h.FailureThreshold}");
                    }
                }
            }
            foreach (var d in bp.Databases)
            {
                var item = "db-instance:" + d.Identifier;
                f.Put("Database", item, "InstanceClass", d.InstanceClass);
                f.Put("Database", item, "Engine", d.Engine);
                f.Put("Database", item, "EngineVersion", d.EngineVersion);
                f.Put("Database", item, "AllocatedStorageGiB", d.AllocatedStorageGiB);
                f.Put("Database", item, "StorageEncrypted", d.StorageEncrypted);
                f.Put("Database", item, "MultiAz", d.MultiAz);
                f.Put("Database", item, "Port", d.Port);
                f.Put("Database", item, "SubnetGroup", d.SubnetGroup);
                f.PutList("Database", item, "SecurityGroups", d.SecurityGroups);
            }
            f.PutList("Secrets", "restore-secrets", "Names", bp.RestoreSecretNames);
            return f;
        }
    }
}
