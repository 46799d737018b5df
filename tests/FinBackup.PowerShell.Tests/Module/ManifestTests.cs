using System.Management.Automation;
using System.Reflection;
using System.Xml.Linq;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Module;

/// <summary>The built manifest: valid, exports exactly the cmdlets the assembly defines, version stamped from one place.</summary>
public sealed class ManifestTests
{
    [Fact]
    public void Test_ModuleManifest_passes_on_the_built_manifest()
    {
        using var host = new ModuleHost(importModule: false);
        var r = host.Run($"Test-ModuleManifest -Path '{RepoPaths.ModuleManifest}'");
        Assert.Empty(r.Errors);
        var info = Assert.IsType<PSModuleInfo>(r.First);
        Assert.Equal("FinBackup", info.Name);
        Assert.Contains("Core", info.CompatiblePSEditions);
        Assert.Contains("Desktop", info.CompatiblePSEditions);
        Assert.Equal(new Version(5, 1), info.PowerShellVersion);
    }

    [Fact]
    public void Manifest_version_is_the_assembly_version_from_Directory_Build_props()
    {
        var props = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        var version = props.Descendants("FinBackupVersion").Single().Value;
        using var host = new ModuleHost(importModule: false);
        var info = (PSModuleInfo)host.Run($"Test-ModuleManifest -Path '{RepoPaths.ModuleManifest}'").First!;
        Assert.Equal(new Version(version), info.Version);
        var asm = AssemblyName.GetAssemblyName(Path.Combine(RepoPaths.ModuleDirectory, "FinBackup.dll"));
        Assert.Equal(version, $"{asm.Version!.Major}.{asm.Version.Minor}.{asm.Version.Build}");
    }

    [Fact]
    public void Exported_cmdlets_are_exactly_the_cmdlet_classes_in_the_assembly()
    {
        using var host = new ModuleHost();
        var exported = host.Run("(Get-Module FinBackup).ExportedCmdlets.Keys").Output.Select(o => o.ToString()).OrderBy(s => s).ToList();
        var declared = CmdletClasses().Select(t => t.GetCustomAttribute<CmdletAttribute>()!).Select(a => $"{a.VerbName}-{a.NounName}").OrderBy(s => s).ToList();
        Assert.Equal(declared, exported);
    }

    [Fact]
    public void Every_cmdlet_uses_an_approved_verb_and_declares_its_output_type()
    {
        var approved = new[] { typeof(VerbsCommon), typeof(VerbsCommunications), typeof(VerbsData), typeof(VerbsDiagnostic),
                typeof(VerbsLifecycle), typeof(VerbsOther), typeof(VerbsSecurity) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Select(f => (string)f.GetValue(null)!)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var type in CmdletClasses())
        {
            var attr = type.GetCustomAttribute<CmdletAttribute>()!;
            Assert.True(approved.Contains(attr.VerbName), $"{type.Name}: '{attr.VerbName}' is not an approved verb");
            Assert.True(type.IsSealed, $"{type.Name} should be sealed");
            if (attr.VerbName is "Get" or "Import" or "Test" or "New" or "Copy" or "Invoke" or "Backup" or "Start")
            {
                Assert.True(type.GetCustomAttributes<OutputTypeAttribute>().Any(), $"{type.Name} has no [OutputType]");
            }
        }
    }

    [Fact]
    public void Manifest_carries_gallery_metadata_and_lists_existing_format_files()
    {
        using var host = new ModuleHost(importModule: false);
        var info = (PSModuleInfo)host.Run($"Test-ModuleManifest -Path '{RepoPaths.ModuleManifest}'").First!;
        var psData = (System.Collections.Hashtable)((System.Collections.Hashtable)info.PrivateData)["PSData"]!;
        foreach (var key in new[] { "Tags", "ProjectUri", "LicenseUri", "ReleaseNotes" })
        {
            Assert.True(psData.ContainsKey(key), $"PSData lacks {key}");
        }
        Assert.NotEmpty(info.ExportedFormatFiles);
        foreach (var f in info.ExportedFormatFiles) Assert.True(File.Exists(f), $"format file {f} is missing from out/FinBackup");
    }

    internal static IEnumerable<Type> CmdletClasses()
    {
        var asm = Assembly.LoadFrom(Path.Combine(RepoPaths.ModuleDirectory, "FinBackup.dll"));
        Type[] types;
        try { types = asm.GetTypes(); }
        catch (ReflectionTypeLoadException ex) { types = ex.Types.Where(t => t != null).ToArray()!; }
        return types.Where(t => !t.IsAbstract && t.GetCustomAttribute<CmdletAttribute>() != null);
    }
}
