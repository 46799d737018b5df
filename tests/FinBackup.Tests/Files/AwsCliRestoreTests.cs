using System.Diagnostics;
using System.Text.RegularExpressions;
using FinBackup.Domain.Files;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Files;

/// <summary>The "restore with only the AWS CLI" procedure from docs/Invoke-FinRestore.md, run as written against moto.</summary>
[Collection(MotoCollection.Name)]
public sealed class AwsCliRestoreTests : IDisposable
{
    private readonly FilesTestBed _bed;

    public AwsCliRestoreTests(MotoServer moto)
    {
        _bed = new FilesTestBed(moto);
    }

    public void Dispose() => _bed.Dispose();

    internal static string ScriptFromHelp()
    {
        var page = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "Invoke-FinRestore.md"));
        var notes = page[page.IndexOf("## NOTES", StringComparison.Ordinal)..];
        var m = Regex.Match(notes, "```bash\n(.*?)\n```", RegexOptions.Singleline);
        Assert.True(m.Success, "docs/Invoke-FinRestore.md has no ```bash block in NOTES");
        return m.Groups[1].Value;
    }

    [Fact]
    public void The_documented_AWS_CLI_procedure_restores_every_file_byte_identical()
    {
        Assert.NotNull(MotoServer.FindExecutable("aws"));
        Assert.NotNull(MotoServer.FindExecutable("jq"));
        var ledger = _bed.MakeLedger();
        var result = new FileBackupEngine(_bed.Store, FilesTestBed.SmallSettings())
            .Run(_bed.Request(ledger), new RecordingObserver(), CancellationToken.None);

        var dest = _bed.NewDir("cli-restore");
        var work = _bed.NewDir("cli-work");
        var script = ScriptFromHelp();
        script = Regex.Replace(script, "^B=.*$", $"B={FilesTestBed.PrimaryBucket}", RegexOptions.Multiline);
        script = Regex.Replace(script, "^M=.*$", $"M='{result.Manifest.Key}'", RegexOptions.Multiline);
        script = Regex.Replace(script, "^DEST=.*$", $"DEST='{dest}'", RegexOptions.Multiline);
        var scriptFile = Path.Combine(work, "restore.sh");
        File.WriteAllText(scriptFile, script);

        var psi = new ProcessStartInfo("bash", scriptFile) { WorkingDirectory = work, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        psi.Environment["AWS_DEFAULT_REGION"] = FilesTestBed.Primary;
        psi.Environment["AWS_ENDPOINT_URL"] = _bed.Moto.EndpointUrl;
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(300_000), "the CLI restore took more than 5 minutes");
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {stderr.Result} {stdout.Result}");

        Assert.Equal(FilesTestBed.HashTree(Path.GetDirectoryName(ledger)!), FilesTestBed.HashTree(dest));
        Assert.Equal(File.GetLastWriteTimeUtc(Path.Combine(ledger, "journal.bin")), File.GetLastWriteTimeUtc(Path.Combine(dest, "ledger", "journal.bin")), TimeSpan.FromSeconds(1));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dest, "ledger", "secret.conf")));
    }
}
