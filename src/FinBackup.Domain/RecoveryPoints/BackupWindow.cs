using System;
using System.Globalization;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>
    /// A policy window: the frequency-long slot of time, aligned to the UTC epoch, that one recovery point per resource
    /// and kind belongs to. Its id (the UTC start, yyyy-MM-ddTHH:mm:ssZ) is the fin:window tag that makes taking a point
    /// idempotent: a second run in the same window finds the point by that tag.
    /// </summary>
    public sealed class BackupWindow : IEquatable<BackupWindow>
    {
        private BackupWindow(DateTime start, TimeSpan frequency)
        {
            Start = start;
            Frequency = frequency;
        }

        public DateTime Start { get; }
        public TimeSpan Frequency { get; }
        public DateTime End => Start + Frequency;
        public string Id => RecoveryPointTagCodec.FormatTimestamp(Start);

        /// <summary>The window containing <paramref name="utcNow"/>: start = floor(now / frequency) * frequency since the epoch.</summary>
        public static BackupWindow At(DateTime utcNow, TimeSpan frequency)
        {
            if (frequency <= TimeSpan.Zero)
                throw new FinBackupException("FinWindowFrequencyInvalid", FinErrorKind.InvalidArgument,
                    $"A backup frequency must be positive; got {frequency}.", "Give the application a Frequency such as '01:00:00' in the policy.");
            if (frequency.Ticks % TimeSpan.TicksPerSecond != 0)
                throw new FinBackupException("FinWindowFrequencyInvalid", FinErrorKind.InvalidArgument,
                    $"A backup frequency must be a whole number of seconds; got {frequency}.", "Round the policy Frequency to seconds.");
            var utc = utcNow.Kind == DateTimeKind.Local ? utcNow.ToUniversalTime() : utcNow;
            var relative = utc.Ticks - UnixEpochTicks;
            var slots = relative / frequency.Ticks;
            if (relative < 0 && relative % frequency.Ticks != 0) slots--;
            var ticks = slots * frequency.Ticks + UnixEpochTicks;
            return new BackupWindow(new DateTime(ticks, DateTimeKind.Utc), frequency);
        }

        public bool Contains(DateTime utc) => utc >= Start && utc < End;

        /// <summary>
        /// Whether a new point is due: none of <paramref name="lastPointCreatedAt"/> lies inside this window.
        /// </summary>
        public bool IsDue(DateTime? lastPointCreatedAt) => !lastPointCreatedAt.HasValue || lastPointCreatedAt.Value < Start;

        public static string FormatId(DateTime start) => start.ToString(RecoveryPointTagCodec.TimestampFormat, CultureInfo.InvariantCulture);

        private static readonly long UnixEpochTicks = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

        public bool Equals(BackupWindow other) => other != null && other.Start == Start && other.Frequency == Frequency;
        public override bool Equals(object obj) => Equals(obj as BackupWindow);
        public override int GetHashCode() => Start.GetHashCode() ^ Frequency.GetHashCode();
        public override string ToString() => Id;
    }
}
