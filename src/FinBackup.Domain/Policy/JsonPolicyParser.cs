using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace FinBackup.Domain.Policy
{
    /// <summary>
    /// A small strict JSON (RFC 8259) reader that produces the position-tagged <see cref="PolicyNode"/> tree,
    /// so JSON policies get the same line-and-field errors as .psd1 ones. Duplicate keys are refused.
    /// </summary>
    public sealed class JsonPolicyParser
    {
        private const int MaxDepth = 64;
        private readonly string _text;
        private readonly string _file;
        private int _pos;
        private int _line = 1;
        private int _lineStart;
        /// <summary>The field being read (Applications[2].Retention), so syntax errors name it too.</summary>
        private string _field;

        private JsonPolicyParser(string text, string file)
        {
            _text = text ?? string.Empty;
            _file = file;
        }

        /// <summary>Parses <paramref name="text"/>; throws <see cref="PolicySyntaxException"/> naming the line on bad JSON.</summary>
        public static PolicyNode Parse(string text, string file)
        {
            var p = new JsonPolicyParser(text, file);
            if (p._text.Length > 0 && p._text[0] == '\uFEFF') p._pos = 1;
            p.SkipWhitespace();
            if (p.AtEnd) throw p.Error("the file is empty; a policy is a JSON object { ... }");
            var root = p.ParseValue(0);
            p.SkipWhitespace();
            if (!p.AtEnd) throw p.Error($"unexpected '{p.Current}' after the end of the JSON document");
            return root;
        }

        private bool AtEnd => _pos >= _text.Length;
        private char Current => _text[_pos];
        private SourcePosition Here => new SourcePosition(_file, _line, _pos - _lineStart + 1);

        private PolicySyntaxException Error(string problem) => new PolicySyntaxException(Here, problem, PolicyRules.WellFormed, _field);

        private void SkipWhitespace()
        {
            while (!AtEnd)
            {
                char c = Current;
                if (c == '\n')
                {
                    _pos++;
                    _line++;
                    _lineStart = _pos;
                }
                else if (c == ' ' || c == '\t' || c == '\r')
                {
                    _pos++;
                }
                else
                {
                    break;
                }
            }
        }

        private PolicyNode ParseValue(int depth)
        {
            if (depth > MaxDepth) throw Error($"nesting deeper than {MaxDepth} levels");
            SkipWhitespace();
            if (AtEnd) throw Error("unexpected end of file; a value was expected");
            var at = Here;
            char c = Current;
            switch (c)
            {
                case '{': return ParseObject(depth);
                case '[': return ParseArray(depth);
                case '"': return new PolicyScalar(at, ScalarKind.String, ParseString());
                case 't': Expect("true"); return new PolicyScalar(at, ScalarKind.Boolean, true);
                case 'f': Expect("false"); return new PolicyScalar(at, ScalarKind.Boolean, false);
                case 'n': Expect("null"); return new PolicyScalar(at, ScalarKind.Null, null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(at);
                    throw Error($"unexpected '{c}'; a value (string in double quotes, number, true, false, null, [ or {{) was expected");
            }
        }

        private void Expect(string word)
        {
            if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
            {
                throw Error($"unexpected '{Current}'; did you mean {word}? (strings need double quotes)");
            }
            _pos += word.Length;
        }

        private PolicyMap ParseObject(int depth)
        {
            var at = Here;
            _pos++; // {
            var entries = new List<PolicyEntry>();
            var seen = new Dictionary<string, SourcePosition>(StringComparer.OrdinalIgnoreCase);
            SkipWhitespace();
            if (!AtEnd && Current == '}')
            {
                _pos++;
                return new PolicyMap(at, entries);
            }
            while (true)
            {
                SkipWhitespace();
                if (AtEnd) throw Error("unexpected end of file inside an object; a '}' is missing");
                if (Current != '"') throw Error($"unexpected '{Current}'; a key in double quotes was expected");
                var keyAt = Here;
                var key = ParseString();
                if (seen.TryGetValue(key, out var first))
                {
                    throw new PolicySyntaxException(keyAt, $"the key \"{key}\" appears twice in the same object (first at line {first.Line})", PolicyRules.DuplicateKey, _field == null ? key : _field + "." + key);
                }
                seen[key] = keyAt;
                var parent = _field;
                _field = parent == null ? key : parent + "." + key;
                SkipWhitespace();
                if (AtEnd || Current != ':') throw Error($"a ':' was expected after the key \"{key}\"");
                _pos++;
                var value = ParseValue(depth + 1);
                _field = parent;
                entries.Add(new PolicyEntry(key, keyAt, value));
                SkipWhitespace();
                if (AtEnd) throw Error("unexpected end of file inside an object; a '}' is missing");
                if (Current == ',')
                {
                    _pos++;
                    SkipWhitespace();
                    if (!AtEnd && Current == '}') throw Error("a trailing comma before '}' is not allowed in JSON");
                    continue;
                }
                if (Current == '}')
                {
                    _pos++;
                    return new PolicyMap(at, entries);
                }
                throw Error($"unexpected '{Current}'; a ',' or '}}' was expected (is a comma missing on the line before?)");
            }
        }

        private PolicyList ParseArray(int depth)
        {
            var at = Here;
            _pos++; // [
            var items = new List<PolicyNode>();
            SkipWhitespace();
            if (!AtEnd && Current == ']')
            {
                _pos++;
                return new PolicyList(at, items);
            }
            var parent = _field;
            while (true)
            {
                _field = $"{parent}[{items.Count}]";
                items.Add(ParseValue(depth + 1));
                _field = parent;
                SkipWhitespace();
                if (AtEnd) throw Error("unexpected end of file inside a list; a ']' is missing");
                if (Current == ',')
                {
                    _pos++;
                    SkipWhitespace();
                    if (!AtEnd && Current == ']') throw Error("a trailing comma before ']' is not allowed in JSON");
                    continue;
                }
                if (Current == ']')
                {
                    _pos++;
                    return new PolicyList(at, items);
                }
                throw Error($"unexpected '{Current}'; a ',' or ']' was expected");
            }
        }

        private string ParseString()
        {
            _pos++; // opening quote
            var sb = new StringBuilder();
            while (true)
            {
                if (AtEnd) throw Error("unexpected end of file inside a string; a closing '\"' is missing");
                char c = Current;
                if (c == '"')
                {
                    _pos++;
                    return sb.ToString();
                }
                if (c == '\n' || c < 0x20) throw Error("a string cannot span lines or hold control characters; close it with '\"' or escape the character");
                if (c == '\\')
                {
                    _pos++;
                    if (AtEnd) throw Error("unexpected end of file after '\\'");
                    char e = Current;
                    switch (e)
                    {
                        case '"': sb.Append('"'); break;
                        case '\\': sb.Append('\\'); break;
                        case '/': sb.Append('/'); break;
                        case 'b': sb.Append('\b'); break;
                        case 'f': sb.Append('\f'); break;
                        case 'n': sb.Append('\n'); break;
                        case 'r': sb.Append('\r'); break;
                        case 't': sb.Append('\t'); break;
                        case 'u':
                            if (_pos + 4 >= _text.Length || !int.TryParse(_text.Substring(_pos + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                            {
                                throw Error("'\\u' must be followed by four hex digits");
                            }
                            sb.Append((char)code);
                            _pos += 4;
                            break;
                        default:
                            throw Error($"'\\{e}' is not a JSON escape; write '\\\\' for a backslash (Windows paths need doubled backslashes)");
                    }
                    _pos++;
                    continue;
                }
                sb.Append(c);
                _pos++;
            }
        }

        private PolicyScalar ParseNumber(SourcePosition at)
        {
            int start = _pos;
            if (Current == '-') _pos++;
            int digits = _pos;
            while (!AtEnd && char.IsDigit(Current)) _pos++;
            if (_pos == digits) throw Error("a number was expected after '-'");
            if (_text[digits] == '0' && _pos - digits > 1) throw Error("numbers cannot have leading zeros in JSON");
            bool fractional = false;
            if (!AtEnd && Current == '.')
            {
                fractional = true;
                _pos++;
                int f = _pos;
                while (!AtEnd && char.IsDigit(Current)) _pos++;
                if (_pos == f) throw Error("digits were expected after the decimal point");
            }
            if (!AtEnd && (Current == 'e' || Current == 'E'))
            {
                fractional = true;
                _pos++;
                if (!AtEnd && (Current == '+' || Current == '-')) _pos++;
                int x = _pos;
                while (!AtEnd && char.IsDigit(Current)) _pos++;
                if (_pos == x) throw Error("digits were expected in the exponent");
            }
            var token = _text.Substring(start, _pos - start);
            if (!AtEnd && (char.IsLetter(Current)))
            {
                throw new PolicySyntaxException(at, $"\"{token}{Current}...\" is not a JSON value; put text such as durations in double quotes, e.g. \"{token}{Current}\"", PolicyRules.WellFormed, _field);
            }
            if (!fractional && long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                return new PolicyScalar(at, ScalarKind.Integer, l);
            }
            return new PolicyScalar(at, ScalarKind.Number, double.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
    }
}
