using System.Xml.Linq;
using FinBackup.BuildTool;

namespace FinBackup.Tests.Build;

/// <summary>The markdown-to-MAML compiler the build uses in place of PlatyPS.</summary>
public sealed class HelpCompilerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("finhelp").FullName;
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private const string Page = """
---
external help file: FinBackup.dll-Help.xml
schema: 2.0.0
---

# Get-Thing

## SYNOPSIS
Gets things.

## SYNTAX

### ById (Default)
```
Get-Thing -Id <String> [<CommonParameters>]
```

### All
```
Get-Thing [-All] [<CommonParameters>]
```

## DESCRIPTION
First paragraph
continues here.

Second paragraph.

## EXAMPLES

### Example 1: One thing
```powershell
PS C:\> Get-Thing -Id x
```

Gets x.

## PARAMETERS

### -Id
The id.

```yaml
Type: String
Parameter Sets: ById
Aliases: ThingId, TI

Required: True
Position: 0
Default value: None
Accept pipeline input: True (ByPropertyName)
Accept wildcard characters: False
```

### -All
Everything.

```yaml
Type: SwitchParameter
Parameter Sets: All
Aliases:

Required: False
Position: Named
Default value: False
Accept pipeline input: False
Accept wildcard characters: False
```

### CommonParameters
This cmdlet supports the common parameters.

## INPUTS

### System.String

## OUTPUTS

### Thing
A thing.

## NOTES
Note text.

## RELATED LINKS

[Get-Other](Get-Other.md)
""";

    private XElement CompileOne()
    {
        File.WriteAllText(Path.Combine(_dir, "Get-Thing.md"), Page);
        var outDir = Path.Combine(_dir, "en-US");
        HelpCompiler.Compile(_dir, outDir);
        return XDocument.Load(Path.Combine(outDir, "FinBackup.dll-Help.xml")).Root!.Element(Command + "command")!;
    }

    [Fact]
    public void Synopsis_description_and_examples_land_in_their_MAML_elements()
    {
        var cmd = CompileOne();
        Assert.Equal("Get-Thing", cmd.Element(Command + "details")!.Element(Command + "name")!.Value);
        Assert.Equal("Gets things.", cmd.Element(Command + "details")!.Element(Maml + "description")!.Value.Trim());
        var paras = cmd.Element(Maml + "description")!.Elements(Maml + "para").Select(p => p.Value).ToList();
        Assert.Equal(new[] { "First paragraph continues here.", "Second paragraph." }, paras);
        var example = cmd.Element(Command + "examples")!.Element(Command + "example")!;
        Assert.Equal("Get-Thing -Id x", example.Element(Dev + "code")!.Value);
        Assert.Equal("Gets x.", example.Element(Dev + "remarks")!.Value.Trim());
    }

    [Fact]
    public void Parameters_keep_type_aliases_position_pipeline_input_and_their_sets()
    {
        var cmd = CompileOne();
        var id = cmd.Element(Command + "parameters")!.Elements(Command + "parameter").Single(p => p.Element(Maml + "name")!.Value == "Id");
        Assert.Equal("true", id.Attribute("required")!.Value);
        Assert.Equal("0", id.Attribute("position")!.Value);
        Assert.Equal("ThingId, TI", id.Attribute("aliases")!.Value);
        Assert.Equal("True (ByPropertyName)", id.Attribute("pipelineInput")!.Value);
        var syntax = cmd.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal(2, syntax.Count);
        Assert.Equal(new[] { "Id" }, syntax[0].Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
        Assert.Equal(new[] { "All" }, syntax[1].Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
        var all = syntax[1].Element(Command + "parameter")!;
        Assert.Null(all.Element(Command + "parameterValue")); // a switch takes no value
    }

    [Fact]
    public void A_page_whose_title_does_not_match_its_file_is_rejected_with_the_file_named()
    {
        File.WriteAllText(Path.Combine(_dir, "Get-Other.md"), Page);
        var ex = Assert.Throws<HelpFormatException>(() => HelpCompiler.Compile(_dir, Path.Combine(_dir, "out")));
        Assert.EndsWith("Get-Other.md", ex.File);
    }

    [Fact]
    public void Manifest_stamping_replaces_only_the_version()
    {
        var src = Path.Combine(_dir, "m.psd1");
        var dst = Path.Combine(_dir, "out", "m.psd1");
        File.WriteAllText(src, "@{\n    RootModule = 'X.dll'\n    ModuleVersion = '0.0.0'\n}\n");
        ManifestStamper.Stamp(src, dst, "1.2.3");
        Assert.Equal("@{\n    RootModule = 'X.dll'\n    ModuleVersion = '1.2.3'\n}\n", File.ReadAllText(dst));
    }

    [Fact]
    public void About_topics_become_plain_text_with_upper_case_headings()
    {
        var text = AboutTopic.ToText("# about_X\n\n## SHORT DESCRIPTION\nHello.\n");
        Assert.Contains("SHORT DESCRIPTION", text);
        Assert.Contains("    Hello.", text);
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
