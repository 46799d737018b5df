using Amazon.Runtime;
using FinBackup.Aws;
using FinBackup.Aws.Files;
using FinBackup.Domain;
using FinBackup.Domain.Files;
using FinBackup.Tests.Aws;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Files;

/// <summary>
/// Found by the fault bench (bench/faults, issue 13): a manifest GET whose reply was cut short mid-body was reported as
/// FinFileManifestInvalid ("check that the object ... was not modified": a tampering alarm for an auditor) instead of a
/// connection failure worth a retry.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class ManifestReadFaultTests
{
    private readonly MotoServer _moto;

    public ManifestReadFaultTests(MotoServer moto) => _moto = moto;

    [Fact]
    public void A_manifest_reply_cut_short_is_a_connection_failure_not_an_invalid_manifest()
    {
        using var bed = new FilesTestBed(_moto);
        var src = bed.MakeLedger();
        var result = new FileBackupEngine(bed.Store, FilesTestBed.SmallSettings()).Run(bed.Request(src), null, default);
        var key = result.RecoveryPoint.RecoveryPointId;

        // Every GET of the manifest loses its reply half way (the request reached S3; the answer did not arrive whole).
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, req) =>
            req.Method == "GET" && req.PathAndQuery.Contains("/manifests/") && !req.PathAndQuery.Contains("list-type") ? CannedResponse.LostReply : null);
        using var ctx = new AwsClientContext(new BasicAWSCredentials("testing", "testing"), FilesTestBed.Primary, proxy.EndpointUrl);
        var store = new S3FileBackupStore(ctx, FilesTestBed.Primary);

        var ex = Assert.Throws<FinBackupException>(() => store.GetManifest(FilesTestBed.PrimaryBucket, key, default));
        Assert.NotEqual("FinFileManifestInvalid", ex.ErrorId);
        Assert.Equal(FinErrorKind.ConnectionError, ex.Kind);

        // Without the fault the same manifest reads fine: nothing was wrong with the object.
        Assert.Equal(key, bed.Store.GetManifest(FilesTestBed.PrimaryBucket, key, default).Key);
    }
}
