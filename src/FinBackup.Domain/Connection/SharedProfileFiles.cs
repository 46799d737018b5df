using System;
using System.Collections.Generic;
using System.IO;

namespace FinBackup.Domain.Connection
{
    /// <summary>A profile named in a shared AWS file.</summary>
    public sealed class SharedProfileName
    {
        public string Name { get; set; }
        /// <summary>The file that names it (the first one, when both do).</summary>
        public string File { get; set; }
    }

    /// <summary>
    /// The profile names in the shared AWS files, as the AWS CLI and SDKs find them: the credentials file
    /// (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials; sections <c>[name]</c>) and the config file (AWS_CONFIG_FILE,
    /// else ~/.aws/config; sections <c>[default]</c> and <c>[profile name]</c>, not <c>[sso-session ...]</c> or
    /// <c>[services ...]</c>). Only section names are read: never keys or secrets. Unreadable files are skipped.
    /// </summary>
    public static class SharedProfileFiles
    {
        /// <summary>Profile names, credentials file first (an explicit <paramref name="credentialsFile"/>, -ProfileLocation, before the default one), without duplicates.</summary>
        public static IReadOnlyList<SharedProfileName> ProfileNames(string credentialsFile = null, Func<string, string> environment = null)
        {
            var env = environment ?? Environment.GetEnvironmentVariable;
            var home = env("HOME");
            if (string.IsNullOrEmpty(home)) home = env("USERPROFILE");
            string Default(string variable, string leaf) =>
                !string.IsNullOrEmpty(env(variable)) ? env(variable) : string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".aws", leaf);

            var result = new List<SharedProfileName>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            void Add(string file, bool isConfig)
            {
                foreach (var name in SectionProfiles(file, isConfig))
                {
                    if (seen.Add(name)) result.Add(new SharedProfileName { Name = name, File = file });
                }
            }
            if (!string.IsNullOrEmpty(credentialsFile)) Add(credentialsFile, false);
            Add(Default("AWS_SHARED_CREDENTIALS_FILE", "credentials"), false);
            Add(Default("AWS_CONFIG_FILE", "config"), true);
            return result;
        }

        /// <summary>The profile names of one file's section headers.</summary>
        public static IEnumerable<string> SectionProfiles(string file, bool isConfig)
        {
            string[] lines;
            try
            {
                if (string.IsNullOrEmpty(file) || !System.IO.File.Exists(file)) return new string[0];
                lines = System.IO.File.ReadAllLines(file);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException)
            {
                return new string[0];
            }
            var names = new List<string>();
            foreach (var raw in lines)
            {
                var line = raw.Trim();
                if (line.Length < 3 || line[0] != '[') continue;
                var end = line.IndexOf(']');
                if (end < 0) continue;
                var section = line.Substring(1, end - 1).Trim();
                if (isConfig)
                {
                    if (section == "default") names.Add(section);
                    else if (section.StartsWith("profile ", StringComparison.Ordinal) || section.StartsWith("profile\t", StringComparison.Ordinal))
                    {
                        var name = section.Substring(8).Trim();
                        if (name.Length > 0) names.Add(name);
                    }
                }
                else if (section.Length > 0)
                {
                    names.Add(section);
                }
            }
            return names;
        }
    }
}
