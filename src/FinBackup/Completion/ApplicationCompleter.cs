using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using FinBackup.Domain.Policy;

namespace FinBackup.Completion
{
    /// <summary>
    /// Completes -Application: the applications of the bound -Policy, else the application names seen in this session's
    /// Get-FinResource / Get-FinRecoveryPoint (and New-FinSnapshot / Copy-FinBackupToRegion) results.
    /// </summary>
    public sealed class ApplicationCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            if (Completions.Bound(fakeBoundParameters, "Policy") is BackupPolicy policy && policy.Applications != null)
            {
                return Completions.Matching(wordToComplete, policy.Applications.Where(a => a?.Name != null)
                    .Select(a => new KeyValuePair<string, string>(a.Name, $"{a.Name} (tag {policy.TagKey}={a.Name})")));
            }
            return Completions.Matching(wordToComplete, SessionResults.Current.Applications);
        }
    }

    /// <summary>Marks a parameter as completed by <see cref="ApplicationCompleter"/>.</summary>
    public sealed class ApplicationCompleterAttribute : ArgumentCompleterAttribute
    {
        public ApplicationCompleterAttribute() : base(typeof(ApplicationCompleter)) { }
    }
}
