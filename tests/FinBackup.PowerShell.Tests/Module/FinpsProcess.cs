using System.Diagnostics;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Module;

/// <summary>Runs out/host/finps.dll in a fresh process, as the README's demo command does.</summary>
public static class FinpsProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string command, int timeoutSeconds = 120, IDictionary<string, string>? environment = null, params string[] hostArguments)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        psi.ArgumentList.Add(RepoPaths.HostDll);
        foreach (var a in hostArguments) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("-Command");
        psi.ArgumentList.Add(command);
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        psi.Environment["NO_COLOR"] = "1";
        if (environment != null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(true);
            throw new TimeoutException($"finps did not finish in {timeoutSeconds} s: {command}");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
