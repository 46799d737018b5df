using System.Diagnostics;
using System.Management.Automation.Language;
using System.Text.Json;
using FinBackup.PowerShell.Tests.Module;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Unattended;

/// <summary>The SSM documents' scripts parse as PowerShell, and the cron/systemd runner's lock behaves.</summary>
public sealed class ScheduleSampleTests
{
    private static readonly string Runner = Path.Combine(RepoPaths.Root, "examples", "schedule", "finbackup-run.sh");

    [Theory]
    [InlineData("FinBackup-Cycle")]
    [InlineData("FinBackup-FileSetBackup")]
    [InlineData("FinBackup-RestoreDrill")]
    [InlineData("FinBackup-DrReadiness")]
    public void Each_ssm_documents_script_parses_as_PowerShell_with_its_parameters_filled_in(string name)
    {
        var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "ssm", name + ".json"))).RootElement;
        var lines = doc.GetProperty("mainSteps")[0].GetProperty("inputs").GetProperty("runCommand").EnumerateArray().Select(l => l.GetString());
        var script = System.Text.RegularExpressions.Regex.Replace(string.Join("\n", lines), @"\{\{\s*(\w+)\s*\}\}", m => "value-" + m.Groups[1].Value);
        Parser.ParseInput(script, out _, out var errors);
        Assert.True(errors.Length == 0, string.Join("; ", errors.Select(e => $"line {e.Extent.StartLineNumber}: {e.Message}")));
    }

    /// <summary>
    /// SSM's agent runs a document's commands as `pwsh -f &lt;script&gt;`: each document's first command starts pwsh once more
    /// with DOTNET_TieredCompilation=0 (what finbackup-run.sh sets for scheduled runs) and passes the exit code on; a
    /// setting already made is kept, and the second pwsh does not start a third.
    /// </summary>
    [Theory]
    [InlineData("FinBackup-Cycle")]
    [InlineData("FinBackup-FileSetBackup")]
    [InlineData("FinBackup-RestoreDrill")]
    [InlineData("FinBackup-DrReadiness")]
    public void Each_ssm_document_runs_its_script_in_a_pwsh_with_tiered_compilation_off_and_passes_the_exit_code_on(string name)
    {
        var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "ssm", name + ".json"))).RootElement;
        var lines = doc.GetProperty("mainSteps")[0].GetProperty("inputs").GetProperty("runCommand").EnumerateArray().Select(l => l.GetString()!).ToList();
        var relaunch = lines.FindIndex(l => l.Contains("DOTNET_TieredCompilation = '0'", StringComparison.Ordinal));
        Assert.True(relaunch >= 0 && lines.Take(relaunch).All(l => l.TrimStart().StartsWith('#')), "the relaunch is not the document's first command");
        var pwsh = Path.Combine(PwshProcess.Command("$PSHOME").Stdout.Trim(), OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
        Assert.True(File.Exists(pwsh), $"no pwsh executable in $PSHOME ({pwsh})");
        var dir = Directory.CreateTempSubdirectory("finbackup-ssm-").FullName;
        try
        {
            var script = Path.Combine(dir, "_script.ps1");
            File.WriteAllLines(script, lines.Take(relaunch + 1).Concat(new[] { "\"TC=[$env:DOTNET_TieredCompilation] PID=$PID\"", "exit 7" }));

            var off = RunAsAgent(pwsh, script, null);
            Assert.Equal(7, off.ExitCode);
            var said = off.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Where(l => l.StartsWith("TC=", StringComparison.Ordinal)).ToList();
            Assert.Equal("TC=[0]", Assert.Single(said)[..6]); // once: the first pwsh ran nothing after starting the second
            Assert.DoesNotContain($"PID={off.Pid}", said[0]);

            var kept = RunAsAgent(pwsh, script, "1");
            Assert.Equal(7, kept.ExitCode);
            Assert.Contains($"TC=[1] PID={kept.Pid}", kept.Stdout); // an explicit setting is kept: no second pwsh
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static (int ExitCode, string Stdout, int Pid) RunAsAgent(string pwsh, string script, string? tieredCompilation)
    {
        var psi = new ProcessStartInfo(pwsh) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-f");
        psi.ArgumentList.Add(script);
        psi.Environment.Remove("DOTNET_TieredCompilation");
        if (tieredCompilation != null) psi.Environment["DOTNET_TieredCompilation"] = tieredCompilation;
        psi.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(true);
            throw new TimeoutException("pwsh -f " + script + " did not finish in 120 s");
        }
        return (p.ExitCode, stdout.Result + stderr.Result, p.Id);
    }

    private static Process Start(string window, string command, string lockDir)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Runner);
        psi.ArgumentList.Add(window);
        psi.ArgumentList.Add("/bin/sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        psi.Environment["FINBACKUP_LOCK_DIR"] = lockDir;
        return Process.Start(psi)!;
    }

    [Fact]
    public void A_second_run_of_the_same_window_skips_while_the_first_holds_the_lock_and_a_killed_run_leaves_no_lock()
    {
        if (!File.Exists("/usr/bin/flock") && !File.Exists("/bin/flock")) return; // util-linux is part of every supported Linux host
        var lockDir = Directory.CreateTempSubdirectory("finbackup-locks-").FullName;
        var marker = Path.Combine(lockDir, "started");
        try
        {
            using var first = Start("cycle-cross-sell", $"touch '{marker}'; sleep 30", lockDir);
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!File.Exists(marker) && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Assert.True(File.Exists(marker), "the first run did not start");

            using var second = Start("cycle-cross-sell", $"echo ran > '{lockDir}/second'", lockDir);
            second.WaitForExit();
            Assert.Equal(0, second.ExitCode);
            Assert.Contains("already running", second.StandardError.ReadToEnd());
            Assert.False(File.Exists(Path.Combine(lockDir, "second")));

            using var other = Start("cycle-vendor", "exit 0", lockDir); // another window is not blocked
            other.WaitForExit();
            Assert.Equal(0, other.ExitCode);

            first.Kill(entireProcessTree: true); // a crashed run
            first.WaitForExit();
            using var third = Start("cycle-cross-sell", $"echo ran > '{lockDir}/third'", lockDir);
            third.WaitForExit();
            Assert.Equal(0, third.ExitCode);
            Assert.True(File.Exists(Path.Combine(lockDir, "third")), "the lock outlived the killed run");

            using var failing = Start("cycle-cross-sell", "exit 3", lockDir);
            failing.WaitForExit();
            Assert.Equal(3, failing.ExitCode); // the run's exit code reaches the scheduler
        }
        finally
        {
            Directory.Delete(lockDir, true);
        }
    }
}
