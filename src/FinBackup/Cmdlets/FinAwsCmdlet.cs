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
            ValidateRegion(Region, "-Region");
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
