using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FinBackup.Tests.Aws;

/// <summary>
/// Checks a captured REST-JSON request against botocore's service model: HTTP method and URI template of the
/// operation, and that every body member exists in the input shape (recursively) and required members are present.
/// Used for the AWS Backup operations moto does not emulate.
/// </summary>
internal sealed class BotocoreModel
{
    private const string DataDir = "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore/data";
    private readonly JsonElement _model;

    private BotocoreModel(JsonElement model) => _model = model;

    public static bool Available(string service) => Directory.Exists(Path.Combine(DataDir, service));

    public static BotocoreModel Load(string service, string version)
    {
        var path = Path.Combine(DataDir, service, version, "service-2.json");
        using var stream = File.Exists(path) ? (Stream)File.OpenRead(path) : new GZipStream(File.OpenRead(path + ".gz"), CompressionMode.Decompress);
        using var doc = JsonDocument.Parse(stream);
        return new BotocoreModel(doc.RootElement.Clone());
    }

    /// <summary>Problems found (empty when the request matches the model).</summary>
    public List<string> Validate(string operation, string method, string pathAndQuery, string body)
    {
        var problems = new List<string>();
        var op = _model.GetProperty("operations").GetProperty(operation);
        var http = op.GetProperty("http");
        if (http.GetProperty("method").GetString() != method) problems.Add($"method {method}, model says {http.GetProperty("method").GetString()}");
        var uriTemplate = http.GetProperty("requestUri").GetString()!;
        var templatePath = uriTemplate.Split('?')[0];
        var pattern = "^" + Regex.Replace(Regex.Escape(templatePath), @"\\\{[^}]+\}", "[^/]+") + "$";
        var path = pathAndQuery.Split('?')[0];
        if (!Regex.IsMatch(path, pattern)) problems.Add($"path {path} does not match {uriTemplate}");

        var shapeName = op.GetProperty("input").GetProperty("shape").GetString()!;
        var shape = Shape(shapeName);
        var members = shape.GetProperty("members");
        using var doc = JsonDocument.Parse(string.IsNullOrEmpty(body) ? "{}" : body);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (!members.TryGetProperty(p.Name, out var m)) { problems.Add($"{shapeName}.{p.Name} is not in the model"); continue; }
            if (m.TryGetProperty("location", out _)) problems.Add($"{shapeName}.{p.Name} belongs in the {m.GetProperty("location").GetString()}, not the body");
            ValidateValue(p.Value, m.GetProperty("shape").GetString()!, $"{shapeName}.{p.Name}", problems);
        }
        if (shape.TryGetProperty("required", out var required))
        {
            foreach (var r in required.EnumerateArray())
            {
                var name = r.GetString()!;
                var member = members.GetProperty(name);
                var inBody = !member.TryGetProperty("location", out _);
                if (inBody && !doc.RootElement.TryGetProperty(name, out _)) problems.Add($"required {shapeName}.{name} missing");
            }
        }
        return problems;
    }

    /// <summary>Query-string parameter names (locationName) the operation's input shape declares.</summary>
    public HashSet<string> QueryParameters(string operation)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var shapeName = _model.GetProperty("operations").GetProperty(operation).GetProperty("input").GetProperty("shape").GetString()!;
        foreach (var m in Shape(shapeName).GetProperty("members").EnumerateObject())
            if (m.Value.TryGetProperty("location", out var loc) && loc.GetString() == "querystring")
                names.Add(m.Value.GetProperty("locationName").GetString()!);
        return names;
    }

    /// <summary>
    /// A query-protocol request (parameter names as sent): each top-level name is a member of the input shape, a list's second
    /// segment is its member name ("member" or the model's locationName), and every required member is present.
    /// </summary>
    public List<string> ValidateQuery(string operation, IEnumerable<string> parameterNames)
    {
        var problems = new List<string>();
        var shape = Shape(_model.GetProperty("operations").GetProperty(operation).GetProperty("input").GetProperty("shape").GetString()!);
        var members = shape.GetProperty("members");
        var sent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in parameterNames)
        {
            var parts = name.Split('.');
            sent.Add(parts[0]);
            if (!members.TryGetProperty(parts[0], out var m)) { problems.Add($"{name}: {parts[0]} is not a member of {operation}'s input"); continue; }
            var target = Shape(m.GetProperty("shape").GetString()!);
            if (target.GetProperty("type").GetString() == "list" && parts.Length > 1)
            {
                var member = target.GetProperty("member");
                var expected = member.TryGetProperty("locationName", out var ln) ? ln.GetString() : "member";
                if (parts[1] != expected) problems.Add($"{name}: list members are '{expected}', not '{parts[1]}'");
            }
        }
        if (shape.TryGetProperty("required", out var req))
            foreach (var r in req.EnumerateArray())
                if (!sent.Contains(r.GetString()!)) problems.Add($"required {r.GetString()} missing from {operation}");
        return problems;
    }

    private JsonElement Shape(string name) => _model.GetProperty("shapes").GetProperty(name);

    private void ValidateValue(JsonElement value, string shapeName, string where, List<string> problems)
    {
        var shape = Shape(shapeName);
        switch (shape.GetProperty("type").GetString())
        {
            case "structure":
                if (value.ValueKind != JsonValueKind.Object) { problems.Add($"{where} should be an object"); return; }
                var members = shape.GetProperty("members");
                foreach (var p in value.EnumerateObject())
                {
                    if (!members.TryGetProperty(p.Name, out var m)) { problems.Add($"{where}.{p.Name} is not in {shapeName}"); continue; }
                    ValidateValue(p.Value, m.GetProperty("shape").GetString()!, $"{where}.{p.Name}", problems);
                }
                if (shape.TryGetProperty("required", out var req))
                    foreach (var r in req.EnumerateArray())
                        if (!value.TryGetProperty(r.GetString()!, out _)) problems.Add($"required {where}.{r.GetString()} missing");
                break;
            case "list":
                if (value.ValueKind != JsonValueKind.Array) { problems.Add($"{where} should be an array"); return; }
                var item = shape.GetProperty("member").GetProperty("shape").GetString()!;
                foreach (var v in value.EnumerateArray()) ValidateValue(v, item, where + "[]", problems);
                break;
            case "map":
                if (value.ValueKind != JsonValueKind.Object) { problems.Add($"{where} should be a map"); return; }
                var valueShape = shape.GetProperty("value").GetProperty("shape").GetString()!;
                foreach (var p in value.EnumerateObject()) ValidateValue(p.Value, valueShape, $"{where}[{p.Name}]", problems);
                break;
            case "string":
                if (value.ValueKind != JsonValueKind.String) problems.Add($"{where} should be a string");
                break;
            case "long":
            case "integer":
                if (value.ValueKind != JsonValueKind.Number) problems.Add($"{where} should be a number");
                break;
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) problems.Add($"{where} should be a boolean");
                break;
        }
    }
}
