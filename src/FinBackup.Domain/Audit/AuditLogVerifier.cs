using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Ports;

namespace FinBackup.Domain.Audit
{
    /// <summary>What is wrong at a position of the audit log.</summary>
    public enum AuditLogProblem
    {
        /// <summary>No problem: the log is intact (the one finding of a clean log).</summary>
        None,
        /// <summary>A record that was written is gone (its position is empty, or the digest lists more than is stored).</summary>
        Deleted,
        /// <summary>A record's content no longer matches its hash, or its hash no longer matches its run's signed digest.</summary>
        Edited,
        /// <summary>A record no signed digest of its run lists.</summary>
        Inserted,
        /// <summary>Records stored at each other's positions.</summary>
        Reordered,
        /// <summary>A record whose previous-hash does not match the record before it (and nothing else explains it).</summary>
        ChainBroken,
        /// <summary>A position FinBackup could not write (the run's digest lists the write failure): a known gap.</summary>
        WriteGap,
        /// <summary>A record of a run that has no digest (the run ended before signing, or the digest is gone).</summary>
        Unsigned,
        /// <summary>A digest whose signature does not verify (or whose data key KMS will not decrypt).</summary>
        DigestInvalid,
    }

    /// <summary>One finding of Test-FinAuditLog: one problem at one position.</summary>
    public sealed class FinAuditLogFinding
    {
        public string PolicyName { get; set; }
        /// <summary>Position (sequence number) in the log; 0 for a finding about a digest.</summary>
        public long Position { get; set; }
        public AuditLogProblem Problem { get; set; }
        /// <summary>Intact, Warning (unsigned, write gap) or Failed (tampering).</summary>
        public string Status { get; set; }
        public string RunId { get; set; }
        /// <summary>The S3 key the finding is about.</summary>
        public string Key { get; set; }
        public string Message { get; set; }
        /// <summary>The log's location (s3://bucket/prefix).</summary>
        public string Log { get; set; }
        public override string ToString() => $"{Problem} at {Position}: {Message}";
    }

    /// <summary>
    /// Test-FinAuditLog's check: reads every record object and every run digest of a policy's log and reports each
    /// problem once, at its position: deleted (an empty position, or positions a digest lists past the end), edited (bytes
    /// that no longer hash to the record's hash, or a hash its signed digest does not list), inserted (a record no signed
    /// digest of its run lists), reordered (two records at each other's positions), a broken chain, and known write gaps.
    /// </summary>
    public sealed class AuditLogVerifier
    {
        private readonly IAuditRecordStore _store;
        private readonly AuditLogLocation _location;

        public AuditLogVerifier(IAuditRecordStore store, AuditLogLocation location)
        {
            _store = store ?? throw new ArgumentNullException(nameof(store));
            _location = location ?? throw new ArgumentNullException(nameof(location));
        }

        private sealed class Slot
        {
            public long Position;
            public string Key;
            public byte[] Bytes;
            public AuditEvent Record;
            public bool HashValid;
            public bool Flagged;
        }

        public IReadOnlyList<FinAuditLogFinding> Verify(CancellationToken ct)
        {
            var findings = new List<FinAuditLogFinding>();
            var slots = new SortedDictionary<long, Slot>();
            foreach (var key in _store.ListKeys(_location.Bucket, AuditLogLayout.RecordPrefix(_location), null, ct))
            {
                var pos = AuditLogLayout.SequenceOf(_location, key);
                if (pos == null)
                {
                    findings.Add(Finding(0, AuditLogProblem.Inserted, null, key, $"{key} is not a record key of this log (records are <12-digit sequence>.json)."));
                    continue;
                }
                var slot = new Slot { Position = pos.Value, Key = key, Bytes = _store.Get(_location.Bucket, key, ct) };
                try
                {
                    slot.Record = AuditRecordCodec.Parse(slot.Bytes, $"s3://{_location.Bucket}/{key}");
                    slot.HashValid = string.Equals(AuditRecordCodec.ComputeHash(slot.Record), slot.Record.Hash, StringComparison.Ordinal);
                }
                catch (FinBackupException) { slot.Record = null; }
                slots[pos.Value] = slot;
            }

            // Signed digests: sequence -> (hash, run, error) for every digest whose signature verifies.
            var signed = new Dictionary<long, Tuple<AuditDigestEntry, AuditRunDigest>>();
            var runsWithDigest = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in _store.ListKeys(_location.Bucket, AuditLogLayout.DigestPrefix(_location), null, ct))
            {
                AuditRunDigest digest;
                try { digest = AuditRunDigest.Parse(_store.Get(_location.Bucket, key, ct), key); }
                catch (FinBackupException ex)
                {
                    findings.Add(Finding(0, AuditLogProblem.DigestInvalid, null, key, ex.Message));
                    continue;
                }
                string why = VerifySignature(digest, ct);
                if (why != null)
                {
                    findings.Add(Finding(digest.Records.Count > 0 ? digest.Records.Min(r => r.Sequence) : 0, AuditLogProblem.DigestInvalid, digest.RunId, key,
                        $"The digest of run {digest.RunId} does not verify: {why}. Its records count as unsigned."));
                    continue;
                }
                runsWithDigest.Add(digest.RunId ?? string.Empty);
                foreach (var r in digest.Records) signed[r.Sequence] = Tuple.Create(r, digest);
            }

            var max = Math.Max(slots.Count > 0 ? slots.Keys.Max() : 0, signed.Count > 0 ? signed.Keys.Max() : 0);

            // Reordered: a readable, self-consistent record stored at another record's position.
            var misplaced = slots.Values.Where(s => s.Record != null && s.HashValid && s.Record.Sequence != s.Position).ToDictionary(s => s.Position);
            foreach (var s in misplaced.Values.OrderBy(s => s.Position))
            {
                if (s.Flagged) continue;
                s.Flagged = true;
                var other = misplaced.TryGetValue(s.Record.Sequence, out var o) && o.Record.Sequence == s.Position ? o : null;
                if (other != null)
                {
                    other.Flagged = true;
                    findings.Add(Finding(s.Position, AuditLogProblem.Reordered, s.Record.RunId, s.Key,
                        $"Records {s.Position} and {other.Position} are stored at each other's positions."));
                }
                else
                {
                    findings.Add(Finding(s.Position, AuditLogProblem.Reordered, s.Record.RunId, s.Key,
                        $"Position {s.Position} holds record {s.Record.Sequence} (moved from its place)."));
                }
            }

            for (long p = 1; p <= max; p++)
            {
                signed.TryGetValue(p, out var sig);
                if (!slots.TryGetValue(p, out var slot))
                {
                    if (sig != null && sig.Item1.ErrorId != null)
                        findings.Add(Finding(p, AuditLogProblem.WriteGap, sig.Item2.RunId, AuditLogLayout.RecordKey(_location, p),
                            $"Record {p} of run {sig.Item2.RunId} was never stored: the write failed ({sig.Item1.ErrorId}). The change it records went ahead; this is a known gap, not tampering."));
                    else
                        findings.Add(Finding(p, AuditLogProblem.Deleted, sig?.Item2.RunId, AuditLogLayout.RecordKey(_location, p),
                            sig != null ? $"Record {p} of run {sig.Item2.RunId} was written (its signed digest lists it) and is gone." : $"Position {p} is empty: the record there was deleted."));
                    continue;
                }
                if (slot.Flagged) continue;
                if (slot.Record == null || !slot.HashValid)
                {
                    slot.Flagged = true;
                    findings.Add(Finding(p, AuditLogProblem.Edited, slot.Record?.RunId, slot.Key,
                        slot.Record == null ? $"Record {p} is not readable as an audit record any more." : $"Record {p}'s content does not match its SHA-256: it was changed after it was written."));
                    continue;
                }
                if (sig != null && sig.Item1.ErrorId == null && !string.Equals(sig.Item1.Hash, slot.Record.Hash, StringComparison.Ordinal))
                {
                    slot.Flagged = true;
                    findings.Add(Finding(p, AuditLogProblem.Edited, slot.Record.RunId, slot.Key,
                        $"Record {p} was rewritten with a new hash: run {sig.Item2.RunId}'s signed digest has another SHA-256 for it."));
                    continue;
                }
                if (sig == null || !string.Equals(sig.Item1.Hash, slot.Record.Hash, StringComparison.Ordinal))
                {
                    if (runsWithDigest.Contains(slot.Record.RunId ?? string.Empty))
                    {
                        slot.Flagged = true;
                        findings.Add(Finding(p, AuditLogProblem.Inserted, slot.Record.RunId, slot.Key,
                            $"Record {p} ({slot.Record.Action} {slot.Record.Target}) is listed by no signed run digest: it was added to the log by something other than FinBackup."));
                        continue;
                    }
                    findings.Add(Finding(p, AuditLogProblem.Unsigned, slot.Record.RunId, slot.Key,
                        $"Record {p} belongs to run {slot.Record.RunId}, which has no signed digest (the run may still be going, or ended before it signed)."));
                }
                // The chain: compare with the record before, unless that position already has its own finding.
                if (p > 1 && slots.TryGetValue(p - 1, out var before) && !before.Flagged && before.Record != null &&
                    !string.Equals(slot.Record.PreviousHash, before.Record.Hash, StringComparison.Ordinal))
                {
                    var gapBefore = signed.TryGetValue(p - 1, out var bs) && bs.Item1.ErrorId != null;
                    if (!gapBefore)
                    {
                        slot.Flagged = true;
                        findings.Add(Finding(p, AuditLogProblem.ChainBroken, slot.Record.RunId, slot.Key,
                            $"Record {p}'s previous-hash does not match record {p - 1}: a record between them was removed or replaced."));
                    }
                }
            }

            if (findings.Count == 0)
                findings.Add(new FinAuditLogFinding
                {
                    PolicyName = _location.PolicyName, Position = max, Problem = AuditLogProblem.None, Status = "Intact", Log = _location.ToString(),
                    Message = $"{slots.Count} record(s), chain and {runsWithDigest.Count} signed run digest(s) intact.",
                });
            return findings.OrderBy(f => f.Position).ThenBy(f => f.Problem).ToList();
        }

        private string VerifySignature(AuditRunDigest digest, CancellationToken ct)
        {
            if (!string.Equals(digest.PolicyName, _location.PolicyName, StringComparison.Ordinal)) return $"it names policy '{digest.PolicyName}'";
            if (digest.Algorithm == AuditRunDigest.NoSignature) return "it is not signed (the policy has no KMS key for the audit region)";
            if (digest.Algorithm != AuditRunDigest.Hmac || string.IsNullOrEmpty(digest.EncryptedDataKey)) return $"unknown algorithm '{digest.Algorithm}'";
            byte[] key;
            try { key = _store.DecryptDataKey(Convert.FromBase64String(digest.EncryptedDataKey), digest.EncryptionContext(), ct); }
            catch (FormatException) { return "its data key is not base64"; }
            catch (FinBackupException ex) { return "KMS did not decrypt its data key (" + ex.ErrorId + ": " + ex.Message + ")"; }
            try { return digest.Verify(key) ? null : "the HMAC-SHA256 signature does not match its content"; }
            finally { Array.Clear(key, 0, key.Length); }
        }

        private FinAuditLogFinding Finding(long position, AuditLogProblem problem, string runId, string key, string message) => new FinAuditLogFinding
        {
            PolicyName = _location.PolicyName, Position = position, Problem = problem, RunId = runId, Key = key, Message = message, Log = _location.ToString(),
            Status = problem == AuditLogProblem.None ? "Intact" : problem == AuditLogProblem.Unsigned || problem == AuditLogProblem.WriteGap ? "Warning" : "Failed",
        };
    }
}
