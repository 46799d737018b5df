using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Completion;

/// <summary>
/// An application name that matches nothing is said, with one error id on every cmdlet that takes -Application and a
/// policy, naming the policy's applications; and nothing is done for it (never "everything"). No AWS call is needed to
/// say so (the endpoint is a closed port).
/// </summary>
public sealed class UnknownApplicationTests
{
    private static ModuleHost Host()
    {
        var host = new ModuleHost();
        Assert.Empty(host.Run($"Set-FinDefault -Region us-east-1 -EndpointUrl http://127.0.0.1:9; $p = Import-FinBackupPolicy '{ArgumentCompleterTests.PolicyPath}'").Errors);
        return host;
    }

    [Theory]
    [InlineData("Get-FinResource -Policy $p -Application 'No such app'", "GetFinResourceCommand")]
    [InlineData("Get-FinRecoveryPoint -Policy $p -Application 'No such app'", "GetFinRecoveryPointCommand")]
    [InlineData("Remove-FinExpiredBackup -Policy $p -Application 'No such app' -Confirm:$false", "RemoveFinExpiredBackupCommand")]
    [InlineData("Set-FinBackupPlan -Policy $p -Application 'No such app' -Confirm:$false", "SetFinBackupPlanCommand")]
    [InlineData("Get-FinRtoEstimate -Policy $p -Application 'No such app'", "GetFinRtoEstimateCommand")]
    [InlineData("New-FinSnapshot -Policy $p -ResourceId i-0123456789abcdef0 -Application 'No such app' -Kind EbsSnapshotSet -Confirm:$false", "NewFinSnapshotCommand")]
    [InlineData("Invoke-FinBackupCycle -Policy $p -Application 'No such app' -NoMetrics -Confirm:$false", "InvokeFinBackupCycleCommand")]
    [InlineData("Get-FinResource -Policy $p -Application 'Nothing*'", "GetFinResourceCommand")]
    [InlineData("Remove-FinExpiredBackup -Policy $p -Application 'Nothing*' -Confirm:$false", "RemoveFinExpiredBackupCommand")]
    public void An_unknown_application_is_one_non_terminating_error_that_names_the_valid_applications(string script, string cmdlet)
    {
        using var host = Host();
        var r = host.Run(script + "; 'after'");
        Assert.Null(r.Terminating);
        Assert.Equal(new[] { "after" }, r.Output.Select(o => o.ToString()).ToArray()); // non-terminating, and nothing done
        var e = Assert.Single(r.Errors);
        Assert.Equal($"FinApplicationNotInPolicy,FinBackup.Cmdlets.{cmdlet}", e.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        foreach (var name in new[] { "'Cross-sell'", "'Inventory Management System'", "'Agent payment'" })
            Assert.Contains(name, e.Exception.Message + e.ErrorDetails?.RecommendedAction);
    }

    [Fact]
    public void Known_names_still_run_beside_an_unknown_one_and_a_close_name_gets_did_you_mean()
    {
        using var host = Host();
        var r = host.Run("Get-FinRtoEstimate -Policy $p -Application 'Cross-sel', 'agent*'");
        Assert.Equal(new[] { "Agent payment" }, r.Output.Select(o => (string)o.Properties["Application"].Value).ToArray());
        var e = Assert.Single(r.Errors);
        Assert.Contains("did you mean 'Cross-sell'", e.Exception.Message);
    }
}
