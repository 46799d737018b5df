using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace FinBackup.Aws.Protocol
{
    /// <summary>
    /// Signs outgoing requests with AWS Signature Version 4 using AWSSDK.Core's public signer
    /// (<see cref="AWSSigV4Signer"/>), resolving credentials on every call so refreshing credentials
    /// (roles, SSO) stay valid. Also produces presigned URLs (RDS cross-region copy).
    /// </summary>
    public static class SigV4RequestSigner
    {
        /// <summary>Sign <paramref name="request"/> in place: adds Authorization, X-Amz-Date, X-Amz-Content-SHA256, X-Amz-Security-Token.</summary>
        /// <param name="signedHeaders">Extra headers to include in the signature (e.g. Content-Type, X-Amz-Target); they are also set on the request.</param>
        public static async Task SignAsync(HttpRequestMessage request, byte[] body, IDictionary<string, string> signedHeaders,
            AWSCredentials credentials, string region, string service, CancellationToken cancellationToken, DateTime? signedAt = null)
        {
            var signing = new AWSSigningRequest { HttpMethod = request.Method, RequestUri = request.RequestUri };
            if (body != null && body.Length > 0) signing.Content = body;
            if (signedHeaders != null)
            {
                foreach (var h in signedHeaders) signing.Headers[h.Key] = h.Value;
            }
            var parameters = new AWSSigV4Parameters
            {
                Credentials = credentials,
                Region = RegionEndpoint.GetBySystemName(region),
                Service = service,
                SignedAt = signedAt,
            };
            var result = await AWSSigV4Signer.SignAsync(signing, parameters, cancellationToken).ConfigureAwait(false);
            foreach (var h in result.Headers)
            {
                request.Headers.Remove(h.Key);
                request.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }
        }

        /// <summary>A presigned GET URL for <paramref name="uri"/> (query-string signing), valid for <paramref name="expiry"/>.</summary>
        public static Uri Presign(Uri uri, AWSCredentials credentials, string region, string service, TimeSpan expiry, DateTime? signedAt = null)
        {
            var parameters = new AWSSigV4Parameters
            {
                Credentials = credentials,
                Region = RegionEndpoint.GetBySystemName(region),
                Service = service,
                SignedAt = signedAt,
            };
            return AWSSigV4Signer.Presign(new AWSSigningRequest { HttpMethod = HttpMethod.Get, RequestUri = uri }, parameters, expiry).Uri;
        }
    }
}
