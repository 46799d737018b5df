using System;

namespace FinBackup.Domain.Policy
{
    /// <summary>
    /// What AWS accepts in resource tags (the strictest of S3 object tags, EC2 and RDS): keys up to 128 characters and values
    /// up to 256, made of Unicode letters, digits, spaces and _ . : / = + - @; keys may not start with "aws:".
    /// </summary>
    public static class TagRules
    {
        public const int MaxKeyLength = 128;
        public const int MaxValueLength = 256;

        /// <summary>Null when <paramref name="value"/> is a valid tag value, else what is wrong ("contains ';'").</summary>
        public static string CheckValue(string value)
        {
            if (value == null) return null;
            if (value.Length > MaxValueLength) return $"is {value.Length} characters long; AWS tag values hold at most {MaxValueLength}";
            return CheckCharacters(value);
        }

        /// <summary>Null when <paramref name="key"/> is a valid tag key, else what is wrong.</summary>
        public static string CheckKey(string key)
        {
            if (key == null) return null;
            if (key.Trim().Length == 0) return "is empty";
            if (key.Length > MaxKeyLength) return $"is {key.Length} characters long; AWS tag keys hold at most {MaxKeyLength}";
            if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase)) return "starts with 'aws:', which AWS reserves";
            return CheckCharacters(key);
        }

        private static string CheckCharacters(string s)
        {
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                if (char.IsLetterOrDigit(c) || c == ' ' || "_.:/=+-@".IndexOf(c) >= 0) continue;
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLetterOrDigit(s, i)) { i++; continue; }
                var shown = char.IsControl(c) || char.IsWhiteSpace(c) ? "U+" + ((int)c).ToString("X4") : "'" + c + "'";
                return $"contains {shown} at position {i + 1}, which AWS tags do not accept";
            }
            return null;
        }
    }
}
