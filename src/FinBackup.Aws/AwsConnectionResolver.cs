using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using FinBackup.Domain;
using FinBackup.Domain.Connection;

namespace FinBackup.Aws
{
    /// <summary>The outcome of resolving a connection request: credentials, region, endpoints and where each came from.</summary>
    public sealed class ResolvedConnection
    {
        public AWSCredentials Credentials { get; set; }
        public string CredentialSource { get; set; }
        public string Region { get; set; }
        public string RegionSource { get; set; }
        public string EndpointUrl { get; set; }
        public string EndpointSource { get; set; }
        /// <summary>AWS_ENDPOINT_URL_&lt;SERVICE&gt; overrides, keyed by the service id in upper snake case (EC2, S3, SECRETS_MANAGER...).</summary>
        public IDictionary<string, string> ServiceEndpoints { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Resolves credentials, region and endpoint in AWS.Tools order:
    /// <list type="number">
    /// <item>explicit -AccessKey/-SecretKey/-SessionToken (or -Credential, mapped onto them by the cmdlet);</item>
    /// <item>-ProfileName (with -ProfileLocation: that shared credentials file; else the SDK store chain);</item>
    /// <item>session defaults (Set-FinDefault -ProfileName/-Region/-EndpointUrl); a loopback endpoint from a parameter or the session
    ///   defaults (the sandbox) gets dummy credentials here, above the environment;</item>
    /// <item>environment: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, then AWS_PROFILE; AWS_REGION, AWS_DEFAULT_REGION;
    ///   AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_&lt;SERVICE&gt;;</item>
    /// <item>the "default" profile (credentials and region);</item>
    /// <item>for a loopback endpoint from the environment or a profile: dummy credentials, since nothing there is AWS;</item>
    /// <item>container credentials (ECS/EKS Pod Identity), web identity (EKS IRSA), then the EC2 instance role (what SSM Run Command uses).</item>
    /// </list>
    /// Region: -Region (or, from the cmdlet base, the piped object's or the policy's region: request.RegionSource), the -ProfileName profile's region, session default, AWS_REGION/AWS_DEFAULT_REGION, the region of the profile
    /// in use (session default / AWS_PROFILE / default). Environment access is injectable for tests.
    /// </summary>
    public sealed class AwsConnectionResolver
    {
        public const string SandboxAccessKey = "testing";
        private readonly Func<string, string> _env;
        private readonly Func<IDictionary> _allEnv;
        private readonly Action<string> _verbose;

        public AwsConnectionResolver(Action<string> verbose = null, Func<string, string> environment = null, Func<IDictionary> allEnvironment = null)
        {
            _verbose = verbose ?? (_ => { });
            _env = environment ?? Environment.GetEnvironmentVariable;
            _allEnv = allEnvironment ?? Environment.GetEnvironmentVariables;
        }

        public ResolvedConnection Resolve(AwsConnectionRequest request)
        {
            request = request ?? new AwsConnectionRequest();
            var defaults = request.Defaults ?? new FinSessionDefaults();
            var result = new ResolvedConnection();

            ResolveEndpoint(request, defaults, result);

            CredentialProfile explicitProfile = null;
            CredentialProfile implicitProfile = null;

            // 1. explicit keys
            if (!string.IsNullOrEmpty(request.AccessKey) || !string.IsNullOrEmpty(request.SecretKey))
            {
                if (string.IsNullOrEmpty(request.AccessKey) || string.IsNullOrEmpty(request.SecretKey))
                {
                    throw new FinBackupException("FinCredentialsIncomplete", FinErrorKind.InvalidArgument,
                        "Only one of -AccessKey and -SecretKey was given.",
                        "Pass both -AccessKey and -SecretKey (and -SessionToken for temporary credentials), or use -ProfileName.");
                }
                result.Credentials = string.IsNullOrEmpty(request.SessionToken)
                    ? (AWSCredentials)new BasicAWSCredentials(request.AccessKey, request.SecretKey)
                    : new SessionAWSCredentials(request.AccessKey, request.SecretKey, request.SessionToken);
                result.CredentialSource = request.KeysFromCredentialParameter
                    ? "parameter -Credential"
                    : string.IsNullOrEmpty(request.SessionToken) ? "parameters -AccessKey/-SecretKey" : "parameters -AccessKey/-SecretKey/-SessionToken";
            }

            // 2. explicit profile (also used for the region even when keys were explicit)
            if (!string.IsNullOrEmpty(request.ProfileName))
            {
                explicitProfile = FindProfile(request.ProfileName, request.ProfileLocation, "-ProfileName", required: true);
                if (result.Credentials == null) UseProfile(explicitProfile, request.ProfileLocation, $"profile '{request.ProfileName}' (-ProfileName)", result);
            }

            // 3. session defaults
            if (result.Credentials == null && !string.IsNullOrEmpty(defaults.ProfileName))
            {
                implicitProfile = FindProfile(defaults.ProfileName, defaults.ProfileLocation ?? request.ProfileLocation, "Set-FinDefault -ProfileName", required: true);
                UseProfile(implicitProfile, defaults.ProfileLocation, $"profile '{defaults.ProfileName}' (session default)", result);
            }

            // 3b. the sandbox: a loopback endpoint given as a parameter or a session default (Start-FinSandbox sets one) is a
            // session-level choice, so its dummy credentials rank with the session defaults, above anything in the environment.
            // (AWS.Tools ranks session defaults above environment variables; an admin's AWS_ACCESS_KEY_ID or AWS_PROFILE must
            // not send sandbox calls elsewhere or fail them.)
            if (result.Credentials == null && IsLoopback(result.EndpointUrl) && result.EndpointSource != null &&
                !result.EndpointSource.StartsWith("environment", StringComparison.Ordinal))
            {
                UseSandboxCredentials(result);
            }

            // 4. environment
            if (result.Credentials == null)
            {
                var ak = _env("AWS_ACCESS_KEY_ID");
                var sk = _env("AWS_SECRET_ACCESS_KEY") ?? _env("AWS_SECRET_KEY");
                if (!string.IsNullOrEmpty(ak) && !string.IsNullOrEmpty(sk))
                {
                    var token = _env("AWS_SESSION_TOKEN");
                    result.Credentials = string.IsNullOrEmpty(token) ? (AWSCredentials)new BasicAWSCredentials(ak, sk) : new SessionAWSCredentials(ak, sk, token);
                    result.CredentialSource = "environment AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" + (string.IsNullOrEmpty(token) ? "" : "/AWS_SESSION_TOKEN");
                }
            }
            var envProfile = _env("AWS_PROFILE");
            if (!string.IsNullOrEmpty(envProfile) && result.Credentials == null)
            {
                implicitProfile = FindProfile(envProfile, request.ProfileLocation, "AWS_PROFILE", required: true);
                UseProfile(implicitProfile, request.ProfileLocation, $"profile '{envProfile}' (AWS_PROFILE)", result);
            }

            // 5. default profile
            CredentialProfile defaultProfile = null;
            if (result.Credentials == null || RegionStillOpen(request, defaults, explicitProfile, implicitProfile))
            {
                defaultProfile = FindProfile(SharedCredentialsFile.DefaultProfileName, request.ProfileLocation, null, required: false);
                if (result.Credentials == null && defaultProfile != null && defaultProfile.CanCreateAWSCredentials)
                {
                    UseProfile(defaultProfile, request.ProfileLocation, "profile 'default'", result);
                    implicitProfile = implicitProfile ?? defaultProfile;
                }
            }

            // 6. sandbox: loopback endpoint, dummy credentials
            if (result.Credentials == null && IsLoopback(result.EndpointUrl)) UseSandboxCredentials(result);

            // 7. container / web identity / instance role
            if (result.Credentials == null) UseRoleCredentials(result);

            if (result.Credentials == null)
            {
                throw new FinBackupException("FinCredentialsNotFound", FinErrorKind.AuthenticationError,
                    "No AWS credentials were found (parameters, profiles, session defaults, environment, default profile, container or instance role).",
                    "Pass -ProfileName <profile> or -AccessKey/-SecretKey, run Set-FinDefault -ProfileName <profile>, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, " +
                    "or create a [default] profile with 'aws configure'. For the local sandbox run Start-FinSandbox.");
            }

            ResolveRegion(request, defaults, explicitProfile, implicitProfile ?? defaultProfile, result);
            // The cmdlet base reports credentials and region; say where the endpoint(s) came from.
            if (result.EndpointUrl != null) _verbose($"Endpoint {result.EndpointUrl} from {result.EndpointSource}.");
            foreach (var kv in result.ServiceEndpoints) _verbose($"Endpoint for {kv.Key}: {kv.Value} (AWS_ENDPOINT_URL_{kv.Key}).");
            return result;
        }

        private static void UseSandboxCredentials(ResolvedConnection result)
        {
            result.Credentials = new BasicAWSCredentials(SandboxAccessKey, SandboxAccessKey);
            result.CredentialSource = "sandbox dummy credentials (loopback endpoint " + result.EndpointUrl + " from " + result.EndpointSource + ")";
        }

        private bool RegionStillOpen(AwsConnectionRequest request, FinSessionDefaults defaults, CredentialProfile explicitProfile, CredentialProfile implicitProfile) =>
            string.IsNullOrEmpty(request.Region) && explicitProfile?.Region == null && string.IsNullOrEmpty(defaults.Region) &&
            string.IsNullOrEmpty(_env("AWS_REGION")) && string.IsNullOrEmpty(_env("AWS_DEFAULT_REGION")) && implicitProfile?.Region == null;

        private void ResolveRegion(AwsConnectionRequest request, FinSessionDefaults defaults, CredentialProfile explicitProfile,
            CredentialProfile implicitProfile, ResolvedConnection result)
        {
            if (!string.IsNullOrEmpty(request.Region)) Set(result, request.Region, request.RegionSource ?? "parameter -Region");
            else if (explicitProfile?.Region != null) Set(result, explicitProfile.Region.SystemName, $"profile '{explicitProfile.Name}'");
            else if (!string.IsNullOrEmpty(defaults.Region)) Set(result, defaults.Region, "session default (Set-FinDefault)");
            else if (!string.IsNullOrEmpty(_env("AWS_REGION"))) Set(result, _env("AWS_REGION"), "environment AWS_REGION");
            else if (!string.IsNullOrEmpty(_env("AWS_DEFAULT_REGION"))) Set(result, _env("AWS_DEFAULT_REGION"), "environment AWS_DEFAULT_REGION");
            else if (implicitProfile?.Region != null) Set(result, implicitProfile.Region.SystemName, $"profile '{implicitProfile.Name}'");
            else
            {
                throw new FinBackupException("FinRegionMissing", FinErrorKind.InvalidArgument,
                    "No AWS region was given and none is configured.",
                    "Pass -Region (e.g. -Region us-east-1), run Set-FinDefault -Region <region>, set AWS_REGION, or add 'region = us-east-1' to your profile in ~/.aws/config.");
            }
            ValidateRegion(result.Region, result.EndpointUrl != null || result.ServiceEndpoints.Count > 0);
        }

        private static void Set(ResolvedConnection r, string region, string source)
        {
            r.Region = region.Trim();
            r.RegionSource = source;
        }

        /// <summary>Known AWS regions, plus any well-formed name when a custom endpoint is used.</summary>
        public static void ValidateRegion(string region, bool customEndpoint)
        {
            var known = RegionEndpoint.EnumerableAllRegions.Any(r => string.Equals(r.SystemName, region, StringComparison.Ordinal));
            if (known) return;
            if (customEndpoint && System.Text.RegularExpressions.Regex.IsMatch(region, "^[a-z0-9-]{2,40}$")) return;
            throw new FinBackupException("FinRegionUnknown", FinErrorKind.InvalidArgument,
                $"'{region}' is not an AWS region.",
                "Use a region code such as us-east-1, us-west-2, eu-west-1 or ap-southeast-2 (Get-AWSRegion lists them), or pass -EndpointUrl for a custom endpoint.");
        }

        private void ResolveEndpoint(AwsConnectionRequest request, FinSessionDefaults defaults, ResolvedConnection result)
        {
            if (!string.IsNullOrEmpty(request.EndpointUrl)) SetEndpoint(result, request.EndpointUrl, "parameter -EndpointUrl");
            else if (!string.IsNullOrEmpty(defaults.EndpointUrl)) SetEndpoint(result, defaults.EndpointUrl, "session default (Set-FinDefault)");
            else if (!IsTrue(_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")))
            {
                if (!string.IsNullOrEmpty(_env("AWS_ENDPOINT_URL"))) SetEndpoint(result, _env("AWS_ENDPOINT_URL"), "environment AWS_ENDPOINT_URL");
                foreach (DictionaryEntry e in _allEnv())
                {
                    var name = e.Key as string;
                    if (name == null || !name.StartsWith("AWS_ENDPOINT_URL_", StringComparison.Ordinal) || string.IsNullOrEmpty(e.Value as string)) continue;
                    var url = ((string)e.Value).Trim();
                    CheckUrl(url, "environment " + name);
                    result.ServiceEndpoints[name.Substring("AWS_ENDPOINT_URL_".Length)] = url.TrimEnd('/');
                }
            }
        }

        private static void SetEndpoint(ResolvedConnection result, string url, string source)
        {
            url = url.Trim();
            CheckUrl(url, source);
            result.EndpointUrl = url.TrimEnd('/');
            result.EndpointSource = source;
        }

        private static void CheckUrl(string url, string source)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new FinBackupException("FinEndpointInvalid", FinErrorKind.InvalidArgument,
                    $"The endpoint '{url}' from {source} is not an http(s) URL.",
                    "Give a URL such as http://127.0.0.1:5000 (the sandbox) or https://rds.eu-west-1.amazonaws.com.");
            }
        }

        public static bool IsLoopback(string url) =>
            url != null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host == "localhost");

        private static bool IsTrue(string s) => string.Equals(s, "true", StringComparison.OrdinalIgnoreCase);

        /// <summary>The shared credentials file: AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials (its sibling 'config' is read too).</summary>
        private string SharedCredentialsPath
        {
            get
            {
                var fromEnv = _env("AWS_SHARED_CREDENTIALS_FILE");
                if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
                return System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "credentials");
            }
        }

        private CredentialProfile FindProfile(string name, string location, string origin, bool required)
        {
            CredentialProfile profile = null;
            try
            {
                if (!string.IsNullOrEmpty(location))
                {
                    if (!System.IO.File.Exists(location))
                    {
                        if (!required) return null;
                        throw new FinBackupException("FinProfileLocationNotFound", FinErrorKind.ObjectNotFound,
                            $"The credentials file '{location}' (-ProfileLocation) does not exist.",
                            "Pass the path of an existing shared credentials file, e.g. -ProfileLocation ~/.aws/credentials.");
                    }
                    new SharedCredentialsFile(location).TryGetProfile(name, out profile);
                }
                else
                {
                    // The shared files first, at the path AWS_SHARED_CREDENTIALS_FILE names now (the SDK caches that variable at first use;
                    // a PowerShell session may change it later), then on Windows the rest of the SDK chain (the encrypted SDK store that
                    // AWS.Tools' Set-AWSCredential -StoreAs writes).
                    if (!new SharedCredentialsFile(SharedCredentialsPath).TryGetProfile(name, out profile) &&
                        System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
                    {
                        new CredentialProfileStoreChain().TryGetProfile(name, out profile);
                    }
                }
            }
            catch (FinBackupException) { throw; }
            catch (Exception ex)
            {
                throw new FinBackupException("FinProfileUnreadable", FinErrorKind.ReadError,
                    $"The AWS profile '{name}' could not be read: {ex.Message}", "Check the syntax of ~/.aws/credentials and ~/.aws/config.", ex);
            }
            if (profile == null && required)
            {
                throw new FinBackupException("FinProfileNotFound", FinErrorKind.ObjectNotFound,
                    $"The AWS profile '{name}' ({origin}) was not found" + (string.IsNullOrEmpty(location) ? " in the shared credentials/config files or the SDK store." : $" in '{location}'."),
                    "Check the name (aws configure list-profiles), create it with 'aws configure --profile " + name + "' or Set-AWSCredential -StoreAs, or pass -ProfileLocation.");
            }
            return profile;
        }

        private void UseProfile(CredentialProfile profile, string location, string source, ResolvedConnection result)
        {
            if (!profile.CanCreateAWSCredentials)
            {
                throw new FinBackupException("FinProfileHasNoCredentials", FinErrorKind.InvalidData,
                    $"The AWS profile '{profile.Name}' has no usable credentials (no keys, role, SSO or credential_process).",
                    "Add aws_access_key_id/aws_secret_access_key (or a role_arn with source_profile, or SSO settings) to the profile.");
            }
            ICredentialProfileSource store = new SharedCredentialsFile(!string.IsNullOrEmpty(location) ? location : SharedCredentialsPath);
            result.Credentials = profile.GetAWSCredentials(store);
            result.CredentialSource = source;
            if (string.IsNullOrEmpty(result.EndpointUrl) && !string.IsNullOrEmpty(profile.EndpointUrl))
            {
                result.EndpointUrl = profile.EndpointUrl.TrimEnd('/');
                result.EndpointSource = $"profile '{profile.Name}' endpoint_url";
            }
        }

        private void UseRoleCredentials(ResolvedConnection result)
        {
            if (!string.IsNullOrEmpty(_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) || !string.IsNullOrEmpty(_env("AWS_CONTAINER_CREDENTIALS_FULL_URI")))
            {
                result.Credentials = new GenericContainerCredentials();
                result.CredentialSource = "container credentials (ECS task role / EKS Pod Identity)";
                return;
            }
            if (!string.IsNullOrEmpty(_env("AWS_WEB_IDENTITY_TOKEN_FILE")) && !string.IsNullOrEmpty(_env("AWS_ROLE_ARN")))
            {
                result.Credentials = AssumeRoleWithWebIdentityCredentials.FromEnvironmentVariables();
                result.CredentialSource = "web identity role (AWS_ROLE_ARN, EKS IRSA)";
                return;
            }
            if (IsTrue(_env("AWS_EC2_METADATA_DISABLED"))) return;
            try
            {
                var instance = new InstanceProfileAWSCredentials();
                var probe = instance.GetCredentials();
                if (probe != null && !string.IsNullOrEmpty(probe.AccessKey))
                {
                    result.Credentials = instance;
                    result.CredentialSource = "EC2 instance role (instance metadata)";
                }
            }
            catch (Exception ex)
            {
                _verbose("No EC2 instance role: " + ex.Message);
            }
        }
    }
}
