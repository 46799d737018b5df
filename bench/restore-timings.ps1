# Restore timings per kind on the sandbox: starts moto (Start-FinSandbox), takes points, then restores each kind -Runs times
# and prints, per restore, FinBackup's Duration, the wall time of the Invoke-FinRestore call, and every stage of
# FinRestoreResult.Stages; at the end a summary per kind (min / median / max wall seconds). Never asserted anywhere:
# results are written up by hand in bench/restore-timings.md.
#
#   dotnet pwsh -File ./bench/restore-timings.ps1                    # after dotnet build FinBackup.sln -c Release
#   dotnet pwsh -File ./bench/restore-timings.ps1 -Runs 5
#
# What moto cannot show (and this script therefore does not measure): volume initialization (the rate, lazy loading of
# blocks from S3 on first read), real RDS restore time (moto's DB instances are "available" at once), instance boot, the
# Auto Scaling health checks and warm-up, and AWS Backup restore jobs (moto 5.2.1 implements none of them) - see
# bench/restore-timings.md.
param([int] $Runs = 3)

$ErrorActionPreference = 'Stop'
$built = Join-Path $PSScriptRoot '../out/FinBackup/FinBackup.psd1'
if (Test-Path -LiteralPath $built) { Import-Module $built } else { Import-Module FinBackup }

function Measure-Restore([string] $Label, [scriptblock] $Restore) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    try {
        $result = & $Restore
    }
    catch {
        Write-Host ('  {0}: {1}' -f $Label, $_.Exception.Message)
        throw
    }
    $sw.Stop()
    $result = @($result)[-1]
    [pscustomobject]@{
        Kind     = $Label
        Status   = $result.Status
        WallS    = [math]::Round($sw.Elapsed.TotalSeconds, 3)
        FinS     = if ($result.Duration) { [math]::Round($result.Duration.TotalSeconds, 3) } else { $null }
        Resource = ($result.ResourceIds -join ', ')
        Stages   = $result.Stages
        Result   = $result
        Removed  = $false
    }
}

$sandbox = $null
$rows = [System.Collections.Generic.List[object]]::new()
$work = "$([System.IO.Path]::GetTempPath())finbackup-restore-bench-$PID"
try {
    $sandbox = Start-FinSandbox
    $region = $sandbox.PrimaryRegion
    # A drill copy of the recommended policy: no RestoreApprovers, so direct restores run (as in examples/demo.ps1).
    $policy = Import-FinBackupPolicy "$PSScriptRoot/../examples/finco.recommended.policy.psd1"
    foreach ($a in $policy.Applications) { $a.RestoreApprovers.Clear() }

    '== Taking the points (snapshot sets, AMIs, RDS snapshots) and one file backup'
    $null = $policy | Get-FinResource | New-FinSnapshot -Wait
    $null = [System.IO.Directory]::CreateDirectory("$work/ledger")
    $payload = [byte[]]::new(1MB)
    [System.Random]::new(42).NextBytes($payload)
    foreach ($i in 1..32) { [System.IO.File]::WriteAllBytes("$work/ledger/entry-$i.bin", $payload) }
    $fileBackup = Backup-FinFile -Path "$work/ledger" -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup -Application 'Agent payment' -Retention 12h |
        Where-Object { $_.Kind -eq 'FileBackup' }

    # The sandbox seeds its Auto Scaling groups empty; give cross-sell-asg two instances (AWS CLI) so the roll replaces something.
    if (-not $env:AWS_ACCESS_KEY_ID) { $env:AWS_ACCESS_KEY_ID = 'testing'; $env:AWS_SECRET_ACCESS_KEY = 'testing' }
    & aws --endpoint-url $sandbox.EndpointUrl --region $region autoscaling update-auto-scaling-group --auto-scaling-group-name cross-sell-asg `
        --min-size 2 --max-size 4 --desired-capacity 2
    if ($LASTEXITCODE -ne 0) { throw 'aws autoscaling update-auto-scaling-group failed' }

    $set = Get-FinRecoveryPoint -Policy $policy -Kind EbsSnapshotSet -Application 'Cross-sell' -Region $region -Latest
    $ami = Get-FinRecoveryPoint -Policy $policy -Kind Ami -Application 'Cross-sell' -Region $region -Latest
    $rds = Get-FinRecoveryPoint -Policy $policy -Kind RdsSnapshot -Application 'Cross-sell' -Region $region -Latest
    $vault = @(Get-FinRecoveryPoint -Policy $policy -Kind BackupVaultPoint -Region $region -ErrorAction SilentlyContinue)
    ('Points: snapshot set {0} ({1} members), AMI {2}, RDS snapshot {3}, file backup {4}; AWS Backup vault points listed: {5} (moto implements no recovery-point listing)' -f
        $set.RecoveryPointId, @($set.SnapshotIds).Count, $ami.RecoveryPointId, $rds.RecoveryPointId, $fileBackup.RecoveryPointId, $vault.Count)

    foreach ($run in 1..$Runs) {
        "== Run $run of $Runs"
        $r = Measure-Restore 'EbsSnapshotSet' { $set | Invoke-FinRestore -Policy $policy -Wait -Confirm:$false }
        $rows.Add($r)
        $r = Measure-Restore 'Ami (instance)' { $ami | Invoke-FinRestore -Policy $policy -Wait -Confirm:$false }
        $rows.Add($r)
        $r = Measure-Restore 'RdsSnapshot' { $rds | Invoke-FinRestore -Policy $policy -TargetDBInstanceIdentifier "cross-sell-db-bench-$run" -Wait -Confirm:$false }
        $rows.Add($r)
        $r = Measure-Restore 'RDS point in time' {
            Invoke-FinRestore -Policy $policy -DBInstanceIdentifier cross-sell-db -UseLatestRestorableTime -TargetDBInstanceIdentifier "cross-sell-db-pitr-$run" -Region $region -Wait -Confirm:$false
        }
        $rows.Add($r)
        $r = Measure-Restore 'FileBackup (32 MiB)' { $fileBackup | Invoke-FinRestore -Destination "$work/restored-$run" -Confirm:$false }
        $rows.Add($r)
        $r = Measure-Restore 'Ami roll (Replace)' { $ami | Invoke-FinRestore -Policy $policy -AutoScalingGroupName cross-sell-asg -Strategy Replace -BatchSize 1 -Confirm:$false }
        $rows.Add($r)
        foreach ($row in $rows) {
            if ($row.Removed -or -not $row.Result -or $row.Kind -eq 'FileBackup (32 MiB)' -or $row.Kind -eq 'Ami roll (Replace)') { continue }
            $null = $row.Result | Remove-FinRestoredResource -Force -Confirm:$false
            $row.Removed = $true
        }
    }

    '== Every restore with its stages'
    foreach ($row in $rows) {
        ('{0,-20} {1,-9} wall {2,7:N3}s  FinBackup {3,7:N3}s  {4}' -f $row.Kind, $row.Status, $row.WallS, $row.FinS, $row.Resource)
        foreach ($s in $row.Stages) { "    $s" }
    }

    '== Summary per kind (wall seconds of the Invoke-FinRestore call, moto on 127.0.0.1; the minimal host has no Sort-Object)'
    $kinds = [System.Collections.Generic.List[string]]::new()
    foreach ($row in $rows) { if (-not $kinds.Contains($row.Kind)) { $kinds.Add($row.Kind) } }
    foreach ($kind in $kinds) {
        $w = [System.Collections.Generic.List[double]]::new()
        $statuses = [System.Collections.Generic.List[string]]::new()
        foreach ($row in $rows) {
            if ($row.Kind -ne $kind) { continue }
            $w.Add($row.WallS)
            if (-not $statuses.Contains([string]$row.Status)) { $statuses.Add([string]$row.Status) }
        }
        $w.Sort()
        ('{0,-20} runs {1}  min {2,7:N3}s  median {3,7:N3}s  max {4,7:N3}s  {5}' -f $kind, $w.Count, $w[0], $w[[int][math]::Floor(($w.Count - 1) / 2)], $w[$w.Count - 1], ($statuses -join ','))
    }
}
finally {
    if ($sandbox) { Stop-FinSandbox -Confirm:$false }
    if ([System.IO.Directory]::Exists($work)) { [System.IO.Directory]::Delete($work, $true) }
}
