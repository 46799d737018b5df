using System.Diagnostics;
using System.Text.Json;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Recovery;

/// <summary>The AWS CLI against a moto endpoint, as an independent checker (botocore's own serializers).</summary>
internal static class AwsCliJson
{
    public static JsonElement Run(MotoServer moto, string region, params string[] args)
    {
        var exe = MotoServer.FindExecutable("aws");
        Assert.True(exe != null, "the AWS CLI (aws) must be on PATH");
        var psi = new ProcessStartInfo(exe!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--endpoint-url", moto.EndpointUrl, "--region", region, "--output", "json" }.Concat(args)) psi.ArgumentList.Add(a);
        psi.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        psi.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        psi.Environment["AWS_PAGER"] = "";
        psi.Environment.Remove("AWS_PROFILE");
        psi.Environment.Remove("AWS_DEFAULT_PROFILE");
        psi.Environment.Remove("AWS_SESSION_TOKEN");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60000), "aws timed out");
        Assert.True(p.ExitCode == 0, $"aws {string.Join(' ', args)} failed: {stderr}");
        var text = stdout.Result;
        return string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
