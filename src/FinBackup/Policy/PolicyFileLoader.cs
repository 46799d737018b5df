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
            // Regular files only, at most 10 MiB, checked before the file is opened (FinPolicyFileNotRegular, FinPolicyFileTooLarge).
            var text = PolicyFileText.Read(fullPath);
            if (IsJson(fullPath, text)) return PolicyReader.ReadJson(text, fullPath);
            var tree = PsdPolicyParser.ParseText(text, fullPath, out IReadOnlyList<PolicyDiagnostic> errors);
            if (tree == null) return new PolicyReadResult(null, errors);
            return PolicyReader.Read(tree, fullPath);
        }

        private static bool IsJson(string path, string text)
        {
            var ext = Path.GetExtension(path);
            if (string.Equals(ext, ".json", StringComparison.OrdinalIgnoreCase)) return true;
            if (string.Equals(ext, ".psd1", StringComparison.OrdinalIgnoreCase)) return false;
            // Anything else: JSON if it starts with '{'.
            foreach (var c in text)
            {
                if (!char.IsWhiteSpace(c) && c != '\uFEFF') return c == '{';
            }
            return false;
        }
    }
}
