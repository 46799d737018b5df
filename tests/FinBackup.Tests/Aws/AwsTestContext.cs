using Amazon.Runtime;
using FinBackup.Aws;
using FinBackup.Aws.Protocol;

namespace FinBackup.Tests.Aws;

/// <summary>Builds client contexts against a test endpoint with moto's dummy credentials and fast retries.</summary>
internal static class AwsTestContext
{
    static AwsTestContext() => Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");

    public static AwsClientContext For(string endpointUrl, string region = "us-east-1", int maxAttempts = 3) =>
        new(new BasicAWSCredentials("testing", "testing"), region, endpointUrl)
        {
            RetryOptions = new AwsRetryOptions
            {
                MaxAttempts = maxAttempts,
                BaseDelay = TimeSpan.FromMilliseconds(20),
                MaxBackoff = TimeSpan.FromMilliseconds(200),
                AttemptTimeout = TimeSpan.FromSeconds(20),
                // Looks after an ambiguous failure (a reset, a 5xx) before sending again: short, so a fault that never
                // reached moto costs a test seconds, not the production 20 s.
                ResendSettle = TimeSpan.FromSeconds(3),
            },
        };
}
