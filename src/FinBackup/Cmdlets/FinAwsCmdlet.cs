using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Common;
using FinBackup.Completion;
using FinBackup.Domain;
using FinBackup.Domain.Connection;
using FinBackup.Domain.Policy;

namespace FinBackup.Cmdlets
{
    /// <summary>
    /// Base of every cmdlet that calls AWS: the AWS.Tools common parameters (with AWS.Tools' names and aliases; -Region is
    /// declared by the two subclasses, <see cref="FinAwsCmdlet"/> for one region and <see cref="FinAwsMultiRegionCmdlet"/>
    /// for the cmdlets that search several), the session, and the one region precedence:
    /// <list type="number">
    /// <item>the -Region parameter;</item>
    /// <item>the pipeline object's region (a FinResource, a recovery point, a restore plan);</item>
    /// <item>the policy's primary region (all its regions for the cmdlets that search);</item>
    /// <item>the session default (Set-FinDefault -Region);</item>
    /// <item>the environment (AWS_REGION, AWS_DEFAULT_REGION) and the profile in use (AwsConnectionResolver).</item>
    /// </list>
    /// A -ProfileName's region ranks below 1-3: the object and the policy say where the data is, a profile where the user
    /// usually works. No cmdlet decides a region itself or assigns -Region: it calls <see cref="RegionFor"/> or
    /// <see cref="RegionsFor"/>. -Verbose says where the credentials and the region came from.
    /// </summary>
    public abstract class FinAwsSessionCmdlet : FinCmdlet
    {
        [Parameter]
        [Alias("StoredCredentials", "AWSProfileName")]
        [ProfileNameCompleter]
        public string ProfileName { get; set; }

        [Parameter]
        [Alias("AWSProfilesLocation", "ProfilesLocation")]
        public string ProfileLocation { get; set; }

        [Parameter]
        [Alias("AK")]
        public string AccessKey { get; set; }

        [Parameter]
        [Alias("SecretAccessKey", "SK")]
        public string SecretKey { get; set; }

        [Parameter]
        [Alias("ST")]
        public string SessionToken { get; set; }

        /// <summary>An AWS.Tools credentials object (Amazon.Runtime.AWSCredentials) or a PSCredential of access key id and secret key.</summary>
        [Parameter]
        public object Credential { get; set; }

        [Parameter]
        public string EndpointUrl { get; set; }

        /// <summary>The regions the -Region parameter names (empty when it was not given).</summary>
        protected abstract IReadOnlyList<string> RegionParameterValues { get; }

        private readonly System.Collections.Generic.Dictionary<string, Domain.Audit.AuditTrail> _trails =
            new System.Collections.Generic.Dictionary<string, Domain.Audit.AuditTrail>(StringComparer.Ordinal);
        private string _actor;

        /// <summary>
        /// The audit trail of this invocation for the policy (one run id per invocation): <c>AuditTrailFor(policy).Record(...)</c>.
        /// Disabled (records nothing) without a policy or when the policy has no audit location. A failed write is a warning
        /// and a non-terminating FinAuditWriteFailed error; it never stops the cmdlet's own work.
        /// </summary>
        protected Domain.Audit.AuditTrail AuditTrailFor(Domain.Policy.BackupPolicy policy)
        {
            if (policy == null || string.IsNullOrEmpty(policy.Name)) return Domain.Audit.AuditTrail.Disabled;
            if (_trails.TryGetValue(policy.Name, out var trail)) return trail;
            var location = Domain.Policy.AuditPolicyExtensions.AuditLocation(policy);
            if (location == null)
            {
                WriteVerbose($"Policy '{policy.Name}' has no audit location (Audit table or primary bucket): nothing is audited.");
                return _trails[policy.Name] = Domain.Audit.AuditTrail.Disabled;
            }
            var log = new Domain.Audit.ChainedAuditLog(Session.Get<Domain.Ports.IAuditRecordStore>(location.Region), location);
            trail = new Domain.Audit.AuditTrail(log, policy.Name, Actor);
            trail.WriteFailed = ex =>
            {
                WriteWarning($"Audit: {ex.Message}");
                WriteFinError(ex, location.ToString());
            };
            trail.NotSetUp = ex => WriteWarning($"Audit: this run is not audited: {ex.Message} Create the audit bucket {location.Bucket} in {location.Region} (Object Lock on), or set Audit.Enabled = $false in the policy.");
            WriteVerbose($"Audit run {trail.RunId} to {location}.");
            return _trails[policy.Name] = trail;
        }

        /// <summary>
        /// Records a change to what protects the estate (AWS Backup plan, schedule, SSM document, RPO alarm, bucket replication,
        /// recovery blueprint) as one Policy.Changed record: <paramref name="resource"/> names the kind of thing changed,
        /// <paramref name="change"/> what happened to it (Created, Updated, Removed, Written). Never under -WhatIf (call it after the change).
        /// </summary>
        protected void AuditConfigurationChange(Domain.Policy.BackupPolicy policy, string resource, string target, string change, string application, string region,
            System.Collections.Generic.IDictionary<string, string> details = null, string errorId = null)
        {
            var d = new System.Collections.Generic.Dictionary<string, string>(StringComparer.Ordinal) { ["resource"] = resource, ["change"] = change };
            if (details != null) foreach (var kv in details) d[kv.Key] = kv.Value;
            AuditTrailFor(policy).Record(Domain.Audit.AuditActions.PolicyChanged, target, errorId == null ? Domain.Audit.AuditResults.Succeeded : Domain.Audit.AuditResults.Failed,
                application, region, d, errorId, cancellationToken: CancellationToken);
        }

        private string Actor()
        {
            if (_actor != null) return _actor;
            try
            {
                _actor = Session.Get<Domain.Ports.IAwsIdentityGateway>().GetCallerIdentityAsync(CancellationToken).GetAwaiter().GetResult()?.Arn;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                WriteWarning($"Audit: could not ask STS who is calling ({ex.Message}); records name the actor 'unknown'.");
            }
            return _actor = string.IsNullOrEmpty(_actor) ? "unknown" : _actor;
        }

        /// <summary>Signs the audit runs (digest per run). Writes nothing to the pipeline (it has ended).</summary>
        protected override void OnInvocationEnded()
        {
            foreach (var trail in _trails.Values)
            {
                trail.WriteFailed = null;
                trail.Complete(System.Threading.CancellationToken.None);
            }
            _trails.Clear();
        }

        private IAwsSession _session;
        private string _connectRegion;
        private string _connectRegionSource;

        /// <summary>
        /// The resolved connection; resolved once per invocation, on first use. Its default region is the first one
        /// <see cref="RegionFor"/>/<see cref="RegionsFor"/> chose (so call one of them before the session when a policy or a
        /// piped object says where to work), else the session default, environment or profile.
        /// </summary>
        protected IAwsSession Session => _session ?? (_session = OpenSession());

        /// <summary>
        /// The region to work in for one object, by the one precedence: -Region, else <paramref name="pipelineRegion"/> (the
        /// piped object's), else the policy's primary region, else the session's (Set-FinDefault, environment, profile).
        /// </summary>
        protected string RegionFor(string pipelineRegion = null, BackupPolicy policy = null)
        {
            var choice = RegionPrecedence.Choose(RegionParameterValues, pipelineRegion, policy, everyPolicyRegion: false);
            if (choice == null) return Session.Region;
            ConnectIn(choice.Regions[0], choice.Source);
            return choice.Regions[0];
        }

        /// <summary>
        /// The regions a searching cmdlet covers, by the same precedence: every -Region, else the piped object's, else the
        /// policy's regions (<paramref name="everyPolicyRegion"/>: primary and DR; else its primary), else the session's.
        /// </summary>
        protected IReadOnlyList<string> RegionsFor(BackupPolicy policy, bool everyPolicyRegion, string pipelineRegion = null)
        {
            var choice = RegionPrecedence.Choose(RegionParameterValues, pipelineRegion, policy, everyPolicyRegion);
            if (choice == null) return new[] { Session.Region };
            ConnectIn(choice.Regions[0], choice.Source);
            return choice.Regions;
        }

        /// <summary>
        /// Where an existing recovery point is read (verified, restored from, copied from): the region it lives in, whatever
        /// -Region says (a point id means nothing elsewhere; Invoke-FinRestore's -Region is where to restore to). A point that
        /// does not say: the precedence of <see cref="RegionFor"/>.
        /// </summary>
        protected string RegionOfPoint(string pointRegion, BackupPolicy policy = null)
        {
            if (string.IsNullOrEmpty(pointRegion)) return RegionFor(null, policy);
            ConnectIn(pointRegion, RegionPrecedence.PipelineSource);
            return pointRegion;
        }

        /// <summary>
        /// The region for work the policy places in a region of its own (the DR region of a failover, the audit log's region):
        /// -Region, else <paramref name="policyRegion"/> (named in -Verbose as <paramref name="setting"/>), else the session's.
        /// The same precedence as <see cref="RegionFor"/>, with that policy setting in the policy's place.
        /// </summary>
        protected string RegionOfPolicySetting(string policyRegion, string setting)
        {
            var given = RegionParameterValues.FirstOrDefault(r => !string.IsNullOrEmpty(r));
            if (given != null) return given;
            if (string.IsNullOrEmpty(policyRegion)) return Session.Region;
            ConnectIn(policyRegion, "policy " + setting);
            return policyRegion;
        }

        /// <summary>The region a regional call should use: the explicit one, else the session's.</summary>
        protected string RegionOrDefault(string region) => string.IsNullOrEmpty(region) ? Session.Region : region;

        private void ConnectIn(string region, string source)
        {
            if (_session != null || _connectRegion != null) return;
            _connectRegion = region;
            _connectRegionSource = source;
        }

        protected AwsConnectionRequest BuildConnectionRequest()
        {
            var parameterRegion = RegionParameterValues.FirstOrDefault(r => !string.IsNullOrEmpty(r));
            var request = new AwsConnectionRequest
            {
                Region = parameterRegion ?? _connectRegion,
                RegionSource = parameterRegion != null ? null : _connectRegionSource,
                ProfileName = ProfileName,
                ProfileLocation = ProfileLocation,
                AccessKey = AccessKey,
                SecretKey = SecretKey,
                SessionToken = SessionToken,
                EndpointUrl = EndpointUrl,
                Defaults = SessionDefaultsStore.Get(SessionState),
            };
            if (Credential != null)
            {
                CredentialObjectReader.Apply(Credential, request);
            }
            return request;
        }

        /// <summary>Stops the command with FinRegionUnknown ("did you mean") when a region the user typed is not a region.</summary>
        protected void ValidateRegion(string region, string parameterName)
        {
            var error = RegionArgument.Check(region, parameterName);
            if (error != null) ThrowFinError(error, region);
        }

        /// <summary>
        /// The policy a piped object came from, unless -Policy was given: the policy object a FinBackup cmdlet wrote it under
        /// in this process, else the policy file its PolicyPath names (objects carry the path, not the policy). Null when
        /// neither is known.
        /// </summary>
        protected global::FinBackup.Domain.Policy.BackupPolicy PolicyFromPipeline(global::FinBackup.Domain.Policy.BackupPolicy explicitPolicy, string policyPath, object target, object piped = null)
        {
            if (explicitPolicy != null) return explicitPolicy;
            var attached = global::FinBackup.Policy.PolicyCache.AttachedTo(piped);
            if (attached != null) return attached;
            if (string.IsNullOrEmpty(policyPath)) return null;
            try
            {
                return global::FinBackup.Policy.PolicyCache.Get(policyPath);
            }
            catch (global::FinBackup.Domain.FinBackupException ex)
            {
                ThrowFinError(ex, target);
                return null;
            }
        }

        /// <summary>Marks an output object with the policy it was found or taken under: its name and path, and (in this process) the policy itself.</summary>
        protected static void CarryPolicy(global::FinBackup.Domain.RecoveryPoints.FinRecoveryPoint point, global::FinBackup.Domain.Policy.BackupPolicy policy)
        {
            if (point == null || policy == null) return;
            point.PolicyPath = policy.SourcePath;
            if (string.IsNullOrEmpty(point.PolicyName)) point.PolicyName = policy.Name;
            global::FinBackup.Policy.PolicyCache.Attach(point, policy);
        }

        /// <inheritdoc cref="CarryPolicy(global::FinBackup.Domain.RecoveryPoints.FinRecoveryPoint, global::FinBackup.Domain.Policy.BackupPolicy)"/>
        protected static void CarryPolicy(global::FinBackup.Domain.Resources.FinResource resource, global::FinBackup.Domain.Policy.BackupPolicy policy)
        {
            if (resource == null || policy == null) return;
            resource.PolicyName = policy.Name;
            resource.PolicyPath = policy.SourcePath;
            global::FinBackup.Policy.PolicyCache.Attach(resource, policy);
        }

        private IAwsSession OpenSession()
        {
            foreach (var r in RegionParameterValues) ValidateRegion(r, "-Region");
            try
            {
                var session = AwsSessionBridge.Open(BuildConnectionRequest(), WriteVerbose);
                WriteVerbose($"Credentials: {session.CredentialSource}. Region: {session.Region} ({session.RegionSource})." +
                             (session.EndpointUrl != null ? $" Endpoint: {session.EndpointUrl}." : string.Empty));
                return session;
            }
            catch (FinBackupException ex)
            {
                ThrowFinError(ex, this);
                return null;
            }
        }
    }

    /// <summary>Base of the cmdlets that work in one region: AWS.Tools' -Region (a string).</summary>
    public abstract class FinAwsCmdlet : FinAwsSessionCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = false)]
        [Alias("RegionToCall")]
        [RegionCompleter]
        public string Region { get; set; }

        protected override IReadOnlyList<string> RegionParameterValues =>
            string.IsNullOrEmpty(Region) ? (IReadOnlyList<string>)new string[0] : new[] { Region };
    }

    /// <summary>Base of the cmdlets that search several regions at once: -Region takes a list (us-east-1, us-west-2).</summary>
    public abstract class FinAwsMultiRegionCmdlet : FinAwsSessionCmdlet
    {
        /// <summary>The regions to search; default the policy's (see the cmdlet), else the session's region.</summary>
        [Parameter]
        [Alias("RegionToCall")]
        [ValidateNotNullOrEmpty]
        [RegionCompleter]
        public string[] Region { get; set; }

        protected override IReadOnlyList<string> RegionParameterValues =>
            (Region ?? new string[0]).Where(r => !string.IsNullOrEmpty(r)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}
