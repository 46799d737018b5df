using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain;
using FinBackup.Domain.Policy;

namespace FinBackup.Common
{
    /// <summary>
    /// The one check of a region a user typed (-Region, -DestinationRegion, Set-FinDefault -Region): a known AWS region
    /// (src/FinBackup.Domain/Policy/AwsRegions.cs), or one named in $env:FINBACKUP_EXTRA_REGIONS (comma-separated) for a
    /// region newer than this build. Checked whether or not a custom endpoint is used, so a typo fails here with "did
    /// you mean" instead of as an endpoint's HTML error page later.
    /// </summary>
    internal static class RegionArgument
    {
        internal const string ExtraRegionsVariable = "FINBACKUP_EXTRA_REGIONS";

        internal static IEnumerable<string> Extra() =>
            (Environment.GetEnvironmentVariable(ExtraRegionsVariable) ?? string.Empty)
                .Split(new[] { ',', ';', ' ' }, StringSplitOptions.RemoveEmptyEntries).Select(r => r.Trim());

        internal static bool IsAllowed(string region) => AwsRegions.IsKnown(region) || Extra().Contains(region, StringComparer.Ordinal);

        /// <summary>Every region that completes and validates: the known ones and the extra ones.</summary>
        internal static IEnumerable<string> All() => AwsRegions.Commercial.Concat(AwsRegions.Other).Concat(Extra()).Distinct(StringComparer.Ordinal);

        /// <summary>Null when the region is empty or allowed; otherwise the FinRegionUnknown error to throw.</summary>
        internal static FinBackupException Check(string region, string parameterName)
        {
            if (string.IsNullOrEmpty(region) || IsAllowed(region)) return null;
            var guess = AwsRegions.Suggest(region);
            return new FinBackupException("FinRegionUnknown", FinErrorKind.InvalidArgument,
                $"{parameterName} '{region}' is not an AWS region" + (guess != null ? $"; did you mean '{guess}'?" : "."),
                $"Use a region code such as us-east-1 or eu-west-1. For a region newer than this FinBackup build, add it to ${"env:" + ExtraRegionsVariable} (comma-separated), for example $env:{ExtraRegionsVariable} = '{region}'.");
        }
    }
}
