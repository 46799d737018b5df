using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Resources;

namespace FinBackup.Tests.RecoveryPoints;

/// <summary>Invoke-FinBackupCycle -Application: the cycle runs (takes, copies, expires) for the named applications only.</summary>
public sealed class CycleApplicationFilterTests
{
    [Fact]
    public void A_cycle_for_one_application_takes_nothing_of_the_others_and_reports_only_it()
    {
        var p = new BackupPolicy
        {
            Name = "finco", PrimaryRegion = "us-east-1", DrRegion = "us-west-2",
            KmsKeys = { ["us-east-1"] = "alias/fin-backup", ["us-west-2"] = "alias/fin-backup" },
        };
        p.Applications.Add(new ApplicationPolicy { Name = "Cross-sell", Frequency = TimeSpan.FromHours(1), Retention = TimeSpan.FromHours(12), Rpo = TimeSpan.FromHours(1), CopyToDrRegion = true });
        p.Applications.Add(new ApplicationPolicy { Name = "Agent payment", Frequency = TimeSpan.FromHours(1), Retention = TimeSpan.FromHours(12), Rpo = TimeSpan.FromHours(1), CopyToDrRegion = true });
        var e = new FakeEstate();
        e.Resources.Add(new FinResource { Application = "Cross-sell", ResourceId = "i-cs", ResourceType = FinResourceType.Ec2Instance, Region = "us-east-1" });
        e.Resources.Add(new FinResource { Application = "Agent payment", ResourceId = "i-ap", ResourceType = FinResourceType.Ec2Instance, Region = "us-east-1" });

        var s = new BackupCycle(e.Runtime(), _ => new FakeEstate.Finder(e)).Run(p, new BackupCycleCallbacks(), default, new[] { "agent payment" });

        Assert.Equal("Agent payment", Assert.Single(s).Application);
        Assert.Equal(1, s[0].Taken);
        Assert.All(e.Points, pt => Assert.Equal("i-ap", pt.ResourceId));
        Assert.NotEmpty(e.Points);
    }
}
