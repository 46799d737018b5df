using FinBackup.Aws.Services.CloudWatch;
using FinBackup.Aws.Services.Scheduler;
using FinBackup.Aws.Services.Sns;

namespace FinBackup.Aws.Unattended
{
    /// <summary>FinBackup's protocol clients for Scheduler, CloudWatch and SNS, cached per region on the session's context.</summary>
    internal static class UnattendedClients
    {
        public static SchedulerClient Scheduler(this AwsClientContext c, string region) =>
            c.Cached("scheduler", region, r => new SchedulerClient(c.Credentials, c.ServiceEndpoint("scheduler", "scheduler", "SCHEDULER", r), c.RetryOptions));

        public static CloudWatchClient CloudWatch(this AwsClientContext c, string region) =>
            c.Cached("monitoring", region, r => new CloudWatchClient(c.Credentials, c.ServiceEndpoint("monitoring", "monitoring", "CLOUDWATCH", r), c.RetryOptions));

        public static SnsClient Sns(this AwsClientContext c, string region) =>
            c.Cached("sns", region, r => new SnsClient(c.Credentials, c.ServiceEndpoint("sns", "sns", "SNS", r), c.RetryOptions));
    }
}
