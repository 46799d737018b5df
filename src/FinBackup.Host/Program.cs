using System.Management.Automation;
using System.Management.Automation.Runspaces;
using FinBackup.Host;

// finps: run a PowerShell script or command in the PowerShell engine from NuGet, with a console host,
// for machines without pwsh. Usage:
//   finps [-File] <script.ps1> [args...]
//   finps -Command "<script text>"
return ConsoleRunner.Run(args);

namespace FinBackup.Host
{
    internal static class ConsoleRunner
    {
        public static int Run(string[] args)
        {
            string? file = null, command = null;
            var scriptArgs = new List<string>();
            for (int i = 0; i < args.Length; i++)
            {
                var a = args[i];
                if (file == null && command == null && (a.Equals("-File", StringComparison.OrdinalIgnoreCase) || a.Equals("-f", StringComparison.OrdinalIgnoreCase)) && i + 1 < args.Length) { file = args[++i]; continue; }
                if (file == null && command == null && (a.Equals("-Command", StringComparison.OrdinalIgnoreCase) || a.Equals("-c", StringComparison.OrdinalIgnoreCase)) && i + 1 < args.Length) { command = string.Join(" ", args.Skip(i + 1)); break; }
                if (file == null && command == null && (a.Equals("-NoProfile", StringComparison.OrdinalIgnoreCase) || a.Equals("-NonInteractive", StringComparison.OrdinalIgnoreCase))) continue;
                if (file == null && command == null) { file = a; continue; }
                scriptArgs.Add(a);
            }
            if (file == null && command == null)
            {
                Console.Error.WriteLine("usage: finps [-File] <script.ps1> [args...] | finps -Command \"<script>\"");
                return 2;
            }
            if (file != null && !File.Exists(file))
            {
                Console.Error.WriteLine($"finps: the script '{file}' does not exist.");
                return 2;
            }

            // Let 'Import-Module FinBackup' find the built module next to this host (out/FinBackup).
            var outDir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, ".."));
            var modulePath = Environment.GetEnvironmentVariable("PSModulePath");
            Environment.SetEnvironmentVariable("PSModulePath", string.IsNullOrEmpty(modulePath) ? outDir : outDir + Path.PathSeparator + modulePath);

            var host = new FinConsoleHost();
            var iss = InitialSessionState.CreateDefault2();
            using var runspace = RunspaceFactory.CreateRunspace(host, iss);
            runspace.Open();
            if (Console.IsOutputRedirected || Environment.GetEnvironmentVariable("NO_COLOR") != null)
            {
                using var plain = PowerShell.Create();
                plain.Runspace = runspace;
                plain.AddScript("if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }").Invoke();
            }
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; ps.BeginStop(null, null); };

            if (file != null)
            {
                ps.AddCommand(Path.GetFullPath(file));
                foreach (var a in scriptArgs) ps.AddArgument(a);
            }
            else
            {
                ps.AddScript(command!);
            }
            ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
            ps.AddCommand("Out-Default");
            try
            {
                ps.Invoke();
            }
            catch (PipelineStoppedException)
            {
                host.UI.WriteErrorLine("Stopped.");
                return 130;
            }
            catch (RuntimeException ex)
            {
                host.UI.WriteErrorLine(ex.ErrorRecord?.ToString() ?? ex.Message);
                return 1;
            }
            if (host.ExitCode.HasValue) return host.ExitCode.Value;
            var last = runspace.SessionStateProxy.GetVariable("LASTEXITCODE");
            if (last is int code && code != 0) return code;
            // As pwsh: -File exits 0 unless the script exits with a code or stops on a terminating error;
            // -Command exits 1 when an error was written.
            return command != null && ps.HadErrors ? 1 : 0;
        }
    }
}
