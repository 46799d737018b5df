using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Resources;

namespace FinBackup.Tests.RecoveryPoints;

/// <summary>An in-memory AWS for the recovery-point services: points per region, a fake clock, call counts.</summary>
internal sealed class FakeEstate
{
    private int _next;
    public DateTime Now { get; set; } = new(2026, 11, 23, 10, 20, 0, DateTimeKind.Utc);
    public List<FinRecoveryPoint> Points { get; } = new();
    public List<FinResource> Resources { get; } = new();
    public List<FinRecoveryPoint> Deleted { get; } = new();
    public int ListCalls, CreateCalls, CopyCalls, DeleteCalls;
    /// <summary>New points and copies start Pending and become Available after this many polls (0: at once).</summary>
    public int PendingPolls { get; set; }
    public Func<FinRecoveryPoint, FinBackupException?> FailDelete { get; set; } = _ => null;
    public Func<string, FinBackupException?> FailCreate { get; set; } = _ => null;
    public Func<string, RecoveryPointKind, FinBackupException?> FailList { get; set; } = (_, _) => null;
    public Func<FinRecoveryPoint, CopyRecoveryPointRequest, FinBackupException?> FailCopy { get; set; } = (_, _) => null;
    public int MaxConcurrentPendingCopies;
    private readonly Dictionary<FinRecoveryPoint, int> _pollsLeft = new();

    public RecoveryPointRuntime Runtime() => new(r => new Providers(this, r))
    {
        UtcNow = () => Now,
        Sleep = (t, _) => { Now += t; Tick(); },
        PollInterval = TimeSpan.FromSeconds(30),
        WaitTimeout = TimeSpan.FromHours(1),
    };

    public void Tick()
    {
        foreach (var p in _pollsLeft.Keys.ToList())
        {
            if (--_pollsLeft[p] <= 0) { p.State = RecoveryPointState.Available; _pollsLeft.Remove(p); }
        }
    }

    public FinRecoveryPoint Add(FinRecoveryPoint p) { Points.Add(p); return p; }

    private FinRecoveryPoint NewPoint(RecoveryPointKind kind, string region, IDictionary<string, string> tags, string prefix, int members)
    {
        var p = RecoveryPointTagCodec.Decode(tags, new FinRecoveryPoint
        {
            RecoveryPointId = $"{prefix}-{++_next:D6}", Kind = kind, Region = region, CreatedAt = Now,
            State = PendingPolls > 0 ? RecoveryPointState.Pending : RecoveryPointState.Available, Encrypted = true,
        });
        for (var i = 0; i < members; i++) p.SnapshotIds.Add($"snap-{_next:D6}{i}");
        if (PendingPolls > 0) _pollsLeft[p] = PendingPolls;
        Points.Add(p);
        return p;
    }

    private sealed class Providers : IRecoveryPointProviders
    {
        private readonly FakeEstate _e;
        public Providers(FakeEstate e, string region) { _e = e; Region = region; }
        public string Region { get; }
        public IReadOnlyList<IRecoveryPointProvider> All =>
            new[] { RecoveryPointKind.EbsSnapshotSet, RecoveryPointKind.Ami, RecoveryPointKind.RdsSnapshot }.Select(k => (IRecoveryPointProvider)new Provider(_e, Region, k)).ToList();
        public IRecoveryPointProvider Provider(RecoveryPointKind kind) => kind == RecoveryPointKind.FileBackup ? null! : new Provider(_e, Region, kind);
        public IRecoveryPointCreator Creator(RecoveryPointKind kind) => new Provider(_e, Region, kind);
    }

    private sealed class Provider : IRecoveryPointProvider, IRecoveryPointCreator
    {
        private readonly FakeEstate _e;
        private readonly string _region;
        public Provider(FakeEstate e, string region, RecoveryPointKind kind) { _e = e; _region = region; Kind = kind; }
        public RecoveryPointKind Kind { get; }

        public IReadOnlyList<FinRecoveryPoint> List(RecoveryPointQuery query, CancellationToken cancellationToken)
        {
            _e.ListCalls++;
            var fail = _e.FailList(_region, Kind);
            if (fail != null) throw fail;
            return _e.Points.Where(p => p.Region == _region && p.Kind == Kind && query.Matches(p)).ToList();
        }

        public FinRecoveryPoint Copy(FinRecoveryPoint source, CopyRecoveryPointRequest request, CancellationToken cancellationToken)
        {
            _e.CopyCalls++;
            if (string.IsNullOrEmpty(request.KmsKeyId)) throw new FinBackupException("FinCopyUnencryptedRefused", FinErrorKind.SecurityError, "no key");
            var fail = _e.FailCopy(source, request);
            if (fail != null) throw fail;
            var existing = _e.Points.FirstOrDefault(p => p.Region == _region && p.SourceRecoveryPointId == source.RecoveryPointId);
            if (existing != null) return existing;
            var c = _e.NewPoint(Kind, _region, request.Tags, "copy", source.SnapshotIds.Count);
            c.KmsKeyId = request.KmsKeyId;
            _e.MaxConcurrentPendingCopies = Math.Max(_e.MaxConcurrentPendingCopies,
                _e.Points.Where(p => p.Region == _region && p.IsCopy && p.State == RecoveryPointState.Pending).Sum(CopyPlanner.Cost));
            return c;
        }

        public void Delete(FinRecoveryPoint point, CancellationToken cancellationToken)
        {
            _e.DeleteCalls++;
            if (!point.ManagedByFinBackup) throw new FinBackupException("FinDeleteUnmanagedRefused", FinErrorKind.SecurityError, "unmanaged");
            var fail = _e.FailDelete(point);
            if (fail != null) throw fail;
            _e.Points.Remove(point);
            _e.Deleted.Add(point);
        }

        public FinRecoveryPoint Create(CreateRecoveryPointRequest request, CancellationToken cancellationToken)
        {
            _e.CreateCalls++;
            var fail = _e.FailCreate(request.ResourceId);
            if (fail != null) throw fail;
            return _e.NewPoint(Kind, _region, request.Tags, Kind == RecoveryPointKind.RdsSnapshot ? request.Name : "set", Kind == RecoveryPointKind.EbsSnapshotSet ? 2 : 1);
        }
    }

    public sealed class Finder : IProtectedResourceFinder
    {
        private readonly FakeEstate _e;
        public Finder(FakeEstate e) { _e = e; }
        public IReadOnlyList<FinResource> Find(string tagKey, IReadOnlyCollection<string> applications, CancellationToken cancellationToken) =>
            _e.Resources.Where(r => applications.Contains(r.Application)).ToList();
    }
}

internal static class Points
{
    public static FinRecoveryPoint Point(string id, string resource = "i-1", string region = "us-east-1", DateTime? created = null,
        DateTime? expires = null, RecoveryPointState state = RecoveryPointState.Available, bool managed = true,
        bool hold = false, string? sourceId = null, RecoveryPointKind kind = RecoveryPointKind.EbsSnapshotSet, string app = "Cross-sell") => new()
    {
        RecoveryPointId = id, ResourceId = resource, Region = region, CreatedAt = created ?? new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc),
        ExpiresAt = expires, State = state, ManagedByFinBackup = managed, LegalHold = hold, SourceRecoveryPointId = sourceId, Kind = kind,
        Application = app, PolicyName = "finco",
    };
}
