using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Policy;

namespace FinBackup.Cmdlets
{
    /// <summary>Shared by the policy cmdlets: path resolution and turning read diagnostics into error records.</summary>
    public abstract class FinPolicyCmdlet : FinCmdlet
    {
        internal string ResolvePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        /// <summary>The files a -Path names: itself, or every match of a wildcard (an error when nothing matches).</summary>
        internal IEnumerable<string> ExpandPath(string path, bool reportMissing = true)
        {
            if (!WildcardPattern.ContainsWildcardCharacters(path)) return new[] { path };
            System.Collections.ObjectModel.Collection<string> matches;
            try
            {
                matches = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _);
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is DriveNotFoundException || ex is ProviderNotFoundException)
            {
                matches = new System.Collections.ObjectModel.Collection<string>();
            }
            if (matches.Count == 0 && reportMissing)
            {
                WriteFinError(new FinBackupException("FinPolicyFileNotFound", FinErrorKind.ObjectNotFound,
                    $"No policy file matches '{path}'.", "Check the path and the wildcard."), path);
            }
            return matches;
        }

        /// <summary>Reads the file, writing an error record (not an exception dump) when it is missing; null then.</summary>
        internal PolicyReadResult Read(string path, bool reportMissing = true)
        {
            string full;
            try
            {
                full = ResolvePath(path);
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is DriveNotFoundException || ex is ProviderNotFoundException || ex is NotSupportedException || ex is ArgumentException)
            {
                if (reportMissing)
                {
                    WriteFinError(new FinBackupException("FinPolicyFileNotFound", FinErrorKind.ObjectNotFound,
                        $"The policy file '{path}' cannot be found: {ex.Message}", "Check the path."), path);
                }
                return null;
            }
            try
            {
                return PolicyFileLoader.Load(full);
            }
            catch (FinBackupException ex)
            {
                if (reportMissing) WriteFinError(ex, full);
                return null;
            }
        }

        /// <summary>One error record per read error: FinPolicySyntaxError for a file that does not parse, FinPolicyFieldInvalid for a bad field.</summary>
        internal void WriteReadError(PolicyDiagnostic d, string target)
        {
            bool syntax = d.Rule == PolicyRules.WellFormed || d.Rule == PolicyRules.LiteralValuesOnly;
            var ex = new FinBackupException(syntax ? "FinPolicySyntaxError" : "FinPolicyFieldInvalid", FinErrorKind.InvalidData, d.Message, d.Suggestion);
            WriteFinError(ex, ex.ErrorId, syntax ? ErrorCategory.ParserError : ErrorCategory.InvalidData, target, d.Suggestion);
        }
    }

    /// <summary>Reads a backup policy file (.psd1 or JSON) into a typed policy object, without running it.</summary>
    [Cmdlet(VerbsData.Import, "FinBackupPolicy")]
    [OutputType(typeof(BackupPolicy))]
    public sealed class ImportFinBackupPolicyCommand : FinPolicyCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, HelpMessage = "The policy file to read: a .psd1 data file or a .json file.")]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var path in Path.SelectMany(p => ExpandPath(p)))
            {
                var result = Read(path);
                if (result == null) continue;
                var target = result.Policy?.SourcePath ?? path;
                foreach (var w in result.Warnings)
                {
                    WriteWarning(w.Message + (w.Suggestion != null && !w.Problem.Contains("did you mean") ? " " + w.Suggestion : string.Empty));
                }
                if (result.HasErrors)
                {
                    foreach (var e in result.Errors) WriteReadError(e, target);
                    continue; // nothing is returned from a file that has errors
                }
                WriteVerbose($"Read policy '{result.Policy.Name}' with {result.Policy.Applications.Count} application(s) from {target}.");
                WriteObject(result.Policy);
            }
        }
    }

    /// <summary>Checks a backup policy before it runs: one finding per problem; -Quiet returns only whether it passes.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "FinBackupPolicy", DefaultParameterSetName = PolicySet)]
    [OutputType(typeof(PolicyFinding))]
    [OutputType(typeof(bool))]
    public sealed class TestFinBackupPolicyCommand : FinPolicyCmdlet
    {
        private const string PathSet = "Path";
        private const string PolicySet = "Policy";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true, HelpMessage = "A policy file (.psd1 or .json) to read and check; wildcards check every matching file.")]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = PolicySet, ValueFromPipeline = true, HelpMessage = "A policy from Import-FinBackupPolicy.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>Warnings fail the policy too.</summary>
        [Parameter]
        public SwitchParameter Strict { get; set; }

        /// <summary>Return only $true (passes) or $false, like Test-Path.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == PolicySet)
            {
                var findings = (Policy.ReadWarnings ?? new List<PolicyFinding>()).Concat(PolicyValidator.Validate(Policy)).ToList();
                Report(Policy.SourcePath ?? Policy.Name ?? "policy", Policy, findings);
                return;
            }
            foreach (var input in Path)
            {
                var files = ExpandPath(input, reportMissing: !Quiet).ToList();
                if (files.Count == 0 && Quiet) WriteObject(false);
                foreach (var path in files) Check(path);
            }
        }

        private void Check(string path)
        {
            var result = Read(path, reportMissing: !Quiet);
            if (result == null)
            {
                if (Quiet) WriteObject(false);
                return;
            }
            var findings = result.Diagnostics.Select(d => d.ToFinding()).ToList();
            if (!result.HasErrors)
            {
                findings.AddRange(PolicyValidator.Validate(result.Policy));
            }
            Report(result.Policy?.SourcePath ?? ResolvePath(path), (object)result.Policy ?? path, findings);
        }

        private void Report(string name, object target, IReadOnlyList<PolicyFinding> findings)
        {
            int errors = findings.Count(f => f.Severity == PolicySeverity.Error);
            int warnings = findings.Count(f => f.Severity == PolicySeverity.Warning);
            bool failed = errors > 0 || (Strict && warnings > 0);
            if (Quiet)
            {
                WriteObject(!failed);
                return;
            }
            foreach (var f in findings) WriteObject(f);
            WriteVerbose($"{System.IO.Path.GetFileName(name)}: {errors} error(s), {warnings} warning(s), {findings.Count - errors - warnings} note(s).");
            if (failed)
            {
                var what = errors > 0 && Strict && warnings > 0 ? $"{errors} error(s) and {warnings} warning(s) (-Strict)"
                    : errors > 0 ? $"{errors} error(s)" : $"{warnings} warning(s) (-Strict)";
                var ex = new FinBackupException("FinPolicyInvalid", FinErrorKind.InvalidData,
                    $"The policy {System.IO.Path.GetFileName(name)} fails its checks: {what}. See the findings above.",
                    "Fix each finding's Suggestion, then run Test-FinBackupPolicy again.");
                WriteFinError(ex, target);
            }
        }
    }
}
