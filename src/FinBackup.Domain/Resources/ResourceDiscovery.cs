using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.Resources
{
    /// <summary>What a discovery run found, and what it could not do.</summary>
    public sealed class DiscoveryResult
    {
        public IList<FinResource> Resources { get; } = new List<FinResource>();
        /// <summary>Applications with nothing to emit (of the types asked for) in any searched region.</summary>
        public IList<string> Unmatched { get; } = new List<string>();
        /// <summary>Searches that failed (region, what, error); the others still ran.</summary>
        public IList<DiscoveryFailure> Failures { get; } = new List<DiscoveryFailure>();
    }

    public sealed class DiscoveryFailure
    {
        public DiscoveryFailure(string region, string service, FinBackupException error)
        {
            Region = region;
            Service = service;
            Error = error;
        }

        public string Region { get; }
        public string Service { get; }
        public FinBackupException Error { get; }
    }

    /// <summary>
    /// Finds each application's resources by the policy's tag, across regions, and decides what to emit: by default EC2
    /// instances (carrying their volume ids), EBS volumes that are not attached to one of those instances, and RDS DB
    /// instances; asked for <see cref="FinResourceType.EbsVolume"/> explicitly, every volume of the application.
    /// </summary>
    public sealed class ResourceDiscovery
    {
        private readonly Func<string, IEc2ResourceInventory> _ec2;
        private readonly Func<string, IRdsResourceInventory> _rds;

        public ResourceDiscovery(Func<string, IEc2ResourceInventory> ec2, Func<string, IRdsResourceInventory> rds)
        {
            _ec2 = ec2;
            _rds = rds;
        }

        /// <param name="types">Resource types asked for explicitly; null or empty means the default set.</param>
        /// <param name="progress">Called before each region/service search: (index, total, description).</param>
        public DiscoveryResult Discover(BackupPolicy policy, IReadOnlyCollection<ApplicationPolicy> applications, IReadOnlyCollection<string> regions,
            IReadOnlyCollection<FinResourceType> types, CancellationToken cancellationToken, Action<int, int, string> progress = null)
        {
            var result = new DiscoveryResult();
            var names = applications.Select(a => a.Name).Where(n => !string.IsNullOrEmpty(n)).ToList();
            if (names.Count == 0) return result;
            bool explicitTypes = types != null && types.Count > 0;
            bool wantEc2 = !explicitTypes || types.Contains(FinResourceType.Ec2Instance) || types.Contains(FinResourceType.EbsVolume);
            bool wantRds = !explicitTypes || types.Contains(FinResourceType.RdsDbInstance);
            var tagKey = string.IsNullOrEmpty(policy.TagKey) ? FinTags.Application : policy.TagKey;
            var searches = new List<(string Region, string Service, Func<IResourceInventory> Port)>();
            foreach (var region in regions)
            {
                if (wantEc2) searches.Add((region, "EC2", () => _ec2(region)));
                if (wantRds) searches.Add((region, "RDS", () => _rds(region)));
            }
            var found = new List<FinResource>();
            for (int i = 0; i < searches.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var s = searches[i];
                progress?.Invoke(i, searches.Count, $"{s.Service} in {s.Region}");
                try
                {
                    var port = s.Port();
                    found.AddRange(port.FindByTagAsync(tagKey, names, cancellationToken).GetAwaiter().GetResult());
                }
                catch (FinBackupException ex)
                {
                    result.Failures.Add(new DiscoveryFailure(s.Region, s.Service, ex));
                }
            }

            // Volumes attached to an instance we emit travel with it (VolumeIds) unless volumes were asked for explicitly.
            var instanceVolumes = new HashSet<string>(found.Where(r => r.ResourceType == FinResourceType.Ec2Instance).SelectMany(r => r.VolumeIds ?? new List<string>()), StringComparer.Ordinal);
            var emitted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in found)
            {
                bool include = explicitTypes
                    ? types.Contains(r.ResourceType)
                    : r.ResourceType != FinResourceType.EbsVolume || !instanceVolumes.Contains(r.ResourceId);
                if (include && emitted.Add(r.Region + "|" + r.ResourceType + "|" + r.ResourceId)) result.Resources.Add(r);
            }
            foreach (var name in names)
            {
                if (!result.Resources.Any(r => string.Equals(r.Application, name, StringComparison.Ordinal)))
                {
                    result.Unmatched.Add(name);
                }
            }
            return result;
        }
    }
}
