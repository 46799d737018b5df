using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace FinBackup.Domain.Unattended
{
    /// <summary>
    /// A minimal JSON writer for the scheduler's target input: objects keep the order given, no whitespace, so the same
    /// plan always yields the same text and a changed text means a changed schedule.
    /// </summary>
    public static class CanonicalJson
    {
        /// <summary>Writes strings, numbers, booleans, IEnumerable&lt;KeyValuePair&lt;string, object&gt;&gt; (objects) and IEnumerable&lt;object&gt; (arrays).</summary>
        public static string Write(object value)
        {
            var sb = new StringBuilder();
            WriteValue(sb, value);
            return sb.ToString();
        }

        private static void WriteValue(StringBuilder sb, object value)
        {
            switch (value)
            {
                case null: sb.Append("null"); break;
                case string s: WriteString(sb, s); break;
                case bool b: sb.Append(b ? "true" : "false"); break;
                case int i: sb.Append(i.ToString(CultureInfo.InvariantCulture)); break;
                case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
                case IEnumerable<KeyValuePair<string, object>> obj:
                    sb.Append('{');
                    var first = true;
                    foreach (var kv in obj)
                    {
                        if (!first) sb.Append(',');
                        first = false;
                        WriteString(sb, kv.Key);
                        sb.Append(':');
                        WriteValue(sb, kv.Value);
                    }
                    sb.Append('}');
                    break;
                case IEnumerable<object> list:
                    sb.Append('[');
                    var firstItem = true;
                    foreach (var item in list)
                    {
                        if (!firstItem) sb.Append(',');
                        firstItem = false;
                        WriteValue(sb, item);
                    }
                    sb.Append(']');
                    break;
                default: WriteString(sb, System.Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            }
        }

        /// <summary>A JSON string literal (also used by the IAM policy writer).</summary>
        internal static void WriteString(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
        }
    }

    /// <summary>An ordered JSON object for <see cref="CanonicalJson"/>.</summary>
    public sealed class JsonFields : List<KeyValuePair<string, object>>
    {
        public JsonFields Add(string key, object value)
        {
            if (value != null) Add(new KeyValuePair<string, object>(key, value));
            return this;
        }
    }
}
