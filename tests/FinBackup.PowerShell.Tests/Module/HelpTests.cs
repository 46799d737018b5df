using System.Management.Automation;
using System.Reflection;
using System.Xml.Linq;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Module;

/// <summary>Get-Help is complete for every exported cmdlet, and every output type has a default view.</summary>
public sealed class HelpTests
{
    public static IEnumerable<object[]> Cmdlets() =>
        ManifestTests.CmdletClasses()
            .Select(t => t.GetCustomAttribute<CmdletAttribute>()!)
            .Select(a => new object[] { $"{a.VerbName}-{a.NounName}" })
            .OrderBy(o => (string)o[0]);

    private static readonly HashSet<string> CommonParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
        "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
    };

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Help_has_a_synopsis_every_parameter_described_and_an_example(string cmdlet)
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "docs", cmdlet + ".md")), $"docs/{cmdlet}.md is missing");
        using var host = new ModuleHost();
        var help = host.Run($"Get-Help {cmdlet} -Full").Output.Single();
        var synopsis = help.Properties["Synopsis"]?.Value?.ToString()?.Trim() ?? "";
        Assert.False(string.IsNullOrEmpty(synopsis), $"{cmdlet}: no synopsis");
        Assert.False(synopsis.StartsWith(cmdlet + " ", StringComparison.OrdinalIgnoreCase), $"{cmdlet}: synopsis is the generated syntax, so the MAML help was not found");

        var examples = host.Run($"@((Get-Help {cmdlet} -Full).examples.example).Count").Output.Single();
        Assert.True((int)examples.BaseObject >= 1, $"{cmdlet}: no example");

        var parameters = host.Run($"(Get-Command {cmdlet}).Parameters.Keys").Output.Select(o => o.ToString()).Where(p => !CommonParameters.Contains(p)).ToList();
        var described = host.Run($@"(Get-Help {cmdlet} -Full).parameters.parameter | Where-Object {{ ($_.description | ForEach-Object {{ $_.Text }}) -join '' -match '\S' }} | ForEach-Object {{ $_.name }}")
            .Output.Select(o => o.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = parameters.Where(p => !described.Contains(p)).ToList();
        Assert.True(missing.Count == 0, $"{cmdlet}: parameters without a description in docs/{cmdlet}.md: {string.Join(", ", missing)}");
    }

    [Fact]
    public void About_topic_is_installed_with_the_module()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.ModuleDirectory, "en-US", "about_FinBackup.help.txt")));
        using var host = new ModuleHost();
        var text = string.Join("\n", host.Run("Get-Help about_FinBackup").Output.Select(o => o.ToString()));
        Assert.Contains("recovery point", text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Every_declared_output_type_has_a_default_view(string cmdlet)
    {
        var type = ManifestTests.CmdletClasses().Single(t =>
        {
            var a = t.GetCustomAttribute<CmdletAttribute>()!;
            return $"{a.VerbName}-{a.NounName}" == cmdlet;
        });
        var viewed = Directory.GetFiles(RepoPaths.ModuleDirectory, "*.ps1xml")
            .SelectMany(f => XDocument.Load(f).Descendants("TypeName").Select(e => e.Value.Trim()))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var output in type.GetCustomAttributes<OutputTypeAttribute>().SelectMany(o => o.Type))
        {
            var name = output.Type?.FullName ?? output.Name;
            if (name is null || name.StartsWith("System.", StringComparison.Ordinal)) continue;
            Assert.True(viewed.Contains(name), $"{cmdlet} outputs {name}, which has no view in src/FinBackup/Formats/*.Format.ps1xml");
        }
    }
}
