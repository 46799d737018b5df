using System;
using System.Collections.Generic;
using System.IO;
using FinBackup.Domain;
using FinBackup.Domain.Policy;

namespace FinBackup.Policy
{
    /// <summary>Reads a policy file: .psd1 through the PowerShell parser, .json through the domain's JSON reader.</summary>
    internal static class PolicyFileLoader
    {
        /// <summary>Throws FinPolicyFileNotFound (ObjectNotFound) when the file is missing; otherwise the read result.</summary>
        internal static PolicyReadResult Load(string fullPath)
        {
            if (!File.Exists(fullPath))
            {
                if (Directory.Exists(fullPath))
                {
                    throw new FinBackupException("FinPolicyPathIsDirectory", FinErrorKind.InvalidArgument,
                        $"'{fullPath}' is a directory, not a policy file.", "Give the path of a .psd1 or .json policy file.");
                }
                throw new FinBackupException("FinPolicyFileNotFound", FinErrorKind.ObjectNotFound,
                    $"The policy file '{fullPath}' does not exist.", "Check the path; policies are .psd1 or .json files such as ./examples/finco.policy.psd1.");
            }
            if (IsJson(fullPath))
            {
                string text;
                try
                {
                    text = File.ReadAllText(fullPath);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new FinBackupException("FinPolicyFileUnreadable", FinErrorKind.ReadError, $"The policy file '{fullPath}' cannot be read: {ex.Message}");
                }
                return PolicyReader.ReadJson(text, fullPath);
            }
            var tree = PsdPolicyParser.Parse(fullPath, out IReadOnlyList<PolicyDiagnostic> errors);
            if (tree == null) return new PolicyReadResult(null, errors);
            return PolicyReader.Read(tree, fullPath);
        }

        private static bool IsJson(string path)
        {
            var ext = Path.GetExtension(path);
            if (string.Equals(ext, ".json", StringComparison.OrdinalIgnoreCase)) return true;
            if (string.Equals(ext, ".psd1", StringComparison.OrdinalIgnoreCase)) return false;
            // Anything else: JSON if it starts with '{'.
            using (var reader = new StreamReader(path))
            {
                int c;
                while ((c = reader.Read()) >= 0)
                {
                    if (!char.IsWhiteSpace((char)c) && c != '\uFEFF') return c == '{';
                }
            }
            return false;
        }
    }
}
