using FinBackup.Aws.Protocol;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Domain.Waiting;

namespace FinBackup.Tests.RecoveryPoints;

/// <summary>
/// Issue 13: after an ambiguous failure the look for what the attempt made is repeated with back-off for a bounded time
/// (AwsRetryOptions.ResendSettle, through the module's Waiter), not done once. Fake clock: no sleeping.
/// </summary>
public sealed class LookBeforeResendSettleTests
{
    private sealed class FakeClock
    {
        public DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
        public List<TimeSpan> Pauses { get; } = new();
        public Waiter Waiter() => new(() => Now, (t, _) => { Pauses.Add(t); Now += t; });
    }

    private static AwsRetryOptions Options(TimeSpan settle) =>
        new() { BaseDelay = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(20), ResendSettle = settle };

    [Fact]
    public void What_appears_after_the_first_look_is_found_by_looking_again()
    {
        var clock = new FakeClock();
        var appearsAt = clock.Now.AddSeconds(5); // the slow service makes it 5 s after the client gave up
        var looks = 0;
        var found = LookBeforeResend.Settle(() => { looks++; return clock.Now >= appearsAt ? "ami-1" : null; }, "CreateImage", Options(TimeSpan.FromSeconds(20)), default, clock.Waiter());
        Assert.Equal("ami-1", found);
        Assert.True(looks > 2, $"{looks} looks");
        Assert.Equal(TimeSpan.FromSeconds(1), clock.Pauses[0]);                  // backs off from the retry base delay
        Assert.True(clock.Pauses.Zip(clock.Pauses.Skip(1)).All(p => p.Second >= p.First));
    }

    [Fact]
    public void When_nothing_appears_the_looks_stop_within_the_settle_time_so_the_request_is_sent_again()
    {
        var clock = new FakeClock();
        var start = clock.Now;
        var looks = 0;
        var found = LookBeforeResend.Settle<string>(() => { looks++; return null!; }, "CreateImage", Options(TimeSpan.FromSeconds(20)), default, clock.Waiter());
        Assert.Null(found);
        Assert.InRange(clock.Now - start, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        Assert.InRange(looks, 2, 10);
    }

    [Fact]
    public void After_a_slow_attempt_the_looks_go_on_as_long_as_the_attempt_took()
    {
        // The bench's duplicate at 20 %: the attempt timed out after 30 s and moto made the image 45 s after it was sent,
        // later than a 20 s settle.
        var clock = new FakeClock();
        var start = clock.Now;
        var appearsAt = clock.Now.AddSeconds(25);
        var options = Options(TimeSpan.FromSeconds(20));
        options.AttemptTimeout = TimeSpan.FromSeconds(30);
        var found = LookBeforeResend.Settle(() => clock.Now >= appearsAt ? "ami-1" : null, "CreateImage", options, default, clock.Waiter(), TimeSpan.FromSeconds(30));
        Assert.Equal("ami-1", found);

        // Bounded: twice the attempt timeout at most, whatever the attempt took.
        clock = new FakeClock();
        start = clock.Now;
        Assert.Null(LookBeforeResend.Settle<string>(() => null!, "CreateImage", options, default, clock.Waiter(), TimeSpan.FromHours(1)));
        Assert.InRange(clock.Now - start, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void A_zero_settle_looks_once()
    {
        var clock = new FakeClock();
        var looks = 0;
        Assert.Null(LookBeforeResend.Settle<string>(() => { looks++; return null!; }, "CreateImage", Options(TimeSpan.Zero), default, clock.Waiter()));
        Assert.Equal(1, looks);
        Assert.Empty(clock.Pauses);
    }
}
