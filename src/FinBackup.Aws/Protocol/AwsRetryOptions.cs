using System;

namespace FinBackup.Aws.Protocol
{
    /// <summary>
    /// Retry and timeout settings of FinBackup's protocol clients, modelled on the AWS SDK standard retry mode:
    /// at most <see cref="MaxAttempts"/> attempts; retry throttling/transient codes and 5xx; back off with full jitter
    /// (random(0,1) * min(<see cref="MaxBackoff"/>, <see cref="BaseDelay"/> * 2^attempt)); re-sign every attempt.
    /// Authentication failures are never retried; a refused/unreachable connection is retried at most once.
    /// </summary>
    public sealed class AwsRetryOptions
    {
        /// <summary>Total attempts including the first (standard mode default 3; allowed 1-10).</summary>
        public int MaxAttempts { get; set; } = 3;
        /// <summary>Backoff base (standard mode: 1 s).</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);
        /// <summary>Backoff cap (standard mode: 20 s).</summary>
        public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(20);
        /// <summary>Time allowed for one attempt (connect, send, read the whole response): 30 s.</summary>
        public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
        /// <summary>
        /// After an ambiguous failure of a create or copy AWS does not deduplicate (a timeout, a connection lost, a 5xx): how
        /// long FinBackup keeps looking (with back-off) for what the attempt would have made before sending it again, since
        /// a slow service may still act on an attempt the client gave up on. 20 s; zero looks once.
        /// </summary>
        public TimeSpan ResendSettle { get; set; } = TimeSpan.FromSeconds(20);
        /// <summary>Time allowed to open a TCP connection (where the runtime supports it): 10 s.</summary>
        public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

        public static AwsRetryOptions Default => new AwsRetryOptions();

        /// <summary>The delay before retry number <paramref name="retry"/> (0-based): full jitter.</summary>
        public TimeSpan BackoffFor(int retry, Random random)
        {
            var ceiling = Math.Min(MaxBackoff.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)));
            double r;
            lock (random) r = random.NextDouble();
            return TimeSpan.FromMilliseconds(r * ceiling);
        }
    }
}
