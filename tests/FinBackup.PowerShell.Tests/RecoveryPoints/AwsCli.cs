using System.Diagnostics;
using System.Text.Json;

namespace FinBackup.PowerShell.Tests.RecoveryPoints;

/// <summary>The AWS CLI against the moto endpoint: seeds estates and checks results the way an auditor would.</summary>
internal sealed class AwsCli
{
    private readonly string _endpoint;
    private readonly string _accessKey;
    private readonly string _secretKey;

    public AwsCli(string endpoint, string accessKey = "testing", string secretKey = "testing")
    {
        _endpoint = endpoint;
        _accessKey = accessKey;
        _secretKey = secretKey;
    }

    public JsonElement Json(params string[] args)
    {
        var text = Run(args);
        return string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public string Run(params string[] args)
    {
        var psi = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("--endpoint-url");
        psi.ArgumentList.Add(_endpoint);
        psi.ArgumentList.Add("--output");
        psi.ArgumentList.Add("json");
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["AWS_ACCESS_KEY_ID"] = _accessKey;
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = _secretKey;
        psi.Environment.Remove("AWS_SESSION_TOKEN");
        psi.Environment.Remove("AWS_PROFILE");
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        psi.Environment["AWS_PAGER"] = "";
        psi.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        psi.Environment.Remove("AWS_REGION");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"aws {string.Join(' ', args)} failed: {stderr}");
        return stdout.Result;
    }

    /// <summary>KMS alias/fin-backup in both regions (returns the key ARNs), instances with encrypted root + data volumes, an RDS DB.</summary>
    public (Dictionary<string, string> keys, Dictionary<string, string> instances) SeedEstate(bool withDatabase, params string[] apps)
    {
        var keys = new Dictionary<string, string>();
        foreach (var region in new[] { "us-east-1", "us-west-2" })
        {
            var key = Json("kms", "create-key", "--region", region, "--description", "fin-backup");
            var id = key.GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;
            keys[region] = key.GetProperty("KeyMetadata").GetProperty("Arn").GetString()!;
            Run("kms", "create-alias", "--region", region, "--alias-name", "alias/fin-backup", "--target-key-id", id);
        }
        var image = Json("ec2", "describe-images", "--region", "us-east-1").GetProperty("Images")[0].GetProperty("ImageId").GetString()!;
        var instances = new Dictionary<string, string>();
        foreach (var app in apps)
        {
            var slug = app.ToLowerInvariant().Replace(' ', '-');
            var r = Json("ec2", "run-instances", "--region", "us-east-1", "--image-id", image, "--count", "1", "--instance-type", "t3.micro",
                "--block-device-mappings",
                "[{\"DeviceName\":\"/dev/sda1\",\"Ebs\":{\"VolumeSize\":100,\"Encrypted\":true}},{\"DeviceName\":\"/dev/sdf\",\"Ebs\":{\"VolumeSize\":309,\"Encrypted\":true}}]",
                "--tag-specifications", $"ResourceType=instance,Tags=[{{Key=fin:application,Value={app}}},{{Key=Name,Value={slug}-app-1}}]");
            instances[app] = r.GetProperty("Instances")[0].GetProperty("InstanceId").GetString()!;
        }
        if (withDatabase)
        {
            Run("rds", "create-db-instance", "--region", "us-east-1", "--db-instance-identifier", "cross-sell-db", "--db-instance-class", "db.m5.large",
                "--engine", "postgres", "--allocated-storage", "10240", "--master-username", "finadmin", "--master-user-password", "Sandbox-Passw0rd",
                "--storage-encrypted", "--tags", "Key=fin:application,Value=Cross-sell");
        }
        return (keys, instances);
    }
}
