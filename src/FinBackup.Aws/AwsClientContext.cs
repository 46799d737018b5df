using System;
using System.Collections.Concurrent;
using Amazon;
using Amazon.EC2;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SimpleSystemsManagement;

namespace FinBackup.Aws
{
    /// <summary>
    /// Credentials plus endpoint, and the per-region clients built on them: the official SDK clients
    /// (EC2, S3, KMS, STS, SSM) and FinBackup's own protocol clients for services without a NuGet package.
    /// One per resolved session; clients are cached per region and thread-safe.
    /// </summary>
    public sealed class AwsClientContext : IDisposable
    {
        private readonly ConcurrentDictionary<string, object> _clients = new ConcurrentDictionary<string, object>(StringComparer.Ordinal);

        public AwsClientContext(AWSCredentials credentials, string defaultRegion, string endpointUrl = null)
        {
            Credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
            DefaultRegion = defaultRegion;
            EndpointUrl = string.IsNullOrEmpty(endpointUrl) ? null : endpointUrl.TrimEnd('/');
        }

        public AWSCredentials Credentials { get; }
        public string DefaultRegion { get; }
        /// <summary>Custom endpoint for every service (the sandbox), or null for AWS's own endpoints.</summary>
        public string EndpointUrl { get; }

        /// <summary>Per-service endpoint overrides (AWS_ENDPOINT_URL_&lt;SERVICE&gt;), keyed by the SDK service id in upper snake case, e.g. "EC2", "S3".</summary>
        public System.Collections.Generic.IDictionary<string, string> ServiceEndpoints { get; } =
            new System.Collections.Generic.Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public string Region(string region) => string.IsNullOrEmpty(region) ? DefaultRegion : region;

        /// <summary>The endpoint a service should use: its own override, else the session's, else null (AWS).</summary>
        public string EndpointFor(string serviceKey)
        {
            if (ServiceEndpoints.TryGetValue(serviceKey, out var url) && !string.IsNullOrEmpty(url)) return url.TrimEnd('/');
            return EndpointUrl;
        }

        public IAmazonEC2 Ec2(string region = null) =>
            Cached("ec2", region, r => new AmazonEC2Client(Credentials, Configure(new AmazonEC2Config(), "EC2", r)));

        /// <summary>
        /// EC2 without the SDK's automatic retries, for creates and copies AWS does not deduplicate: after a reply lost on the
        /// way back, the SDK would send them again and make a second snapshot set or image. Callers retry themselves and look
        /// for the first attempt's result before re-sending (RecoveryPoints.LookBeforeResend).
        /// </summary>
        public IAmazonEC2 Ec2Once(string region = null) =>
            Cached("ec2-once", region, r =>
            {
                var config = Configure(new AmazonEC2Config(), "EC2", r);
                config.MaxErrorRetry = 0;
                config.HttpClientFactory = new SingleUseConnectionFactory();
                return new AmazonEC2Client(Credentials, config);
            });

        public IAmazonS3 S3(string region = null) =>
            Cached("s3", region, r =>
            {
                var config = Configure(new AmazonS3Config(), "S3", r);
                if (EndpointFor("S3") != null) config.ForcePathStyle = true;
                return new Files.PrecomputedPayloadHashS3Client(Credentials, config);
            });

        /// <summary>
        /// Ranged GETs of S3 content objects on FinBackup's own protocol client (restore, verification): addressed as the SDK
        /// client <see cref="S3"/> is (path style on a custom endpoint), with the protocol clients' retries.
        /// </summary>
        public Files.S3ObjectClient S3Objects(string region = null) =>
            Cached("s3-content", region, r => new Files.S3ObjectClient(Credentials, ServiceEndpoint("s3", "s3", "S3", r), EndpointFor("S3") != null, RetryOptions));

        public IAmazonKeyManagementService Kms(string region = null) =>
            Cached("kms", region, r => new AmazonKeyManagementServiceClient(Credentials, Configure(new AmazonKeyManagementServiceConfig(), "KMS", r)));

        public IAmazonSecurityTokenService Sts(string region = null) =>
            Cached("sts", region, r => new AmazonSecurityTokenServiceClient(Credentials, Configure(new AmazonSecurityTokenServiceConfig(), "STS", r)));

        public IAmazonSimpleSystemsManagement Ssm(string region = null) =>
            Cached("ssm", region, r => new AmazonSimpleSystemsManagementClient(Credentials, Configure(new AmazonSimpleSystemsManagementConfig(), "SSM", r)));

        /// <summary>Retry/timeout settings of FinBackup's own protocol clients (RDS, Backup, Secrets Manager...).</summary>
        public Protocol.AwsRetryOptions RetryOptions { get; set; } = Protocol.AwsRetryOptions.Default;

        /// <summary>The endpoint of a regional service for FinBackup's protocol clients (custom endpoint or AWS's).</summary>
        public Protocol.AwsServiceEndpoint ServiceEndpoint(string endpointPrefix, string signingService, string serviceKey, string region) =>
            Protocol.AwsServiceEndpoint.Regional(endpointPrefix, signingService, Region(region), EndpointFor(serviceKey));

        /// <summary>Amazon RDS (query protocol client).</summary>
        public Services.Rds.RdsClient Rds(string region = null) =>
            Cached("rds", region, r => new Services.Rds.RdsClient(Credentials, ServiceEndpoint("rds", "rds", "RDS", r), RetryOptions,
                other => ServiceEndpoint("rds", "rds", "RDS", other)));

        /// <summary>AWS Backup (REST-JSON protocol client).</summary>
        public Services.Backup.BackupClient Backup(string region = null) =>
            Cached("backup", region, r => new Services.Backup.BackupClient(Credentials, ServiceEndpoint("backup", "backup", "BACKUP", r), RetryOptions));

        /// <summary>AWS Secrets Manager (JSON 1.1 protocol client).</summary>
        public Services.SecretsManager.SecretsManagerClient SecretsManager(string region = null) =>
            Cached("secretsmanager", region, r => new Services.SecretsManager.SecretsManagerClient(Credentials,
                ServiceEndpoint("secretsmanager", "secretsmanager", "SECRETS_MANAGER", r), RetryOptions));

        /// <summary>Amazon EC2 Auto Scaling (query protocol client).</summary>
        public Services.AutoScaling.AutoScalingClient AutoScaling(string region = null) =>
            Cached("autoscaling", region, r => new Services.AutoScaling.AutoScalingClient(Credentials,
                ServiceEndpoint("autoscaling", "autoscaling", "AUTO_SCALING", r), RetryOptions));

        /// <summary>Elastic Load Balancing v2 (query protocol client).</summary>
        public Services.ElasticLoadBalancing.ElbV2Client ElbV2(string region = null) =>
            Cached("elbv2", region, r => new Services.ElasticLoadBalancing.ElbV2Client(Credentials,
                ServiceEndpoint("elasticloadbalancing", "elasticloadbalancing", "ELASTIC_LOAD_BALANCING_V2", r), RetryOptions));

        /// <summary>AWS WAFv2 (JSON 1.1 protocol client), regional scope.</summary>
        public Services.Wafv2.Wafv2Client Wafv2(string region = null) =>
            Cached("wafv2", region, r => new Services.Wafv2.Wafv2Client(Credentials, ServiceEndpoint("wafv2", "wafv2", "WAFV2", r), RetryOptions));

        /// <summary>Amazon Route 53 (REST-XML protocol client; global, one per context).</summary>
        public Services.Route53.Route53Client Route53() =>
            Cached("route53", "us-east-1", r => new Services.Route53.Route53Client(Credentials,
                Protocol.AwsServiceEndpoint.Global("route53.amazonaws.com", "route53", EndpointFor("ROUTE_53")), RetryOptions));

        /// <summary>Cache any client (SDK or FinBackup's own) per service and region.</summary>
        public T Cached<T>(string service, string region, Func<string, T> create) where T : class
        {
            var r = Region(region);
            if (string.IsNullOrEmpty(r))
            {
                throw new Domain.FinBackupException("FinRegionMissing", Domain.FinErrorKind.InvalidArgument,
                    "No AWS region was given and none is configured.",
                    "Pass -Region (e.g. -Region us-east-1), run Set-FinDefault -Region <region>, or set AWS_REGION.");
            }
            return (T)_clients.GetOrAdd(service + "|" + r, _ =>
            {
                // A region given to one call (e.g. a DR region) is checked like the session's: a typo fails with
                // FinRegionUnknown here rather than as a DNS failure later.
                AwsConnectionResolver.ValidateRegion(r, EndpointUrl != null || ServiceEndpoints.Count > 0);
                return create(r);
            });
        }

        private TConfig Configure<TConfig>(TConfig config, string serviceKey, string region) where TConfig : ClientConfig
        {
            var endpoint = EndpointFor(serviceKey);
            if (endpoint != null)
            {
                config.ServiceURL = endpoint;
                config.AuthenticationRegion = region;
            }
            else
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            }
            // Bounded like FinBackup's protocol clients: 30 s per request, connect included (S3: 100 s, for large transfers;
            // the netstandard2.0 SDK has no separate connect timeout), standard retry mode with 3 attempts in all
            // (throttling, 5xx and transient network errors; never authentication errors).
            config.Timeout = serviceKey == "S3" ? TimeSpan.FromSeconds(100) : TimeSpan.FromSeconds(30);
            config.MaxErrorRetry = 2;
            config.RetryMode = RequestRetryMode.Standard;
            return config;
        }

        public void Dispose()
        {
            foreach (var c in _clients.Values) (c as IDisposable)?.Dispose();
            _clients.Clear();
        }
    }
}
