using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using FinBackup.Domain.Ports;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>What Test-FinRecoveryPoint found for one point: plain values only (exports to JSON and CSV as they are).</summary>
    public sealed class FinRecoveryPointCheck
    {
        public const string Passed = "Passed";
        public const string Failed = "Failed";
        public const string NotChecked = "NotChecked";

        public string RecoveryPointId { get; set; }
        public string Kind { get; set; }
        public string Region { get; set; }
        public string Application { get; set; }
        /// <summary>Passed (everything referenced exists and, with -ReadData, hashes match), Failed, or NotChecked (no verifier for the kind).</summary>
        public string Status { get; set; }
        /// <summary>Snapshots, images, DB snapshots or content objects whose existence and state were checked.</summary>
        public int ObjectsChecked { get; set; }
        /// <summary>File backups: files in the manifest; with -ReadData, how many were read and hashed.</summary>
        public int FilesChecked { get; set; }
        public int FilesRead { get; set; }
        public long BytesRead { get; set; }
        public bool DataRead { get; set; }
        public double SamplePercent { get; set; }
        public int ProblemCount { get; set; }
        /// <summary>Each problem, naming what is wrong ("snap-0abc (member of the set) does not exist").</summary>
        public string[] Problems { get; set; } = new string[0];
        public DateTime CheckedAt { get; set; }
        public TimeSpan Duration { get; set; }
        public override string ToString() => RecoveryPointId + ": " + Status;
    }

    /// <summary>How thoroughly to check.</summary>
    public sealed class RecoveryPointCheckOptions
    {
        /// <summary>File backups: read the content and compare every file's (and part's) SHA-256 with the manifest.</summary>
        public bool ReadData { get; set; }
        /// <summary>With ReadData: the percentage of files to read (chosen at random; at least one file), 100 = all.</summary>
        public double SamplePercent { get; set; } = 100;
        /// <summary>Seed for the sample (tests); null = random.</summary>
        public int? Seed { get; set; }
        /// <summary>At most this many problems are listed (the count is exact).</summary>
        public int MaxProblems { get; set; } = 100;
    }

    /// <summary>Collects a check's counts and problems for a verifier.</summary>
    public sealed class RecoveryPointCheckBuilder
    {
        private readonly List<string> _problems = new List<string>();
        private readonly int _max;

        public RecoveryPointCheckBuilder(int maxProblems = 100) { _max = maxProblems; }

        public int ObjectsChecked { get; set; }
        public int FilesChecked { get; set; }
        public int FilesRead { get; set; }
        public long BytesRead { get; set; }
        public int ProblemCount { get; private set; }

        public void Problem(string text)
        {
            ProblemCount++;
            if (_problems.Count < _max) _problems.Add(text);
        }

        public IReadOnlyList<string> Problems => _problems;
    }

    /// <summary>Runs the verifier of a point's kind and turns what it found into a <see cref="FinRecoveryPointCheck"/>.</summary>
    public static class RecoveryPointChecker
    {
        public static FinRecoveryPointCheck Check(FinRecoveryPoint point, IRecoveryPointVerifier verifier, RecoveryPointCheckOptions options,
            CancellationToken cancellationToken, Func<DateTime> clock = null)
        {
            if (point == null) throw new ArgumentNullException(nameof(point));
            options = options ?? new RecoveryPointCheckOptions();
            var watch = Stopwatch.StartNew();
            var result = new FinRecoveryPointCheck
            {
                RecoveryPointId = point.RecoveryPointId,
                Kind = point.Kind.ToString(),
                Region = point.Region,
                Application = point.Application,
                CheckedAt = (clock ?? (() => DateTime.UtcNow))(),
                DataRead = options.ReadData && point.Kind == RecoveryPointKind.FileBackup,
                SamplePercent = options.ReadData && point.Kind == RecoveryPointKind.FileBackup ? options.SamplePercent : 0,
            };
            if (verifier == null)
            {
                result.Status = FinRecoveryPointCheck.NotChecked;
                result.Problems = new[] { $"FinBackup has no check for {point.Kind} points." };
                result.ProblemCount = 0;
                result.Duration = watch.Elapsed;
                return result;
            }
            var builder = new RecoveryPointCheckBuilder(options.MaxProblems);
            if (string.IsNullOrEmpty(point.RecoveryPointId)) builder.Problem("the point has no RecoveryPointId");
            else verifier.Verify(point, options, builder, cancellationToken);
            result.ObjectsChecked = builder.ObjectsChecked;
            result.FilesChecked = builder.FilesChecked;
            result.FilesRead = builder.FilesRead;
            result.BytesRead = builder.BytesRead;
            result.ProblemCount = builder.ProblemCount;
            result.Problems = new List<string>(builder.Problems).ToArray();
            result.Status = builder.ProblemCount == 0 ? FinRecoveryPointCheck.Passed : FinRecoveryPointCheck.Failed;
            result.Duration = watch.Elapsed;
            return result;
        }
    }
}
