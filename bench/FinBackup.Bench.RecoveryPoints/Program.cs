using FinBackup.Bench.RecoveryPoints;

var root = AppContext.BaseDirectory;
while (root != null && !File.Exists(Path.Combine(root, "FinBackup.sln"))) root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar));
var what = args.Length > 0 ? args[0] : "all";
if (what is "retention" or "all") RetentionBench.Run(args.Skip(1).ToArray());
if (what is "api-calls" or "all") ApiCallBench.Run(root ?? throw new InvalidOperationException("repo root not found"));
