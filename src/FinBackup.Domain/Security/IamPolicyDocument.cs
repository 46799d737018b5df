using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace FinBackup.Domain.Security
{
    /// <summary>An IAM policy document (identity or resource policy): version 2012-10-17 and its statements.</summary>
    public sealed class IamPolicyDocument
    {
        public const string Version = "2012-10-17";

        public IList<IamStatement> Statements { get; } = new List<IamStatement>();

        /// <summary>Every action any Allow statement names, sorted (for reviews and tests).</summary>
        public IEnumerable<string> AllowedActions =>
            Statements.Where(s => s.Effect == IamEffect.Allow).SelectMany(s => s.Actions).Distinct(StringComparer.Ordinal).OrderBy(a => a, StringComparer.Ordinal);

        public IamStatement Add(IamStatement statement)
        {
            Statements.Add(statement);
            return statement;
        }

        /// <summary>The document as IAM reads it: indented JSON, keys in IAM's usual order, single values as strings.</summary>
        public string ToJson()
        {
            var sb = new StringBuilder();
            sb.Append("{\n  \"Version\": \"").Append(Version).Append("\",\n  \"Statement\": [");
            for (var i = 0; i < Statements.Count; i++)
            {
                sb.Append(i == 0 ? "\n" : ",\n");
                Statements[i].WriteJson(sb, "    ");
            }
            sb.Append("\n  ]\n}\n");
            return sb.ToString();
        }

        internal static void WriteString(StringBuilder sb, string value) => Unattended.CanonicalJson.WriteString(sb, value);

        internal static void WriteValues(StringBuilder sb, IList<string> values, string indent)
        {
            if (values.Count == 1)
            {
                WriteString(sb, values[0]);
                return;
            }
            sb.Append("[\n");
            for (var i = 0; i < values.Count; i++)
            {
                sb.Append(indent).Append("  ");
                WriteString(sb, values[i]);
                sb.Append(i == values.Count - 1 ? "\n" : ",\n");
            }
            sb.Append(indent).Append(']');
        }
    }

    public enum IamEffect
    {
        Allow,
        Deny,
    }

    /// <summary>One statement: Sid, Effect, Action (or NotAction), Resource, optional Principal and Condition.</summary>
    public sealed class IamStatement
    {
        public IamStatement(string sid, IamEffect effect, IEnumerable<string> actions, IEnumerable<string> resources)
        {
            Sid = sid;
            Effect = effect;
            Actions = actions.Distinct(StringComparer.Ordinal).ToList();
            Resources = resources.Distinct(StringComparer.Ordinal).ToList();
        }

        public string Sid { get; }
        public IamEffect Effect { get; }
        public IList<string> Actions { get; }
        public IList<string> Resources { get; }
        /// <summary>For resource policies: "*" or principal ARNs (written as {"AWS": ...}).</summary>
        public IList<string> Principals { get; set; }
        /// <summary>Operator (StringEquals, Bool, ...) -> condition key -> values.</summary>
        public IDictionary<string, IDictionary<string, IList<string>>> Conditions { get; } =
            new SortedDictionary<string, IDictionary<string, IList<string>>>(StringComparer.Ordinal);

        public IamStatement When(string op, string key, params string[] values)
        {
            if (!Conditions.TryGetValue(op, out var keys))
            {
                keys = new SortedDictionary<string, IList<string>>(StringComparer.Ordinal);
                Conditions[op] = keys;
            }
            keys[key] = values.Distinct(StringComparer.Ordinal).ToList();
            return this;
        }

        internal void WriteJson(StringBuilder sb, string indent)
        {
            var inner = indent + "  ";
            sb.Append(indent).Append("{\n");
            sb.Append(inner).Append("\"Sid\": ");
            IamPolicyDocument.WriteString(sb, Sid);
            sb.Append(",\n").Append(inner).Append("\"Effect\": \"").Append(Effect).Append("\",\n");
            if (Principals != null)
            {
                sb.Append(inner).Append("\"Principal\": ");
                if (Principals.Count == 1 && Principals[0] == "*") sb.Append("\"*\"");
                else
                {
                    sb.Append("{ \"AWS\": ");
                    IamPolicyDocument.WriteValues(sb, Principals, inner);
                    sb.Append(" }");
                }
                sb.Append(",\n");
            }
            sb.Append(inner).Append("\"Action\": ");
            IamPolicyDocument.WriteValues(sb, Actions, inner);
            sb.Append(",\n").Append(inner).Append("\"Resource\": ");
            IamPolicyDocument.WriteValues(sb, Resources, inner);
            if (Conditions.Count > 0)
            {
                sb.Append(",\n").Append(inner).Append("\"Condition\": {\n");
                var ops = Conditions.ToList();
                for (var i = 0; i < ops.Count; i++)
                {
                    sb.Append(inner).Append("  ");
                    IamPolicyDocument.WriteString(sb, ops[i].Key);
                    sb.Append(": {\n");
                    var keys = ops[i].Value.ToList();
                    for (var j = 0; j < keys.Count; j++)
                    {
                        sb.Append(inner).Append("    ");
                        IamPolicyDocument.WriteString(sb, keys[j].Key);
                        sb.Append(": ");
                        IamPolicyDocument.WriteValues(sb, keys[j].Value, inner + "    ");
                        sb.Append(j == keys.Count - 1 ? "\n" : ",\n");
                    }
                    sb.Append(inner).Append("  }").Append(i == ops.Count - 1 ? "\n" : ",\n");
                }
                sb.Append(inner).Append('}');
            }
            sb.Append('\n').Append(indent).Append('}');
        }
    }
}
