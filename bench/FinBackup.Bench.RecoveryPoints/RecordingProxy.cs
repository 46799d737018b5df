using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace FinBackup.Bench.RecoveryPoints;

/// <summary>
/// A recording HTTP proxy in front of moto: forwards every request and records (service, region, operation),
/// the operation read from the query-protocol body (Action=...), the JSON target header, or the REST method + path.
/// </summary>
internal sealed class RecordingProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _forward = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly string _upstream;
    public ConcurrentQueue<(string Service, string Region, string Operation)> Calls { get; } = new();

    public RecordingProxy(string upstream, int port)
    {
        _upstream = upstream.TrimEnd('/');
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(Loop);
    }

    public int Port { get; }
    public string EndpointUrl => $"http://127.0.0.1:{Port}";

    private async Task Loop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); } catch { return; }
            _ = Task.Run(() => Handle(ctx));
        }
    }

    private async Task Handle(HttpListenerContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.InputStream.CopyToAsync(ms);
        var body = ms.ToArray();
        var auth = ctx.Request.Headers["Authorization"] ?? string.Empty;
        var scope = auth.Split("Credential=").ElementAtOrDefault(1)?.Split(',')[0].Split('/') ?? Array.Empty<string>();
        var region = scope.Length > 3 ? scope[2] : "?";
        var service = scope.Length > 3 ? scope[3] : "?";
        var target = ctx.Request.Headers["X-Amz-Target"];
        var text = Encoding.UTF8.GetString(body);
        var action = text.Split('&').FirstOrDefault(p => p.StartsWith("Action=", StringComparison.Ordinal))?.Substring(7);
        var op = action ?? target?.Split('.').Last() ?? ctx.Request.HttpMethod + " " + ctx.Request.Url!.AbsolutePath;
        Calls.Enqueue((service, region, op));

        var req = new HttpRequestMessage(new HttpMethod(ctx.Request.HttpMethod), _upstream + ctx.Request.Url!.PathAndQuery);
        if (body.Length > 0 || ctx.Request.HttpMethod is "POST" or "PUT") req.Content = new ByteArrayContent(body);
        foreach (string key in ctx.Request.Headers)
        {
            if (key is "Host" or "Content-Length" or "Connection" or "Expect") continue;
            var value = ctx.Request.Headers[key]!;
            if (!req.Headers.TryAddWithoutValidation(key, value)) req.Content?.Headers.TryAddWithoutValidation(key, value);
        }
        req.Headers.Host = ctx.Request.Url.Authority;
        try
        {
            using var resp = await _forward.SendAsync(req);
            ctx.Response.StatusCode = (int)resp.StatusCode;
            foreach (var h in resp.Headers.Concat(resp.Content.Headers))
            {
                if (h.Key is "Transfer-Encoding" or "Content-Length" or "Connection") continue;
                ctx.Response.Headers[h.Key] = string.Join(",", h.Value);
            }
            var bytes = await resp.Content.ReadAsByteArrayAsync();
            ctx.Response.ContentLength64 = bytes.Length;
            await ctx.Response.OutputStream.WriteAsync(bytes);
        }
        catch
        {
            ctx.Response.StatusCode = 502;
        }
        finally
        {
            ctx.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _forward.Dispose();
    }
}
