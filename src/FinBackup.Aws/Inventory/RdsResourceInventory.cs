using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FinBackup.Aws.Protocol;
using FinBackup.Aws.Services.Rds;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Resources;

namespace FinBackup.Aws.Inventory
{
    /// <summary>
    /// RDS side of resource discovery. DescribeDBInstances has no tag filter (its filters are engine, ids, cluster,
    /// domain), so every page is read and matched on the TagList it returns; instances whose response carries no
    /// tags are asked with ListTagsForResource.
    /// </summary>
    [Gateway(typeof(IRdsResourceInventory))]
    public sealed class RdsResourceInventory : IRdsResourceInventory
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public RdsResourceInventory(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        public async Task<IReadOnlyList<FinResource>> FindByTagAsync(string tagKey, IReadOnlyCollection<string> tagValues, CancellationToken cancellationToken)
        {
            var rds = _context.Rds(_region);
            var wanted = new HashSet<string>(tagValues, StringComparer.Ordinal);
            var result = new List<FinResource>();
            try
            {
                foreach (var db in await rds.DescribeDBInstancesAsync(null, null, cancellationToken).ConfigureAwait(false))
                {
                    var tags = db.Tags ?? new Dictionary<string, string>();
                    if (tags.Count == 0 && !string.IsNullOrEmpty(db.Arn))
                    {
                        tags = await rds.ListTagsForResourceAsync(db.Arn, cancellationToken).ConfigureAwait(false);
                    }
                    if (!tags.TryGetValue(tagKey, out var app) || !wanted.Contains(app)) continue;
                    tags.TryGetValue("Name", out var name);
                    result.Add(new FinResource
                    {
                        Application = app,
                        ResourceType = FinResourceType.RdsDbInstance,
                        ResourceId = db.Identifier,
                        Arn = db.Arn,
                        Region = _region,
                        Name = name ?? db.Identifier,
                        SizeGiB = db.AllocatedStorageGiB,
                        Encrypted = db.StorageEncrypted,
                        Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal),
                        RestoreMetadata = Restore.RestoreMetadataCapture.FromDbInstance(db),
                    });
                }
            }
            catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex))
            {
                throw AwsSdkErrorTranslator.Translate(ex, "rds", "DescribeDBInstances");
            }
            return result;
        }
    }
}
