using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using FinBackup.Aws.Protocol;

namespace FinBackup.Aws.Services.AutoScaling
{
    /// <summary>An Auto Scaling group with its instances' lifecycle and health (what a roll watches).</summary>
    public sealed class AutoScalingGroupInstances
    {
        public string Name { get; set; }
        public int MinSize { get; set; }
        public int MaxSize { get; set; }
        public int DesiredCapacity { get; set; }
        public string LaunchTemplateId { get; set; }
        public string LaunchTemplateName { get; set; }
        public string LaunchTemplateVersion { get; set; }
        public bool HasMixedInstancesPolicy { get; set; }
        public List<AutoScalingInstance> Instances { get; set; } = new List<AutoScalingInstance>();
    }

    public sealed class AutoScalingInstance
    {
        public string InstanceId { get; set; }
        public string LifecycleState { get; set; }
        public string HealthStatus { get; set; }
        public string LaunchTemplateVersion { get; set; }
    }

    public sealed class StartInstanceRefreshRequest
    {
        public string AutoScalingGroupName { get; set; }
        public string LaunchTemplateId { get; set; }
        public string LaunchTemplateVersion { get; set; }
        public int? MinHealthyPercentage { get; set; }
        public int? MaxHealthyPercentage { get; set; }
        public int? InstanceWarmup { get; set; }
        public bool? AutoRollback { get; set; }
        public bool? SkipMatching { get; set; }
    }

    public sealed class InstanceRefreshInfo
    {
        public string InstanceRefreshId { get; set; }
        public string AutoScalingGroupName { get; set; }
        public string Status { get; set; }
        public string StatusReason { get; set; }
        public int? PercentageComplete { get; set; }
        public int? InstancesToUpdate { get; set; }
        public DateTime? StartTime { get; set; }
        public DateTime? EndTime { get; set; }
        public string RollbackReason { get; set; }
    }

    /// <summary>
    /// The roll operations: StartInstanceRefresh and DescribeInstanceRefreshes (moto 5.2.1 implements neither: checked against
    /// botocore's model in AutoScalingRollWireShapeTests), and UpdateAutoScalingGroup, SetDesiredCapacity,
    /// TerminateInstanceInAutoScalingGroup, DescribeAutoScalingGroups with instances (moto implements these).
    /// </summary>
    public sealed partial class AutoScalingClient
    {
        /// <summary>Returns the instance refresh id. Strategy Rolling; always with a DesiredConfiguration (what AutoRollback needs).</summary>
        public async Task<string> StartInstanceRefreshAsync(StartInstanceRefreshRequest request, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters()
                .Add("AutoScalingGroupName", request.AutoScalingGroupName)
                .Add("Strategy", "Rolling")
                .Add("DesiredConfiguration.LaunchTemplate.LaunchTemplateId", request.LaunchTemplateId)
                .Add("DesiredConfiguration.LaunchTemplate.Version", request.LaunchTemplateVersion)
                .Add("Preferences.MinHealthyPercentage", request.MinHealthyPercentage)
                .Add("Preferences.MaxHealthyPercentage", request.MaxHealthyPercentage)
                .Add("Preferences.InstanceWarmup", request.InstanceWarmup)
                .Add("Preferences.SkipMatching", request.SkipMatching)
                .Add("Preferences.AutoRollback", request.AutoRollback);
            var r = await _query.InvokeAsync("StartInstanceRefresh", p, cancellationToken).ConfigureAwait(false);
            return r.Text("InstanceRefreshId");
        }

        /// <summary>The refreshes of a group (those ids only when given), newest first as AWS returns them; follows NextToken.</summary>
        public Task<List<InstanceRefreshInfo>> DescribeInstanceRefreshesAsync(string groupName, IEnumerable<string> refreshIds = null,
            CancellationToken cancellationToken = default(CancellationToken)) =>
            AwsPaging.CollectAsync<InstanceRefreshInfo>(async (token, ct) =>
            {
                var p = new QueryParameters().Add("AutoScalingGroupName", groupName).Add("NextToken", token);
                var i = 1;
                foreach (var id in refreshIds ?? Enumerable.Empty<string>()) p.Add($"InstanceRefreshIds.member.{i++}", id);
                var r = await _query.InvokeAsync("DescribeInstanceRefreshes", p, ct).ConfigureAwait(false);
                return new AwsPage<InstanceRefreshInfo>(r.Items("InstanceRefreshes").Select(ReadRefresh).ToList(), r.Text("NextToken"));
            }, cancellationToken);

        /// <summary>UpdateAutoScalingGroup with only the values given (launch template version, MaxSize).</summary>
        public async Task UpdateAutoScalingGroupAsync(string groupName, string launchTemplateId, string launchTemplateVersion, int? maxSize,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters().Add("AutoScalingGroupName", groupName).Add("MaxSize", maxSize);
            if (!string.IsNullOrEmpty(launchTemplateId))
                p.Add("LaunchTemplate.LaunchTemplateId", launchTemplateId).Add("LaunchTemplate.Version", launchTemplateVersion);
            await _query.InvokeAsync("UpdateAutoScalingGroup", p, cancellationToken).ConfigureAwait(false);
        }

        public async Task SetDesiredCapacityAsync(string groupName, int desiredCapacity, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters().Add("AutoScalingGroupName", groupName).Add("DesiredCapacity", desiredCapacity).Add("HonorCooldown", false);
            await _query.InvokeAsync("SetDesiredCapacity", p, cancellationToken).ConfigureAwait(false);
        }

        public async Task TerminateInstanceInAutoScalingGroupAsync(string instanceId, bool shouldDecrementDesiredCapacity, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters().Add("InstanceId", instanceId).Add("ShouldDecrementDesiredCapacity", shouldDecrementDesiredCapacity);
            await _query.InvokeAsync("TerminateInstanceInAutoScalingGroup", p, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>One group with its instances' lifecycle state and health; null when there is no such group.</summary>
        public async Task<AutoScalingGroupInstances> DescribeGroupInstancesAsync(string groupName, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters().Add("AutoScalingGroupNames.member.1", groupName);
            var r = await _query.InvokeAsync("DescribeAutoScalingGroups", p, cancellationToken).ConfigureAwait(false);
            var g = r.Items("AutoScalingGroups").FirstOrDefault(e => e.Text("AutoScalingGroupName") == groupName);
            if (g == null) return null;
            var lt = g.Child("LaunchTemplate");
            return new AutoScalingGroupInstances
            {
                Name = g.Text("AutoScalingGroupName"),
                MinSize = g.Int("MinSize") ?? 0,
                MaxSize = g.Int("MaxSize") ?? 0,
                DesiredCapacity = g.Int("DesiredCapacity") ?? 0,
                LaunchTemplateId = lt.Text("LaunchTemplateId"),
                LaunchTemplateName = lt.Text("LaunchTemplateName"),
                LaunchTemplateVersion = lt.Text("Version"),
                HasMixedInstancesPolicy = g.Child("MixedInstancesPolicy") != null,
                Instances = g.Items("Instances").Select(i => new AutoScalingInstance
                {
                    InstanceId = i.Text("InstanceId"),
                    LifecycleState = i.Text("LifecycleState"),
                    HealthStatus = i.Text("HealthStatus"),
                    LaunchTemplateVersion = i.Child("LaunchTemplate").Text("Version"),
                }).Where(i => i.InstanceId != null).ToList(),
            };
        }

        private static InstanceRefreshInfo ReadRefresh(XElement e)
        {
            var rollback = e.Child("RollbackDetails");
            return new InstanceRefreshInfo
            {
                InstanceRefreshId = e.Text("InstanceRefreshId"),
                AutoScalingGroupName = e.Text("AutoScalingGroupName"),
                Status = e.Text("Status"),
                StatusReason = e.Text("StatusReason"),
                PercentageComplete = e.Int("PercentageComplete"),
                InstancesToUpdate = e.Int("InstancesToUpdate"),
                StartTime = e.Date("StartTime"),
                EndTime = e.Date("EndTime"),
                RollbackReason = rollback.Text("RollbackReason"),
            };
        }
    }
}
