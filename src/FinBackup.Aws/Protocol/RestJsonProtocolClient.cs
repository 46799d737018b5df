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
    /// The AWS REST-JSON protocol (AWS Backup...): the operation is the method and URI (path parameters percent-encoded
    /// with <see cref="AwsEncoding.Encode"/>), query-string members, and a JSON body; errors in x-amzn-ErrorType or the body.
    /// </summary>
    public class RestJsonProtocolClient : AwsProtocolClient
    {
        public RestJsonProtocolClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry = null, HttpClient http = null)
            : base(credentials, endpoint, retry, http)
        {
        }

        public async Task<JsonElement> SendAsync(string operation, HttpMethod method, string path, string query, JsonObject body,
            CancellationToken cancellationToken)
        {
            var request = new AwsRequest(operation, method, path, query);
            if (body != null)
            {
                request.Body = Encoding.UTF8.GetBytes(body.ToJsonString());
                request.ContentType = "application/json";
            }
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return JsonReading.ParseOrEmpty(response.Body);
        }

        protected override AwsErrorInfo ParseError(AwsResponse response) => JsonReading.ParseError(response);
    }
}
