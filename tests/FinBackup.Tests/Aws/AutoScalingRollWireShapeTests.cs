using System.IO.Compression;
using System.Text.Json;
using FinBackup.Aws.Services.AutoScaling;

namespace FinBackup.Tests.Aws;

/// <summary>
/// moto 5.2.1 implements neither StartInstanceRefresh nor DescribeInstanceRefreshes: FinBackup's query requests are captured at
/// a loopback server and checked against botocore's Auto Scaling model (every parameter path exists in the input shape,
/// list members as "member.N", enums, integer ranges, booleans, required members), and the answers are read from
/// response documents shaped as the model's output. The Replace operations are checked the same way (and run on moto in
/// AutoScalingRollMotoTests).
/// </summary>
public sealed class AutoScalingRollWireShapeTests
{
    private const string Ns = "http://autoscaling.amazonaws.com/doc/2011-01-01/";
    private static readonly QueryModel Model = QueryModel.Load("autoscaling", "2011-01-01");

    private static (LoopbackProxy, AutoScalingClient) Capture(Func<ProxiedRequest, string> answer)
    {
        var proxy = new LoopbackProxy(null, (_, r) => new CannedResponse(200, answer(r), "text/xml"));
        return (proxy, AwsTestContext.For(proxy.EndpointUrl).AutoScaling("us-east-1"));
    }

    private static Dictionary<string, string> Form(ProxiedRequest r) =>
        r.BodyText.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => Uri.UnescapeDataString(p.Length > 1 ? p[1].Replace('+', ' ') : ""));

    private static Dictionary<string, string> AssertMatchesModel(ProxiedRequest request, string operation)
    {
        Assert.Equal("POST", request.Method);
        var form = Form(request);
        Assert.Equal(operation, form["Action"]);
        Assert.Equal("2011-01-01", form["Version"]);
        var problems = Model.Validate(operation, form.Where(kv => kv.Key != "Action" && kv.Key != "Version").ToDictionary(kv => kv.Key, kv => kv.Value));
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        Assert.Contains("/us-east-1/autoscaling/aws4_request", request.Headers["Authorization"]);
        return form;
    }

    [Fact]
    public async Task StartInstanceRefresh_carries_a_DesiredConfiguration_and_the_roll_preferences_as_the_model_has_them()
    {
        var (proxy, client) = Capture(_ => $"<StartInstanceRefreshResponse xmlns=\"{Ns}\"><StartInstanceRefreshResult><InstanceRefreshId>08b91cf7-8fa6-48af-b6a6-d227f40f1b9b</InstanceRefreshId></StartInstanceRefreshResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></StartInstanceRefreshResponse>");
        using (proxy)
        {
            var id = await client.StartInstanceRefreshAsync(new StartInstanceRefreshRequest
            {
                AutoScalingGroupName = "cross-sell-asg", LaunchTemplateId = "lt-0abc", LaunchTemplateVersion = "4",
                MinHealthyPercentage = 100, MaxHealthyPercentage = 200, InstanceWarmup = 120, AutoRollback = true, SkipMatching = true,
            });
            Assert.Equal("08b91cf7-8fa6-48af-b6a6-d227f40f1b9b", id);
            var form = AssertMatchesModel(Assert.Single(proxy.Requests), "StartInstanceRefresh");
            Assert.Equal("Rolling", form["Strategy"]);
            Assert.Equal("lt-0abc", form["DesiredConfiguration.LaunchTemplate.LaunchTemplateId"]);
            Assert.Equal("4", form["DesiredConfiguration.LaunchTemplate.Version"]);
            Assert.Equal("100", form["Preferences.MinHealthyPercentage"]);
            Assert.Equal("200", form["Preferences.MaxHealthyPercentage"]);
            Assert.Equal("120", form["Preferences.InstanceWarmup"]);
            Assert.Equal("true", form["Preferences.AutoRollback"]);
            Assert.Equal("true", form["Preferences.SkipMatching"]);
        }
    }

    [Fact]
    public void The_model_check_itself_catches_a_wrong_path_a_range_and_a_missing_required_member()
    {
        var problems = Model.Validate("StartInstanceRefresh", new Dictionary<string, string>
        {
            ["Preferences.MaxHealthyPercentage"] = "250", ["Preferences.AutoRollBack"] = "true", ["Strategy"] = "Replace",
        });
        Assert.Contains(problems, p => p.Contains("MaxHealthyPercentage") && p.Contains("250"));
        Assert.Contains(problems, p => p.Contains("AutoRollBack"));
        Assert.Contains(problems, p => p.Contains("Strategy") && p.Contains("Replace"));
        Assert.Contains(problems, p => p.Contains("required") && p.Contains("AutoScalingGroupName"));
    }

    [Fact]
    public async Task DescribeInstanceRefreshes_asks_for_the_one_refresh_and_reads_status_progress_and_rollback()
    {
        var (proxy, client) = Capture(_ => $"<DescribeInstanceRefreshesResponse xmlns=\"{Ns}\"><DescribeInstanceRefreshesResult><InstanceRefreshes><member>" +
            "<InstanceRefreshId>ir-1</InstanceRefreshId><AutoScalingGroupName>cross-sell-asg</AutoScalingGroupName><Status>RollbackInProgress</Status>" +
            "<StatusReason>Rolling back</StatusReason><PercentageComplete>40</PercentageComplete><InstancesToUpdate>3</InstancesToUpdate>" +
            "<StartTime>2026-12-01T10:00:00Z</StartTime><RollbackDetails><RollbackReason>Instance refresh failed</RollbackReason><PercentageCompleteOnRollback>40</PercentageCompleteOnRollback></RollbackDetails>" +
            "</member></InstanceRefreshes></DescribeInstanceRefreshesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeInstanceRefreshesResponse>");
        using (proxy)
        {
            var r = Assert.Single(await client.DescribeInstanceRefreshesAsync("cross-sell-asg", new[] { "ir-1" }));
            Assert.Equal("RollbackInProgress", r.Status);
            Assert.Equal(40, r.PercentageComplete);
            Assert.Equal(3, r.InstancesToUpdate);
            Assert.Equal("Instance refresh failed", r.RollbackReason);
            Assert.Equal(new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc), r.StartTime);
            var form = AssertMatchesModel(Assert.Single(proxy.Requests), "DescribeInstanceRefreshes");
            Assert.Equal("ir-1", form["InstanceRefreshIds.member.1"]);
            // The statuses FinBackup treats as the end of a refresh are the model's.
            Assert.Subset(Model.Enum("InstanceRefreshStatus"), new HashSet<string> { "Successful", "Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed" });
        }
    }

    [Fact]
    public async Task The_Replace_operations_match_the_model()
    {
        var (proxy, client) = Capture(r => r.BodyText.Contains("Action=DescribeAutoScalingGroups")
            ? $"<DescribeAutoScalingGroupsResponse xmlns=\"{Ns}\"><DescribeAutoScalingGroupsResult><AutoScalingGroups><member><AutoScalingGroupName>cross-sell-asg</AutoScalingGroupName>" +
              "<MinSize>2</MinSize><MaxSize>4</MaxSize><DesiredCapacity>2</DesiredCapacity><LaunchTemplate><LaunchTemplateId>lt-0abc</LaunchTemplateId><LaunchTemplateName>cross-sell</LaunchTemplateName><Version>3</Version></LaunchTemplate>" +
              "<Instances><member><InstanceId>i-1</InstanceId><LifecycleState>InService</LifecycleState><HealthStatus>Healthy</HealthStatus><LaunchTemplate><LaunchTemplateId>lt-0abc</LaunchTemplateId><Version>3</Version></LaunchTemplate></member>" +
              "<member><InstanceId>i-2</InstanceId><LifecycleState>Pending</LifecycleState><HealthStatus>Healthy</HealthStatus></member></Instances></member></AutoScalingGroups></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>"
            : $"<Response xmlns=\"{Ns}\"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></Response>");
        using (proxy)
        {
            var g = (await client.DescribeGroupInstancesAsync("cross-sell-asg"))!;
            Assert.Equal("3", g.LaunchTemplateVersion);
            Assert.Equal(new[] { "InService", "Pending" }, g.Instances.Select(i => i.LifecycleState));
            Assert.Equal("3", g.Instances[0].LaunchTemplateVersion);
            await client.UpdateAutoScalingGroupAsync("cross-sell-asg", "lt-0abc", "4", 3);
            await client.SetDesiredCapacityAsync("cross-sell-asg", 3);
            await client.TerminateInstanceInAutoScalingGroupAsync("i-1", true);
            var requests = proxy.Requests;
            AssertMatchesModel(requests[0], "DescribeAutoScalingGroups");
            var update = AssertMatchesModel(requests[1], "UpdateAutoScalingGroup");
            Assert.Equal("4", update["LaunchTemplate.Version"]);
            Assert.Equal("3", update["MaxSize"]);
            Assert.Equal("false", AssertMatchesModel(requests[2], "SetDesiredCapacity")["HonorCooldown"]);
            Assert.Equal("true", AssertMatchesModel(requests[3], "TerminateInstanceInAutoScalingGroup")["ShouldDecrementDesiredCapacity"]);
        }
    }

    /// <summary>A botocore query-protocol model: validates flattened parameter paths against the input shapes.</summary>
    internal sealed class QueryModel
    {
        private const string DataDir = "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore/data";
        private readonly JsonElement _model;

        private QueryModel(JsonElement model) => _model = model;

        public static QueryModel Load(string service, string version)
        {
            var path = Path.Combine(DataDir, service, version, "service-2.json");
            using var stream = File.Exists(path) ? (Stream)File.OpenRead(path) : new GZipStream(File.OpenRead(path + ".gz"), CompressionMode.Decompress);
            using var doc = JsonDocument.Parse(stream);
            return new QueryModel(doc.RootElement.Clone());
        }

        private JsonElement Shape(string name) => _model.GetProperty("shapes").GetProperty(name);

        public HashSet<string> Enum(string shape) => Shape(shape).GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToHashSet();

        public List<string> Validate(string operation, IDictionary<string, string> parameters)
        {
            var problems = new List<string>();
            var input = _model.GetProperty("operations").GetProperty(operation).GetProperty("input").GetProperty("shape").GetString()!;
            foreach (var kv in parameters) Walk(input, kv.Key.Split('.'), 0, kv.Key, kv.Value, problems);
            Required(input, "", parameters.Keys.ToList(), problems);
            return problems;
        }

        private void Walk(string shapeName, string[] parts, int i, string key, string value, List<string> problems)
        {
            var shape = Shape(shapeName);
            var type = shape.GetProperty("type").GetString();
            if (i == parts.Length)
            {
                Leaf(shapeName, shape, type!, key, value, problems);
                return;
            }
            switch (type)
            {
                case "structure":
                    if (!shape.GetProperty("members").TryGetProperty(parts[i], out var m)) { problems.Add($"{key}: {parts[i]} is not a member of {shapeName}"); return; }
                    Walk(m.GetProperty("shape").GetString()!, parts, i + 1, key, value, problems);
                    return;
                case "list":
                    var flattened = shape.TryGetProperty("flattened", out var f) && f.GetBoolean();
                    if (!flattened && (parts[i] != "member" || i + 1 >= parts.Length)) { problems.Add($"{key}: a list of {shapeName} is sent as {parts[i]}.member.N"); return; }
                    var index = flattened ? parts[i] : parts[i + 1];
                    if (!int.TryParse(index, out var n) || n < 1) { problems.Add($"{key}: list index {index} is not 1, 2, ..."); return; }
                    Walk(shape.GetProperty("member").GetProperty("shape").GetString()!, parts, i + (flattened ? 1 : 2), key, value, problems);
                    return;
                default:
                    problems.Add($"{key}: {shapeName} is a {type} and has no member {parts[i]}");
                    return;
            }
        }

        private static void Leaf(string shapeName, JsonElement shape, string type, string key, string value, List<string> problems)
        {
            switch (type)
            {
                case "integer":
                case "long":
                    if (!long.TryParse(value, out var n)) { problems.Add($"{key}={value} is not a number"); return; }
                    if (shape.TryGetProperty("min", out var min) && n < min.GetInt64()) problems.Add($"{key}={value} is below {shapeName}'s minimum {min.GetInt64()}");
                    if (shape.TryGetProperty("max", out var max) && n > max.GetInt64()) problems.Add($"{key}={value} is above {shapeName}'s maximum {max.GetInt64()}");
                    return;
                case "boolean":
                    if (value != "true" && value != "false") problems.Add($"{key}={value} is not true or false");
                    return;
                case "string":
                    if (shape.TryGetProperty("enum", out var e) && !e.EnumerateArray().Any(x => x.GetString() == value))
                        problems.Add($"{key}={value} is not one of {shapeName}: {string.Join(", ", e.EnumerateArray().Select(x => x.GetString()))}");
                    if (shape.TryGetProperty("min", out var lmin) && value.Length < lmin.GetInt32()) problems.Add($"{key} is shorter than {lmin.GetInt32()}");
                    if (shape.TryGetProperty("max", out var lmax) && value.Length > lmax.GetInt32()) problems.Add($"{key} is longer than {lmax.GetInt32()}");
                    return;
                default:
                    problems.Add($"{key}: {shapeName} is a {type}, not a value");
                    return;
            }
        }

        /// <summary>Required members of the root and of every structure the parameters reach.</summary>
        private void Required(string shapeName, string prefix, List<string> keys, List<string> problems)
        {
            var shape = Shape(shapeName);
            if (shape.GetProperty("type").GetString() != "structure") return;
            if (shape.TryGetProperty("required", out var req))
                foreach (var r in req.EnumerateArray().Select(x => x.GetString()!))
                    if (!keys.Any(k => k == prefix + r || k.StartsWith(prefix + r + ".", StringComparison.Ordinal)))
                        problems.Add($"required {shapeName}.{r} missing");
            foreach (var m in shape.GetProperty("members").EnumerateObject())
            {
                var p = prefix + m.Name + ".";
                if (keys.Any(k => k.StartsWith(p, StringComparison.Ordinal)) && Shape(m.Value.GetProperty("shape").GetString()!).GetProperty("type").GetString() == "structure")
                    Required(m.Value.GetProperty("shape").GetString()!, p, keys, problems);
            }
        }
    }
}
