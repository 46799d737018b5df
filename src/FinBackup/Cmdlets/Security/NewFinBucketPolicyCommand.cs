using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Security;

namespace FinBackup.Cmdlets.Security
{
    /// <summary>
    /// Writes the backup bucket policy of each of the policy's regions: deny non-TLS, deny PutObject without SSE-KMS or with
    /// another key, deny deletes and protection changes except by the named principals. Read-only: it calls KMS only to
    /// resolve the policy's key alias to the key ARN (unless -KmsKeyArn is given); apply it with aws s3api put-bucket-policy.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "FinBucketPolicy")]
    [OutputType(typeof(FinPolicyDocument))]
    public sealed class NewFinBucketPolicyCommand : FinAwsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The backup policy (Import-FinBackupPolicy) whose buckets and keys to protect.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>Which of the policy's regions (default: all).</summary>
        [Parameter]
        [Alias("BucketRegion")]
        public string[] ForRegion { get; set; }

        [Parameter(Mandatory = true, HelpMessage = "Role ARNs that may delete backup objects (the BackupOperator role, for expiry).")]
        [ValidateNotNullOrEmpty]
        public string[] DeletePrincipalArn { get; set; }

        [Parameter(Mandatory = true, HelpMessage = "Role ARNs that may change the bucket's policy, lifecycle, Object Lock, versioning, replication or encryption.")]
        [ValidateNotNullOrEmpty]
        public string[] AdminPrincipalArn { get; set; }

        /// <summary>The key ARN to require, per region as region=arn; default: the policy's key resolved through KMS.</summary>
        [Parameter]
        public string[] KmsKeyArn { get; set; }

        [Parameter]
        [ValidateSet("aws", "aws-us-gov", "aws-cn")]
        public string Partition { get; set; } = "aws";

        [Parameter]
        public string OutputDirectory { get; set; }

        protected override void ProcessRecord()
        {
            var regions = (ForRegion != null && ForRegion.Length > 0 ? ForRegion : Policy.Regions.ToArray());
            var given = ParseKeyArns();
            foreach (var region in regions)
            {
                var bucket = Policy.BucketFor(region);
                var key = Policy.KmsKeyFor(region);
                var keys = new List<string>();
                try
                {
                    if (given.TryGetValue(region, out var arn)) keys.Add(arn);
                    else if (!string.IsNullOrEmpty(key))
                    {
                        RegionFor(null, Policy); // the connection's default region: -Region, else the policy's primary region
                        keys.Add(Session.Get<IKmsKeyCheck>(region).RequireUsableKey(key, CancellationToken));
                    }
                    if (!string.IsNullOrEmpty(key) && !keys.Contains(key)) keys.Add(key); // the alias, as FinBackup sends it
                    var doc = BucketPolicyBuilder.Build(new BucketPolicyOptions
                    {
                        Bucket = bucket,
                        KmsKeyIds = keys,
                        DeletePrincipalArns = DeletePrincipalArn.ToList(),
                        AdminPrincipalArns = AdminPrincipalArn.ToList(),
                        Partition = Partition,
                        AuditPrefixes = Domain.Policy.AuditPolicyExtensions.AuditLocation(Policy) is Domain.Audit.AuditLogLocation audit && string.Equals(audit.Bucket, bucket, StringComparison.Ordinal)
                            ? new List<string> { Domain.Audit.AuditLogLayout.NormalizePrefix(audit.Prefix) }
                            : new List<string>(),
                    });
                    var result = new FinPolicyDocument
                    {
                        Role = "BucketPolicy",
                        PolicyName = "FinBackup-" + Domain.Files.FileBackupLayout.Slug(Policy.Name) + "-bucket-" + region,
                        BackupPolicyName = Policy.Name,
                        Regions = region,
                        Bucket = bucket,
                        Statements = doc.Statements.Count,
                        Actions = doc.Statements.SelectMany(s => s.Actions).Distinct(StringComparer.Ordinal).Count(),
                        Document = doc.ToJson(),
                    };
                    PolicyFileWriter.WriteIfAsked(this, OutputDirectory, result);
                    WriteObject(result);
                }
                catch (FinBackupException ex)
                {
                    WriteFinError(ex, region);
                }
            }
        }

        private Dictionary<string, string> ParseKeyArns()
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in KmsKeyArn ?? new string[0])
            {
                var eq = item.IndexOf('=');
                if (eq <= 0 || !item.Substring(eq + 1).StartsWith("arn:", StringComparison.Ordinal))
                {
                    ThrowFinError(new FinBackupException("FinKmsKeyArnInvalid", FinErrorKind.InvalidArgument,
                        $"-KmsKeyArn '{item}' is not region=arn.", "Pass e.g. -KmsKeyArn 'us-east-1=arn:aws:kms:us-east-1:123456789012:key/…'."), item);
                }
                map[item.Substring(0, eq)] = item.Substring(eq + 1);
            }
            return map;
        }
    }
}
