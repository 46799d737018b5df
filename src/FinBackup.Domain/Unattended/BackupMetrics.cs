using System;
using System.Collections.Generic;
using FinBackup.Domain.Files;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Unattended
{
    /// <summary>One CloudWatch datum: name, dimensions (in order), value and unit ("Seconds", "Count", "Bytes").</summary>
    public sealed class MetricDatum
    {
        public string MetricName { get; set; }
        public IList<KeyValuePair<string, string>> Dimensions { get; set; } = new List<KeyValuePair<string, string>>();
        public double Value { get; set; }
        public string Unit { get; set; }
        public DateTime Timestamp { get; set; }
        public override string ToString() => $"{MetricName}={Value} {Unit}";
    }

    /// <summary>
    /// The metrics of a finished cycle or file backup, per application and region (namespace FinBackup by default):
    /// CurrentRpoSeconds (age of the newest available point; per region; absent when there is none, which the alarm
    /// treats as breaching), PointsTaken, PointsFailed, CopyLagSeconds (DR RPO minus primary RPO), DurationSeconds,
    /// and for file backups BytesUploaded, with a FileSet dimension so a file set never hides a failing snapshot cycle.
    /// </summary>
    public static class BackupMetrics
    {
        public const string CurrentRpo = "CurrentRpoSeconds";
        public const string PointsTaken = "PointsTaken";
        public const string PointsFailed = "PointsFailed";
        public const string CopyLag = "CopyLagSeconds";
        public const string BytesUploaded = "BytesUploaded";
        public const string Duration = "DurationSeconds";

        public static IList<MetricDatum> ForCycle(FinBackupCycleSummary s, BackupPolicy policy, DateTime utcNow)
        {
            var list = new List<MetricDatum>();
            if (s == null || string.IsNullOrEmpty(s.Application)) return list;
            var primary = policy?.PrimaryRegion;
            foreach (var kv in s.RpoAchieved)
            {
                if (kv.Value.HasValue) list.Add(D(CurrentRpo, s.Application, kv.Key, null, kv.Value.Value.TotalSeconds, "Seconds", utcNow));
            }
            if (!string.IsNullOrEmpty(primary))
            {
                list.Add(D(PointsTaken, s.Application, primary, null, s.Taken, "Count", utcNow));
                list.Add(D(PointsFailed, s.Application, primary, null, s.Failed, "Count", utcNow));
                list.Add(D(Duration, s.Application, primary, null, s.Duration.TotalSeconds, "Seconds", utcNow));
            }
            if (s.PrimaryRpo.HasValue && s.DrRpo.HasValue && !string.IsNullOrEmpty(policy?.DrRegion))
            {
                var lag = Math.Max(0, (s.DrRpo.Value - s.PrimaryRpo.Value).TotalSeconds);
                list.Add(D(CopyLag, s.Application, policy.DrRegion, null, lag, "Seconds", utcNow));
            }
            return list;
        }

        /// <summary>A file backup: the point just written is the newest (its age at completion is the current RPO of the file set).</summary>
        public static IList<MetricDatum> ForFileBackup(FileBackupSummary s, string fileSet, DateTime? pointCreatedAt, bool failed, DateTime utcNow)
        {
            var list = new List<MetricDatum>();
            if (s == null || string.IsNullOrEmpty(s.Application)) return list;
            var set = string.IsNullOrEmpty(fileSet) ? "(paths)" : fileSet;
            if (pointCreatedAt.HasValue)
                list.Add(D(CurrentRpo, s.Application, s.Region, set, Math.Max(0, (utcNow - pointCreatedAt.Value).TotalSeconds), "Seconds", utcNow));
            list.Add(D(PointsTaken, s.Application, s.Region, set, failed ? 0 : 1, "Count", utcNow));
            list.Add(D(PointsFailed, s.Application, s.Region, set, failed ? 1 : 0, "Count", utcNow));
            list.Add(D(BytesUploaded, s.Application, s.Region, set, s.BytesUploaded, "Bytes", utcNow));
            list.Add(D(Duration, s.Application, s.Region, set, s.Duration.TotalSeconds, "Seconds", utcNow));
            return list;
        }

        private static MetricDatum D(string name, string app, string region, string fileSet, double value, string unit, DateTime ts)
        {
            var d = new MetricDatum { MetricName = name, Value = value, Unit = unit, Timestamp = ts };
            d.Dimensions.Add(new KeyValuePair<string, string>("Application", app));
            d.Dimensions.Add(new KeyValuePair<string, string>("Region", region ?? "unknown"));
            if (fileSet != null) d.Dimensions.Add(new KeyValuePair<string, string>("FileSet", fileSet));
            return d;
        }
    }
}
