using FinBackup.Domain.Connection;
using FinBackup.Domain.Policy;

namespace FinBackup.Tests.Aws;

/// <summary>The first three steps of the one region precedence (the cmdlet base's): parameter, pipeline object, policy.</summary>
public sealed class RegionPrecedenceTests
{
    private static readonly BackupPolicy Policy = new() { Name = "finco", PrimaryRegion = "us-east-1", DrRegion = "us-west-2" };

    [Fact]
    public void The_parameter_beats_the_pipeline_object_which_beats_the_policy()
    {
        var c = RegionPrecedence.Choose(new[] { "eu-west-1" }, "ap-south-1", Policy, false)!;
        Assert.Equal(new[] { "eu-west-1" }, c.Regions);
        Assert.Equal("parameter -Region", c.Source);

        c = RegionPrecedence.Choose(new string[0], "ap-south-1", Policy, true)!;
        Assert.Equal(new[] { "ap-south-1" }, c.Regions);
        Assert.Equal("the piped object's Region", c.Source);

        c = RegionPrecedence.Choose(null!, null, Policy, false)!;
        Assert.Equal(new[] { "us-east-1" }, c.Regions);
        Assert.Equal("policy 'finco' PrimaryRegion", c.Source);
    }

    [Fact]
    public void Searching_cmdlets_get_every_given_region_or_every_policy_region()
    {
        Assert.Equal(new[] { "us-east-1", "us-west-2" }, RegionPrecedence.Choose(null!, null, Policy, true)!.Regions);
        Assert.Equal(new[] { "eu-west-1", "eu-west-2" }, RegionPrecedence.Choose(new[] { "eu-west-1", "", "EU-WEST-1", "eu-west-2" }, null, Policy, true)!.Regions);
    }

    [Fact]
    public void Nothing_named_leaves_the_choice_to_the_session_default_environment_and_profile()
    {
        Assert.Null(RegionPrecedence.Choose(new string[0], "", null, true));
        Assert.Null(RegionPrecedence.Choose(null!, null, new BackupPolicy { Name = "empty" }, false));
    }
}

public sealed class SharedProfileFilesTests
{
    [Fact]
    public void Reads_section_names_only_from_the_files_the_environment_names_else_home()
    {
        var dir = Directory.CreateTempSubdirectory("fin-shared-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, ".aws"));
            File.WriteAllText(Path.Combine(dir, ".aws", "credentials"), "[home-creds]\naws_secret_access_key = x\n");
            File.WriteAllText(Path.Combine(dir, ".aws", "config"), "[default]\n[profile home-config]\n[services s3]\n[sso-session corp]\n  [profile  spaced ] \n");
            var env = new Dictionary<string, string?> { ["HOME"] = dir };
            var names = SharedProfileFiles.ProfileNames(null, k => env.TryGetValue(k, out var v) ? v : null).Select(p => p.Name);
            Assert.Equal(new[] { "home-creds", "default", "home-config", "spaced" }, names);

            var config = Path.Combine(dir, "elsewhere");
            File.WriteAllText(config, "[profile only-here]\n");
            env["AWS_CONFIG_FILE"] = config;
            env["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(dir, "missing");
            Assert.Equal(new[] { "only-here" }, SharedProfileFiles.ProfileNames(null, k => env.TryGetValue(k, out var v) ? v : null).Select(p => p.Name));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
