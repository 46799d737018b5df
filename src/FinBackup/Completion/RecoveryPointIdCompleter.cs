using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace FinBackup.Completion
{
    /// <summary>Completes -RecoveryPointId with the recovery points in this session's results, newest seen first.</summary>
    public sealed class RecoveryPointIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completions.Matching(wordToComplete, SessionResults.Current.RecoveryPoints);
    }

    /// <summary>Marks a parameter as completed by <see cref="RecoveryPointIdCompleter"/>.</summary>
    public sealed class RecoveryPointIdCompleterAttribute : ArgumentCompleterAttribute
    {
        public RecoveryPointIdCompleterAttribute() : base(typeof(RecoveryPointIdCompleter)) { }
    }
}
