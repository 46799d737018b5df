using System;
using System.Management.Automation;
using System.Reflection;
using FinBackup.Domain;
using FinBackup.Domain.Connection;

namespace FinBackup.Common
{
    /// <summary>
    /// Reads -Credential without referencing any AWS SDK (the caller's AWS.Tools may use another AWSSDK.Core
    /// version): a PSCredential (user name = access key id, password = secret key), or any object with
    /// GetCredentials() returning AccessKey/SecretKey/Token (Amazon.Runtime.AWSCredentials), or with those properties.
    /// </summary>
    internal static class CredentialObjectReader
    {
        internal static void Apply(object credential, AwsConnectionRequest request)
        {
            if (credential is PSObject pso) credential = pso.BaseObject;
            if (credential is PSCredential ps)
            {
                request.AccessKey = ps.UserName;
                request.SecretKey = ps.GetNetworkCredential().Password;
                request.KeysFromCredentialParameter = true;
                return;
            }
            var immutable = credential;
            var getCredentials = credential.GetType().GetMethod("GetCredentials", BindingFlags.Public | BindingFlags.Instance, null, Type.EmptyTypes, null);
            if (getCredentials != null)
            {
                immutable = getCredentials.Invoke(credential, null);
            }
            var accessKey = ReadString(immutable, "AccessKey");
            var secretKey = ReadString(immutable, "SecretKey");
            if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
            {
                throw new FinBackupException("FinCredentialUnreadable", FinErrorKind.InvalidArgument,
                    $"-Credential of type '{credential.GetType().FullName}' has no access key and secret key.",
                    "Pass an AWS.Tools credentials object (e.g. from Get-AWSCredential) or a PSCredential whose user name is the access key id and whose password is the secret access key.");
            }
            request.AccessKey = accessKey;
            request.SecretKey = secretKey;
            request.SessionToken = ReadString(immutable, "Token") ?? request.SessionToken;
            request.KeysFromCredentialParameter = true;
        }

        private static string ReadString(object o, string property) =>
            o?.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.GetValue(o) as string;
    }
}
