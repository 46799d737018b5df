using FinBackup.BuildTool;

// Build-time helper for the FinBackup module.
//   manifest <source.psd1> <target.psd1> <version>   copy the manifest, stamping ModuleVersion
//   help <docs dir> <en-US dir>                      compile PlatyPS markdown to MAML and about_ topics to .help.txt
try
{
    switch (args.FirstOrDefault())
    {
        case "manifest" when args.Length == 4:
            ManifestStamper.Stamp(args[1], args[2], args[3]);
            return 0;
        case "help" when args.Length == 3:
            HelpCompiler.Compile(args[1], args[2]);
            return 0;
        default:
            Console.Error.WriteLine("usage: FinBackup.BuildTool manifest <source.psd1> <target.psd1> <version> | help <docsDir> <outDir>");
            return 2;
    }
}
catch (HelpFormatException ex)
{
    Console.Error.WriteLine($"{ex.File}({ex.Line}): error FINHELP: {ex.Message}");
    return 1;
}
