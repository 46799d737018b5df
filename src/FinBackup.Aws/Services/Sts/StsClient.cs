using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;
using FinBackup.Domain.Connection;

namespace FinBackup.Aws.Services.Sts
{
    /// <summary>
    /// STS GetCallerIdentity on FinBackup's query-protocol client (bounded retries and timeouts, FinBackup error ids),
    /// used to test a connection. The SDK's STS client stays available as <see cref="AwsClientContext.Sts"/>.
    /// </summary>
    public sealed class StsClient
    {
        private readonly QueryProtocolClient _query;

        public StsClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry = null, HttpClient http = null)
        {
            _query = new QueryProtocolClient(credentials, endpoint, "2011-06-15", retry, http);
        }

        public AwsServiceEndpoint Endpoint => _query.Endpoint;

        public async Task<AwsCallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            var r = await _query.InvokeAsync("GetCallerIdentity", new QueryParameters(), cancellationToken).ConfigureAwait(false);
            return new AwsCallerIdentity { Account = r.Text("Account"), Arn = r.Text("Arn"), UserId = r.Text("UserId") };
        }
    }

    /// <summary>The <see cref="Domain.Ports.IAwsIdentityGateway"/> port on STS.</summary>
    [Gateway(typeof(Domain.Ports.IAwsIdentityGateway))]
    public sealed class StsIdentityGateway : Domain.Ports.IAwsIdentityGateway
    {
        private readonly StsClient _sts;

        public StsIdentityGateway(AwsClientContext context, string region)
        {
            _sts = context.Cached("sts-query", region, r => new StsClient(context.Credentials, context.ServiceEndpoint("sts", "sts", "STS", r), context.RetryOptions));
        }

        public Task<AwsCallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken) => _sts.GetCallerIdentityAsync(cancellationToken);
    }
}
