namespace FinBackup.Domain.Policy
{
    /// <summary>The policy file is not well-formed (bad JSON, a .psd1 that does not parse, a non-literal value).</summary>
    public sealed class PolicySyntaxException : FinBackupException
    {
        public PolicySyntaxException(SourcePosition position, string problem, string rule = PolicyRules.WellFormed, string field = null)
            : base("FinPolicySyntaxError", FinErrorKind.InvalidData,
                (position != null ? position + ": " : string.Empty) + (field != null ? field + ": " : string.Empty) + problem,
                "Fix the file at that line; a policy file holds only literal values (strings, numbers, $true/$false, lists and tables).")
        {
            Position = position;
            Problem = problem;
            Rule = rule;
            Field = field;
        }

        public SourcePosition Position { get; }
        public string Problem { get; }
        public string Rule { get; }
        public string Field { get; }

        public PolicyDiagnostic ToDiagnostic() => new PolicyDiagnostic(PolicySeverity.Error, Rule, Position, Field, Problem, RecommendedAction);
    }
}
