using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace FinBackup.Completion
{
    /// <summary>Shared by the completers: matching what was typed, quoting, and reading bound parameters.</summary>
    internal static class Completions
    {
        /// <summary>
        /// The candidates that start with what was typed (case-insensitive; a typed wildcard pattern matches as a pattern),
        /// in the order given, as completion results quoted where PowerShell needs quotes.
        /// </summary>
        internal static IEnumerable<CompletionResult> Matching(string wordToComplete, IEnumerable<KeyValuePair<string, string>> candidates)
        {
            var typed = Unquote(wordToComplete ?? string.Empty);
            // What was typed is a prefix; a typed pattern ('*pay') matches as a pattern that may go on ('*pay*').
            var prefix = WildcardPattern.ContainsWildcardCharacters(typed) ? typed : WildcardPattern.Escape(typed);
            var pattern = new WildcardPattern(prefix.EndsWith("*", StringComparison.Ordinal) ? prefix : prefix + "*", WildcardOptions.IgnoreCase);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var c in candidates)
            {
                if (string.IsNullOrEmpty(c.Key) || !seen.Add(c.Key) || !pattern.IsMatch(c.Key)) continue;
                yield return new CompletionResult(Quote(c.Key), c.Key, CompletionResultType.ParameterValue, string.IsNullOrEmpty(c.Value) ? c.Key : c.Value);
            }
        }

        internal static IEnumerable<KeyValuePair<string, string>> Plain(IEnumerable<string> names) =>
            names.Select(n => new KeyValuePair<string, string>(n, null));

        internal static string Unquote(string word)
        {
            if (word.Length > 0 && (word[0] == '\'' || word[0] == '"')) word = word.Substring(1);
            if (word.Length > 0 && (word[word.Length - 1] == '\'' || word[word.Length - 1] == '"')) word = word.Substring(0, word.Length - 1);
            return word;
        }

        /// <summary>Single-quoted when the value has anything PowerShell would split or expand.</summary>
        internal static string Quote(string value)
        {
            foreach (var ch in value)
            {
                if (char.IsWhiteSpace(ch) || "'\"`$@&(){}[];,|<>#".IndexOf(ch) >= 0) return "'" + value.Replace("'", "''") + "'";
            }
            return value;
        }

        /// <summary>A bound parameter's value as the completer sees it (unwrapped from PSObject), or null.</summary>
        internal static object Bound(IDictionary fakeBoundParameters, string name)
        {
            if (fakeBoundParameters == null || !fakeBoundParameters.Contains(name)) return null;
            var value = fakeBoundParameters[name];
            return value is PSObject pso ? pso.BaseObject : value;
        }
    }
}
