using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace FinBackup.Aws.Protocol
{
    /// <summary>Helpers to read JSON responses of the JSON and REST-JSON protocols.</summary>
    public static class JsonReading
    {
        private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

        public static JsonElement ParseOrEmpty(byte[] body)
        {
            if (body == null || body.Length == 0) return EmptyObject;
            using (var doc = JsonDocument.Parse(body)) return doc.RootElement.Clone();
        }

        public static string Str(this JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        public static long? Long(this JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : (long?)null;

        public static bool? Bool(this JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.False)
                ? v.GetBoolean() : (bool?)null;

        /// <summary>A timestamp: epoch seconds (number) or ISO 8601 string.</summary>
        public static DateTime? Date(this JsonElement e, string name)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v)) return null;
            if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var secs))
                return new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks((long)(secs * TimeSpan.TicksPerSecond));
            if (v.ValueKind == JsonValueKind.String &&
                DateTime.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d))
                return d;
            return null;
        }

        public static JsonElement? Obj(this JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : (JsonElement?)null;

        public static IEnumerable<JsonElement> Array(this JsonElement e, string name)
        {
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in v.EnumerateArray()) yield return item;
            }
        }

        /// <summary>Strings of an array property (empty, never null).</summary>
        public static List<string> Strings(this JsonElement e, string name)
        {
            var list = new List<string>();
            foreach (var item in e.Array(name)) if (item.ValueKind == JsonValueKind.String) list.Add(item.GetString());
            return list;
        }

        /// <summary>Error code and message from a JSON / REST-JSON error response.</summary>
        internal static AwsErrorInfo ParseError(AwsResponse response)
        {
            string code = response.Header("x-amzn-ErrorType");
            string message = null;
            try
            {
                var root = ParseOrEmpty(response.Body);
                code = code ?? root.Str("__type") ?? root.Str("code") ?? root.Str("Code");
                message = root.Str("message") ?? root.Str("Message") ?? root.Str("errorMessage");
            }
            catch (JsonException)
            {
                message = QueryProtocolClient.Truncate(response.BodyText);
            }
            return new AwsErrorInfo(NormalizeCode(code), message, null);
        }

        /// <summary>"aws.protocoltests#FooError:http://..." -> "FooError".</summary>
        internal static string NormalizeCode(string code)
        {
            if (string.IsNullOrEmpty(code)) return null;
            var colon = code.IndexOf(':');
            if (colon >= 0) code = code.Substring(0, colon);
            var hash = code.LastIndexOf('#');
            if (hash >= 0) code = code.Substring(hash + 1);
            return code.Trim();
        }
    }
}
