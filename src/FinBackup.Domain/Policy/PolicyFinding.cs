namespace FinBackup.Domain.Policy
{
    public enum PolicySeverity
    {
        Info,
        Warning,
        Error,
    }

    /// <summary>
    /// One problem (or note) about a policy: which application, how bad, which rule (a stable name that CI
    /// scripts can filter on), what is wrong and what to do about it. Emitted by Test-FinBackupPolicy.
    /// </summary>
    public sealed class PolicyFinding
    {
        /// <summary>The application the finding is about; null for policy-wide findings.</summary>
        public string Application { get; set; }
        public PolicySeverity Severity { get; set; }
        /// <summary>Stable rule name, e.g. FrequencyMeetsRpo (see <see cref="PolicyRules"/>).</summary>
        public string Rule { get; set; }
        public string Message { get; set; }
        public string Suggestion { get; set; }
        /// <summary>The field the finding is about, e.g. Applications[4].Rpo.</summary>
        public string Field { get; set; }
        /// <summary>Where the field was written, e.g. "finco.policy.psd1 line 23", when known.</summary>
        public string Location { get; set; }

        public override string ToString() =>
            $"{Severity} {Rule}{(Application != null ? " [" + Application + "]" : string.Empty)}: {Message}";
    }

    /// <summary>Stable names of the policy rules (reader and validator).</summary>
    public static class PolicyRules
    {
        // Reading the file.
        public const string WellFormed = "WellFormed";
        public const string LiteralValuesOnly = "LiteralValuesOnly";
        public const string ValueType = "ValueType";
        public const string ValidDuration = "ValidDuration";
        public const string ValidValue = "ValidValue";
        public const string KnownKey = "KnownKey";
        public const string DuplicateKey = "DuplicateKey";
        public const string RequiredField = "RequiredField";
        public const string UniqueApplicationName = "UniqueApplicationName";
        public const string KnownRegion = "KnownRegion";

        // Validating what it says.
        public const string RpoDefined = "RpoDefined";
        public const string RtoDefined = "RtoDefined";
        public const string FrequencyDefined = "FrequencyDefined";
        public const string RetentionDefined = "RetentionDefined";
        public const string RecoveryPointsDefined = "RecoveryPointsDefined";
        public const string FrequencyMeetsRpo = "FrequencyMeetsRpo";
        public const string RetentionCoversRpo = "RetentionCoversRpo";
        public const string RetentionCoversInterval = "RetentionCoversInterval";
        public const string AwsBackupMinimumFrequency = "AwsBackupMinimumFrequency";
        public const string AwsBackupMinimumRetention = "AwsBackupMinimumRetention";
        public const string BackupVaultDefined = "BackupVaultDefined";
        public const string PrimaryKmsKeyDefined = "PrimaryKmsKeyDefined";
        public const string PrimaryBucketDefined = "PrimaryBucketDefined";
        public const string DrRegionDefined = "DrRegionDefined";
        public const string DrKmsKeyDefined = "DrKmsKeyDefined";
        public const string DrBucketDefined = "DrBucketDefined";
        public const string EbsCopyConcurrency = "EbsCopyConcurrency";
        public const string PendingSnapshotsPerVolume = "PendingSnapshotsPerVolume";
        public const string ManualRdsSnapshotQuota = "ManualRdsSnapshotQuota";
        public const string DrCopyFitsRpo = "DrCopyFitsRpo";
        public const string RestoreApproversDefined = "RestoreApproversDefined";
        public const string RtoEstimateMeetsRto = "RtoEstimateMeetsRto";
    }

    /// <summary>A problem found while reading a policy file: a finding with its file position.</summary>
    public sealed class PolicyDiagnostic
    {
        public PolicyDiagnostic(PolicySeverity severity, string rule, SourcePosition position, string field, string problem, string suggestion = null, string application = null)
        {
            Severity = severity;
            Rule = rule;
            Position = position;
            Field = field;
            Problem = problem;
            Suggestion = suggestion;
            Application = application;
        }

        public PolicySeverity Severity { get; }
        public string Rule { get; }
        public SourcePosition Position { get; }
        /// <summary>The field path, e.g. Applications[2].Retention; null for the document itself.</summary>
        public string Field { get; }
        /// <summary>What is wrong, without the location prefix.</summary>
        public string Problem { get; }
        public string Suggestion { get; }
        public string Application { get; }

        /// <summary>"finco.policy.psd1 line 23: Applications[2].Retention: "12x" is not a duration; ..."</summary>
        public string Message =>
            (Position != null ? Position + ": " : string.Empty) + (string.IsNullOrEmpty(Field) ? string.Empty : Field + ": ") + Problem;

        public PolicyFinding ToFinding() => new PolicyFinding
        {
            Application = Application,
            Severity = Severity,
            Rule = Rule,
            Message = Message,
            Suggestion = Suggestion,
            Field = Field,
            Location = Position?.ToString(),
        };

        public override string ToString() => Message;
    }
}
