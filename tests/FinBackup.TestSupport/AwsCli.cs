using System.Diagnostics;
using System.Text.Json;

namespace FinBackup.TestSupport;

/// <summary>
/// The AWS CLI as an independent checker: runs <c>aws</c> against an endpoint with moto's dummy credentials and no
/// profile, and returns the parsed JSON output. Used to count from outside what FinBackup left in an account.
/// </summary>
public static class AwsCli
{
    public static JsonElement Run(string endpointUrl, string region, params string[] args)
    {
        var exe = MotoServer.FindExecutable("aws") ?? throw new InvalidOperationException("the AWS CLI (aws) must be on PATH");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--endpoint-url", endpointUrl, "--region", region, "--output", "json" }.Concat(args)) psi.ArgumentList.Add(a);
        psi.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        psi.Environment.Remove("AWS_SESSION_TOKEN");
        psi.Environment.Remove("AWS_PROFILE");
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        psi.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        psi.Environment["AWS_PAGER"] = "";
        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        var stdout = stdoutTask.GetAwaiter().GetResult();
        if (!p.WaitForExit(120000)) { try { p.Kill(); } catch (Exception) { } throw new TimeoutException("aws timed out: " + string.Join(' ', args)); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"aws {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
        return string.IsNullOrWhiteSpace(stdout) ? default : JsonDocument.Parse(stdout).RootElement.Clone();
    }

    /// <summary>The account's own AMIs in a region, as the AWS CLI lists them.</summary>
    public static JsonElement[] Images(string endpointUrl, string region) =>
        Run(endpointUrl, region, "ec2", "describe-images", "--owners", "self").GetProperty("Images").EnumerateArray().ToArray();

    /// <summary>The value of tag <paramref name="key"/> in an EC2 "Tags" array (null when absent).</summary>
    public static string? Tag(JsonElement resource, string key)
    {
        if (!resource.TryGetProperty("Tags", out var tags) || tags.ValueKind != JsonValueKind.Array) return null;
        foreach (var t in tags.EnumerateArray())
            if (t.TryGetProperty("Key", out var k) && k.GetString() == key) return t.GetProperty("Value").GetString();
        return null;
    }
}
