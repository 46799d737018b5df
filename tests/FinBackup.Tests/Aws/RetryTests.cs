using System.Diagnostics;
using FinBackup.Aws.Protocol;
using FinBackup.Aws.Services.Rds;
using FinBackup.Domain;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Aws;

/// <summary>
/// A loopback proxy in front of moto answers chosen requests with throttling / 5xx / auth errors:
/// retryable ones are retried (and then succeed), permanent ones are not (counted at the proxy).
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class RetryTests
{
    private readonly MotoServer _moto;

    public RetryTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private static CannedResponse QueryError(int status, string code) =>
        new(status, $"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>injected {code}</Message></Error><RequestId>req-{code}</RequestId></ErrorResponse>");

    private static CannedResponse JsonError(int status, string code) =>
        new(status, $"{{\"__type\":\"com.amazonaws.secretsmanager#{code}\",\"message\":\"injected {code}\"}}", "application/x-amz-json-1.1",
            new Dictionary<string, string> { ["x-amzn-RequestId"] = "req-json" });

    [Theory]
    [InlineData(400, "Throttling")]
    [InlineData(400, "RequestLimitExceeded")]
    [InlineData(503, "ServiceUnavailable")]
    [InlineData(500, "InternalFailure")]
    public async Task Query_protocol_retries_throttling_and_5xx_then_succeeds(int status, string code)
    {
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (n, _) => n <= 2 ? QueryError(status, code) : null);
        using var ctx = AwsTestContext.For(proxy.EndpointUrl, maxAttempts: 3);
        var instances = await ctx.Rds("us-east-1").DescribeDBInstancesAsync();
        Assert.Empty(instances);
        Assert.Equal(3, proxy.Requests.Count);
        Assert.All(proxy.Requests, r => Assert.StartsWith("AWS4-HMAC-SHA256 ", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Json_protocol_retries_a_bare_503_then_succeeds()
    {
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (n, _) => n == 1 ? new CannedResponse(503, "Service Unavailable", "text/plain") : null);
        using var ctx = AwsTestContext.For(proxy.EndpointUrl);
        var info = await ctx.SecretsManager("us-west-2").CreateSecretAsync("fin/restore/inventory", "{}");
        Assert.Contains(":us-west-2:", info.Arn);
        Assert.Equal(2, proxy.Requests.Count);
    }

    [Fact]
    public async Task Rest_json_retries_ThrottlingException_from_the_error_type_header()
    {
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (n, _) => n == 1
            ? new CannedResponse(429, "{\"message\":\"Rate exceeded\"}", "application/json", new Dictionary<string, string> { ["x-amzn-ErrorType"] = "ThrottlingException:http://internal.amazon.com/coral/" })
            : null);
        using var ctx = AwsTestContext.For(proxy.EndpointUrl);
        var vault = await ctx.Backup("us-east-1").CreateBackupVaultAsync("fin-backup-vault");
        Assert.NotNull(vault.Arn);
        Assert.Equal(2, proxy.Requests.Count);
    }

    [Fact]
    public async Task A_permanent_error_from_moto_is_not_retried()
    {
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, _) => null);
        using var ctx = AwsTestContext.For(proxy.EndpointUrl, maxAttempts: 5);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => ctx.Rds("us-east-1").DeleteDBSnapshotAsync("no-such-snapshot"));
        Assert.Equal("DBSnapshotNotFound", ex.ErrorCode);
        Assert.Single(proxy.Requests);
    }

    [Fact]
    public async Task A_validation_error_is_not_retried_and_keeps_code_message_and_request_id()
    {
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, _) => QueryError(400, "InvalidParameterValue"));
        using var ctx = AwsTestContext.For(proxy.EndpointUrl, maxAttempts: 5);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => ctx.Rds("us-east-1").DescribeDBInstancesAsync());
        Assert.Single(proxy.Requests);
        Assert.Equal("InvalidParameterValue", ex.ErrorCode);
        Assert.Equal("injected InvalidParameterValue", ex.AwsMessage);
        Assert.Equal("req-InvalidParameterValue", ex.RequestId);
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("FinAwsInvalidRequest", ex.ErrorId);
        Assert.Equal(FinErrorKind.InvalidArgument, ex.Kind);
    }

    [Fact]
    public async Task Persistent_throttling_gives_up_after_max_attempts_with_a_throttled_error()
    {
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, _) => QueryError(400, "Throttling"));
        using var ctx = AwsTestContext.For(proxy.EndpointUrl, maxAttempts: 4);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => ctx.Rds("us-east-1").DescribeDBInstancesAsync());
        Assert.Equal(4, proxy.Requests.Count);
        Assert.Equal("FinAwsThrottled", ex.ErrorId);
        Assert.Equal(FinErrorKind.LimitsExceeded, ex.Kind);
        Assert.NotNull(ex.RecommendedAction);
    }

    [Theory]
    [InlineData("InvalidClientTokenId", "FinAwsCredentialsRejected")]
    [InlineData("SignatureDoesNotMatch", "FinAwsCredentialsRejected")]
    [InlineData("UnrecognizedClientException", "FinAwsCredentialsRejected")]
    [InlineData("ExpiredToken", "FinAwsTokenExpired")]
    [InlineData("ExpiredTokenException", "FinAwsTokenExpired")]
    public async Task Authentication_failures_are_never_retried_and_have_their_own_error_id(string code, string errorId)
    {
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, _) => JsonError(400, code));
        using var ctx = AwsTestContext.For(proxy.EndpointUrl, maxAttempts: 5);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => ctx.SecretsManager("us-east-1").ListSecretsAsync());
        Assert.Single(proxy.Requests);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(FinErrorKind.AuthenticationError, ex.Kind);
        Assert.Equal("req-json", ex.RequestId);
    }

    [Fact]
    public async Task Cancellation_stops_a_call_that_is_waiting_for_the_server()
    {
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, _) => new CannedResponse(200, "<x/>", Delay: TimeSpan.FromSeconds(30)));
        using var ctx = AwsTestContext.For(proxy.EndpointUrl);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ctx.Rds("us-east-1").DescribeDBInstancesAsync(cancellationToken: cts.Token));
        Assert.Single(proxy.Requests);
    }

    [Fact]
    public async Task Cancellation_stops_the_backoff_between_retries()
    {
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, _) => QueryError(503, "ServiceUnavailable"));
        var ctx = AwsTestContext.For(proxy.EndpointUrl, maxAttempts: 5);
        ctx.RetryOptions.BaseDelay = TimeSpan.FromSeconds(20);
        ctx.RetryOptions.MaxBackoff = TimeSpan.FromSeconds(20);
        using (ctx)
        {
            using var cts = new CancellationTokenSource();
            var call = ctx.Rds("us-east-1").DescribeDBInstancesAsync(cancellationToken: cts.Token);
            while (proxy.Requests.Count == 0) await Task.Delay(20);
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
            Assert.True(proxy.Requests.Count <= 2);
        }
    }

    [Fact]
    public async Task An_attempt_that_exceeds_its_deadline_is_retried_once_then_reported_as_a_timeout()
    {
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, _) => new CannedResponse(200, "<x/>", Delay: TimeSpan.FromSeconds(10)));
        var ctx = AwsTestContext.For(proxy.EndpointUrl, maxAttempts: 5);
        ctx.RetryOptions.AttemptTimeout = TimeSpan.FromMilliseconds(300);
        using (ctx)
        {
            var ex = await Assert.ThrowsAsync<FinBackupException>(() => ctx.Rds("us-east-1").DescribeDBInstancesAsync());
            Assert.Equal("FinAwsTimeout", ex.ErrorId);
            Assert.Equal(FinErrorKind.OperationTimeout, ex.Kind);
            // The client's own count: under load the second attempt can time out before the proxy has read its request.
            Assert.Contains("(2 attempt(s))", ex.Message);
            Assert.InRange(proxy.Requests.Count, 1, 2);
        }
    }

    [Fact]
    public async Task A_refused_connection_is_one_clear_connection_error()
    {
        var port = MotoServer.FreePort(); // nothing listens there
        using var ctx = AwsTestContext.For($"http://127.0.0.1:{port}", maxAttempts: 5);
        var ex = await Assert.ThrowsAsync<FinBackupException>(() => ctx.Rds("us-east-1").DescribeDBInstancesAsync());
        Assert.Equal("FinAwsEndpointUnreachable", ex.ErrorId);
        Assert.Equal(FinErrorKind.ConnectionError, ex.Kind);
        Assert.Contains($"127.0.0.1:{port}", ex.Message);
    }
}
