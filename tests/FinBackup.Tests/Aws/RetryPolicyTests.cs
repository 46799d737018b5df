using FinBackup.Aws.Protocol;

namespace FinBackup.Tests.Aws;

public sealed class RetryPolicyTests
{
    [Fact]
    public void Backoff_is_full_jitter_under_an_exponential_ceiling_capped_at_MaxBackoff()
    {
        var options = new AwsRetryOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(20) };
        var random = new Random(42);
        for (var retry = 0; retry < 8; retry++)
        {
            var ceiling = Math.Min(20_000, 1000 * Math.Pow(2, retry));
            var delays = Enumerable.Range(0, 500).Select(_ => options.BackoffFor(retry, random).TotalMilliseconds).ToList();
            Assert.All(delays, d => Assert.InRange(d, 0, ceiling));
            Assert.True(delays.Max() > ceiling * 0.8, $"retry {retry}: jitter should spread up to the ceiling");
            Assert.True(delays.Min() < ceiling * 0.2, $"retry {retry}: full jitter reaches near zero");
        }
    }

    [Theory]
    [InlineData("Throttling", 400, true)]
    [InlineData("RequestLimitExceeded", 400, true)]
    [InlineData("ThrottlingException", 400, true)]
    [InlineData(null, 503, true)]
    [InlineData(null, 500, true)]
    [InlineData("InternalFailure", 500, true)]
    [InlineData("DBSnapshotNotFound", 404, false)]
    [InlineData("ValidationException", 400, false)]
    [InlineData("InvalidClientTokenId", 403, false)]
    [InlineData("ExpiredTokenException", 400, false)]
    [InlineData("AccessDenied", 403, false)]
    public void Retryable_codes_follow_the_standard_retry_mode(string? code, int status, bool retryable)
    {
        Assert.Equal(retryable, AwsErrorClassifier.IsRetryable(code, status));
    }

    [Fact]
    public void On_modern_dotnet_the_shared_transport_has_a_10_second_connect_timeout()
    {
        var handler = AwsHttpTransport.CreateSocketsHandler();
        Assert.NotNull(handler);
        var sockets = Assert.IsType<SocketsHttpHandler>(handler);
        Assert.Equal(TimeSpan.FromSeconds(10), sockets.ConnectTimeout);
        Assert.False(sockets.AllowAutoRedirect);
        handler!.Dispose();
    }
}
