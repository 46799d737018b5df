using System.Text;
using FinBackup.Domain;
using FinBackup.Domain.Audit;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Tests.Audit;

public sealed class AuditTrailTests
{
    private static AuditLogLocation Location() => new() { Bucket = "fin-backup-use1", Region = "us-east-1", PolicyName = "finco", KmsKeyId = "alias/fin-backup" };

    private static ChainedAuditLog Log(InMemoryAuditRecordStore store) => new(store, Location()) { Sleep = (_, _) => { }, RetryDelay = TimeSpan.Zero };

    private static AuditTrail Run(ChainedAuditLog log, string runId, params string[] targets)
    {
        var t = new AuditTrail(log, "finco", "arn:aws:iam::123456789012:user/ops", runId) { UtcNow = () => new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc) };
        foreach (var target in targets) t.Record(AuditActions.RecoveryPointCreated, target, AuditResults.Succeeded, "Cross-sell", "us-east-1");
        t.Complete();
        return t;
    }

    private static string Key(long seq) => AuditLogLayout.RecordKey(Location(), seq);

    [Fact]
    public void Records_are_chained_numbered_from_1_signed_per_run_and_verify_clean()
    {
        var store = new InMemoryAuditRecordStore();
        Run(Log(store), "run-a", "snap-1", "snap-2");
        Run(Log(store), "run-b", "snap-3"); // a second process: finds the tail, chains after it
        var events = Log(store).Read("finco", null, null, default);
        Assert.Equal(new long[] { 1, 2, 3 }, events.Select(e => e.Sequence));
        Assert.Equal(string.Empty, events[0].PreviousHash);
        Assert.Equal(events[0].Hash, events[1].PreviousHash);
        Assert.Equal(events[1].Hash, events[2].PreviousHash);
        Assert.All(events, e => Assert.Equal(AuditRecordCodec.ComputeHash(e), e.Hash));
        Assert.Equal("arn:aws:iam::123456789012:user/ops", events[2].Actor);
        Assert.Equal(2, store.Objects.Keys.Count(k => k.Contains("/digests/")));
        var f = Assert.Single(new AuditLogVerifier(store, Location()).Verify(default));
        Assert.Equal(AuditLogProblem.None, f.Problem);
        Assert.Equal("Intact", f.Status);
    }

    [Fact]
    public void The_canonical_form_round_trips_and_is_independent_of_detail_order()
    {
        var a = new AuditEvent { Sequence = 7, TimeUtc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), Action = "RecoveryPoint.Deleted", Target = "snap-1", Details = { ["b"] = "2", ["a"] = "1 \"quoted\"\n" } };
        var b = new AuditEvent { Sequence = 7, TimeUtc = a.TimeUtc, Action = a.Action, Target = "snap-1", Details = { ["a"] = "1 \"quoted\"\n", ["b"] = "2" } };
        Assert.Equal(AuditRecordCodec.ComputeHash(a), AuditRecordCodec.ComputeHash(b));
        a.Hash = AuditRecordCodec.ComputeHash(a);
        var back = AuditRecordCodec.Parse(AuditRecordCodec.Serialize(a), "test");
        Assert.Equal(a.Hash, AuditRecordCodec.ComputeHash(back));
        Assert.Equal("1 \"quoted\"\n", back.Details["a"]);
        b.Target = "snap-2";
        Assert.NotEqual(AuditRecordCodec.ComputeHash(a), AuditRecordCodec.ComputeHash(b));
    }

    [Fact]
    public void Two_writers_never_claim_one_sequence_number()
    {
        var store = new InMemoryAuditRecordStore();
        var first = Log(store);
        var second = Log(store);
        Run(first, "run-a", "snap-1");
        Run(second, "run-b", "snap-2");        // second reads the tail: 2
        // first still believes the tail is 1: its put of 2 gets "key exists" and it moves on to 3.
        var fired = false;
        store.BeforePut = key => { if (!fired && key == Key(3)) { fired = true; Run(Log(store), "run-c", "snap-x"); } };
        Run(first, "run-d", "snap-3");
        var events = Log(store).Read("finco", null, null, default);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, events.Select(e => e.Sequence));
        Assert.Equal(events.Count, events.Select(e => e.Sequence).Distinct().Count());
        for (var i = 1; i < events.Count; i++) Assert.Equal(events[i - 1].Hash, events[i].PreviousHash);
        Assert.Equal(AuditLogProblem.None, Assert.Single(new AuditLogVerifier(store, Location()).Verify(default)).Problem);
    }

    [Fact]
    public void A_failed_write_does_not_throw_is_reported_retried_and_shows_as_a_write_gap()
    {
        var store = new InMemoryAuditRecordStore { FailPut = k => k == Key(2) };
        var log = Log(store);
        var reported = new List<FinBackupException>();
        var t = new AuditTrail(log, "finco", "ops", "run-a") { WriteFailed = reported.Add };
        t.Record(AuditActions.RecoveryPointCreated, "snap-1", AuditResults.Succeeded);
        t.Record(AuditActions.RecoveryPointCreated, "snap-2", AuditResults.Succeeded); // fails 3 times, never throws
        t.Record(AuditActions.RecoveryPointCreated, "snap-3", AuditResults.Succeeded); // retries 2 first (still failing), then 3
        t.Complete();
        Assert.Equal("FinAuditWriteFailed", Assert.Single(reported).ErrorId); // one report per record that could not be stored
        Assert.False(store.Objects.ContainsKey(Key(2)));
        Assert.True(store.Objects.ContainsKey(Key(3)));
        var f = Assert.Single(new AuditLogVerifier(store, Location()).Verify(default));
        Assert.Equal(AuditLogProblem.WriteGap, f.Problem);
        Assert.Equal(2, f.Position);
        Assert.Equal("Warning", f.Status);
        Assert.Contains("FinAwsServiceUnavailable", f.Message);

        // When S3 recovers within the run, the retry fills the gap with the original record and the chain is whole.
        var store2 = new InMemoryAuditRecordStore();
        var failing = true;
        store2.FailPut = k => failing && k == Key(2);
        var log2 = Log(store2);
        var t2 = new AuditTrail(log2, "finco", "ops", "run-b");
        t2.Record(AuditActions.RecoveryPointCreated, "snap-1", AuditResults.Succeeded);
        t2.Record(AuditActions.RecoveryPointCreated, "snap-2", AuditResults.Succeeded);
        Assert.Single(log2.Pending);
        failing = false;
        t2.Record(AuditActions.RecoveryPointCreated, "snap-3", AuditResults.Succeeded);
        t2.Complete();
        Assert.Empty(log2.Pending);
        Assert.Equal(AuditLogProblem.None, Assert.Single(new AuditLogVerifier(store2, Location()).Verify(default)).Problem);
    }

    [Fact]
    public void Records_get_compliance_retention_only_when_the_bucket_has_object_lock()
    {
        var locked = new InMemoryAuditRecordStore { ObjectLock = true };
        var log = Log(locked);
        log.UtcNow = () => new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        Run(log, "run-a", "snap-1");
        Assert.Equal(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc) + AuditLogLayout.DefaultRetention, locked.Retention[Key(1)]);
        var open = new InMemoryAuditRecordStore();
        Run(Log(open), "run-a", "snap-1");
        Assert.Null(open.Retention[Key(1)]);
    }

    [Fact]
    public void The_tail_is_found_with_a_logarithmic_number_of_probes()
    {
        var store = new InMemoryAuditRecordStore();
        var log = Log(store);
        var t = new AuditTrail(log, "finco", "ops", "run-a");
        for (var i = 0; i < 300; i++) t.Record(AuditActions.RecoveryPointCreated, "snap-" + i, AuditResults.Succeeded);
        var heads = store.Heads;
        Run(Log(store), "run-b", "snap-last");
        Assert.InRange(store.Heads - heads, 1, 2 * 9 + 2);
        Assert.Equal(301, Log(store).Read("finco", null, null, default).Last().Sequence);
    }

    private static InMemoryAuditRecordStore FiveRecords()
    {
        var store = new InMemoryAuditRecordStore();
        Run(Log(store), "run-a", "snap-1", "snap-2", "snap-3", "snap-4", "snap-5");
        return store;
    }

    private static FinAuditLogFinding Only(InMemoryAuditRecordStore store)
    {
        var findings = new AuditLogVerifier(store, Location()).Verify(default);
        return Assert.Single(findings);
    }

    [Fact]
    public void A_deleted_record_is_reported_at_its_position()
    {
        var s = FiveRecords();
        s.Objects.Remove(Key(3));
        var f = Only(s);
        Assert.Equal((AuditLogProblem.Deleted, 3L, "Failed"), (f.Problem, f.Position, f.Status));
        s = FiveRecords();
        s.Objects.Remove(Key(5)); // the last one: only the signed digest knows it existed
        f = Only(s);
        Assert.Equal((AuditLogProblem.Deleted, 5L), (f.Problem, f.Position));
    }

    [Fact]
    public void An_edited_record_is_reported_whether_or_not_its_hash_was_recomputed()
    {
        var s = FiveRecords();
        s.Objects[Key(2)] = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(s.Objects[Key(2)]).Replace("snap-2", "snap-9"));
        var f = Only(s);
        Assert.Equal((AuditLogProblem.Edited, 2L), (f.Problem, f.Position));

        s = FiveRecords();
        var e = AuditRecordCodec.Parse(s.Objects[Key(2)], "x");
        e.Target = "snap-9";
        e.Hash = AuditRecordCodec.ComputeHash(e); // a careful forger
        s.Objects[Key(2)] = AuditRecordCodec.Serialize(e);
        f = Only(s);
        Assert.Equal((AuditLogProblem.Edited, 2L), (f.Problem, f.Position));
        Assert.Contains("digest", f.Message);
    }

    [Fact]
    public void Two_swapped_records_are_one_reordered_finding()
    {
        var s = FiveRecords();
        (s.Objects[Key(2)], s.Objects[Key(4)]) = (s.Objects[Key(4)], s.Objects[Key(2)]);
        var f = Only(s);
        Assert.Equal((AuditLogProblem.Reordered, 2L), (f.Problem, f.Position));
        Assert.Contains("2 and 4", f.Message);
    }

    [Fact]
    public void An_inserted_record_with_a_valid_chain_is_caught_by_the_digest()
    {
        var s = FiveRecords();
        var last = AuditRecordCodec.Parse(s.Objects[Key(5)], "x");
        var forged = AuditRecordCodec.Parse(s.Objects[Key(5)], "x");
        forged.Sequence = 6; forged.Target = "snap-forged"; forged.PreviousHash = last.Hash;
        forged.Hash = AuditRecordCodec.ComputeHash(forged);
        s.Objects[Key(6)] = AuditRecordCodec.Serialize(forged);
        var f = Only(s);
        Assert.Equal((AuditLogProblem.Inserted, 6L), (f.Problem, f.Position));
    }

    [Fact]
    public void A_forged_digest_does_not_verify()
    {
        var s = FiveRecords();
        var key = s.Objects.Keys.Single(k => k.Contains("/digests/"));
        var d = AuditRunDigest.Parse(s.Objects[key], key);
        d.Records.RemoveAll(r => r.Sequence == 3); // hide a deletion
        d.Sign(new byte[32]);                        // without the KMS data key
        s.Objects[key] = d.Serialize();
        s.Objects.Remove(Key(3));
        var findings = new AuditLogVerifier(s, Location()).Verify(default);
        Assert.Contains(findings, x => x.Problem == AuditLogProblem.DigestInvalid);
        Assert.Contains(findings, x => x.Problem == AuditLogProblem.Deleted && x.Position == 3);
    }

    [Fact]
    public void Expiry_and_manual_removal_record_the_details_compliance_reads()
    {
        var store = new InMemoryAuditRecordStore();
        var log = Log(store);
        var trail = new AuditTrail(log, "finco", "ops", "run-a");
        var point = new FinRecoveryPoint
        {
            RecoveryPointId = "snap-1", Kind = RecoveryPointKind.EbsSnapshotSet, Region = "us-east-1", Application = "Cross-sell",
            CreatedAt = new DateTime(2026, 12, 1, 1, 0, 0, DateTimeKind.Utc), ExpiresAt = new DateTime(2026, 12, 1, 13, 0, 0, DateTimeKind.Utc),
        };
        trail.RecordPoint(AuditActions.RecoveryPointDeleted, point, extra: new Dictionary<string, string> { [AuditDetailKeys.DeleteReason] = "Expired" });
        var e = Assert.Single(log.Read("finco", null, null, default));
        Assert.Equal("EbsSnapshotSet", e.Details[AuditDetailKeys.Kind]);
        Assert.Equal("2026-12-01T01:00:00Z", e.Details[AuditDetailKeys.CreatedAt]);
        Assert.Equal("2026-12-01T13:00:00Z", e.Details[AuditDetailKeys.ExpiresAt]);
        Assert.Equal("false", e.Details[AuditDetailKeys.LegalHold]);
        Assert.Equal("Expired", e.Details[AuditDetailKeys.DeleteReason]);
        Assert.Equal("Cross-sell", e.Application);
    }
}
