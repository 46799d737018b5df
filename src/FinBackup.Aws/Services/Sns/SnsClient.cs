using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;

namespace FinBackup.Aws.Services.Sns
{
    /// <summary>Amazon SNS (query protocol, API 2010-03-31): only what the alarms need, whether their topic exists.</summary>
    public sealed class SnsClient
    {
        private readonly QueryProtocolClient _query;

        public SnsClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry = null, HttpClient http = null)
        {
            _query = new QueryProtocolClient(credentials, endpoint, "2010-03-31", retry, http);
        }

        /// <summary>True when GetTopicAttributes finds the topic; false on NotFound.</summary>
        public async Task<bool> TopicExistsAsync(string topicArn, CancellationToken ct)
        {
            try
            {
                await _query.InvokeAsync("GetTopicAttributes", new QueryParameters().Add("TopicArn", topicArn), ct).ConfigureAwait(false);
                return true;
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == "NotFound" || ex.ErrorCode == "NotFoundException")
            {
                return false;
            }
        }
    }
}
