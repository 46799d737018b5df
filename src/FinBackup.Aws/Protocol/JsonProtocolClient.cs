using System;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;

namespace FinBackup.Aws.Protocol
{
    /// <summary>
    /// The AWS JSON 1.0/1.1 protocol (Secrets Manager, WAFv2...): POST / with X-Amz-Target "{prefix}.{Operation}" and a
    /// JSON body; errors carry "__type" (optionally "namespace#Code") and "message".
    /// </summary>
    public class JsonProtocolClient : AwsProtocolClient
    {
        public JsonProtocolClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, string targetPrefix, string jsonVersion = "1.1",
            AwsRetryOptions retry = null, HttpClient http = null)
            : base(credentials, endpoint, retry, http)
        {
            TargetPrefix = targetPrefix;
            JsonVersion = jsonVersion;
        }

        public string TargetPrefix { get; }
        public string JsonVersion { get; }

        /// <summary>Call <paramref name="operation"/> with <paramref name="body"/>; returns the response object (an empty object when the body is empty).</summary>
        public async Task<JsonElement> InvokeAsync(string operation, JsonObject body, CancellationToken cancellationToken)
        {
            var request = new AwsRequest(operation, HttpMethod.Post, "/")
            {
                Body = Encoding.UTF8.GetBytes((body ?? new JsonObject()).ToJsonString()),
                ContentType = "application/x-amz-json-" + JsonVersion,
            };
            request.Headers["X-Amz-Target"] = TargetPrefix + "." + operation;
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return JsonReading.ParseOrEmpty(response.Body);
        }

        protected override AwsErrorInfo ParseError(AwsResponse response) => JsonReading.ParseError(response);
    }
}
