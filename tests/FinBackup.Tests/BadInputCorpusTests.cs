using System.Text;
using FinBackup.Aws.Files;
using FinBackup.Domain;
using FinBackup.Domain.Files;
using FinBackup.Domain.Policy;
using FinBackup.TestSupport;

namespace FinBackup.Tests;

/// <summary>
/// The bad-input corpus (tests/corpus/bad-input, expected.tsv): every JSON policy through the real policy reader and every
/// manifest through the real manifest parser and validator. Each must fail with its error id, naming the field (and the
/// line where the format has lines). The .psd1 cases run through Import-FinBackupPolicy in FinBackup.PowerShell.Tests.
/// </summary>
public sealed class BadInputCorpusTests
{
    public static string CorpusDir => Path.Combine(RepoPaths.Root, "tests", "corpus", "bad-input");

    public sealed record Case(string File, string ErrorId, string Rule, string Field, int? Line)
    {
        public override string ToString() => File;
    }

    public static IReadOnlyList<Case> Cases() =>
        System.IO.File.ReadAllLines(Path.Combine(CorpusDir, "expected.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .Select(c => new Case(c[0], c[1], c[2], c[3], c[4] == "-" ? null : int.Parse(c[4])))
            .ToList();

    public static IEnumerable<object[]> JsonPolicies() => Cases().Where(c => c.File.StartsWith("policy-") && c.File.EndsWith(".json")).Select(c => new object[] { c.File });
    public static IEnumerable<object[]> Manifests() => Cases().Where(c => c.File.StartsWith("manifest-")).Select(c => new object[] { c.File });

    private static Case Get(string file) => Cases().Single(c => c.File == file);

    [Fact]
    public void Every_file_in_the_corpus_has_an_expectation_and_every_expectation_a_file()
    {
        var files = Directory.EnumerateFiles(CorpusDir).Select(Path.GetFileName).Where(f => f != "expected.tsv" && f != "README.md").OrderBy(f => f).ToList();
        Assert.Equal(files, Cases().Select(c => c.File).OrderBy(f => f).ToList());
        Assert.True(files.Count >= 25, "corpus has " + files.Count + " cases");
    }

    [Theory]
    [MemberData(nameof(JsonPolicies))]
    public void A_bad_json_policy_is_an_error_naming_the_field_and_line(string file)
    {
        var c = Get(file);
        var path = Path.Combine(CorpusDir, file);
        var result = PolicyReader.ReadJson(System.IO.File.ReadAllText(path), path);
        Assert.True(result.HasErrors, file + " was accepted");
        var error = result.Errors.FirstOrDefault(d => d.Field == c.Field);
        Assert.True(error != null, $"{file}: no error for {c.Field}; errors: {string.Join(" | ", result.Errors.Select(e => e.Message))}");
        Assert.Equal(c.Rule, error!.Rule);
        Assert.Equal(c.Line, error.Position?.Line);
        Assert.Contains(c.Field, error.Message);
        Assert.Contains("line " + c.Line, error.Message);
        Assert.True(error.Message.Length < 400, "message too long: " + error.Message.Length);
        // The validator runs on whatever was read without throwing (1e300 once crashed it with OverflowException).
        if (result.Policy != null) PolicyValidator.Validate(result.Policy);
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void A_bad_manifest_is_refused_with_its_error_id_naming_the_entry(string file)
    {
        var c = Get(file);
        var bytes = System.IO.File.ReadAllBytes(Path.Combine(CorpusDir, file));
        var ex = Assert.Throws<FinBackupException>(() =>
        {
            var m = FileManifestJson.Deserialize(bytes, "manifests/corpus/" + file);
            ManifestValidator.Check(m);
        });
        Assert.Equal(c.ErrorId, ex.ErrorId);
        Assert.Equal(FinErrorKind.InvalidData, ex.Kind);
        Assert.Contains(c.Field, ex.Message);
        Assert.StartsWith("The manifest 'manifests/", ex.Message);
        Assert.True(ex.Message.Length < 1500, "message too long: " + ex.Message.Length);
    }

    [Fact]
    public void Special_and_oversized_policy_paths_are_refused_before_they_are_read()
    {
        if (!OperatingSystem.IsLinux()) return;
        var ex = Assert.Throws<FinBackupException>(() => PolicyFileText.Read("/dev/zero"));
        Assert.Equal("FinPolicyFileNotRegular", ex.ErrorId);
        Assert.Contains("character device", ex.Message);

        var dir = Directory.CreateTempSubdirectory("fin-policy-special-").FullName;
        try
        {
            var fifo = Path.Combine(dir, "policy.psd1");
            var p = System.Diagnostics.Process.Start("mkfifo", fifo)!;
            p.WaitForExit();
            var task = Task.Run(() => Assert.Throws<FinBackupException>(() => PolicyFileText.Read(fifo)));
            Assert.True(task.Wait(TimeSpan.FromSeconds(60)), "reading a FIFO policy hung");
            Assert.Equal("FinPolicyFileNotRegular", task.Result.ErrorId);
            Assert.Contains("FIFO", task.Result.Message);

            var big = Path.Combine(dir, "big.json");
            using (var s = System.IO.File.Create(big)) s.SetLength(PolicyFileText.MaxBytes + 1);
            ex = Assert.Throws<FinBackupException>(() => PolicyFileText.Read(big));
            Assert.Equal("FinPolicyFileTooLarge", ex.ErrorId);
            Assert.Contains("10 MiB", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
