using System.Text;
using System.Xml;

namespace FinBackup.BuildTool;

public sealed class HelpFormatException(string file, int line, string message) : Exception(message)
{
    public string File { get; } = file;
    public int Line { get; } = line;
}

/// <summary>
/// Compiles docs/ into the module's en-US folder: every cmdlet page (PlatyPS markdown, schema 2.0.0) into one
/// MAML file, FinBackup.dll-Help.xml, and every about_*.md into about_*.help.txt. The same result PlatyPS's
/// New-ExternalHelp gives for the sections FinBackup uses; where PlatyPS is installed build.ps1 -Task Docs may use it.
/// </summary>
public static class HelpCompiler
{
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static void Compile(string docsDir, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var pages = Directory.GetFiles(docsDir, "*-*.md").OrderBy(f => f, StringComparer.Ordinal)
            .Select(CmdletHelpPage.Parse).ToList();
        WriteIfChanged(Path.Combine(outDir, "FinBackup.dll-Help.xml"), ToMaml(pages));
        foreach (var about in Directory.GetFiles(docsDir, "about_*.md"))
        {
            var name = Path.GetFileNameWithoutExtension(about);
            WriteIfChanged(Path.Combine(outDir, name + ".help.txt"), AboutTopic.ToText(File.ReadAllText(about)));
        }
    }

    private static void WriteIfChanged(string path, string content)
    {
        if (!File.Exists(path) || File.ReadAllText(path) != content) File.WriteAllText(path, content, new UTF8Encoding(false));
    }

    public static string ToMaml(IReadOnlyList<CmdletHelpPage> pages)
    {
        var sb = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using (var w = XmlWriter.Create(sb, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("helpItems", Maml);
            w.WriteAttributeString("schema", "maml");
            foreach (var p in pages) WriteCommand(w, p);
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        return sb.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"");
    }

    private static void WriteCommand(XmlWriter w, CmdletHelpPage p)
    {
        w.WriteStartElement("command", "command", Command);
        w.WriteAttributeString("xmlns", "maml", null, Maml);
        w.WriteAttributeString("xmlns", "command", null, Command);
        w.WriteAttributeString("xmlns", "dev", null, Dev);

        w.WriteStartElement("command", "details", Command);
        w.WriteElementString("command", "name", Command, p.Name);
        w.WriteElementString("command", "verb", Command, p.Name.Split('-')[0]);
        w.WriteElementString("command", "noun", Command, p.Name.Split('-', 2)[1]);
        w.WriteStartElement("maml", "description", Maml);
        Paras(w, p.Synopsis);
        w.WriteEndElement();
        w.WriteEndElement();

        w.WriteStartElement("maml", "description", Maml);
        Paras(w, p.Description);
        w.WriteEndElement();

        w.WriteStartElement("command", "syntax", Command);
        foreach (var set in p.ParameterSetNames())
        {
            w.WriteStartElement("command", "syntaxItem", Command);
            w.WriteElementString("maml", "name", Maml, p.Name);
            foreach (var prm in p.Parameters.Where(x => x.InSet(set))) WriteParameter(w, prm, set);
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteStartElement("command", "parameters", Command);
        foreach (var prm in p.Parameters) WriteParameter(w, prm, null);
        w.WriteEndElement();

        w.WriteStartElement("command", "inputTypes", Command);
        foreach (var t in p.Inputs) TypeEntry(w, "inputType", t);
        w.WriteEndElement();
        w.WriteStartElement("command", "returnValues", Command);
        foreach (var t in p.Outputs) TypeEntry(w, "returnValue", t);
        w.WriteEndElement();

        if (!string.IsNullOrWhiteSpace(p.Notes))
        {
            w.WriteStartElement("maml", "alertSet", Maml);
            w.WriteStartElement("maml", "alert", Maml);
            Paras(w, p.Notes);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteStartElement("command", "examples", Command);
        foreach (var ex in p.Examples)
        {
            w.WriteStartElement("command", "example", Command);
            w.WriteElementString("maml", "title", Maml, $"-------------------------- {ex.Title} --------------------------");
            w.WriteElementString("dev", "code", Dev, ex.Code);
            w.WriteStartElement("dev", "remarks", Dev);
            Paras(w, ex.Remarks);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteStartElement("command", "relatedLinks", Command);
        foreach (var link in p.RelatedLinks)
        {
            w.WriteStartElement("maml", "navigationLink", Maml);
            w.WriteElementString("maml", "linkText", Maml, link.Text);
            // A link to another page of docs/ (Name.md) is a related cmdlet: its name, no uri (as PlatyPS writes it), so
            // Get-Help lists the cmdlet and -Online never tries to open a bare .md file. Absolute URLs are kept.
            w.WriteElementString("maml", "uri", Maml, IsAbsoluteUrl(link.Uri) ? link.Uri : "");
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteEndElement();
    }

    private static void WriteParameter(XmlWriter w, HelpParameter prm, string? set)
    {
        w.WriteStartElement("command", "parameter", Command);
        w.WriteAttributeString("required", prm.Required(set) ? "true" : "false");
        w.WriteAttributeString("variableLength", "true");
        w.WriteAttributeString("globbing", prm.Wildcards ? "true" : "false");
        w.WriteAttributeString("pipelineInput", prm.PipelineInput);
        w.WriteAttributeString("position", prm.Position(set));
        w.WriteAttributeString("aliases", prm.Aliases.Length == 0 ? "none" : string.Join(", ", prm.Aliases));
        w.WriteElementString("maml", "name", Maml, prm.Name);
        w.WriteStartElement("maml", "description", Maml);
        Paras(w, prm.Description);
        w.WriteEndElement();
        var isSwitch = prm.Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase);
        if (!isSwitch)
        {
            w.WriteStartElement("command", "parameterValue", Command);
            w.WriteAttributeString("required", "true");
            w.WriteAttributeString("variableLength", "false");
            w.WriteString(prm.Type);
            w.WriteEndElement();
        }
        w.WriteStartElement("dev", "type", Dev);
        w.WriteElementString("maml", "name", Maml, prm.Type);
        w.WriteElementString("maml", "uri", Maml, "");
        w.WriteEndElement();
        w.WriteElementString("dev", "defaultValue", Dev, prm.DefaultValue);
        w.WriteEndElement();
    }

    private static void TypeEntry(XmlWriter w, string element, HelpType t)
    {
        w.WriteStartElement("command", element, Command);
        w.WriteStartElement("dev", "type", Dev);
        w.WriteElementString("maml", "name", Maml, t.Name);
        w.WriteEndElement();
        w.WriteStartElement("maml", "description", Maml);
        Paras(w, t.Description);
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Paras(XmlWriter w, string text)
    {
        foreach (var para in SplitParagraphs(text))
        {
            w.WriteElementString("maml", "para", Maml, para);
        }
    }

    internal static IEnumerable<string> SplitParagraphs(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) yield break;
        var current = new List<string>();
        foreach (var raw in text.Replace("\r", "").Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.Length == 0)
            {
                if (current.Count > 0) { yield return string.Join(" ", current); current.Clear(); }
                continue;
            }
            // keep list items and indented blocks on their own lines
            if (line.StartsWith("- ") || line.StartsWith("* ") || line.StartsWith("    "))
            {
                if (current.Count > 0) { yield return string.Join(" ", current); current.Clear(); }
                yield return line;
                continue;
            }
            current.Add(line.Trim());
        }
        if (current.Count > 0) yield return string.Join(" ", current);
    }

    private static bool IsAbsoluteUrl(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);
}
