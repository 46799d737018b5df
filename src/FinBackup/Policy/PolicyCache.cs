using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using FinBackup.Domain;
using FinBackup.Domain.Policy;

namespace FinBackup.Policy
{
    /// <summary>
    /// Output objects carry their policy's name and path, not the policy itself (they export cleanly). A cmdlet down the
    /// pipeline that needs the policy (New-FinSnapshot after Get-FinResource, Copy-FinBackupToRegion after New-FinSnapshot,
    /// Invoke-FinRestore after Get-FinRecoveryPoint -Policy) gets it here:
    /// - for an object a FinBackup cmdlet wrote in this process, the very policy object it was written under (held beside
    ///   the object, weakly: <see cref="Attach"/>), so a policy changed in memory stays the one that applies;
    /// - for any other object with a PolicyPath (an exported point read back with Import-Csv, say), the policy read from
    ///   that file, as the file is now (parsed once per file version).
    /// </summary>
    internal static class PolicyCache
    {
        private static readonly ConditionalWeakTable<object, BackupPolicy> Attached = new ConditionalWeakTable<object, BackupPolicy>();
        private static readonly ConcurrentDictionary<string, Entry> Files = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);

        private sealed class Entry
        {
            internal DateTime WrittenUtc;
            internal long Length;
            internal BackupPolicy Policy;
        }

        /// <summary>Remember the policy an output object was written under.</summary>
        internal static void Attach(object output, BackupPolicy policy)
        {
            if (output == null || policy == null) return;
            Attached.Remove(output);
            Attached.Add(output, policy);
        }

        /// <summary>The policy an object from this process was written under, or null.</summary>
        internal static BackupPolicy AttachedTo(object output)
        {
            if (output is System.Management.Automation.PSObject pso) output = pso.BaseObject;
            return output != null && Attached.TryGetValue(output, out var policy) ? policy : null;
        }

        /// <summary>The policy in this file as it is now; throws FinPolicyPathUnreadable when it no longer reads.</summary>
        internal static BackupPolicy Get(string path)
        {
            if (string.IsNullOrEmpty(path)) return null;
            var info = new FileInfo(path);
            var written = info.Exists ? info.LastWriteTimeUtc : DateTime.MinValue;
            var length = info.Exists ? info.Length : -1;
            if (Files.TryGetValue(path, out var entry) && entry.WrittenUtc == written && entry.Length == length) return entry.Policy;
            PolicyReadResult result;
            try
            {
                result = PolicyFileLoader.Load(path);
            }
            catch (FinBackupException ex)
            {
                throw new FinBackupException("FinPolicyPathUnreadable", FinErrorKind.InvalidData,
                    $"The policy '{path}' that these objects came from cannot be read again: {ex.Message}",
                    "Pass the policy explicitly: -Policy (Import-FinBackupPolicy <path>).", ex);
            }
            if (result.Policy == null || result.HasErrors)
            {
                var first = result.Errors.FirstOrDefault()?.Message;
                throw new FinBackupException("FinPolicyPathUnreadable", FinErrorKind.InvalidData,
                    $"The policy '{path}' that these objects came from no longer reads" + (first != null ? ": " + first : "."),
                    "Fix the file (Test-FinBackupPolicy <path>), or pass the policy explicitly with -Policy.");
            }
            // This instance never leaves FinBackup (only the objects' own policies are handed out), so nothing changes it.
            Files[path] = new Entry { Policy = result.Policy, WrittenUtc = written, Length = length };
            return result.Policy;
        }
    }
}
