using FinBackup.Domain.Policy;

namespace FinBackup.Tests.Policy;

public sealed class JsonPolicyParserTests
{
    [Fact]
    public void Produces_a_tree_with_line_and_column_for_every_value()
    {
        var text = "{\n  \"Name\": \"finco\",\n  \"Applications\": [\n    { \"Name\": \"A\", \"DeclaredDataGiB\": 409.6, \"DeclaredVolumes\": 2, \"CopyToDrRegion\": false, \"X\": null }\n  ]\n}";
        var root = Assert.IsType<PolicyMap>(JsonPolicyParser.Parse(text, "/p/x.json"));
        Assert.Equal(1, root.Position.Line);
        var name = root.Entries[0];
        Assert.Equal("Name", name.Key);
        Assert.Equal(2, name.KeyPosition.Line);
        Assert.Equal(3, name.KeyPosition.Column);
        var apps = Assert.IsType<PolicyList>(root.Entries[1].Value);
        var app = Assert.IsType<PolicyMap>(apps.Items[0]);
        Assert.Equal(4, app.Position.Line);
        var values = app.Entries.Select(e => (PolicyScalar)e.Value).ToList();
        Assert.Equal(ScalarKind.String, values[0].Kind);
        Assert.Equal(ScalarKind.Number, values[1].Kind);
        Assert.Equal(409.6, values[1].Value);
        Assert.Equal(ScalarKind.Integer, values[2].Kind);
        Assert.Equal(2L, values[2].Value);
        Assert.Equal(ScalarKind.Boolean, values[3].Kind);
        Assert.Equal(ScalarKind.Null, values[4].Kind);
        Assert.Equal("x.json line 4", values[0].Position.ToString());
    }

    [Fact]
    public void Decodes_escapes()
    {
        var root = (PolicyMap)JsonPolicyParser.Parse("{\"p\": \"C:\\\\data\\u0041\\n\\\"q\\\"\"}", "x.json");
        Assert.Equal("C:\\dataA\n\"q\"", ((PolicyScalar)root.Entries[0].Value).Value);
    }

    [Theory]
    [InlineData("{\n  \"Name\": \"x\",\n  \"Applications\": [ { \"Frequency\": 45m } ]\n}", 3, "Applications[0].Frequency", "double quotes")]
    [InlineData("{\n  \"Name\": \"x\"\n  \"DrRegion\": \"us-west-2\"\n}", 3, null, "a ',' or '}' was expected")]
    [InlineData("{\n  \"Name\": \"x\",\n}", 3, null, "trailing comma")]
    [InlineData("{\n  \"Name\": 'x'\n}", 2, "Name", "unexpected")]
    [InlineData("{\n  \"Name\": \"x\",\n  \"name\": \"y\"\n}", 3, "name", "appears twice")]
    [InlineData("{\n  \"Path\": \"C:\\data\"\n}", 2, "Path", "not a JSON escape")]
    [InlineData("", 1, null, "empty")]
    [InlineData("{\n  \"Name\": \"x\"", 2, null, "end of file")]
    [InlineData("{ \"a\": 1 } x", 1, null, "after the end")]
    public void Syntax_errors_name_the_line_and_the_field_when_known(string text, int line, string? field, string words)
    {
        var ex = Assert.Throws<PolicySyntaxException>(() => JsonPolicyParser.Parse(text, "/p/x.json"));
        Assert.Equal(line, ex.Position.Line);
        Assert.Equal(field, ex.Field);
        Assert.Contains(words, ex.Message);
        Assert.StartsWith($"x.json line {line}: ", ex.Message);
        Assert.Equal("FinPolicySyntaxError", ex.ErrorId);
    }
}
