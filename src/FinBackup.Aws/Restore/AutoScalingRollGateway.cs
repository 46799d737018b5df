using System.Linq;
using System.Threading;
using FinBackup.Aws.Services.AutoScaling;
using FinBackup.Domain.Ports;

namespace FinBackup.Aws.Restore
{
    /// <summary>The <see cref="IAutoScalingRollGateway"/> port on FinBackup's Auto Scaling query client.</summary>
    [Gateway(typeof(IAutoScalingRollGateway))]
    public sealed class AutoScalingRollGateway : IAutoScalingRollGateway
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public AutoScalingRollGateway(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        private AutoScalingClient Asg => _context.AutoScaling(_region);

        public RollGroup DescribeGroup(string groupName, CancellationToken ct)
        {
            var g = Asg.DescribeGroupInstancesAsync(groupName, ct).GetAwaiter().GetResult();
            if (g == null) return null;
            return new RollGroup
            {
                Name = g.Name,
                MinSize = g.MinSize,
                MaxSize = g.MaxSize,
                DesiredCapacity = g.DesiredCapacity,
                LaunchTemplateId = g.LaunchTemplateId,
                LaunchTemplateName = g.LaunchTemplateName,
                LaunchTemplateVersion = g.LaunchTemplateVersion,
                UsesMixedInstancesPolicy = g.HasMixedInstancesPolicy,
                Instances = g.Instances.Select(i => new RollInstance
                {
                    InstanceId = i.InstanceId, LifecycleState = i.LifecycleState, HealthStatus = i.HealthStatus, LaunchTemplateVersion = i.LaunchTemplateVersion,
                }).ToList(),
            };
        }

        public string StartInstanceRefresh(InstanceRefreshSpec spec, CancellationToken ct) =>
            Asg.StartInstanceRefreshAsync(new StartInstanceRefreshRequest
            {
                AutoScalingGroupName = spec.GroupName,
                LaunchTemplateId = spec.LaunchTemplateId,
                LaunchTemplateVersion = spec.LaunchTemplateVersion,
                MinHealthyPercentage = spec.MinHealthyPercentage,
                MaxHealthyPercentage = spec.MaxHealthyPercentage,
                InstanceWarmup = spec.InstanceWarmupSeconds,
                AutoRollback = spec.AutoRollback,
                SkipMatching = spec.SkipMatching,
            }, ct).GetAwaiter().GetResult();

        public InstanceRefreshState DescribeInstanceRefresh(string groupName, string refreshId, CancellationToken ct)
        {
            var r = Asg.DescribeInstanceRefreshesAsync(groupName, new[] { refreshId }, ct).GetAwaiter().GetResult()
                .FirstOrDefault(x => x.InstanceRefreshId == refreshId);
            return r == null ? null : new InstanceRefreshState
            {
                RefreshId = r.InstanceRefreshId, Status = r.Status, StatusReason = r.StatusReason, PercentageComplete = r.PercentageComplete,
                InstancesToUpdate = r.InstancesToUpdate, StartTime = r.StartTime, EndTime = r.EndTime, RollbackReason = r.RollbackReason,
            };
        }

        public void UpdateGroup(string groupName, string launchTemplateId, string launchTemplateVersion, int? maxSize, CancellationToken ct) =>
            Asg.UpdateAutoScalingGroupAsync(groupName, launchTemplateId, launchTemplateVersion, maxSize, ct).GetAwaiter().GetResult();

        public void SetDesiredCapacity(string groupName, int desiredCapacity, CancellationToken ct) =>
            Asg.SetDesiredCapacityAsync(groupName, desiredCapacity, ct).GetAwaiter().GetResult();

        public void TerminateInstance(string instanceId, bool shouldDecrementDesiredCapacity, CancellationToken ct) =>
            Asg.TerminateInstanceInAutoScalingGroupAsync(instanceId, shouldDecrementDesiredCapacity, ct).GetAwaiter().GetResult();
    }
}
