using System.Management.Automation;
using System.Net;
using System.Text;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Aws;

/// <summary>
/// Bad credentials and expired tokens through Test-FinAwsConnection: a loopback server answers STS like AWS does
/// (moto does not check signatures). One error each, with its own id, and exactly one request (no retry storm).
/// </summary>
public sealed class AuthErrorTests
{
    private sealed class StsErrorServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private int _requests;

        public StsErrorServer(int status, string code)
        {
            Port = MotoServer.FreePort();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try { ctx = await _listener.GetContextAsync(); } catch (Exception) { return; }
                    Interlocked.Increment(ref _requests);
                    var body = Encoding.UTF8.GetBytes($"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>rid-{code}</RequestId></ErrorResponse>");
                    ctx.Response.StatusCode = status;
                    ctx.Response.ContentType = "text/xml";
                    await ctx.Response.OutputStream.WriteAsync(body);
                    ctx.Response.Close();
                }
            });
        }

        public int Port { get; }
        public int Requests => Volatile.Read(ref _requests);
        public void Dispose() { try { _listener.Stop(); _listener.Close(); } catch (Exception) { } }
    }

    [Theory]
    [InlineData(403, "InvalidClientTokenId", "FinAwsCredentialsRejected")]
    [InlineData(403, "SignatureDoesNotMatch", "FinAwsCredentialsRejected")]
    [InlineData(403, "ExpiredToken", "FinAwsTokenExpired")]
    public void Each_auth_failure_is_one_error_after_one_request(int status, string code, string errorId)
    {
        using var server = new StsErrorServer(status, code);
        using var host = new ModuleHost();
        var r = host.Run($"Test-FinAwsConnection -Region us-east-1 -EndpointUrl http://127.0.0.1:{server.Port} -AccessKey AKIAEXAMPLE -SecretKey s -SessionToken t");
        var e = Assert.Single(r.Errors);
        Assert.Equal($"{errorId},FinBackup.Cmdlets.TestFinAwsConnectionCommand", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, e.CategoryInfo.Category);
        Assert.Contains(code, e.Exception.Message);
        Assert.Contains("rid-" + code, e.Exception.Message);
        Assert.False(string.IsNullOrEmpty(e.ErrorDetails?.RecommendedAction));
        Assert.Equal(1, server.Requests);
        Assert.Empty(r.Output);
    }
}
