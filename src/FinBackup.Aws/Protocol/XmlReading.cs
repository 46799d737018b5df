using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;

namespace FinBackup.Aws.Protocol
{
    /// <summary>Namespace-agnostic helpers to read AWS XML responses (query and REST-XML protocols).</summary>
    public static class XmlReading
    {
        public static XElement Child(this XElement e, string name) =>
            e?.Elements().FirstOrDefault(c => c.Name.LocalName == name);

        public static string Text(this XElement e, string name)
        {
            var c = e.Child(name);
            return c == null ? null : c.Value;
        }

        public static int? Int(this XElement e, string name) =>
            int.TryParse(e.Text(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null;

        public static long? Long(this XElement e, string name) =>
            long.TryParse(e.Text(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (long?)null;

        public static bool? Bool(this XElement e, string name)
        {
            var t = e.Text(name);
            return t == null ? (bool?)null : string.Equals(t, "true", StringComparison.OrdinalIgnoreCase);
        }

        public static DateTime? Date(this XElement e, string name)
        {
            var t = e.Text(name);
            if (string.IsNullOrEmpty(t)) return null;
            return DateTime.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
                ? d : (DateTime?)null;
        }

        /// <summary>Items of a wrapped list: &lt;listName&gt;&lt;item/&gt;&lt;item/&gt;&lt;/listName&gt; (any item name when null).</summary>
        public static IEnumerable<XElement> Items(this XElement e, string listName, string itemName = null)
        {
            var list = e.Child(listName);
            if (list == null) return Enumerable.Empty<XElement>();
            return list.Elements().Where(c => itemName == null || c.Name.LocalName == itemName);
        }

        /// <summary>Key/Value tag list (&lt;Tag&gt;&lt;Key/&gt;&lt;Value/&gt;&lt;/Tag&gt;) as a dictionary.</summary>
        public static Dictionary<string, string> Tags(this XElement e, string listName)
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var t in e.Items(listName))
            {
                var key = t.Text("Key");
                if (key != null) tags[key] = t.Text("Value") ?? string.Empty;
            }
            return tags;
        }

        /// <summary>Parse XML and drop namespaces so LocalName lookups are simple.</summary>
        public static XElement Parse(string xml)
        {
            var root = XElement.Parse(xml);
            foreach (var el in root.DescendantsAndSelf())
            {
                el.Name = el.Name.LocalName;
                el.Attributes().Where(a => a.IsNamespaceDeclaration).Remove();
            }
            return root;
        }
    }
}
