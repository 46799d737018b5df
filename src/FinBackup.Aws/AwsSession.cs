using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using FinBackup.Domain;
using FinBackup.Domain.Connection;

namespace FinBackup.Aws
{
    /// <summary>A resolved connection: the client context plus where its parts came from; hands out ports by type.</summary>
    public sealed class AwsSession : IAwsSession, IDisposable
    {
        private static readonly Lazy<Dictionary<Type, Type>> Implementations = new Lazy<Dictionary<Type, Type>>(Scan);
        private readonly ConcurrentDictionary<string, object> _ports = new ConcurrentDictionary<string, object>();

        public AwsSession(AwsClientContext context, string credentialSource, string regionSource)
        {
            Context = context;
            CredentialSource = credentialSource;
            RegionSource = regionSource;
        }

        public AwsClientContext Context { get; }
        public string Region => Context.DefaultRegion;
        public string EndpointUrl => Context.EndpointUrl;
        public string CredentialSource { get; }
        public string RegionSource { get; }

        public T Get<T>(string region = null) where T : class
        {
            var r = Context.Region(region);
            if (string.IsNullOrEmpty(r))
            {
                throw new FinBackupException("FinRegionMissing", FinErrorKind.InvalidArgument,
                    "No AWS region was given and none is configured.",
                    "Pass -Region (e.g. -Region us-east-1), run Set-FinDefault -Region <region>, or set AWS_REGION.");
            }
            return (T)_ports.GetOrAdd(typeof(T).FullName + "|" + r, _ =>
            {
                if (!Implementations.Value.TryGetValue(typeof(T), out var impl))
                {
                    throw new FinBackupException("FinPortNotImplemented", FinErrorKind.NotImplemented,
                        $"No AWS adapter implements {typeof(T).Name}.");
                }
                return Activator.CreateInstance(impl, Context, r);
            });
        }

        private static Dictionary<Type, Type> Scan()
        {
            var map = new Dictionary<Type, Type>();
            foreach (var type in typeof(AwsSession).Assembly.GetTypes())
            {
                foreach (var attr in type.GetCustomAttributes<GatewayAttribute>())
                {
                    if (map.TryGetValue(attr.Port, out var other))
                    {
                        // A programming error (PortAdapterTests catches it first): two adapters for one port.
                        throw new InvalidOperationException($"Both {other.FullName} and {type.FullName} claim [Gateway({attr.Port.Name})].");
                    }
                    map[attr.Port] = type;
                }
            }
            return map;
        }

        public void Dispose() => Context.Dispose();
    }
}
