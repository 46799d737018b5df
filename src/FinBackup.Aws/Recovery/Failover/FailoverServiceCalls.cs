using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using FinBackup.Aws.Protocol;

namespace FinBackup.Aws.Recovery.Failover
{
    /// <summary>
    /// The calls a failover and its teardown need beyond what the shared service clients offer (deletes, target health, DB
    /// subnet groups, WAF tags), on the same wire-protocol base classes, in one region. Kept beside the failover gateway so the
    /// shared clients stay as they are; request shapes are checked against the botocore model in FailoverWireShapeTests.
    /// </summary>
    public sealed class FailoverServiceCalls
    {
        private readonly QueryProtocolClient _autoScaling;
        private readonly QueryProtocolClient _elb;
        private readonly QueryProtocolClient _rds;
        private readonly JsonProtocolClient _waf;

        public FailoverServiceCalls(AwsClientContext context, string region)
        {
            _autoScaling = new QueryProtocolClient(context.Credentials, context.ServiceEndpoint("autoscaling", "autoscaling", "AUTO_SCALING", region), "2011-01-01", context.RetryOptions);
            _elb = new QueryProtocolClient(context.Credentials, context.ServiceEndpoint("elasticloadbalancing", "elasticloadbalancing", "ELASTIC_LOAD_BALANCING_V2", region), "2015-12-01", context.RetryOptions);
            _rds = new QueryProtocolClient(context.Credentials, context.ServiceEndpoint("rds", "rds", "RDS", region), "2014-10-31", context.RetryOptions);
            _waf = new JsonProtocolClient(context.Credentials, context.ServiceEndpoint("wafv2", "wafv2", "WAFV2", region), "AWSWAF_20190729", "1.1", context.RetryOptions);
        }

        // ----- request parameters (public so the wire-shape test checks them against botocore) -----
        public static QueryParameters DeleteAutoScalingGroupParameters(string name) =>
            new QueryParameters().Add("AutoScalingGroupName", name).Add("ForceDelete", true);
        public static QueryParameters DescribeTargetHealthParameters(string targetGroupArn) => new QueryParameters().Add("TargetGroupArn", targetGroupArn);
        public static QueryParameters DeleteLoadBalancerParameters(string arn) => new QueryParameters().Add("LoadBalancerArn", arn);
        public static QueryParameters DeleteTargetGroupParameters(string arn) => new QueryParameters().Add("TargetGroupArn", arn);
        public static QueryParameters CreateDbSubnetGroupParameters(string name, string description, IEnumerable<string> subnetIds, IDictionary<string, string> tags)
        {
            var p = new QueryParameters().Add("DBSubnetGroupName", name).Add("DBSubnetGroupDescription", description);
            p.AddList("SubnetIds", "SubnetIdentifier", subnetIds);
            p.AddTags("Tags", tags);
            return p;
        }
        public static QueryParameters DescribeDbSubnetGroupsParameters(string name) => new QueryParameters().Add("DBSubnetGroupName", name);
        public static QueryParameters DeleteDbSubnetGroupParameters(string name) => new QueryParameters().Add("DBSubnetGroupName", name);
        public static JsonObject ListTagsForResourceBody(string arn) => new JsonObject { ["ResourceARN"] = arn, ["Limit"] = 100 };
        public static JsonObject DisassociateWebAclBody(string resourceArn) => new JsonObject { ["ResourceArn"] = resourceArn };
        public static JsonObject DeleteWebAclBody(string name, string id, string lockToken) =>
            new JsonObject { ["Name"] = name, ["Scope"] = "REGIONAL", ["Id"] = id, ["LockToken"] = lockToken };
        public static JsonObject GetWebAclBody(string name, string id) => new JsonObject { ["Name"] = name, ["Scope"] = "REGIONAL", ["Id"] = id };

        // ----- Auto Scaling -----
        public Task DeleteAutoScalingGroupAsync(string name, CancellationToken ct) => _autoScaling.InvokeAsync("DeleteAutoScalingGroup", DeleteAutoScalingGroupParameters(name), ct);

        // ----- ELBv2 -----
        /// <summary>Per target: its id and state (healthy, unhealthy, initial, unused...).</summary>
        public async Task<List<KeyValuePair<string, string>>> DescribeTargetHealthAsync(string targetGroupArn, CancellationToken ct)
        {
            var r = await _elb.InvokeAsync("DescribeTargetHealth", DescribeTargetHealthParameters(targetGroupArn), ct).ConfigureAwait(false);
            return r.Items("TargetHealthDescriptions").Select(d => new KeyValuePair<string, string>(d.Child("Target").Text("Id"), d.Child("TargetHealth").Text("State"))).ToList();
        }

        public Task DeleteLoadBalancerAsync(string arn, CancellationToken ct) => _elb.InvokeAsync("DeleteLoadBalancer", DeleteLoadBalancerParameters(arn), ct);
        public Task DeleteTargetGroupAsync(string arn, CancellationToken ct) => _elb.InvokeAsync("DeleteTargetGroup", DeleteTargetGroupParameters(arn), ct);

        // ----- RDS DB subnet groups -----
        public async Task<string> CreateDbSubnetGroupAsync(string name, string description, IEnumerable<string> subnetIds, IDictionary<string, string> tags, CancellationToken ct)
        {
            var r = await _rds.InvokeAsync("CreateDBSubnetGroup", CreateDbSubnetGroupParameters(name, description, subnetIds, tags), ct).ConfigureAwait(false);
            return r.Child("DBSubnetGroup").Text("DBSubnetGroupArn");
        }

        /// <summary>The group's ARN, or null when there is none of that name.</summary>
        public async Task<string> DescribeDbSubnetGroupArnAsync(string name, CancellationToken ct)
        {
            try
            {
                var r = await _rds.InvokeAsync("DescribeDBSubnetGroups", DescribeDbSubnetGroupsParameters(name), ct).ConfigureAwait(false);
                var g = r.Items("DBSubnetGroups").FirstOrDefault();
                return g == null ? null : g.Text("DBSubnetGroupArn") ?? name;
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == "DBSubnetGroupNotFoundFault" || ex.ErrorCode == "DBSubnetGroupNotFound")
            {
                return null;
            }
        }

        /// <summary>Every DB subnet group: name and ARN.</summary>
        public async Task<List<KeyValuePair<string, string>>> DescribeDbSubnetGroupsAsync(CancellationToken ct)
        {
            var r = await _rds.InvokeAsync("DescribeDBSubnetGroups", new QueryParameters(), ct).ConfigureAwait(false);
            return r.Items("DBSubnetGroups").Select(g => new KeyValuePair<string, string>(g.Text("DBSubnetGroupName"), g.Text("DBSubnetGroupArn"))).ToList();
        }

        public Task DeleteDbSubnetGroupAsync(string name, CancellationToken ct) => _rds.InvokeAsync("DeleteDBSubnetGroup", DeleteDbSubnetGroupParameters(name), ct);

        // ----- WAFv2 -----
        public async Task<Dictionary<string, string>> ListWebAclTagsAsync(string arn, CancellationToken ct)
        {
            var r = await _waf.InvokeAsync("ListTagsForResource", ListTagsForResourceBody(arn), ct).ConfigureAwait(false);
            var tags = new Dictionary<string, string>();
            if (r.Obj("TagInfoForResource") is JsonElement info)
            {
                foreach (var t in info.Array("TagList"))
                {
                    var k = t.Str("Key");
                    if (k != null) tags[k] = t.Str("Value") ?? string.Empty;
                }
            }
            return tags;
        }

        public Task DisassociateWebAclAsync(string resourceArn, CancellationToken ct) => _waf.InvokeAsync("DisassociateWebACL", DisassociateWebAclBody(resourceArn), ct);

        public async Task DeleteWebAclAsync(string name, string id, CancellationToken ct)
        {
            var got = await _waf.InvokeAsync("GetWebACL", GetWebAclBody(name, id), ct).ConfigureAwait(false);
            await _waf.InvokeAsync("DeleteWebACL", DeleteWebAclBody(name, id, got.Str("LockToken")), ct).ConfigureAwait(false);
        }
    }
}
