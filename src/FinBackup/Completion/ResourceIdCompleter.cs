using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace FinBackup.Completion
{
    /// <summary>Completes -ResourceId with the resources (and the resources of recovery points) in this session's results.</summary>
    public sealed class ResourceIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completions.Matching(wordToComplete, SessionResults.Current.Resources);
    }

    /// <summary>Marks a parameter as completed by <see cref="ResourceIdCompleter"/>.</summary>
    public sealed class ResourceIdCompleterAttribute : ArgumentCompleterAttribute
    {
        public ResourceIdCompleterAttribute() : base(typeof(ResourceIdCompleter)) { }
    }
}
