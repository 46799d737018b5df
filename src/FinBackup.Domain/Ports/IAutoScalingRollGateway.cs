using System;
using System.Collections.Generic;
using System.Threading;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// Amazon EC2 Auto Scaling calls of a primary-region roll, in one region: read the group, start and follow an instance
    /// refresh (strategy Refresh), or point the group at a launch template version and replace its instances in batches
    /// (strategy Replace). Get it with <c>Session.Get&lt;IAutoScalingRollGateway&gt;(region)</c>;
    /// <see cref="Restore.AutoScalingRoller"/> sequences it.
    /// </summary>
    public interface IAutoScalingRollGateway
    {
        /// <summary>The group with its instances, or null when there is no such group.</summary>
        RollGroup DescribeGroup(string groupName, CancellationToken cancellationToken);

        /// <summary>StartInstanceRefresh; returns the refresh id.</summary>
        string StartInstanceRefresh(InstanceRefreshSpec spec, CancellationToken cancellationToken);

        /// <summary>DescribeInstanceRefreshes for one refresh id; null when AWS does not know it.</summary>
        InstanceRefreshState DescribeInstanceRefresh(string groupName, string refreshId, CancellationToken cancellationToken);

        /// <summary>UpdateAutoScalingGroup: the launch template version (when given) and MaxSize (when given). Only strategy Replace calls it.</summary>
        void UpdateGroup(string groupName, string launchTemplateId, string launchTemplateVersion, int? maxSize, CancellationToken cancellationToken);

        /// <summary>SetDesiredCapacity (HonorCooldown false).</summary>
        void SetDesiredCapacity(string groupName, int desiredCapacity, CancellationToken cancellationToken);

        /// <summary>TerminateInstanceInAutoScalingGroup.</summary>
        void TerminateInstance(string instanceId, bool shouldDecrementDesiredCapacity, CancellationToken cancellationToken);
    }

    public sealed class RollGroup
    {
        public string Name { get; set; }
        public int MinSize { get; set; }
        public int MaxSize { get; set; }
        public int DesiredCapacity { get; set; }
        public string LaunchTemplateId { get; set; }
        public string LaunchTemplateName { get; set; }
        public string LaunchTemplateVersion { get; set; }
        /// <summary>The group launches from a mixed instances policy (not a plain launch template).</summary>
        public bool UsesMixedInstancesPolicy { get; set; }
        public IList<RollInstance> Instances { get; set; } = new List<RollInstance>();
    }

    public sealed class RollInstance
    {
        public string InstanceId { get; set; }
        /// <summary>Pending, InService, Terminating, Standby, ...</summary>
        public string LifecycleState { get; set; }
        /// <summary>Healthy or Unhealthy.</summary>
        public string HealthStatus { get; set; }
        public string LaunchTemplateVersion { get; set; }

        public bool InServiceAndHealthy =>
            string.Equals(LifecycleState, "InService", StringComparison.Ordinal) && !string.Equals(HealthStatus, "Unhealthy", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>What StartInstanceRefresh is asked for: always a DesiredConfiguration naming the version (what AutoRollback returns from).</summary>
    public sealed class InstanceRefreshSpec
    {
        public string GroupName { get; set; }
        public string LaunchTemplateId { get; set; }
        public string LaunchTemplateVersion { get; set; }
        public int MinHealthyPercentage { get; set; }
        public int MaxHealthyPercentage { get; set; }
        public int? InstanceWarmupSeconds { get; set; }
        public bool AutoRollback { get; set; }
        /// <summary>Skip instances already on the desired configuration (a re-run does not replace them again).</summary>
        public bool SkipMatching { get; set; }
    }

    public sealed class InstanceRefreshState
    {
        public string RefreshId { get; set; }
        /// <summary>Pending, InProgress, Successful, Failed, Cancelling, Cancelled, RollbackInProgress, RollbackFailed, RollbackSuccessful, Baking.</summary>
        public string Status { get; set; }
        public string StatusReason { get; set; }
        public int? PercentageComplete { get; set; }
        public int? InstancesToUpdate { get; set; }
        public DateTime? StartTime { get; set; }
        public DateTime? EndTime { get; set; }
        public string RollbackReason { get; set; }

        public bool IsFinished => Status == "Successful" || Status == "Failed" || Status == "Cancelled" || Status == "RollbackSuccessful" || Status == "RollbackFailed";
    }
}
