using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;

namespace FinBackup.Domain.Unattended
{
    /// <summary>One of FinBackup's SSM Command documents: its name and JSON content (schemaVersion 2.2).</summary>
    public sealed class SsmDocumentSource
    {
        public string Name { get; set; }
        public string Content { get; set; }
        /// <summary>Where it comes from in the repository (examples/ssm/&lt;Name&gt;.json).</summary>
        public string Source => "examples/ssm/" + Name + ".json";
    }

    /// <summary>Output of Publish-FinSsmDocument.</summary>
    public sealed class FinSsmDocument
    {
        public string Name { get; set; }
        public string Region { get; set; }
        public string DocumentVersion { get; set; }
        /// <summary>Created, Updated, Unchanged or Skipped (-WhatIf / declined).</summary>
        public string Action { get; set; }
        public string Source { get; set; }
        public override string ToString() => Name;
    }

    /// <summary>
    /// The documents FinBackup publishes. One source: the files in examples/ssm are embedded in this assembly at build
    /// time, so what Publish-FinSsmDocument writes is exactly what the repository shows.
    /// </summary>
    public static class SsmDocumentCatalog
    {
        private const string Prefix = "FinBackup.SsmDocuments.";

        public static IList<SsmDocumentSource> All()
        {
            var asm = typeof(SsmDocumentCatalog).GetTypeInfo().Assembly;
            var list = new List<SsmDocumentSource>();
            foreach (var name in SsmDocumentNames.All)
            {
                using (var stream = asm.GetManifestResourceStream(Prefix + name + ".json"))
                {
                    if (stream == null)
                        throw new FinBackupException("FinSsmDocumentMissing", FinErrorKind.NotInstalled,
                            $"The SSM document '{name}' is not embedded in FinBackup.Domain.dll.", "Rebuild FinBackup (the build embeds examples/ssm/*.json).");
                    using (var reader = new StreamReader(stream, Encoding.UTF8)) list.Add(new SsmDocumentSource { Name = name, Content = reader.ReadToEnd() });
                }
            }
            return list;
        }

        public static SsmDocumentSource Get(string name) =>
            All().FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
    }
}
