using System;
using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain;
using FinBackup.Domain.Waiting;
using Xunit;

namespace FinBackup.Tests.Waiting
{
    public class WaiterTests
    {
        private DateTime _now = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        private readonly List<TimeSpan> _pauses = new List<TimeSpan>();

        private Waiter NewWaiter() => new Waiter(() => _now, (t, ct) => { _pauses.Add(t); _now += t; });

        [Fact]
        public void Backs_off_from_the_first_delay_to_the_ceiling()
        {
            var polls = 0;
            var policy = new WaitPolicy { FirstDelay = TimeSpan.FromSeconds(2), Backoff = 2, MaxDelay = TimeSpan.FromSeconds(10) };
            var result = NewWaiter().Until("snap-1", _ => ++polls, n => n == 6, policy, CancellationToken.None);
            Assert.Equal(6, result);
            Assert.Equal(new[] { 2.0, 4, 8, 10, 10 }, _pauses.ConvertAll(p => p.TotalSeconds));
        }

        [Fact]
        public void Progress_resets_the_pause_to_the_first_delay()
        {
            var values = new Queue<int>(new[] { 0, 0, 0, 50, 50, 100 });
            var policy = new WaitPolicy { FirstDelay = TimeSpan.FromSeconds(1), Backoff = 2, MaxDelay = TimeSpan.FromSeconds(60) };
            NewWaiter().Until("copy", _ => values.Dequeue(), v => v == 100, policy, CancellationToken.None,
                madeProgress: (a, b) => b > a);
            Assert.Equal(new[] { 1.0, 2, 4, 1, 2 }, _pauses.ConvertAll(p => p.TotalSeconds));
        }

        [Fact]
        public void Gives_up_with_FinWaitTimedOut_naming_the_thing()
        {
            var policy = new WaitPolicy { FirstDelay = TimeSpan.FromSeconds(5), Backoff = 1, Timeout = TimeSpan.FromSeconds(30) };
            var ex = Assert.Throws<FinBackupException>(() =>
                NewWaiter().Until("restore of cross-sell-db", _ => false, done => done, policy, CancellationToken.None));
            Assert.Equal("FinWaitTimedOut", ex.ErrorId);
            Assert.Equal(FinErrorKind.OperationTimeout, ex.Kind);
            Assert.Contains("restore of cross-sell-db", ex.Message);
            Assert.True(_now - new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc) <= TimeSpan.FromSeconds(30));
        }

        [Fact]
        public void Cancellation_stops_the_wait()
        {
            using var cts = new CancellationTokenSource();
            var polls = 0;
            Assert.ThrowsAny<OperationCanceledException>(() =>
                NewWaiter().Until("x", _ => { if (++polls == 3) cts.Cancel(); return false; }, d => d, WaitPolicy.Default, cts.Token));
            Assert.Equal(3, polls);
        }

        [Fact]
        public void Reports_each_pending_poll()
        {
            var seen = new List<int>();
            var n = 0;
            NewWaiter().Until("x", _ => ++n, v => v == 3, WaitPolicy.Default, CancellationToken.None, p => seen.Add(p.Value));
            Assert.Equal(new[] { 1, 2 }, seen);
        }
    }
}
