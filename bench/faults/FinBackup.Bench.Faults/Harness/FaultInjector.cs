using System.Text;
using FinBackup.Tests.Aws;

namespace FinBackup.Bench.Faults;

/// <summary>The faults the bench injects at the proxy.</summary>
public enum FaultType
{
    /// <summary>400 ThrottlingException (JSON/Query services), 503 SlowDown (S3), 503 RequestLimitExceeded (EC2).</summary>
    Throttle,
    /// <summary>500 InternalError / 503 ServiceUnavailable.</summary>
    ServerError,
    /// <summary>The connection ends before the request reaches the service (nothing happens there).</summary>
    Reset,
    /// <summary>The request reaches moto and is acted on; the reply is cut off on the way back.</summary>
    LostReply,
}

/// <summary>
/// Decides, per request, whether to inject a fault and which, from a seeded generator: the same seed and the same request
/// sequence give the same faults. The rate can be changed between phases (0 for the clean re-run).
/// </summary>
public sealed class FaultInjector
{
    private readonly Random _random;
    private readonly object _gate = new();
    private readonly Dictionary<FaultType, int> _injected = Enum.GetValues<FaultType>().ToDictionary(t => t, _ => 0);
    private readonly Dictionary<string, int> _byService = new(StringComparer.Ordinal);

    public FaultInjector(int seed, double rate)
    {
        _random = new Random(seed);
        Rate = rate;
    }

    public double Rate { get; set; }
    public int Requests { get; private set; }

    public IReadOnlyDictionary<FaultType, int> Injected { get { lock (_gate) return new Dictionary<FaultType, int>(_injected); } }
    public IReadOnlyDictionary<string, int> InjectedByService { get { lock (_gate) return new Dictionary<string, int>(_byService); } }

    public void ResetCounts()
    {
        lock (_gate)
        {
            foreach (var k in _injected.Keys.ToList()) _injected[k] = 0;
            _byService.Clear();
            Requests = 0;
        }
    }

    /// <summary>The proxy's callback.</summary>
    public CannedResponse? Decide(int number, ProxiedRequest request)
    {
        FaultType type;
        lock (_gate)
        {
            Requests++;
            if (Rate <= 0 || _random.NextDouble() >= Rate) return null;
            type = (FaultType)_random.Next(4);
            _injected[type]++;
            var service = Service(request);
            _byService[service] = _byService.TryGetValue(service, out var n) ? n + 1 : 1;
        }
        return Response(type, Service(request));
    }

    /// <summary>The SigV4 credential scope's service (…/region/service/aws4_request), or "unknown".</summary>
    public static string Service(ProxiedRequest request)
    {
        if (!request.Headers.TryGetValue("Authorization", out var auth)) return "unknown";
        var i = auth.IndexOf("/aws4_request", StringComparison.Ordinal);
        if (i < 0) return "unknown";
        var head = auth.Substring(0, i);
        return head.Substring(head.LastIndexOf('/') + 1);
    }

    public static CannedResponse Response(FaultType type, string service)
    {
        switch (type)
        {
            case FaultType.Reset: return CannedResponse.ResetNeverSuccess;
            case FaultType.LostReply: return CannedResponse.LostReply;
        }
        var throttle = type == FaultType.Throttle;
        switch (service)
        {
            case "s3":
                return throttle
                    ? new CannedResponse(503, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>fault</RequestId></Error>", "application/xml")
                    : new CannedResponse(500, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>fault</RequestId></Error>", "application/xml");
            case "ec2":
                return throttle
                    ? new CannedResponse(503, "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>fault</RequestID></Response>")
                    : new CannedResponse(500, "<Response><Errors><Error><Code>InternalError</Code><Message>An internal error has occurred.</Message></Error></Errors><RequestID>fault</RequestID></Response>");
            case "rds":
            case "sts":
            case "autoscaling":
            case "elasticloadbalancing":
                return throttle
                    ? new CannedResponse(400, "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>fault</RequestId></ErrorResponse>")
                    : new CannedResponse(500, "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>An internal error occurred.</Message></Error><RequestId>fault</RequestId></ErrorResponse>");
            default:
                // JSON protocols (KMS, Secrets Manager, AWS Backup, SSM, ...).
                return throttle
                    ? new CannedResponse(400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}", "application/x-amz-json-1.1")
                    : new CannedResponse(503, "{\"__type\":\"ServiceUnavailableException\",\"message\":\"Service unavailable\"}", "application/x-amz-json-1.1");
        }
    }
}
