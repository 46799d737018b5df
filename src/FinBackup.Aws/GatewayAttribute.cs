using System;

namespace FinBackup.Aws
{
    /// <summary>
    /// Marks an adapter class as the implementation of a domain port. The class needs a public constructor
    /// <c>(AwsClientContext context, string region)</c>. <see cref="AwsSession.Get{T}"/> finds it by this attribute,
    /// so a new port needs no registration elsewhere.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
    public sealed class GatewayAttribute : Attribute
    {
        public GatewayAttribute(Type port) { Port = port; }
        public Type Port { get; }
    }
}
