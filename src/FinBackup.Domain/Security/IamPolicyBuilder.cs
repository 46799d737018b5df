using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Files;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Security
{
    /// <summary>The roles FinBackup's work splits into; each gets its own least-privilege policy.</summary>
    public enum FinRole
    {
        /// <summary>Takes, copies and expires recovery points (the scheduler's identity): Invoke-FinBackupCycle and friends.</summary>
        BackupOperator,
        /// <summary>Restores: creates volumes, instances, DB instances from points; reads restore secrets.</summary>
        RestoreOperator,
        /// <summary>Approves restore plans (maker-checker): reads plans, writes approvals, nothing else.</summary>
        RestoreApprover,
        /// <summary>Reads everything compliance needs; changes nothing.</summary>
        Auditor,
        /// <summary>The instance role of a host that runs Backup-FinFile: writes its own backups, deletes nothing.</summary>
        FileBackupInstance,
    }

    /// <summary>What the generated policy is for, beyond the backup policy itself.</summary>
    public sealed class IamPolicyOptions
    {
        /// <summary>The 12-digit account id the resources live in.</summary>
        public string AccountId { get; set; }
        public string Partition { get; set; } = "aws";
        /// <summary>Roles FinBackup passes to services (AWS Backup's service role), as ARNs; PassRole is limited to them.</summary>
        public IList<string> PassRoleArns { get; set; } = new List<string>();
        /// <summary>Instance-profile roles a restore may launch instances with (RestoreOperator's PassRole to EC2).</summary>
        public IList<string> InstanceRoleArns { get; set; } = new List<string>();
        /// <summary>Secret names that hold restore credentials (RestoreOperator reads them); default fin/restore/*.</summary>
        public IList<string> RestoreSecretNames { get; set; } = new List<string>();
        /// <summary>FileBackupInstance: the application whose manifests this host writes (its manifest prefix); null = all in the policy.</summary>
        public string Application { get; set; }
    }

    /// <summary>
    /// Writes the IAM identity policy each <see cref="FinRole"/> needs for one backup policy's regions, keys, buckets and
    /// vault, and no more. The rules it follows:
    /// <list type="bullet">
    /// <item>No "*" actions; every action named. Describe/List calls, which IAM cannot scope to resources, are limited to
    /// the policy's regions with aws:RequestedRegion.</item>
    /// <item>Resource ARNs for the policy's buckets, keys, vault and secrets; creates only of snapshots, images and DB
    /// snapshots that carry fin:managed-by=FinBackup in the request (aws:RequestTag), deletes only of resources that carry
    /// it already (aws:ResourceTag, rds:snapshot-tag).</item>
    /// <item>KMS: DescribeKey directly (FinBackup checks a key before copying); every data operation only through the
    /// services FinBackup uses in those regions (kms:ViaService); aliases matched with kms:ResourceAliases.</item>
    /// <item>Secrets: readable by RestoreOperator only.</item>
    /// </list>
    /// </summary>
    public sealed class IamPolicyBuilder
    {
        private readonly BackupPolicy _policy;
        private readonly IamPolicyOptions _o;
        private readonly string[] _regions;

        public IamPolicyBuilder(BackupPolicy policy, IamPolicyOptions options)
        {
            _policy = policy ?? throw new ArgumentNullException(nameof(policy));
            _o = options ?? throw new ArgumentNullException(nameof(options));
            if (string.IsNullOrEmpty(_o.AccountId) || _o.AccountId.Length != 12 || !_o.AccountId.All(char.IsDigit))
            {
                throw new FinBackupException("FinIamAccountIdInvalid", FinErrorKind.InvalidArgument,
                    $"'{_o.AccountId}' is not a 12-digit AWS account id.",
                    "Pass -AccountId 123456789012, or leave it out to use the account of your credentials (STS).");
            }
            _regions = policy.Regions.Where(r => !string.IsNullOrEmpty(r)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            if (_regions.Length == 0)
            {
                throw new FinBackupException("FinIamPolicyHasNoRegion", FinErrorKind.InvalidArgument,
                    $"The policy '{policy.Name}' names no region, so there is nothing to scope a role to.",
                    "Set PrimaryRegion (and DrRegion) in the policy.");
            }
        }

        public IamPolicyDocument Build(FinRole role)
        {
            var doc = new IamPolicyDocument();
            doc.Add(new IamStatement("WhoAmI", IamEffect.Allow, new[] { "sts:GetCallerIdentity" }, new[] { "*" }));
            switch (role)
            {
                case FinRole.BackupOperator: BackupOperator(doc); break;
                case FinRole.RestoreOperator: RestoreOperator(doc); break;
                case FinRole.RestoreApprover: RestoreApprover(doc); break;
                case FinRole.Auditor: Auditor(doc); break;
                case FinRole.FileBackupInstance: FileBackupInstance(doc); break;
                default: throw new ArgumentOutOfRangeException(nameof(role));
            }
            return doc;
        }

        // ---- roles ---------------------------------------------------------------------------------------------

        private void BackupOperator(IamPolicyDocument doc)
        {
            ReadEstate(doc, "ReadEstate");
            doc.Add(new IamStatement("SnapshotSourcesOfTheApplications", IamEffect.Allow,
                    new[] { "ec2:CreateSnapshot", "ec2:CreateSnapshots", "ec2:CreateImage" },
                    Each(r => Arn("ec2", r, _o.AccountId, "instance/*"), r => Arn("ec2", r, _o.AccountId, "volume/*")))
                .When("Null", "aws:ResourceTag/" + _policy.TagKey, "false"));
            doc.Add(new IamStatement("CreateManagedSnapshotsAndImages", IamEffect.Allow,
                    new[] { "ec2:CreateSnapshot", "ec2:CreateSnapshots", "ec2:CreateImage", "ec2:CopySnapshot", "ec2:CopyImage" },
                    Each(r => Arn("ec2", r, "", "snapshot/*"), r => Arn("ec2", r, "", "image/*")))
                .When("StringEquals", "aws:RequestTag/" + FinTags.ManagedBy, FinTags.ManagedByValue));
            doc.Add(new IamStatement("CopySourcesAreManaged", IamEffect.Allow,
                    new[] { "ec2:CopySnapshot", "ec2:CopyImage" },
                    Each(r => Arn("ec2", r, "", "snapshot/*"), r => Arn("ec2", r, "", "image/*")))
                .When("StringEquals", "aws:ResourceTag/" + FinTags.ManagedBy, FinTags.ManagedByValue));
            TagOnCreate(doc, "TagWhatItCreates", new[] { "snapshot/*", "image/*" }, "CreateSnapshot", "CreateSnapshots", "CreateImage", "CopySnapshot", "CopyImage");
            doc.Add(new IamStatement("RetagManagedPoints", IamEffect.Allow, new[] { "ec2:CreateTags" },
                    Each(r => Arn("ec2", r, "", "snapshot/*"), r => Arn("ec2", r, "", "image/*")))
                .When("StringEquals", "aws:ResourceTag/" + FinTags.ManagedBy, FinTags.ManagedByValue));
            doc.Add(new IamStatement("ExpireOnlyManagedPoints", IamEffect.Allow, new[] { "ec2:DeleteSnapshot", "ec2:DeregisterImage" },
                    Each(r => Arn("ec2", r, "", "snapshot/*"), r => Arn("ec2", r, "", "image/*")))
                .When("StringEquals", "aws:ResourceTag/" + FinTags.ManagedBy, FinTags.ManagedByValue));

            doc.Add(new IamStatement("RdsSnapshotsOfTheDatabases", IamEffect.Allow, new[] { "rds:CreateDBSnapshot" },
                Each(r => Arn("rds", r, _o.AccountId, "db:*"))));
            doc.Add(new IamStatement("CreateAndCopyManagedDbSnapshots", IamEffect.Allow,
                    new[] { "rds:CreateDBSnapshot", "rds:CopyDBSnapshot", "rds:AddTagsToResource" },
                    Each(r => Arn("rds", r, _o.AccountId, "snapshot:*")))
                .When("StringEquals", "aws:RequestTag/" + FinTags.ManagedBy, FinTags.ManagedByValue));
            doc.Add(new IamStatement("CopyFromManagedDbSnapshots", IamEffect.Allow, new[] { "rds:CopyDBSnapshot", "rds:AddTagsToResource" },
                    Each(r => Arn("rds", r, _o.AccountId, "snapshot:*")))
                .When("StringEquals", "rds:snapshot-tag/" + FinTags.ManagedBy, FinTags.ManagedByValue));
            doc.Add(new IamStatement("ExpireOnlyManagedDbSnapshots", IamEffect.Allow, new[] { "rds:DeleteDBSnapshot" },
                    Each(r => Arn("rds", r, _o.AccountId, "snapshot:*")))
                .When("StringEquals", "rds:snapshot-tag/" + FinTags.ManagedBy, FinTags.ManagedByValue));

            BucketRead(doc, "ListAndReadBackups", new[] { FileBackupLayout.ManifestPrefix, FileBackupLayout.DataPrefix, FileBackupLayout.PackPrefix });
            doc.Add(new IamStatement("WriteBackupObjects", IamEffect.Allow,
                new[] { "s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectRetention" },
                Objects(FileBackupLayout.ManifestPrefix, FileBackupLayout.DataPrefix, FileBackupLayout.PackPrefix)));
            doc.Add(new IamStatement("ExpireFileBackups", IamEffect.Allow, new[] { "s3:DeleteObject" },
                Objects(FileBackupLayout.ManifestPrefix, FileBackupLayout.DataPrefix, FileBackupLayout.PackPrefix)));
            // The cycle's verification findings and data-read schedule (verification/<policy>/<app>/latest.json, data-read.json).
            doc.Add(new IamStatement("WriteVerificationFindings", IamEffect.Allow, new[] { "s3:PutObject" }, Objects(CycleVerification.Prefix)));

            if (!string.IsNullOrEmpty(_policy.BackupVaultName))
            {
                doc.Add(new IamStatement("AwsBackupPlansAndCopies", IamEffect.Allow,
                    new[]
                    {
                        "backup:CreateBackupPlan", "backup:UpdateBackupPlan", "backup:GetBackupPlan", "backup:ListBackupPlans",
                        "backup:CreateBackupSelection", "backup:ListBackupSelections", "backup:DescribeBackupVault",
                        "backup:ListRecoveryPointsByBackupVault", "backup:StartCopyJob", "backup:DescribeCopyJob",
                    },
                    Each(r => Arn("backup", r, _o.AccountId, "backup-vault:" + _policy.BackupVaultName),
                         r => Arn("backup", r, _o.AccountId, "backup-plan:*"),
                         r => Arn("backup", r, _o.AccountId, "recovery-point:*"))));
                PassRole(doc, "PassTheBackupServiceRole", _o.PassRoleArns, "backup.amazonaws.com");
            }
            doc.Add(new IamStatement("RunFileBackupsThroughSystemsManager", IamEffect.Allow, new[] { "ssm:SendCommand" },
                    Each(r => Arn("ssm", r, _o.AccountId, "document/FinBackup-*"), r => Arn("ec2", r, _o.AccountId, "instance/*"))));
            doc.Add(new IamStatement("HoldManagedDbSnapshots", IamEffect.Allow, new[] { "rds:AddTagsToResource" },
                    Each(r => Arn("rds", r, _o.AccountId, "snapshot:*")))
                .When("StringEquals", "rds:snapshot-tag/" + FinTags.ManagedBy, FinTags.ManagedByValue));
            AuditAppend(doc);
            KmsUse(doc, "EncryptBackupsWithThePolicyKeys", new[] { "ec2", "rds", "s3", "backup" },
                "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant");
        }

        private void RestoreOperator(IamPolicyDocument doc)
        {
            ReadEstate(doc, "ReadEstateAndPoints");
            doc.Add(new IamStatement("CreateVolumesAndInstancesFromPoints", IamEffect.Allow,
                    new[] { "ec2:CreateVolume", "ec2:RunInstances", "ec2:CreateLaunchTemplateVersion" },
                    Each(r => Arn("ec2", r, "", "snapshot/*"), r => Arn("ec2", r, "", "image/*"),
                         r => Arn("ec2", r, _o.AccountId, "subnet/*"), r => Arn("ec2", r, _o.AccountId, "network-interface/*"),
                         r => Arn("ec2", r, _o.AccountId, "security-group/*"), r => Arn("ec2", r, _o.AccountId, "key-pair/*"),
                         r => Arn("ec2", r, _o.AccountId, "launch-template/*"))));
            doc.Add(new IamStatement("CreatedResourcesCarryTheRestoreId", IamEffect.Allow,
                    new[] { "ec2:CreateVolume", "ec2:RunInstances" },
                    Each(r => Arn("ec2", r, _o.AccountId, "volume/*"), r => Arn("ec2", r, _o.AccountId, "instance/*")))
                .When("Null", "aws:RequestTag/" + RestoreIdTag, "false"));
            TagOnCreate(doc, "TagWhatItRestores", new[] { "volume/*", "instance/*" }, "CreateVolume", "RunInstances");
            doc.Add(new IamStatement("AttachAndCleanUpRestoredResources", IamEffect.Allow,
                    new[] { "ec2:AttachVolume", "ec2:DetachVolume", "ec2:DeleteVolume", "ec2:TerminateInstances", "ec2:StopInstances", "ec2:CreateTags" },
                    Each(r => Arn("ec2", r, _o.AccountId, "volume/*"), r => Arn("ec2", r, _o.AccountId, "instance/*")))
                .When("Null", "aws:ResourceTag/" + RestoreIdTag, "false"));
            doc.Add(new IamStatement("SwapVolumesOfTheApplications", IamEffect.Allow,
                    new[] { "ec2:AttachVolume", "ec2:DetachVolume", "ec2:CreateTags" },
                    Each(r => Arn("ec2", r, _o.AccountId, "volume/*"), r => Arn("ec2", r, _o.AccountId, "instance/*")))
                .When("Null", "aws:ResourceTag/" + _policy.TagKey, "false"));
            PassRole(doc, "LaunchWithTheRecordedInstanceProfile", _o.InstanceRoleArns, "ec2.amazonaws.com");

            doc.Add(new IamStatement("RestoreDatabasesFromPoints", IamEffect.Allow,
                new[] { "rds:RestoreDBInstanceFromDBSnapshot", "rds:RestoreDBInstanceToPointInTime" },
                Each(r => Arn("rds", r, _o.AccountId, "snapshot:*"), r => Arn("rds", r, _o.AccountId, "db:*"),
                     r => Arn("rds", r, _o.AccountId, "subgrp:*"), r => Arn("rds", r, _o.AccountId, "pg:*"),
                     r => Arn("rds", r, _o.AccountId, "og:*"), r => Arn("rds", r, _o.AccountId, "secgrp:*"))));
            doc.Add(new IamStatement("FinishAndCleanUpRestoredDatabases", IamEffect.Allow,
                    new[] { "rds:ModifyDBInstance", "rds:AddTagsToResource", "rds:DeleteDBInstance" },
                    Each(r => Arn("rds", r, _o.AccountId, "db:*")))
                .When("Null", "rds:db-tag/" + RestoreIdTag, "false"));

            var secrets = _o.RestoreSecretNames.Count > 0 ? _o.RestoreSecretNames : new List<string> { "fin/restore/*" };
            doc.Add(new IamStatement("ReadRestoreCredentials", IamEffect.Allow,
                new[] { "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue" },
                _regions.SelectMany(r => secrets.Select(s => Arn("secretsmanager", r, _o.AccountId, "secret:" + s + (s.EndsWith("*", StringComparison.Ordinal) ? string.Empty : "-*"))))));

            BucketRead(doc, "ReadFileBackupsAndPlans", new[] { FileBackupLayout.ManifestPrefix, FileBackupLayout.DataPrefix, FileBackupLayout.PackPrefix, RestorePlanPrefix });
            doc.Add(new IamStatement("WriteRestorePlans", IamEffect.Allow, new[] { "s3:PutObject" }, Objects(RestorePlanPrefix + "plans/")));
            if (!string.IsNullOrEmpty(_policy.BackupVaultName))
            {
                doc.Add(new IamStatement("AwsBackupRestoreJobs", IamEffect.Allow,
                    new[] { "backup:StartRestoreJob", "backup:DescribeRestoreJob", "backup:GetRecoveryPointRestoreMetadata", "backup:ListRecoveryPointsByBackupVault", "backup:DescribeBackupVault" },
                    Each(r => Arn("backup", r, _o.AccountId, "backup-vault:" + _policy.BackupVaultName), r => Arn("backup", r, _o.AccountId, "recovery-point:*"))));
                PassRole(doc, "PassTheBackupServiceRole", _o.PassRoleArns, "backup.amazonaws.com");
            }
            AuditAppend(doc);
            KmsUse(doc, "DecryptPointsIntoNewResources", new[] { "ec2", "rds", "s3", "secretsmanager", "backup" },
                "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant");
        }

        private void RestoreApprover(IamPolicyDocument doc)
        {
            doc.Add(new IamStatement("ListRestorePlans", IamEffect.Allow, new[] { "s3:ListBucket" }, Buckets())
                .When("StringLike", "s3:prefix", RestorePlanPrefix + "*"));
            doc.Add(new IamStatement("ReadRestorePlans", IamEffect.Allow, new[] { "s3:GetObject" }, Objects(RestorePlanPrefix)));
            doc.Add(new IamStatement("RecordApprovals", IamEffect.Allow, new[] { "s3:PutObject", "s3:PutObjectRetention" }, Objects(RestorePlanPrefix + "approvals/")));
            AuditAppend(doc);
            KmsUse(doc, "ReadAndWriteEncryptedPlans", new[] { "s3" }, "kms:Decrypt", "kms:GenerateDataKey");
        }

        private void Auditor(IamPolicyDocument doc)
        {
            ReadEstate(doc, "ReadEstateAndPoints");
            BucketRead(doc, "ReadBackupsAuditLogAndEvidence", new[] { string.Empty });
            doc.Add(new IamStatement("ReadBucketProtection", IamEffect.Allow,
                new[] { "s3:GetBucketObjectLockConfiguration", "s3:GetBucketVersioning", "s3:GetBucketPolicy", "s3:GetEncryptionConfiguration", "s3:GetBucketReplication", "s3:GetLifecycleConfiguration" },
                Buckets()));
            if (!string.IsNullOrEmpty(_policy.BackupVaultName))
            {
                doc.Add(new IamStatement("ReadAwsBackup", IamEffect.Allow,
                    new[] { "backup:DescribeBackupVault", "backup:ListRecoveryPointsByBackupVault", "backup:ListBackupPlans", "backup:GetBackupPlan", "backup:ListBackupJobs", "backup:ListCopyJobs", "backup:ListRestoreJobs" },
                    Each(r => Arn("backup", r, _o.AccountId, "backup-vault:" + _policy.BackupVaultName), r => Arn("backup", r, _o.AccountId, "backup-plan:*"), r => Arn("backup", r, _o.AccountId, "recovery-point:*"))));
            }
            AuditRead(doc);
            KmsUse(doc, "ReadEncryptedEvidence", new[] { "s3" }, "kms:Decrypt");
        }

        private void FileBackupInstance(IamPolicyDocument doc)
        {
            var apps = _o.Application != null ? new[] { _o.Application } : _policy.Applications.Select(a => a.Name).ToArray();
            var manifestPrefixes = apps.Select(FileBackupLayout.ApplicationManifestPrefix).ToArray();
            doc.Add(new IamStatement("FindPreviousBackupAndContent", IamEffect.Allow, new[] { "s3:ListBucket", "s3:GetBucketObjectLockConfiguration" }, Buckets())
                .When("StringLike", "s3:prefix", manifestPrefixes.Select(p => p + "*").Concat(new[] { FileBackupLayout.DataPrefix + "*", FileBackupLayout.PackPrefix + "*" }).ToArray()));
            doc.Add(new IamStatement("ReadOwnManifests", IamEffect.Allow, new[] { "s3:GetObject", "s3:GetObjectTagging" }, Objects(manifestPrefixes)));
            doc.Add(new IamStatement("WriteOwnBackups", IamEffect.Allow, new[] { "s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectRetention" },
                Objects(manifestPrefixes.Concat(new[] { FileBackupLayout.DataPrefix, FileBackupLayout.PackPrefix }).ToArray())));
            doc.Add(new IamStatement("RefreshSharedContent", IamEffect.Allow, new[] { "s3:GetObject" }, Objects(FileBackupLayout.DataPrefix, FileBackupLayout.PackPrefix)));
            AuditAppend(doc);
            KmsUse(doc, "EncryptOwnBackups", new[] { "s3" }, "kms:GenerateDataKey", "kms:Decrypt");
        }

        // ---- shared statements ---------------------------------------------------------------------------------

        /// <summary>The audit log's objects (its bucket and the policy's prefix), or null when the policy has no audit log.</summary>
        private FinBackup.Domain.Audit.AuditLogLocation AuditLog() => FinBackup.Domain.Policy.AuditPolicyExtensions.AuditLocation(_policy);

        private string AuditObjects(FinBackup.Domain.Audit.AuditLogLocation l) =>
            "arn:" + _o.Partition + ":s3:::" + l.Bucket + "/" + FinBackup.Domain.Audit.AuditLogLayout.PolicyPrefix(l) + "*";

        /// <summary>
        /// Writers append to the audit log and nothing else: create objects under the policy's audit prefix (with their
        /// Object Lock retention), read the tail (HEAD/GET, a listing of the prefix), no delete; GenerateDataKey for the run
        /// digest only with the digest's encryption context.
        /// </summary>
        private void AuditAppend(IamPolicyDocument doc)
        {
            var l = AuditLog();
            if (l == null) return;
            var bucket = "arn:" + _o.Partition + ":s3:::" + l.Bucket;
            doc.Add(new IamStatement("AuditLogFindTheTail", IamEffect.Allow, new[] { "s3:ListBucket", "s3:GetBucketObjectLockConfiguration" }, new[] { bucket })
                .When("StringLike", "s3:prefix", FinBackup.Domain.Audit.AuditLogLayout.PolicyPrefix(l) + "*"));
            doc.Add(new IamStatement("AuditLogAppendOnly", IamEffect.Allow, new[] { "s3:PutObject", "s3:PutObjectRetention", "s3:GetObject" }, new[] { AuditObjects(l) }));
            AuditDigestKey(doc, "AuditLogSignRunDigests", l, "kms:GenerateDataKey");
        }

        /// <summary>The Auditor reads the audit log and verifies digests (kms:Decrypt with the digest's encryption context only).</summary>
        private void AuditRead(IamPolicyDocument doc)
        {
            var l = AuditLog();
            if (l == null) return;
            var bucket = "arn:" + _o.Partition + ":s3:::" + l.Bucket;
            doc.Add(new IamStatement("AuditLogList", IamEffect.Allow, new[] { "s3:ListBucket", "s3:GetBucketObjectLockConfiguration" }, new[] { bucket })
                .When("StringLike", "s3:prefix", FinBackup.Domain.Audit.AuditLogLayout.PolicyPrefix(l) + "*"));
            doc.Add(new IamStatement("AuditLogRead", IamEffect.Allow, new[] { "s3:GetObject", "s3:GetObjectRetention" }, new[] { AuditObjects(l) }));
            AuditDigestKey(doc, "AuditLogVerifyRunDigests", l, "kms:Decrypt");
        }

        private void AuditDigestKey(IamPolicyDocument doc, string sid, FinBackup.Domain.Audit.AuditLogLocation l, string action)
        {
            var key = _policy.KmsKeyFor(l.Region);
            if (string.IsNullOrEmpty(key)) return;
            var arn = key.StartsWith("arn:", StringComparison.Ordinal) && !key.Contains(":alias/") ? key : Arn("kms", l.Region, _o.AccountId, key.StartsWith("arn:", StringComparison.Ordinal) || key.StartsWith("alias/", StringComparison.Ordinal) ? "key/*" : "key/" + key);
            var st = doc.Add(new IamStatement(sid, IamEffect.Allow, new[] { action }, new[] { arn })
                .When("StringEquals", "kms:EncryptionContext:fin:purpose", "audit-digest")
                .When("StringEquals", "kms:EncryptionContext:fin:policy", l.PolicyName));
            if (key.Contains("alias/"))
                st.When("ForAnyValue:StringEquals", "kms:ResourceAliases", key.Substring(key.IndexOf("alias/", StringComparison.Ordinal)));
        }

        /// <summary>The tag every resource a restore creates carries (Remove-FinRestoredResource finds them by it).</summary>
        public const string RestoreIdTag = "fin:restore-id";

        /// <summary>Where restore plans and approvals live in the backup bucket.</summary>
        public const string RestorePlanPrefix = "fin-restore/";

        private void ReadEstate(IamPolicyDocument doc, string sid)
        {
            // Describe/List calls take no resource-level permissions in IAM; they are scoped to the policy's regions.
            doc.Add(new IamStatement(sid, IamEffect.Allow,
                    new[]
                    {
                        "ec2:DescribeInstances", "ec2:DescribeVolumes", "ec2:DescribeSnapshots", "ec2:DescribeImages", "ec2:DescribeTags",
                        "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeLaunchTemplateVersions", "ec2:DescribeAvailabilityZones",
                        "rds:DescribeDBInstances", "rds:DescribeDBSnapshots", "rds:ListTagsForResource",
                        "kms:DescribeKey", "kms:ListAliases",
                    },
                    new[] { "*" })
                .When("StringEquals", "aws:RequestedRegion", _regions));
        }

        private void BucketRead(IamPolicyDocument doc, string sid, string[] prefixes)
        {
            // Listing file backups without a bucket named finds the region's buckets first (ListBuckets takes no resource).
            doc.Add(new IamStatement(sid + "FindBuckets", IamEffect.Allow, new[] { "s3:ListAllMyBuckets" }, new[] { "*" }));
            doc.Add(new IamStatement(sid + "List", IamEffect.Allow, new[] { "s3:ListBucket", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketLocation" }, Buckets()));
            doc.Add(new IamStatement(sid, IamEffect.Allow, new[] { "s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectRetention" }, Objects(prefixes)));
        }

        private void TagOnCreate(IamPolicyDocument doc, string sid, string[] resourceTypes, params string[] createActions)
        {
            doc.Add(new IamStatement(sid, IamEffect.Allow, new[] { "ec2:CreateTags" },
                    _regions.SelectMany(r => resourceTypes.Select(t => Arn("ec2", r, t.StartsWith("snapshot", StringComparison.Ordinal) || t.StartsWith("image", StringComparison.Ordinal) ? string.Empty : _o.AccountId, t))))
                .When("StringEquals", "ec2:CreateAction", createActions));
        }

        private void PassRole(IamPolicyDocument doc, string sid, IList<string> roleArns, string service)
        {
            if (roleArns == null || roleArns.Count == 0) return;
            doc.Add(new IamStatement(sid, IamEffect.Allow, new[] { "iam:PassRole" }, roleArns)
                .When("StringEquals", "iam:PassedToService", service));
        }

        private void KmsUse(IamPolicyDocument doc, string sid, string[] services, params string[] actions)
        {
            var viaServices = _regions.SelectMany(r => services.Select(s => s + "." + r + ".amazonaws.com")).ToArray();
            var arns = new List<string>();
            var aliases = new List<string>();
            foreach (var r in _regions)
            {
                var key = _policy.KmsKeyFor(r);
                if (string.IsNullOrEmpty(key)) continue;
                if (key.StartsWith("arn:", StringComparison.Ordinal) && key.Contains(":alias/"))
                {
                    aliases.Add(key.Substring(key.IndexOf(":alias/", StringComparison.Ordinal) + 1));
                    arns.Add(Arn("kms", r, _o.AccountId, "key/*"));
                }
                else if (key.StartsWith("arn:", StringComparison.Ordinal)) arns.Add(key);
                else if (key.StartsWith("alias/", StringComparison.Ordinal))
                {
                    aliases.Add(key);
                    arns.Add(Arn("kms", r, _o.AccountId, "key/*"));
                }
                else arns.Add(Arn("kms", r, _o.AccountId, "key/" + key));
            }
            if (arns.Count == 0) return;
            var statement = doc.Add(new IamStatement(sid, IamEffect.Allow, actions, arns).When("StringEquals", "kms:ViaService", viaServices));
            if (aliases.Count > 0) statement.When("ForAnyValue:StringEquals", "kms:ResourceAliases", aliases.Distinct(StringComparer.Ordinal).ToArray());
        }

        private IEnumerable<string> Buckets() =>
            _regions.Select(r => _policy.BucketFor(r)).Where(b => !string.IsNullOrEmpty(b)).Distinct(StringComparer.Ordinal).Select(b => "arn:" + _o.Partition + ":s3:::" + b);

        private IEnumerable<string> Objects(params string[] prefixes) =>
            Buckets().SelectMany(b => prefixes.Select(p => b + "/" + p + "*"));

        private IEnumerable<string> Each(params Func<string, string>[] arns) => _regions.SelectMany(r => arns.Select(a => a(r)));

        private string Arn(string service, string region, string account, string resource) =>
            "arn:" + _o.Partition + ":" + service + ":" + region + ":" + account + ":" + resource;
    }
}
