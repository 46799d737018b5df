using System;
using System.Globalization;
using System.Text;

namespace FinBackup.Domain.Policy
{
    /// <summary>
    /// Durations as policies write them: <c>45m</c>, <c>1h</c>, <c>12h</c>, <c>2d</c>, <c>90s</c>, combinations in
    /// descending order such as <c>1h30m</c>, and ISO 8601 durations with day/hour/minute/second parts
    /// (<c>PT45M</c>, <c>P1D</c>, <c>PT1H30M</c>, <c>P1DT12H</c>). Zero and negative durations are rejected.
    /// </summary>
    public static class Duration
    {
        public const string Hint = "use 45m, 1h, 12h, 2d or ISO 8601 such as PT45M";

        /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says why, in words an admin can act on.</summary>
        public static bool TryParse(string text, out TimeSpan value, out string error)
        {
            value = TimeSpan.Zero;
            error = null;
            if (text == null || text.Trim().Length == 0)
            {
                error = "is empty; " + Hint;
                return false;
            }
            var s = text.Trim();
            if (s.StartsWith("-", StringComparison.Ordinal))
            {
                error = $"\"{text}\" is negative; a duration must be greater than zero";
                return false;
            }
            bool ok = s.StartsWith("P", StringComparison.OrdinalIgnoreCase) ? TryParseIso(s, out value) : TryParseShort(s, out value);
            if (!ok)
            {
                error = $"\"{text}\" is not a duration; " + Hint;
                return false;
            }
            if (value <= TimeSpan.Zero)
            {
                error = $"\"{text}\" is zero; a duration must be greater than zero";
                return false;
            }
            return true;
        }

        public static TimeSpan Parse(string text)
        {
            if (TryParse(text, out var v, out var error))
            {
                return v;
            }
            throw new FinBackupException("FinDurationInvalid", FinErrorKind.InvalidArgument, "Duration " + error + ".", Hint);
        }

        /// <summary>Short form: number+unit groups, units d, h, m, s, each at most once and in that order.</summary>
        private static bool TryParseShort(string s, out TimeSpan value)
        {
            value = TimeSpan.Zero;
            int i = 0, lastRank = -1;
            double total = 0;
            while (i < s.Length)
            {
                int start = i;
                while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
                if (i == start || i >= s.Length) return false;
                if (!double.TryParse(s.Substring(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
                int rank;
                double seconds;
                switch (char.ToLowerInvariant(s[i]))
                {
                    case 'd': rank = 0; seconds = 86400; break;
                    case 'h': rank = 1; seconds = 3600; break;
                    case 'm': rank = 2; seconds = 60; break;
                    case 's': rank = 3; seconds = 1; break;
                    default: return false;
                }
                if (rank <= lastRank) return false;
                lastRank = rank;
                total += n * seconds;
                i++;
                while (i < s.Length && s[i] == ' ') i++;
            }
            if (total > TimeSpan.MaxValue.TotalSeconds) return false;
            value = TimeSpan.FromSeconds(Math.Round(total, 3));
            return true;
        }

        /// <summary>ISO 8601: PnW, PnD, PTnHnMnS, PnDTnHnMnS (years and months are refused: their length varies).</summary>
        private static bool TryParseIso(string s, out TimeSpan value)
        {
            value = TimeSpan.Zero;
            var u = s.ToUpperInvariant();
            int i = 1;
            bool inTime = false, any = false;
            int lastRank = -1;
            double total = 0;
            while (i < u.Length)
            {
                if (u[i] == 'T')
                {
                    if (inTime) return false;
                    inTime = true;
                    i++;
                    if (i >= u.Length) return false;
                    continue;
                }
                int start = i;
                while (i < u.Length && (char.IsDigit(u[i]) || u[i] == '.' || u[i] == ',')) i++;
                if (i == start || i >= u.Length) return false;
                if (!double.TryParse(u.Substring(start, i - start).Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
                int rank;
                double seconds;
                char unit = u[i];
                if (!inTime && unit == 'W') { rank = 0; seconds = 7 * 86400; }
                else if (!inTime && unit == 'D') { rank = 1; seconds = 86400; }
                else if (inTime && unit == 'H') { rank = 2; seconds = 3600; }
                else if (inTime && unit == 'M') { rank = 3; seconds = 60; }
                else if (inTime && unit == 'S') { rank = 4; seconds = 1; }
                else return false;
                if (rank <= lastRank) return false;
                lastRank = rank;
                total += n * seconds;
                any = true;
                i++;
            }
            if (!any || total > TimeSpan.MaxValue.TotalSeconds) return false;
            value = TimeSpan.FromSeconds(Math.Round(total, 3));
            return true;
        }

        /// <summary>The short form of <paramref name="value"/>: 1h30m, 45m, 2d, 90s -> 1m30s.</summary>
        public static string Format(TimeSpan? value)
        {
            if (value == null) return null;
            var t = value.Value;
            if (t <= TimeSpan.Zero) return t.ToString();
            var sb = new StringBuilder();
            if (t.Days > 0) sb.Append(t.Days).Append('d');
            if (t.Hours > 0) sb.Append(t.Hours).Append('h');
            if (t.Minutes > 0) sb.Append(t.Minutes).Append('m');
            if (t.Seconds > 0 || t.Milliseconds > 0)
            {
                sb.Append(t.Milliseconds > 0 ? (t.Seconds + t.Milliseconds / 1000.0).ToString(CultureInfo.InvariantCulture) : t.Seconds.ToString(CultureInfo.InvariantCulture)).Append('s');
            }
            return sb.ToString();
        }
    }
}
