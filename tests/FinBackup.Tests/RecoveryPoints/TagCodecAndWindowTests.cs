using FinBackup.Domain;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Tests.RecoveryPoints;

public sealed class TagCodecAndWindowTests
{
    [Fact]
    public void Encode_then_Decode_round_trips_every_lifecycle_field()
    {
        var p = new FinRecoveryPoint
        {
            Kind = RecoveryPointKind.Ami, Application = "Agent payment", PolicyName = "finco", Window = "2026-11-23T10:00:00Z",
            ResourceId = "i-0abc", ExpiresAt = new DateTime(2026, 11, 23, 22, 0, 0, DateTimeKind.Utc), SourceRecoveryPointId = "ami-1",
            SourceRegion = "us-east-1", LegalHold = true, ManagedByFinBackup = true,
            Tags = new Dictionary<string, string> { ["Name"] = "agent-payment-app-1" },
        };
        var tags = RecoveryPointTagCodec.Encode(p);
        Assert.Equal("2026-11-23T22:00:00Z", tags[FinTags.ExpiresAt]);
        Assert.Equal("FinBackup", tags[FinTags.ManagedBy]);
        Assert.Equal("Ami", tags[FinTags.Kind]);
        Assert.Equal("agent-payment-app-1", tags["Name"]);

        var back = RecoveryPointTagCodec.Decode(tags, new FinRecoveryPoint());
        Assert.Equal(p.Application, back.Application);
        Assert.Equal(p.PolicyName, back.PolicyName);
        Assert.Equal(p.Window, back.Window);
        Assert.Equal(p.ResourceId, back.ResourceId);
        Assert.Equal(p.ExpiresAt, back.ExpiresAt);
        Assert.Equal(DateTimeKind.Utc, back.ExpiresAt!.Value.Kind);
        Assert.Equal(p.SourceRecoveryPointId, back.SourceRecoveryPointId);
        Assert.Equal(p.SourceRegion, back.SourceRegion);
        Assert.True(back.LegalHold);
        Assert.True(back.ManagedByFinBackup);
    }

    [Fact]
    public void Decode_of_untagged_point_is_unmanaged_and_without_expiry()
    {
        var back = RecoveryPointTagCodec.Decode(new Dictionary<string, string> { ["Name"] = "x", [FinTags.ManagedBy] = "someone-else" }, new FinRecoveryPoint());
        Assert.False(back.ManagedByFinBackup);
        Assert.Null(back.ExpiresAt);
        Assert.False(back.LegalHold);
    }

    [Theory]
    [InlineData("2026-11-23T22:00:00Z")]
    [InlineData("2026-11-23T22:00:00.0000000Z")]
    [InlineData("2026-11-23T23:00:00+01:00")]
    public void Expiry_accepts_both_documented_formats_as_utc(string value)
    {
        Assert.Equal(new DateTime(2026, 11, 23, 22, 0, 0, DateTimeKind.Utc), RecoveryPointTagCodec.ParseTimestamp(value));
    }

    [Fact]
    public void ForCopy_adds_lineage_and_drops_legal_hold()
    {
        var src = Points.Point("snapset-1", hold: true);
        var tags = RecoveryPointTagCodec.ForCopy(src);
        Assert.Equal("snapset-1", tags[FinTags.SourceId]);
        Assert.Equal("us-east-1", tags[FinTags.SourceRegion]);
        Assert.False(tags.ContainsKey(FinTags.LegalHold));
        Assert.Equal("Cross-sell", tags[FinTags.Application]);
    }

    [Fact]
    public void Window_is_floor_of_now_over_frequency_aligned_to_the_epoch()
    {
        var w = BackupWindow.At(new DateTime(2026, 11, 23, 10, 59, 59, DateTimeKind.Utc), TimeSpan.FromHours(1));
        Assert.Equal("2026-11-23T10:00:00Z", w.Id);
        Assert.Equal(new DateTime(2026, 11, 23, 11, 0, 0, DateTimeKind.Utc), w.End);

        var half = BackupWindow.At(new DateTime(2026, 11, 23, 10, 45, 0, DateTimeKind.Utc), TimeSpan.FromMinutes(30));
        Assert.Equal("2026-11-23T10:30:00Z", half.Id);

        // 45 minutes does not divide a day: windows follow the epoch, not midnight.
        var odd = BackupWindow.At(new DateTime(2026, 11, 23, 0, 10, 0, DateTimeKind.Utc), TimeSpan.FromMinutes(45));
        var minutesSinceEpoch = (long)(odd.Start - DateTime.UnixEpoch).TotalMinutes;
        Assert.Equal(0, minutesSinceEpoch % 45);
        Assert.True(odd.Contains(new DateTime(2026, 11, 23, 0, 10, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void Window_is_due_only_when_no_point_was_taken_inside_it()
    {
        var w = BackupWindow.At(new DateTime(2026, 11, 23, 10, 20, 0, DateTimeKind.Utc), TimeSpan.FromHours(1));
        Assert.True(w.IsDue(null));
        Assert.True(w.IsDue(new DateTime(2026, 11, 23, 9, 59, 0, DateTimeKind.Utc)));
        Assert.False(w.IsDue(new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void Window_rejects_a_zero_frequency_with_a_named_error()
    {
        var ex = Assert.Throws<FinBackupException>(() => BackupWindow.At(DateTime.UtcNow, TimeSpan.Zero));
        Assert.Equal("FinWindowFrequencyInvalid", ex.ErrorId);
    }

    [Fact]
    public void Pending_limit_refuses_a_volume_with_five_pending_snapshots_and_allows_four()
    {
        PendingSnapshotLimit.Check("i-1", new[] { "vol-a", "vol-a", "vol-a", "vol-a", "vol-b" });
        var ex = Assert.Throws<FinBackupException>(() => PendingSnapshotLimit.Check("i-1", Enumerable.Repeat("vol-a", 5).Append("vol-b")));
        Assert.Equal("FinSnapshotPendingLimit", ex.ErrorId);
        Assert.Equal(FinErrorKind.LimitsExceeded, ex.Kind);
        Assert.Contains("vol-a", ex.Message);
        Assert.DoesNotContain("vol-b", ex.Message);
    }
}
