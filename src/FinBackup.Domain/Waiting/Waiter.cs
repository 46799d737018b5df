using System;
using System.Threading;

namespace FinBackup.Domain.Waiting
{
    /// <summary>How a wait polls: the first delay, how it grows, its ceiling, and when to give up.</summary>
    public sealed class WaitPolicy
    {
        /// <summary>The first pause after the first poll (a snapshot of a small volume is often done within seconds).</summary>
        public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(2);
        /// <summary>The longest pause between polls: the pace of the slowest services (snapshots, copies, restores).</summary>
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
        /// <summary>Each pause is the previous one times this factor, up to <see cref="MaxDelay"/>.</summary>
        public double Backoff { get; set; } = 1.5;
        /// <summary>Give up (FinWaitTimedOut) after this long.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(6);

        public static WaitPolicy Default => new WaitPolicy();

        /// <summary>The pause after poll number <paramref name="attempt"/> (0-based).</summary>
        public TimeSpan DelayAfter(int attempt)
        {
            var ms = FirstDelay.TotalMilliseconds * Math.Pow(Math.Max(1.0, Backoff), Math.Max(0, attempt));
            return TimeSpan.FromMilliseconds(Math.Min(ms, MaxDelay.TotalMilliseconds));
        }
    }

    /// <summary>One poll's outcome, passed to the progress callback.</summary>
    public sealed class WaitProgress<T>
    {
        public T Value { get; set; }
        public int Attempt { get; set; }
        public TimeSpan Elapsed { get; set; }
        public TimeSpan NextDelay { get; set; }
    }

    /// <summary>
    /// The one way FinBackup waits for AWS: poll, stop when done, back off adaptively between polls (a reset to the first
    /// delay whenever the caller reports progress), honour cancellation, give up with FinWaitTimedOut. The clock and the
    /// pause are injectable so waits are tested without sleeping.
    /// </summary>
    public sealed class Waiter
    {
        private readonly Func<DateTime> _utcNow;
        private readonly Action<TimeSpan, CancellationToken> _sleep;

        public Waiter(Func<DateTime> utcNow = null, Action<TimeSpan, CancellationToken> sleep = null)
        {
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
            _sleep = sleep ?? ((t, ct) => ct.WaitHandle.WaitOne(t));
        }

        /// <summary>
        /// Polls <paramref name="poll"/> until <paramref name="isDone"/> holds and returns the last value.
        /// <paramref name="madeProgress"/> (optional) compares the previous and the new value: when it says true the next pause
        /// starts again from the first delay, so a wait that moves keeps close watch and one that stalls slows down.
        /// </summary>
        /// <exception cref="FinBackupException">FinWaitTimedOut with <paramref name="what"/> in the message.</exception>
        /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
        public T Until<T>(string what, Func<CancellationToken, T> poll, Func<T, bool> isDone, WaitPolicy policy,
            CancellationToken cancellationToken, Action<WaitProgress<T>> progress = null, Func<T, T, bool> madeProgress = null)
        {
            if (poll == null) throw new ArgumentNullException(nameof(poll));
            if (isDone == null) throw new ArgumentNullException(nameof(isDone));
            policy = policy ?? WaitPolicy.Default;
            var start = _utcNow();
            var step = 0;
            var attempt = 0;
            var previous = default(T);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var value = poll(cancellationToken);
                if (isDone(value)) return value;
                if (attempt > 0 && madeProgress != null && madeProgress(previous, value)) step = 0;
                var elapsed = _utcNow() - start;
                var delay = policy.DelayAfter(step);
                if (elapsed + delay > policy.Timeout)
                {
                    throw new FinBackupException("FinWaitTimedOut", FinErrorKind.OperationTimeout,
                        $"{what} was not done after {Format(elapsed)} (the wait gives up after {Format(policy.Timeout)}).",
                        "Look at it in the AWS console or with Get-FinRecoveryPoint, then wait again or raise the timeout.");
                }
                progress?.Invoke(new WaitProgress<T> { Value = value, Attempt = attempt, Elapsed = elapsed, NextDelay = delay });
                _sleep(delay, cancellationToken);
                previous = value;
                attempt++;
                step++;
            }
        }

        private static string Format(TimeSpan t) =>
            t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:0.#}s";
    }
}
