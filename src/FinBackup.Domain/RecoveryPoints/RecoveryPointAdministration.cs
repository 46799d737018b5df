using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Audit;
using FinBackup.Domain.Ports;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>
    /// Set-FinLegalHold, Clear-FinLegalHold and Remove-FinRecoveryPoint: one chosen point, looked up fresh (never trusting a
    /// piped object's tags: a hold set since it was listed must still stop a delete), changed, and audited.
    /// </summary>
    public sealed class RecoveryPointAdministration
    {
        private readonly RecoveryPointRuntime _runtime;

        public RecoveryPointAdministration(RecoveryPointRuntime runtime) { _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime)); }

        /// <summary>The point as AWS has it now (managed or not), or FinRemovePointNotFound.</summary>
        public FinRecoveryPoint Find(string region, RecoveryPointKind kind, string recoveryPointId, CancellationToken ct)
        {
            var provider = _runtime.Provider(region, kind);
            var query = new RecoveryPointQuery { IncludeUnmanaged = true };
            query.RecoveryPointIds.Add(recoveryPointId);
            var found = provider.List(query, ct).FirstOrDefault(p => string.Equals(p.RecoveryPointId, recoveryPointId, StringComparison.Ordinal));
            if (found == null)
                throw new FinBackupException("FinRemovePointNotFound", FinErrorKind.ObjectNotFound,
                    $"No {kind} recovery point '{recoveryPointId}' in {region}.", "Find the point with Get-FinRecoveryPoint and pipe it.");
            return found;
        }

        public FinRecoveryPoint SetLegalHold(FinRecoveryPoint point, bool hold, CancellationToken ct)
        {
            var action = hold ? AuditActions.LegalHoldSet : AuditActions.LegalHoldCleared;
            if (!point.ManagedByFinBackup)
            {
                var ex = new FinBackupException("FinLegalHoldUnmanagedRefused", FinErrorKind.InvalidOperation,
                    $"{point.Kind} {point.RecoveryPointId} in {point.Region} is not managed by FinBackup (no fin:managed-by=FinBackup tag); FinBackup does not tag it.",
                    "Hold unmanaged points with your own tooling.");
                _runtime.Audit.RecordPoint(action, point, AuditResults.Refused, ex.ErrorId, cancellationToken: ct);
                throw ex;
            }
            if (!(_runtime.Provider(point.Region, point.Kind) is IRecoveryPointTagger tagger))
            {
                var ex = new FinBackupException("FinLegalHoldUnsupported", FinErrorKind.NotImplemented,
                    $"FinBackup cannot tag {point.Kind} points ({point.RecoveryPointId}).", "Use an AWS Backup legal hold or vault lock for vault points.");
                _runtime.Audit.RecordPoint(action, point, AuditResults.Refused, ex.ErrorId, cancellationToken: ct);
                throw ex;
            }
            try
            {
                tagger.SetTags(point, new Dictionary<string, string> { [FinTags.LegalHold] = hold ? "true" : "false" }, ct);
            }
            catch (FinBackupException ex)
            {
                _runtime.Audit.RecordPoint(action, point, AuditResults.Failed, ex.ErrorId, cancellationToken: ct);
                throw;
            }
            point.LegalHold = hold;
            if (point.Tags != null) point.Tags[FinTags.LegalHold] = hold ? "true" : "false";
            _runtime.Audit.RecordPoint(action, point, cancellationToken: ct);
            return point;
        }

        /// <summary>Deletes the point (looked up fresh). Refuses a legal hold and an unmanaged point, each with its own id.</summary>
        public void Remove(FinRecoveryPoint point, CancellationToken ct)
        {
            var manual = new Dictionary<string, string> { [AuditDetailKeys.DeleteReason] = "Manual" };
            if (!point.ManagedByFinBackup)
            {
                var ex = new FinBackupException("FinRemovePointUnmanaged", FinErrorKind.InvalidOperation,
                    $"{point.Kind} {point.RecoveryPointId} in {point.Region} is not managed by FinBackup (no fin:managed-by=FinBackup tag); nothing was deleted.",
                    "Delete points FinBackup did not make with the AWS console or CLI.");
                _runtime.Audit.RecordPoint(AuditActions.RecoveryPointDeleted, point, AuditResults.Refused, ex.ErrorId, manual, ct);
                throw ex;
            }
            if (point.LegalHold)
            {
                var ex = new FinBackupException("FinRemovePointLegalHold", FinErrorKind.InvalidOperation,
                    $"{point.Kind} {point.RecoveryPointId} in {point.Region} is under legal hold (fin:legal-hold=true); nothing was deleted.",
                    "If counsel has released the hold: Clear-FinLegalHold, then Remove-FinRecoveryPoint.");
                _runtime.Audit.RecordPoint(AuditActions.RecoveryPointDeleted, point, AuditResults.Refused, ex.ErrorId, manual, ct);
                throw ex;
            }
            try
            {
                _runtime.Provider(point.Region, point.Kind).Delete(point, ct);
            }
            catch (FinBackupException ex)
            {
                _runtime.Audit.RecordPoint(AuditActions.RecoveryPointDeleted, point, AuditResults.Failed, ex.ErrorId, manual, ct);
                throw;
            }
            _runtime.Audit.RecordPoint(AuditActions.RecoveryPointDeleted, point, extra: manual, cancellationToken: ct);
        }
    }
}
