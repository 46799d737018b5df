using System;
using System.Diagnostics;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Connection;
using FinBackup.Domain.Ports;

namespace FinBackup.Cmdlets
{
    /// <summary>
    /// Checks that FinBackup can reach AWS with the resolved credentials: calls STS GetCallerIdentity in the resolved region
    /// and reports who the caller is and where the credentials, region and endpoint came from.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "FinAwsConnection")]
    [OutputType(typeof(FinAwsConnectionInfo))]
    public sealed class TestFinAwsConnectionCommand : FinAwsCmdlet
    {
        protected override void ProcessRecord()
        {
            var region = RegionOrDefault(Region);
            var watch = Stopwatch.StartNew();
            AwsCallerIdentity identity;
            try
            {
                identity = Session.Get<IAwsIdentityGateway>(region).GetCallerIdentityAsync(CancellationToken).GetAwaiter().GetResult();
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, Session.EndpointUrl ?? region);
                return;
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                return;
            }
            watch.Stop();
            WriteObject(new FinAwsConnectionInfo
            {
                Account = identity.Account,
                Arn = identity.Arn,
                UserId = identity.UserId,
                Region = region,
                EndpointUrl = Session.EndpointUrl,
                CredentialSource = Session.CredentialSource,
                RegionSource = string.IsNullOrEmpty(Region) ? Session.RegionSource : "parameter -Region",
                LatencyMs = watch.ElapsedMilliseconds,
            });
        }
    }
}
