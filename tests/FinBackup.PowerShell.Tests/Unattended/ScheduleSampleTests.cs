using System.Diagnostics;
using System.Management.Automation.Language;
using System.Text.Json;
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
