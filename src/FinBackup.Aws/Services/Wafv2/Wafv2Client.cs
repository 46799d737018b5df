using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;

namespace FinBackup.Aws.Services.Wafv2
{
    public sealed class WebAclSummary
    {
        public string Name { get; set; }
        public string Id { get; set; }
        public string Arn { get; set; }
        public string LockToken { get; set; }
        public override string ToString() => Name;
    }

    /// <summary>A web ACL as GetWebACL returns it: default action ("Allow"/"Block") and each rule as its JSON.</summary>
    public sealed class WebAclInfo
    {
        public string Name { get; set; }
        public string Id { get; set; }
        public string Arn { get; set; }
        public string Description { get; set; }
        public string DefaultAction { get; set; }
        /// <summary>Each rule's JSON exactly as WAF returned it (name, priority, statement, action, visibility).</summary>
        public List<string> RulesJson { get; set; } = new List<string>();
        public string MetricName { get; set; }
        public override string ToString() => Name;
    }

    /// <summary>
    /// AWS WAFv2 (JSON 1.1, target prefix AWSWAF_20190729): regional web ACLs and their association with load balancers.
    /// Get one from <see cref="AwsClientContext.Wafv2"/>.
    /// </summary>
    public sealed class Wafv2Client
    {
        public const string Regional = "REGIONAL";
        private readonly JsonProtocolClient _json;

        public Wafv2Client(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry = null)
        {
            _json = new JsonProtocolClient(credentials, endpoint, "AWSWAF_20190729", "1.1", retry);
        }

        public string Region => _json.Region;

        /// <summary>Create a regional web ACL; <paramref name="rulesJson"/> are Rule objects as JSON text.</summary>
        public async Task<WebAclSummary> CreateWebAclAsync(string name, string defaultAction, IEnumerable<string> rulesJson, string metricName,
            IDictionary<string, string> tags, string description = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new JsonObject
            {
                ["Name"] = name,
                ["Scope"] = Regional,
                ["DefaultAction"] = new JsonObject { [defaultAction == "Block" ? "Block" : "Allow"] = new JsonObject() },
                ["Rules"] = new JsonArray((rulesJson ?? Enumerable.Empty<string>()).Select(r => JsonNode.Parse(r)).ToArray()),
                ["VisibilityConfig"] = Visibility(metricName),
            };
            if (description != null) body["Description"] = description;
            if (tags != null && tags.Count > 0)
                body["Tags"] = new JsonArray(tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray());
            var r = await _json.InvokeAsync("CreateWebACL", body, cancellationToken).ConfigureAwait(false);
            return ReadSummary(r.Obj("Summary") ?? default(JsonElement));
        }

        public static JsonObject Visibility(string metricName) => new JsonObject
        {
            ["SampledRequestsEnabled"] = true,
            ["CloudWatchMetricsEnabled"] = true,
            ["MetricName"] = metricName,
        };

        public Task<List<WebAclSummary>> ListWebAclsAsync(CancellationToken cancellationToken = default(CancellationToken)) =>
            AwsPaging.CollectAsync<WebAclSummary>(async (marker, ct) =>
            {
                var body = new JsonObject { ["Scope"] = Regional, ["Limit"] = 100 };
                if (marker != null) body["NextMarker"] = marker;
                var r = await _json.InvokeAsync("ListWebACLs", body, ct).ConfigureAwait(false);
                var items = r.Array("WebACLs").Select(ReadSummary).ToList();
                // moto returns a NextMarker on the last page too; stop when a page is not full.
                return new AwsPage<WebAclSummary>(items, items.Count < 100 ? null : r.Str("NextMarker"));
            }, cancellationToken);

        public async Task<WebAclInfo> GetWebAclAsync(string name, string id, CancellationToken cancellationToken = default(CancellationToken))
        {
            var r = await _json.InvokeAsync("GetWebACL", new JsonObject { ["Name"] = name, ["Scope"] = Regional, ["Id"] = id }, cancellationToken)
                .ConfigureAwait(false);
            return r.Obj("WebACL") is JsonElement w ? ReadAcl(w) : null;
        }

        public async Task AssociateWebAclAsync(string webAclArn, string resourceArn, CancellationToken cancellationToken = default(CancellationToken))
        {
            await _json.InvokeAsync("AssociateWebACL", new JsonObject { ["WebACLArn"] = webAclArn, ["ResourceArn"] = resourceArn }, cancellationToken)
                .ConfigureAwait(false);
        }

        /// <summary>The web ACL associated with a resource (load balancer ARN), or null when none is.</summary>
        public async Task<WebAclInfo> GetWebAclForResourceAsync(string resourceArn, CancellationToken cancellationToken = default(CancellationToken))
        {
            try
            {
                var r = await _json.InvokeAsync("GetWebACLForResource", new JsonObject { ["ResourceArn"] = resourceArn }, cancellationToken).ConfigureAwait(false);
                return r.Obj("WebACL") is JsonElement w ? ReadAcl(w) : null;
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == "WAFNonexistentItemException")
            {
                return null;
            }
        }

        private static WebAclSummary ReadSummary(JsonElement e) => new WebAclSummary
        {
            Name = e.Str("Name"),
            Id = e.Str("Id"),
            Arn = e.Str("ARN"),
            LockToken = e.Str("LockToken"),
        };

        private static WebAclInfo ReadAcl(JsonElement w)
        {
            var acl = new WebAclInfo
            {
                Name = w.Str("Name"),
                Id = w.Str("Id"),
                Arn = w.Str("ARN"),
                Description = w.Str("Description"),
                MetricName = (w.Obj("VisibilityConfig") ?? default(JsonElement)).Str("MetricName"),
            };
            if (w.Obj("DefaultAction") is JsonElement d)
            {
                acl.DefaultAction = d.TryGetProperty("Block", out _) ? "Block" : d.TryGetProperty("Allow", out _) ? "Allow" : d.GetRawText();
            }
            foreach (var rule in w.Array("Rules")) acl.RulesJson.Add(rule.GetRawText());
            return acl;
        }
    }
}
