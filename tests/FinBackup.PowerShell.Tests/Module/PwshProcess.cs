using System.Diagnostics;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Module;

/// <summary>
/// Runs real PowerShell (the repository's local tool: `dotnet pwsh`, PowerShell 7.6.9 from .config/dotnet-tools.json)
/// in a fresh process, as an admin or the README's demo command does. Needs `dotnet tool restore` first (the README's
/// test command runs it). Each process costs about half a second to start: use it only where a real host matters.
/// </summary>
public static class PwshProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>`dotnet pwsh -NoProfile -NonInteractive -Command &lt;command&gt;`.</summary>
    public static Result Command(string command, int timeoutSeconds = 120, IDictionary<string, string>? environment = null) =>
        Run(new[] { "-Command", command }, timeoutSeconds, environment);

    /// <summary>
    /// `dotnet pwsh -NoProfile -NonInteractive [hostArguments] -Command &lt;command&gt;` with out/ first on PSModulePath, so
    /// `Import-Module FinBackup` finds the built module (as it does for an admin who copied it into a module folder).
    /// </summary>
    public static Result Run(string command, int timeoutSeconds = 120, IDictionary<string, string>? environment = null, params string[] hostArguments)
    {
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        var outDir = Path.GetDirectoryName(RepoPaths.ModuleDirectory)!;
        if (!env.ContainsKey("PSModulePath"))
            env["PSModulePath"] = outDir + Path.PathSeparator + (Environment.GetEnvironmentVariable("PSModulePath") ?? string.Empty);
        return Run(hostArguments.Where(a => !a.Equals("-NonInteractive", StringComparison.OrdinalIgnoreCase)).Concat(new[] { "-Command", command }).ToArray(),
            timeoutSeconds, env);
    }

    /// <summary>`dotnet pwsh -NoProfile -NonInteractive -File &lt;path&gt; [args]`.</summary>
    public static Result File(string path, int timeoutSeconds = 120, IDictionary<string, string>? environment = null, params string[] args) =>
        Run(new[] { "-File", path }.Concat(args).ToArray(), timeoutSeconds, environment);

    private static Result Run(string[] arguments, int timeoutSeconds, IDictionary<string, string>? environment)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var a in new[] { "pwsh", "-NoProfile", "-NonInteractive" }.Concat(arguments)) psi.ArgumentList.Add(a);
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        if (environment != null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(true);
            throw new TimeoutException($"pwsh did not finish in {timeoutSeconds} s: {string.Join(' ', arguments)}");
        }
        var result = new Result(p.ExitCode, stdout.Result, stderr.Result);
        if (result.ExitCode != 0 && result.Stderr.Contains("dotnet tool restore", StringComparison.Ordinal))
            throw new InvalidOperationException("pwsh is not restored: run `dotnet tool restore` in the repository root.\n" + result.Stderr);
        return result;
    }

    /// <summary>PowerShell text that imports the built module by path (out/FinBackup), as the demo does.</summary>
    public static string ImportBuiltModule => $"Import-Module '{RepoPaths.ModuleManifest}' -ErrorAction Stop";
}
