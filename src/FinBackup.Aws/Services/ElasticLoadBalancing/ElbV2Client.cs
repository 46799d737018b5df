using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;

namespace FinBackup.Aws.Services.ElasticLoadBalancing
{
    public sealed class LoadBalancerInfo
    {
        public string Arn { get; set; }
        public string Name { get; set; }
        public string DnsName { get; set; }
        public string CanonicalHostedZoneId { get; set; }
        public string Scheme { get; set; }
        public string Type { get; set; }
        public string VpcId { get; set; }
        public string State { get; set; }
        public List<string> SubnetIds { get; set; } = new List<string>();
        public List<string> SecurityGroupIds { get; set; } = new List<string>();
        public override string ToString() => Name;
    }

    public sealed class TargetGroupInfo
    {
        public string Arn { get; set; }
        public string Name { get; set; }
        public string Protocol { get; set; }
        public int? Port { get; set; }
        public string VpcId { get; set; }
        public string TargetType { get; set; }
        public string HealthCheckProtocol { get; set; }
        public string HealthCheckPath { get; set; }
        public string HealthCheckPort { get; set; }
        public int? HealthCheckIntervalSeconds { get; set; }
        public int? HealthCheckTimeoutSeconds { get; set; }
        public int? HealthyThresholdCount { get; set; }
        public int? UnhealthyThresholdCount { get; set; }
        public string Matcher { get; set; }
        public List<string> LoadBalancerArns { get; set; } = new List<string>();
        public override string ToString() => Name;
    }

    public sealed class ListenerInfo
    {
        public string Arn { get; set; }
        public string LoadBalancerArn { get; set; }
        public string Protocol { get; set; }
        public int? Port { get; set; }
        /// <summary>Default actions as "type" and the target group ARN of forward actions.</summary>
        public List<KeyValuePair<string, string>> DefaultActions { get; set; } = new List<KeyValuePair<string, string>>();
    }

    public sealed class CreateTargetGroupRequest
    {
        public string Name { get; set; }
        public string Protocol { get; set; } = "HTTP";
        public int Port { get; set; } = 80;
        public string VpcId { get; set; }
        public string HealthCheckPath { get; set; } = "/";
        public int? HealthCheckIntervalSeconds { get; set; }
        public int? HealthyThresholdCount { get; set; }
        public int? UnhealthyThresholdCount { get; set; }
        public string TargetType { get; set; } = "instance";
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();
    }

    /// <summary>
    /// Elastic Load Balancing v2 (query protocol, API 2015-12-01): application load balancers, target groups, listeners, tags.
    /// Get one from <see cref="AwsClientContext.ElbV2"/>.
    /// </summary>
    public sealed class ElbV2Client
    {
        public const string ApiVersion = "2015-12-01";
        private readonly QueryProtocolClient _query;

        public ElbV2Client(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry = null)
        {
            _query = new QueryProtocolClient(credentials, endpoint, ApiVersion, retry);
        }

        public string Region => _query.Region;

        public async Task<LoadBalancerInfo> CreateLoadBalancerAsync(string name, IEnumerable<string> subnetIds, IEnumerable<string> securityGroupIds,
            string scheme, IDictionary<string, string> tags, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters().Add("Name", name).Add("Scheme", scheme).Add("Type", "application").Add("IpAddressType", "ipv4");
            p.AddList("Subnets", "member", subnetIds);
            p.AddList("SecurityGroups", "member", securityGroupIds);
            p.AddTags("Tags", tags, "member");
            var result = await _query.InvokeAsync("CreateLoadBalancer", p, cancellationToken).ConfigureAwait(false);
            return result.Items("LoadBalancers").Select(ReadLoadBalancer).First();
        }

        public async Task<TargetGroupInfo> CreateTargetGroupAsync(CreateTargetGroupRequest r, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters().Add("Name", r.Name).Add("Protocol", r.Protocol).Add("Port", r.Port).Add("VpcId", r.VpcId)
                .Add("HealthCheckProtocol", r.Protocol).Add("HealthCheckPath", r.HealthCheckPath)
                .Add("HealthCheckIntervalSeconds", r.HealthCheckIntervalSeconds).Add("HealthyThresholdCount", r.HealthyThresholdCount)
                .Add("UnhealthyThresholdCount", r.UnhealthyThresholdCount).Add("TargetType", r.TargetType);
            p.AddTags("Tags", r.Tags, "member");
            var result = await _query.InvokeAsync("CreateTargetGroup", p, cancellationToken).ConfigureAwait(false);
            return result.Items("TargetGroups").Select(ReadTargetGroup).First();
        }

        /// <summary>A listener whose default action forwards to <paramref name="targetGroupArn"/>.</summary>
        public async Task<ListenerInfo> CreateForwardListenerAsync(string loadBalancerArn, string protocol, int port, string targetGroupArn,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters().Add("LoadBalancerArn", loadBalancerArn).Add("Protocol", protocol).Add("Port", port)
                .Add("DefaultActions.member.1.Type", "forward").Add("DefaultActions.member.1.TargetGroupArn", targetGroupArn);
            var result = await _query.InvokeAsync("CreateListener", p, cancellationToken).ConfigureAwait(false);
            return result.Items("Listeners").Select(ReadListener).First();
        }

        /// <summary>Load balancers by name (all when null); a name that does not exist gives an empty list.</summary>
        public async Task<List<LoadBalancerInfo>> DescribeLoadBalancersAsync(IEnumerable<string> names = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            try
            {
                return await AwsPaging.CollectAsync<LoadBalancerInfo>(async (marker, ct) =>
                {
                    var p = new QueryParameters().Add("Marker", marker).Add("PageSize", 100);
                    if (names != null) p.AddList("Names", "member", names);
                    var result = await _query.InvokeAsync("DescribeLoadBalancers", p, ct).ConfigureAwait(false);
                    return new AwsPage<LoadBalancerInfo>(result.Items("LoadBalancers").Select(ReadLoadBalancer).ToList(), result.Text("NextMarker"));
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException ex) when (names != null && ex.ErrorCode == "LoadBalancerNotFound")
            {
                return new List<LoadBalancerInfo>();
            }
        }

        /// <summary>Target groups by ARN, by load balancer, by name, or all; a name that does not exist gives an empty list.</summary>
        public async Task<List<TargetGroupInfo>> DescribeTargetGroupsAsync(IEnumerable<string> arns = null, string loadBalancerArn = null,
            IEnumerable<string> names = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            try
            {
                return await AwsPaging.CollectAsync<TargetGroupInfo>(async (marker, ct) =>
                {
                    var p = new QueryParameters().Add("Marker", marker).Add("PageSize", 100).Add("LoadBalancerArn", loadBalancerArn);
                    if (arns != null) p.AddList("TargetGroupArns", "member", arns);
                    if (names != null) p.AddList("Names", "member", names);
                    var result = await _query.InvokeAsync("DescribeTargetGroups", p, ct).ConfigureAwait(false);
                    return new AwsPage<TargetGroupInfo>(result.Items("TargetGroups").Select(ReadTargetGroup).ToList(), result.Text("NextMarker"));
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException ex) when (names != null && ex.ErrorCode == "TargetGroupNotFound")
            {
                return new List<TargetGroupInfo>();
            }
        }

        public Task<List<ListenerInfo>> DescribeListenersAsync(string loadBalancerArn, CancellationToken cancellationToken = default(CancellationToken)) =>
            AwsPaging.CollectAsync<ListenerInfo>(async (marker, ct) =>
            {
                var p = new QueryParameters().Add("LoadBalancerArn", loadBalancerArn).Add("Marker", marker).Add("PageSize", 100);
                var result = await _query.InvokeAsync("DescribeListeners", p, ct).ConfigureAwait(false);
                return new AwsPage<ListenerInfo>(result.Items("Listeners").Select(ReadListener).ToList(), result.Text("NextMarker"));
            }, cancellationToken);

        /// <summary>Tags per resource ARN (at most 20 ARNs per call; batched here).</summary>
        public async Task<Dictionary<string, Dictionary<string, string>>> DescribeTagsAsync(IEnumerable<string> arns, CancellationToken cancellationToken = default(CancellationToken))
        {
            var all = new Dictionary<string, Dictionary<string, string>>();
            var list = arns.ToList();
            for (int i = 0; i < list.Count; i += 20)
            {
                var p = new QueryParameters();
                p.AddList("ResourceArns", "member", list.Skip(i).Take(20));
                var result = await _query.InvokeAsync("DescribeTags", p, cancellationToken).ConfigureAwait(false);
                foreach (var d in result.Items("TagDescriptions"))
                {
                    all[d.Text("ResourceArn")] = d.Tags("Tags");
                }
            }
            return all;
        }

        private static LoadBalancerInfo ReadLoadBalancer(XElement e) => new LoadBalancerInfo
        {
            Arn = e.Text("LoadBalancerArn"),
            Name = e.Text("LoadBalancerName"),
            DnsName = e.Text("DNSName"),
            CanonicalHostedZoneId = e.Text("CanonicalHostedZoneId"),
            Scheme = e.Text("Scheme"),
            Type = e.Text("Type"),
            VpcId = e.Text("VpcId"),
            State = e.Child("State").Text("Code"),
            SubnetIds = e.Items("AvailabilityZones").Select(z => z.Text("SubnetId")).Where(s => s != null).ToList(),
            SecurityGroupIds = e.Items("SecurityGroups").Select(s => s.Value).ToList(),
        };

        private static TargetGroupInfo ReadTargetGroup(XElement e) => new TargetGroupInfo
        {
            Arn = e.Text("TargetGroupArn"),
            Name = e.Text("TargetGroupName"),
            Protocol = e.Text("Protocol"),
            Port = e.Int("Port"),
            VpcId = e.Text("VpcId"),
            TargetType = e.Text("TargetType"),
            HealthCheckProtocol = e.Text("HealthCheckProtocol"),
            HealthCheckPath = e.Text("HealthCheckPath"),
            HealthCheckPort = e.Text("HealthCheckPort"),
            HealthCheckIntervalSeconds = e.Int("HealthCheckIntervalSeconds"),
            HealthCheckTimeoutSeconds = e.Int("HealthCheckTimeoutSeconds"),
            HealthyThresholdCount = e.Int("HealthyThresholdCount"),
            UnhealthyThresholdCount = e.Int("UnhealthyThresholdCount"),
            Matcher = e.Child("Matcher").Text("HttpCode"),
            LoadBalancerArns = e.Items("LoadBalancerArns").Select(x => x.Value).ToList(),
        };

        private static ListenerInfo ReadListener(XElement e) => new ListenerInfo
        {
            Arn = e.Text("ListenerArn"),
            LoadBalancerArn = e.Text("LoadBalancerArn"),
            Protocol = e.Text("Protocol"),
            Port = e.Int("Port"),
            DefaultActions = e.Items("DefaultActions").Select(a => new KeyValuePair<string, string>(a.Text("Type"), a.Text("TargetGroupArn"))).ToList(),
        };
    }
}
