using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Language;
using FinBackup.Domain.Policy;

namespace FinBackup.Policy
{
    /// <summary>
    /// Reads a .psd1 policy with the PowerShell parser (never running it) and turns its one hashtable into the
    /// neutral <see cref="PolicyNode"/> tree, with file, line and column on every value. Only literal values are
    /// accepted: strings without $ expansions, numbers, $true/$false/$null, @(...) / comma lists and @{...} tables.
    /// </summary>
    internal sealed class PsdPolicyParser
    {
        private readonly string _file;
        private readonly List<PolicyDiagnostic> _errors = new List<PolicyDiagnostic>();

        private PsdPolicyParser(string file) { _file = file; }

        /// <summary>Parses the file; returns the tree, or null and the errors (each naming line and field).</summary>
        internal static PolicyNode Parse(string path, out IReadOnlyList<PolicyDiagnostic> errors)
        {
            var ast = Parser.ParseFile(path, out _, out ParseError[] parseErrors);
            return new PsdPolicyParser(path).Convert(ast, parseErrors, out errors);
        }

        /// <summary>Parses text (for tests and in-memory policies); <paramref name="file"/> names it in messages.</summary>
        internal static PolicyNode ParseText(string text, string file, out IReadOnlyList<PolicyDiagnostic> errors)
        {
            var ast = Parser.ParseInput(text, file, out _, out ParseError[] parseErrors);
            return new PsdPolicyParser(file).Convert(ast, parseErrors, out errors);
        }

        private PolicyNode Convert(ScriptBlockAst ast, ParseError[] parseErrors, out IReadOnlyList<PolicyDiagnostic> errors)
        {
            errors = _errors;
            if (parseErrors != null && parseErrors.Length > 0)
            {
                foreach (var e in parseErrors.Take(10))
                {
                    _errors.Add(new PolicyDiagnostic(PolicySeverity.Error, PolicyRules.WellFormed, Pos(e.Extent), null,
                        "PowerShell cannot parse this: " + e.Message.TrimEnd('.'),
                        "Fix the syntax at that line (a missing quote, brace or parenthesis is the usual cause)."));
                }
                return null;
            }
            if (ast.ParamBlock != null || ast.BeginBlock != null || ast.ProcessBlock != null || ast.DynamicParamBlock != null)
            {
                Fail(ast.Extent, null, "a policy file holds one hashtable @{ ... }, not a script with param/begin/process blocks");
                return null;
            }
            var statements = ast.EndBlock?.Statements;
            if (statements == null || statements.Count == 0)
            {
                Fail(ast.Extent, null, "the file is empty; a policy is one hashtable @{ Name = 'finco'; ... }");
                return null;
            }
            if (statements.Count > 1)
            {
                Fail(statements[1].Extent, null, "a policy file holds exactly one hashtable @{ ... }; there is more after it");
                return null;
            }
            var expr = (statements[0] as PipelineAst)?.GetPureExpression();
            if (!(expr is HashtableAst))
            {
                Fail(statements[0].Extent, null, "a policy file holds one hashtable @{ ... } and nothing else (it is never run)");
                return null;
            }
            var root = Value(expr, null);
            return _errors.Count == 0 ? root : null;
        }

        private PolicyNode Value(ExpressionAst expr, string field)
        {
            switch (expr)
            {
                case HashtableAst table:
                    return Table(table, field);
                case StringConstantExpressionAst s:
                    return new PolicyScalar(Pos(s.Extent), ScalarKind.String, s.Value);
                case ExpandableStringExpressionAst x:
                    if (x.NestedExpressions.Count == 0) return new PolicyScalar(Pos(x.Extent), ScalarKind.String, x.Value);
                    return Fail(x.Extent, field, $"\"{x.Value}\" expands {x.NestedExpressions[0].Extent.Text}, which would need running the file; use single quotes for literal text");
                case ConstantExpressionAst c:
                    return Number(c.Value, c.Extent, field, negate: false);
                case VariableExpressionAst v:
                    var name = v.VariablePath.UserPath;
                    if (string.Equals(name, "true", StringComparison.OrdinalIgnoreCase)) return new PolicyScalar(Pos(v.Extent), ScalarKind.Boolean, true);
                    if (string.Equals(name, "false", StringComparison.OrdinalIgnoreCase)) return new PolicyScalar(Pos(v.Extent), ScalarKind.Boolean, false);
                    if (string.Equals(name, "null", StringComparison.OrdinalIgnoreCase)) return new PolicyScalar(Pos(v.Extent), ScalarKind.Null, null);
                    return Fail(v.Extent, field, $"the variable {v.Extent.Text} would need running the file; write the value itself");
                case UnaryExpressionAst u when (u.TokenKind == TokenKind.Minus || u.TokenKind == TokenKind.Plus) && u.Child is ConstantExpressionAst k:
                    return Number(k.Value, u.Extent, field, negate: u.TokenKind == TokenKind.Minus);
                case ArrayExpressionAst a:
                    return List(a, a.SubExpression.Statements, field);
                case ArrayLiteralAst l:
                    return new PolicyList(Pos(l.Extent), l.Elements.Select((e, i) => Value(e, $"{field}[{i}]")).ToList());
                case ParenExpressionAst p:
                    var inner = (p.Pipeline as PipelineAst)?.GetPureExpression();
                    return inner != null ? Value(inner, field) : Fail(p.Extent, field, NotLiteral(p.Extent));
                default:
                    return Fail(expr.Extent, field, NotLiteral(expr.Extent));
            }
        }

        private PolicyNode List(Ast at, IEnumerable<StatementAst> statements, string field)
        {
            var items = new List<ExpressionAst>();
            foreach (var statement in statements)
            {
                var e = (statement as PipelineAst)?.GetPureExpression();
                if (e == null) return Fail(statement.Extent, field, NotLiteral(statement.Extent));
                if (e is ArrayLiteralAst literal) items.AddRange(literal.Elements);
                else items.Add(e);
            }
            return new PolicyList(Pos(at.Extent), items.Select((e, i) => Value(e, $"{field}[{i}]")).ToList());
        }

        private PolicyNode Table(HashtableAst table, string field)
        {
            var entries = new List<PolicyEntry>();
            foreach (var pair in table.KeyValuePairs)
            {
                string key;
                switch (pair.Item1)
                {
                    case StringConstantExpressionAst s: key = s.Value; break;
                    case ConstantExpressionAst c: key = System.Convert.ToString(c.Value, System.Globalization.CultureInfo.InvariantCulture); break;
                    default:
                        Fail(pair.Item1.Extent, field, $"the key {pair.Item1.Extent.Text} is not a literal name; write it as a bare word or in quotes");
                        continue;
                }
                // Region-keyed tables ('us-east-1' = ...) get ['key'] paths, everything else .Key paths.
                var childField = field == null ? key : (key.IndexOf('-') >= 0 ? $"{field}['{key}']" : $"{field}.{key}");
                var valueExpr = (pair.Item2 as PipelineAst)?.GetPureExpression();
                PolicyNode value = valueExpr != null ? Value(valueExpr, childField) : Fail(pair.Item2.Extent, childField, NotLiteral(pair.Item2.Extent));
                entries.Add(new PolicyEntry(key, Pos(pair.Item1.Extent), value));
            }
            return new PolicyMap(Pos(table.Extent), entries);
        }

        private PolicyNode Number(object value, IScriptExtent extent, string field, bool negate)
        {
            switch (value)
            {
                case int i: return new PolicyScalar(Pos(extent), ScalarKind.Integer, negate ? -(long)i : i);
                case long l: return new PolicyScalar(Pos(extent), ScalarKind.Integer, negate ? -l : l);
                case double d: return new PolicyScalar(Pos(extent), ScalarKind.Number, negate ? -d : d);
                case decimal m: return new PolicyScalar(Pos(extent), ScalarKind.Number, (double)(negate ? -m : m));
                case string s when !negate: return new PolicyScalar(Pos(extent), ScalarKind.String, s);
                default: return Fail(extent, field, NotLiteral(extent));
            }
        }

        private static string NotLiteral(IScriptExtent extent)
        {
            var text = extent.Text.Length > 60 ? extent.Text.Substring(0, 57) + "..." : extent.Text;
            return $"'{text}' is not a literal value; a policy file is never run, so it may hold only strings in quotes, numbers, $true/$false/$null, @(...) lists and @{{...}} tables";
        }

        private PolicyNode Fail(IScriptExtent extent, string field, string problem)
        {
            _errors.Add(new PolicyDiagnostic(PolicySeverity.Error, PolicyRules.LiteralValuesOnly, Pos(extent), field, problem,
                "Replace the expression with the literal value it stands for."));
            return new PolicyScalar(Pos(extent), ScalarKind.Null, null);
        }

        private SourcePosition Pos(IScriptExtent extent) =>
            new SourcePosition(string.IsNullOrEmpty(extent?.File) ? _file : extent.File, extent?.StartLineNumber ?? 1, extent?.StartColumnNumber ?? 1);
    }
}
