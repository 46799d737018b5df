using System.Collections;
using FinBackup.Aws;
using FinBackup.Domain;
using FinBackup.Domain.Connection;

namespace FinBackup.Tests.Aws;

/// <summary>Tests that set process environment variables (AWS_SHARED_CREDENTIALS_FILE...) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AwsEnvironmentCollection
{
    public const string Name = "aws-environment";
}

/// <summary>
/// Resolution order of credentials, region and endpoint. The resolver's own environment reads are injected (a dictionary);
/// the SDK's profile store reads AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE from the process, so those point at temp
/// files for the duration of each test and are restored afterwards.
/// </summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class ConnectionResolverTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fin-aws-profiles-").FullName;
    private readonly Dictionary<string, string?> _saved = new();
    private readonly Dictionary<string, string> _env = new() { ["AWS_EC2_METADATA_DISABLED"] = "true" };
    private readonly string _credentials;
    private readonly string _config;

    public ConnectionResolverTests()
    {
        _credentials = Path.Combine(_dir, "credentials");
        _config = Path.Combine(_dir, "config");
        File.WriteAllText(_credentials, """
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = default-secret

            [ops]
            aws_access_key_id = AKIAOPS
            aws_secret_access_key = ops-secret

            [audit]
            aws_access_key_id = AKIAAUDIT
            aws_secret_access_key = audit-secret

            [envprofile]
            aws_access_key_id = AKIAENVPROFILE
            aws_secret_access_key = envprofile-secret
            """);
        File.WriteAllText(_config, """
            [default]
            region = eu-west-1

            [profile ops]
            region = ap-southeast-2

            [profile audit]
            region = eu-central-1

            [profile envprofile]
            region = ca-central-1

            [profile regiononly]
            region = us-east-2
            """);
        // The SDK caches AWS_SHARED_CREDENTIALS_FILE/AWS_CONFIG_FILE at first use, so the resolver reads the path itself
        // (from its injected environment) and the SDK reads the sibling 'config'. Make sure the process has no AWS_CONFIG_FILE.
        _env["AWS_SHARED_CREDENTIALS_FILE"] = _credentials;
        SetProcessEnv("AWS_CONFIG_FILE", null);
    }

    private void SetProcessEnv(string name, string? value)
    {
        if (!_saved.ContainsKey(name)) _saved[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose()
    {
        foreach (var kv in _saved) Environment.SetEnvironmentVariable(kv.Key, kv.Value);
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private ResolvedConnection Resolve(AwsConnectionRequest request) =>
        new AwsConnectionResolver(null, n => _env.TryGetValue(n, out var v) ? v : null, () => new Hashtable(_env)).Resolve(request);

    private static string KeyOf(ResolvedConnection r) => r.Credentials.GetCredentials().AccessKey;

    [Fact]
    public void Explicit_keys_beat_profile_defaults_and_environment_but_the_profile_still_gives_the_region()
    {
        _env["AWS_ACCESS_KEY_ID"] = "AKIAENV"; _env["AWS_SECRET_ACCESS_KEY"] = "env";
        var r = Resolve(new AwsConnectionRequest
        {
            AccessKey = "AKIAEXPLICIT", SecretKey = "s", SessionToken = "tok", ProfileName = "ops",
            Defaults = new FinSessionDefaults { ProfileName = "audit", Region = "us-west-1" },
        });
        Assert.Equal("AKIAEXPLICIT", KeyOf(r));
        Assert.Equal("tok", r.Credentials.GetCredentials().Token);
        Assert.Equal("parameters -AccessKey/-SecretKey/-SessionToken", r.CredentialSource);
        Assert.Equal("ap-southeast-2", r.Region);
        Assert.Equal("profile 'ops'", r.RegionSource);
    }

    [Fact]
    public void Explicit_profile_beats_session_default_profile_and_environment()
    {
        _env["AWS_ACCESS_KEY_ID"] = "AKIAENV"; _env["AWS_SECRET_ACCESS_KEY"] = "env"; _env["AWS_REGION"] = "sa-east-1";
        var r = Resolve(new AwsConnectionRequest { ProfileName = "ops", Defaults = new FinSessionDefaults { ProfileName = "audit" } });
        Assert.Equal("AKIAOPS", KeyOf(r));
        Assert.Contains("'ops'", r.CredentialSource);
        Assert.Equal("ap-southeast-2", r.Region);
    }

    [Fact]
    public void ProfileLocation_reads_that_file()
    {
        var other = Path.Combine(_dir, "other-credentials");
        File.WriteAllText(other, "[ops]\naws_access_key_id = AKIAOTHERFILE\naws_secret_access_key = x\n");
        var r = Resolve(new AwsConnectionRequest { ProfileName = "ops", ProfileLocation = other, Region = "us-east-1" });
        Assert.Equal("AKIAOTHERFILE", KeyOf(r));
    }

    [Fact]
    public void Session_defaults_beat_environment()
    {
        _env["AWS_ACCESS_KEY_ID"] = "AKIAENV"; _env["AWS_SECRET_ACCESS_KEY"] = "env"; _env["AWS_REGION"] = "sa-east-1";
        var r = Resolve(new AwsConnectionRequest { Defaults = new FinSessionDefaults { ProfileName = "audit", Region = "us-west-1" } });
        Assert.Equal("AKIAAUDIT", KeyOf(r));
        Assert.Equal("profile 'audit' (session default)", r.CredentialSource);
        Assert.Equal("us-west-1", r.Region);
        Assert.Equal("session default (Set-FinDefault)", r.RegionSource);
    }

    [Fact]
    public void Sandbox_session_defaults_beat_environment_keys_AWS_PROFILE_and_the_default_profile()
    {
        // An admin's shell: keys, a profile name and a region in the environment, and a [default] profile on disk.
        // Start-FinSandbox sets session defaults (endpoint + region); as in AWS.Tools, session defaults rank above the environment.
        _env["AWS_ACCESS_KEY_ID"] = "AKIAENV"; _env["AWS_SECRET_ACCESS_KEY"] = "env"; _env["AWS_REGION"] = "sa-east-1";
        _env["AWS_PROFILE"] = "no-such-profile";
        var r = Resolve(new AwsConnectionRequest { Defaults = new FinSessionDefaults { EndpointUrl = "http://127.0.0.1:5999", Region = "us-east-1" } });
        Assert.Equal(AwsConnectionResolver.SandboxAccessKey, KeyOf(r));
        Assert.StartsWith("sandbox dummy credentials", r.CredentialSource);
        Assert.Equal("us-east-1", r.Region);
        Assert.Equal("session default (Set-FinDefault)", r.RegionSource);

        // The same for -EndpointUrl on the command line: the sandbox endpoint was given explicitly.
        r = Resolve(new AwsConnectionRequest { EndpointUrl = "http://127.0.0.1:5999", Region = "us-east-1" });
        Assert.Equal(AwsConnectionResolver.SandboxAccessKey, KeyOf(r));

        // An explicit -ProfileName still beats the sandbox defaults.
        r = Resolve(new AwsConnectionRequest { ProfileName = "ops", Defaults = new FinSessionDefaults { EndpointUrl = "http://127.0.0.1:5999", Region = "us-east-1" } });
        Assert.Equal("AKIAOPS", KeyOf(r));

        // A loopback endpoint from the environment ranks with the environment: the environment's keys win.
        _env.Remove("AWS_PROFILE");
        _env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:5999";
        r = Resolve(new AwsConnectionRequest());
        Assert.Equal("AKIAENV", KeyOf(r));
    }

    [Fact]
    public void Environment_keys_beat_AWS_PROFILE_which_beats_the_default_profile()
    {
        _env["AWS_PROFILE"] = "envprofile";
        var r = Resolve(new AwsConnectionRequest());
        Assert.Equal("AKIAENVPROFILE", KeyOf(r));
        Assert.Equal("ca-central-1", r.Region);
        Assert.Equal("profile 'envprofile'", r.RegionSource);

        _env["AWS_ACCESS_KEY_ID"] = "AKIAENV"; _env["AWS_SECRET_ACCESS_KEY"] = "env"; _env["AWS_SESSION_TOKEN"] = "envtoken";
        _env["AWS_DEFAULT_REGION"] = "us-west-2";
        r = Resolve(new AwsConnectionRequest());
        Assert.Equal("AKIAENV", KeyOf(r));
        Assert.Equal("envtoken", r.Credentials.GetCredentials().Token);
        Assert.StartsWith("environment AWS_ACCESS_KEY_ID", r.CredentialSource);
        Assert.Equal("us-west-2", r.Region);
        Assert.Equal("environment AWS_DEFAULT_REGION", r.RegionSource);

        _env["AWS_REGION"] = "eu-north-1";
        Assert.Equal("eu-north-1", Resolve(new AwsConnectionRequest()).Region);
    }

    [Fact]
    public void The_default_profile_is_the_last_file_based_source()
    {
        var r = Resolve(new AwsConnectionRequest());
        Assert.Equal("AKIADEFAULT", KeyOf(r));
        Assert.Equal("profile 'default'", r.CredentialSource);
        Assert.Equal("eu-west-1", r.Region);
    }

    [Fact]
    public void Region_parameter_beats_every_other_region_source()
    {
        _env["AWS_REGION"] = "sa-east-1";
        var r = Resolve(new AwsConnectionRequest { Region = "us-east-1", ProfileName = "ops", Defaults = new FinSessionDefaults { Region = "us-west-1" } });
        Assert.Equal("us-east-1", r.Region);
        Assert.Equal("parameter -Region", r.RegionSource);
    }

    [Fact]
    public void A_loopback_endpoint_without_credentials_gets_sandbox_credentials_and_nothing_at_all_is_a_clear_error()
    {
        File.WriteAllText(_credentials, "");
        File.WriteAllText(_config, "");
        var r = Resolve(new AwsConnectionRequest { Region = "us-east-1", Defaults = new FinSessionDefaults { EndpointUrl = "http://127.0.0.1:5999" } });
        Assert.Equal(AwsConnectionResolver.SandboxAccessKey, KeyOf(r));
        Assert.StartsWith("sandbox dummy credentials", r.CredentialSource);
        Assert.Equal("http://127.0.0.1:5999", r.EndpointUrl);

        var ex = Assert.Throws<FinBackupException>(() => Resolve(new AwsConnectionRequest { Region = "us-east-1" }));
        Assert.Equal("FinCredentialsNotFound", ex.ErrorId);
        Assert.Equal(FinErrorKind.AuthenticationError, ex.Kind);
        Assert.Contains("-ProfileName", ex.RecommendedAction);
        Assert.Contains("AWS_ACCESS_KEY_ID", ex.RecommendedAction);
    }

    [Fact]
    public void Missing_region_names_the_fixes()
    {
        File.WriteAllText(_config, "");
        var ex = Assert.Throws<FinBackupException>(() => Resolve(new AwsConnectionRequest { ProfileName = "ops" }));
        Assert.Equal("FinRegionMissing", ex.ErrorId);
        Assert.Contains("-Region", ex.RecommendedAction);
        Assert.Contains("Set-FinDefault", ex.RecommendedAction);
    }

    [Fact]
    public void Unknown_region_is_rejected_unless_a_custom_endpoint_is_used()
    {
        var ex = Assert.Throws<FinBackupException>(() => Resolve(new AwsConnectionRequest { Region = "us-esat-1" }));
        Assert.Equal("FinRegionUnknown", ex.ErrorId);
        Assert.Equal(FinErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("us-east-1", ex.RecommendedAction);
        var ok = Resolve(new AwsConnectionRequest { Region = "local-1", EndpointUrl = "http://127.0.0.1:5000" });
        Assert.Equal("local-1", ok.Region);
    }

    [Fact]
    public void Profile_not_found_and_a_missing_profile_file_are_distinct_errors()
    {
        var ex = Assert.Throws<FinBackupException>(() => Resolve(new AwsConnectionRequest { ProfileName = "nope", Region = "us-east-1" }));
        Assert.Equal("FinProfileNotFound", ex.ErrorId);
        Assert.Equal(FinErrorKind.ObjectNotFound, ex.Kind);
        Assert.Contains("'nope'", ex.Message);

        ex = Assert.Throws<FinBackupException>(() => Resolve(new AwsConnectionRequest { ProfileName = "ops", ProfileLocation = Path.Combine(_dir, "missing") }));
        Assert.Equal("FinProfileLocationNotFound", ex.ErrorId);

        _env["AWS_PROFILE"] = "ghost";
        ex = Assert.Throws<FinBackupException>(() => Resolve(new AwsConnectionRequest { Region = "us-east-1" }));
        Assert.Equal("FinProfileNotFound", ex.ErrorId);
        Assert.Contains("AWS_PROFILE", ex.Message);
    }

    [Fact]
    public void A_profile_without_credentials_says_so()
    {
        var ex = Assert.Throws<FinBackupException>(() => Resolve(new AwsConnectionRequest { ProfileName = "regiononly" }));
        Assert.Equal("FinProfileHasNoCredentials", ex.ErrorId);
    }

    [Fact]
    public void Half_a_key_pair_is_rejected()
    {
        var ex = Assert.Throws<FinBackupException>(() => Resolve(new AwsConnectionRequest { AccessKey = "AKIA", Region = "us-east-1" }));
        Assert.Equal("FinCredentialsIncomplete", ex.ErrorId);
    }

    [Fact]
    public void Endpoint_order_and_per_service_overrides()
    {
        _env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:7001";
        _env["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = "http://127.0.0.1:7002/";
        var r = Resolve(new AwsConnectionRequest { Region = "us-east-1" });
        Assert.Equal("http://127.0.0.1:7001", r.EndpointUrl);
        Assert.Equal("environment AWS_ENDPOINT_URL", r.EndpointSource);
        Assert.Equal("http://127.0.0.1:7002", r.ServiceEndpoints["SECRETS_MANAGER"]);
        using (var session = AwsSessionFactory.Open(r))
        {
            Assert.Equal("http://127.0.0.1:7002", session.Context.EndpointFor("SECRETS_MANAGER"));
            Assert.Equal("http://127.0.0.1:7001", session.Context.EndpointFor("RDS"));
        }

        r = Resolve(new AwsConnectionRequest { Region = "us-east-1", Defaults = new FinSessionDefaults { EndpointUrl = "http://127.0.0.1:7003" } });
        Assert.Equal("http://127.0.0.1:7003", r.EndpointUrl);
        Assert.Empty(r.ServiceEndpoints);
        r = Resolve(new AwsConnectionRequest { Region = "us-east-1", EndpointUrl = "http://127.0.0.1:7004", Defaults = new FinSessionDefaults { EndpointUrl = "http://127.0.0.1:7003" } });
        Assert.Equal("http://127.0.0.1:7004", r.EndpointUrl);
        Assert.Equal("parameter -EndpointUrl", r.EndpointSource);

        var ex = Assert.Throws<FinBackupException>(() => Resolve(new AwsConnectionRequest { Region = "us-east-1", EndpointUrl = "ftp://x" }));
        Assert.Equal("FinEndpointInvalid", ex.ErrorId);
    }
}
