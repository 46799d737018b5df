using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FinBackup.TestSupport;

/// <summary>
/// A moto_server on a free 127.0.0.1 port: one per test collection, reset between tests with
/// <see cref="ResetAsync"/>, always stopped on dispose. Fails with the install command when moto is missing.
/// </summary>
public sealed class MotoServer : IDisposable
{
    private readonly Process _process;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public MotoServer()
    {
        var exe = FindExecutable("moto_server") ?? throw new InvalidOperationException(
            "moto_server is not installed. Install it with: pip install \"moto[server]\" (moto 5.2.1 is what the tests were written against).");
        Port = FreePort();
        var psi = new ProcessStartInfo(exe, $"-H 127.0.0.1 -p {Port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        _process = Process.Start(psi) ?? throw new InvalidOperationException("moto_server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilReady();
    }

    public int Port { get; }
    public string EndpointUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Forget every resource (POST /moto-api/reset).</summary>
    public async Task ResetAsync()
    {
        using var response = await Http.PostAsync(EndpointUrl + "/moto-api/reset", null);
        response.EnsureSuccessStatusCode();
    }

    public void Reset() => ResetAsync().GetAwaiter().GetResult();

    private void WaitUntilReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode}.");
            try
            {
                using var r = Http.GetAsync(EndpointUrl + "/moto-api/").GetAwaiter().GetResult();
                if ((int)r.StatusCode < 500) return;
            }
            catch (HttpRequestException) { }
            Thread.Sleep(100);
        }
        Dispose();
        throw new TimeoutException("moto_server did not answer within 60 s.");
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public static string? FindExecutable(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}

