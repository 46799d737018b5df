using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.RecoveryPoints;

/// <summary>Test-FinRecoveryPoint in the built module: pipeline by value, one FinRecoveryPointCheck per point, plain values.</summary>
[Collection(MotoCollection.Name)]
public sealed class TestFinRecoveryPointTests : IDisposable
{
    private readonly MotoServer _moto;
    private readonly string _root;
    private readonly string _conn;

    public TestFinRecoveryPointTests(MotoServer moto)
    {
        moto.Reset();
        _moto = moto;
        new HttpClient().PutAsync(moto.EndpointUrl + "/fin-backup-use1", null).GetAwaiter().GetResult().EnsureSuccessStatusCode();
        _root = Directory.CreateTempSubdirectory("finps-check-").FullName;
        Environment.SetEnvironmentVariable("FINBACKUP_CACHE_DIR", Path.Combine(_root, "cache"));
        _conn = $"-Region us-east-1 -AccessKey testing -SecretKey testing -EndpointUrl {moto.EndpointUrl}";
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("FINBACKUP_CACHE_DIR", null);
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    [Fact]
    public void A_file_backup_from_the_pipeline_is_checked_read_and_exported_as_plain_values()
    {
        var src = Path.Combine(_root, "src", "ledger");
        Directory.CreateDirectory(src);
        File.WriteAllText(Path.Combine(src, "a.dat"), "alpha");
        File.WriteAllText(Path.Combine(src, "b.dat"), "beta");
        using var host = new ModuleHost();
        var r = host.Run(
            $"$p = Backup-FinFile -Path '{src}' -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup -Application 'Agent payment' {_conn} ; $p = @($p)[0]; " +
            $"$p | Test-FinRecoveryPoint -ReadData {_conn}");
        Assert.Empty(r.Errors);
        var check = Assert.Single(r.Output);
        Assert.Equal("FinBackup.Domain.RecoveryPoints.FinRecoveryPointCheck", check.BaseObject.GetType().FullName);
        Assert.Equal("Passed", check.Properties["Status"].Value);
        Assert.Equal("FileBackup", check.Properties["Kind"].Value);
        Assert.Equal(2, check.Properties["FilesRead"].Value);
        Assert.Equal(9L, check.Properties["BytesRead"].Value);

        // Plain values only (ConvertTo-Json and Export-Csv export them as they are; the engine from NuGet has no Utility module to run them).
        var plain = new[] { typeof(string), typeof(int), typeof(long), typeof(bool), typeof(double), typeof(string[]), typeof(DateTime), typeof(TimeSpan) };
        Assert.All(check.Properties, prop => Assert.Contains(prop.Value?.GetType() ?? typeof(string), plain));

        // The default view is registered and fits 120 columns (fixed widths plus separators leave room for Problems).
        var view = System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.ModuleDirectory, "Verification.Format.ps1xml"));
        Assert.Contains(view.Descendants("TypeName"), t => t.Value == "FinBackup.Domain.RecoveryPoints.FinRecoveryPointCheck");
        var widths = view.Descendants("Width").Select(w => int.Parse(w.Value)).ToList();
        Assert.True(widths.Sum() + widths.Count < 110, "fixed columns take " + (widths.Sum() + widths.Count));
    }

    [Fact]
    public void A_point_whose_manifest_is_gone_fails_with_a_warning_and_the_problem()
    {
        using var host = new ModuleHost();
        var r = host.Run(
            "$p = [FinBackup.Domain.RecoveryPoints.FinRecoveryPoint]::new(); $p.RecoveryPointId = 'manifests/agent-payment/20261201T1000Z/gone.json'; " +
            "$p.Kind = 'FileBackup'; $p.Region = 'us-east-1'; $p.Bucket = 'fin-backup-use1'; " +
            $"$p | Test-FinRecoveryPoint {_conn}");
        Assert.Empty(r.Errors);
        var check = Assert.Single(r.Output);
        Assert.Equal("Failed", check.Properties["Status"].Value);
        Assert.Contains("gone.json", ((string[])check.Properties["Problems"].Value)[0]);
        Assert.Contains(r.Warnings, w => w.Contains("failed its check"));
    }
}
