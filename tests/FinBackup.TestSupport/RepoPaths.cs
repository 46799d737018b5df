namespace FinBackup.TestSupport;

/// <summary>Paths inside the repository, found from the test assembly's location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string ModuleDirectory => Path.Combine(Root, "out", "FinBackup");
    public static string ModuleManifest => Path.Combine(ModuleDirectory, "FinBackup.psd1");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "FinBackup.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("FinBackup.sln not found above " + AppContext.BaseDirectory);
    }
}
