using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.Ports;
using FinBackup.Domain;
using FinBackup.Domain.Unattended;

namespace FinBackup.Aws.Unattended
{
    /// <summary>EventBridge Scheduler through FinBackup's REST-JSON client.</summary>
    [Gateway(typeof(IScheduleGateway))]
    public sealed class SchedulerGateway : IScheduleGateway
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public SchedulerGateway(AwsClientContext context, string region)
        {
            _context = context;
            _region = context.Region(region);
        }

        private Services.Scheduler.SchedulerClient Client => _context.Scheduler(_region);

        public void EnsureGroup(string groupName, CancellationToken cancellationToken)
        {
            if (Client.ScheduleGroupExistsAsync(groupName, cancellationToken).GetAwaiter().GetResult()) return;
            Client.CreateScheduleGroupAsync(groupName, new Dictionary<string, string> { [FinTags.ManagedBy] = FinTags.ManagedByValue }, cancellationToken)
                .GetAwaiter().GetResult();
        }

        public IList<ScheduleDefinition> List(string groupName, string namePrefix, CancellationToken cancellationToken)
        {
            var result = new List<ScheduleDefinition>();
            if (!Client.ScheduleGroupExistsAsync(groupName, cancellationToken).GetAwaiter().GetResult()) return result;
            foreach (var name in Client.ListScheduleNamesAsync(groupName, namePrefix, cancellationToken).GetAwaiter().GetResult())
            {
                var s = Client.GetScheduleAsync(name, groupName, cancellationToken).GetAwaiter().GetResult();
                if (s != null) result.Add(s);
            }
            return result;
        }

        public string Create(ScheduleDefinition schedule, CancellationToken cancellationToken) =>
            Client.CreateScheduleAsync(schedule, cancellationToken).GetAwaiter().GetResult();

        public string Update(ScheduleDefinition schedule, CancellationToken cancellationToken) =>
            Client.UpdateScheduleAsync(schedule, cancellationToken).GetAwaiter().GetResult();

        public void Delete(string name, string groupName, CancellationToken cancellationToken) =>
            Client.DeleteScheduleAsync(name, groupName, cancellationToken).GetAwaiter().GetResult();
    }

    /// <summary>CloudWatch PutMetricData through FinBackup's query client.</summary>
    [Gateway(typeof(IMetricsPublisher))]
    public sealed class CloudWatchMetricsPublisher : IMetricsPublisher
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public CloudWatchMetricsPublisher(AwsClientContext context, string region)
        {
            _context = context;
            _region = context.Region(region);
        }

        public void Publish(string metricNamespace, IList<MetricDatum> data, CancellationToken cancellationToken)
        {
            if (data == null || data.Count == 0) return;
            _context.CloudWatch(_region).PutMetricDataAsync(metricNamespace, data, cancellationToken).GetAwaiter().GetResult();
        }
    }

    /// <summary>CloudWatch alarms and the SNS topic check, through FinBackup's query clients.</summary>
    [Gateway(typeof(IAlarmGateway))]
    public sealed class CloudWatchAlarmGateway : IAlarmGateway
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public CloudWatchAlarmGateway(AwsClientContext context, string region)
        {
            _context = context;
            _region = context.Region(region);
        }

        public RpoAlarmSpec Find(string alarmName, CancellationToken cancellationToken) =>
            _context.CloudWatch(_region).DescribeAlarmAsync(alarmName, cancellationToken).GetAwaiter().GetResult();

        public void Put(RpoAlarmSpec alarm, CancellationToken cancellationToken) =>
            _context.CloudWatch(_region).PutMetricAlarmAsync(alarm, cancellationToken).GetAwaiter().GetResult();

        public bool TopicExists(string topicArn, CancellationToken cancellationToken) =>
            _context.Sns(_region).TopicExistsAsync(topicArn, cancellationToken).GetAwaiter().GetResult();
    }
}
