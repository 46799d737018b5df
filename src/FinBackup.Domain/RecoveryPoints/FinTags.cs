namespace FinBackup.Domain
{
    /// <summary>
    /// The AWS tags that carry a recovery point's identity and lifecycle, so any machine can pick up
    /// where another stopped. Nothing is kept locally.
    /// </summary>
    public static class FinTags
    {
        public const string Application = "fin:application";
        public const string Policy = "fin:policy";
        public const string Window = "fin:window";
        public const string ExpiresAt = "fin:expires-at";
        public const string SourceId = "fin:source-id";
        public const string SourceRegion = "fin:source-region";
        public const string LegalHold = "fin:legal-hold";
        public const string Kind = "fin:kind";
        public const string ResourceId = "fin:resource-id";
        /// <summary>Marks everything FinBackup created; nothing without it is ever deleted.</summary>
        public const string ManagedBy = "fin:managed-by";
        public const string ManagedByValue = "FinBackup";
        /// <summary>
        /// Audit record on a resource FinBackup found untagged (left by an interrupted run: a copy whose tagging never happened)
        /// and adopted by tagging it instead of making it again: when (UTC) it was adopted.
        /// </summary>
        public const string AdoptedAt = "fin:adopted-at";
    }
}
