using System.Globalization;
using FinBackup.Bench.Faults;

// bench/faults: see README.md. Usage: -Cycles 100 -FaultRate 0.2 -Seed 1 [-Frequency 60] [-Retention 180] [-CleanRuns 2] [-Pause 0] [-MaxMinutes m] [-Module path]
var o = new FaultBenchOptions();
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
    switch (args[i].TrimStart('-').ToLowerInvariant())
    {
        case "cycles": o.Cycles = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "faultrate":
            var r = D(Next().TrimEnd('%'));
            o.FaultRate = r > 1 ? r / 100 : r; break;
        case "seed": o.Seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "frequency": o.Frequency = TimeSpan.FromSeconds(D(Next())); break;
        case "retention": o.Retention = TimeSpan.FromSeconds(D(Next())); break;
        case "cleanruns": o.CleanRuns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "pause": o.PauseSeconds = D(Next()); break;
        case "maxminutes": o.MaxDuration = TimeSpan.FromMinutes(D(Next())); break;
        case "module": o.ModuleManifest = Path.GetFullPath(Next()); break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}; usage: -Cycles N -FaultRate 0.2 -Seed 1 [-Frequency s] [-Retention s] [-CleanRuns n] [-Pause s] [-Module psd1]");
            return 2;
    }
}
var report = new FaultBench(o).Run();
Console.WriteLine();
Console.WriteLine(report.Table());
return report.Passed ? 0 : 1;
