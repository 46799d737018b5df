using System.Management.Automation.Language;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Module;

/// <summary>
/// Every .ps1/.psm1/.psd1 in the repository (Pester tests, build.ps1, examples, policies) parses without errors,
/// so none can rot unnoticed on machines without pwsh or Pester.
/// </summary>
public sealed class ScriptParseTests
{
    public static IEnumerable<object[]> Scripts() =>
        Directory.EnumerateFiles(RepoPaths.Root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase)
                     || f.EndsWith(".psm1", StringComparison.OrdinalIgnoreCase)
                     || f.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase))
            .Where(f => !IsIgnored(f))
            .Select(f => new object[] { Path.GetRelativePath(RepoPaths.Root, f) });

    private static bool IsIgnored(string path)
    {
        var rel = Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/');
        return rel.StartsWith("out/") || rel.Contains("/bin/") || rel.Contains("/obj/") || rel.StartsWith(".git/");
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_parses_without_errors(string relativePath)
    {
        Parser.ParseFile(Path.Combine(RepoPaths.Root, relativePath), out _, out var errors);
        Assert.True(errors.Length == 0,
            $"{relativePath}: " + string.Join("; ", errors.Select(e => $"line {e.Extent.StartLineNumber}: {e.Message}")));
    }

    [Fact]
    public void The_repository_has_the_scripts_users_rely_on()
    {
        var all = Scripts().Select(s => ((string)s[0]).Replace('\\', '/')).ToList();
        Assert.Contains("build.ps1", all);
        Assert.Contains("FinBackup.psd1", all);
        Assert.Contains(all, s => s.StartsWith("tests/pester/") && s.EndsWith(".Tests.ps1"));
        Assert.Contains(all, s => s.StartsWith("examples/"));
    }
}
