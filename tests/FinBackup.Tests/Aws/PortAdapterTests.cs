using System.Reflection;
using System.Text.RegularExpressions;
using FinBackup.Aws;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Aws;

/// <summary>
/// Ports (interfaces in FinBackup.Domain.Ports) are bound to adapters (FinBackup.Aws) by reflection: [Gateway(typeof(IPort))]
/// for the session's ports, the recovery-point catalog for providers and creators. A missing or doubled adapter would only
/// show at run time (FinPortNotImplemented, or a kind silently missing); these tests make it a build-time failure.
/// </summary>
public sealed class PortAdapterTests
{
    private static readonly Type[] AdapterTypes = typeof(AwsSession).Assembly.GetTypes();
    private static readonly Type[] PortTypes = typeof(IFileBackupStore).Assembly.GetTypes()
        .Where(t => t.IsInterface && t.IsPublic && t.Namespace == "FinBackup.Domain.Ports").ToArray();

    /// <summary>Ports that are not handed out by the session, and why.</summary>
    private static readonly Dictionary<Type, string> NotSessionPorts = new()
    {
        [typeof(IRecoveryPointProvider)] = "one per kind, found by RecoveryPointProviderCatalog",
        [typeof(IRecoveryPointCreator)] = "one per kind, found by RecoveryPointProviderCatalog",
        [typeof(IPendingSnapshotSource)] = "an extra face of the EC2 creators",
        [typeof(IRecoveryPointVerifier)] = "one per kind, found by RecoveryPointVerifierCatalog",
        [typeof(IResourceInventory)] = "the common base of IEc2ResourceInventory and IRdsResourceInventory",
        [typeof(IRecoveryPointTagger)] = "an extra face of the providers whose points take new tags (legal holds)",
        [typeof(ICopyLeftoverCheck)] = "an extra face of the EC2 providers: one look for untagged copies per batch",
        [typeof(ICreationFinisher)] = "an extra face of the AMI creator: the cycle finishes its new images in one batch",
        [typeof(ICopyFinisher)] = "an extra face of the AMI provider: a batch of new copies finished with one describe",
        [typeof(IImageSnapshotListing)] = "an extra face of the snapshot-set provider: image snapshots in the same listing",
        [typeof(IFileRangeStreams)] = "an extra face of the S3 file-backup store: ranges streamed to a restore",
    };

    /// <summary>Kinds the model knows that no provider lists yet, and why (kept exact: a kind that gains a provider fails here).</summary>
    private static readonly Dictionary<RecoveryPointKind, string> KindsWithoutProvider = new()
    {
    };

    private static Dictionary<Type, List<Type>> GatewaysByPort() =>
        AdapterTypes.SelectMany(t => t.GetCustomAttributes<GatewayAttribute>().Select(a => (a.Port, Adapter: t)))
            .GroupBy(x => x.Port).ToDictionary(g => g.Key, g => g.Select(x => x.Adapter).ToList());

    [Fact]
    public void Every_session_port_has_exactly_one_adapter_with_the_session_constructor()
    {
        var gateways = GatewaysByPort();
        var problems = new List<string>();
        foreach (var port in PortTypes.Where(p => !NotSessionPorts.ContainsKey(p)))
        {
            if (!gateways.TryGetValue(port, out var adapters)) { problems.Add($"{port.Name}: no [Gateway] adapter"); continue; }
            if (adapters.Count != 1) { problems.Add($"{port.Name}: {adapters.Count} adapters ({string.Join(", ", adapters.Select(a => a.Name))})"); continue; }
            var adapter = adapters[0];
            if (!port.IsAssignableFrom(adapter)) problems.Add($"{adapter.Name} is [Gateway({port.Name})] but does not implement it");
            if (adapter.IsAbstract || !adapter.IsPublic) problems.Add($"{adapter.Name} must be public and concrete");
            if (adapter.GetConstructor(new[] { typeof(AwsClientContext), typeof(string) }) == null)
                problems.Add($"{adapter.Name} has no public constructor (AwsClientContext context, string region)");
        }
        foreach (var port in gateways.Keys.Where(p => !PortTypes.Contains(p)))
            problems.Add($"[Gateway({port.FullName})] names a type that is not a port in FinBackup.Domain.Ports");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_port_the_cmdlets_ask_the_session_for_has_an_adapter()
    {
        var gateways = GatewaysByPort().Keys.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var asked = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"[Ss]ession\.Get<(?:Domain\.Ports\.)?(\w+)>").Select(m => (File: Path.GetFileName(f), Port: m.Groups[1].Value)))
            .ToList();
        Assert.NotEmpty(asked);
        // A TEMPORARY port may be asked for before its adapter lands; the cmdlet then gets FinPortNotImplemented and says so.
        var temporary = NotSessionPorts.Where(kv => kv.Value.StartsWith("TEMPORARY", StringComparison.Ordinal)).Select(kv => kv.Key.Name).ToHashSet(StringComparer.Ordinal);
        var missing = asked.Where(a => !gateways.Contains(a.Port) && !temporary.Contains(a.Port)).Select(a => $"{a.File}: Session.Get<{a.Port}> has no [Gateway] adapter").ToList();
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public void Every_provider_and_creator_class_is_found_by_the_catalog_and_each_kind_has_one_provider()
    {
        var problems = new List<string>();
        foreach (var contract in new[] { typeof(IRecoveryPointProvider), typeof(IRecoveryPointCreator) })
        {
            var types = AdapterTypes.Where(t => t.IsClass && !t.IsAbstract && contract.IsAssignableFrom(t)).ToList();
            foreach (var t in types)
            {
                if (!t.IsPublic) problems.Add($"{t.Name} implements {contract.Name} but is not public: the catalog skips it");
                if (t.GetConstructor(new[] { typeof(AwsClientContext), typeof(string) }) == null)
                    problems.Add($"{t.Name} implements {contract.Name} without a public (AwsClientContext, string) constructor: the catalog skips it");
            }
        }
        using var context = new AwsClientContext(new Amazon.Runtime.BasicAWSCredentials("testing", "testing"), "us-east-1", "http://127.0.0.1:9");
        var catalog = new FinBackup.Aws.RecoveryPoints.RecoveryPointProviderCatalog(context, "us-east-1");
        var providerKinds = AdapterTypes.Where(t => t.IsClass && !t.IsAbstract && t.IsPublic && typeof(IRecoveryPointProvider).IsAssignableFrom(t))
            .Select(t => ((IRecoveryPointProvider)Activator.CreateInstance(t, context, "us-east-1")!).Kind).ToList();
        foreach (var dup in providerKinds.GroupBy(k => k).Where(g => g.Count() > 1)) problems.Add($"{dup.Key}: {dup.Count()} providers");
        foreach (var kind in Enum.GetValues<RecoveryPointKind>())
        {
            var excused = KindsWithoutProvider.ContainsKey(kind);
            if (catalog.Provider(kind) == null && !excused) problems.Add($"{kind}: no provider (Get-FinRecoveryPoint, copies and expiry cannot see it)");
            if (catalog.Provider(kind) != null && excused) problems.Add($"{kind} has a provider now: remove it from KindsWithoutProvider");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
