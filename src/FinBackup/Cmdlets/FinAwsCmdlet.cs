using System;
using System.Management.Automation;
using FinBackup.Common;
using FinBackup.Domain;
using FinBackup.Domain.Connection;

namespace FinBackup.Cmdlets
{
    /// <summary>
    /// Base of every cmdlet that calls AWS: the AWS.Tools common parameters, with AWS.Tools' names, aliases and
    /// resolution order (explicit parameters, profile, session defaults, environment, default profile,
    /// container/instance role). -Verbose says where the credentials and region came from.
    /// </summary>
    public abstract class FinAwsCmdlet : FinCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = false)]
        [Alias("RegionToCall")]
        public string Region { get; set; }

        [Parameter]
        [Alias("StoredCredentials", "AWSProfileName")]
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

        private IAwsSession _session;
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

        /// <summary>The resolved connection; resolved once per invocation, on first use.</summary>
        protected IAwsSession Session => _session ?? (_session = OpenSession());

        /// <summary>The region a regional call should use: the explicit one, else the session's.</summary>
        protected string RegionOrDefault(string region) => string.IsNullOrEmpty(region) ? Session.Region : region;

        protected AwsConnectionRequest BuildConnectionRequest()
        {
            var request = new AwsConnectionRequest
            {
                Region = Region,
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

        private IAwsSession OpenSession()
        {
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
}
