using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.Connection
{
    /// <summary>Which regions to work in and why (for -Verbose).</summary>
    public sealed class RegionChoice
    {
        public IReadOnlyList<string> Regions { get; set; }
        /// <summary>"parameter -Region", "the piped object's Region", "policy 'finco' PrimaryRegion"...</summary>
        public string Source { get; set; }
    }

    /// <summary>
    /// The first three steps of the one region precedence (docs/ARCHITECTURE.md, "Which region"): the -Region parameter,
    /// then the pipeline object's region, then the policy's. Null when none of them names a region: then the session
    /// default (Set-FinDefault), the environment and the profile decide (AwsConnectionResolver). The cmdlet base is the
    /// only caller.
    /// </summary>
    public static class RegionPrecedence
    {
        public const string ParameterSource = "parameter -Region";
        public const string PipelineSource = "the piped object's Region";

        public static RegionChoice Choose(IReadOnlyList<string> parameterRegions, string pipelineRegion, BackupPolicy policy, bool everyPolicyRegion)
        {
            var given = (parameterRegions ?? new string[0]).Where(r => !string.IsNullOrEmpty(r)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (given.Count > 0) return new RegionChoice { Regions = given, Source = ParameterSource };
            if (!string.IsNullOrEmpty(pipelineRegion)) return new RegionChoice { Regions = new[] { pipelineRegion }, Source = PipelineSource };
            if (policy != null)
            {
                var fromPolicy = (everyPolicyRegion ? policy.Regions : new[] { policy.PrimaryRegion })
                    .Where(r => !string.IsNullOrEmpty(r)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                if (fromPolicy.Count > 0)
                    return new RegionChoice { Regions = fromPolicy, Source = $"policy '{policy.Name}' " + (everyPolicyRegion ? "regions" : "PrimaryRegion") };
            }
            return null;
        }
    }
}
