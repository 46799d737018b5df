using System.Text;
using System.Text.RegularExpressions;

namespace FinBackup.BuildTool;

public sealed record HelpExample(string Title, string Code, string Remarks);
public sealed record HelpType(string Name, string Description);
public sealed record HelpLink(string Text, string Uri);

public sealed class HelpParameter
{
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public string Type { get; init; } = "Object";
    public string[] Sets { get; init; } = ["(All)"];
    public string[] Aliases { get; init; } = [];
    public bool RequiredFlag { get; init; }
    public string PositionValue { get; init; } = "Named";
    public string DefaultValue { get; init; } = "None";
    public string PipelineInput { get; init; } = "False";
    public bool Wildcards { get; init; }

    public bool InSet(string set) => Sets.Contains("(All)") || Sets.Contains(set, StringComparer.OrdinalIgnoreCase);
    public bool Required(string? set) => RequiredFlag;
    public string Position(string? set) => PositionValue.Equals("Named", StringComparison.OrdinalIgnoreCase) ? "named" : PositionValue;
}

/// <summary>One cmdlet page in PlatyPS markdown (schema 2.0.0), parsed.</summary>
public sealed class CmdletHelpPage
{
    public string File { get; init; } = "";
    public string Name { get; init; } = "";
    public string Synopsis { get; init; } = "";
    public string Description { get; init; } = "";
    public string Notes { get; init; } = "";
    public List<string> SyntaxSets { get; } = new();
    public List<HelpExample> Examples { get; } = new();
    public List<HelpParameter> Parameters { get; } = new();
    public List<HelpType> Inputs { get; } = new();
    public List<HelpType> Outputs { get; } = new();
    public List<HelpLink> RelatedLinks { get; } = new();

    public IEnumerable<string> ParameterSetNames()
    {
        var sets = SyntaxSets.Count > 0 ? SyntaxSets
            : Parameters.SelectMany(p => p.Sets).Where(s => s != "(All)").Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return sets.Count > 0 ? sets : new List<string> { "(All)" };
    }

    private static readonly Regex Heading = new(@"^(#{1,3}) (.+?)\s*$");

    public static CmdletHelpPage Parse(string path)
    {
        var lines = System.IO.File.ReadAllLines(path);
        int start = 0;
        if (lines.Length > 0 && lines[0].Trim() == "---")
        {
            start = Array.FindIndex(lines, 1, l => l.Trim() == "---") + 1;
            if (start == 0) throw new HelpFormatException(path, 1, "front matter is not closed with ---");
        }

        string? name = null;
        var sections = new List<(string Title, int Line, List<string> Body)>();
        for (int i = start; i < lines.Length; i++)
        {
            var m = Heading.Match(lines[i]);
            if (m.Success && m.Groups[1].Value == "#" ) { name = m.Groups[2].Value.Trim(); continue; }
            if (m.Success && m.Groups[1].Value == "##") { sections.Add((m.Groups[2].Value.Trim().ToUpperInvariant(), i + 1, new List<string>())); continue; }
            if (sections.Count > 0) sections[^1].Body.Add(lines[i]);
        }
        if (name is null) throw new HelpFormatException(path, 1, "no '# Verb-Noun' title");
        var fileName = Path.GetFileNameWithoutExtension(path);
        if (!string.Equals(fileName, name, StringComparison.OrdinalIgnoreCase))
            throw new HelpFormatException(path, 1, $"title '{name}' does not match the file name '{fileName}'");

        string Section(string title) => string.Join("\n", sections.FirstOrDefault(s => s.Title == title).Body ?? new List<string>()).Trim();
        var page = new CmdletHelpPage
        {
            File = path,
            Name = name,
            Synopsis = Section("SYNOPSIS"),
            Description = Section("DESCRIPTION"),
            Notes = Section("NOTES"),
        };
        if (string.IsNullOrWhiteSpace(page.Synopsis)) throw new HelpFormatException(path, 1, "empty SYNOPSIS");

        foreach (var sub in SubSections(Section("SYNTAX")))
        {
            page.SyntaxSets.Add(sub.Title.Replace("(Default)", "").Trim());
        }
        int exampleNo = 0;
        foreach (var sub in SubSections(Section("EXAMPLES")))
        {
            exampleNo++;
            var (code, rest) = SplitFirstFence(sub.Body);
            page.Examples.Add(new HelpExample(sub.Title, code.Replace("PS C:\\> ", "").Replace("PS> ", ""), rest.Trim()));
        }
        foreach (var sub in SubSections(Section("PARAMETERS")))
        {
            if (sub.Title.Equals("CommonParameters", StringComparison.OrdinalIgnoreCase)) continue;
            var (yaml, rest) = SplitFirstFence(sub.Body, takeTextBefore: true);
            var fields = ParseYaml(yaml);
            string F(string key, string dflt) => fields.TryGetValue(key, out var v) && v.Length > 0 ? v : dflt;
            var aliases = F("Aliases", "");
            page.Parameters.Add(new HelpParameter
            {
                Name = sub.Title.TrimStart('-'),
                Description = rest.Trim(),
                Type = F("Type", "Object"),
                Sets = F("Parameter Sets", "(All)").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                Aliases = aliases.Length == 0 || aliases == "None" ? [] : aliases.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                RequiredFlag = F("Required", "False").StartsWith("True", StringComparison.OrdinalIgnoreCase),
                PositionValue = F("Position", "Named"),
                DefaultValue = F("Default value", "None"),
                PipelineInput = F("Accept pipeline input", "False"),
                Wildcards = F("Accept wildcard characters", "False").StartsWith("True", StringComparison.OrdinalIgnoreCase),
            });
        }
        foreach (var sub in SubSections(Section("INPUTS"))) page.Inputs.Add(new HelpType(sub.Title, string.Join("\n", sub.Body).Trim()));
        foreach (var sub in SubSections(Section("OUTPUTS"))) page.Outputs.Add(new HelpType(sub.Title, string.Join("\n", sub.Body).Trim()));
        foreach (Match m in Regex.Matches(Section("RELATED LINKS"), @"\[([^\]]+)\]\(([^)]*)\)"))
        {
            page.RelatedLinks.Add(new HelpLink(m.Groups[1].Value, m.Groups[2].Value));
        }
        return page;
    }

    private static IEnumerable<(string Title, List<string> Body)> SubSections(string section)
    {
        (string Title, List<string> Body)? current = null;
        bool inFence = false;
        foreach (var line in section.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```")) inFence = !inFence;
            if (!inFence && line.StartsWith("### "))
            {
                if (current is not null) yield return current.Value;
                current = (line[4..].Trim(), new List<string>());
                continue;
            }
            current?.Body.Add(line);
        }
        if (current is not null) yield return current.Value;
    }

    /// <summary>Returns the first fenced block, and the text outside it (before it too when takeTextBefore).</summary>
    private static (string Fence, string Remainder) SplitFirstFence(List<string> body, bool takeTextBefore = false)
    {
        var fence = new StringBuilder();
        var rest = new StringBuilder();
        int state = 0; // 0 before, 1 in, 2 after
        foreach (var line in body)
        {
            if (line.TrimStart().StartsWith("```") && state < 2)
            {
                state++;
                continue;
            }
            if (state == 1) fence.AppendLine(line);
            else if (state == 2 || takeTextBefore) rest.AppendLine(line);
        }
        return (fence.ToString().TrimEnd(), rest.ToString());
    }

    private static Dictionary<string, string> ParseYaml(string yaml)
    {
        var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in yaml.Split('\n'))
        {
            var idx = line.IndexOf(':');
            if (idx > 0) d[line[..idx].Trim()] = line[(idx + 1)..].Trim();
        }
        return d;
    }
}

/// <summary>about_*.md to the plain-text .help.txt Get-Help shows.</summary>
public static class AboutTopic
{
    public static string ToText(string markdown)
    {
        var sb = new StringBuilder();
        bool inFence = false;
        foreach (var raw in markdown.Replace("\r", "").Split('\n'))
        {
            var line = raw;
            if (line.TrimStart().StartsWith("```")) { inFence = !inFence; continue; }
            if (inFence) { sb.AppendLine("    " + line); continue; }
            if (line.StartsWith("## ")) { sb.AppendLine(line[3..].Trim().ToUpperInvariant()); continue; }
            if (line.StartsWith("# ")) { sb.AppendLine("TOPIC"); sb.AppendLine("    " + line[2..].Trim()); continue; }
            if (line.StartsWith("### ")) { sb.AppendLine("  " + line[4..].Trim().ToUpperInvariant()); continue; }
            sb.AppendLine(line.Length == 0 ? "" : "    " + line);
        }
        return sb.ToString();
    }
}
