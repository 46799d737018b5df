using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Policy;

/// <summary>
/// The bad-input corpus's policies (tests/corpus/bad-input/policy-*, .psd1 and .json) through Import-FinBackupPolicy and
/// Test-FinBackupPolicy in the built module: one FinPolicyFieldInvalid error record per case naming the field and the line,
/// no exception dump; and policy paths that are not regular files are refused before they are opened.
/// </summary>
public sealed class BadInputCorpusCmdletTests
{
    private static string CorpusDir => Path.Combine(RepoPaths.Root, "tests", "corpus", "bad-input");

    public static IEnumerable<object[]> Policies() =>
        File.ReadAllLines(Path.Combine(CorpusDir, "expected.tsv"))
            .Where(l => l.StartsWith("policy-"))
            .Select(l => l.Split('\t'))
            .Select(c => new object[] { c[0], c[1], c[3], c[4] });

    [Theory]
    [MemberData(nameof(Policies))]
    public void Import_and_Test_report_the_error_id_field_and_line(string file, string errorId, string field, string line)
    {
        using var host = new ModuleHost();
        var path = Path.Combine(CorpusDir, file);
        var r = host.Run($"Import-FinBackupPolicy -Path '{path}'");
        Assert.Null(r.Terminating);
        Assert.Empty(r.Output);
        var error = r.Errors.FirstOrDefault(e => e.Exception.Message.Contains(field + ":"));
        Assert.True(error != null, $"{file}: no error naming {field}: " + string.Join(" | ", r.Errors.Select(e => e.FullyQualifiedErrorId + " " + e.Exception.Message)));
        Assert.StartsWith(errorId + ",", error!.FullyQualifiedErrorId);
        Assert.Contains("line " + line, error.Exception.Message);
        Assert.DoesNotContain("Exception", error.Exception.Message);

        // Test-FinBackupPolicy: the finding names the field and line, and the run ends in FinPolicyInvalid (no OverflowException).
        r = host.Run($"Test-FinBackupPolicy -Path '{path}'");
        Assert.Null(r.Terminating);
        var finding = r.Output.FirstOrDefault(o => o.Properties["Field"]?.Value as string == field);
        Assert.True(finding != null, $"{file}: no finding for {field}");
        Assert.Equal("Error", finding!.Properties["Severity"].Value.ToString());
        Assert.EndsWith("line " + line, (string)finding.Properties["Location"].Value);
        Assert.All(r.Errors, e => Assert.StartsWith("FinPolicyInvalid,", e.FullyQualifiedErrorId));
    }

    [Fact]
    public void Dev_zero_a_FIFO_and_an_11_MiB_file_are_refused_before_they_are_read()
    {
        if (!OperatingSystem.IsLinux()) return;
        var dir = Directory.CreateTempSubdirectory("finps-policy-special-").FullName;
        try
        {
            var fifo = Path.Combine(dir, "fifo.psd1");
            System.Diagnostics.Process.Start("mkfifo", fifo)!.WaitForExit();
            var big = Path.Combine(dir, "big.psd1");
            using (var s = File.Create(big)) s.SetLength(11 << 20);
            using var host = new ModuleHost();
            foreach (var (path, id) in new[] { ("/dev/zero", "FinPolicyFileNotRegular"), (fifo, "FinPolicyFileNotRegular"), (big, "FinPolicyFileTooLarge") })
            {
                var task = Task.Run(() => host.Run($"Import-FinBackupPolicy -Path '{path}'"));
                Assert.True(task.Wait(TimeSpan.FromSeconds(120)), "Import-FinBackupPolicy hung on " + path);
                var error = Assert.Single(task.Result.Errors);
                Assert.Equal(id + ",FinBackup.Cmdlets.ImportFinBackupPolicyCommand", error.FullyQualifiedErrorId);
                Assert.Contains(path, error.Exception.Message);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
