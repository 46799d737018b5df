using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using FinBackup.Domain.Audit;

namespace FinBackup.Completion
{
    /// <summary>Completes Get-FinAuditEvent -Action with the recorded action names and their families (Restore.*, RecoveryPoint.*).</summary>
    public sealed class AuditActionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var families = AuditActions.All.Select(a => a.Substring(0, a.IndexOf('.') + 1) + "*").Distinct();
            return Completions.Matching(wordToComplete, Completions.Plain(AuditActions.All.Concat(families)));
        }
    }

    /// <summary>Marks a parameter as completed by <see cref="AuditActionCompleter"/>.</summary>
    public sealed class AuditActionCompleterAttribute : ArgumentCompleterAttribute
    {
        public AuditActionCompleterAttribute() : base(typeof(AuditActionCompleter)) { }
    }
}
