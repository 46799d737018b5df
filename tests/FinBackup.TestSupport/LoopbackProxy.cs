using System.Net;
using System.Text;
using FinBackup.TestSupport;

// Kept in the namespace the tests have always used; it lives in TestSupport so the fault bench (bench/faults) uses it too.
namespace FinBackup.Tests.Aws;

/// <summary>A request the proxy saw.</summary>
public sealed record ProxiedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
    /// <summary>The Action= of a form-encoded (EC2/RDS query protocol) request body; empty for other protocols.</summary>
    public string QueryAction
    {
        get
        {
            var body = BodyText;
            var i = body.IndexOf("Action=", StringComparison.Ordinal);
            if (i < 0) return string.Empty;
            var end = body.IndexOf('&', i);
            return end < 0 ? body[(i + 7)..] : body[(i + 7)..end];
        }
    }
    /// <summary>The client's end of the connection (address:port), to tell connections apart.</summary>
    public string Remote { get; init; } = string.Empty;
}

/// <summary>A canned answer the proxy gives instead of forwarding.</summary>
public sealed record CannedResponse(int Status, string Body, string ContentType = "text/xml", IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default)
{
    /// <summary>
    /// The "lost reply" fault: the request IS forwarded to the service (which acts on it), then the connection is dropped
    /// before the client sees the answer, as when a reply is lost on the way back.
    /// </summary>
    public static readonly CannedResponse LostReply = new(-1, string.Empty);

    /// <summary>A connection reset before the request reaches the service (nothing happens there).</summary>
    public static readonly CannedResponse Reset = new(-2, string.Empty);

    /// <summary>
    /// The "slow service" fault: the client's connection is dropped at once (it sees a failure without a reply, as after
    /// its attempt timed out), and the request reaches the service only after <paramref name="after"/>, as when the
    /// service works on an attempt the client already gave up on.
    /// </summary>
    /// <param name="failAfter">How long the client waits before its connection drops (an attempt that took that long).</param>
    public static CannedResponse LateDelivery(TimeSpan after, TimeSpan failAfter = default) => new(-3, string.Empty, Delay: after) { FailAfter = failAfter };

    /// <summary>
    /// A connection reset before the request reaches the service, which no client can take for a success: HttpListener
    /// always sends a status line before it drops a connection, and after "200" a client that reads no body (an S3 PUT)
    /// would see a write that never happened as done. This one drops the connection after a "500" status line, with the
    /// body cut short. (The fault bench's resets; <see cref="Reset"/> is kept for the tests written against it.)
    /// </summary>
    public static readonly CannedResponse ResetNeverSuccess = new(-4, string.Empty);

    /// <summary>For <see cref="LateDelivery"/>: when the client's connection is dropped.</summary>
    public TimeSpan FailAfter { get; init; }

    public bool IsLostReply => Status == -1;
    public bool IsReset => Status == -2;
    public bool IsLateDelivery => Status == -3;
    public bool IsResetNeverSuccess => Status == -4;
}

/// <summary>
/// A small HTTP server on 127.0.0.1 that records every request and either answers with a canned response
/// (decided per request number by <c>fault</c>) or forwards the request to <c>upstream</c> (moto).
/// </summary>
public sealed class LoopbackProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string? _upstream;
    private readonly Func<int, ProxiedRequest, CannedResponse?> _fault;
    private readonly HttpClient _forward = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<ProxiedRequest> _requests = new();
    private readonly Task _loop;

    public LoopbackProxy(string? upstream, Func<int, ProxiedRequest, CannedResponse?> fault)
    {
        _upstream = upstream?.TrimEnd('/');
        _fault = fault;
        Port = MotoServer.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }
    public string EndpointUrl => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<ProxiedRequest> Requests
    {
        get { lock (_requests) return _requests.ToList(); }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(() => HandleAsync(ctx));
        }
    }

    private async Task HandleAsync(HttpListenerContext ctx)
    {
        try
        {
            using var body = new MemoryStream();
            await ctx.Request.InputStream.CopyToAsync(body);
            var headers = ctx.Request.Headers.AllKeys.Where(k => k != null).ToDictionary(k => k!, k => ctx.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var req = new ProxiedRequest(ctx.Request.HttpMethod, ctx.Request.RawUrl ?? "/", headers, body.ToArray()) { Remote = ctx.Request.RemoteEndPoint?.ToString() ?? string.Empty };
            int number;
            lock (_requests) { _requests.Add(req); number = _requests.Count; }

            var canned = _fault(number, req);
            if (canned == null && _upstream == null) canned = new CannedResponse(200, "{}", "application/json");
            if (canned != null && canned.IsLateDelivery && _upstream != null)
            {
                var delay = canned.Delay;
                _ = Task.Run(async () =>
                {
                    await Task.Delay(delay);
                    try { using var m = Forward(req, headers); using var _r = await _forward.SendAsync(m); } catch (Exception) { }
                });
            }
            if (canned != null && canned.IsLateDelivery && canned.FailAfter > TimeSpan.Zero) await Task.Delay(canned.FailAfter);
            if (canned != null && (canned.IsReset || canned.IsLateDelivery || canned.IsResetNeverSuccess))
            {
                // Nothing reaches the service; the client sees the connection end without a usable reply.
                ctx.Response.StatusCode = canned.IsResetNeverSuccess ? 500 : 200;
                ctx.Response.ContentLength64 = 64;
                await ctx.Response.OutputStream.FlushAsync();
                ctx.Response.Abort();
                return;
            }
            var loseReply = canned != null && canned.IsLostReply && _upstream != null;
            if (canned != null && !loseReply)
            {
                if (canned.Delay > TimeSpan.Zero) await Task.Delay(canned.Delay);
                ctx.Response.StatusCode = canned.Status;
                ctx.Response.ContentType = canned.ContentType;
                if (canned.Headers != null) foreach (var h in canned.Headers) ctx.Response.Headers[h.Key] = h.Value;
                var bytes = Encoding.UTF8.GetBytes(canned.Body);
                await ctx.Response.OutputStream.WriteAsync(bytes);
                ctx.Response.Close();
                return;
            }

            using var forward = Forward(req, headers);
            using var response = await _forward.SendAsync(forward);
            if (loseReply)
            {
                // The service has acted on the request. The client gets the status line and part of the body, then the
                // connection closes: HttpListener cannot drop a connection before the headers (Abort still sends them),
                // so the reply is cut short instead, which the client sees as a connection lost mid-reply.
                var lostPayload = await response.Content.ReadAsByteArrayAsync();
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentLength64 = lostPayload.Length + 64;
                await ctx.Response.OutputStream.WriteAsync(lostPayload.AsMemory(0, lostPayload.Length / 2));
                await ctx.Response.OutputStream.FlushAsync();
                ctx.Response.Abort();
                return;
            }
            ctx.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType != null) ctx.Response.ContentType = response.Content.Headers.ContentType.ToString();
            foreach (var h in response.Headers)
            {
                if (h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase)) continue;
                ctx.Response.Headers[h.Key] = string.Join(",", h.Value);
            }
            var payload = await response.Content.ReadAsByteArrayAsync();
            await ctx.Response.OutputStream.WriteAsync(payload);
            ctx.Response.Close();
        }
        catch (Exception)
        {
            try { ctx.Response.Abort(); } catch (Exception) { }
        }
    }

    private HttpRequestMessage Forward(ProxiedRequest req, IReadOnlyDictionary<string, string> headers)
    {
        var forward = new HttpRequestMessage(new HttpMethod(req.Method), _upstream + req.PathAndQuery);
        if (req.Body.Length > 0 || req.Method is "POST" or "PUT")
        {
            forward.Content = new ByteArrayContent(req.Body);
        }
        foreach (var h in headers)
        {
            if (h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
            if (h.Key.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)) forward.Content?.Headers.TryAddWithoutValidation(h.Key, h.Value);
            else forward.Headers.TryAddWithoutValidation(h.Key, h.Value);
        }
        return forward;
    }

    public void Dispose()
    {
        try { _listener.Stop(); _listener.Close(); } catch (Exception) { }
        _forward.Dispose();
    }
}
