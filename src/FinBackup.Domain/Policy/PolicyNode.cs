using System;
using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.Policy
{
    /// <summary>Where a value was written: file, 1-based line and column.</summary>
    public sealed class SourcePosition
    {
        public SourcePosition(string file, int line, int column)
        {
            File = file;
            Line = line;
            Column = column;
        }

        public string File { get; }
        public int Line { get; }
        public int Column { get; }

        /// <summary>The file name (no directory), for messages.</summary>
        public string FileName => string.IsNullOrEmpty(File) ? "policy" : System.IO.Path.GetFileName(File);

        public override string ToString() => $"{FileName} line {Line}";
    }

    /// <summary>
    /// A neutral, position-tagged document tree: what the .psd1 and JSON front ends produce and the
    /// <see cref="PolicyReader"/> maps onto <see cref="BackupPolicy"/>. Maps, lists and scalars only.
    /// </summary>
    public abstract class PolicyNode
    {
        protected PolicyNode(SourcePosition position) { Position = position; }
        public SourcePosition Position { get; }
        /// <summary>A word for the kind of value, for "wrong type" messages: "a string", "a list", "a table".</summary>
        public abstract string Describe();
    }

    /// <summary>The kinds of scalar a policy file can hold.</summary>
    public enum ScalarKind
    {
        String,
        Integer,
        Number,
        Boolean,
        Null,
    }

    public sealed class PolicyScalar : PolicyNode
    {
        public PolicyScalar(SourcePosition position, ScalarKind kind, object value) : base(position)
        {
            Kind = kind;
            Value = value;
        }

        public ScalarKind Kind { get; }
        /// <summary>string, long, double, bool or null.</summary>
        public object Value { get; }

        public override string Describe()
        {
            switch (Kind)
            {
                case ScalarKind.String: return $"the string \"{Value}\"";
                case ScalarKind.Integer:
                case ScalarKind.Number: return $"the number {Convert.ToString(Value, System.Globalization.CultureInfo.InvariantCulture)}";
                case ScalarKind.Boolean: return (bool)Value ? "$true" : "$false";
                default: return "$null";
            }
        }
    }

    public sealed class PolicyList : PolicyNode
    {
        public PolicyList(SourcePosition position, IEnumerable<PolicyNode> items) : base(position)
        {
            Items = items.ToList();
        }

        public IReadOnlyList<PolicyNode> Items { get; }
        public override string Describe() => "a list";
    }

    /// <summary>One key of a table, with where the key itself was written.</summary>
    public sealed class PolicyEntry
    {
        public PolicyEntry(string key, SourcePosition keyPosition, PolicyNode value)
        {
            Key = key;
            KeyPosition = keyPosition;
            Value = value;
        }

        public string Key { get; }
        public SourcePosition KeyPosition { get; }
        public PolicyNode Value { get; }
    }

    /// <summary>A table (hashtable / JSON object), keys in the order written.</summary>
    public sealed class PolicyMap : PolicyNode
    {
        public PolicyMap(SourcePosition position, IEnumerable<PolicyEntry> entries) : base(position)
        {
            Entries = entries.ToList();
        }

        public IReadOnlyList<PolicyEntry> Entries { get; }
        public override string Describe() => "a table";
    }
}
