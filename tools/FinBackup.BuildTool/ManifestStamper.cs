using System.Text.RegularExpressions;

namespace FinBackup.BuildTool;

/// <summary>
/// Copies the module manifest to the output, stamping the single-sourced version, dropping the source-only
/// ScriptsToProcess line and flattening the format paths (src/FinBackup/Formats/X.ps1xml becomes X.ps1xml).
/// </summary>
public static class ManifestStamper
{
    // Lines that only the source manifest at the repository root carries (ScriptsToProcess that says to build).
    private static readonly Regex SourceOnlyLines = new(@"(?m)^.*(# source-only|the build drops this line).*\r?\n", RegexOptions.Compiled);
    private static readonly Regex VersionLine = new(@"(?m)^(\s*ModuleVersion\s*=\s*)'[^']*'", RegexOptions.Compiled);

    public static void Stamp(string source, string target, string version)
    {
        var text = File.ReadAllText(source);
        if (!VersionLine.IsMatch(text))
        {
            throw new InvalidOperationException($"{source}: no ModuleVersion = '...' line to stamp.");
        }
        var stamped = SourceOnlyLines.Replace(VersionLine.Replace(text, m => $"{m.Groups[1].Value}'{version}'", 1), "");
        // The source manifest names format files where they live (so it validates at the root); out/FinBackup has them flat.
        stamped = stamped.Replace("'src/FinBackup/Formats/", "'");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        if (!File.Exists(target) || File.ReadAllText(target) != stamped)
        {
            File.WriteAllText(target, stamped);
        }
    }
}
