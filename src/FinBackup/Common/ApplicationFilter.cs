using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;

namespace FinBackup.Common
{
    /// <summary>
    /// The one reading of -Application and -ResourceId patterns (every cmdlet that takes them): PowerShell wildcards
    /// ('Agent*'), case-insensitive, and a name that matches nothing is said, never silently dropped. With a policy, an
    /// unknown application is the non-terminating error FinApplicationNotInPolicy naming the policy's applications (and the
    /// closest, "did you mean"); the caller then works on the names that did match, and on nothing if none did.
    /// </summary>
    internal static class ApplicationFilter
    {
        internal const string UnknownApplicationId = "FinApplicationNotInPolicy";

        /// <summary>True when any pattern has a wildcard character.</summary>
        internal static bool HasWildcards(IEnumerable<string> patterns) =>
            patterns != null && patterns.Any(p => p != null && WildcardPattern.ContainsWildcardCharacters(p));

        /// <summary>Matches a name against patterns (no patterns: everything).</summary>
        internal static bool Matches(IReadOnlyCollection<string> patterns, string name)
        {
            if (patterns == null || patterns.Count == 0) return true;
            if (name == null) return false;
            return patterns.Any(p => WildcardPattern.ContainsWildcardCharacters(p)
                ? new WildcardPattern(p, WildcardOptions.IgnoreCase).IsMatch(name)
                : string.Equals(p, name, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>
        /// The policy's applications the patterns select (all of them when there are no patterns), in policy order. Each
        /// pattern that selects nothing (a name, or a wildcard that matches no application) is reported through
        /// <paramref name="writeError"/> as FinApplicationNotInPolicy.
        /// </summary>
        internal static List<ApplicationPolicy> Select(BackupPolicy policy, IReadOnlyCollection<string> patterns, Action<FinBackupException, object> writeError)
        {
            var all = (policy?.Applications ?? new List<ApplicationPolicy>()).Where(a => a != null && a.Name != null).ToList();
            if (patterns == null || patterns.Count == 0) return all;
            var selected = new List<ApplicationPolicy>();
            foreach (var pattern in patterns.Where(p => !string.IsNullOrEmpty(p)))
            {
                var matches = all.Where(a => Matches(new[] { pattern }, a.Name)).ToList();
                if (matches.Count == 0) writeError(NotInPolicy(policy, pattern, all.Select(a => a.Name).ToList()), pattern);
                foreach (var m in matches)
                {
                    if (!selected.Contains(m)) selected.Add(m);
                }
            }
            return all.Where(selected.Contains).ToList();
        }

        /// <summary>FinApplicationNotInPolicy for <paramref name="pattern"/>, with the valid names and the closest one.</summary>
        internal static FinBackupException NotInPolicy(BackupPolicy policy, string pattern, IReadOnlyCollection<string> valid)
        {
            var wildcard = WildcardPattern.ContainsWildcardCharacters(pattern);
            var guess = wildcard ? null : NameSuggester.Closest(pattern, valid);
            return new FinBackupException(UnknownApplicationId, FinErrorKind.ObjectNotFound,
                (wildcard ? $"No application of policy '{policy}' matches '{pattern}'" : $"The policy '{policy}' has no application '{pattern}'")
                + (guess != null ? $"; did you mean '{guess}'?" : ".")
                + " Its applications: " + (valid.Count == 0 ? "none" : string.Join(", ", valid.Select(n => "'" + n + "'"))) + ".",
                "Use an application name from the policy: " + string.Join(", ", valid.Select(n => "'" + n + "'")) + " (wildcards such as 'Agent*' are allowed).");
        }
    }
}
