using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Ports;

namespace FinBackup.Domain.Audit
{
    /// <summary>
    /// The audit log of one policy on an <see cref="IAuditRecordStore"/>: appends chained records (each with the SHA-256 of
    /// the previous one) under sequence numbers claimed with a conditional create, and signs each run's records with a digest.
    /// <para>Concurrency: a record is created with If-None-Match: * at the next sequence key. When another writer took the
    /// number first (412), the log re-reads the tail and chains to the other writer's record. So two writers never share a
    /// number and the chain stays one line.</para>
    /// <para>Failures never reach the change being audited as an exception of its own: a record that still cannot be stored
    /// after <see cref="MaxAttempts"/> attempts leaves its sequence number unclaimed (a gap: the next record still chains to
    /// its hash), stays pending and is retried before every later append and when the run is signed; the run's digest lists
    /// it as unwritten with the error id, so <see cref="AuditLogVerifier"/> reports a write gap, not a deletion.
    /// <see cref="Append"/> then throws FinAuditWriteFailed for the caller to report.</para>
    /// </summary>
    public sealed class ChainedAuditLog : IAuditLog, IAuditRunSigner
    {
        private readonly IAuditRecordStore _store;
        private readonly AuditLogLocation _location;
        private readonly List<AuditEvent> _pending = new List<AuditEvent>();
        private readonly Dictionary<string, List<AuditDigestEntry>> _runs = new Dictionary<string, List<AuditDigestEntry>>(StringComparer.Ordinal);
        private readonly object _gate = new object();
        private long? _lastSequence;
        private string _lastHash;
        private bool? _objectLock;

        public ChainedAuditLog(IAuditRecordStore store, AuditLogLocation location)
        {
            _store = store ?? throw new ArgumentNullException(nameof(store));
            _location = location ?? throw new ArgumentNullException(nameof(location));
            if (string.IsNullOrEmpty(location.Bucket) || string.IsNullOrEmpty(location.PolicyName))
                throw new FinBackupException("FinAuditLogNotConfigured", FinErrorKind.InvalidArgument,
                    "The audit log has no bucket or policy name.", "Give the policy an Audit table (Bucket, Region) or a bucket for its primary region.");
        }

        public AuditLogLocation Location => _location;
        public int MaxAttempts { get; set; } = 3;
        public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);
        public Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;
        public Action<TimeSpan, CancellationToken> Sleep { get; set; } = (t, ct) => ct.WaitHandle.WaitOne(t);

        /// <summary>Records not stored yet (their sequence numbers are gaps until a retry stores them).</summary>
        public IReadOnlyList<AuditEvent> Pending { get { lock (_gate) return _pending.ToList(); } }

        public IReadOnlyList<AuditEvent> Append(string policyName, IReadOnlyList<AuditEvent> events, CancellationToken ct)
        {
            CheckPolicy(policyName);
            lock (_gate)
            {
                var stored = new List<AuditEvent>();
                FinBackupException last = null;
                EnsureTail(ct);
                RetryPending(ct);
                foreach (var e in events ?? new AuditEvent[0])
                {
                    if (e.PolicyName == null) e.PolicyName = _location.PolicyName;
                    var error = WriteNew(e, ct);
                    if (error == null) stored.Add(e);
                    else last = error;
                }
                if (last != null)
                    throw new FinBackupException("FinAuditWriteFailed", FinErrorKind.WriteError,
                        $"{_pending.Count} audit record(s) could not be written to {_location} after {MaxAttempts} attempts: {last.Message}. The change itself went ahead; the records are retried and their positions show as write gaps in Test-FinAuditLog until then.",
                        "Check access to the audit bucket (s3:PutObject on the audit prefix) and its KMS key, then run Test-FinAuditLog.", last);
                return stored;
            }
        }

        public IReadOnlyList<AuditEvent> Read(string policyName, DateTime? fromUtc, DateTime? toUtc, CancellationToken ct)
        {
            CheckPolicy(policyName);
            var result = new List<AuditEvent>();
            foreach (var key in _store.ListKeys(_location.Bucket, AuditLogLayout.RecordPrefix(_location), null, ct))
            {
                if (AuditLogLayout.SequenceOf(_location, key) == null) continue;
                var bytes = _store.Get(_location.Bucket, key, ct);
                if (bytes == null) continue;
                AuditEvent e;
                try { e = AuditRecordCodec.Parse(bytes, $"s3://{_location.Bucket}/{key}"); }
                catch (FinBackupException) { continue; } // Test-FinAuditLog reports it; a reader never trusts it
                if (fromUtc.HasValue && e.TimeUtc < fromUtc.Value) continue;
                if (toUtc.HasValue && e.TimeUtc > toUtc.Value) continue;
                result.Add(e);
            }
            return result;
        }

        /// <summary>Retries pending records, then writes the run's signed digest (once per run id; later calls add nothing).</summary>
        public void SignRun(string policyName, string runId, CancellationToken ct)
        {
            CheckPolicy(policyName);
            lock (_gate)
            {
                if (_pending.Count > 0) RetryPending(ct);
                if (!_runs.TryGetValue(runId, out var entries) || entries.Count == 0) return;
                var digest = new AuditRunDigest { PolicyName = _location.PolicyName, RunId = runId, CreatedUtc = UtcNow(), Records = entries.ToList() };
                if (!string.IsNullOrEmpty(_location.KmsKeyId))
                {
                    var key = _store.GenerateDataKey(_location.KmsKeyId, digest.EncryptionContext(), ct);
                    digest.KmsKeyId = key.KeyId ?? _location.KmsKeyId;
                    digest.EncryptedDataKey = Convert.ToBase64String(key.Ciphertext);
                    digest.Sign(key.Plaintext);
                    Array.Clear(key.Plaintext, 0, key.Plaintext.Length);
                }
                else
                {
                    digest.Algorithm = AuditRunDigest.NoSignature;
                }
                var body = digest.Serialize();
                var retain = RetainUntil(ct);
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        _store.PutIfAbsent(_location.Bucket, AuditLogLayout.DigestKey(_location, runId), body, _location.KmsKeyId, retain, out _, ct);
                        break;
                    }
                    catch (FinBackupException) when (attempt < MaxAttempts)
                    {
                        Sleep(TimeSpan.FromTicks(RetryDelay.Ticks * attempt), ct);
                    }
                }
                _runs.Remove(runId);
            }
        }

        private void CheckPolicy(string policyName)
        {
            if (!string.Equals(policyName, _location.PolicyName, StringComparison.Ordinal))
                throw new FinBackupException("FinAuditLogNotConfigured", FinErrorKind.InvalidArgument,
                    $"This audit log is the log of policy '{_location.PolicyName}', not '{policyName}'.", "Open the log of the policy you mean (AuditLogs.Open(policy, ...)).");
        }

        private DateTime? RetainUntil(CancellationToken ct)
        {
            if (_objectLock == null) _objectLock = _store.DescribeBucket(_location.Bucket, ct)?.ObjectLockEnabled == true;
            return _objectLock == true ? UtcNow() + _location.Retention : (DateTime?)null;
        }

        private void EnsureTail(CancellationToken ct)
        {
            if (_lastSequence.HasValue) return;
            ReadTail(ct);
        }

        /// <summary>
        /// Finds the highest stored sequence without listing the whole log: doubling HEAD probes, a binary search, then one
        /// listing after the last number found (which also sees records past a gap).
        /// </summary>
        private void ReadTail(CancellationToken ct)
        {
            long known = 0;
            if (_store.Exists(_location.Bucket, AuditLogLayout.RecordKey(_location, 1), ct))
            {
                long hi = 1;
                while (_store.Exists(_location.Bucket, AuditLogLayout.RecordKey(_location, hi * 2), ct)) hi *= 2;
                long lo = hi, missing = hi * 2;
                while (missing - lo > 1)
                {
                    var mid = lo + (missing - lo) / 2;
                    if (_store.Exists(_location.Bucket, AuditLogLayout.RecordKey(_location, mid), ct)) lo = mid; else missing = mid;
                }
                known = lo;
            }
            var after = known > 0 ? AuditLogLayout.RecordKey(_location, known) : null;
            foreach (var key in _store.ListKeys(_location.Bucket, AuditLogLayout.RecordPrefix(_location), after, ct))
            {
                var s = AuditLogLayout.SequenceOf(_location, key);
                if (s.HasValue && s.Value > known) known = s.Value;
            }
            _lastSequence = known;
            _lastHash = string.Empty;
            if (known == 0) return;
            var bytes = _store.Get(_location.Bucket, AuditLogLayout.RecordKey(_location, known), ct);
            try
            {
                var last = AuditRecordCodec.Parse(bytes, AuditLogLayout.RecordKey(_location, known));
                _lastHash = last.Hash ?? string.Empty;
            }
            catch (FinBackupException)
            {
                // The tail is unreadable (tampered): chain to the hash of its bytes so verification shows the break there.
                _lastHash = AuditRecordCodec.Sha256Hex(bytes ?? new byte[0]);
            }
        }

        private FinBackupException WriteNew(AuditEvent e, CancellationToken ct)
        {
            FinBackupException error = null;
            var conflicts = 0;
            for (var attempt = 1; attempt <= MaxAttempts;)
            {
                Chain(e, _lastSequence.Value + 1, _lastHash);
                try
                {
                    if (_store.PutIfAbsent(_location.Bucket, AuditLogLayout.RecordKey(_location, e.Sequence), AuditRecordCodec.Serialize(e), _location.KmsKeyId, RetainUntil(ct), out var requestId, ct))
                    {
                        Stored(e, null);
                        return null;
                    }
                    // Another writer claimed the number: chain after its record instead (not an attempt: nothing failed).
                    if (++conflicts > 100) throw new FinBackupException("FinAuditWriteFailed", FinErrorKind.WriteError, "The audit log's tail kept moving (100 conflicts).", "Run again.");
                    ReadTail(ct);
                }
                catch (FinBackupException ex) when (ex.ErrorId == FinErrorIds.BucketNotFound)
                {
                    throw; // no audit bucket: nothing can be written, nothing is claimed (the trail reports it once)
                }
                catch (FinBackupException ex) when (ex.ErrorId != "FinAuditWriteFailed")
                {
                    error = ex;
                    if (attempt < MaxAttempts) Sleep(TimeSpan.FromTicks(RetryDelay.Ticks * attempt), ct);
                    attempt++;
                }
            }
            // Give up for now: leave the number unclaimed (a gap), keep the record for a retry, chain the next one to it.
            _pending.Add(e);
            Stored(e, error?.ErrorId ?? "FinAuditWriteFailed");
            return error;
        }

        private void RetryPending(CancellationToken ct)
        {
            foreach (var e in _pending.ToList())
            {
                try
                {
                    if (_store.PutIfAbsent(_location.Bucket, AuditLogLayout.RecordKey(_location, e.Sequence), AuditRecordCodec.Serialize(e), _location.KmsKeyId, RetainUntil(ct), out _, ct))
                    {
                        _pending.Remove(e);
                        Stored(e, null);
                    }
                    else
                    {
                        // Someone else wrote at the gap (they did not see our later records): keep the event, re-appended late.
                        _pending.Remove(e);
                        var late = Clone(e);
                        late.Details["lateForSequence"] = e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        ReadTail(ct);
                        WriteNew(late, ct);
                    }
                }
                catch (FinBackupException)
                {
                    // still failing: stays pending
                }
            }
        }

        private void Chain(AuditEvent e, long sequence, string previousHash)
        {
            e.Sequence = sequence;
            e.PreviousHash = previousHash ?? string.Empty;
            e.Hash = AuditRecordCodec.ComputeHash(e);
        }

        private void Stored(AuditEvent e, string errorId)
        {
            if (errorId == null || e.Sequence > _lastSequence)
            {
                if (e.Sequence > _lastSequence) { _lastSequence = e.Sequence; _lastHash = e.Hash; }
            }
            var runId = e.RunId ?? string.Empty;
            if (!_runs.TryGetValue(runId, out var list)) _runs[runId] = list = new List<AuditDigestEntry>();
            list.RemoveAll(x => x.Sequence == e.Sequence);
            list.Add(new AuditDigestEntry { Sequence = e.Sequence, Hash = e.Hash, ErrorId = errorId });
        }

        private static AuditEvent Clone(AuditEvent e) => new AuditEvent
        {
            TimeUtc = e.TimeUtc, RunId = e.RunId, Actor = e.Actor, Action = e.Action, PolicyName = e.PolicyName, Application = e.Application,
            Region = e.Region, Target = e.Target, Result = e.Result, ErrorId = e.ErrorId, RequestIds = e.RequestIds.ToList(),
            Details = new Dictionary<string, string>(e.Details, StringComparer.Ordinal),
        };
    }

    /// <summary>An audit log that signs each run's records with a digest (see <see cref="AuditRunDigest"/>).</summary>
    public interface IAuditRunSigner
    {
        void SignRun(string policyName, string runId, CancellationToken cancellationToken);
    }
}
