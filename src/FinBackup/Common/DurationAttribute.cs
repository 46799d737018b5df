using System;
using System.Management.Automation;
using FinBackup.Domain.Policy;

namespace FinBackup.Common
{
    /// <summary>
    /// Lets a TimeSpan parameter take the policy's duration syntax: 45m, 1h, 12h, 2d, 1h30m or ISO 8601 (PT45M),
    /// as well as anything PowerShell already converts to a TimeSpan ('12:00:00', [TimeSpan] values).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class DurationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            if (value is string text)
            {
                if (Duration.TryParse(text, out var parsed, out _)) return parsed;
                if (TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var plain) && plain > TimeSpan.Zero) return plain;
                throw new ArgumentTransformationMetadataException(
                    $"'{text}' is not a duration. Use 45m, 1h, 12h, 2d, 1h30m or ISO 8601 such as PT45M.");
            }
            return inputData;
        }
    }
}
