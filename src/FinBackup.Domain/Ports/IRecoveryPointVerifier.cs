using System.Threading;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// Checks that one kind of recovery point is restorable as it stands (Test-FinRecoveryPoint): its structure and the
    /// existence and state of everything it references. Implemented next to the provider of the same kind in FinBackup.Aws
    /// (public, constructor <c>(AwsClientContext, string region)</c>) and found by the <see cref="IRecoveryPointVerifiers"/>
    /// catalog, like providers.
    /// <para>Contract: problems with the point (a member snapshot missing, an object gone, a hash that does not match) are
    /// added to <see cref="RecoveryPointCheckBuilder.Problem"/>, never thrown; a failure to ask (throttling, access denied,
    /// no network) is thrown as a FinBackupException, since then nothing is known about the point. Existence checks use list
    /// or batch calls (one DescribeSnapshots for all members, one LIST of the content prefixes), never one call per object.</para>
    /// </summary>
    public interface IRecoveryPointVerifier
    {
        RecoveryPointKind Kind { get; }

        void Verify(FinRecoveryPoint point, RecoveryPointCheckOptions options, RecoveryPointCheckBuilder check, CancellationToken cancellationToken);
    }

    /// <summary>The verifiers of one region, by kind. Get it with <c>Session.Get&lt;IRecoveryPointVerifiers&gt;(region)</c>.</summary>
    public interface IRecoveryPointVerifiers
    {
        string Region { get; }

        /// <summary>The verifier of <paramref name="kind"/>, or null when FinBackup cannot check that kind.</summary>
        IRecoveryPointVerifier Verifier(RecoveryPointKind kind);
    }
}
