using System.Management.Automation;
using FinBackup.PowerShell.Tests.RecoveryPoints;
using FinBackup.TestSupport;
using AwsCli = FinBackup.PowerShell.Tests.RecoveryPoints.AwsCli;

namespace FinBackup.PowerShell.Tests.Completion;

/// <summary>
/// Completion from this session's results, and wildcards on -Application / -ResourceId, against moto (the estate checked
/// with the AWS CLI).
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class SessionResultCompletionTests
{
    private readonly MotoServer _moto;
    private readonly AwsCli _aws;

    public SessionResultCompletionTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
        _aws = new AwsCli(moto.EndpointUrl);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
    }

    private ModuleHost Host()
    {
        var host = new ModuleHost();
        Assert.Empty(host.Run($"Set-FinDefault -Region us-east-1 -EndpointUrl '{_moto.EndpointUrl}'").Errors);
        return host;
    }

    [Fact]
    public void Application_ResourceId_and_RecoveryPointId_complete_what_this_session_listed_and_took()
    {
        var (_, instances) = _aws.SeedEstate(false, "Cross-sell", "Agent payment");
        using var host = Host();
        Assert.Empty(ArgumentCompleterTests.Complete(host, "Get-FinRecoveryPoint -Application "));

        var found = host.Run($"$p = Import-FinBackupPolicy '{ArgumentCompleterTests.PolicyPath}'; $p | Get-FinResource -ResourceType Ec2Instance");
        Assert.Empty(found.Errors);
        Assert.Equal(2, found.Output.Count);
        // No -Policy bound: the application tag values Get-FinResource saw.
        Assert.Equal(new[] { "'Agent payment'" }, ArgumentCompleterTests.Complete(host, "Get-FinRecoveryPoint -Application Ag"));
        Assert.Equal(instances.Values.OrderBy(i => i), ArgumentCompleterTests.Complete(host, "New-FinSnapshot -ResourceId i-").OrderBy(i => i));
        Assert.Equal(new[] { instances["Cross-sell"] }, ArgumentCompleterTests.Complete(host, "Get-FinRecoveryPoint -ResourceId " + instances["Cross-sell"][..6]));
        Assert.Empty(ArgumentCompleterTests.Complete(host, "Invoke-FinRestore -RecoveryPointId "));

        var taken = host.Run($"New-FinSnapshot -Policy $p -ResourceId {instances["Agent payment"]} -Application 'Agent payment' -Kind EbsSnapshotSet");
        Assert.Empty(taken.Errors);
        var pointId = (string)Assert.Single(taken.Output).Properties["RecoveryPointId"].Value;
        // The id exists in AWS (the set's member snapshots carry it), and it completes.
        Assert.Contains(pointId, _aws.Run("ec2", "describe-snapshots", "--region", "us-east-1", "--filters", "Name=tag-key,Values=fin:set-id"));
        Assert.Equal(new[] { pointId }, ArgumentCompleterTests.Complete(host, "Invoke-FinRestore -RecoveryPointId "));

        // A new runspace is a new session: nothing carried over.
        using var other = Host();
        Assert.Empty(ArgumentCompleterTests.Complete(other, "Invoke-FinRestore -RecoveryPointId "));
    }

    [Fact]
    public void Wildcards_filter_application_and_resource_id_and_a_name_that_lists_nothing_is_said()
    {
        var (_, instances) = _aws.SeedEstate(false, "Cross-sell", "Agent payment");
        using var host = Host();
        var taken = host.Run($"$p = Import-FinBackupPolicy '{ArgumentCompleterTests.PolicyPath}'; $p | Get-FinResource -ResourceType Ec2Instance | New-FinSnapshot -Kind EbsSnapshotSet");
        Assert.Empty(taken.Errors);
        Assert.Equal(2, taken.Output.Count);

        var agent = host.Run("Get-FinRecoveryPoint -Application 'agent*' -Region us-east-1");
        Assert.Empty(agent.Errors);
        Assert.Equal(new[] { "Agent payment" }, agent.Output.Select(o => (string)o.Properties["Application"].Value).ToArray());

        var byId = host.Run($"Get-FinRecoveryPoint -ResourceId '{instances["Cross-sell"][..8]}*' -Region us-east-1");
        Assert.Equal(new[] { instances["Cross-sell"] }, byId.Output.Select(o => (string)o.Properties["ResourceId"].Value).ToArray());

        // Without a policy FinBackup cannot tell an unknown name from one without points: a warning naming what it saw.
        var none = host.Run("Get-FinRecoveryPoint -Application 'No such app' -Region us-east-1");
        Assert.Empty(none.Output);
        Assert.Empty(none.Errors);
        var warning = Assert.Single(none.Warnings);
        Assert.Contains("'No such app'", warning);
        Assert.Contains("'Agent payment'", warning);

        // With the policy it is the error every -Application cmdlet gives, and the valid names.
        var unknown = host.Run("Get-FinRecoveryPoint -Policy $p -Application 'Agent paymnt'");
        Assert.Empty(unknown.Output);
        var e = Assert.Single(unknown.Errors);
        Assert.Equal("FinApplicationNotInPolicy,FinBackup.Cmdlets.GetFinRecoveryPointCommand", e.FullyQualifiedErrorId);
        Assert.Contains("did you mean 'Agent payment'", e.Exception.Message);
        var wildcard = host.Run("Get-FinRecoveryPoint -Policy $p -Application 'Agent*', 'Nope*'");
        Assert.Equal(new[] { "Agent payment" }, wildcard.Output.Select(o => (string)o.Properties["Application"].Value).Distinct().ToArray());
        Assert.Equal("FinApplicationNotInPolicy,FinBackup.Cmdlets.GetFinRecoveryPointCommand", Assert.Single(wildcard.Errors).FullyQualifiedErrorId);
    }
}
