using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using FinBackup.Domain;
using FinBackup.Domain.Policy;

namespace FinBackup.Policy
{
    /// <summary>
    /// Output objects carry their policy's name and path, not the policy itself (they export cleanly). A cmdlet down the
    /// pipeline that needs the policy (New-FinSnapshot after Get-FinResource, Copy-FinBackupToRegion after New-FinSnapshot)
    /// binds -PolicyPath by property name and gets the policy here: the one Import-FinBackupPolicy read in this process,
    /// while the file is unchanged, else the file read again.
    /// </summary>
    internal static class PolicyCache
    {
        private static readonly ConcurrentDictionary<string, Entry> Entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);

        private sealed class Entry
        {
            internal DateTime WrittenUtc;
            internal BackupPolicy Policy;
        }

        /// <summary>Remember a policy read from its file (Import-FinBackupPolicy).</summary>
        internal static void Remember(BackupPolicy policy)
        {
            if (policy == null || string.IsNullOrEmpty(policy.SourcePath) || !File.Exists(policy.SourcePath)) return;
            Entries[policy.SourcePath] = new Entry { Policy = policy, WrittenUtc = File.GetLastWriteTimeUtc(policy.SourcePath) };
        }

        /// <summary>The policy at this path; throws FinPolicyPathUnreadable when it no longer reads.</summary>
        internal static BackupPolicy Get(string path)
        {
            if (string.IsNullOrEmpty(path)) return null;
            var written = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
            if (Entries.TryGetValue(path, out var entry) && entry.WrittenUtc == written) return entry.Policy;
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
            Remember(result.Policy);
            return result.Policy;
        }
    }
}
