using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// The primary-region roll of an AMI into an Auto Scaling group (Invoke-FinRestore -AutoScalingGroupName). Both strategies
    /// first create a launch template version of the group's template with the image.
    /// <list type="bullet">
    /// <item>Refresh (default): StartInstanceRefresh with a DesiredConfiguration naming that version, MinHealthyPercentage,
    /// MaxHealthyPercentage 200, InstanceWarmup, AutoRollback and SkipMatching, then DescribeInstanceRefreshes through the
    /// waiter to Successful, RollbackSuccessful/RollbackFailed, Failed or Cancelled. The group itself is never updated
    /// first: AWS applies the desired configuration when the refresh succeeds and rolls back to the group's own
    /// configuration, which an UpdateAutoScalingGroup beforehand would already have overwritten.</item>
    /// <item>Replace: UpdateAutoScalingGroup to the new version (and, when MaxSize leaves no room for a batch, MaxSize raised
    /// for the roll and put back after), then per batch: SetDesiredCapacity(desired + batch), wait until the new instances are
    /// InService and healthy, TerminateInstanceInAutoScalingGroup of as many old ones with ShouldDecrementDesiredCapacity,
    /// so the in-service count never falls below the desired capacity. On a failure the group is put back on its previous
    /// version (the instances already replaced stay; the result says so).</item>
    /// </list>
    /// </summary>
    public static class AutoScalingRoller
    {
        /// <summary>MaxHealthyPercentage of a refresh: new instances launch before old ones terminate, for speed.</summary>
        public const int MaxHealthyPercentage = 200;
        public const int DefaultMinHealthyPercentage = 100;

        internal static PreparedRestore Prepare(RestoreRuntime runtime, FinRestoreResult result, FinRecoveryPoint point, RestoreRequest request, CancellationToken ct)
        {
            var region = point.Region;
            if (runtime.AutoScaling == null)
                throw new InvalidOperationException("The restore runtime has no Auto Scaling gateway.");
            var asg = runtime.AutoScaling(region);
            var group = asg.DescribeGroup(request.AutoScalingGroupName, ct)
                ?? throw new FinBackupException("FinRestoreRollGroupNotFound", FinErrorKind.ObjectNotFound,
                    $"Auto Scaling group '{request.AutoScalingGroupName}' does not exist in {region}. Nothing was changed.",
                    "Check the name and the region (aws autoscaling describe-auto-scaling-groups --region " + region + ").");
            if (group.UsesMixedInstancesPolicy || string.IsNullOrEmpty(group.LaunchTemplateId ?? group.LaunchTemplateName))
                throw new FinBackupException("FinRestoreRollGroupUnsupported", FinErrorKind.InvalidOperation,
                    $"Auto Scaling group '{group.Name}' does not launch from a plain launch template" + (group.UsesMixedInstancesPolicy ? " (it uses a mixed instances policy)" : " (it uses a launch configuration)") +
                    ", so FinBackup cannot give it a launch template version with the image. Nothing was changed.",
                    "Move the group to a launch template, or roll it by hand with the new AMI.");
            var templateId = request.LaunchTemplateId ?? group.LaunchTemplateId;
            if (string.IsNullOrEmpty(templateId))
                throw new FinBackupException("FinRestoreRollGroupUnsupported", FinErrorKind.InvalidOperation,
                    $"Auto Scaling group '{group.Name}' names its launch template '{group.LaunchTemplateName}' by name only.",
                    "Pass -LaunchTemplateId lt-... (aws ec2 describe-launch-templates --launch-template-names " + group.LaunchTemplateName + ").");
            var replace = string.Equals(request.Strategy, RollStrategies.Replace, StringComparison.OrdinalIgnoreCase);
            var ec2 = runtime.Ec2(region);
            var target = $"{group.Name} ({region})";
            result.Detail = $"roll of {group.Name} to {point.RecoveryPointId}";
            PreparedRestore prepared;
            if (!replace)
            {
                if (IsSymbolic(group.LaunchTemplateVersion))
                    throw new FinBackupException("FinRestoreRollGroupUnsupported", FinErrorKind.InvalidOperation,
                        $"Auto Scaling group '{group.Name}' launches {templateId} at version {group.LaunchTemplateVersion}: AWS offers no rollback of an instance refresh for a group on $Latest or $Default " +
                        "(and a new version would reach its next scale-out before any refresh). Nothing was changed.",
                        $"Pin the group to the numbered version it runs now (aws autoscaling update-auto-scaling-group --auto-scaling-group-name {group.Name} --launch-template LaunchTemplateId={templateId},Version=<n>), then roll again; or use -Strategy Replace.");
                var spec = new InstanceRefreshSpec
                {
                    GroupName = group.Name,
                    LaunchTemplateId = templateId,
                    MinHealthyPercentage = request.MinHealthyPercentage ?? DefaultMinHealthyPercentage,
                    MaxHealthyPercentage = MaxHealthyPercentage,
                    InstanceWarmupSeconds = request.InstanceWarmup,
                    AutoRollback = true,
                    SkipMatching = true,
                };
                prepared = new RefreshPrepared(runtime, result, ec2, asg, point.RecoveryPointId, spec);
                prepared.Steps.Add(new RestoreStep($"{templateId} ({region})", $"ec2:CreateLaunchTemplateVersion of {templateId} from $Latest with image {point.RecoveryPointId}"));
                prepared.Steps.Add(new RestoreStep(target,
                    $"autoscaling:StartInstanceRefresh of {group.Name} ({group.DesiredCapacity} instances) to {templateId} at the new version: " +
                    $"MinHealthyPercentage {spec.MinHealthyPercentage}, MaxHealthyPercentage {spec.MaxHealthyPercentage}, " +
                    $"InstanceWarmup {(spec.InstanceWarmupSeconds.HasValue ? spec.InstanceWarmupSeconds + "s" : "the group's")}, AutoRollback, SkipMatching; " +
                    "then autoscaling:DescribeInstanceRefreshes until it ends"));
                return prepared;
            }
            var batch = Math.Max(1, Math.Min(request.BatchSize ?? group.DesiredCapacity, Math.Max(1, group.DesiredCapacity)));
            var plan = new ReplacePlan
            {
                Group = group,
                TemplateId = templateId,
                Batch = batch,
                RaiseMaxTo = group.DesiredCapacity + batch > group.MaxSize ? group.DesiredCapacity + batch : (int?)null,
            };
            prepared = new ReplacePrepared(runtime, result, ec2, asg, point.RecoveryPointId, plan);
            prepared.Steps.Add(new RestoreStep($"{templateId} ({region})", $"ec2:CreateLaunchTemplateVersion of {templateId} from $Latest with image {point.RecoveryPointId}"));
            prepared.Steps.Add(new RestoreStep(target, $"autoscaling:UpdateAutoScalingGroup {group.Name} to {templateId} at the new version (from version {group.LaunchTemplateVersion})" +
                (plan.RaiseMaxTo.HasValue ? $", MaxSize {group.MaxSize} -> {plan.RaiseMaxTo} for the roll (put back after)" : string.Empty)));
            var batches = (int)Math.Ceiling(group.Instances.Count / (double)batch);
            prepared.Steps.Add(new RestoreStep(target,
                $"Replace {group.Instances.Count} instances in {batches} batch(es) of {batch}: autoscaling:SetDesiredCapacity {group.DesiredCapacity} -> {group.DesiredCapacity + batch}, " +
                $"wait until the new instances are InService, autoscaling:TerminateInstanceInAutoScalingGroup of {batch} old ones with ShouldDecrementDesiredCapacity (" +
                string.Join(", ", group.Instances.Select(i => i.InstanceId)) + ")"));
            return prepared;
        }

        private static bool IsSymbolic(string version) => string.IsNullOrEmpty(version) || version.StartsWith("$", StringComparison.Ordinal);

        /// <summary>The version to put a group back on: its own, or for $Latest the number just before the one this roll made.</summary>
        internal static string PreviousVersion(string groupVersion, long rollVersion) =>
            string.Equals(groupVersion, "$Latest", StringComparison.OrdinalIgnoreCase) && rollVersion > 1
                ? (rollVersion - 1).ToString(CultureInfo.InvariantCulture) : groupVersion;

        internal static string Describe(InstanceRefreshState s) =>
            s == null ? "not visible yet"
                : s.Status + (s.PercentageComplete.HasValue ? $" {s.PercentageComplete}%" : string.Empty)
                  + (s.InstancesToUpdate.HasValue ? $", {s.InstancesToUpdate} to update" : string.Empty)
                  + (string.IsNullOrEmpty(s.StatusReason) ? string.Empty : " - " + s.StatusReason);

        private sealed class RefreshPrepared : PreparedRestore
        {
            private readonly IEc2RestoreGateway _ec2;
            private readonly IAutoScalingRollGateway _asg;
            private readonly string _imageId;
            private readonly InstanceRefreshSpec _spec;

            public RefreshPrepared(RestoreRuntime runtime, FinRestoreResult result, IEc2RestoreGateway ec2, IAutoScalingRollGateway asg, string imageId, InstanceRefreshSpec spec)
                : base(runtime, result)
            {
                _ec2 = ec2; _asg = asg; _imageId = imageId; _spec = spec;
            }

            protected override void Run(IRestoreObserver observer, CancellationToken ct)
            {
                var version = Stage("CreateLaunchTemplateVersion", () => _ec2.CreateLaunchTemplateVersion(_spec.LaunchTemplateId, _imageId, Result.RestoreId, ct));
                var versionText = version.ToString(CultureInfo.InvariantCulture);
                Created(_spec.LaunchTemplateId + ":" + versionText);
                _spec.LaunchTemplateVersion = versionText;
                var refreshId = Stage("StartInstanceRefresh", () => _asg.StartInstanceRefresh(_spec, ct));
                observer.Verbose($"Instance refresh {refreshId} of {_spec.GroupName} to {_spec.LaunchTemplateId}:{versionText} ({_imageId}) started; AWS rolls back on failure.");
                Result.Detail = $"instance refresh {refreshId} of {_spec.GroupName} to {_spec.LaunchTemplateId}:{versionText} started";
                var last = Stage("InstanceRefresh", () => Runtime.Waiter.Until($"Instance refresh {refreshId} of {_spec.GroupName}",
                    t => _asg.DescribeInstanceRefresh(_spec.GroupName, refreshId, t), s => s != null && s.IsFinished, Runtime.WaitPolicy, ct,
                    p => observer.Progress($"Instance refresh {refreshId}: {Describe(p.Value)} ({p.Elapsed.TotalSeconds:0}s)", p.Value?.PercentageComplete ?? -1),
                    (a, b) => a?.PercentageComplete != b?.PercentageComplete || a?.Status != b?.Status));
                switch (last.Status)
                {
                    case "Successful":
                        MarkAvailable();
                        Result.Detail = $"instance refresh {refreshId} Successful: {_spec.GroupName} runs {_imageId} ({_spec.LaunchTemplateId}:{versionText})";
                        return;
                    case "RollbackSuccessful":
                    case "RollbackFailed":
                        Result.Detail = $"instance refresh {refreshId} {last.Status}: {_spec.GroupName} " +
                                        (last.Status == "RollbackSuccessful" ? "is back on its previous configuration" : "may run a mix of old and new instances") +
                                        (string.IsNullOrEmpty(last.RollbackReason) ? string.Empty : " (" + last.RollbackReason + ")");
                        throw new FinBackupException("FinRestoreRollRolledBack", FinErrorKind.InvalidOperation,
                            $"The instance refresh {refreshId} of {_spec.GroupName} to {_imageId} was rolled back ({last.Status}): {last.RollbackReason ?? last.StatusReason}",
                            "The group keeps its previous launch template version; read the status reason and the scaling activities, fix the image, and roll again.");
                    default:
                        Result.Detail = $"instance refresh {refreshId} {last.Status}" + (string.IsNullOrEmpty(last.StatusReason) ? string.Empty : ": " + last.StatusReason);
                        throw new FinBackupException("FinRestoreRollFailed", FinErrorKind.InvalidOperation,
                            $"The instance refresh {refreshId} of {_spec.GroupName} to {_imageId} ended {last.Status}: {last.StatusReason}",
                            "Read the scaling activities (aws autoscaling describe-scaling-activities --auto-scaling-group-name " + _spec.GroupName + "), fix the cause, and roll again.");
                }
            }
        }

        private sealed class ReplacePlan
        {
            public RollGroup Group { get; set; }
            public string TemplateId { get; set; }
            public int Batch { get; set; }
            public int? RaiseMaxTo { get; set; }
        }

        private sealed class ReplacePrepared : PreparedRestore
        {
            private readonly IEc2RestoreGateway _ec2;
            private readonly IAutoScalingRollGateway _asg;
            private readonly string _imageId;
            private readonly ReplacePlan _plan;

            public ReplacePrepared(RestoreRuntime runtime, FinRestoreResult result, IEc2RestoreGateway ec2, IAutoScalingRollGateway asg, string imageId, ReplacePlan plan)
                : base(runtime, result)
            {
                _ec2 = ec2; _asg = asg; _imageId = imageId; _plan = plan;
            }

            protected override void Run(IRestoreObserver observer, CancellationToken ct)
            {
                var g = _plan.Group;
                var version = Stage("CreateLaunchTemplateVersion", () => _ec2.CreateLaunchTemplateVersion(_plan.TemplateId, _imageId, Result.RestoreId, ct));
                var versionText = version.ToString(CultureInfo.InvariantCulture);
                Created(_plan.TemplateId + ":" + versionText);
                Stage("UpdateAutoScalingGroup", () => _asg.UpdateGroup(g.Name, _plan.TemplateId, versionText, _plan.RaiseMaxTo, ct));
                var switched = true;
                var replaced = new List<string>();
                var launched = new List<string>();
                try
                {
                    var desired = g.DesiredCapacity;
                    var old = new Queue<string>(g.Instances.Select(i => i.InstanceId));
                    var known = new HashSet<string>(old, StringComparer.Ordinal);
                    var total = old.Count;
                    var batchNo = 0;
                    while (old.Count > 0)
                    {
                        ct.ThrowIfCancellationRequested();
                        batchNo++;
                        var n = Math.Min(_plan.Batch, old.Count);
                        Stage($"Batch{batchNo}.SetDesiredCapacity", () => _asg.SetDesiredCapacity(g.Name, desired + n, ct));
                        observer.Verbose($"{g.Name}: desired capacity {desired} -> {desired + n} for batch {batchNo} ({n} new instances from {_plan.TemplateId}:{versionText}).");
                        var fresh = Stage($"Batch{batchNo}.InService", () =>
                        {
                            var state = Runtime.Waiter.Until($"{n} new instance(s) of {g.Name} InService", t => _asg.DescribeGroup(g.Name, t),
                                s => s != null && s.Instances.Count(i => !known.Contains(i.InstanceId) && i.InServiceAndHealthy) >= n, Runtime.WaitPolicy, ct,
                                p => observer.Progress($"{g.Name} batch {batchNo}: {p.Value?.Instances.Count(i => !known.Contains(i.InstanceId) && i.InServiceAndHealthy) ?? 0}/{n} new instances InService ({p.Elapsed.TotalSeconds:0}s)",
                                    total == 0 ? -1 : replaced.Count * 100 / total));
                            return state.Instances.Where(i => !known.Contains(i.InstanceId) && i.InServiceAndHealthy).Select(i => i.InstanceId).Take(n).ToList();
                        });
                        foreach (var id in fresh) known.Add(id);
                        launched.AddRange(fresh);
                        Result.ResourceIds = Result.ResourceIds.Take(1).Concat(launched).ToArray();
                        Stage($"Batch{batchNo}.Terminate", () =>
                        {
                            for (var i = 0; i < n; i++)
                            {
                                var victim = old.Dequeue();
                                _asg.TerminateInstance(victim, true, ct);
                                replaced.Add(victim);
                                observer.Verbose($"{g.Name}: terminated {victim} (desired capacity decremented).");
                            }
                        });
                        observer.Progress($"{g.Name}: {replaced.Count}/{total} instances replaced", total == 0 ? 100 : replaced.Count * 100 / total);
                    }
                    if (_plan.RaiseMaxTo.HasValue) Stage("RestoreMaxSize", () => _asg.UpdateGroup(g.Name, null, null, g.MaxSize, ct));
                }
                catch (Exception ex) when (ex is FinBackupException || ex is OperationCanceledException)
                {
                    // Put the group back on the version it ran, so what scales out next is the known-good image.
                    try
                    {
                        _asg.UpdateGroup(g.Name, _plan.TemplateId, PreviousVersion(g.LaunchTemplateVersion, version), _plan.RaiseMaxTo.HasValue ? g.MaxSize : (int?)null, CancellationToken.None);
                        switched = false;
                    }
                    catch (FinBackupException)
                    {
                    }
                    Result.Detail = $"replace of {g.Name} stopped after {replaced.Count} of {g.Instances.Count} instances (" +
                                    (switched ? $"the group is still on {_plan.TemplateId}:{versionText}" : $"the group is back on version {PreviousVersion(g.LaunchTemplateVersion, version)}") +
                                    (launched.Count > 0 ? "; new instances kept: " + string.Join(", ", launched) : string.Empty) + ")";
                    if (ex is FinBackupException fin)
                        throw new FinBackupException("FinRestoreRollFailed", FinErrorKind.InvalidOperation,
                            $"Replacing the instances of {g.Name} with {_imageId} failed: {fin.Message}", fin.RecommendedAction, fin);
                    throw;
                }
                MarkAvailable();
                Result.Detail = $"{replaced.Count} instances of {g.Name} replaced in batches of {_plan.Batch}; the group runs {_imageId} ({_plan.TemplateId}:{versionText})";
            }
        }
    }

    /// <summary>A BackupVaultPoint restored through AWS Backup (GetRecoveryPointRestoreMetadata, StartRestoreJob, DescribeRestoreJob).</summary>
    internal static class VaultPointRestore
    {
        internal static PreparedRestore Prepare(RestoreRuntime runtime, FinRecoveryPoint point, RestoreRequest request)
        {
            if (runtime.Vault == null) throw new InvalidOperationException("The restore runtime has no AWS Backup gateway.");
            var result = RestoreEngine.NewResult(runtime, request, point.Kind, point.RecoveryPointId, point.Application, point.Region);
            var parameters = Overrides(point, request);
            var prepared = new Prepared(runtime, result, point, parameters) { Wait = request.Wait };
            prepared.Steps.Add(new RestoreStep($"{point.BackupVaultName} ({point.Region})",
                $"backup:StartRestoreJob of {point.Arn ?? point.RecoveryPointId} ({point.ResourceType ?? "unknown type"}) with its recorded restore metadata" +
                (parameters.Count > 0 ? " overridden by " + string.Join(", ", parameters.Where(p => p.Key != "IamRoleArn").Select(p => p.Key + "=" + p.Value)) : string.Empty) +
                ", role " + (parameters.TryGetValue("IamRoleArn", out var role) ? role : BackupVaultRestorer.DefaultRole(point.Arn ?? point.RecoveryPointId)) +
                (request.Wait ? "; then backup:DescribeRestoreJob until it ends" : string.Empty)));
            return prepared;
        }

        /// <summary>The Invoke-FinRestore parameters a vault restore takes (the restorer maps them to the resource type's metadata keys).</summary>
        private static Dictionary<string, string> Overrides(FinRecoveryPoint point, RestoreRequest r)
        {
            var p = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var target = r.TargetDBInstanceIdentifier ?? r.DBInstanceIdentifier;
            if (!string.IsNullOrEmpty(target)) p[RestorePlanBuilder.ParamTargetDBInstanceIdentifier] = target;
            if (!string.IsNullOrEmpty(r.DBInstanceClass)) p[RestorePlanBuilder.ParamDBInstanceClass] = r.DBInstanceClass;
            if (!string.IsNullOrEmpty(r.AvailabilityZone)) p[RestorePlanBuilder.ParamAvailabilityZone] = r.AvailabilityZone;
            if (!string.IsNullOrEmpty(r.SubnetId)) p[RestorePlanBuilder.ParamSubnetId] = r.SubnetId;
            if (!string.IsNullOrEmpty(r.InstanceType)) p[RestorePlanBuilder.ParamInstanceType] = r.InstanceType;
            if (!string.IsNullOrEmpty(r.IamRoleArn)) p["IamRoleArn"] = r.IamRoleArn;
            return p;
        }

        private sealed class Prepared : PreparedRestore
        {
            private readonly FinRecoveryPoint _point;
            private readonly Dictionary<string, string> _parameters;

            public Prepared(RestoreRuntime runtime, FinRestoreResult result, FinRecoveryPoint point, Dictionary<string, string> parameters) : base(runtime, result)
            {
                _point = point; _parameters = parameters;
            }

            protected override void Run(IRestoreObserver observer, CancellationToken ct)
            {
                var restorer = new BackupVaultRestorer(Runtime.Vault(_point.Region), Runtime.Waiter) { WaitPolicy = Runtime.WaitPolicy };
                var started = Runtime.UtcNow();
                VaultRestoreJob job;
                try
                {
                    job = restorer.Restore(_point, _parameters, Result.RestoreId, Wait, ct,
                        p => observer.Progress($"AWS Backup restore job {p.Value?.RestoreJobId}: {p.Value?.Status}" + (p.Value?.PercentDone != null ? $" {p.Value.PercentDone:0}%" : string.Empty) +
                                               $" ({p.Elapsed.TotalSeconds:0}s)", p.Value?.PercentDone != null ? (int)p.Value.PercentDone : -1),
                        observer.Verbose);
                }
                finally
                {
                    RecordStage(Wait ? "RestoreJob" : "StartRestoreJob", started, Runtime.UtcNow());
                }
                if (job?.CreationDate != null && job.CompletionDate != null)
                    RecordStage("RestoreJob (as AWS Backup reports it)", job.CreationDate.Value, job.CompletionDate.Value);
                if (!string.IsNullOrEmpty(job?.CreatedResourceArn)) Created(job.CreatedResourceArn);
                Result.Detail = $"AWS Backup restore job {job?.RestoreJobId} {job?.Status ?? "started"}" +
                                (string.IsNullOrEmpty(job?.CreatedResourceArn) ? string.Empty : ": " + job.CreatedResourceArn);
                if (job?.Status == "COMPLETED") MarkAvailable();
            }
        }
    }
}
