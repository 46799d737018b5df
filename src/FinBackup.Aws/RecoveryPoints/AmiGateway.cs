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
    /// AMIs: CreateImage (no reboot unless asked) with the fin:* tags on the image and its snapshots; listed with
    /// DescribeImages tag filters (paged); copied with CopyImage in the destination region, encrypted with the destination
    /// key; removed by deregistering the image and then deleting its snapshots.
    /// </summary>
    public sealed class AmiGateway : Ec2RecoveryPointGateway, IRecoveryPointTagger, ICopyLeftoverCheck, ICreationFinisher, ICopyFinisher
    {
        public AmiGateway(AwsClientContext context, string region) : base(context, region) { }

        public override RecoveryPointKind Kind => RecoveryPointKind.Ami;

        public override FinRecoveryPoint Create(CreateRecoveryPointRequest request, CancellationToken cancellationToken)
        {
            var volumes = VolumesToSnapshot(request, cancellationToken);
            var tags = Ec2RecoveryPointTags.ToTags(request.Tags);
            var createRequest = new CreateImageRequest
            {
                InstanceId = request.ResourceId,
                Name = request.Name,
                Description = $"FinBackup image of {request.ResourceId}",
                NoReboot = !request.Reboot,
                TagSpecifications = new List<TagSpecification>
                {
                    new TagSpecification { ResourceType = ResourceType.Image, Tags = tags },
                },
            };
            CreateImageResponse r;
            try
            {
                // CreateImage has no client token: sent without SDK retries, and after a lost reply the image is looked for
                // by its name (unique per window and policy) before it is sent again.
                r = LookBeforeResend.Send(() => _context.Ec2Once(_region).CreateImageAsync(createRequest, cancellationToken),
                    () => FindByName(request.Name, request.Tags, cancellationToken) is Image i ? new CreateImageResponse { ImageId = i.ImageId } : null,
                    $"CreateImage of {request.ResourceId} in {_region}", _context.RetryOptions, cancellationToken);
            }
            catch (FinBackupException ex) when (AwsCode(ex) == "InvalidAMIName.Duplicate")
            {
                // The name is taken: ours from an earlier run whose reply was lost (adopted), or someone else's (refused).
                var i = FindByName(request.Name, request.Tags, cancellationToken);
                if (i == null)
                    throw new FinBackupException("FinAmiNameTaken", FinErrorKind.ResourceExists,
                        $"An image named '{request.Name}' already exists in {_region} and was not made by FinBackup for this policy.",
                        "Rename or deregister that image; FinBackup names its images fin-<instance>-<policy hash>-<window>.", ex);
                r = new CreateImageResponse { ImageId = i.ImageId };
            }
            // The backing snapshots are tagged with CreateTags rather than a snapshot TagSpecification on CreateImage, which
            // not every endpoint implements. Untagged they would only be invisible to FinBackup, never deleted by it. When the
            // caller finishes its new images in one batch (the cycle), the describe and the tagging are left to Finish.
            if (request.CallerFinishes)
                return RecoveryPointTagCodec.Decode(request.Tags, new FinRecoveryPoint
                {
                    RecoveryPointId = r.ImageId, Kind = Kind, Region = _region, CreatedAt = DateTime.UtcNow, State = RecoveryPointState.Pending,
                });
            var image = Describe(r.ImageId, cancellationToken);
            TagSnapshots(image, tags, cancellationToken);
            return image;
        }

        private void TagSnapshots(FinRecoveryPoint image, List<Tag> tags, CancellationToken cancellationToken)
        {
            if (image.SnapshotIds.Count == 0) return;
            Call(() => Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = image.SnapshotIds.ToList(), Tags = tags }, cancellationToken),
                $"CreateTags on the snapshots of {image.RecoveryPointId}");
        }

        /// <summary>
        /// The images created with <see cref="CreateRecoveryPointRequest.CallerFinishes"/>: described in one DescribeImages
        /// (state, snapshots, size, encryption), then each image's snapshots tagged with the image's tags, as Create does for
        /// a single image. If the batch describe fails, each image is finished alone.
        /// </summary>
        public void Finish(IReadOnlyList<FinRecoveryPoint> created, CancellationToken cancellationToken)
        {
            var points = (created ?? new List<FinRecoveryPoint>()).Where(p => p != null && !string.IsNullOrEmpty(p.RecoveryPointId)).ToList();
            if (points.Count == 0) return;
            var described = new Dictionary<string, FinRecoveryPoint>(StringComparer.Ordinal);
            try
            {
                foreach (var chunk in Chunks(points.Select(p => p.RecoveryPointId).Distinct(StringComparer.Ordinal).ToList(), FilterValuesPerCall))
                    foreach (var i in DescribeAll(new DescribeImagesRequest { ImageIds = chunk, Owners = new List<string> { "self" } }, cancellationToken))
                        described[i.ImageId] = ToPoint(i);
            }
            catch (FinBackupException)
            {
                foreach (var p in points) described[p.RecoveryPointId] = Describe(p.RecoveryPointId, cancellationToken);
            }
            var failures = new List<string>();
            foreach (var p in points)
            {
                if (!described.TryGetValue(p.RecoveryPointId, out var d)) continue;
                TakeDescribed(p, d);
                try
                {
                    TagSnapshots(p, Ec2RecoveryPointTags.ToTags(p.Tags), cancellationToken);
                }
                catch (FinBackupException ex)
                {
                    failures.Add(p.RecoveryPointId + ": " + ex.Message);
                }
            }
            if (failures.Count > 0)
                throw new FinBackupException(FinErrorIds.AmiSnapshotsUntagged, FinErrorKind.WriteError,
                    $"Some new images' snapshots were not tagged in {_region} (the images are fine): {string.Join("; ", failures)}",
                    "Tag them with the image's fin:* tags (aws ec2 create-tags), or leave them: untagged they are only invisible to FinBackup.");
        }

        /// <summary>
        /// The copies started with <see cref="CopyRecoveryPointRequest.CallerFinishes"/>: described in one DescribeImages
        /// (state, snapshots, size, encryption, tags); a copy whose image lacks its lineage tag (the endpoint ignored the
        /// CopyImage TagSpecifications) is tagged with one CreateTags for the image and its snapshots, as Copy does for a
        /// single copy. A copy the describe does not show yet (AWS may list a new image a moment later) is tagged alone.
        /// </summary>
        public void FinishCopies(IReadOnlyList<FinRecoveryPoint> copies, CancellationToken cancellationToken)
        {
            var points = (copies ?? new List<FinRecoveryPoint>()).Where(p => p != null && !string.IsNullOrEmpty(p.RecoveryPointId)).ToList();
            if (points.Count == 0) return;
            var described = new Dictionary<string, Image>(StringComparer.Ordinal);
            foreach (var chunk in Chunks(points.Select(p => p.RecoveryPointId).Distinct(StringComparer.Ordinal).ToList(), FilterValuesPerCall))
                foreach (var i in DescribeAll(new DescribeImagesRequest { ImageIds = chunk, Owners = new List<string> { "self" } }, cancellationToken))
                    described[i.ImageId] = i;
            var failures = new List<string>();
            foreach (var p in points)
            {
                var wanted = Ec2RecoveryPointTags.ToTags(p.Tags);
                var resources = new List<string> { p.RecoveryPointId };
                if (described.TryGetValue(p.RecoveryPointId, out var image))
                {
                    var d = ToPoint(image);
                    TakeDescribed(p, d);
                    var has = Ec2RecoveryPointTags.ToDictionary(image.Tags);
                    // The CopyImage TagSpecifications were honoured (the image and its snapshots carry the tags): done.
                    if (has.TryGetValue(FinTags.SourceId, out var sid) && sid == p.SourceRecoveryPointId && has.ContainsKey(FinTags.ManagedBy)) continue;
                    resources.AddRange(d.SnapshotIds.Where(id => !string.IsNullOrEmpty(id)));
                }
                try
                {
                    Call(() => Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = resources.Distinct(StringComparer.Ordinal).ToList(), Tags = wanted }, cancellationToken),
                        $"CreateTags on {p.RecoveryPointId} and its snapshots in {_region}");
                }
                catch (FinBackupException ex)
                {
                    failures.Add(p.RecoveryPointId + ": " + ex.Message);
                }
            }
            if (failures.Count > 0)
                throw new FinBackupException(FinErrorIds.AmiSnapshotsUntagged, FinErrorKind.WriteError,
                    $"Some new image copies were not tagged in {_region} (the copies are fine, and are adopted by the next copy or cycle): {string.Join("; ", failures)}",
                    "Run the copy again: FinBackup finds its untagged copies by name and description and tags them.");
        }

        /// <summary>What a describe says of a new image (state, creation, snapshots, size, encryption) onto its point.</summary>
        private static void TakeDescribed(FinRecoveryPoint p, FinRecoveryPoint d)
        {
            p.State = d.State;
            p.CreatedAt = d.CreatedAt;
            p.SnapshotIds = d.SnapshotIds;
            p.SizeGiB = d.SizeGiB;
            p.Encrypted = d.Encrypted;
            p.KmsKeyId = d.KmsKeyId ?? p.KmsKeyId;
        }

        public override IReadOnlyList<FinRecoveryPoint> List(RecoveryPointQuery query, CancellationToken cancellationToken)
        {
            var request = new DescribeImagesRequest
            {
                Owners = new List<string> { "self" },
                Filters = Ec2RecoveryPointTags.Filters(query, Kind, "image-id"),
            };
            return DescribeAll(request, cancellationToken).Select(ToPoint).Where(query.Matches).ToList();
        }

        public override FinRecoveryPoint Copy(FinRecoveryPoint source, CopyRecoveryPointRequest request, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(request.KmsKeyId) && !request.AdoptOnly)
                throw new FinBackupException("FinCopyUnencryptedRefused", FinErrorKind.SecurityError,
                    $"No KMS key for {_region}: FinBackup does not make unencrypted copies.", "Pass -KmsKeyId or a policy with a key for the destination region.");
            if (!request.DestinationCheckedForCopies && !request.AdoptOnly)
            {
                var existing = List(new RecoveryPointQuery { SourceRecoveryPointId = source.RecoveryPointId }, cancellationToken)
                    .FirstOrDefault(p => p.State != RecoveryPointState.Failed);
                if (existing != null) return existing;
            }
            // A copy an interrupted run made but never tagged carries FinBackup's copy name and description: adopt it (tag
            // it, with fin:adopted-at as the audit record) instead of copying again. Looked for on every copy: the caller's
            // listing only sees tagged copies.
            var name = CopyName(source);
            var description = CopyDescription(source);
            var tags = new Dictionary<string, string>(request.Tags);
            // Unless the caller's batch check (SourcesWithLeftovers, by FinBackup's copy description, which every endpoint
            // seen keeps) just found none; otherwise by name, then by that description.
            var left = request.DestinationCheckedForLeftovers ? null : FindCopy(name, description, cancellationToken);
            if (left != null && Ec2RecoveryPointTags.ToDictionary(left.Tags).TryGetValue(FinTags.SourceId, out var sid) && sid == source.RecoveryPointId)
                return ToPoint(left);
            string imageId;
            if (left != null && !Ec2RecoveryPointTags.ToDictionary(left.Tags).ContainsKey(FinTags.ManagedBy)
                && string.Equals(left.Description, description, StringComparison.Ordinal))
            {
                tags[FinTags.AdoptedAt] = RecoveryPointTagCodec.FormatTimestamp(DateTime.UtcNow);
                imageId = left.ImageId;
            }
            else if (request.AdoptOnly)
            {
                return null; // nothing an interrupted run left (or it is another source's): no copy is started
            }
            else
            {
                // ClientToken: AWS returns the first copy for a retry with the same token. Endpoints that ignore it (moto) are
                // covered by sending without SDK retries and looking for the copy (by name, else untagged by description)
                // before sending again.
                imageId = LookBeforeResend.Send(() => _context.Ec2Once(_region).CopyImageAsync(new CopyImageRequest
                {
                    SourceImageId = source.RecoveryPointId,
                    SourceRegion = source.Region,
                    Name = name,
                    Description = description,
                    Encrypted = true,
                    KmsKeyId = request.KmsKeyId,
                    ClientToken = ClientToken(source),
                    // The copy and its new snapshots tagged at creation (CopyImage tags both).
                    TagSpecifications = new List<TagSpecification>
                    {
                        new TagSpecification { ResourceType = ResourceType.Image, Tags = Ec2RecoveryPointTags.ToTags(tags) },
                        new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = Ec2RecoveryPointTags.ToTags(tags) },
                    },
                }, cancellationToken), () => FindCopy(name, description, cancellationToken) is Image i ? new CopyImageResponse { ImageId = i.ImageId } : null,
                    $"CopyImage {source.RecoveryPointId} from {source.Region} to {_region}", _context.RetryOptions, cancellationToken).ImageId;
            }
            // The caller finishes its batch of copies with one describe (FinishCopies): the copy as started, pending.
            if (request.CallerFinishes)
                return RecoveryPointTagCodec.Decode(tags, new FinRecoveryPoint
                {
                    RecoveryPointId = imageId, Kind = Kind, Region = _region, CreatedAt = DateTime.UtcNow, State = RecoveryPointState.Pending,
                    Encrypted = true, KmsKeyId = request.KmsKeyId,
                });
            // Tag explicitly as well: not every endpoint honours TagSpecifications on CopyImage, and the lineage tag is
            // what makes the copy idempotent. One CreateTags for the image and its snapshots (the same tags), after the
            // describe that names the snapshots; if that describe fails, the image is tagged alone before the error goes up.
            FinRecoveryPoint copy;
            try
            {
                copy = Describe(imageId, cancellationToken);
            }
            catch (FinBackupException)
            {
                Call(() => Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = new List<string> { imageId }, Tags = Ec2RecoveryPointTags.ToTags(tags) }, cancellationToken),
                    $"CreateTags on {imageId} in {_region}");
                throw;
            }
            var tagged = new List<string> { imageId };
            tagged.AddRange(copy.SnapshotIds.Where(id => !string.IsNullOrEmpty(id) && id != imageId));
            Call(() => Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = tagged.Distinct(StringComparer.Ordinal).ToList(), Tags = Ec2RecoveryPointTags.ToTags(tags) }, cancellationToken),
                $"CreateTags on {imageId} and its snapshots in {_region}");
            // The point as the image is now: described, with the tags just set (the describe may predate them).
            var now = new Dictionary<string, string>(copy.Tags ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            foreach (var kv in Ec2RecoveryPointTags.ToTags(tags)) now[kv.Key] = kv.Value;
            return RecoveryPointTagCodec.Decode(now, copy);
        }

        /// <summary>
        /// The sources of which this region has an image carrying FinBackup's copy description (not deregistered or failed):
        /// the leftovers <see cref="Copy"/> would otherwise look for one source at a time. One DescribeImages for the batch
        /// (description filter, up to <see cref="FilterValuesPerCall"/> values a call). By description, not name: an endpoint
        /// may name a copy its own way (an interrupted run's copy, reply lost), but keeps the description FinBackup set; a
        /// found image is matched by its description or its name.
        /// </summary>
        public ISet<string> SourcesWithLeftovers(IReadOnlyCollection<FinRecoveryPoint> sources, CancellationToken cancellationToken)
        {
            var byDescription = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var byName = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var s in sources ?? new List<FinRecoveryPoint>())
            {
                if (s == null || string.IsNullOrEmpty(s.RecoveryPointId)) continue;
                Add(byDescription, CopyDescription(s), s.RecoveryPointId);
                Add(byName, CopyName(s), s.RecoveryPointId);
            }
            var found = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in Chunks(byDescription.Keys.ToList(), FilterValuesPerCall))
            {
                var images = DescribeAll(new DescribeImagesRequest
                {
                    Owners = new List<string> { "self" },
                    Filters = new List<Filter> { new Filter("description", chunk) },
                }, cancellationToken);
                foreach (var i in images.Where(i => i.State?.Value != "deregistered" && i.State?.Value != "failed"))
                {
                    if (i.Description != null && byDescription.TryGetValue(i.Description, out var ids)) found.UnionWith(ids);
                    if (i.Name != null && byName.TryGetValue(i.Name, out var named)) found.UnionWith(named);
                }
            }
            return found;
        }

        private static void Add(Dictionary<string, List<string>> map, string key, string id)
        {
            if (!map.TryGetValue(key, out var ids)) map[key] = ids = new List<string>();
            ids.Add(id);
        }

        /// <summary>At most this many values in one EC2 filter.</summary>
        internal const int FilterValuesPerCall = 100;

        internal static IEnumerable<List<string>> Chunks(List<string> values, int size)
        {
            for (var i = 0; i < values.Count; i += size) yield return values.GetRange(i, Math.Min(size, values.Count - i));
        }

        public void SetTags(FinRecoveryPoint point, IDictionary<string, string> tags, CancellationToken cancellationToken)
        {
            var ids = new List<string> { point.RecoveryPointId };
            ids.AddRange((point.SnapshotIds ?? new List<string>()).Where(s => !string.IsNullOrEmpty(s)));
            Call(() => Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = ids.Distinct().ToList(), Tags = Ec2RecoveryPointTags.ToTags(tags) }, cancellationToken),
                $"CreateTags on image {point.RecoveryPointId} in {_region} (ec2:CreateTags)");
        }

        public override void Delete(FinRecoveryPoint point, CancellationToken cancellationToken)
        {
            RefuseUnmanaged(point);
            // The backing snapshots come from the listing (an image's block-device mappings never change); only when the
            // point carries none is the image described again.
            var current = point.SnapshotIds != null && point.SnapshotIds.Count > 0 ? point
                : DescribeAll(new DescribeImagesRequest { ImageIds = new List<string> { point.RecoveryPointId }, Owners = new List<string> { "self" } }, cancellationToken)
                    .Select(ToPoint).FirstOrDefault();
            var snapshots = (current?.SnapshotIds ?? new List<string>()).ToList();
            if (current != null)
            {
                try
                {
                    Call(() => Ec2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = point.RecoveryPointId }, cancellationToken),
                        $"DeregisterImage {point.RecoveryPointId} in {_region}");
                }
                catch (FinBackupException ex) when (ex.ErrorId == FinErrorIds.AwsNotFound)
                {
                    // Deregistered by an earlier run that stopped before deleting the snapshots: go on with them.
                }
            }
            var failures = new List<string>();
            foreach (var id in snapshots)
            {
                try
                {
                    Call(() => Ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = id }, cancellationToken), $"DeleteSnapshot {id}");
                }
                catch (FinBackupException ex) when (ex.ErrorId == FinErrorIds.AwsNotFound) { }
                catch (FinBackupException ex) { failures.Add(id + ": " + ex.Message); }
            }
            if (failures.Count > 0)
                throw new FinBackupException("FinDeleteFailed", FinErrorKind.WriteError,
                    $"AMI {point.RecoveryPointId} was deregistered but some of its snapshots were not deleted: {string.Join("; ", failures)}",
                    "Invoke-FinBackupCycle removes them on a later run when they carry the image's fin:* tags (it tags an image's snapshots before it deregisters it); otherwise delete them (aws ec2 delete-snapshot).");
        }

        private FinRecoveryPoint Describe(string imageId, CancellationToken ct) =>
            DescribeAll(new DescribeImagesRequest { ImageIds = new List<string> { imageId }, Owners = new List<string> { "self" } }, ct)
                .Select(ToPoint).FirstOrDefault()
            ?? new FinRecoveryPoint { RecoveryPointId = imageId, Kind = Kind, Region = _region, State = RecoveryPointState.Pending, CreatedAt = DateTime.UtcNow };

        private List<Image> DescribeAll(DescribeImagesRequest request, CancellationToken ct)
        {
            var all = new List<Image>();
            var byId = request.ImageIds != null && request.ImageIds.Count > 0;
            if (!byId) request.MaxResults = 1000;
            string token = null;
            do
            {
                ct.ThrowIfCancellationRequested();
                request.NextToken = token;
                DescribeImagesResponse r;
                try
                {
                    r = Call(() => Ec2.DescribeImagesAsync(request, ct), $"DescribeImages in {_region}");
                }
                catch (FinBackupException ex) when (byId && (ex.ErrorId == FinErrorIds.AwsNotFound || (AwsCode(ex) ?? string.Empty).StartsWith("InvalidAMIID", StringComparison.Ordinal)))
                {
                    return all;
                }
                all.AddRange(r.Images ?? new List<Image>());
                token = r.NextToken;
            } while (!string.IsNullOrEmpty(token));
            return all;
        }

        private FinRecoveryPoint ToPoint(Image image)
        {
            var ebs = (image.BlockDeviceMappings ?? new List<BlockDeviceMapping>()).Where(m => m.Ebs != null).Select(m => m.Ebs).ToList();
            var state = image.State?.Value;
            return RecoveryPointTagCodec.Decode(Ec2RecoveryPointTags.ToDictionary(image.Tags), new FinRecoveryPoint
            {
                RecoveryPointId = image.ImageId,
                Kind = Kind,
                Region = _region,
                CreatedAt = DateTime.TryParse(image.CreationDate, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var c)
                    ? DateTime.SpecifyKind(c, DateTimeKind.Utc) : DateTime.UtcNow,
                State = state == "available" ? RecoveryPointState.Available
                      : state == "pending" ? RecoveryPointState.Pending
                      : state == "failed" || state == "error" || state == "invalid" ? RecoveryPointState.Failed
                      : state == "deregistered" ? RecoveryPointState.Deleting : RecoveryPointState.Unknown,
                Encrypted = ebs.Count > 0 && ebs.All(e => e.Encrypted == true),
                KmsKeyId = ebs.Select(e => e.KmsKeyId).FirstOrDefault(k => !string.IsNullOrEmpty(k)),
                SizeGiB = ebs.Sum(e => (double)(e.VolumeSize ?? 0)),
                SnapshotIds = ebs.Select(e => e.SnapshotId).Where(s => !string.IsNullOrEmpty(s)).ToList(),
            });
        }

        private static string TrimName(string name) => name.Length <= 128 ? name : name.Substring(0, 128);

        private static string CopyName(FinRecoveryPoint source) => TrimName($"{source.RecoveryPointId}-{source.Region}-copy");
        private static string CopyDescription(FinRecoveryPoint source) => $"FinBackup copy of {source.RecoveryPointId} from {source.Region}";

        /// <summary>A stable CopyImage client token per source and destination (at most 64 ASCII characters).</summary>
        private string ClientToken(FinRecoveryPoint source)
        {
            using (var sha = System.Security.Cryptography.SHA256.Create())
            {
                var hash = sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(source.RecoveryPointId + "|" + source.Region + "|" + _region));
                return "fin-" + BitConverter.ToString(hash, 0, 16).Replace("-", string.Empty).ToLowerInvariant();
            }
        }

        /// <summary>
        /// The copy of a source in this region: the image with FinBackup's copy name, else an untagged image whose
        /// description is FinBackup's copy description (an endpoint that names copies its own way, or a renamed one), the
        /// oldest first. Null when there is none.
        /// </summary>
        private Image FindCopy(string name, string description, CancellationToken ct)
        {
            var byName = FindByName(name, null, ct);
            if (byName != null) return byName;
            // DescribeImages has no description filter on every endpoint: this account's images, matched here.
            return DescribeAll(new DescribeImagesRequest { Owners = new List<string> { "self" } }, ct)
                .Where(i => i.State?.Value != "deregistered" && i.State?.Value != "failed"
                    && string.Equals(i.Description, description, StringComparison.Ordinal)
                    && !Ec2RecoveryPointTags.ToDictionary(i.Tags).ContainsKey(FinTags.ManagedBy))
                .OrderBy(i => i.CreationDate, StringComparer.Ordinal).FirstOrDefault();
        }

        /// <summary>
        /// This account's image named <paramref name="name"/> in this region (not deregistered or failed), or null. With
        /// <paramref name="expectedTags"/>: only if it is untagged or carries the same fin:policy (adopting another policy's
        /// image would return it as ours); an untagged one is tagged with them first.
        /// </summary>
        private Image FindByName(string name, IDictionary<string, string> expectedTags, CancellationToken ct)
        {
            var image = DescribeAll(new DescribeImagesRequest
            {
                Owners = new List<string> { "self" },
                Filters = new List<Filter> { new Filter("name", new List<string> { name }) },
            }, ct).Where(i => i.State?.Value != "deregistered" && i.State?.Value != "failed" && i.Name == name).OrderBy(i => i.CreationDate, StringComparer.Ordinal).FirstOrDefault();
            if (image == null || expectedTags == null) return image;
            var tags = Ec2RecoveryPointTags.ToDictionary(image.Tags);
            if (!tags.ContainsKey(FinTags.ManagedBy))
            {
                var adopt = new Dictionary<string, string>(expectedTags) { [FinTags.AdoptedAt] = RecoveryPointTagCodec.FormatTimestamp(DateTime.UtcNow) };
                Call(() => Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = new List<string> { image.ImageId }, Tags = Ec2RecoveryPointTags.ToTags(adopt) }, ct),
                    $"CreateTags on {image.ImageId} (adopting) in {_region}");
                image.Tags = Ec2RecoveryPointTags.ToTags(adopt);
                return image;
            }
            expectedTags.TryGetValue(FinTags.Policy, out var policy);
            tags.TryGetValue(FinTags.Policy, out var theirs);
            return string.Equals(policy ?? string.Empty, theirs ?? string.Empty, StringComparison.OrdinalIgnoreCase) ? image : null;
        }
    }
}
