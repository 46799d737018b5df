namespace FinBackup.PowerShell.Tests.Module;

/// <summary>The README's demo command runs end to end: sandbox, policy checks, snapshots, DR copies, file backup and restore, expiry preview.</summary>
public sealed class DemoTests
{
    [Fact]
    public void Demo_runs_every_workflow_on_the_sandbox_and_stops_it()
    {
        var r = PwshProcess.File("examples/demo.ps1", timeoutSeconds: 600);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.Contains("FrequencyMeetsRpo", r.Stdout);       // the brief's inconsistency is reported
        Assert.Contains("RpoDefined", r.Stdout);
        Assert.Contains("all already existing: True", r.Stdout);  // idempotent within the window
        Assert.Matches(@"RdsSnapshot\s+Cross-sell\s+us-west-2", r.Stdout); // DR copy
        Assert.DoesNotMatch(@"(?m)^.{121,}$", r.Stdout.Replace("\r", ""));   // every table fits the 120 columns of a redirected pwsh
        Assert.Matches(@"FileBackup\s+Agent payment", r.Stdout);
        Assert.Matches(@"RdsSnapshot\s+Cross-sell\s+us-east-1\s+Available", r.Stdout);  // a database restored
        Assert.Matches(@"Ami\s+Cross-sell\s+us-east-1\s+Available", r.Stdout);          // an instance restored
        Assert.Matches(@"Roll Available: \d+ instances of cross-sell-asg replaced in batches of 1", r.Stdout); // the AMI rolled into the group
        Assert.Matches(@"RdsDbInstance\s+us-east-1\s+Removed\s+cross-sell-db-restored", r.Stdout);
        Assert.Contains("NewestAvailableForResourceInRegion", r.Stdout);
        // the audit trail of the demo: restores, their clean-up, the drill's steps and its record (issue 11)
        foreach (var action in new[] { "RecoveryPoint.Created", "RecoveryPoint.Copied", "Restore.Started", "Restore.Completed", "Restore.ResourceRemoved", "Failover.Step", "Drill.Recorded" })
            Assert.Matches(@"(?m)^\s*\d+\s+" + System.Text.RegularExpressions.Regex.Escape(action) + @"\s*$", r.Stdout);
        Assert.Contains("Intact", r.Stdout);
        Assert.Contains("== Stopping the sandbox", r.Stdout);
    }
}
