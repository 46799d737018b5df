using System.Reflection;
using System.Runtime.Loader;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Module;

/// <summary>
/// Issue 14 (start-up cost): PowerShell's Import-Module lists the cmdlet assembly's exported types before the module's
/// initializer runs. A type whose fields include a value type (an enum, a struct, a Nullable of one) from FinBackup.Domain
/// cannot be laid out without FinBackup.Domain, so the runtime then loads the IL copy beside FinBackup.dll, and the module
/// can no longer hand out its precompiled image (dependencies/&lt;rid&gt;/): every Domain method was compiled at run time
/// (360 methods in one backup). Such parameters keep their type and store an int. ReadyToRunImagesTests checks, in pwsh,
/// where FinBackup.Domain is loaded from.
/// </summary>
public sealed class CmdletAssemblyLayoutTests
{
    [Fact]
    public void No_exported_type_of_the_cmdlet_assembly_has_a_field_of_a_Domain_value_type()
    {
        var context = new AssemblyLoadContext("fin-layout-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        context.Resolving += (ctx, name) =>
        {
            var path = Path.Combine(RepoPaths.ModuleDirectory, name.Name + ".dll");
            return File.Exists(path) ? ctx.LoadFromAssemblyPath(path) : null;
        };
        try
        {
            var cmdlets = context.LoadFromAssemblyPath(Path.Combine(RepoPaths.ModuleDirectory, "FinBackup.dll"));
            var offenders = new List<string>();
            foreach (var t in cmdlets.GetExportedTypes())
            {
                foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    var ft = Nullable.GetUnderlyingType(f.FieldType) ?? f.FieldType;
                    if (ft.IsValueType && ft.Assembly.GetName().Name == "FinBackup.Domain") offenders.Add($"{t.FullName}.{f.Name} ({ft.Name})");
                }
            }
            Assert.True(offenders.Count == 0,
                "Fields of FinBackup.Domain value types in exported cmdlet types (store an int behind the property instead): " + string.Join(", ", offenders));
        }
        finally
        {
            context.Unload();
        }
    }
}
