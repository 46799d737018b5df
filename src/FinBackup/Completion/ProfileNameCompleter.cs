using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using FinBackup.Domain.Connection;

namespace FinBackup.Completion
{
    /// <summary>
    /// Completes -ProfileName with the profiles in the shared config and credentials files (AWS_CONFIG_FILE and
    /// AWS_SHARED_CREDENTIALS_FILE when set, else ~/.aws/config and ~/.aws/credentials; a bound -ProfileLocation is read too).
    /// </summary>
    public sealed class ProfileNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var location = Completions.Bound(fakeBoundParameters, "ProfileLocation") as string;
            var profiles = SharedProfileFiles.ProfileNames(location);
            return Completions.Matching(wordToComplete, profiles.Select(p => new KeyValuePair<string, string>(p.Name, $"{p.Name} ({p.File})")));
        }
    }

    /// <summary>Marks a parameter as completed by <see cref="ProfileNameCompleter"/>.</summary>
    public sealed class ProfileNameCompleterAttribute : ArgumentCompleterAttribute
    {
        public ProfileNameCompleterAttribute() : base(typeof(ProfileNameCompleter)) { }
    }
}
