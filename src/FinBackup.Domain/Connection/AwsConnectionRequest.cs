namespace FinBackup.Domain.Connection
{
    /// <summary>
    /// What the caller said about how to reach AWS: the AWS.Tools common parameters, plus the session defaults
    /// set with Set-FinDefault. Resolved into an <see cref="IAwsSession"/> by the AWS adapters, in AWS.Tools order:
    /// explicit parameters, profile, session defaults, environment, default profile, container/instance role.
    /// </summary>
    public sealed class AwsConnectionRequest
    {
        public string Region { get; set; }
        /// <summary>
        /// Where <see cref="Region"/> came from when it is not the -Region parameter: the piped object or the policy (the cmdlet
        /// base's region precedence). Null means the parameter. Either way it ranks above a -ProfileName's region.
        /// </summary>
        public string RegionSource { get; set; }
        public string ProfileName { get; set; }
        public string ProfileLocation { get; set; }
        public string AccessKey { get; set; }
        public string SecretKey { get; set; }
        public string SessionToken { get; set; }
        public string EndpointUrl { get; set; }

        /// <summary>True when the keys came from -Credential rather than -AccessKey/-SecretKey (for -Verbose).</summary>
        public bool KeysFromCredentialParameter { get; set; }

        /// <summary>Session defaults (Set-FinDefault); applied after explicit parameters.</summary>
        public FinSessionDefaults Defaults { get; set; }
    }

    /// <summary>Per-runspace defaults set by Set-FinDefault and cleared by Clear-FinDefault.</summary>
    public sealed class FinSessionDefaults
    {
        public string Region { get; set; }
        public string ProfileName { get; set; }
        public string ProfileLocation { get; set; }
        public string EndpointUrl { get; set; }
        public bool IsEmpty => Region == null && ProfileName == null && ProfileLocation == null && EndpointUrl == null;
    }

    /// <summary>
    /// A resolved connection to AWS: credentials and a default region, and the service-area ports
    /// (<c>Get&lt;IEc2Gateway&gt;(region)</c>) the domain uses. Implemented by the AWS adapters.
    /// </summary>
    public interface IAwsSession
    {
        /// <summary>The region to use when a cmdlet is given none.</summary>
        string Region { get; }
        /// <summary>Custom endpoint (e.g. the local sandbox), or null for AWS.</summary>
        string EndpointUrl { get; }
        /// <summary>Where the credentials came from, for -Verbose (e.g. "parameter -AccessKey", "profile 'prod'").</summary>
        string CredentialSource { get; }
        /// <summary>Where the region came from, for -Verbose.</summary>
        string RegionSource { get; }
        /// <summary>The port of type <typeparamref name="T"/> bound to <paramref name="region"/> (default: <see cref="Region"/>).</summary>
        T Get<T>(string region = null) where T : class;
    }
}
