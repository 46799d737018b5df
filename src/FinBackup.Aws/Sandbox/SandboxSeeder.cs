using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.S3;
using Amazon.S3.Model;
using FinBackup.Aws.Protocol;
using FinBackup.Aws.Services.Rds;
using FinBackup.Domain.Ports;
using FinBackup.Domain;
using FinBackup.Domain.Sandbox;
using Ec2Tag = Amazon.EC2.Model.Tag;
using KmsTag = Amazon.KeyManagementService.Model.Tag;
using Filter = Amazon.EC2.Model.Filter;

namespace FinBackup.Aws.Sandbox
{
    /// <summary>
    /// Seeds the bank's estate (<see cref="SandboxEstate"/>) into a local AWS endpoint: per region a KMS key with alias, the
    /// backup bucket (SSE-KMS default encryption with that key, versioning), restore secrets encrypted with the key, the Backup
    /// vault; in the primary region the EC2 instances with their EBS volumes and the RDS PostgreSQL instances.
    /// Idempotent: every resource is looked up first and only created when missing.
    /// </summary>
    [Gateway(typeof(ISandboxSeeder))]
    public sealed class SandboxSeeder : ISandboxSeeder
    {
        private const string ManagedByValue = "FinBackup-sandbox";
        private readonly AwsClientContext _context;

        public SandboxSeeder(AwsClientContext context, string region)
        {
            _context = context;
        }

        public async Task<SandboxSeedResult> SeedAsync(SandboxEstate estate, Action<string> progress, CancellationToken cancellationToken)
        {
            progress = progress ?? (_ => { });
            var result = new SandboxSeedResult { Applications = estate.Applications.Count };
            try
            {
                foreach (var region in estate.Regions)
                {
                    progress($"KMS key {estate.KmsAlias} in {region}");
                    var keyArn = await EnsureKeyAsync(region, estate.KmsAlias, result, cancellationToken).ConfigureAwait(false);
                    result.KmsKeyArns[region] = keyArn;
                    result.KmsKeys++;

                    progress($"Bucket {estate.BucketFor(region)} in {region}");
                    await EnsureBucketAsync(region, estate.BucketFor(region), keyArn, result, cancellationToken).ConfigureAwait(false);
                    result.Buckets++;

                    progress($"Backup vault {estate.VaultName} in {region}");
                    var backup = _context.Backup(region);
                    if (await backup.DescribeBackupVaultAsync(estate.VaultName, cancellationToken).ConfigureAwait(false) == null)
                    {
                        await backup.CreateBackupVaultAsync(estate.VaultName, keyArn, new Dictionary<string, string> { ["fin:managed-by"] = ManagedByValue },
                            cancellationToken: cancellationToken).ConfigureAwait(false);
                        result.Created++;
                    }
                    result.BackupVaults++;

                    // Restore secrets are created in the primary region and replicated to the DR region (below).
                    if (region != estate.PrimaryRegion) continue;
                    var secrets = _context.SecretsManager(region);
                    foreach (var app in estate.Applications)
                    {
                        progress($"Secret {app.RestoreSecretName} in {region}");
                        if (await secrets.DescribeSecretAsync(app.RestoreSecretName, cancellationToken).ConfigureAwait(false) == null)
                        {
                            var value = "{\"username\":\"restore_" + app.Slug.Replace("-", "_") + "\",\"password\":\"sandbox-" + Guid.NewGuid().ToString("N") + "\"}";
                            await secrets.CreateSecretAsync(app.RestoreSecretName, value, keyArn, $"Restore credentials for {app.Name} (sandbox)",
                                new Dictionary<string, string> { [FinTags.Application] = app.Name }, cancellationToken).ConfigureAwait(false);
                            result.Created++;
                        }
                        result.Secrets++;
                    }
                }

                await ReplicateSecretsAsync(estate, result, progress, cancellationToken).ConfigureAwait(false);

                var primary = estate.PrimaryRegion;
                var primaryKey = result.KmsKeyArns[primary];
                var imageId = await SandboxImageAsync(primary, cancellationToken).ConfigureAwait(false);
                foreach (var app in estate.Applications)
                {
                    progress($"EC2 instance {app.InstanceName} ({app.Name})");
                    await EnsureInstanceAsync(estate, app, imageId, primaryKey, result, cancellationToken).ConfigureAwait(false);
                }

                var rds = _context.Rds(primary);
                foreach (var app in estate.Applications.Where(a => a.DatabaseIdentifier != null))
                {
                    progress($"RDS instance {app.DatabaseIdentifier} ({app.Name})");
                    var db = await rds.GetDBInstanceAsync(app.DatabaseIdentifier, cancellationToken).ConfigureAwait(false);
                    if (db == null)
                    {
                        db = await rds.CreateDBInstanceAsync(new RdsCreateInstanceRequest
                        {
                            Identifier = app.DatabaseIdentifier,
                            Engine = "postgres",
                            EngineVersion = "16.3",
                            InstanceClass = "db.m5.large",
                            AllocatedStorageGiB = estate.DatabaseAllocatedGiB,
                            MasterUserPassword = "Sandbox-" + Guid.NewGuid().ToString("N").Substring(0, 16),
                            StorageEncrypted = true,
                            KmsKeyId = primaryKey,
                            Tags = new Dictionary<string, string> { [FinTags.Application] = app.Name, ["Name"] = app.DatabaseIdentifier },
                        }, cancellationToken).ConfigureAwait(false);
                        result.Created++;
                    }
                    result.RdsInstances++;
                    result.RdsDeclaredGiB += db.AllocatedStorageGiB;
                }

                var stacks = new ApplicationStackSeeder(_context, estate, progress);
                foreach (var app in estate.Applications)
                {
                    await stacks.EnsureAsync(app, imageId, result, cancellationToken).ConfigureAwait(false);
                }
                return result;
            }
            catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex))
            {
                throw AwsSdkErrorTranslator.Translate(ex, "sandbox", "Seed");
            }
        }

        /// <summary>
        /// Each restore secret replicated to the DR region (encrypted there with the DR key). A same-named secret left in the DR
        /// region by an older sandbox is overwritten by the replica (ForceOverwriteReplicaSecret), so one value serves both.
        /// </summary>
        private async Task ReplicateSecretsAsync(SandboxEstate estate, SandboxSeedResult result, Action<string> progress, CancellationToken ct)
        {
            var secrets = _context.SecretsManager(estate.PrimaryRegion);
            foreach (var app in estate.Applications)
            {
                progress($"Secret {app.RestoreSecretName} replicated to {estate.DrRegion}");
                var info = await secrets.DescribeSecretAsync(app.RestoreSecretName, ct).ConfigureAwait(false);
                if (info != null && !info.ReplicationStatus.ContainsKey(estate.DrRegion))
                {
                    await secrets.ReplicateSecretToRegionsAsync(app.RestoreSecretName,
                        new Dictionary<string, string> { [estate.DrRegion] = result.KmsKeyArns[estate.DrRegion] }, ct, forceOverwriteReplica: true).ConfigureAwait(false);
                    result.Created++;
                }
                result.Secrets++;
                result.ReplicatedSecrets++;
            }
        }

        private async Task<string> EnsureKeyAsync(string region, string alias, SandboxSeedResult result, CancellationToken ct)
        {
            var kms = _context.Kms(region);
            try
            {
                var existing = await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = alias }, ct).ConfigureAwait(false);
                return existing.KeyMetadata.Arn;
            }
            catch (NotFoundException)
            {
            }
            var key = await kms.CreateKeyAsync(new CreateKeyRequest
            {
                Description = "FinBackup backup encryption key (sandbox)",
                Tags = new List<KmsTag> { new KmsTag { TagKey = "fin:managed-by", TagValue = ManagedByValue } },
            }, ct).ConfigureAwait(false);
            await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = key.KeyMetadata.KeyId }, ct).ConfigureAwait(false);
            result.Created++;
            return key.KeyMetadata.Arn;
        }

        private async Task EnsureBucketAsync(string region, string bucket, string keyArn, SandboxSeedResult result, CancellationToken ct)
        {
            var s3 = _context.S3(region);
            var buckets = (await s3.ListBucketsAsync(new ListBucketsRequest(), ct).ConfigureAwait(false)).Buckets ?? new List<S3Bucket>();
            if (!buckets.Any(b => b.BucketName == bucket))
            {
                // Always name the region: with an endpoint URL the client has no RegionEndpoint, and the SDK would otherwise
                // put the bucket in its fallback region (AWS_REGION, the profile's region), so an admin whose shell says
                // eu-central-1 got a sandbox whose us-east-1 bucket lived in eu-central-1 (and listed no file backups).
                var put = new PutBucketRequest { BucketName = bucket, BucketRegionName = region };
                await s3.PutBucketAsync(put, ct).ConfigureAwait(false);
                result.Created++;
            }
            await s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
            {
                BucketName = bucket,
                ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
                {
                    ServerSideEncryptionRules = new List<ServerSideEncryptionRule>
                    {
                        new ServerSideEncryptionRule
                        {
                            BucketKeyEnabled = true,
                            ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault
                            {
                                ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AWSKMS,
                                ServerSideEncryptionKeyManagementServiceKeyId = keyArn,
                            },
                        },
                    },
                },
            }, ct).ConfigureAwait(false);
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            }, ct).ConfigureAwait(false);
        }

        private async Task<string> SandboxImageAsync(string region, CancellationToken ct)
        {
            var images = await _context.Ec2(region).DescribeImagesAsync(new DescribeImagesRequest { Owners = new List<string> { "amazon" } }, ct).ConfigureAwait(false);
            return images.Images?.Select(i => i.ImageId).FirstOrDefault() ?? "ami-12c6146b";
        }

        private async Task EnsureInstanceAsync(SandboxEstate estate, SandboxApplication app, string imageId, string keyArn, SandboxSeedResult result, CancellationToken ct)
        {
            var ec2 = _context.Ec2(estate.PrimaryRegion);
            var found = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest
            {
                Filters = new List<Filter>
                {
                    new Filter("tag:" + FinTags.Application, new List<string> { app.Name }),
                    new Filter("instance-state-name", new List<string> { "pending", "running", "stopping", "stopped" }),
                },
            }, ct).ConfigureAwait(false);
            var instance = (found.Reservations ?? new List<Reservation>()).SelectMany(r => r.Instances ?? new List<Instance>()).FirstOrDefault();
            if (instance == null)
            {
                var tags = new List<Ec2Tag> { new Ec2Tag(FinTags.Application, app.Name), new Ec2Tag("Name", app.InstanceName) };
                var run = await ec2.RunInstancesAsync(new RunInstancesRequest
                {
                    ImageId = imageId,
                    InstanceType = InstanceType.M5Large,
                    MinCount = 1,
                    MaxCount = 1,
                    BlockDeviceMappings = new List<BlockDeviceMapping>
                    {
                        Volume("/dev/xvda", estate.RootVolumeGiB, keyArn),
                        Volume("/dev/xvdf", estate.DataVolumeGiBFor(app), keyArn),
                    },
                    TagSpecifications = new List<TagSpecification>
                    {
                        new TagSpecification { ResourceType = ResourceType.Instance, Tags = tags },
                        new TagSpecification { ResourceType = ResourceType.Volume, Tags = tags },
                    },
                }, ct).ConfigureAwait(false);
                instance = run.Reservation.Instances[0];
                result.Created++;
            }
            result.Ec2Instances++;
            var volumes = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest
            {
                Filters = new List<Filter> { new Filter("attachment.instance-id", new List<string> { instance.InstanceId }) },
            }, ct).ConfigureAwait(false);
            foreach (var v in volumes.Volumes ?? new List<Volume>())
            {
                result.EbsVolumes++;
                result.EbsDeclaredGiB += v.Size ?? 0;
            }
        }

        private static BlockDeviceMapping Volume(string device, int sizeGiB, string keyArn) => new BlockDeviceMapping
        {
            DeviceName = device,
            Ebs = new EbsBlockDevice { VolumeSize = sizeGiB, VolumeType = VolumeType.Gp3, Encrypted = true, KmsKeyId = keyArn, DeleteOnTermination = true },
        };
    }
}
