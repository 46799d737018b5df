using System;
using System.IO;
using System.Text;
using FinBackup.Domain.Files;

namespace FinBackup.Domain.Policy
{
    /// <summary>
    /// Reads a policy file's text safely: regular files only (checked before the file is opened: a FIFO would block the
    /// open, /dev/zero would never end), at most <see cref="MaxBytes"/>, checked before reading and enforced while reading.
    /// </summary>
    public static class PolicyFileText
    {
        /// <summary>10 MiB: the bank's policy is 6 KB; anything this large is not a policy.</summary>
        public const long MaxBytes = 10L << 20;

        public static string Read(string fullPath)
        {
            var kind = FileTypeProbe.Kind(fullPath, followLinks: true);
            if (kind == FileKind.Missing)
                throw new FinBackupException("FinPolicyFileNotFound", FinErrorKind.ObjectNotFound,
                    $"The policy file '{fullPath}' does not exist.", "Check the path; policies are .psd1 or .json files such as ./examples/finco.policy.psd1.");
            if (kind == FileKind.Directory)
                throw new FinBackupException("FinPolicyPathIsDirectory", FinErrorKind.InvalidArgument,
                    $"'{fullPath}' is a directory, not a policy file.", "Give the path of a .psd1 or .json policy file.");
            if (kind != FileKind.Regular)
                throw new FinBackupException("FinPolicyFileNotRegular", FinErrorKind.InvalidArgument,
                    $"'{fullPath}' is {FileTypeProbe.Describe(kind)}, not a regular file; it was not read.",
                    "Give the path of a .psd1 or .json policy file (a regular file, at most 10 MiB).");
            try
            {
                using (var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 12))
                {
                    if (stream.CanSeek && stream.Length > MaxBytes) throw TooLarge(fullPath, stream.Length);
                    var buffer = new MemoryStream();
                    var chunk = new byte[1 << 16];
                    int n;
                    while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
                    {
                        if (buffer.Length + n > MaxBytes) throw TooLarge(fullPath, -1);
                        buffer.Write(chunk, 0, n);
                    }
                    buffer.Position = 0;
                    using (var reader = new StreamReader(buffer, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true))
                    {
                        return reader.ReadToEnd();
                    }
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new FinBackupException("FinPolicyFileUnreadable", FinErrorKind.ReadError, $"The policy file '{fullPath}' cannot be read: {ex.Message}",
                    "Check the file's permissions.", ex);
            }
        }

        private static FinBackupException TooLarge(string path, long size) =>
            new FinBackupException("FinPolicyFileTooLarge", FinErrorKind.InvalidArgument,
                $"'{path}' is {(size >= 0 ? size + " bytes" : "larger than 10 MiB")}; a policy file is at most {MaxBytes} bytes (10 MiB), so it was not read.",
                "Give the path of the policy file itself (.psd1 or .json); a policy is a few kilobytes.");
    }
}
