using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Tests.RecoveryPoints;

/// <summary>Issue 13 item 3: which image snapshots a cycle tags, and which it removes as left by a deregistered image.</summary>
public sealed class ImageSnapshotCensusTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc);

    private static FinRecoveryPoint Image(string id, string policy, params string[] snapshots) => new()
    {
        RecoveryPointId = id, Kind = RecoveryPointKind.Ami, PolicyName = policy, ManagedByFinBackup = true, SnapshotIds = snapshots.ToList(),
    };

    private static ImageSnapshot Snap(string id, string policy = "p", double expiredHoursAgo = 1, bool held = false) => new()
    {
        SnapshotId = id, PolicyName = policy, ExpiresAt = Now.AddHours(-expiredHoursAgo), LegalHold = held,
    };

    [Fact]
    public void An_image_with_a_snapshot_the_listing_does_not_show_as_tagged_is_named_and_one_fully_tagged_is_not()
    {
        var a = Image("ami-a", "p", "snap-1", "snap-2");
        var b = Image("ami-b", "p", "snap-3");
        var census = ImageSnapshotCensus.Of(new[] { a, b }, new[] { a, b }, new[] { Snap("snap-1", expiredHoursAgo: -5), Snap("snap-3", expiredHoursAgo: -5) }, "p", Now);
        Assert.Equal(new[] { "ami-a" }, census.ImagesWithUntaggedSnapshots.Select(i => i.RecoveryPointId));
        Assert.Empty(census.Leftovers);
    }

    [Fact]
    public void Images_made_by_this_run_and_other_policies_images_are_not_checked()
    {
        var made = Image("ami-new", "p", "snap-9");
        var other = Image("ami-other", "q", "snap-8");
        var census = ImageSnapshotCensus.Of(new[] { made, other }, new[] { other }, Array.Empty<ImageSnapshot>(), "p", Now);
        Assert.Empty(census.ImagesWithUntaggedSnapshots);
    }

    [Fact]
    public void Only_expired_unheld_snapshots_of_the_policy_that_no_listed_image_uses_are_leftovers()
    {
        var live = Image("ami-live", "p", "snap-used");
        var census = ImageSnapshotCensus.Of(new[] { live }, new[] { live }, new[]
        {
            Snap("snap-used"),                         // an image uses it (even expired): never a leftover
            Snap("snap-gone"),                         // its image is gone, expired: leftover
            Snap("snap-young", expiredHoursAgo: -2),   // not expired yet
            Snap("snap-held", held: true),             // legal hold
            Snap("snap-other", policy: "q"),           // another policy's
            new ImageSnapshot { SnapshotId = "snap-noexpiry", PolicyName = "p" },
        }, "p", Now);
        Assert.Equal(new[] { "snap-gone" }, census.Leftovers.Select(s => s.SnapshotId));
    }
}
