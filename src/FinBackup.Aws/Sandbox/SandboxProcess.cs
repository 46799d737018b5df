using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using FinBackup.Domain;

namespace FinBackup.Aws.Sandbox
{
    /// <summary>
    /// Starts, probes and stops the local AWS emulator (moto_server) the sandbox runs on. Uses only BCL types so the cmdlet
    /// layer may call it directly. Bounds: readiness wait 60 s (probe every 200 ms, each probe 2 s); stop waits 10 s.
    /// </summary>
    public static class SandboxProcess
    {
        public const string Executable = "moto_server";
        public const string InstallHint = "Install it with: pip install \"moto[server]\"   (Python 3.9+; then make sure moto_server is on PATH).";
        private static readonly HttpClient Probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };

        /// <summary>The moto_server executable on PATH (with PATHEXT on Windows), or null.</summary>
        public static string FindExecutable()
        {
            var extensions = new List<string> { string.Empty };
            var pathext = Environment.GetEnvironmentVariable("PATHEXT");
            if (!string.IsNullOrEmpty(pathext)) extensions.AddRange(pathext.Split(';'));
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
            {
                if (string.IsNullOrWhiteSpace(dir)) continue;
                foreach (var ext in extensions)
                {
                    var candidate = Path.Combine(dir.Trim(), Executable + ext);
                    if (File.Exists(candidate)) return candidate;
                }
            }
            return null;
        }

        public static int FreeLoopbackPort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
            finally { listener.Stop(); }
        }

        /// <summary>Start moto_server on 127.0.0.1:<paramref name="port"/> (0 = a free port) and wait until it answers.</summary>
        /// <returns>The started process (output drained in the background) and its endpoint URL.</returns>
        public static Process Start(int port, CancellationToken cancellationToken, out string endpointUrl)
        {
            var exe = FindExecutable() ?? throw new FinBackupException("FinSandboxMotoMissing", FinErrorKind.NotInstalled,
                "moto_server (the local AWS emulator the sandbox runs on) was not found on PATH.", InstallHint);
            if (port == 0) port = FreeLoopbackPort();
            endpointUrl = $"http://127.0.0.1:{port}";
            var psi = new ProcessStartInfo(exe, $"-H 127.0.0.1 -p {port}")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = false,
                CreateNoWindow = true,
            };
            psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
            var tail = new Queue<string>();
            DataReceivedEventHandler keep = (s, e) =>
            {
                if (e.Data == null) return;
                lock (tail)
                {
                    tail.Enqueue(e.Data);
                    while (tail.Count > 20) tail.Dequeue();
                }
            };
            Process process;
            try
            {
                process = Process.Start(psi);
            }
            catch (Exception ex)
            {
                throw new FinBackupException("FinSandboxStartFailed", FinErrorKind.ResourceUnavailable,
                    $"moto_server at '{exe}' could not be started: {ex.Message}", InstallHint, ex);
            }
            process.OutputDataReceived += keep;
            process.ErrorDataReceived += keep;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                if (process.HasExited)
                {
                    string output;
                    lock (tail) output = string.Join(Environment.NewLine, tail);
                    throw new FinBackupException("FinSandboxStartFailed", FinErrorKind.ResourceUnavailable,
                        $"moto_server exited with code {process.ExitCode} before it was ready. Output:{Environment.NewLine}{output}",
                        "Check that moto[server] is installed completely (pip install \"moto[server]\") and that port " + port + " is free.");
                }
                if (IsReady(endpointUrl)) return process;
                if (DateTime.UtcNow > deadline || cancellationToken.IsCancellationRequested)
                {
                    TryStop(process);
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new FinBackupException("FinSandboxStartTimeout", FinErrorKind.OperationTimeout,
                        "moto_server did not answer within 60 s.", "Try again; if it persists, run 'moto_server -p 5000' by hand to see its output.");
                }
                Thread.Sleep(200);
            }
        }

        /// <summary>True when a moto (or other AWS-emulating) endpoint answers its management API.</summary>
        public static bool IsReady(string endpointUrl)
        {
            try
            {
                using (var response = Probe.GetAsync(endpointUrl.TrimEnd('/') + "/moto-api/").GetAwaiter().GetResult())
                {
                    return (int)response.StatusCode < 500;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is OperationCanceledException || ex is IOException)
            {
                return false;
            }
        }

        /// <summary>The process with this id if it is still the one that was started at <paramref name="startTime"/>.</summary>
        public static Process Find(int processId, DateTime? startTime)
        {
            try
            {
                var p = Process.GetProcessById(processId);
                if (startTime.HasValue && Math.Abs((p.StartTime.ToUniversalTime() - startTime.Value.ToUniversalTime()).TotalSeconds) > 2)
                {
                    p.Dispose();
                    return null;
                }
                return p;
            }
            catch (ArgumentException)
            {
                return null;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        /// <summary>Kill the process and wait up to 10 s for it to exit. Returns false when it was already gone.</summary>
        public static bool TryStop(Process process)
        {
            try
            {
                if (process.HasExited) return false;
                KillTree(process);
                process.WaitForExit(10000);
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        /// <summary>
        /// Kill the process and its children: on Windows moto_server.exe is a pip launcher that runs python.exe as a child.
        /// .NET Core 3+ has Process.Kill(true); on .NET Framework, taskkill /T does the same.
        /// </summary>
        private static void KillTree(Process process)
        {
            var killTree = typeof(Process).GetMethod("Kill", new[] { typeof(bool) });
            if (killTree != null)
            {
                killTree.Invoke(process, new object[] { true });
                return;
            }
            if (Environment.OSVersion.Platform == PlatformID.Win32NT)
            {
                using (var taskkill = Process.Start(new ProcessStartInfo("taskkill", $"/T /F /PID {process.Id}") { UseShellExecute = false, CreateNoWindow = true }))
                {
                    taskkill?.WaitForExit(10000);
                }
                if (!process.HasExited) process.Kill();
                return;
            }
            process.Kill();
        }

        /// <summary>Forget every resource in a moto endpoint (POST /moto-api/reset).</summary>
        public static void Reset(string endpointUrl)
        {
            using (var r = Probe.PostAsync(endpointUrl.TrimEnd('/') + "/moto-api/reset", null).GetAwaiter().GetResult())
            {
                r.EnsureSuccessStatusCode();
            }
        }
    }
}
