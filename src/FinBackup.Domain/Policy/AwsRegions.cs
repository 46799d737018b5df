using System;
using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.Policy
{
    /// <summary>
    /// AWS region names a policy may use: the commercial regions (as of late 2025), AWS GovCloud (US) and China.
    /// A policy naming anything else is refused, so a typo never sends backups nowhere. Add new regions here.
    /// </summary>
    public static class AwsRegions
    {
        public static IReadOnlyList<string> Commercial { get; } = new[]
        {
            "us-east-1", "us-east-2", "us-west-1", "us-west-2",
            "af-south-1",
            "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
            "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
            "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
            "ca-central-1", "ca-west-1",
            "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
            "eu-south-1", "eu-south-2", "eu-north-1",
            "il-central-1",
            "me-south-1", "me-central-1",
            "mx-central-1",
            "sa-east-1",
        };

        public static IReadOnlyList<string> Other { get; } = new[]
        {
            "us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1",
        };

        private static readonly HashSet<string> All = new HashSet<string>(Commercial.Concat(Other), StringComparer.Ordinal);

        public static bool IsKnown(string region) => region != null && All.Contains(region);

        /// <summary>The closest known region name, for "did you mean" (null when nothing is close).</summary>
        public static string Suggest(string region) => NameSuggester.Closest(region, All);

        /// <summary>The ARN partition a region belongs to: aws, aws-us-gov or aws-cn.</summary>
        public static string Partition(string region)
        {
            if (region == null) return "aws";
            if (region.StartsWith("us-gov-", StringComparison.Ordinal)) return "aws-us-gov";
            if (region.StartsWith("cn-", StringComparison.Ordinal)) return "aws-cn";
            return "aws";
        }
    }

    /// <summary>"Did you mean" by edit distance (Levenshtein, case-insensitive).</summary>
    public static class NameSuggester
    {
        /// <summary>
        /// The candidate closest to <paramref name="name"/>: within a third of its length in edits (at least 2 allowed),
        /// else a candidate it abbreviates (CopyToDR -> CopyToDrRegion, BackupVault -> BackupVaultName).
        /// </summary>
        public static string Closest(string name, IEnumerable<string> candidates)
        {
            if (string.IsNullOrEmpty(name)) return null;
            var list = candidates.ToList();
            var byDistance = ClosestByDistance(name, list);
            if (byDistance != null) return byDistance;
            if (name.Length < 4) return null;
            return list.Where(c => c.StartsWith(name, StringComparison.OrdinalIgnoreCase)).OrderBy(c => c.Length).FirstOrDefault();
        }

        private static string ClosestByDistance(string name, IEnumerable<string> candidates)
        {
            string best = null;
            int bestDistance = int.MaxValue;
            foreach (var c in candidates)
            {
                int d = Distance(name.ToLowerInvariant(), c.ToLowerInvariant());
                if (d < bestDistance)
                {
                    best = c;
                    bestDistance = d;
                }
            }
            int allowed = Math.Max(2, name.Length / 3);
            return bestDistance <= allowed ? best : null;
        }

        public static int Distance(string a, string b)
        {
            var prev = new int[b.Length + 1];
            var cur = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++) prev[j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                cur[0] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }
                var t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.Length];
        }
    }
}
