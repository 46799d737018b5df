using System;
using System.IO;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using FinBackup.Domain.Files;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Unattended;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>
    /// The cycle's verification (the policy's Verification table): every run, the newest available point of each resource
    /// and kind in every region is checked for existence and structure (what Test-FinRecoveryPoint checks); every
    /// ReadDataEvery, file backups are also read and hashed for SamplePercent of their files. Findings go to the cycle
    /// summary (Verified, VerificationFailed, DataVerified, Checks), a point that failed its check no longer counts for the
    /// RPO, each failed check is an error record (FinRecoveryPointVerificationFailed), and the findings are written to the
    /// region's backup bucket under <c>verification/&lt;policy&gt;/&lt;application&gt;/</c> for compliance: <c>latest.json</c>
    /// every run, <c>data-read.json</c> when data was read (its LastModified is the schedule's clock: nothing is kept locally).
    /// </summary>
    public sealed class CycleVerification
    {
        public const string Prefix = "verification/";
        public const string LatestName = "latest.json";
        public const string DataReadName = "data-read.json";

        private readonly Func<string, IRecoveryPointVerifiers> _verifiers;
        private readonly Func<string, IFileBackupStore> _stores;

        /// <param name="verifiers">The verifiers of a region (Session.Get&lt;IRecoveryPointVerifiers&gt;).</param>
        /// <param name="stores">The backup bucket store of a region, for the findings and the data-read schedule (null: findings are not written, data is read every run that ReadDataEvery allows).</param>
        public CycleVerification(Func<string, IRecoveryPointVerifiers> verifiers, Func<string, IFileBackupStore> stores = null)
        {
            _verifiers = verifiers ?? throw new ArgumentNullException(nameof(verifiers));
            _stores = stores;
        }

        /// <summary>Seed for the data sample (tests); null = random.</summary>
        public int? Seed { get; set; }

        /// <summary>Where an application's findings live in a bucket: verification/&lt;policy-slug&gt;/&lt;application-slug&gt;/.</summary>
        public static string ApplicationPrefix(string policyName, string application) =>
            Prefix + FileBackupLayout.Slug(policyName) + "/" + FileBackupLayout.Slug(application) + "/";

        /// <summary>The points checked every run: per region, application, kind and resource (host for file backups), the newest available one.</summary>
        public static IReadOnlyList<FinRecoveryPoint> NewestPoints(IEnumerable<FinRecoveryPoint> points) =>
            points.Where(p => p != null && p.State == RecoveryPointState.Available && !string.IsNullOrEmpty(p.RecoveryPointId))
                .GroupBy(p => (Region: (p.Region ?? string.Empty).ToLowerInvariant(), App: (p.Application ?? string.Empty).ToLowerInvariant(), p.Kind, Res: (p.ResourceId ?? string.Empty).ToLowerInvariant()))
                .Select(g => g.OrderByDescending(p => p.CreatedAt).ThenBy(p => p.RecoveryPointId, StringComparer.Ordinal).First())
                .OrderBy(p => p.Region, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Application, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Kind).ThenBy(p => p.ResourceId, StringComparer.OrdinalIgnoreCase)
                .ToList();

        /// <summary>Whether data is due: never read, or read at least <paramref name="every"/> before <paramref name="now"/>.</summary>
        public static bool DataDue(DateTime? lastRead, TimeSpan? every, DateTime now) =>
            every.HasValue && every.Value > TimeSpan.Zero && (!lastRead.HasValue || now - lastRead.Value >= every.Value);

        /// <summary>
        /// Checks the newest points of the policy's applications, fills the summaries and reports failed checks through
        /// <paramref name="fail"/>. Returns the ids (region|id) of points that failed their check.
        /// </summary>
        public ISet<string> Run(BackupPolicy policy, IEnumerable<FinRecoveryPoint> points, IDictionary<string, FinBackupCycleSummary> summaries,
            Action<string, FinBackupException, object> fail, Action<string, string> warn, DateTime now, CancellationToken ct)
        {
            var failedPoints = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var settings = policy.Verification ?? new VerificationPolicy();
            if (!settings.Enabled) return failedPoints;
            var newest = NewestPoints(points.Where(p => p.Application != null && summaries.ContainsKey(p.Application)));
            var dataDue = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
            var dataRead = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var checksByAppRegion = new Dictionary<string, List<FinRecoveryPointCheck>>(StringComparer.OrdinalIgnoreCase);
            var verifiersByRegion = new Dictionary<string, IRecoveryPointVerifiers>(StringComparer.OrdinalIgnoreCase);
            foreach (var point in newest)
            {
                ct.ThrowIfCancellationRequested();
                var s = summaries[point.Application];
                var region = point.Region;
                var readData = false;
                if (point.Kind == RecoveryPointKind.FileBackup && settings.ReadDataEvery.HasValue)
                {
                    var key = region + "|" + point.Application;
                    if (!dataDue.TryGetValue(key, out readData))
                    {
                        readData = DataDue(LastDataRead(policy, point.Application, region, ct), settings.ReadDataEvery, now);
                        dataDue[key] = readData;
                    }
                }
                try
                {
                    if (!verifiersByRegion.TryGetValue(region, out var verifiers)) verifiersByRegion[region] = verifiers = _verifiers(region);
                    var check = RecoveryPointChecker.Check(point, verifiers?.Verifier(point.Kind),
                        new RecoveryPointCheckOptions { ReadData = readData, SamplePercent = settings.SamplePercent, Seed = Seed, MaxProblems = 20 }, ct, () => now);
                    s.Checks.Add(check);
                    var groupKey = region + "|" + point.Application;
                    if (!checksByAppRegion.TryGetValue(groupKey, out var list)) checksByAppRegion[groupKey] = list = new List<FinRecoveryPointCheck>();
                    list.Add(check);
                    if (check.Status == FinRecoveryPointCheck.NotChecked) continue;
                    if (check.DataRead) { s.DataVerified++; dataRead.Add(groupKey); }
                    if (check.Status == FinRecoveryPointCheck.Passed) { s.Verified++; continue; }
                    s.VerificationFailed++;
                    failedPoints.Add(region + "|" + point.RecoveryPointId);
                    foreach (var problem in check.Problems) s.VerificationProblems.Add($"{point.Kind} {point.RecoveryPointId} ({region}): {problem}");
                    fail(point.Application, new FinBackupException(FinErrorIds.RecoveryPointVerificationFailed, FinErrorKind.InvalidData,
                        $"{point.Kind} {point.RecoveryPointId} of {point.ResourceId} ({point.Application}, {region}) failed its check: {check.ProblemCount} problem(s), e.g. {check.Problems.FirstOrDefault()}",
                        "Do not restore from this point. Run Test-FinRecoveryPoint on it for every problem; the next cycle takes a new point in the next window."), point);
                }
                catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
                {
                    // A failure to ask (throttling, access denied): nothing is known about the point; it still counts for the RPO.
                    s.VerificationErrors++;
                    warn(point.Application, $"{point.Kind} {point.RecoveryPointId} ({region}) could not be verified this run: {FinBackupException.From(ex, "Verifying " + point.RecoveryPointId).Message}");
                }
            }
            WriteFindings(policy, checksByAppRegion, dataRead, now, warn, ct);
            return failedPoints;
        }

        private DateTime? LastDataRead(BackupPolicy policy, string application, string region, CancellationToken ct)
        {
            var bucket = BucketOf(policy, region);
            if (_stores == null || bucket == null) return null;
            try
            {
                var key = ApplicationPrefix(policy.Name, application) + DataReadName;
                return _stores(region).List(bucket, ApplicationPrefix(policy.Name, application), ct).Where(o => o.Key == key).Select(o => (DateTime?)o.LastModified.ToUniversalTime()).FirstOrDefault();
            }
            catch (FinBackupException)
            {
                return null; // unknown: read the sample (the safe side)
            }
        }

        private void WriteFindings(BackupPolicy policy, Dictionary<string, List<FinRecoveryPointCheck>> checks, ISet<string> dataRead, DateTime now, Action<string, string> warn, CancellationToken ct)
        {
            if (_stores == null) return;
            foreach (var entry in checks)
            {
                var sep = entry.Key.IndexOf('|');
                var region = entry.Key.Substring(0, sep);
                var app = entry.Key.Substring(sep + 1);
                var bucket = BucketOf(policy, region);
                if (bucket == null) continue;
                var text = FindingsJson(policy.Name, app, region, now, entry.Value);
                var bytes = Encoding.UTF8.GetBytes(text);
                byte[] sha;
                using (var h = SHA256.Create()) sha = h.ComputeHash(bytes);
                var options = new ObjectWriteOptions { KmsKeyId = policy.KmsKeys != null && policy.KmsKeys.TryGetValue(region, out var k) ? k : null };
                try
                {
                    var store = _stores(region);
                    var prefix = ApplicationPrefix(policy.Name, app);
                    using (var body = new MemoryStream(bytes, false)) store.PutContent(bucket, prefix + LatestName, body, bytes.Length, sha, options, ct);
                    if (dataRead.Contains(entry.Key))
                    {
                        using (var body = new MemoryStream(bytes, false)) store.PutContent(bucket, prefix + DataReadName, body, bytes.Length, sha, options, ct);
                    }
                }
                catch (FinBackupException ex)
                {
                    warn(app, $"The verification findings of {app} were not written to s3://{bucket}/{ApplicationPrefix(policy.Name, app)} ({ex.ErrorId}): {ex.Message}");
                }
            }
        }

        private static string BucketOf(BackupPolicy policy, string region) =>
            policy.Buckets != null && region != null && policy.Buckets.TryGetValue(region, out var b) && !string.IsNullOrEmpty(b) ? b : null;

        /// <summary>The findings document: plain JSON, one entry per point checked.</summary>
        public static string FindingsJson(string policyName, string application, string region, DateTime checkedAt, IEnumerable<FinRecoveryPointCheck> checks)
        {
            var items = checks.Select(c => (object)new List<KeyValuePair<string, object>>
            {
                new KeyValuePair<string, object>("recoveryPointId", c.RecoveryPointId),
                new KeyValuePair<string, object>("kind", c.Kind),
                new KeyValuePair<string, object>("status", c.Status),
                new KeyValuePair<string, object>("objectsChecked", c.ObjectsChecked),
                new KeyValuePair<string, object>("dataRead", c.DataRead),
                new KeyValuePair<string, object>("filesRead", c.FilesRead),
                new KeyValuePair<string, object>("problemCount", c.ProblemCount),
                new KeyValuePair<string, object>("problems", c.Status == FinRecoveryPointCheck.Failed ? c.Problems.Cast<object>().ToList() : new List<object>()),
            }).ToList();
            return CanonicalJson.Write(new List<KeyValuePair<string, object>>
            {
                new KeyValuePair<string, object>("policy", policyName),
                new KeyValuePair<string, object>("application", application),
                new KeyValuePair<string, object>("region", region),
                new KeyValuePair<string, object>("checkedAt", checkedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
                new KeyValuePair<string, object>("checks", items),
            });
        }
    }
}
