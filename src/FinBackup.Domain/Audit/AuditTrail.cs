using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Audit
{
    /// <summary>
    /// The one-line way to audit a change: <c>trail.Record(AuditActions.FailoverStep, target, AuditResults.Succeeded, ...)</c>.
    /// One trail per run (cmdlet invocation): it stamps the time, the run id, the actor (STS) and the policy, appends the
    /// record at once, and signs the run's records when the run completes (<see cref="Complete"/>). A failed write never
    /// throws: it goes to <see cref="WriteFailed"/> (the cmdlet's warning and non-terminating error) and the log retries it.
    /// <see cref="Disabled"/> records nothing (no policy, or the policy has no audit bucket).
    /// </summary>
    public sealed class AuditTrail
    {
        private readonly IAuditLog _log;
        private bool _completed;
        private bool _bucketMissing;

        private readonly Func<string> _actor;
        private string _actorValue;

        public AuditTrail(IAuditLog log, string policyName, string actor, string runId = null)
            : this(log, policyName, () => actor, runId)
        {
        }

        /// <summary>The actor is asked for on the first record only (an STS call a run that changes nothing never makes).</summary>
        public AuditTrail(IAuditLog log, string policyName, Func<string> actor, string runId = null)
        {
            _log = log;
            PolicyName = policyName;
            _actor = actor ?? (() => null);
            RunId = string.IsNullOrEmpty(runId) ? NewRunId(DateTime.UtcNow) : runId;
        }

        /// <summary>A trail that records nothing.</summary>
        public static AuditTrail Disabled { get; } = new AuditTrail(null, null, (string)null, "disabled");

        public bool Enabled => _log != null;
        public string PolicyName { get; }
        public string Actor
        {
            get
            {
                if (_actorValue == null)
                {
                    var a = _actor();
                    _actorValue = string.IsNullOrEmpty(a) ? "unknown" : a;
                }
                return _actorValue;
            }
        }
        public string RunId { get; }
        public Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;
        /// <summary>Called with FinAuditWriteFailed when a record could not be stored (the change itself went ahead).</summary>
        public Action<FinBackupException> WriteFailed { get; set; }
        /// <summary>
        /// Called once per run when the audit bucket does not exist (FinBucketNotFound): the log is not set up, so the run
        /// writes no records (a warning, not an error per record; Test-FinBackupPolicy and Test-FinAuditLog show it too).
        /// </summary>
        public Action<FinBackupException> NotSetUp { get; set; }
        /// <summary>Every record this trail appended or tried to append, as built.</summary>
        public List<AuditEvent> Recorded { get; } = new List<AuditEvent>();

        /// <summary>Run ids sort by time: yyyyMMddTHHmmssZ-&lt;8 hex&gt;.</summary>
        public static string NewRunId(DateTime utcNow) =>
            utcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 8);

        /// <summary>Records one change. Never throws for a failed write (see <see cref="WriteFailed"/>).</summary>
        public AuditEvent Record(string action, string target, string result, string application = null, string region = null,
            IDictionary<string, string> details = null, string errorId = null, IEnumerable<string> requestIds = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            if (!Enabled) return null;
            var e = new AuditEvent
            {
                TimeUtc = UtcNow(), RunId = RunId, Actor = Actor, Action = action, PolicyName = PolicyName, Application = application,
                Region = region, Target = target, Result = result ?? AuditResults.Succeeded, ErrorId = errorId,
            };
            if (requestIds != null) e.RequestIds.AddRange(requestIds);
            if (details != null) foreach (var kv in details) if (kv.Value != null) e.Details[kv.Key] = kv.Value;
            Recorded.Add(e);
            if (_bucketMissing) return e;
            try
            {
                _log.Append(PolicyName, new[] { e }, cancellationToken);
            }
            catch (FinBackupException ex) when (ex.ErrorId == FinErrorIds.BucketNotFound)
            {
                _bucketMissing = true;
                NotSetUp?.Invoke(ex);
            }
            catch (FinBackupException ex)
            {
                Report(ex);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                Report(new FinBackupException("FinAuditWriteFailed", FinErrorKind.WriteError, $"An audit record could not be written: {ex.Message}", "Run Test-FinAuditLog.", ex));
            }
            return e;
        }

        /// <summary>Records what happened to a recovery point (created, copied, deleted, legal hold), with the details compliance reads.</summary>
        public AuditEvent RecordPoint(string action, FinRecoveryPoint point, string result = AuditResults.Succeeded, string errorId = null,
            IDictionary<string, string> extra = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (!Enabled || point == null) return null;
            var details = PointDetails(point);
            if (extra != null) foreach (var kv in extra) details[kv.Key] = kv.Value;
            return Record(action, point.RecoveryPointId, result, point.Application, point.Region, details, errorId, null, cancellationToken);
        }

        public static Dictionary<string, string> PointDetails(FinRecoveryPoint p)
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [AuditDetailKeys.Kind] = p.Kind.ToString(),
                [AuditDetailKeys.CreatedAt] = Iso(p.CreatedAt),
                [AuditDetailKeys.LegalHold] = p.LegalHold ? "true" : "false",
            };
            if (p.ExpiresAt.HasValue) d[AuditDetailKeys.ExpiresAt] = Iso(p.ExpiresAt.Value);
            if (!string.IsNullOrEmpty(p.SourceRegion)) d[AuditDetailKeys.SourceRegion] = p.SourceRegion;
            if (!string.IsNullOrEmpty(p.SourceRecoveryPointId)) d[AuditDetailKeys.SourcePointId] = p.SourceRecoveryPointId;
            if (!string.IsNullOrEmpty(p.ResourceId)) d[AuditDetailKeys.ResourceId] = p.ResourceId;
            if (!string.IsNullOrEmpty(p.Window)) d["window"] = p.Window;
            return d;
        }

        public static string Iso(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        /// <summary>Ends the run: retries pending records and writes the run's signed digest. Never throws.</summary>
        public void Complete(CancellationToken cancellationToken = default(CancellationToken))
        {
            if (!Enabled || _completed || Recorded.Count == 0 || _bucketMissing) return;
            _completed = true;
            if (!(_log is IAuditRunSigner signer)) return;
            try
            {
                signer.SignRun(PolicyName, RunId, cancellationToken);
            }
            catch (FinBackupException ex)
            {
                Report(new FinBackupException("FinAuditWriteFailed", FinErrorKind.WriteError,
                    $"The digest of audit run {RunId} could not be written: {ex.Message}. Its records show as unsigned in Test-FinAuditLog.",
                    "Check kms:GenerateDataKey on the audit region's key and s3:PutObject on the audit prefix.", ex));
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                Report(new FinBackupException("FinAuditWriteFailed", FinErrorKind.WriteError, $"The digest of audit run {RunId} could not be written: {ex.Message}", "Run Test-FinAuditLog.", ex));
            }
        }

        private void Report(FinBackupException ex)
        {
            var fin = ex.ErrorId == "FinAuditWriteFailed" ? ex
                : new FinBackupException("FinAuditWriteFailed", FinErrorKind.WriteError, $"An audit record could not be written: {ex.Message}", "Run Test-FinAuditLog.", ex);
            WriteFailed?.Invoke(fin);
        }
    }
}
