using System;
using System.Globalization;

namespace FinBackup.Domain.Unattended
{
    /// <summary>
    /// The EventBridge Scheduler expression (UTC) that fires once per policy window, <c>offset</c> after the window
    /// starts. Windows are aligned to the UTC epoch (BackupWindow), so:
    /// <list type="bullet">
    /// <item>a frequency that divides an hour (30m, 60m) is a cron minute list: <c>cron(5/30 * * * ? *)</c>;</item>
    /// <item>a whole number of hours that divides a day (2h, 12h, 24h) is a cron hour list: <c>cron(5 0/12 * * ? *)</c>;</item>
    /// <item>anything else (45m: the windows start at 00:00, 00:45, 01:30, 02:15, ...; no single cron expression
    /// lists that) is <c>rate(45 minutes)</c> with a StartDate on a window boundary plus the offset, which fixes the
    /// phase: every later run is exactly one frequency after the previous one, so each lands in its own window.</item>
    /// </list>
    /// Cron is preferred where it can say it because it does not depend on the StartDate being kept.
    /// </summary>
    public static class ScheduleExpressions
    {
        private static readonly DateTime Epoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>The expression; <paramref name="anchored"/> is true for rate() (the schedule then needs <see cref="NextStart"/>).</summary>
        public static string For(TimeSpan frequency, TimeSpan offset, out bool anchored)
        {
            Check(frequency, offset);
            var minutes = (long)frequency.TotalMinutes;
            var offMin = (long)offset.TotalMinutes;
            anchored = false;
            if (minutes < 60 && 60 % minutes == 0)
                return minutes == 1 ? "cron(* * * * ? *)" : $"cron({offMin}/{minutes} * * * ? *)";
            if (minutes == 60)
                return $"cron({offMin} * * * ? *)";
            if (minutes % 60 == 0 && 1440 % minutes == 0)
            {
                var hours = minutes / 60;
                return hours == 24 ? $"cron({offMin} 0 * * ? *)" : $"cron({offMin} 0/{hours} * * ? *)";
            }
            anchored = true;
            if (minutes % 1440 == 0) return Rate(minutes / 1440, "day");
            if (minutes % 60 == 0) return Rate(minutes / 60, "hour");
            return Rate(minutes, "minute");
        }

        /// <summary>The first window boundary plus offset that is at least <paramref name="minimumLead"/> after <paramref name="utcNow"/>.</summary>
        public static DateTime NextStart(DateTime utcNow, TimeSpan frequency, TimeSpan offset, TimeSpan minimumLead)
        {
            var earliest = utcNow + minimumLead;
            var slots = (earliest - offset - Epoch).Ticks / frequency.Ticks;
            var start = Epoch + TimeSpan.FromTicks(slots * frequency.Ticks) + offset;
            while (start < earliest) start += frequency;
            return start;
        }

        /// <summary>Whether a StartDate is on a window boundary plus offset (a rate() schedule keeps its phase).</summary>
        public static bool IsAligned(DateTime startUtc, TimeSpan frequency, TimeSpan offset)
        {
            var ticks = (startUtc - offset - Epoch).Ticks;
            // Scheduler keeps whole seconds.
            var rem = ((ticks % frequency.Ticks) + frequency.Ticks) % frequency.Ticks;
            return rem < TimeSpan.TicksPerSecond || frequency.Ticks - rem < TimeSpan.TicksPerSecond;
        }

        private static string Rate(long n, string unit) =>
            "rate(" + n.ToString(CultureInfo.InvariantCulture) + " " + unit + (n == 1 ? string.Empty : "s") + ")";

        private static void Check(TimeSpan frequency, TimeSpan offset)
        {
            if (frequency < TimeSpan.FromMinutes(1) || frequency.Ticks % TimeSpan.TicksPerMinute != 0)
                throw new FinBackupException("FinScheduleFrequencyInvalid", FinErrorKind.InvalidArgument,
                    $"A schedule needs a frequency of whole minutes (at least 1 minute); got {frequency}.",
                    "Give the application or file set a Frequency such as '30m', '45m' or '1h' in the policy.");
            if (offset < TimeSpan.Zero || offset.Ticks % TimeSpan.TicksPerMinute != 0 || offset >= frequency)
                throw new FinBackupException("FinScheduleOffsetInvalid", FinErrorKind.InvalidArgument,
                    $"Schedule.WindowOffset must be whole minutes and shorter than the frequency ({frequency}); got {offset}.",
                    "Set Schedule.WindowOffset in the policy to a few minutes, e.g. '5m'.");
        }
    }
}
