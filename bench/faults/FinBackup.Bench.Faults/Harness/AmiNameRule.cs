using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FinBackup.Tests.Aws;

namespace FinBackup.Bench.Faults;

/// <summary>
/// What AWS does and moto 5.2.1 does not: an image name is unique per account and region, so a CreateImage or CopyImage
/// whose Name is taken by an image that is not deregistered fails with <c>InvalidAMIName.Duplicate</c> (moto makes a
/// second image of the same name). The bench's proxy answers such a request that way, as AWS would, so a resend after a
/// lost reply is counted as AWS would make it (a duplicate only if AWS would also make one), not as moto does. A CopyImage
/// with the ClientToken of the request that made the image gets that image back (AWS's idempotency; moto ignores the token).
/// Every CreateImage/CopyImage the proxy lets through is traced (time, action, name, fault, answer) for the log.
/// </summary>
public sealed class AmiNameRule
{
    private static readonly Regex ImageId = new("<imageId>(ami-[0-9a-f]+)</imageId>", RegexOptions.Compiled);
    private static readonly Regex State = new("<imageState>([a-z]+)</imageState>", RegexOptions.Compiled);
    private readonly string _moto;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    // (region, name) -> when a request with that name was last let through: an image in the making that moto may not
    // list yet (a request still in flight) is taken as well.
    private readonly ConcurrentDictionary<string, DateTime> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _trace = new();
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private int _refused;
    private int _idempotent;

    public AmiNameRule(string motoEndpoint) => _moto = motoEndpoint.TrimEnd('/');

    /// <summary>How long a name let through counts as taken even if moto does not list it (a request still in flight).</summary>
    public TimeSpan InFlight { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests answered InvalidAMIName.Duplicate.</summary>
    public int Refused => _refused;

    /// <summary>CopyImage requests answered with the image an earlier request of the same ClientToken made.</summary>
    public int SameToken => _idempotent;

    /// <summary>The CreateImage/CopyImage requests seen, one line each, in order.</summary>
    public IReadOnlyList<string> Trace => _trace.ToArray();

    /// <summary>
    /// Wraps the fault injector's decision: a request the fault lets reach the service (no fault, or a lost reply) that
    /// AWS would refuse for its name gets AWS's answer instead (lost on the way back for a lost reply).
    /// </summary>
    public Func<int, ProxiedRequest, CannedResponse?> Around(Func<int, ProxiedRequest, CannedResponse?> decide) => (n, request) =>
    {
        var fault = decide(n, request);
        var action = request.QueryAction;
        if (action != "CreateImage" && action != "CopyImage") return fault;
        var name = FormValue(request.BodyText, "Name");
        var region = Region(request);
        var reaches = fault == null || fault.IsLostReply;
        if (!reaches || string.IsNullOrEmpty(name))
        {
            _trace.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {action} {region} {name}: {Describe(fault)}, not delivered");
            return fault;
        }
        var key = region + "|" + name;
        var taken = TakenBy(request, name);
        if (taken == null && _sent.TryGetValue(key, out var at) && DateTime.UtcNow - at < InFlight) taken = "(in flight)";
        var token = action == "CopyImage" ? FormValue(request.BodyText, "ClientToken") : null;
        if (taken != null && taken != "(in flight)" && !string.IsNullOrEmpty(token) && _tokens.TryGetValue(key, out var first) && first == token)
        {
            // CopyImage with the client token of the request that made the image: AWS answers with that image again.
            Interlocked.Increment(ref _idempotent);
            _trace.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {action} {region} {name}: {Describe(fault)}, same ClientToken: answered with {taken}");
            if (fault != null) return CannedResponse.Reset;
            return new CannedResponse(200, "<CopyImageResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>ami-name-rule</requestId><imageId>" + taken + "</imageId></CopyImageResponse>");
        }
        if (taken != null)
        {
            Interlocked.Increment(ref _refused);
            _trace.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {action} {region} {name}: {Describe(fault)}, refused InvalidAMIName.Duplicate ({taken})");
            if (fault != null) return CannedResponse.Reset; // AWS refused it and the refusal was lost: nothing was made
            return new CannedResponse(400, "<Response><Errors><Error><Code>InvalidAMIName.Duplicate</Code><Message>AMI name " + WebUtility.HtmlEncode(name)
                + " is already in use by AMI " + taken + "</Message></Error></Errors><RequestID>ami-name-rule</RequestID></Response>");
        }
        _sent[key] = DateTime.UtcNow;
        if (!string.IsNullOrEmpty(token)) _tokens[key] = token;
        _trace.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {action} {region} {name}: {Describe(fault)}, delivered");
        return fault;
    };

    /// <summary>The image (not deregistered) that has the name in the request's region, from moto itself; null if none.</summary>
    private string? TakenBy(ProxiedRequest request, string name)
    {
        using var describe = new HttpRequestMessage(HttpMethod.Post, _moto + "/")
        {
            Content = new StringContent("Action=DescribeImages&Version=2016-11-15&Owner.1=self&Filter.1.Name=name&Filter.1.Value.1=" + Uri.EscapeDataString(name),
                Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        // moto takes the service and the region from the credential scope: the original request's header names both.
        if (request.Headers.TryGetValue("Authorization", out var auth)) describe.Headers.TryAddWithoutValidation("Authorization", auth);
        using var response = _http.Send(describe);
        var xml = new StreamReader(response.Content.ReadAsStream()).ReadToEnd();
        if (!response.IsSuccessStatusCode) return null;
        var ids = ImageId.Matches(xml).Select(m => m.Groups[1].Value).ToList();
        var states = State.Matches(xml).Select(m => m.Groups[1].Value).ToList();
        for (var i = 0; i < ids.Count; i++)
            if (i >= states.Count || states[i] != "deregistered") return ids[i];
        return null;
    }

    private static string Describe(CannedResponse? fault) =>
        fault == null ? "no fault" : fault.IsLostReply ? "reply lost" : fault.IsReset ? "reset" : $"fault {fault.Status}";

    private static string Region(ProxiedRequest request)
    {
        if (!request.Headers.TryGetValue("Authorization", out var auth)) return "?";
        var parts = auth.Split('/');
        return parts.Length > 3 ? parts[2] : "?";
    }

    /// <summary>The image names (fin-... or ...-copy) in a duplicate's description line.</summary>
    internal static IEnumerable<string> NamesIn(string duplicate) =>
        Regex.Matches(duplicate, @"\[([^ \]]+) ").Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal);

    /// <summary>A form field of a query-protocol body, decoded; null when absent.</summary>
    internal static string? FormValue(string body, string field)
    {
        foreach (var pair in body.Split('&'))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair.AsSpan(0, eq).SequenceEqual(field)) return WebUtility.UrlDecode(pair[(eq + 1)..]);
        }
        return null;
    }
}
