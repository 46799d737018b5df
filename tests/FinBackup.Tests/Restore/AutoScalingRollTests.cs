using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Restore;
using FinBackup.Domain.Waiting;

namespace FinBackup.Tests.Restore;

/// <summary>
/// The Auto Scaling roll of an AMI (Invoke-FinRestore -AutoScalingGroupName) against a test double of the Auto Scaling API:
/// moto 5.2.1 has no instance refresh, so the Refresh strategy's sequencing is checked here (its wire shapes in
/// AutoScalingRollWireShapeTests); the Replace strategy also runs end-to-end on moto (AutoScalingRollMotoTests).
/// </summary>
public sealed class AutoScalingRollTests
{
    /// <summary>An Auto Scaling group that launches and terminates like the service: SetDesiredCapacity launches Pending instances that go InService on the next describe.</summary>
    internal sealed class FakeAsg : IAutoScalingRollGateway
    {
        public List<string> Calls { get; } = new();
        public InstanceRefreshSpec? Refresh { get; private set; }
        public Queue<string> RefreshStatuses { get; } = new();
        public RollGroup Group { get; } = new()
        {
            Name = "cross-sell-asg", MinSize = 2, MaxSize = 2, DesiredCapacity = 2, LaunchTemplateId = "lt-0abc", LaunchTemplateVersion = "3",
            Instances = { new RollInstance { InstanceId = "i-old1", LifecycleState = "InService", HealthStatus = "Healthy" },
                          new RollInstance { InstanceId = "i-old2", LifecycleState = "InService", HealthStatus = "Healthy" } },
        };
        /// <summary>Launched instances never become healthy (a bad image).</summary>
        public bool NewInstancesFail { get; set; }
        /// <summary>The fewest InService-and-healthy instances seen after any change, against the desired capacity before the roll.</summary>
        public int MinInService { get; private set; } = int.MaxValue;
        private int _launched;

        public RollGroup? DescribeGroup(string groupName, CancellationToken ct)
        {
            Calls.Add("DescribeGroup");
            var copy = new RollGroup
            {
                Name = Group.Name, MinSize = Group.MinSize, MaxSize = Group.MaxSize, DesiredCapacity = Group.DesiredCapacity,
                LaunchTemplateId = Group.LaunchTemplateId, LaunchTemplateVersion = Group.LaunchTemplateVersion, UsesMixedInstancesPolicy = Group.UsesMixedInstancesPolicy,
                Instances = Group.Instances.Select(i => new RollInstance { InstanceId = i.InstanceId, LifecycleState = i.LifecycleState, HealthStatus = i.HealthStatus }).ToList(),
            };
            foreach (var i in Group.Instances.Where(i => i.LifecycleState == "Pending" && !NewInstancesFail)) i.LifecycleState = "InService";
            return groupName == Group.Name ? copy : null;
        }

        public string StartInstanceRefresh(InstanceRefreshSpec spec, CancellationToken ct)
        {
            Calls.Add("StartInstanceRefresh");
            Refresh = spec;
            return "ir-1";
        }

        public InstanceRefreshState DescribeInstanceRefresh(string groupName, string refreshId, CancellationToken ct)
        {
            Calls.Add("DescribeInstanceRefresh");
            var status = RefreshStatuses.Count > 1 ? RefreshStatuses.Dequeue() : RefreshStatuses.Peek();
            return new InstanceRefreshState
            {
                RefreshId = refreshId, Status = status, PercentageComplete = status == "InProgress" ? 50 : 100,
                StatusReason = status == "Failed" ? "Timed out waiting for instances to become healthy" : null,
                RollbackReason = status.StartsWith("Rollback") ? "Rollback started automatically because the instance refresh failed" : null,
            };
        }

        public void UpdateGroup(string groupName, string launchTemplateId, string launchTemplateVersion, int? maxSize, CancellationToken ct)
        {
            Calls.Add($"UpdateGroup {launchTemplateId}:{launchTemplateVersion} max {maxSize}");
            if (launchTemplateVersion != null) Group.LaunchTemplateVersion = launchTemplateVersion;
            if (maxSize.HasValue) Group.MaxSize = maxSize.Value;
            Observe();
        }

        public void SetDesiredCapacity(string groupName, int desiredCapacity, CancellationToken ct)
        {
            Calls.Add($"SetDesiredCapacity {desiredCapacity}");
            Assert.True(desiredCapacity <= Group.MaxSize, $"desired {desiredCapacity} above MaxSize {Group.MaxSize}");
            while (Group.Instances.Count < desiredCapacity)
                Group.Instances.Add(new RollInstance { InstanceId = "i-new" + ++_launched, LifecycleState = "Pending", HealthStatus = NewInstancesFail ? "Unhealthy" : "Healthy" });
            Group.DesiredCapacity = desiredCapacity;
            Observe();
        }

        public void TerminateInstance(string instanceId, bool shouldDecrementDesiredCapacity, CancellationToken ct)
        {
            Calls.Add($"Terminate {instanceId} decrement {shouldDecrementDesiredCapacity}");
            Group.Instances.Remove(Group.Instances.Single(i => i.InstanceId == instanceId));
            if (shouldDecrementDesiredCapacity) Group.DesiredCapacity--;
            Observe();
        }

        private void Observe() => MinInService = Math.Min(MinInService, Group.Instances.Count(i => i.InServiceAndHealthy));
    }

    internal sealed class LaunchTemplateEc2 : IEc2RestoreGateway
    {
        public List<string> Calls { get; } = new();
        public long NextVersion { get; set; } = 4;
        public IReadOnlyList<RestoreSnapshot> DescribeSnapshots(IEnumerable<string> snapshotIds, CancellationToken ct) => throw new NotSupportedException();
        public RestoreInstanceInfo DescribeInstance(string instanceId, CancellationToken ct) => throw new NotSupportedException();
        public string SubnetAvailabilityZone(string subnetId, CancellationToken ct) => throw new NotSupportedException();
        public string CreateVolume(VolumeSpec spec, CancellationToken ct) => throw new NotSupportedException();
        public IDictionary<string, string> VolumeStates(IEnumerable<string> volumeIds, CancellationToken ct) => throw new NotSupportedException();
        public void AttachVolume(string volumeId, string instanceId, string device, CancellationToken ct) => throw new NotSupportedException();
        public void DetachVolume(string volumeId, string instanceId, CancellationToken ct) => throw new NotSupportedException();
        public void Tag(IEnumerable<string> resourceIds, IDictionary<string, string> tags, CancellationToken ct) => throw new NotSupportedException();
        public string RunInstance(InstanceSpec spec, CancellationToken ct) => throw new NotSupportedException();
        public long CreateLaunchTemplateVersion(string launchTemplateId, string imageId, string restoreId, CancellationToken ct)
        {
            Calls.Add($"CreateLaunchTemplateVersion {launchTemplateId} {imageId}");
            return NextVersion;
        }
        public IReadOnlyList<FinRestoredResource> FindRestored(string restoreId, CancellationToken ct) => throw new NotSupportedException();
        public void Remove(FinRestoredResource resource, CancellationToken ct) => throw new NotSupportedException();
    }

    private static readonly FinRecoveryPoint Ami = new()
    {
        RecoveryPointId = "ami-0123456789abcdef0", Kind = RecoveryPointKind.Ami, Region = "us-east-1", State = RecoveryPointState.Available, Application = "Cross-sell",
    };

    private static (RestoreEngine, List<TimeSpan>) Engine(FakeAsg asg, LaunchTemplateEc2 ec2, TimeSpan? timeout = null)
    {
        var now = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        var sleeps = new List<TimeSpan>();
        var runtime = new RestoreRuntime
        {
            Ec2 = _ => ec2,
            AutoScaling = _ => asg,
            UtcNow = () => now,
            Waiter = new Waiter(() => now, (t, _) => { sleeps.Add(t); now += t; }),
            WaitPolicy = new WaitPolicy { FirstDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(30), Timeout = timeout ?? TimeSpan.FromHours(1) },
        };
        return (new RestoreEngine(runtime), sleeps);
    }

    [Fact]
    public void Refresh_creates_the_version_then_starts_a_refresh_naming_it_and_follows_it_to_success_without_ever_updating_the_group()
    {
        var asg = new FakeAsg();
        foreach (var s in new[] { "Pending", "InProgress", "InProgress", "Successful" }) asg.RefreshStatuses.Enqueue(s);
        var ec2 = new LaunchTemplateEc2();
        var (engine, sleeps) = Engine(asg, ec2);
        var prepared = engine.Prepare(Ami, new RestoreRequest { AutoScalingGroupName = "cross-sell-asg", InstanceWarmup = 120 }, "us-east-1", default);

        // Preparing (what -WhatIf shows) read the group and changed nothing.
        Assert.Equal(new[] { "DescribeGroup" }, asg.Calls);
        Assert.Empty(ec2.Calls);
        Assert.Collection(prepared.Steps,
            s => Assert.Contains("CreateLaunchTemplateVersion of lt-0abc", s.Action),
            s => Assert.Contains("StartInstanceRefresh of cross-sell-asg", s.Action));
        Assert.Contains("MaxHealthyPercentage 200", prepared.Steps[1].Action);

        var result = prepared.Execute(null, default);
        Assert.Equal(new[] { "CreateLaunchTemplateVersion lt-0abc ami-0123456789abcdef0" }, ec2.Calls);
        Assert.Equal(new[] { "DescribeGroup", "StartInstanceRefresh", "DescribeInstanceRefresh", "DescribeInstanceRefresh", "DescribeInstanceRefresh", "DescribeInstanceRefresh" }, asg.Calls);
        Assert.DoesNotContain(asg.Calls, c => c.StartsWith("UpdateGroup") || c.StartsWith("SetDesiredCapacity") || c.StartsWith("Terminate"));
        var spec = asg.Refresh!;
        Assert.Equal("lt-0abc", spec.LaunchTemplateId);
        Assert.Equal("4", spec.LaunchTemplateVersion);
        Assert.Equal(100, spec.MinHealthyPercentage);
        Assert.Equal(200, spec.MaxHealthyPercentage);
        Assert.Equal(120, spec.InstanceWarmupSeconds);
        Assert.True(spec.AutoRollback);
        Assert.True(spec.SkipMatching);
        Assert.Equal(3, sleeps.Count);

        Assert.Equal(RestoreStatus.Available, result.Status);
        Assert.Equal(new[] { "lt-0abc:4" }, result.ResourceIds);
        Assert.Contains("Successful", result.Detail);
        Assert.NotNull(result.AvailableAt);
        Assert.Equal(new[] { "CreateLaunchTemplateVersion", "StartInstanceRefresh", "InstanceRefresh" }, result.Stages.Select(s => s.Split(' ')[0]));
        Assert.Equal(TimeSpan.FromSeconds(sleeps.Sum(s => s.TotalSeconds)), result.Duration);
    }

    [Theory]
    [InlineData("RollbackSuccessful", "FinRestoreRollRolledBack", "back on its previous configuration")]
    [InlineData("RollbackFailed", "FinRestoreRollRolledBack", "mix of old and new")]
    [InlineData("Failed", "FinRestoreRollFailed", "Timed out waiting")]
    [InlineData("Cancelled", "FinRestoreRollFailed", "Cancelled")]
    public void A_refresh_that_rolls_back_or_fails_is_reported_as_such_with_the_version_it_made(string end, string errorId, string detail)
    {
        var asg = new FakeAsg();
        foreach (var s in new[] { "InProgress", end.StartsWith("Rollback") ? "RollbackInProgress" : "InProgress", end }) asg.RefreshStatuses.Enqueue(s);
        var (engine, _) = Engine(asg, new LaunchTemplateEc2());
        var prepared = engine.Prepare(Ami, new RestoreRequest { AutoScalingGroupName = "cross-sell-asg", MinHealthyPercentage = 90 }, "us-east-1", default);
        var ex = Assert.Throws<RestoreFailedException>(() => prepared.Execute(null, default));
        Assert.Equal(errorId, Assert.IsAssignableFrom<FinBackupException>(ex.InnerException).ErrorId);
        Assert.Equal(RestoreStatus.Failed, ex.Result.Status);
        Assert.Equal(new[] { "lt-0abc:4" }, ex.Result.ResourceIds);
        Assert.Contains(detail, ex.Result.Detail);
        Assert.Null(ex.Result.AvailableAt);
        Assert.Equal(90, asg.Refresh!.MinHealthyPercentage);
        Assert.DoesNotContain(asg.Calls, c => c.StartsWith("UpdateGroup"));
    }

    [Theory]
    [InlineData("$Latest")]
    [InlineData("$Default")]
    public void Refresh_refuses_a_group_on_a_symbolic_version_before_any_change_since_AWS_cannot_roll_it_back(string version)
    {
        var asg = new FakeAsg();
        asg.Group.LaunchTemplateVersion = version;
        var ec2 = new LaunchTemplateEc2();
        var (engine, _) = Engine(asg, ec2);
        var ex = Assert.Throws<FinBackupException>(() => engine.Prepare(Ami, new RestoreRequest { AutoScalingGroupName = "cross-sell-asg" }, "us-east-1", default));
        Assert.Equal("FinRestoreRollGroupUnsupported", ex.ErrorId);
        Assert.Contains("-Strategy Replace", ex.RecommendedAction);
        Assert.Empty(ec2.Calls);
    }

    [Fact]
    public void A_missing_group_or_one_without_a_launch_template_is_refused_before_any_change()
    {
        var asg = new FakeAsg();
        var ec2 = new LaunchTemplateEc2();
        var (engine, _) = Engine(asg, ec2);
        Assert.Equal("FinRestoreRollGroupNotFound", Assert.Throws<FinBackupException>(() =>
            engine.Prepare(Ami, new RestoreRequest { AutoScalingGroupName = "nope" }, "us-east-1", default)).ErrorId);
        asg.Group.UsesMixedInstancesPolicy = true;
        Assert.Equal("FinRestoreRollGroupUnsupported", Assert.Throws<FinBackupException>(() =>
            engine.Prepare(Ami, new RestoreRequest { AutoScalingGroupName = "cross-sell-asg", Strategy = "Replace" }, "us-east-1", default)).ErrorId);
        Assert.Equal("FinRestoreParameterInvalid", Assert.Throws<FinBackupException>(() =>
            engine.Prepare(Ami, new RestoreRequest { Strategy = "Replace" }, "us-east-1", default)).ErrorId);
        Assert.Empty(ec2.Calls);
    }

    [Fact]
    public void Replace_points_the_group_at_the_version_then_adds_a_batch_waits_InService_and_terminates_old_ones_never_below_desired()
    {
        var asg = new FakeAsg();
        var ec2 = new LaunchTemplateEc2();
        var (engine, _) = Engine(asg, ec2);
        var prepared = engine.Prepare(Ami, new RestoreRequest { AutoScalingGroupName = "cross-sell-asg", Strategy = "Replace", BatchSize = 1 }, "us-east-1", default);
        Assert.Equal(3, prepared.Steps.Count);
        Assert.Contains("MaxSize 2 -> 3", prepared.Steps[1].Action);
        Assert.Equal(new[] { "DescribeGroup" }, asg.Calls);

        var result = prepared.Execute(null, default);
        Assert.Equal(new[]
        {
            "DescribeGroup",
            "UpdateGroup lt-0abc:4 max 3",
            "SetDesiredCapacity 3", "DescribeGroup", "DescribeGroup", "Terminate i-old1 decrement True",
            "SetDesiredCapacity 3", "DescribeGroup", "DescribeGroup", "Terminate i-old2 decrement True",
            "UpdateGroup : max 2",
        }, asg.Calls);
        Assert.DoesNotContain(asg.Calls, c => c.StartsWith("StartInstanceRefresh"));
        Assert.True(asg.MinInService >= 2, $"in service fell to {asg.MinInService}");
        Assert.Equal(2, asg.Group.DesiredCapacity);
        Assert.Equal(2, asg.Group.MaxSize);
        Assert.Equal(new[] { "i-new1", "i-new2" }, asg.Group.Instances.Select(i => i.InstanceId));
        Assert.Equal(RestoreStatus.Available, result.Status);
        Assert.Equal(new[] { "lt-0abc:4", "i-new1", "i-new2" }, result.ResourceIds);
        Assert.Contains("Batch2.Terminate", string.Join("|", result.Stages));
    }

    [Fact]
    public void Replace_with_room_under_MaxSize_does_one_batch_and_leaves_MaxSize_alone()
    {
        var asg = new FakeAsg();
        asg.Group.MaxSize = 4;
        var (engine, _) = Engine(asg, new LaunchTemplateEc2());
        engine.Prepare(Ami, new RestoreRequest { AutoScalingGroupName = "cross-sell-asg", Strategy = "Replace" }, "us-east-1", default).Execute(null, default);
        Assert.Equal(new[] { "DescribeGroup", "UpdateGroup lt-0abc:4 max ", "SetDesiredCapacity 4", "DescribeGroup", "DescribeGroup",
            "Terminate i-old1 decrement True", "Terminate i-old2 decrement True" }, asg.Calls);
        Assert.True(asg.MinInService >= 2);
    }

    [Fact]
    public void Replace_whose_new_instances_never_get_healthy_puts_the_group_back_and_keeps_the_old_instances()
    {
        var asg = new FakeAsg { NewInstancesFail = true };
        asg.Group.LaunchTemplateVersion = "$Latest";
        var (engine, _) = Engine(asg, new LaunchTemplateEc2(), timeout: TimeSpan.FromMinutes(5));
        var prepared = engine.Prepare(Ami, new RestoreRequest { AutoScalingGroupName = "cross-sell-asg", Strategy = "Replace", BatchSize = 1 }, "us-east-1", default);
        var ex = Assert.Throws<RestoreFailedException>(() => prepared.Execute(null, default));
        var cause = Assert.IsAssignableFrom<FinBackupException>(ex.InnerException);
        Assert.Equal("FinRestoreRollFailed", cause.ErrorId);
        Assert.Equal("FinWaitTimedOut", Assert.IsAssignableFrom<FinBackupException>(cause.InnerException).ErrorId);
        // $Latest was version 3 before this roll made 4: the group is pinned back on 3, MaxSize put back.
        Assert.Equal("UpdateGroup lt-0abc:3 max 2", asg.Calls.Last());
        Assert.Contains(asg.Group.Instances, i => i.InstanceId == "i-old1");
        Assert.Contains(asg.Group.Instances, i => i.InstanceId == "i-old2");
        Assert.DoesNotContain(asg.Calls, c => c.StartsWith("Terminate"));
        Assert.Contains("back on version 3", ex.Result.Detail);
    }
}

/// <summary>BackupVaultPoint points through the restore engine: the AWS Backup sequencing against a test double (moto has no restore jobs).</summary>
public sealed class VaultPointRestoreTests
{
    private sealed class FakeVault : IBackupVaultRestoreGateway
    {
        public List<string> Calls { get; } = new();
        public VaultRestoreJobRequest? Started { get; private set; }
        private int _describes;

        public VaultRestoreMetadata GetRestoreMetadata(string vaultName, string recoveryPointArn, CancellationToken ct)
        {
            Calls.Add("GetRecoveryPointRestoreMetadata " + vaultName);
            return new VaultRestoreMetadata { ResourceType = "RDS", Metadata = new Dictionary<string, string> { ["DBInstanceIdentifier"] = "cross-sell-db", ["DBInstanceClass"] = "db.r6g.large" } };
        }

        public string StartRestoreJob(VaultRestoreJobRequest request, CancellationToken ct)
        {
            Calls.Add("StartRestoreJob");
            Started = request;
            return "job-7";
        }

        public VaultRestoreJob DescribeRestoreJob(string restoreJobId, CancellationToken ct)
        {
            Calls.Add("DescribeRestoreJob " + restoreJobId);
            return ++_describes < 3
                ? new VaultRestoreJob { RestoreJobId = restoreJobId, Status = "RUNNING", PercentDone = _describes * 40 }
                : new VaultRestoreJob
                {
                    RestoreJobId = restoreJobId, Status = "COMPLETED", PercentDone = 100, CreatedResourceArn = "arn:aws:rds:us-east-1:123456789012:db:cross-sell-db-r",
                    CreationDate = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc), CompletionDate = new DateTime(2026, 12, 1, 10, 25, 0, DateTimeKind.Utc),
                };
        }
    }

    private static readonly FinRecoveryPoint Point = new()
    {
        RecoveryPointId = "arn:aws:backup:us-east-1:123456789012:recovery-point:1", Arn = "arn:aws:backup:us-east-1:123456789012:recovery-point:1",
        Kind = RecoveryPointKind.BackupVaultPoint, BackupVaultName = "fin-backup-vault", ResourceType = "RDS", Region = "us-east-1",
        State = RecoveryPointState.Available, Application = "Cross-sell",
    };

    [Fact]
    public void A_vault_point_restores_through_metadata_start_and_describe_into_a_result_with_stages()
    {
        var vault = new FakeVault();
        var now = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        var runtime = new RestoreRuntime
        {
            Vault = _ => vault, UtcNow = () => now,
            Waiter = new Waiter(() => now, (t, _) => now += t),
            WaitPolicy = new WaitPolicy { FirstDelay = TimeSpan.FromSeconds(10), Timeout = TimeSpan.FromHours(1) },
        };
        var progress = new List<int>();
        var prepared = new RestoreEngine(runtime).Prepare(Point, new RestoreRequest { DBInstanceIdentifier = "cross-sell-db-r", Wait = true }, "us-east-1", default);
        Assert.Empty(vault.Calls); // -WhatIf: nothing called
        var step = Assert.Single(prepared.Steps);
        Assert.Contains("StartRestoreJob", step.Action);
        Assert.Contains("TargetDBInstanceIdentifier=cross-sell-db-r", step.Action);
        Assert.Contains("AWSBackupDefaultServiceRole", step.Action);

        var result = prepared.Execute(new ProgressObserver(progress), default);
        Assert.Equal(new[] { "GetRecoveryPointRestoreMetadata fin-backup-vault", "StartRestoreJob", "DescribeRestoreJob job-7", "DescribeRestoreJob job-7", "DescribeRestoreJob job-7" }, vault.Calls);
        Assert.Equal("cross-sell-db-r", vault.Started!.Metadata["DBInstanceIdentifier"]);
        Assert.Equal("db.r6g.large", vault.Started.Metadata["DBInstanceClass"]);
        Assert.Equal(result.RestoreId, vault.Started.IdempotencyToken);
        Assert.Equal(new[] { 40, 80 }, progress);
        Assert.Equal(RestoreStatus.Available, result.Status);
        Assert.Equal(RecoveryPointKind.BackupVaultPoint, result.Kind);
        Assert.Equal(new[] { "arn:aws:rds:us-east-1:123456789012:db:cross-sell-db-r" }, result.ResourceIds);
        Assert.Contains("COMPLETED", result.Detail);
        Assert.Equal(2, result.Stages.Length);
        Assert.StartsWith("RestoreJob 2026-12-01T10:00:00.000Z..", result.Stages[0]);
        Assert.Equal("RestoreJob (as AWS Backup reports it) 2026-12-01T10:00:00.000Z..2026-12-01T10:25:00.000Z (1500s)", result.Stages[1]);
    }

    [Fact]
    public void A_vault_point_without_Wait_only_starts_the_job()
    {
        var vault = new FakeVault();
        var runtime = new RestoreRuntime { Vault = _ => vault, Waiter = new Waiter(sleep: (_, _) => throw new InvalidOperationException("no waiting")) };
        var result = new RestoreEngine(runtime).Prepare(Point, new RestoreRequest { TargetDBInstanceIdentifier = "x" }, "us-east-1", default).Execute(null, default);
        Assert.Equal(new[] { "GetRecoveryPointRestoreMetadata fin-backup-vault", "StartRestoreJob", "DescribeRestoreJob job-7" }, vault.Calls);
        Assert.Equal(RestoreStatus.Started, result.Status);
        Assert.StartsWith("StartRestoreJob ", Assert.Single(result.Stages));
    }

    private sealed class ProgressObserver : IRestoreObserver
    {
        private readonly List<int> _percent;
        public ProgressObserver(List<int> percent) => _percent = percent;
        public void Verbose(string message) { }
        public void Progress(string status, int percent) => _percent.Add(percent);
    }
}
