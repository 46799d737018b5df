using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amazon.EC2.Model;
using FinBackup.Aws.Protocol;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Recovery;
using Filter = Amazon.EC2.Model.Filter;

namespace FinBackup.Aws.Recovery
{
    /// <summary>
    /// Elastic IPs (DescribeAddresses), VPCs, NAT gateways per AZ and running instances in one region, plus the quotas EC2
    /// states as account attributes (vpc-max-elastic-ips, max-instances). VPC and NAT gateway quotas are not account
    /// attributes; the policy's Quotas supply them.
    /// </summary>
    [Gateway(typeof(IDrCapacityProbe))]
    public sealed class Ec2DrCapacityProbe : IDrCapacityProbe
    {
        private readonly AwsClientContext _context;

        public Ec2DrCapacityProbe(AwsClientContext context, string region)
        {
            _context = context;
            Region = context.Region(region);
        }

        public string Region { get; }

        public DrCapacity Read(CancellationToken cancellationToken)
        {
            var ec2 = _context.Ec2(Region);
            try
            {
                var c = new DrCapacity();
                var attributes = ec2.DescribeAccountAttributesAsync(new DescribeAccountAttributesRequest(), cancellationToken).GetAwaiter().GetResult().AccountAttributes
                    ?? new List<AccountAttribute>();
                int? Attr(string name)
                {
                    var v = attributes.FirstOrDefault(a => a.AttributeName == name)?.AttributeValues?.FirstOrDefault()?.AttributeValue;
                    return int.TryParse(v, out var n) ? n : (int?)null;
                }
                c.ElasticIpQuota = Attr("vpc-max-elastic-ips");
                c.InstanceQuota = Attr("max-instances");
                c.ElasticIpsInUse = (ec2.DescribeAddressesAsync(new DescribeAddressesRequest(), cancellationToken).GetAwaiter().GetResult().Addresses ?? new List<Address>()).Count;
                c.VpcsInUse = (ec2.DescribeVpcsAsync(new DescribeVpcsRequest(), cancellationToken).GetAwaiter().GetResult().Vpcs ?? new List<Vpc>()).Count;
                var nats = ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest
                {
                    Filter = new List<Filter> { new Filter("state", new List<string> { "pending", "available" }) },
                }, cancellationToken).GetAwaiter().GetResult().NatGateways ?? new List<NatGateway>();
                if (nats.Count > 0)
                {
                    var subnets = ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = nats.Select(n => n.SubnetId).Distinct().ToList() }, cancellationToken)
                        .GetAwaiter().GetResult().Subnets ?? new List<Subnet>();
                    var az = subnets.ToDictionary(s => s.SubnetId, s => BlueprintAssembler.AzLetter(s.AvailabilityZone));
                    foreach (var n in nats)
                    {
                        var letter = n.SubnetId != null && az.TryGetValue(n.SubnetId, out var l) ? l : "?";
                        c.NatGatewaysPerAz[letter] = (c.NatGatewaysPerAz.TryGetValue(letter, out var k) ? k : 0) + 1;
                    }
                }
                var running = ec2.DescribeInstancesAsync(new DescribeInstancesRequest
                {
                    Filters = new List<Filter> { new Filter("instance-state-name", new List<string> { "pending", "running" }) },
                }, cancellationToken).GetAwaiter().GetResult().Reservations ?? new List<Reservation>();
                c.RunningInstances = running.Sum(r => r.Instances?.Count ?? 0);
                return c;
            }
            catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex))
            {
                throw AwsSdkErrorTranslator.Translate(ex, "ec2", "Describe");
            }
        }
    }

    /// <summary>DescribeSecret in one region: whether the secret exists and where it is replicated. Never reads the value.</summary>
    [Gateway(typeof(ISecretReplicationProbe))]
    public sealed class SecretsManagerReplicationProbe : ISecretReplicationProbe
    {
        private readonly AwsClientContext _context;

        public SecretsManagerReplicationProbe(AwsClientContext context, string region)
        {
            _context = context;
            Region = context.Region(region);
        }

        public string Region { get; }

        public SecretReplicaState Describe(string name, CancellationToken cancellationToken)
        {
            var info = _context.SecretsManager(Region).DescribeSecretAsync(name, cancellationToken).GetAwaiter().GetResult();
            if (info == null) return null;
            return new SecretReplicaState
            {
                Name = info.Name,
                PrimaryRegion = info.PrimaryRegion,
                ReplicationStatus = new Dictionary<string, string>(info.ReplicationStatus, StringComparer.Ordinal),
            };
        }
    }
}
