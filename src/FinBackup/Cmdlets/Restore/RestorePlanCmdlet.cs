using FinBackup.Domain;
using FinBackup.Domain.Connection;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Restore;

namespace FinBackup.Cmdlets.Restore
{
    /// <summary>Shared plumbing of the maker-checker cmdlets: who is calling (STS) and where plans are stored.</summary>
    public abstract class RestorePlanCmdlet : RecoveryPointCmdlet
    {
        /// <summary>The caller's principal ARN from STS GetCallerIdentity with this invocation's credentials.</summary>
        protected string CallerArn()
        {
            var identity = Session.Get<IAwsIdentityGateway>().GetCallerIdentityAsync(CancellationToken).GetAwaiter().GetResult();
            if (string.IsNullOrEmpty(identity?.Arn))
                throw new FinBackupException("FinCallerIdentityUnknown", FinErrorKind.AuthenticationError,
                    "STS GetCallerIdentity returned no ARN for these credentials.", "Check the credentials (-ProfileName, -AccessKey/-SecretKey).");
            WriteVerbose($"Caller: {identity.Arn} (account {identity.Account}).");
            return identity.Arn;
        }

        internal static RestorePlanRepository Repository(BackupPolicy policy, IAwsSession session) =>
            new RestorePlanRepository(r => session.Get<IRestorePlanStore>(r), policy);

        protected RestorePlanRepository Repository(BackupPolicy policy) => Repository(policy, Session);
    }
}
