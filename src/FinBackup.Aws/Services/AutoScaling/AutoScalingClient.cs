using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;

namespace FinBackup.Aws.Services.AutoScaling
{
    /// <summary>An Auto Scaling group as DescribeAutoScalingGroups returns it (the parts FinBackup reads).</summary>
    public sealed class AutoScalingGroupInfo
    {
        public string Name { get; set; }
        public string Arn { get; set; }
        public int MinSize { get; set; }
        public int MaxSize { get; set; }
        public int DesiredCapacity { get; set; }
        public string HealthCheckType { get; set; }
        public int? HealthCheckGracePeriod { get; set; }
        public string LaunchTemplateId { get; set; }
        public string LaunchTemplateName { get; set; }
        public string LaunchTemplateVersion { get; set; }
        /// <summary>Subnet ids (VPCZoneIdentifier, comma-separated in the API).</summary>
        public List<string> SubnetIds { get; set; } = new List<string>();
        public List<string> TargetGroupArns { get; set; } = new List<string>();
        public List<string> InstanceIds { get; set; } = new List<string>();
        public Dictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();
        public override string ToString() => Name;
    }

    public sealed class CreateAutoScalingGroupRequest
    {
        public string Name { get; set; }
        public string LaunchTemplateId { get; set; }
        public string LaunchTemplateVersion { get; set; } = "$Latest";
        public int MinSize { get; set; }
        public int MaxSize { get; set; }
        public int? DesiredCapacity { get; set; }
        public IList<string> SubnetIds { get; set; } = new List<string>();
        public IList<string> TargetGroupArns { get; set; } = new List<string>();
        public string HealthCheckType { get; set; }
        public int? HealthCheckGracePeriod { get; set; }
        /// <summary>Tags on the group; not propagated to instances unless listed in <see cref="PropagatedTagKeys"/>.</summary>
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();
        public ISet<string> PropagatedTagKeys { get; set; } = new HashSet<string>();
    }

    /// <summary>
    /// Amazon EC2 Auto Scaling (query protocol, API 2011-01-01): the operations FinBackup uses.
    /// Get one from <see cref="AwsClientContext.AutoScaling"/>.
    /// </summary>
    public sealed partial class AutoScalingClient
    {
        public const string ApiVersion = "2011-01-01";
        private readonly QueryProtocolClient _query;

        public AutoScalingClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry = null)
        {
            _query = new QueryProtocolClient(credentials, endpoint, ApiVersion, retry);
        }

        public string Region => _query.Region;

        public async Task CreateAutoScalingGroupAsync(CreateAutoScalingGroupRequest request, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters()
                .Add("AutoScalingGroupName", request.Name)
                .Add("LaunchTemplate.LaunchTemplateId", request.LaunchTemplateId)
                .Add("LaunchTemplate.Version", request.LaunchTemplateVersion)
                .Add("MinSize", request.MinSize)
                .Add("MaxSize", request.MaxSize)
                .Add("DesiredCapacity", request.DesiredCapacity)
                .Add("VPCZoneIdentifier", request.SubnetIds.Count == 0 ? null : string.Join(",", request.SubnetIds))
                .Add("HealthCheckType", request.HealthCheckType)
                .Add("HealthCheckGracePeriod", request.HealthCheckGracePeriod);
            int i = 1;
            foreach (var arn in request.TargetGroupArns) p.Add($"TargetGroupARNs.member.{i++}", arn);
            i = 1;
            foreach (var t in request.Tags)
            {
                p.Add($"Tags.member.{i}.Key", t.Key)
                 .Add($"Tags.member.{i}.Value", t.Value ?? string.Empty)
                 .Add($"Tags.member.{i}.PropagateAtLaunch", request.PropagatedTagKeys.Contains(t.Key))
                 .Add($"Tags.member.{i}.ResourceId", request.Name)
                 .Add($"Tags.member.{i}.ResourceType", "auto-scaling-group");
                i++;
            }
            await _query.InvokeAsync("CreateAutoScalingGroup", p, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Groups by name (all when <paramref name="names"/> is null), optionally filtered by tag (tag:key = value); follows NextToken.</summary>
        public Task<List<AutoScalingGroupInfo>> DescribeAutoScalingGroupsAsync(IEnumerable<string> names = null, string tagKey = null, string tagValue = null,
            CancellationToken cancellationToken = default(CancellationToken)) =>
            AwsPaging.CollectAsync<AutoScalingGroupInfo>(async (token, ct) =>
            {
                var p = new QueryParameters().Add("NextToken", token).Add("MaxRecords", 100);
                if (names != null)
                {
                    int i = 1;
                    foreach (var n in names) p.Add($"AutoScalingGroupNames.member.{i++}", n);
                }
                if (tagKey != null)
                {
                    p.Add("Filters.member.1.Name", "tag:" + tagKey).Add("Filters.member.1.Values.member.1", tagValue);
                }
                var result = await _query.InvokeAsync("DescribeAutoScalingGroups", p, ct).ConfigureAwait(false);
                return new AwsPage<AutoScalingGroupInfo>(result.Items("AutoScalingGroups").Select(Read).ToList(), result.Text("NextToken"));
            }, cancellationToken);

        private static AutoScalingGroupInfo Read(XElement g)
        {
            var lt = g.Child("LaunchTemplate");
            var info = new AutoScalingGroupInfo
            {
                Name = g.Text("AutoScalingGroupName"),
                Arn = g.Text("AutoScalingGroupARN"),
                MinSize = g.Int("MinSize") ?? 0,
                MaxSize = g.Int("MaxSize") ?? 0,
                DesiredCapacity = g.Int("DesiredCapacity") ?? 0,
                HealthCheckType = g.Text("HealthCheckType"),
                HealthCheckGracePeriod = g.Int("HealthCheckGracePeriod"),
                LaunchTemplateId = lt.Text("LaunchTemplateId"),
                LaunchTemplateName = lt.Text("LaunchTemplateName"),
                LaunchTemplateVersion = lt.Text("Version"),
                SubnetIds = (g.Text("VPCZoneIdentifier") ?? string.Empty).Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList(),
                TargetGroupArns = g.Items("TargetGroupARNs").Select(e => e.Value).ToList(),
                InstanceIds = g.Items("Instances").Select(e => e.Text("InstanceId")).Where(s => s != null).ToList(),
            };
            foreach (var t in g.Items("Tags"))
            {
                var k = t.Text("Key");
                if (k != null) info.Tags[k] = t.Text("Value") ?? string.Empty;
            }
            return info;
        }
    }
}
