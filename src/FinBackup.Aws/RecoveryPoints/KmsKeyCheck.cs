using System.Threading;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using FinBackup.Domain;
using FinBackup.Domain.Ports;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>KMS DescribeKey in the destination region, once per copy run.</summary>
    [Gateway(typeof(IKmsKeyCheck))]
    public sealed class KmsKeyCheck : IKmsKeyCheck
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public KmsKeyCheck(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        public string RequireUsableKey(string keyId, CancellationToken cancellationToken)
        {
            DescribeKeyResponse r;
            try
            {
                r = _context.Kms(_region).DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }, cancellationToken).GetAwaiter().GetResult();
            }
            catch (NotFoundException ex)
            {
                throw new FinBackupException("FinKmsKeyNotFound", FinErrorKind.ObjectNotFound,
                    $"KMS key '{keyId}' does not exist in {_region}; nothing was copied.",
                    $"Create the key (or alias) in {_region}, or fix KmsKeys['{_region}'] in the policy / -KmsKeyId.", ex);
            }
            catch (Amazon.Runtime.AmazonServiceException ex)
            {
                throw RecoveryPointAwsErrors.Map(ex, $"DescribeKey '{keyId}' in {_region}", "kms");
            }
            var meta = r.KeyMetadata;
            if (meta == null || meta.KeyState != KeyState.Enabled)
                throw new FinBackupException("FinKmsKeyUnusable", FinErrorKind.SecurityError,
                    $"KMS key '{keyId}' in {_region} is {meta?.KeyState?.Value ?? "unknown"}, not Enabled; nothing was copied.",
                    "Enable the key or point the policy at an enabled key.");
            return meta.Arn;
        }
    }
}
