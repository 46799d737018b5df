using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using FinBackup.Domain.Resources;

namespace FinBackup.Domain.Ports
{
    /// <summary>Finds the resources in one region whose tag <c>tagKey</c> has one of <c>tagValues</c> (the application names).</summary>
    public interface IResourceInventory
    {
        /// <summary>
        /// Every matching resource, with <see cref="FinResource.Application"/> set to the tag value. Paged to the end.
        /// Throws <see cref="FinBackupException"/> (e.g. FinAwsAccessDenied) when the region cannot be searched.
        /// </summary>
        Task<IReadOnlyList<FinResource>> FindByTagAsync(string tagKey, IReadOnlyCollection<string> tagValues, CancellationToken cancellationToken);
    }

    /// <summary>
    /// EC2: instances tagged for an application (with their attached volume ids, total size and whether every volume is
    /// encrypted), the EBS volumes tagged for an application, and the volumes attached to those instances (tagged or not,
    /// reported under the instance's application). Uses EC2's server-side tag filters.
    /// </summary>
    public interface IEc2ResourceInventory : IResourceInventory
    {
    }

    /// <summary>RDS: DB instances tagged for an application.</summary>
    public interface IRdsResourceInventory : IResourceInventory
    {
    }
}
