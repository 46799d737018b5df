using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;

namespace FinBackup.Aws.Services.Route53
{
    public sealed class HostedZoneInfo
    {
        /// <summary>The zone id without the "/hostedzone/" prefix.</summary>
        public string Id { get; set; }
        public string Name { get; set; }
        public bool PrivateZone { get; set; }
        public string Comment { get; set; }
        public override string ToString() => Name;
    }

    public sealed class HealthCheckInfo
    {
        public string Id { get; set; }
        public string Type { get; set; }
        public string FullyQualifiedDomainName { get; set; }
        public string ResourcePath { get; set; }
        public int? Port { get; set; }
        public int? RequestInterval { get; set; }
        public int? FailureThreshold { get; set; }
    }

    /// <summary>A record set (the parts FinBackup reads and writes: simple, alias and failover records).</summary>
    public sealed class RecordSetInfo
    {
        public string Name { get; set; }
        public string Type { get; set; }
        public string SetIdentifier { get; set; }
        /// <summary>PRIMARY or SECONDARY for failover records, else null.</summary>
        public string Failover { get; set; }
        public long? Ttl { get; set; }
        public List<string> Values { get; set; } = new List<string>();
        public string AliasDnsName { get; set; }
        public string AliasHostedZoneId { get; set; }
        public bool? AliasEvaluateTargetHealth { get; set; }
        public string HealthCheckId { get; set; }
        public override string ToString() => $"{Name} {Type} {Failover}";
    }

    /// <summary>
    /// Amazon Route 53 (REST-XML, API 2013-04-01, global, signed for us-east-1): hosted zones, record sets, health checks, tags.
    /// Get one from <see cref="AwsClientContext.Route53"/>.
    /// </summary>
    public sealed class Route53Client
    {
        public static readonly XNamespace Ns = "https://route53.amazonaws.com/doc/2013-04-01/";
        private const string Base = "/2013-04-01";
        private readonly RestXmlProtocolClient _xml;

        public Route53Client(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry = null)
        {
            _xml = new RestXmlProtocolClient(credentials, endpoint, retry);
        }

        public async Task<HostedZoneInfo> CreateHostedZoneAsync(string name, string comment, CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new XElement(Ns + "CreateHostedZoneRequest",
                new XElement(Ns + "Name", name),
                new XElement(Ns + "CallerReference", Guid.NewGuid().ToString()),
                new XElement(Ns + "HostedZoneConfig", new XElement(Ns + "Comment", comment ?? string.Empty), new XElement(Ns + "PrivateZone", "false")));
            var r = await _xml.SendAsync("CreateHostedZone", HttpMethod.Post, Base + "/hostedzone", null, body, cancellationToken).ConfigureAwait(false);
            return ReadZone(r.Child("HostedZone"));
        }

        /// <summary>All hosted zones (follows Marker / NextMarker).</summary>
        public Task<List<HostedZoneInfo>> ListHostedZonesAsync(CancellationToken cancellationToken = default(CancellationToken)) =>
            AwsPaging.CollectAsync<HostedZoneInfo>(async (marker, ct) =>
            {
                var query = "maxitems=100" + (marker != null ? "&marker=" + Uri.EscapeDataString(marker) : string.Empty);
                var r = await _xml.SendAsync("ListHostedZones", HttpMethod.Get, Base + "/hostedzone", query, null, ct).ConfigureAwait(false);
                var next = r.Bool("IsTruncated") == true ? r.Text("NextMarker") : null;
                return new AwsPage<HostedZoneInfo>(r.Items("HostedZones").Select(ReadZone).ToList(), next);
            }, cancellationToken);

        public async Task ChangeTagsAsync(string resourceType, string resourceId, IDictionary<string, string> add, CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new XElement(Ns + "ChangeTagsForResourceRequest",
                new XElement(Ns + "AddTags", add.Select(t => new XElement(Ns + "Tag", new XElement(Ns + "Key", t.Key), new XElement(Ns + "Value", t.Value)))));
            await _xml.SendAsync("ChangeTagsForResource", HttpMethod.Post, $"{Base}/tags/{resourceType}/{resourceId}", null, body, cancellationToken).ConfigureAwait(false);
        }

        public async Task<Dictionary<string, string>> ListTagsAsync(string resourceType, string resourceId, CancellationToken cancellationToken = default(CancellationToken))
        {
            var r = await _xml.SendAsync("ListTagsForResource", HttpMethod.Get, $"{Base}/tags/{resourceType}/{resourceId}", null, null, cancellationToken).ConfigureAwait(false);
            return r.Child("ResourceTagSet").Tags("Tags");
        }

        /// <summary>An HTTP(S) health check on a domain name; returns its id.</summary>
        public async Task<string> CreateHealthCheckAsync(string type, string fqdn, string resourcePath, int port, int requestInterval, int failureThreshold,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new XElement(Ns + "CreateHealthCheckRequest",
                new XElement(Ns + "CallerReference", Guid.NewGuid().ToString()),
                new XElement(Ns + "HealthCheckConfig",
                    new XElement(Ns + "Port", port),
                    new XElement(Ns + "Type", type),
                    new XElement(Ns + "ResourcePath", resourcePath),
                    new XElement(Ns + "FullyQualifiedDomainName", fqdn),
                    new XElement(Ns + "RequestInterval", requestInterval),
                    new XElement(Ns + "FailureThreshold", failureThreshold)));
            var r = await _xml.SendAsync("CreateHealthCheck", HttpMethod.Post, Base + "/healthcheck", null, body, cancellationToken).ConfigureAwait(false);
            return r.Child("HealthCheck").Text("Id");
        }

        /// <summary>The health check, or null when it does not exist.</summary>
        public async Task<HealthCheckInfo> GetHealthCheckAsync(string id, CancellationToken cancellationToken = default(CancellationToken))
        {
            try
            {
                var r = await _xml.SendAsync("GetHealthCheck", HttpMethod.Get, $"{Base}/healthcheck/{id}", null, null, cancellationToken).ConfigureAwait(false);
                var hc = r.Child("HealthCheck");
                var c = hc.Child("HealthCheckConfig");
                return new HealthCheckInfo
                {
                    Id = hc.Text("Id"),
                    Type = c.Text("Type"),
                    FullyQualifiedDomainName = c.Text("FullyQualifiedDomainName"),
                    ResourcePath = c.Text("ResourcePath"),
                    Port = c.Int("Port"),
                    RequestInterval = c.Int("RequestInterval"),
                    FailureThreshold = c.Int("FailureThreshold"),
                };
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == "NoSuchHealthCheck")
            {
                return null;
            }
        }

        /// <summary>UPSERT record sets in one change batch.</summary>
        public async Task UpsertRecordSetsAsync(string zoneId, IEnumerable<RecordSetInfo> records, CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new XElement(Ns + "ChangeResourceRecordSetsRequest",
                new XElement(Ns + "ChangeBatch",
                    new XElement(Ns + "Changes", records.Select(r => new XElement(Ns + "Change",
                        new XElement(Ns + "Action", "UPSERT"),
                        WriteRecord(r))))));
            await _xml.SendAsync("ChangeResourceRecordSets", HttpMethod.Post, $"{Base}/hostedzone/{zoneId}/rrset", null, body, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>All record sets of a zone (follows the NextRecordName/Type/Identifier paging).</summary>
        public async Task<List<RecordSetInfo>> ListRecordSetsAsync(string zoneId, CancellationToken cancellationToken = default(CancellationToken))
        {
            var all = new List<RecordSetInfo>();
            string next = null;
            for (int page = 0; page < 1000; page++)
            {
                var r = await _xml.SendAsync("ListResourceRecordSets", HttpMethod.Get, $"{Base}/hostedzone/{zoneId}/rrset", next, null, cancellationToken).ConfigureAwait(false);
                all.AddRange(r.Items("ResourceRecordSets").Select(ReadRecord));
                if (r.Bool("IsTruncated") != true) break;
                next = "name=" + Uri.EscapeDataString(r.Text("NextRecordName") ?? string.Empty)
                    + (r.Text("NextRecordType") != null ? "&type=" + r.Text("NextRecordType") : string.Empty)
                    + (r.Text("NextRecordIdentifier") != null ? "&identifier=" + Uri.EscapeDataString(r.Text("NextRecordIdentifier")) : string.Empty);
            }
            return all;
        }

        private static XElement WriteRecord(RecordSetInfo r)
        {
            var e = new XElement(Ns + "ResourceRecordSet", new XElement(Ns + "Name", r.Name), new XElement(Ns + "Type", r.Type));
            if (r.SetIdentifier != null) e.Add(new XElement(Ns + "SetIdentifier", r.SetIdentifier));
            if (r.Failover != null) e.Add(new XElement(Ns + "Failover", r.Failover));
            if (r.AliasDnsName != null)
            {
                e.Add(new XElement(Ns + "AliasTarget",
                    new XElement(Ns + "HostedZoneId", r.AliasHostedZoneId),
                    new XElement(Ns + "DNSName", r.AliasDnsName),
                    new XElement(Ns + "EvaluateTargetHealth", r.AliasEvaluateTargetHealth == true ? "true" : "false")));
            }
            else
            {
                e.Add(new XElement(Ns + "TTL", r.Ttl ?? 60));
                e.Add(new XElement(Ns + "ResourceRecords", r.Values.Select(v => new XElement(Ns + "ResourceRecord", new XElement(Ns + "Value", v)))));
            }
            if (r.HealthCheckId != null) e.Add(new XElement(Ns + "HealthCheckId", r.HealthCheckId));
            return e;
        }

        private static RecordSetInfo ReadRecord(XElement e)
        {
            var alias = e.Child("AliasTarget");
            return new RecordSetInfo
            {
                Name = e.Text("Name"),
                Type = e.Text("Type"),
                SetIdentifier = e.Text("SetIdentifier"),
                Failover = e.Text("Failover"),
                Ttl = e.Long("TTL"),
                Values = e.Items("ResourceRecords").Select(v => v.Text("Value")).Where(v => v != null).ToList(),
                AliasDnsName = alias.Text("DNSName"),
                AliasHostedZoneId = alias.Text("HostedZoneId"),
                AliasEvaluateTargetHealth = alias.Bool("EvaluateTargetHealth"),
                HealthCheckId = e.Text("HealthCheckId"),
            };
        }

        private static HostedZoneInfo ReadZone(XElement z) => new HostedZoneInfo
        {
            Id = (z.Text("Id") ?? string.Empty).Replace("/hostedzone/", string.Empty),
            Name = z.Text("Name"),
            PrivateZone = z.Child("Config").Bool("PrivateZone") == true,
            Comment = z.Child("Config").Text("Comment"),
        };
    }
}
