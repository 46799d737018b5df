using System.Reflection.PortableExecutable;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Module;

/// <summary>
/// The release build precompiles FinBackup.Domain, FinBackup.Aws and the AWS SDK (tools/FinBackup.ReadyToRun) into dependencies/&lt;rid&gt;/;
/// the module loads those images in real pwsh when the platform and .NET major version match, the IL assemblies beside
/// them when FINBACKUP_READYTORUN=0, and it works either way.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class ReadyToRunImagesTests
{
    private readonly MotoServer _moto;

    public ReadyToRunImagesTests(MotoServer moto) => _moto = moto;

    private static string ImageFolder => Path.Combine(RepoPaths.ModuleDirectory, "dependencies", "linux-x64");

    private string Script => $@"
{PwshProcess.ImportBuiltModule}
$id = Test-FinAwsConnection -EndpointUrl '{_moto.EndpointUrl}' -Region us-east-1 -ErrorAction Stop
'ACCOUNT=' + $id.Account
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object {{ $_.GetName().Name -in 'FinBackup.Aws', 'FinBackup.Domain', 'AWSSDK.Core' }} | ForEach-Object {{ 'AT=' + $_.Location }}
";

    [Fact]
    public void The_release_build_lays_out_precompiled_images_with_their_runtime_version()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            return; // the images are built for the build machine's platform; this suite runs on linux-x64
        Assert.True(File.Exists(Path.Combine(ImageFolder, "ReadyToRun.txt")), "the release build writes dependencies/linux-x64/ReadyToRun.txt");
        Assert.Equal(Environment.Version.Major.ToString(), File.ReadAllText(Path.Combine(ImageFolder, "ReadyToRun.txt")).Trim());
        foreach (var name in new[] { "FinBackup.Aws", "AWSSDK.Core", "AWSSDK.S3", "AWSSDK.EC2" })
        {
            using var pe = new PEReader(File.OpenRead(Path.Combine(ImageFolder, name + ".dll")));
            Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, $"{name}.dll in {ImageFolder} is a ReadyToRun image");
            using var il = new PEReader(File.OpenRead(Path.Combine(RepoPaths.ModuleDirectory, "dependencies", name + ".dll")));
            Assert.Equal(0, il.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size); // the IL assembly stays beside it
        }
    }

    [Fact]
    public void Pwsh_loads_the_images_and_the_IL_assemblies_when_told_to_and_works_with_both()
    {
        if (!File.Exists(Path.Combine(ImageFolder, "ReadyToRun.txt"))) return; // not a linux-x64 release build
        var images = PwshProcess.Command(Script);
        Assert.True(images.ExitCode == 0, images.Stdout + images.Stderr);
        Assert.Matches(@"ACCOUNT=\d{12}", images.Stdout);
        Assert.Contains("AT=" + Path.Combine(ImageFolder, "FinBackup.Aws.dll"), images.Stdout);
        Assert.Contains("AT=" + Path.Combine(ImageFolder, "AWSSDK.Core.dll"), images.Stdout);
        // FinBackup.Domain is shared with the default context; its image too, not the IL copy beside FinBackup.dll.
        Assert.Contains("AT=" + Path.Combine(ImageFolder, "FinBackup.Domain.dll"), images.Stdout);

        var il = PwshProcess.Command(Script, environment: new Dictionary<string, string> { ["FINBACKUP_READYTORUN"] = "0" });
        Assert.True(il.ExitCode == 0, il.Stdout + il.Stderr);
        Assert.Matches(@"ACCOUNT=\d{12}", il.Stdout);
        Assert.Contains("AT=" + Path.Combine(RepoPaths.ModuleDirectory, "dependencies", "FinBackup.Aws.dll"), il.Stdout);
        Assert.DoesNotContain(ImageFolder, il.Stdout);
    }

    [Fact]
    public void Images_compiled_for_another_NET_major_version_are_left_alone()
    {
        if (!File.Exists(Path.Combine(ImageFolder, "ReadyToRun.txt"))) return;
        var copy = Path.Combine(Path.GetTempPath(), "fin-r2r-" + Guid.NewGuid().ToString("N"), "FinBackup");
        try
        {
            CopyTree(RepoPaths.ModuleDirectory, copy);
            File.WriteAllText(Path.Combine(copy, "dependencies", "linux-x64", "ReadyToRun.txt"), "99\n");
            var r = PwshProcess.Command(Script.Replace(RepoPaths.ModuleManifest, Path.Combine(copy, "FinBackup.psd1")));
            Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
            Assert.Matches(@"ACCOUNT=\d{12}", r.Stdout);
            Assert.Contains("AT=" + Path.Combine(copy, "dependencies", "FinBackup.Aws.dll"), r.Stdout);
            Assert.DoesNotContain(Path.Combine(copy, "dependencies", "linux-x64"), r.Stdout);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(copy)!, true);
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from)) CopyTree(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
