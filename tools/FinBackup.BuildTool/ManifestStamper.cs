using System.Text.RegularExpressions;

namespace FinBackup.BuildTool;

/// <summary>Copies the module manifest to the output, stamping the single-sourced version.</summary>
public static class ManifestStamper
{
    private static readonly Regex VersionLine = new(@"(?m)^(\s*ModuleVersion\s*=\s*)'[^']*'", RegexOptions.Compiled);

    public static void Stamp(string source, string target, string version)
    {
        var text = File.ReadAllText(source);
        if (!VersionLine.IsMatch(text))
        {
            throw new InvalidOperationException($"{source}: no ModuleVersion = '...' line to stamp.");
        }
        var stamped = VersionLine.Replace(text, m => $"{m.Groups[1].Value}'{version}'", 1);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        if (!File.Exists(target) || File.ReadAllText(target) != stamped)
        {
            File.WriteAllText(target, stamped);
        }
    }
}
