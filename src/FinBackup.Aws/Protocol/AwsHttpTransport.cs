using System;
using System.Net.Http;
using System.Reflection;

namespace FinBackup.Aws.Protocol
{
    /// <summary>
    /// The one HttpClient all protocol clients share (connection pooling). No overall timeout on the client itself:
    /// each attempt gets its own deadline (<see cref="AwsRetryOptions.AttemptTimeout"/>). On .NET Core / .NET 5+ the
    /// handler is a SocketsHttpHandler with a 10 s connect timeout and 5 min pooled-connection lifetime (so DNS changes
    /// are seen); on .NET Framework the attempt deadline bounds the connect.
    /// </summary>
    public static class AwsHttpTransport
    {
        private static readonly Lazy<HttpClient> SharedClient = new Lazy<HttpClient>(Create);

        public static HttpClient Shared => SharedClient.Value;

        private static HttpClient Create()
        {
            var handler = CreateSocketsHandler() ?? new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
            return new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        }

        internal static HttpMessageHandler CreateSocketsHandler()
        {
            var type = Type.GetType("System.Net.Http.SocketsHttpHandler, System.Net.Http", throwOnError: false);
            if (type == null) return null;
            try
            {
                var handler = (HttpMessageHandler)Activator.CreateInstance(type);
                Set(type, handler, "ConnectTimeout", AwsRetryOptions.ConnectTimeout);
                Set(type, handler, "PooledConnectionLifetime", TimeSpan.FromMinutes(5));
                Set(type, handler, "UseCookies", false);
                Set(type, handler, "AllowAutoRedirect", false);
                return handler;
            }
            catch (Exception)
            {
                return null;
            }
        }

        private static void Set(Type type, object target, string property, object value) =>
            type.GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.SetValue(target, value);
    }
}
