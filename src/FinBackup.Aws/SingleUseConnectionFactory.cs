using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;

namespace FinBackup.Aws
{
    /// <summary>
    /// HTTP clients for calls AWS does not deduplicate (CreateSnapshots, CreateImage, CopySnapshot, CopyImage): every
    /// SDK invocation reaches the wire at most once. Below its own retry settings, the SDK sends a request again when the
    /// reply breaks off mid-way (seen with MaxErrorRetry = 0: two CreateImage calls, both "attempt=1; max=1"), which after
    /// a lost reply makes a second snapshot set or image. Here a second send of the same invocation (same
    /// amz-sdk-invocation-id) fails instead, so FinBackup looks for what the first one made before deciding to send again
    /// (RecoveryPoints.LookBeforeResend). One connection per request (Connection: close), so .NET never replays one either.
    /// </summary>
    internal sealed class SingleUseConnectionFactory : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            var client = new HttpClient(new SendOnceHandler(new HttpClientHandler { AllowAutoRedirect = false }))
            {
                Timeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(30),
            };
            client.DefaultRequestHeaders.ConnectionClose = true;
            return client;
        }

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        private sealed class SendOnceHandler : DelegatingHandler
        {
            private const string InvocationHeader = "amz-sdk-invocation-id";
            private readonly ConcurrentDictionary<string, DateTime> _sent = new ConcurrentDictionary<string, DateTime>(StringComparer.Ordinal);

            public SendOnceHandler(HttpMessageHandler inner) : base(inner) { }

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (request.Headers.TryGetValues(InvocationHeader, out IEnumerable<string> values))
                {
                    var id = values.FirstOrDefault();
                    if (!string.IsNullOrEmpty(id) && !_sent.TryAdd(id, DateTime.UtcNow))
                        throw new HttpRequestException("FinBackup does not let the SDK send this request a second time: its first attempt may have been carried out.");
                    if (_sent.Count > 1000)
                        foreach (var old in _sent.Where(kv => kv.Value < DateTime.UtcNow.AddHours(-1)).Select(kv => kv.Key).ToList()) _sent.TryRemove(old, out _);
                }
                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}
