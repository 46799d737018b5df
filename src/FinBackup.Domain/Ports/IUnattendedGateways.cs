using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.Unattended;

namespace FinBackup.Domain.Ports
{
    /// <summary>EventBridge Scheduler: FinBackup's schedule group and the schedules in it.</summary>
    public interface IScheduleGateway
    {
        /// <summary>Creates the group if it does not exist.</summary>
        void EnsureGroup(string groupName, CancellationToken cancellationToken);
        /// <summary>The schedules of a group whose names start with <paramref name="namePrefix"/>, each read in full (GetSchedule). Empty when the group does not exist.</summary>
        IList<ScheduleDefinition> List(string groupName, string namePrefix, CancellationToken cancellationToken);
        /// <summary>Returns the schedule ARN.</summary>
        string Create(ScheduleDefinition schedule, CancellationToken cancellationToken);
        /// <summary>Replaces every field of the schedule (UpdateSchedule semantics). Returns the ARN.</summary>
        string Update(ScheduleDefinition schedule, CancellationToken cancellationToken);
        void Delete(string name, string groupName, CancellationToken cancellationToken);
    }

    /// <summary>CloudWatch PutMetricData.</summary>
    public interface IMetricsPublisher
    {
        void Publish(string metricNamespace, IList<MetricDatum> data, CancellationToken cancellationToken);
    }

    /// <summary>CloudWatch metric alarms (and the SNS topic they notify).</summary>
    public interface IAlarmGateway
    {
        /// <summary>The alarm, or null.</summary>
        RpoAlarmSpec Find(string alarmName, CancellationToken cancellationToken);
        void Put(RpoAlarmSpec alarm, CancellationToken cancellationToken);
        /// <summary>Whether the SNS topic exists (GetTopicAttributes).</summary>
        bool TopicExists(string topicArn, CancellationToken cancellationToken);
    }

    /// <summary>An SSM document as found: its default version's content.</summary>
    public sealed class SsmDocumentInfo
    {
        public string Name { get; set; }
        public string DefaultVersion { get; set; }
        public string LatestVersion { get; set; }
        public string Content { get; set; }
    }

    /// <summary>Systems Manager Command documents.</summary>
    public interface ISsmDocumentGateway
    {
        /// <summary>The document's default version, or null when it does not exist.</summary>
        SsmDocumentInfo Get(string name, CancellationToken cancellationToken);
        /// <summary>Creates a Command document (JSON); returns its version.</summary>
        string Create(string name, string content, CancellationToken cancellationToken);
        /// <summary>Adds a new version and makes it the default; returns the version.</summary>
        string Update(string name, string content, CancellationToken cancellationToken);
    }
}
