using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;
using FinBackup.Domain;
using FinBackup.Domain.Waiting;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>
    /// Sends a create or copy that AWS does not deduplicate (CreateSnapshots, CreateImage, CopySnapshot; CopyImage on an
    /// endpoint that ignores its ClientToken) without the SDK's automatic retries, and after a failure that may have
    /// reached AWS (a connection lost mid-reply, a timeout, a 5xx) looks for what the request would have made before
    /// sending it again, and keeps looking with back-off for a bounded time (<see cref="AwsRetryOptions.ResendSettle"/>) when
    /// the first look finds nothing, because a slow service may act on an attempt after the client gave up on it. A lost
    /// reply therefore adopts the resource the first attempt made instead of making a second one.
    /// Throttling means AWS did not act: it is retried with backoff. Any other 4xx is final.
    /// </summary>
    internal static class LookBeforeResend
    {
        private static readonly Random Jitter = new Random();

        /// <param name="send">One attempt, on a client without automatic retries (<see cref="AwsClientContext.Ec2Once"/>).</param>
        /// <param name="look">What the request would have made, or null when there is none (may throw FinBackupException).</param>
        public static T Send<T>(Func<Task<T>> send, Func<T> look, string what, AwsRetryOptions retry, CancellationToken ct) where T : class
        {
            retry = retry ?? AwsRetryOptions.Default;
            var attempts = Math.Max(1, retry.MaxAttempts);
            Exception last = null;
            for (var attempt = 0; attempt < attempts; attempt++)
            {
                ct.ThrowIfCancellationRequested();
                if (attempt > 0 && ct.WaitHandle.WaitOne(retry.BackoffFor(attempt - 1, Jitter))) ct.ThrowIfCancellationRequested();
                var ambiguous = false;
                var took = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    return send().GetAwaiter().GetResult();
                }
                catch (AmazonServiceException ex) when (IsThrottled(ex))
                {
                    last = ex; // AWS refused before acting: send again
                }
                catch (AmazonServiceException ex) when ((int)ex.StatusCode >= 400 && (int)ex.StatusCode < 500)
                {
                    throw RecoveryPointAwsErrors.Map(ex, what);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex) when (IsTransport(ex))
                {
                    last = ex;
                    ambiguous = true;
                }
                if (ambiguous)
                {
                    // A service that took this long to fail the attempt may take as long again to act on it.
                    var found = Settle(look, what, retry, ct, null, took.Elapsed);
                    if (found != null) return found;
                }
            }
            var final = look();
            if (final != null) return final;
            throw Final(last, what);
        }

        /// <summary>
        /// After an ambiguous failure: looks at once, and while nothing is found looks again with back-off (the module's
        /// <see cref="Waiter"/>) for at most <see cref="AwsRetryOptions.ResendSettle"/>. A slow endpoint may still be working on
        /// an attempt the client gave up on (a timeout): a single look right away finds nothing and the resend would make a
        /// second resource (CreateImage and CopySnapshot have no client token). Null when nothing appeared in that time.
        /// <paramref name="attemptTook"/>: how long the failed attempt took; a slow service (an attempt that timed out) is
        /// given as long again, up to twice the attempt timeout, when that is more than the settle time.
        /// </summary>
        internal static T Settle<T>(Func<T> look, string what, AwsRetryOptions retry, CancellationToken ct, Waiter waiter = null, TimeSpan attemptTook = default) where T : class
        {
            var found = look();
            if (found != null || retry.ResendSettle <= TimeSpan.Zero) return found;
            var settle = retry.ResendSettle;
            var slow = attemptTook < retry.AttemptTimeout + retry.AttemptTimeout ? attemptTook : retry.AttemptTimeout + retry.AttemptTimeout;
            if (slow > settle) settle = slow;
            var first = retry.BaseDelay > TimeSpan.Zero ? retry.BaseDelay : TimeSpan.FromMilliseconds(100);
            var policy = new WaitPolicy
            {
                FirstDelay = first < settle ? first : settle,
                Backoff = 2,
                // At most a quarter of the settle time between looks: the Waiter gives up rather than sleep past its timeout,
                // so a longer pause would leave the end of the settle time unwatched.
                MaxDelay = retry.MaxBackoff > TimeSpan.Zero && retry.MaxBackoff.Ticks < settle.Ticks / 4 ? retry.MaxBackoff : TimeSpan.FromTicks(settle.Ticks / 4),
                Timeout = settle,
            };
            try
            {
                return (waiter ?? new Waiter()).Until($"What {what} would have made", _ => look(), f => f != null, policy, ct);
            }
            catch (FinBackupException ex) when (ex.ErrorId == FinErrorIds.WaitTimedOut)
            {
                return null; // nothing appeared: the attempt did not act, send again
            }
        }

        /// <summary>True for an AWS throttling answer (the request was not acted on).</summary>
        internal static bool IsThrottled(AmazonServiceException ex) =>
            AwsErrorClassifier.IsThrottling(ex.ErrorCode) || (int)ex.StatusCode == 429;

        /// <summary>Failures after which the request may or may not have been acted on.</summary>
        internal static bool IsTransport(Exception ex) =>
            ex is AmazonServiceException || ex is AmazonClientException || ex is HttpRequestException || ex is IOException
            || ex is OperationCanceledException || ex is TimeoutException || ex is System.Xml.XmlException
            || (ex.InnerException != null && IsTransport(ex.InnerException));

        private static FinBackupException Final(Exception last, string what)
        {
            if (last is AmazonServiceException ase && ((int)ase.StatusCode != 0 || ase.ErrorCode != null)) return RecoveryPointAwsErrors.Map(ase, what);
            return RecoveryPointAwsErrors.Transport(last, what);
        }
    }
}
