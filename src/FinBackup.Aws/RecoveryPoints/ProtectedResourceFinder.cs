using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amazon.EC2.Model;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Resources;
using static FinBackup.Aws.RecoveryPoints.RecoveryPointAwsErrors;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>
    /// The instances and DB instances of the policy's applications in one region: one tag-filtered, paged
    /// DescribeInstances and one paged DescribeDBInstances (its TagList is in the response), whatever the number of applications. A DB
    /// instance's restore metadata comes from the same response.
    /// </summary>
    [Gateway(typeof(IProtectedResourceFinder))]
    public sealed class ProtectedResourceFinder : IProtectedResourceFinder
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public ProtectedResourceFinder(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        public IReadOnlyList<FinResource> Find(string tagKey, IReadOnlyCollection<string> applications, CancellationToken cancellationToken)
        {
            var result = new List<FinResource>();
            var apps = new HashSet<string>(applications, StringComparer.OrdinalIgnoreCase);
            var request = new DescribeInstancesRequest
            {
                Filters = new List<Filter>
                {
                    new Filter("tag:" + tagKey, applications.ToList()),
                    new Filter("instance-state-name", new List<string> { "pending", "running", "stopping", "stopped" }),
                },
                MaxResults = 1000,
            };
            string token = null;
            do
            {
                request.NextToken = token;
                var r = Call(() => _context.Ec2(_region).DescribeInstancesAsync(request, cancellationToken), $"DescribeInstances in {_region}");
                foreach (var i in (r.Reservations ?? new List<Reservation>()).SelectMany(x => x.Instances ?? new List<Instance>()))
                {
                    var tags = Ec2RecoveryPointTags.ToDictionary(i.Tags);
                    tags.TryGetValue(tagKey, out var app);
                    tags.TryGetValue("Name", out var name);
                    result.Add(new FinResource
                    {
                        Application = app, ResourceType = FinResourceType.Ec2Instance, ResourceId = i.InstanceId, Region = _region, Name = name,
                        VolumeIds = (i.BlockDeviceMappings ?? new List<InstanceBlockDeviceMapping>()).Where(m => m.Ebs != null).Select(m => m.Ebs.VolumeId).ToList(),
                        Tags = tags,
                    });
                }
                token = r.NextToken;
            } while (!string.IsNullOrEmpty(token));

            var dbs = _context.Rds(_region).DescribeDBInstancesAsync(null, null, cancellationToken).GetAwaiter().GetResult();
            foreach (var db in dbs)
            {
                if (db.Tags == null || !db.Tags.TryGetValue(tagKey, out var app) || !apps.Contains(app)) continue;
                result.Add(new FinResource
                {
                    Application = app, ResourceType = FinResourceType.RdsDbInstance, ResourceId = db.Identifier, Arn = db.Arn, Region = _region,
                    Name = db.Identifier, SizeGiB = db.AllocatedStorageGiB, Encrypted = db.StorageEncrypted, Tags = db.Tags,
                    // From this same describe: the snapshot taker then needs no DescribeDBInstances per DB for it.
                    RestoreMetadata = Restore.RestoreMetadataCapture.FromDbInstance(db),
                });
            }
            return result;
        }
    }
}
