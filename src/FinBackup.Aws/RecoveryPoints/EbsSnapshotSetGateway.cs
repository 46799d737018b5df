using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Amazon.EC2;
using Amazon.EC2.Model;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using static FinBackup.Aws.RecoveryPoints.RecoveryPointAwsErrors;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>
    /// EBS snapshot sets: all of an instance's volumes snapshotted crash-consistently by one CreateSnapshots call. Each
    /// member snapshot carries the set's fin:set-id and the fin:* tags; a set is listed by tag filters (DescribeSnapshots,
    /// paged) and grouped by fin:set-id into one recovery point.
    /// </summary>
    public sealed class EbsSnapshotSetGateway : Ec2RecoveryPointGateway, IPendingSnapshotSource, IRecoveryPointTagger, ICopyLeftoverCheck, IImageSnapshotListing
    {
        /// <summary>EBS allows at most this many pending snapshots per volume.</summary>
        public const int PendingSnapshotsPerVolume = PendingSnapshotLimit.PerVolume;

        public EbsSnapshotSetGateway(AwsClientContext context, string region) : base(context, region) { }

        public override RecoveryPointKind Kind => RecoveryPointKind.EbsSnapshotSet;

        public override FinRecoveryPoint Create(CreateRecoveryPointRequest request, CancellationToken cancellationToken)
        {
            var volumes = VolumesToSnapshot(request, cancellationToken);
            var setId = "snapset-" + Guid.NewGuid().ToString("N").Substring(0, 17);
            var tags = new Dictionary<string, string>(request.Tags) { [Ec2RecoveryPointTags.SetId] = setId };
            if (volumes.Count > 0) tags[Ec2RecoveryPointTags.SetSize] = volumes.Count.ToString(CultureInfo.InvariantCulture);
            // Tagged at creation; sent without SDK retries: after a lost reply the set is looked for by its fin:set-id before
            // CreateSnapshots goes again (a blind retry made a second set under the same id: 4 members instead of 2).
            var response = LookBeforeResend.Send(() => _context.Ec2Once(_region).CreateSnapshotsAsync(new CreateSnapshotsRequest
            {
                InstanceSpecification = new InstanceSpecification { InstanceId = request.ResourceId, ExcludeBootVolume = false },
                Description = $"FinBackup snapshot set {setId} of {request.ResourceId}",
                CopyTagsFromSource = CopyTagsFromSource.Volume,
                TagSpecifications = new List<TagSpecification>
                {
                    new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = Ec2RecoveryPointTags.ToTags(tags) },
                },
            }, cancellationToken), () => FindSet(setId, cancellationToken), $"CreateSnapshots of {request.ResourceId} in {_region}", _context.RetryOptions, cancellationToken);
            // Restore metadata: the volume each member was taken of (its device is already recorded per volume).
            if (request.RestoreMetadata != null)
                foreach (var i in response.Snapshots ?? new List<SnapshotInfo>())
                    if (i.SnapshotId != null && i.VolumeId != null) request.RestoreMetadata[Domain.Restore.RestoreMetadataKeys.SnapshotVolumePrefix + i.SnapshotId] = i.VolumeId;
            // The response describes every member (state, size, encryption, start time): no second call.
            var created = (response.Snapshots ?? new List<SnapshotInfo>()).Select(i => new Snapshot
            {
                SnapshotId = i.SnapshotId, VolumeId = i.VolumeId, VolumeSize = i.VolumeSize, StartTime = i.StartTime, State = i.State,
                Progress = i.Progress, Encrypted = i.Encrypted, Tags = Ec2RecoveryPointTags.ToTags(tags),
            }).ToList();
            return Group(created).FirstOrDefault() ?? RecoveryPointTagCodec.Decode(tags, new FinRecoveryPoint
            {
                RecoveryPointId = setId, Kind = Kind, Region = _region, CreatedAt = DateTime.UtcNow, State = RecoveryPointState.Pending,
            });
        }

        /// <summary>The members a CreateSnapshots for <paramref name="setId"/> made, as its response would list them (null: none).</summary>
        private CreateSnapshotsResponse FindSet(string setId, CancellationToken ct)
        {
            var found = DescribeAll(new DescribeSnapshotsRequest
            {
                OwnerIds = new List<string> { "self" },
                Filters = new List<Filter> { new Filter("tag:" + Ec2RecoveryPointTags.SetId, new List<string> { setId }) },
            }, ct);
            if (found.Count == 0) return null;
            return new CreateSnapshotsResponse
            {
                Snapshots = found.Select(x => new SnapshotInfo
                {
                    SnapshotId = x.SnapshotId, VolumeId = x.VolumeId, VolumeSize = x.VolumeSize, StartTime = x.StartTime, State = x.State,
                    Progress = x.Progress, Encrypted = x.Encrypted,
                }).ToList(),
            };
        }

        public override IReadOnlyList<FinRecoveryPoint> List(RecoveryPointQuery query, CancellationToken cancellationToken)
        {
            var request = new DescribeSnapshotsRequest { OwnerIds = new List<string> { "self" } };
            var ids = query.RecoveryPointIds;
            if (ids.Count > 0 && ids.All(i => i.StartsWith("snap-", StringComparison.Ordinal)))
            {
                request.Filters = Ec2RecoveryPointTags.Filters(query, Kind, "snapshot-id");
            }
            else
            {
                request.Filters = Ec2RecoveryPointTags.Filters(query, Kind, "tag:" + Ec2RecoveryPointTags.SetId);
            }
            // EC2 has no server-side time filter: CreatedAfter/CreatedBefore are applied locally (Matches).
            return Group(DescribeAll(request, cancellationToken)).Where(query.Matches).ToList();
        }

        /// <summary>
        /// The sets and the image snapshots in one paged DescribeSnapshots: the query's tag filters with fin:kind matching
        /// both kinds (EC2 ORs the values of one filter), split by that tag. Without the sets, fin:kind=Ami alone.
        /// </summary>
        public SnapshotListing ListWithImageSnapshots(RecoveryPointQuery query, bool includeSets, CancellationToken cancellationToken)
        {
            query = query ?? new RecoveryPointQuery();
            var filters = Ec2RecoveryPointTags.Filters(new RecoveryPointQuery
            {
                Applications = query.Applications, ResourceIds = query.ResourceIds, PolicyName = query.PolicyName, Window = query.Window,
            }, Kind, null);
            var kindFilter = filters.First(f => f.Name == "tag:" + FinTags.Kind);
            kindFilter.Values = includeSets ? new List<string> { Kind.ToString(), RecoveryPointKind.Ami.ToString() } : new List<string> { RecoveryPointKind.Ami.ToString() };
            var all = DescribeAll(new DescribeSnapshotsRequest { OwnerIds = new List<string> { "self" }, Filters = filters }, cancellationToken);
            var images = all.Where(x => Tag(x.Tags, FinTags.Kind) == RecoveryPointKind.Ami.ToString()).ToList();
            return new SnapshotListing
            {
                Sets = includeSets ? Group(all.Where(x => Tag(x.Tags, FinTags.Kind) == Kind.ToString())).Where(query.Matches).ToList() : null,
                ImageSnapshots = images.Select(x =>
                {
                    var p = RecoveryPointTagCodec.Decode(Ec2RecoveryPointTags.ToDictionary(x.Tags), new FinRecoveryPoint { RecoveryPointId = x.SnapshotId, Region = _region });
                    return new ImageSnapshot
                    {
                        SnapshotId = x.SnapshotId, Region = _region, Application = p.Application, PolicyName = p.PolicyName, ResourceId = p.ResourceId,
                        Window = p.Window, ExpiresAt = p.ExpiresAt, LegalHold = p.LegalHold, StartedAt = (x.StartTime ?? DateTime.UtcNow).ToUniversalTime(),
                    };
                }).ToList(),
            };
        }

        public bool DeleteImageSnapshot(string snapshotId, CancellationToken cancellationToken)
        {
            try
            {
                Call(() => Ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = snapshotId }, cancellationToken), $"DeleteSnapshot {snapshotId} in {_region}");
                return true;
            }
            catch (FinBackupException ex) when (ex.ErrorId == FinErrorIds.AwsNotFound)
            {
                return true;
            }
            catch (FinBackupException ex) when (AwsCode(ex) == "InvalidSnapshot.InUse")
            {
                return false;
            }
        }

        public override FinRecoveryPoint Copy(FinRecoveryPoint source, CopyRecoveryPointRequest request, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(request.KmsKeyId) && !request.AdoptOnly)
                throw new FinBackupException("FinCopyUnencryptedRefused", FinErrorKind.SecurityError,
                    $"No KMS key for {_region}: FinBackup does not make unencrypted copies.", "Pass -KmsKeyId or a policy with a key for the destination region.");
            if (source.SnapshotIds == null || source.SnapshotIds.Count == 0)
                throw new FinBackupException("FinCopySourceEmpty", FinErrorKind.InvalidData, $"Snapshot set {source.RecoveryPointId} has no member snapshots.");

            // Members already copied by an earlier run, found by the description FinBackup gives every copy (so copies whose
            // tagging never happened are found too): tagged ones are reused with their set id, untagged ones are adopted by
            // tagging them (fin:adopted-at records it). Nothing is copied twice.
            // (Unless the caller's batch check, SourcesWithLeftovers, just found none for this source.)
            var descriptions = source.SnapshotIds.Distinct(StringComparer.Ordinal).ToDictionary(m => CopyDescription(m, source), m => m, StringComparer.Ordinal);
            var earlier = request.DestinationCheckedForLeftovers && !request.AdoptOnly ? new List<Snapshot>() : DescribeAll(new DescribeSnapshotsRequest
            {
                OwnerIds = new List<string> { "self" },
                Filters = new List<Filter> { new Filter("description", descriptions.Keys.ToList()) },
            }, cancellationToken).Where(s => s.State != SnapshotState.Error && s.Description != null && descriptions.ContainsKey(s.Description)).ToList();
            var byMember = earlier.GroupBy(s => descriptions[s.Description])
                .ToDictionary(g => g.Key, g => g.OrderByDescending(s => Tag(s.Tags, FinTags.ManagedBy) != null).ThenBy(s => s.StartTime ?? DateTime.MaxValue).First(), StringComparer.Ordinal);
            var setId = byMember.Values.Select(s => Tag(s.Tags, Ec2RecoveryPointTags.SetId)).FirstOrDefault(t => t != null)
                        ?? "snapset-" + Guid.NewGuid().ToString("N").Substring(0, 17);
            Dictionary<string, string> MemberTags(string member) => new Dictionary<string, string>(request.Tags)
            {
                [Ec2RecoveryPointTags.SetId] = setId,
                [Ec2RecoveryPointTags.SourceSnapshotId] = member,
                [Ec2RecoveryPointTags.SetSize] = source.SnapshotIds.Count.ToString(CultureInfo.InvariantCulture),
            };

            var copiedMembers = new List<Snapshot>();
            foreach (var member in source.SnapshotIds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var tags = MemberTags(member);
                if (byMember.TryGetValue(member, out var already))
                {
                    if (Tag(already.Tags, FinTags.ManagedBy) == null || Tag(already.Tags, Ec2RecoveryPointTags.SetId) != setId)
                    {
                        tags[FinTags.AdoptedAt] = RecoveryPointTagCodec.FormatTimestamp(DateTime.UtcNow);
                        Call(() => Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = new List<string> { already.SnapshotId }, Tags = Ec2RecoveryPointTags.ToTags(tags) }, cancellationToken),
                            $"CreateTags on {already.SnapshotId} (adopting an untagged copy of {member}) in {_region}");
                        already.Tags = Ec2RecoveryPointTags.ToTags(tags);
                    }
                    copiedMembers.Add(already);
                    continue;
                }
                // Adopting only: a member no earlier run copied stays uncopied (the set adopted is partial, and shown so).
                if (request.AdoptOnly) continue;
                var description = CopyDescription(member, source);
                var r = LookBeforeResend.Send(() => _context.Ec2Once(_region).CopySnapshotAsync(new CopySnapshotRequest
                {
                    SourceRegion = source.Region,
                    SourceSnapshotId = member,
                    Encrypted = true,
                    KmsKeyId = request.KmsKeyId,
                    Description = description,
                    TagSpecifications = new List<TagSpecification>
                    {
                        new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = Ec2RecoveryPointTags.ToTags(tags) },
                    },
                }, cancellationToken), () => FindCopy(description, tags, cancellationToken), $"CopySnapshot {member} from {source.Region} to {_region}", _context.RetryOptions, cancellationToken);
                copiedMembers.Add(new Snapshot
                {
                    SnapshotId = r.SnapshotId, State = SnapshotState.Pending, StartTime = DateTime.UtcNow, Encrypted = true, KmsKeyId = request.KmsKeyId,
                    VolumeSize = 0, Tags = Ec2RecoveryPointTags.ToTags(tags),
                });
            }
            if (copiedMembers.Count == 0) return null;
            // The copies are pending: the point is built from what was sent (no describe call); sizes come with the next listing.
            var point = Group(copiedMembers).First();
            point.SizeGiB = source.SizeGiB;
            return point;
        }

        /// <summary>
        /// The sources of which this region has a member copy with FinBackup's copy description (not in error), what
        /// <see cref="Copy"/> would otherwise look for one source at a time: one DescribeSnapshots for the batch
        /// (description filter, up to <see cref="AmiGateway.FilterValuesPerCall"/> descriptions a call).
        /// </summary>
        public ISet<string> SourcesWithLeftovers(IReadOnlyCollection<FinRecoveryPoint> sources, CancellationToken cancellationToken)
        {
            var byDescription = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var s in sources ?? new List<FinRecoveryPoint>())
            {
                if (s == null || string.IsNullOrEmpty(s.RecoveryPointId)) continue;
                foreach (var m in (s.SnapshotIds ?? new List<string>()).Distinct(StringComparer.Ordinal))
                {
                    var d = CopyDescription(m, s);
                    if (!byDescription.TryGetValue(d, out var ids)) byDescription[d] = ids = new List<string>();
                    ids.Add(s.RecoveryPointId);
                }
            }
            var found = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in AmiGateway.Chunks(byDescription.Keys.ToList(), AmiGateway.FilterValuesPerCall))
            {
                var snapshots = DescribeAll(new DescribeSnapshotsRequest
                {
                    OwnerIds = new List<string> { "self" },
                    Filters = new List<Filter> { new Filter("description", chunk) },
                }, cancellationToken);
                foreach (var x in snapshots.Where(x => x.State != SnapshotState.Error && x.Description != null))
                    if (byDescription.TryGetValue(x.Description, out var ids)) found.UnionWith(ids);
            }
            return found;
        }

        private static string CopyDescription(string member, FinRecoveryPoint source) =>
            $"FinBackup copy of {member} ({source.RecoveryPointId}) from {source.Region}";

        /// <summary>The copy a lost CopySnapshot reply made (tagged here if the tags did not stick), or null.</summary>
        private CopySnapshotResponse FindCopy(string description, Dictionary<string, string> tags, CancellationToken ct)
        {
            var found = DescribeAll(new DescribeSnapshotsRequest
            {
                OwnerIds = new List<string> { "self" },
                Filters = new List<Filter> { new Filter("description", new List<string> { description }) },
            }, ct).Where(x => x.State != SnapshotState.Error).OrderBy(x => x.StartTime ?? DateTime.MaxValue).FirstOrDefault();
            if (found == null) return null;
            if (Tag(found.Tags, FinTags.ManagedBy) == null)
                Call(() => Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = new List<string> { found.SnapshotId }, Tags = Ec2RecoveryPointTags.ToTags(tags) }, ct),
                    $"CreateTags on {found.SnapshotId} in {_region}");
            return new CopySnapshotResponse { SnapshotId = found.SnapshotId };
        }

        public void SetTags(FinRecoveryPoint point, IDictionary<string, string> tags, CancellationToken cancellationToken)
        {
            var ids = (point.SnapshotIds ?? new List<string>()).ToList();
            if (ids.Count == 0) ids.Add(point.RecoveryPointId);
            Call(() => Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = ids, Tags = Ec2RecoveryPointTags.ToTags(tags) }, cancellationToken),
                $"CreateTags on set {point.RecoveryPointId} in {_region} (ec2:CreateTags)");
        }

        public override void Delete(FinRecoveryPoint point, CancellationToken cancellationToken)
        {
            RefuseUnmanaged(point);
            // A set taken before fin:set-size existed is marked with its size first, so that if this delete stops half-way
            // the members left show as a Partial set (never restorable) and the next expiry finishes the job.
            var ids = (point.SnapshotIds ?? new List<string>()).ToList();
            if (ids.Count > 1 && !point.Tags.ContainsKey(Ec2RecoveryPointTags.SetSize))
            {
                Call(() => Ec2.CreateTagsAsync(new CreateTagsRequest
                {
                    Resources = ids,
                    Tags = new List<Tag> { new Tag(Ec2RecoveryPointTags.SetSize, ids.Count.ToString(CultureInfo.InvariantCulture)) },
                }, cancellationToken), $"CreateTags {Ec2RecoveryPointTags.SetSize} on set {point.RecoveryPointId} in {_region}");
            }
            var failures = new List<string>();
            foreach (var id in point.SnapshotIds ?? new List<string>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    Call(() => Ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = id }, cancellationToken), $"DeleteSnapshot {id} in {_region}");
                }
                catch (FinBackupException ex) when (ex.ErrorId == FinErrorIds.AwsNotFound)
                {
                    // Already gone (a previous run deleted it): nothing to do.
                }
                catch (FinBackupException ex)
                {
                    failures.Add(id + ": " + ex.Message);
                }
            }
            if (failures.Count > 0)
                throw new FinBackupException("FinDeleteFailed", FinErrorKind.WriteError,
                    $"Snapshot set {point.RecoveryPointId} in {_region} was not fully deleted: {string.Join("; ", failures)}",
                    "The remaining snapshots keep their tags; run Remove-FinExpiredBackup again.");
        }

        /// <summary>The EBS volumes attached to an instance (FinResourceNotFound when it does not exist).</summary>
        /// <param name="metadata">When given and empty, filled with the instance's restore metadata from the same call.</param>
        internal static List<string> InstanceVolumes(IAmazonEC2 ec2, string instanceId, string region, CancellationToken ct, IDictionary<string, string> metadata = null)
        {
            DescribeInstancesResponse r;
            try
            {
                r = Call(() => ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = new List<string> { instanceId } }, ct),
                    $"DescribeInstances {instanceId} in {region}");
            }
            catch (FinBackupException ex) when (ex.ErrorId == FinErrorIds.AwsNotFound || (AwsCode(ex) ?? string.Empty).StartsWith("InvalidInstanceID", StringComparison.Ordinal))
            {
                throw new FinBackupException("FinResourceNotFound", FinErrorKind.ObjectNotFound, $"EC2 instance '{instanceId}' was not found in {region}.",
                    "Check the instance id and -Region; Get-FinResource lists the instances the policy protects.", ex);
            }
            var instance = (r.Reservations ?? new List<Reservation>()).SelectMany(x => x.Instances ?? new List<Instance>()).FirstOrDefault();
            if (instance == null)
                throw new FinBackupException("FinResourceNotFound", FinErrorKind.ObjectNotFound, $"EC2 instance '{instanceId}' was not found in {region}.",
                    "Check the instance id and -Region; Get-FinResource lists the instances the policy protects.");
            if (metadata != null && metadata.Count == 0)
                foreach (var kv in Restore.RestoreMetadataCapture.FromInstance(instance)) metadata[kv.Key] = kv.Value;
            return (instance.BlockDeviceMappings ?? new List<InstanceBlockDeviceMapping>()).Where(m => m.Ebs != null).Select(m => m.Ebs.VolumeId).ToList();
        }

        /// <summary>Refuses before AWS does: EBS allows 5 pending snapshots per volume (FinSnapshotPendingLimit).</summary>
        internal static void CheckPendingLimit(IAmazonEC2 ec2, List<string> volumes, string resourceId, CancellationToken ct)
        {
            if (volumes.Count == 0) return;
            var pending = DescribeAllStatic(ec2, new DescribeSnapshotsRequest
            {
                OwnerIds = new List<string> { "self" },
                Filters = new List<Filter>
                {
                    new Filter("volume-id", volumes),
                    new Filter("status", new List<string> { "pending" }),
                },
            }, ct);
            PendingSnapshotLimit.Check(resourceId, pending.Select(s => s.VolumeId));
        }

        private List<Snapshot> DescribeAll(DescribeSnapshotsRequest request, CancellationToken ct) => DescribeAllStatic(Ec2, request, ct);

        /// <summary>One call for the whole region: the volume id of every pending snapshot of these volumes.</summary>
        public IList<string> PendingSnapshotVolumeIds(IEnumerable<string> volumeIds, CancellationToken cancellationToken)
        {
            var volumes = volumeIds.Distinct(StringComparer.Ordinal).ToList();
            if (volumes.Count == 0) return new List<string>();
            return DescribeAll(new DescribeSnapshotsRequest
            {
                OwnerIds = new List<string> { "self" },
                Filters = new List<Filter> { new Filter("volume-id", volumes), new Filter("status", new List<string> { "pending" }) },
            }, cancellationToken).Select(s => s.VolumeId).ToList();
        }

        internal static List<Snapshot> DescribeAllStatic(IAmazonEC2 ec2, DescribeSnapshotsRequest request, CancellationToken ct)
        {
            var all = new List<Snapshot>();
            if (request.SnapshotIds == null || request.SnapshotIds.Count == 0) request.MaxResults = 1000;
            string token = null;
            do
            {
                ct.ThrowIfCancellationRequested();
                request.NextToken = token;
                var r = Call(() => ec2.DescribeSnapshotsAsync(request, ct), "DescribeSnapshots");
                all.AddRange(r.Snapshots ?? new List<Snapshot>());
                token = r.NextToken;
            } while (!string.IsNullOrEmpty(token));
            return all;
        }

        /// <summary>Groups member snapshots into sets by fin:set-id (a snapshot without one is a set of itself).</summary>
        private List<FinRecoveryPoint> Group(IEnumerable<Snapshot> snapshots)
        {
            return snapshots.GroupBy(s => Tag(s.Tags, Ec2RecoveryPointTags.SetId) ?? s.SnapshotId)
                .Select(g =>
                {
                    var members = g.OrderBy(s => s.SnapshotId, StringComparer.Ordinal).ToList();
                    var first = members[0];
                    var tags = Ec2RecoveryPointTags.ToDictionary(first.Tags);
                    tags.Remove(Ec2RecoveryPointTags.SourceSnapshotId);
                    var states = members.Select(s => s.State?.Value).ToList();
                    var expected = int.TryParse(Tag(first.Tags, Ec2RecoveryPointTags.SetSize), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
                    var partial = expected.HasValue && members.Count < expected.Value;
                    var p = RecoveryPointTagCodec.Decode(tags, new FinRecoveryPoint
                    {
                        RecoveryPointId = g.Key,
                        Kind = Kind,
                        Region = _region,
                        CreatedAt = members.Min(s => (s.StartTime ?? DateTime.UtcNow).ToUniversalTime()),
                        State = states.Any(s => s == "error") ? RecoveryPointState.Failed
                              : partial ? RecoveryPointState.Partial
                              : states.Any(s => s == "pending") ? RecoveryPointState.Pending
                              : states.All(s => s == "completed") ? RecoveryPointState.Available : RecoveryPointState.Unknown,
                        Progress = (int)members.Average(s => ParseProgress(s.Progress)),
                        Encrypted = members.All(s => s.Encrypted == true),
                        KmsKeyId = members.Select(s => s.KmsKeyId).FirstOrDefault(k => !string.IsNullOrEmpty(k)),
                        SizeGiB = members.Sum(s => (double)(s.VolumeSize ?? 0)),
                        SnapshotIds = members.Select(s => s.SnapshotId).ToList(),
                    });
                    if (string.IsNullOrEmpty(p.ResourceId)) p.ResourceId = first.VolumeId;
                    return p;
                })
                .OrderBy(p => p.CreatedAt).ToList();
        }

        private static int ParseProgress(string progress)
        {
            if (string.IsNullOrEmpty(progress)) return 0;
            return int.TryParse(progress.TrimEnd('%'), out var n) ? n : 0;
        }

        internal static string Tag(IEnumerable<Tag> tags, string key) => tags?.FirstOrDefault(t => t.Key == key)?.Value;
    }
}
