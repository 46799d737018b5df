namespace FinBackup.Domain.Connection
{
    /// <summary>Who FinBackup is connected as, where, and how the connection was resolved (Test-FinAwsConnection).</summary>
    public sealed class FinAwsConnectionInfo
    {
        public string Account { get; set; }
        public string Arn { get; set; }
        public string UserId { get; set; }
        public string Region { get; set; }
        /// <summary>Custom endpoint (e.g. the sandbox), or null for AWS.</summary>
        public string EndpointUrl { get; set; }
        public string CredentialSource { get; set; }
        public string RegionSource { get; set; }
        /// <summary>Round-trip time of the GetCallerIdentity call, including retries.</summary>
        public long LatencyMs { get; set; }
        public override string ToString() => Arn;
    }

    /// <summary>The caller identity as STS reports it.</summary>
    public sealed class AwsCallerIdentity
    {
        public string Account { get; set; }
        public string Arn { get; set; }
        public string UserId { get; set; }
    }
}
