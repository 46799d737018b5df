using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using FinBackup.Domain;

namespace FinBackup.Aws.Protocol
{
    /// <summary>
    /// What every wire protocol shares: build the HTTP request, sign it (SigV4, fresh on every attempt), send it on the
    /// shared HttpClient within the attempt deadline, and retry as the SDK standard retry mode does. Subclasses add the
    /// protocol's serialization and parse its error responses.
    /// <para>Bounds: each attempt at most <see cref="AwsRetryOptions.AttemptTimeout"/> (30 s), connect 10 s, at most
    /// <see cref="AwsRetryOptions.MaxAttempts"/> attempts; auth errors are not retried; a refused/unreachable endpoint
    /// or an attempt timeout is retried once at most; DNS failures are not retried.</para>
    /// </summary>
    public abstract class AwsProtocolClient
    {
        private static readonly Random Jitter = new Random();
        private readonly HttpClient _http;

        protected AwsProtocolClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry, HttpClient http)
        {
            Credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
            Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
            Retry = retry ?? AwsRetryOptions.Default;
            _http = http ?? AwsHttpTransport.Shared;
        }

        public AWSCredentials Credentials { get; }
        public AwsServiceEndpoint Endpoint { get; }
        public AwsRetryOptions Retry { get; }
        /// <summary>The region this client signs for.</summary>
        public string Region => Endpoint.SigningRegion;

        /// <summary>Parse the service's error response (code, message, request id).</summary>
        protected abstract AwsErrorInfo ParseError(AwsResponse response);

        /// <summary>Send with signing and retries; returns a 2xx response or throws AwsServiceException / FinBackupException.</summary>
        protected async Task<AwsResponse> SendAsync(AwsRequest request, CancellationToken cancellationToken) =>
            (await SendWithRetriesAsync(request, false, cancellationToken).ConfigureAwait(false)).Whole;

        /// <summary>
        /// As <see cref="SendAsync(AwsRequest, CancellationToken)"/>, with the same signing, retries and error mapping, but a 2xx
        /// response is handed back with its body unread, for the caller to stream and dispose (an S3 ranged GET). Only what
        /// comes before the body is retried: a body cut short is the caller's to report.
        /// </summary>
        protected async Task<HttpResponseMessage> SendForStreamAsync(AwsRequest request, CancellationToken cancellationToken) =>
            (await SendWithRetriesAsync(request, true, cancellationToken).ConfigureAwait(false)).Streamed;

        /// <summary>One attempt's answer: a response read whole, or (streaming) a 2xx response whose body is still to be read.</summary>
        private struct Reply
        {
            public AwsResponse Whole;
            public HttpResponseMessage Streamed;
        }

        private async Task<Reply> SendWithRetriesAsync(AwsRequest request, bool stream, CancellationToken cancellationToken)
        {
            var maxAttempts = Math.Max(1, Math.Min(10, Retry.MaxAttempts));
            var connectionRetries = 0;
            var timeoutRetries = 0;
            for (var attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                AwsResponse response;
                try
                {
                    var reply = await SendOnceAsync(request, stream, cancellationToken).ConfigureAwait(false);
                    if (reply.Streamed != null) return reply;
                    response = reply.Whole;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (OperationCanceledException ex)
                {
                    if (attempt < maxAttempts && timeoutRetries++ < 1)
                    {
                        await DelayAsync(attempt, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    throw new FinBackupException("FinAwsTimeout", FinErrorKind.OperationTimeout,
                        $"AWS {Endpoint.SigningService} {request.Operation} at {Endpoint.BaseUri} did not answer within {DeadlineFor(request).TotalSeconds:0} s ({attempt} attempt(s)).",
                        "Check the network path to the endpoint (proxy, VPC endpoint, firewall) and that -EndpointUrl/-Region are right.", ex);
                }
                catch (HttpRequestException ex)
                {
                    var dns = IsDnsFailure(ex);
                    if (!dns && attempt < maxAttempts && connectionRetries++ < 1)
                    {
                        await DelayAsync(attempt, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    throw new FinBackupException("FinAwsEndpointUnreachable", FinErrorKind.ConnectionError,
                        $"Cannot reach AWS {Endpoint.SigningService} at {Endpoint.BaseUri}: {Innermost(ex).Message}",
                        dns ? "The endpoint's host name does not resolve. Check -Region (a real AWS region such as us-east-1) or -EndpointUrl."
                            : AwsErrorTable.UnreachableAdvice(Endpoint.BaseUri), ex);
                }
                catch (System.IO.IOException ex)
                {
                    // The connection broke after the request was sent (the reply was lost mid-way): the service may have
                    // acted on it. Retried like a connection failure; callers of non-idempotent operations adopt what the
                    // first attempt made (an AlreadyExists on the retry).
                    if (attempt < maxAttempts && connectionRetries++ < 1)
                    {
                        await DelayAsync(attempt, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    throw AwsErrorTable.ConnectionLost($"AWS {Endpoint.SigningService} {request.Operation} at {Endpoint.BaseUri}", ex);
                }

                if (response.IsSuccess) return new Reply { Whole = response };

                var error = ParseError(response);
                var requestId = error.RequestId ?? response.RequestIdHeader;
                if (AwsErrorClassifier.IsRetryable(error.Code, response.StatusCode) && attempt < maxAttempts)
                {
                    await DelayAsync(attempt, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                throw new AwsServiceException(Endpoint.SigningService, request.Operation, response.StatusCode, error.Code, error.Message, requestId);
            }
        }

        private async Task<Reply> SendOnceAsync(AwsRequest request, bool stream, CancellationToken cancellationToken)
        {
            using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attemptCts.CancelAfter(DeadlineFor(request));
                var uri = Endpoint.Resolve(request.Path, request.Query, request.HostPrefix);
                using (var message = new HttpRequestMessage(request.Method, uri))
                {
                    var signed = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase);
                    StreamedRequestBody streamed = null;
                    if (request.BodyStream != null)
                    {
                        if (!request.Headers.ContainsKey("x-amz-content-sha256"))
                            throw new ArgumentException("A streamed request body needs its SHA-256 as the x-amz-content-sha256 header.", nameof(request));
                        message.Content = streamed = new StreamedRequestBody(request.BodyStream, request.BodyLength);
                    }
                    else if (request.Body != null)
                    {
                        message.Content = new ByteArrayContent(request.Body);
                    }
                    if (message.Content != null && request.ContentType != null)
                    {
                        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
                        signed["Content-Type"] = request.ContentType;
                    }
                    foreach (var h in request.Headers) message.Headers.TryAddWithoutValidation(h.Key, h.Value);
                    message.Headers.TryAddWithoutValidation("User-Agent", "FinBackup/" + typeof(AwsProtocolClient).Assembly.GetName().Version);
                    await SigV4RequestSigner.SignAsync(message, request.Body, signed, Credentials, Endpoint.SigningRegion, Endpoint.SigningService, attemptCts.Token)
                        .ConfigureAwait(false);
                    HttpResponseMessage response;
                    try
                    {
                        response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (streamed?.Failure != null && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                    {
                        throw new AwsRequestBodyException(streamed.Failure);
                    }
                    if (stream && response.IsSuccessStatusCode) return new Reply { Streamed = response };
                    using (response)
                    {
                        var body = response.Content == null ? Array.Empty<byte>() : await ReadAllAsync(response.Content, attemptCts.Token).ConfigureAwait(false);
                        return new Reply { Whole = new AwsResponse((int)response.StatusCode, response.Headers, response.Content?.Headers, body) };
                    }
                }
            }
        }

        /// <summary>
        /// One attempt's deadline: <see cref="AwsRetryOptions.AttemptTimeout"/>, plus a second for every 256 KiB of a streamed
        /// body (an 8 MiB chunk gets 32 s more), so a slow uplink is not taken for a service that does not answer.
        /// </summary>
        internal TimeSpan DeadlineFor(AwsRequest request) =>
            request.BodyStream == null ? Retry.AttemptTimeout : Retry.AttemptTimeout + TimeSpan.FromSeconds(request.BodyLength / (256.0 * 1024));

        private static async Task<byte[]> ReadAllAsync(HttpContent content, CancellationToken token)
        {
            using (var stream = await content.ReadAsStreamAsync().ConfigureAwait(false))
            using (var buffer = new System.IO.MemoryStream())
            {
                await stream.CopyToAsync(buffer, 81920, token).ConfigureAwait(false);
                return buffer.ToArray();
            }
        }

        private Task DelayAsync(int attempt, CancellationToken token) => Task.Delay(Retry.BackoffFor(attempt - 1, Jitter), token);

        private static bool IsDnsFailure(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
            {
                if (e is SocketException se && (se.SocketErrorCode == SocketError.HostNotFound || se.SocketErrorCode == SocketError.NoData))
                    return true;
            }
            return false;
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }
    }
}
