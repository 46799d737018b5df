using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>
    /// Finds every <see cref="IRecoveryPointProvider"/> and <see cref="IRecoveryPointCreator"/> in this assembly
    /// (public, non-abstract, constructor <c>(AwsClientContext, string region)</c>) and hands them out per kind for one region.
    /// A new kind (e.g. FileBackup) plugs in by adding such a class; nothing else changes.
    /// </summary>
    [Gateway(typeof(IRecoveryPointProviders))]
    public sealed class RecoveryPointProviderCatalog : IRecoveryPointProviders
    {
        private static readonly Lazy<Type[]> ProviderTypes = new Lazy<Type[]>(() => Scan(typeof(IRecoveryPointProvider)));
        private static readonly Lazy<Type[]> CreatorTypes = new Lazy<Type[]>(() => Scan(typeof(IRecoveryPointCreator)));

        private readonly Dictionary<RecoveryPointKind, IRecoveryPointProvider> _providers = new Dictionary<RecoveryPointKind, IRecoveryPointProvider>();
        private readonly Dictionary<RecoveryPointKind, IRecoveryPointCreator> _creators = new Dictionary<RecoveryPointKind, IRecoveryPointCreator>();

        public RecoveryPointProviderCatalog(AwsClientContext context, string region)
        {
            Region = region;
            var instances = new Dictionary<Type, object>();
            object Make(Type t)
            {
                if (!instances.TryGetValue(t, out var o)) instances[t] = o = Activator.CreateInstance(t, context, region);
                return o;
            }
            foreach (var t in ProviderTypes.Value)
            {
                var p = (IRecoveryPointProvider)Make(t);
                _providers[p.Kind] = p;
            }
            foreach (var t in CreatorTypes.Value)
            {
                var c = (IRecoveryPointCreator)Make(t);
                _creators[c.Kind] = c;
            }
        }

        public string Region { get; }
        public IReadOnlyList<IRecoveryPointProvider> All => _providers.OrderBy(p => p.Key).Select(p => p.Value).ToList();
        public IRecoveryPointProvider Provider(RecoveryPointKind kind) => _providers.TryGetValue(kind, out var p) ? p : null;
        public IRecoveryPointCreator Creator(RecoveryPointKind kind) => _creators.TryGetValue(kind, out var c) ? c : null;

        private static Type[] Scan(Type contract) =>
            typeof(RecoveryPointProviderCatalog).Assembly.GetTypes()
                .Where(t => t.IsClass && !t.IsAbstract && t.IsPublic && contract.IsAssignableFrom(t)
                            && t.GetConstructor(new[] { typeof(AwsClientContext), typeof(string) }) != null)
                .OrderBy(t => t.FullName, StringComparer.Ordinal)
                .ToArray();
    }
}
