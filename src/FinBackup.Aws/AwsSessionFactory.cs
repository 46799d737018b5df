using System;
using FinBackup.Domain.Connection;

namespace FinBackup.Aws
{
    /// <summary>Resolves an <see cref="AwsConnectionRequest"/> into an <see cref="IAwsSession"/> (see <see cref="AwsConnectionResolver"/> for the order).</summary>
    public static class AwsSessionFactory
    {
        public static IAwsSession Open(AwsConnectionRequest request, Action<string> verbose)
        {
            var resolved = new AwsConnectionResolver(verbose).Resolve(request);
            return Open(resolved);
        }

        public static AwsSession Open(ResolvedConnection resolved)
        {
            var context = new AwsClientContext(resolved.Credentials, resolved.Region, resolved.EndpointUrl);
            foreach (var kv in resolved.ServiceEndpoints) context.ServiceEndpoints[kv.Key] = kv.Value;
            return new AwsSession(context, resolved.CredentialSource, resolved.RegionSource);
        }
    }
}
