using System;
using System.Linq;
using System.Management.Automation;
using FinBackup.Common;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Recovery;
using FinBackup.Domain.Recovery.Failover;

using FinBackup.Completion;

namespace FinBackup.Cmdlets
{
    /// <summary>Shared by Invoke-FinFailover and Start-FinRecoveryDrill: the request from the DR bucket's newest blueprint and the DR copies.</summary>
    public abstract class FinFailoverCmdlet : FinDrCmdlet
    {
        /// <summary>The policy that names the application, its DR region, bucket and key.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The backup policy (Import-FinBackupPolicy ./policy.psd1).")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>The one application to rebuild.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, HelpMessage = "The application's name as the policy spells it (tab completes).")]
        [ValidateNotNullOrEmpty]
        [ApplicationCompleter]
        public string Application { get; set; }

        internal string DrRegion(BackupPolicy policy)
        {
            var region = string.IsNullOrEmpty(Region) ? policy.DrRegion : Region;
            if (string.IsNullOrEmpty(region))
                Fail("FinFailoverRegionInvalid", FinErrorKind.InvalidArgument, $"The policy '{policy}' has no DrRegion and no -Region was given.", "Pass -Region <dr region>.", policy);
            if (string.Equals(region, policy.PrimaryRegion, StringComparison.OrdinalIgnoreCase))
                Fail("FinFailoverRegionInvalid", FinErrorKind.InvalidArgument, $"{region} is the primary region of '{policy}': a failover rebuilds in another region.",
                    $"Pass -Region {policy.DrRegion ?? "<dr region>"}.", policy);
            return RegionOfPolicySetting(region, "DrRegion");
        }

        internal ApplicationPolicy OneApplication(BackupPolicy policy, string name)
        {
            var app = policy.FindApplication(name);
            if (app == null)
                ThrowFinError(ApplicationFilter.NotInPolicy(policy, name, policy.Applications.Select(a => a.Name).ToList()), name);
            return app;
        }

        /// <summary>The request: the newest blueprint in the region's bucket (latest.json), the newest AMI and DB snapshot copies there.</summary>
        internal FailoverRequest BuildRequest(BackupPolicy policy, ApplicationPolicy app, string region)
        {
            var bucket = policy.BucketFor(region);
            if (bucket == null)
                Fail("FinBlueprintBucketMissing", FinErrorKind.InvalidArgument, $"The policy '{policy}' names no backup bucket for {region}.",
                    $"Add '{region}' = '<bucket>' to Buckets in the policy.", policy);
            var key = BlueprintLayout.LatestKey(app.Name);
            var stored = Session.Get<IRecoveryBlueprintStore>(region).Get(bucket, key, CancellationToken);
            if (stored == null)
                throw new FinBackupException("FinBlueprintNotFound", FinErrorKind.ObjectNotFound,
                    $"There is no recovery blueprint of '{app.Name}' at s3://{bucket}/{key} ({region}).",
                    $"Run Export-FinRecoveryBlueprint -Policy <policy> -Application '{app.Name}' (it copies the blueprint to the DR bucket).");
            WriteVerbose($"Blueprint s3://{bucket}/{key}, read from {stored.Blueprint.Region} at {stored.Blueprint.CreatedAt:u}.");
            var request = new FailoverRequest
            {
                Policy = policy,
                Application = app,
                Blueprint = stored.Blueprint,
                BlueprintKey = $"s3://{bucket}/{key}",
                Region = region,
                ExistingVpc = app.RestoreTargetFor(region)?.VpcId,
                SecretName = app.RestoreSecret ?? stored.Blueprint.RestoreSecretNames.FirstOrDefault(),
            };
            FailoverPoints.Select(request, Session.Get<IRecoveryPointProviders>(region), CancellationToken);
            WriteVerbose($"AMI copy: {request.Image?.RecoveryPointId ?? "none"}; DB snapshot copies: {string.Join(", ", request.DbSnapshots.Select(kv => kv.Key + "=" + kv.Value.RecoveryPointId))}.");
            return request;
        }

        internal void Progress(string activity, FinFailoverStep step, int total) =>
            WriteFinProgress(1, activity, $"{step.Order}/{total} {step.Name}: {step.Outcome}", (step.Order - (step.Outcome == "Pending" ? 1 : 0)) * 100 / Math.Max(1, total), step.Resources);
    }

    /// <summary>
    /// Rebuilds an application in the DR region from the newest blueprint in the DR bucket and the DR copies, step by step
    /// (network, NAT gateway, route tables, security groups and rules, load balancer, WAF, database, launch template + ASG,
    /// Route 53 failover switch). Every step adopts what an earlier run made (fin:failover-id), so a re-run resumes.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "FinFailover", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FinFailoverResult))]
    public sealed class InvokeFinFailoverCommand : FinFailoverCmdlet
    {
        private const string Activity = "Invoke-FinFailover";

        /// <summary>Do not switch the Route 53 failover record (the stack is built, traffic stays where it is).</summary>
        [Parameter]
        public SwitchParameter SkipDns { get; set; }

        /// <summary>The fin:failover-id to build under (default failover-&lt;app&gt;-&lt;region&gt;, the same for every run: a re-run resumes).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string FailoverId { get; set; }

        /// <summary>Run without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var region = DrRegion(Policy);
            var app = OneApplication(Policy, Application);
            FailoverRequest request;
            var engine = new FailoverEngine(Session.Get<IFailoverGateway>(region));
            try
            {
                request = BuildRequest(Policy, app, region);
                request.SkipDns = SkipDns;
                request.FailoverId = FailoverId;
                var plan = engine.PlanResult(request);
                var target = $"{app.Name} in {region} ({plan.FailoverId})";
                if (!ShouldProcess($"Rebuild '{app.Name}' in {region} in {plan.Steps.Length} steps{(SkipDns ? " without switching DNS" : ", then switch Route 53")}",
                        $"Rebuild '{app.Name}' in {region} and switch its traffic there?", Activity, out var reason))
                {
                    if (reason == ShouldProcessReason.WhatIf)
                    {
                        foreach (var s in plan.Steps) ShouldProcess(target, $"Step {s.Order} [{s.Tier}] {s.Name}: {s.Resources}");
                        if (plan.EstimatedRto is TimeSpan est)
                            ShouldProcess(target, $"Estimated RTO {est.TotalMinutes:0} min (Get-FinRtoEstimate) against the target {app.Rto?.TotalMinutes.ToString("0") ?? "-"} min");
                    }
                    return;
                }
                if (!Force && !ShouldContinue($"Rebuild '{app.Name}' in {region}{(SkipDns ? string.Empty : " and point its Route 53 failover record there")}?", Activity)) return;
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, app.Name);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                var audit = AuditTrailFor(Policy);
                var result = engine.Run(request, FailoverAudit.Recording(audit, () => request.FailoverId, app.Name, region, false, (s, n) => Progress(Activity, s, n), CancellationToken),
                    CancellationToken);
                if (result.Status == "Cancelled") return;
                WriteObject(result);
                if (result.Status == "Failed")
                {
                    WriteFinError(new FinBackupException("FinFailoverFailed", FinErrorKind.ResourceUnavailable,
                        $"The failover of '{app.Name}' to {region} stopped: {result.Error}",
                        $"Fix the cause, then run Invoke-FinFailover again (-FailoverId {result.FailoverId}): finished steps are adopted, not redone."), app.Name);
                }
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, app.Name);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                CompleteFinProgress(1, Activity);
            }
        }
    }

    /// <summary>
    /// A recovery drill: the failover into an isolated copy in the region (own names and fin:drill-id tags, DNS not switched),
    /// validated (targets registered and healthy, database available, endpoint resolvable), recorded as JSON in the region's
    /// backup bucket (fin-drills/&lt;app&gt;/&lt;drillId&gt;.json, SSE-KMS), then torn down by tag unless -Keep.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "FinRecoveryDrill", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(RecoveryDrillRecord))]
    public sealed class StartFinRecoveryDrillCommand : FinFailoverCmdlet
    {
        private const string Activity = "Start-FinRecoveryDrill";

        /// <summary>Leave the drill's copy standing (its resources carry fin:drill-id; run the drill again with -DrillId to tear it down).</summary>
        [Parameter]
        public SwitchParameter Keep { get; set; }

        /// <summary>Resume a drill that was interrupted (its id from the record or the fin:drill-id tag); default a new id.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string DrillId { get; set; }

        protected override void ProcessRecord()
        {
            var region = DrRegion(Policy);
            var app = OneApplication(Policy, Application);
            var bucket = Policy.BucketFor(region);
            var kms = Policy.KmsKeyFor(region);
            if (bucket == null || kms == null)
                Fail("FinDrillBucketMissing", FinErrorKind.InvalidArgument, $"The policy '{Policy}' names no backup bucket or KMS key for {region}, where the drill record goes.",
                    $"Add '{region}' to Buckets and KmsKeys in the policy.", Policy);
            try
            {
                var request = BuildRequest(Policy, app, region);
                request.DrillId = DrillId ?? FailoverIds.NewDrillId(DateTime.UtcNow);
                var gateway = Session.Get<IFailoverGateway>(region);
                var plan = new FailoverEngine(gateway).PlanResult(request);
                if (!ShouldProcess($"{app.Name} in {region} (drill {request.DrillId})",
                        $"Build an isolated copy in {plan.Steps.Count(s => s.Outcome != "Skipped")} steps, validate it, record it in s3://{bucket}/fin-drills/{(Keep ? string.Empty : ", tear it down")}"))
                    return;
                var runBy = CallerArn();
                var audit = AuditTrailFor(Policy);
                var record = new RecoveryDrill(gateway).Run(request, new RecoveryDrillOptions { Store = Session.Get<IRecoveryDrillStore>(region), Bucket = bucket, KmsKeyId = kms, RunBy = runBy, Keep = Keep },
                    FailoverAudit.Recording(audit, () => request.DrillId, app.Name, region, true, (s, n) => Progress(Activity, s, n + 2), CancellationToken), CancellationToken);
                FailoverAudit.Drill(audit, record, CancellationToken);
                WriteObject(record);
                if (record.Outcome != "Succeeded")
                {
                    WriteFinError(new FinBackupException("FinDrillFailed", FinErrorKind.ResourceUnavailable,
                        $"The drill of '{app.Name}' in {region} ended {record.Outcome}: {record.Error ?? string.Join("; ", record.Validations.Where(v => !v.Passed).Select(v => v.Name + " " + v.Detail))}",
                        "Read the record's Steps and Validations (Get-FinRecoveryDrill), fix the cause and run Start-FinRecoveryDrill again."), app.Name);
                }
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, app.Name);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                CompleteFinProgress(1, Activity);
            }
        }

        private string CallerArn()
        {
            try
            {
                return Session.Get<IAwsIdentityGateway>().GetCallerIdentityAsync(CancellationToken).GetAwaiter().GetResult()?.Arn;
            }
            catch (FinBackupException ex)
            {
                WriteWarning("The drill record will not say who ran it: " + ex.Message);
                return null;
            }
        }
    }

    /// <summary>The drill records of the policy's applications in a region's backup bucket (default the DR region), newest first.</summary>
    [Cmdlet(VerbsCommon.Get, "FinRecoveryDrill")]
    [OutputType(typeof(RecoveryDrillRecord))]
    public sealed class GetFinRecoveryDrillCommand : FinDrCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The backup policy (Import-FinBackupPolicy ./policy.psd1).")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ApplicationCompleter]
        public string[] Application { get; set; }

        protected override void ProcessRecord()
        {
            var region = RegionOfPolicySetting(Policy.DrRegion ?? Policy.PrimaryRegion, Policy.DrRegion != null ? "DrRegion" : "PrimaryRegion");
            var bucket = Policy.BucketFor(region);
            if (bucket == null)
                Fail("FinDrillBucketMissing", FinErrorKind.InvalidArgument, $"The policy '{Policy}' names no backup bucket for {region}.", $"Add '{region}' to Buckets in the policy, or pass -Region.", Policy);
            var store = Session.Get<IRecoveryDrillStore>(region);
            try
            {
                foreach (var app in SelectApplications(Policy, Application))
                {
                    foreach (var r in store.List(bucket, app.Name, CancellationToken)) WriteObject(r);
                }
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, Policy);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
