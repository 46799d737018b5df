using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using FinBackup.Domain.Policy;

namespace FinBackup.Completion
{
    /// <summary>Completes -Region and -DestinationRegion with the known AWS regions (src/FinBackup.Domain/Policy/AwsRegions.cs).</summary>
    public sealed class RegionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            // The bound policy's regions first (where its applications live), then every other known region.
            var policy = Completions.Bound(fakeBoundParameters, "Policy") as BackupPolicy;
            var first = policy == null ? Enumerable.Empty<string>() : policy.Regions.Where(r => !string.IsNullOrEmpty(r));
            return Completions.Matching(wordToComplete, Completions.Plain(first.Concat(AwsRegions.Commercial).Concat(AwsRegions.Other)));
        }
    }

    /// <summary>Marks a parameter as completed by <see cref="RegionCompleter"/>.</summary>
    public sealed class RegionCompleterAttribute : ArgumentCompleterAttribute
    {
        public RegionCompleterAttribute() : base(typeof(RegionCompleter)) { }
    }
}
