using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using FinBackup.Domain.Sandbox;

namespace FinBackup.Common
{
    /// <summary>
    /// The moto_server processes Start-FinSandbox started, recorded outside the session: one small file per process in
    /// $env:FINBACKUP_SANDBOX_DIR (default: a per-user folder under the temp directory). A shell that exits without
    /// Stop-FinSandbox leaves its moto running; the next Start-FinSandbox finds it here and reuses it (or, with -Force,
    /// stops it and starts a fresh one). A record whose process is gone, or is another process by now, is removed.
    /// </summary>
    internal static class SandboxRegistry
    {
        internal const string DirectoryVariable = "FINBACKUP_SANDBOX_DIR";

        internal sealed class Record
        {
            internal string Path;
            internal FinSandbox Sandbox;
            internal int OwnerProcessId;
            internal DateTime OwnerStartTime;
            internal bool Seeded;

            /// <summary>True when the shell (process) that started it no longer runs.</summary>
            internal bool Orphaned => !ProcessAlive(OwnerProcessId, OwnerStartTime);
        }

        internal static string Folder
        {
            get
            {
                var configured = Environment.GetEnvironmentVariable(DirectoryVariable);
                if (!string.IsNullOrWhiteSpace(configured)) return configured;
                var user = (Environment.UserName ?? "user").Replace(System.IO.Path.DirectorySeparatorChar, '_');
                return System.IO.Path.Combine(System.IO.Path.GetTempPath(), "finbackup-sandboxes-" + user);
            }
        }

        /// <summary>Records of sandboxes whose moto_server still runs; stale records are deleted on the way.</summary>
        internal static List<Record> Live(Func<FinSandbox, bool> isRunning)
        {
            var result = new List<Record>();
            string[] files;
            try
            {
                files = Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*.sandbox") : new string[0];
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return result;
            }
            foreach (var file in files)
            {
                var record = Read(file);
                if (record == null || !isRunning(record.Sandbox))
                {
                    TryDelete(file);
                    continue;
                }
                result.Add(record);
            }
            return result;
        }

        /// <summary>Write (or rewrite) the record of a sandbox this process owns. Never fails the cmdlet.</summary>
        internal static void Save(FinSandbox sandbox, bool seeded)
        {
            if (sandbox?.ProcessId == null || !sandbox.StartedByFinBackup) return;
            try
            {
                Directory.CreateDirectory(Folder);
                var me = Process.GetCurrentProcess();
                var lines = new List<string>
                {
                    "EndpointUrl=" + sandbox.EndpointUrl,
                    "ProcessId=" + sandbox.ProcessId.Value.ToString(CultureInfo.InvariantCulture),
                    "ProcessStartTime=" + (sandbox.ProcessStartTime?.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture) ?? string.Empty),
                    "OwnerProcessId=" + me.Id.ToString(CultureInfo.InvariantCulture),
                    "OwnerStartTime=" + me.StartTime.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture),
                    "Seeded=" + (seeded ? "true" : "false"),
                    "PrimaryRegion=" + sandbox.PrimaryRegion,
                    "DrRegion=" + sandbox.DrRegion,
                    "Applications=" + sandbox.Applications,
                    "Ec2Instances=" + sandbox.Ec2Instances,
                    "EbsVolumes=" + sandbox.EbsVolumes,
                    "EbsDeclaredGiB=" + sandbox.EbsDeclaredGiB,
                    "RdsInstances=" + sandbox.RdsInstances,
                    "RdsDeclaredGiB=" + sandbox.RdsDeclaredGiB,
                    "KmsKeys=" + sandbox.KmsKeys,
                    "Buckets=" + sandbox.Buckets,
                    "Secrets=" + sandbox.Secrets,
                    "BackupVaults=" + sandbox.BackupVaults,
                };
                foreach (var kv in sandbox.KmsKeyArns ?? new Dictionary<string, string>()) lines.Add("KmsKeyArn." + kv.Key + "=" + kv.Value);
                var path = PathOf(sandbox.ProcessId.Value);
                var temp = path + ".tmp";
                File.WriteAllLines(temp, lines);
                if (File.Exists(path)) File.Delete(path);
                File.Move(temp, path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidOperationException)
            {
                // The record only helps a later shell; a sandbox without one still works.
            }
        }

        internal static void Forget(FinSandbox sandbox)
        {
            if (sandbox?.ProcessId != null) TryDelete(PathOf(sandbox.ProcessId.Value));
        }

        private static string PathOf(int processId) => System.IO.Path.Combine(Folder, processId.ToString(CultureInfo.InvariantCulture) + ".sandbox");

        private static Record Read(string file)
        {
            try
            {
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var line in File.ReadAllLines(file))
                {
                    var eq = line.IndexOf('=');
                    if (eq > 0) values[line.Substring(0, eq)] = line.Substring(eq + 1);
                }
                string Get(string key) => values.TryGetValue(key, out var v) ? v : null;
                int Int(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : 0;
                DateTime? Time(string key) => DateTime.TryParse(Get(key), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t.ToUniversalTime() : (DateTime?)null;
                if (string.IsNullOrEmpty(Get("EndpointUrl")) || Int("ProcessId") <= 0) return null;
                var sandbox = new FinSandbox
                {
                    EndpointUrl = Get("EndpointUrl"),
                    ProcessId = Int("ProcessId"),
                    ProcessStartTime = Time("ProcessStartTime"),
                    StartedByFinBackup = true,
                    PrimaryRegion = Get("PrimaryRegion"),
                    DrRegion = Get("DrRegion"),
                    Applications = Int("Applications"),
                    Ec2Instances = Int("Ec2Instances"),
                    EbsVolumes = Int("EbsVolumes"),
                    EbsDeclaredGiB = Int("EbsDeclaredGiB"),
                    RdsInstances = Int("RdsInstances"),
                    RdsDeclaredGiB = Int("RdsDeclaredGiB"),
                    KmsKeys = Int("KmsKeys"),
                    Buckets = Int("Buckets"),
                    Secrets = Int("Secrets"),
                    BackupVaults = Int("BackupVaults"),
                };
                foreach (var kv in values.Where(kv => kv.Key.StartsWith("KmsKeyArn.", StringComparison.Ordinal)))
                    sandbox.KmsKeyArns[kv.Key.Substring("KmsKeyArn.".Length)] = kv.Value;
                return new Record
                {
                    Path = file,
                    Sandbox = sandbox,
                    OwnerProcessId = Int("OwnerProcessId"),
                    OwnerStartTime = Time("OwnerStartTime") ?? DateTime.MinValue,
                    Seeded = string.Equals(Get("Seeded"), "true", StringComparison.OrdinalIgnoreCase),
                };
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is FormatException)
            {
                return null;
            }
        }

        private static bool ProcessAlive(int processId, DateTime startTime)
        {
            if (processId <= 0) return false;
            try
            {
                using (var p = Process.GetProcessById(processId))
                {
                    return Math.Abs((p.StartTime.ToUniversalTime() - startTime).TotalSeconds) <= 2;
                }
            }
            catch (Exception ex) when (ex is ArgumentException || ex is InvalidOperationException || ex is System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }

        private static void TryDelete(string file)
        {
            try
            {
                if (File.Exists(file)) File.Delete(file);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
            }
        }
    }
}
