using System;
using System.Threading;
using FinBackup.Domain.Ports;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>
    /// What the recovery-point services need from the outside: the providers of a region, the clock, and how to wait.
    /// Cmdlets build one from the session; tests from in-memory fakes and a fake clock.
    /// </summary>
    public sealed class RecoveryPointRuntime
    {
        public RecoveryPointRuntime(Func<string, IRecoveryPointProviders> providers)
        {
            Providers = providers ?? throw new ArgumentNullException(nameof(providers));
        }

        public Func<string, IRecoveryPointProviders> Providers { get; }
        public Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;
        /// <summary>Waits (cancellably). Tests replace it to advance a fake clock.</summary>
        public Action<TimeSpan, CancellationToken> Sleep { get; set; } = (t, ct) => ct.WaitHandle.WaitOne(t);
        /// <summary>The first pause between polls of a wait (a small volume's snapshot is often done within seconds).</summary>
        public TimeSpan FirstPollDelay { get; set; } = TimeSpan.FromSeconds(2);
        /// <summary>
        /// The longest pause between polls: the service's pace (EBS snapshots and copies report progress about this often).
        /// Waits start at <see cref="FirstPollDelay"/> and back off to this (<see cref="Waiting.WaitPolicy"/>).
        /// </summary>
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);
        /// <summary>How long -Wait waits for a point or a copy slot before giving up with FinWaitTimedOut.</summary>
        public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromHours(6);

        /// <summary>The one waiter (src/FinBackup.Domain/Waiting), on this runtime's clock and pause.</summary>
        public Waiting.Waiter Waiter => new Waiting.Waiter(UtcNow, Sleep);

        /// <summary>How the recovery-point waits poll: from <see cref="FirstPollDelay"/> up to <see cref="PollInterval"/>, for at most <see cref="WaitTimeout"/>.</summary>
        public Waiting.WaitPolicy WaitPolicy => new Waiting.WaitPolicy
        {
            FirstDelay = FirstPollDelay < PollInterval ? FirstPollDelay : PollInterval,
            MaxDelay = PollInterval,
            Timeout = WaitTimeout,
        };
        public CopyLimits CopyLimits { get; set; } = CopyLimits.Default;
        /// <summary>Checks the destination key before copying (null: no check).</summary>
        public Func<string, IKmsKeyCheck> KmsKeys { get; set; }
        /// <summary>Where restore metadata documents are stored per region (null: not stored).</summary>
        public Func<string, IRestoreMetadataStore> RestoreMetadata { get; set; }
        /// <summary>Where points taken, copied and deleted are recorded (the policy's audit trail); Disabled by default.</summary>
        public FinBackup.Domain.Audit.AuditTrail Audit { get; set; } = FinBackup.Domain.Audit.AuditTrail.Disabled;

        public IRecoveryPointProvider Provider(string region, RecoveryPointKind kind)
        {
            var p = Providers(region)?.Provider(kind);
            if (p == null)
                throw new FinBackupException("FinRecoveryPointKindNotSupported", FinErrorKind.NotImplemented,
                    $"No recovery-point provider for kind {kind} is installed.",
                    "Use one of the kinds EbsSnapshotSet, Ami, RdsSnapshot (FileBackup when the file-backup feature is installed).");
            return p;
        }
    }
}
