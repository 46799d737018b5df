using System.Net.Http;
using System.Xml.Linq;
using Amazon.EC2.Model;
using FinBackup.Aws.Protocol;
using FinBackup.Aws.Services.Rds;
using FinBackup.Domain;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Aws;

[Collection(MotoCollection.Name)]
public sealed class PagingAndProtocolTests
{
    private readonly MotoServer _moto;

    public PagingAndProtocolTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private static string SnapshotPage(string id, string? marker) =>
        $"<DescribeDBSnapshotsResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><DescribeDBSnapshotsResult>" +
        (marker == null ? "" : $"<Marker>{marker}</Marker>") +
        $"<DBSnapshots><DBSnapshot><DBSnapshotIdentifier>{id}</DBSnapshotIdentifier><SnapshotType>manual</SnapshotType><Status>available</Status>" +
        "<SnapshotCreateTime>2026-11-23T19:00:05.123Z</SnapshotCreateTime><AllocatedStorage>10240</AllocatedStorage><Encrypted>true</Encrypted>" +
        "<TagList><Tag><Key>fin:policy</Key><Value>finco</Value></Tag></TagList></DBSnapshot></DBSnapshots>" +
        "</DescribeDBSnapshotsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeDBSnapshotsResponse>";

    [Fact]
    public async Task Rds_follows_Marker_paging_and_sends_the_marker_back()
    {
        using var proxy = new LoopbackProxy(null, (n, _) => new CannedResponse(200, n switch
        {
            1 => SnapshotPage("s-1", "m/2+"),
            2 => SnapshotPage("s-2", "m3"),
            _ => SnapshotPage("s-3", null),
        }));
        using var ctx = AwsTestContext.For(proxy.EndpointUrl);
        var snaps = await ctx.Rds("us-east-1").DescribeDBSnapshotsAsync(new RdsSnapshotQuery { InstanceIdentifier = "cross-sell-db", SnapshotType = "manual" });
        Assert.Equal(new[] { "s-1", "s-2", "s-3" }, snaps.Select(s => s.Identifier));
        Assert.Equal(new DateTime(2026, 11, 23, 19, 0, 5, 123, DateTimeKind.Utc), snaps[0].CreateTime);
        Assert.Equal(DateTimeKind.Utc, snaps[0].CreateTime!.Value.Kind);
        Assert.Equal("finco", snaps[0].Tags["fin:policy"]);
        Assert.True(snaps[0].Encrypted);
        Assert.Equal(3, proxy.Requests.Count);
        Assert.DoesNotContain("Marker=", proxy.Requests[0].BodyText);
        Assert.Contains("Marker=m%2F2%2B", proxy.Requests[1].BodyText);
        Assert.Contains("Marker=m3", proxy.Requests[2].BodyText);
        Assert.All(proxy.Requests, r => Assert.Contains("DBInstanceIdentifier=cross-sell-db", r.BodyText));
        Assert.All(proxy.Requests, r => Assert.Contains("Version=2014-10-31", r.BodyText));
    }

    [Fact]
    public async Task A_service_that_repeats_its_token_does_not_loop_forever()
    {
        using var proxy = new LoopbackProxy(null, (_, _) => new CannedResponse(200, "{\"SecretList\":[{\"Name\":\"fin/restore/x\"}],\"NextToken\":\"same\"}", "application/x-amz-json-1.1"));
        using var ctx = AwsTestContext.For(proxy.EndpointUrl);
        var secrets = await ctx.SecretsManager("us-east-1").ListSecretsAsync();
        Assert.Equal(2, secrets.Count);
        Assert.Equal(2, proxy.Requests.Count);
        Assert.Equal("secretsmanager.ListSecrets", proxy.Requests[0].Headers["X-Amz-Target"]);
        Assert.StartsWith("application/x-amz-json-1.1", proxy.Requests[0].Headers["Content-Type"]);
    }

    [Fact]
    public async Task Rest_xml_client_works_against_moto_route53()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var client = new RestXmlProtocolClient(ctx.Credentials, AwsServiceEndpoint.Global("route53.amazonaws.com", "route53", _moto.EndpointUrl), ctx.RetryOptions);
        XNamespace ns = "https://route53.amazonaws.com/doc/2013-04-01/";
        var body = new XElement(ns + "CreateHostedZoneRequest",
            new XElement(ns + "Name", "fin.example.internal."),
            new XElement(ns + "CallerReference", Guid.NewGuid().ToString()));
        var created = await client.SendAsync("CreateHostedZone", HttpMethod.Post, "/2013-04-01/hostedzone", null, body, CancellationToken.None);
        Assert.Equal("fin.example.internal.", created!.Child("HostedZone").Text("Name"));
        var list = await client.SendAsync("ListHostedZones", HttpMethod.Get, "/2013-04-01/hostedzone", null, null, CancellationToken.None);
        Assert.Contains(list!.Items("HostedZones"), z => z.Text("Name") == "fin.example.internal.");

        var missing = await Assert.ThrowsAsync<AwsServiceException>(() =>
            client.SendAsync("GetHostedZone", HttpMethod.Get, "/2013-04-01/hostedzone/ZNOSUCHZONE", null, null, CancellationToken.None));
        Assert.Equal("NoSuchHostedZone", missing.ErrorCode);
        Assert.Equal("FinAwsNotFound", missing.ErrorId);
    }

    [Fact]
    public async Task Sdk_client_errors_translate_to_the_same_FinBackup_errors()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ctx.Ec2("us-east-1").DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = new List<string> { "vol-0000000000000000f" } }));
        Assert.True(AwsSdkErrorTranslator.CanTranslate(ex));
        var fin = Assert.IsType<AwsServiceException>(AwsSdkErrorTranslator.Translate(ex, "ec2", "DescribeVolumes"));
        Assert.Equal("InvalidVolume.NotFound", fin.ErrorCode);
        Assert.Equal("FinAwsNotFound", fin.ErrorId);

        using var dead = AwsTestContext.For($"http://127.0.0.1:{MotoServer.FreePort()}");
        var down = await Assert.ThrowsAnyAsync<Exception>(() => dead.Ec2("us-east-1").DescribeVolumesAsync(new DescribeVolumesRequest()));
        Assert.True(AwsSdkErrorTranslator.CanTranslate(down), down.GetType().FullName);
        Assert.Equal("FinAwsEndpointUnreachable", AwsSdkErrorTranslator.Translate(down, "ec2", "DescribeVolumes").ErrorId);
    }
}

public sealed class ClientContextTests
{
    [Fact]
    public void A_misspelt_region_for_one_call_fails_with_FinRegionUnknown_before_any_request()
    {
        using var ctx = new FinBackup.Aws.AwsClientContext(new Amazon.Runtime.BasicAWSCredentials("a", "b"), "us-east-1");
        var ex = Assert.Throws<FinBackupException>(() => ctx.Rds("us-wset-2"));
        Assert.Equal("FinRegionUnknown", ex.ErrorId);
        Assert.NotNull(ctx.Rds("us-west-2"));
        Assert.Equal("https://rds.us-west-2.amazonaws.com/", ctx.ServiceEndpoint("rds", "rds", "RDS", "us-west-2").BaseUri.ToString());
        Assert.Equal("https://secretsmanager.cn-north-1.amazonaws.com.cn/", ctx.ServiceEndpoint("secretsmanager", "secretsmanager", "SECRETS_MANAGER", "cn-north-1").BaseUri.ToString());
        Assert.Same(ctx.Backup("us-west-2"), ctx.Backup("us-west-2"));
        Assert.Equal("us-east-1", ctx.SecretsManager().Region);
    }
}
