using System;

namespace FinBackup.Aws.Protocol
{
    /// <summary>Where a service call goes and how it is signed: base URI, signing region, signing service name.</summary>
    public sealed class AwsServiceEndpoint
    {
        public AwsServiceEndpoint(Uri baseUri, string signingRegion, string signingService)
        {
            BaseUri = baseUri ?? throw new ArgumentNullException(nameof(baseUri));
            SigningRegion = signingRegion;
            SigningService = signingService;
        }

        public Uri BaseUri { get; }
        public string SigningRegion { get; }
        public string SigningService { get; }

        /// <summary>
        /// The endpoint of a regional service: the custom endpoint when given (the sandbox or a VPC endpoint),
        /// else https://{prefix}.{region}.amazonaws.com (.amazonaws.com.cn in China).
        /// </summary>
        public static AwsServiceEndpoint Regional(string endpointPrefix, string signingService, string region, string customEndpoint)
        {
            if (string.IsNullOrEmpty(region)) throw new ArgumentException("A region is required.", nameof(region));
            if (!string.IsNullOrEmpty(customEndpoint))
            {
                return new AwsServiceEndpoint(new Uri(customEndpoint.TrimEnd('/') + "/"), region, signingService);
            }
            var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
            return new AwsServiceEndpoint(new Uri($"https://{endpointPrefix}.{region}.{suffix}/"), region, signingService);
        }

        /// <summary>A global service (Route 53): one endpoint, signed for us-east-1.</summary>
        public static AwsServiceEndpoint Global(string host, string signingService, string customEndpoint)
        {
            if (!string.IsNullOrEmpty(customEndpoint))
            {
                return new AwsServiceEndpoint(new Uri(customEndpoint.TrimEnd('/') + "/"), "us-east-1", signingService);
            }
            return new AwsServiceEndpoint(new Uri($"https://{host}/"), "us-east-1", signingService);
        }

        /// <summary>The absolute URI for a path ("/backup-vaults/x") and an encoded query string (without '?').</summary>
        /// <param name="hostPrefix">Put in front of the host name (S3 virtual-hosted style: "bucket."), or null.</param>
        public Uri Resolve(string path, string query = null, string hostPrefix = null)
        {
            var authority = BaseUri.GetLeftPart(UriPartial.Authority);
            if (!string.IsNullOrEmpty(hostPrefix))
                authority = BaseUri.Scheme + "://" + hostPrefix + BaseUri.Authority;
            var root = authority + BaseUri.AbsolutePath.TrimEnd('/');
            var text = root + (string.IsNullOrEmpty(path) ? "/" : path);
            if (!string.IsNullOrEmpty(query)) text += "?" + query;
            return new Uri(text);
        }
    }
}
