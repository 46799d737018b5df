# FinBackup demo: starts the local AWS sandbox, shows the bank's estate, and (as later capabilities land) runs a backup
# cycle, a cross-region copy, restores, a recovery drill in the DR region and a compliance report against it. Everything
# happens in moto on 127.0.0.1; nothing touches AWS. Run it after building (it imports the built module by path):
#
#   dotnet tool restore && dotnet build FinBackup.sln -c Release && dotnet pwsh -NoProfile -File examples/demo.ps1
#   (or: dotnet pwsh -File build.ps1 -Task Demo)
#
# Needs moto_server (pip install "moto[server]"). Cleans up after itself: the sandbox is stopped and the temp folder removed.

$ErrorActionPreference = 'Stop'
$built = Join-Path $PSScriptRoot '../out/FinBackup/FinBackup.psd1'
if (Test-Path -LiteralPath $built) { Import-Module $built }
elseif (Get-Module -ListAvailable -Name FinBackup) { Import-Module FinBackup }
else { throw "FinBackup is not built: run 'dotnet build FinBackup.sln -c Release' in the repository root first." }

$sandbox = $null
$work = Join-Path ([System.IO.Path]::GetTempPath()) "finbackup-demo-$PID"
try {
    # --- sandbox ---
    '== Starting the FinBackup sandbox (moto_server on 127.0.0.1) and seeding the estate'
    $sandbox = Start-FinSandbox
    $sandbox | Out-Host

    # --- estate ---
    '== Connection (session defaults now point at the sandbox)'
    Test-FinAwsConnection | Out-Host
    Test-FinAwsConnection -Region $sandbox.DrRegion | Out-Host

    '== Estate'
    ('{0} applications; {1} EC2 instances with {2} EBS volumes ({3} GiB declared); {4} RDS PostgreSQL instances ({5} GiB declared)' -f
        $sandbox.Applications, $sandbox.Ec2Instances, $sandbox.EbsVolumes, $sandbox.EbsDeclaredGiB, $sandbox.RdsInstances, $sandbox.RdsDeclaredGiB)
    ('KMS keys (alias/fin-backup): {0}; backup buckets: {1}; restore secrets: {2}; Backup vaults: {3}' -f
        $sandbox.KmsKeys, $sandbox.Buckets, $sandbox.Secrets, $sandbox.BackupVaults)
    foreach ($region in $sandbox.PrimaryRegion, $sandbox.DrRegion) {
        ('  {0}: key {1}' -f $region, $sandbox.KmsKeyArns[$region])
    }

    # --- policy ---
    '== The brief as written, checked before it runs (its inconsistencies are reported)'
    Import-FinBackupPolicy "$PSScriptRoot/finco.policy.psd1" | Test-FinBackupPolicy -ErrorAction SilentlyContinue | Out-Host

    '== The recommended policy: no errors'
    $policy = Import-FinBackupPolicy "$PSScriptRoot/finco.recommended.policy.psd1"
    $policy | Test-FinBackupPolicy | Out-Host

    '== What it protects, found by the fin:application tag'
    $resources = $policy | Get-FinResource
    $resources | Out-Host

    # --- backup cycle ---
    '== New recovery points for every protected resource (EBS snapshot sets, RDS snapshots), tagged with window and expiry'
    $points = $resources | New-FinSnapshot -Wait
    $points | Out-Host

    '== Running it again in the same window takes nothing new (idempotent)'
    $again = $resources | New-FinSnapshot
    ('{0} points returned, all already existing: {1}' -f @($again).Count, (@($again | Where-Object { $points.RecoveryPointId -contains $_.RecoveryPointId }).Count -eq @($again).Count))

    # --- copy ---
    '== Copies in the DR region, re-encrypted with the DR key and carrying their lineage'
    $points | Copy-FinBackupToRegion -Wait | Out-Host

    # --- restore ---
    '== Restores: a sandbox drill (the recommended policy asks for an approved plan; the drill copy lists no approvers)'
    $drill = Import-FinBackupPolicy "$PSScriptRoot/finco.recommended.policy.psd1"
    foreach ($a in $drill.Applications) { $a.RestoreApprovers.Clear() }
    '== A database from its newest snapshot: a new instance, recorded class and groups, master password from Secrets Manager'
    $dbRestore = Get-FinRecoveryPoint -Policy $drill -Kind RdsSnapshot -Application 'Cross-sell' -Region $sandbox.PrimaryRegion -Latest |
        Invoke-FinRestore -Policy $drill -TargetDBInstanceIdentifier cross-sell-db-restored -Wait -Confirm:$false
    $dbRestore | Out-Host
    '== An instance from the newest AMI, in the subnet, security groups and type recorded at backup time'
    $vmRestore = Get-FinRecoveryPoint -Policy $drill -Kind Ami -Application 'Cross-sell' -Region $sandbox.PrimaryRegion -Latest |
        Invoke-FinRestore -Policy $drill -Wait -Confirm:$false
    $vmRestore | Out-Host
    ('Restored {0} and {1}; each took {2:N1} s and {3:N1} s against an RTO of {4}' -f $dbRestore.ResourceIds[0], $vmRestore.ResourceIds[0],
        $dbRestore.Duration.TotalSeconds, $vmRestore.Duration.TotalSeconds, $dbRestore.TargetRto)
    '== The newest AMI rolled into the Auto Scaling group: a launch template version, then instances replaced batch by batch'
    $roll = Get-FinRecoveryPoint -Policy $drill -Kind Ami -Application 'Cross-sell' -Region $sandbox.PrimaryRegion -Latest |
        Invoke-FinRestore -Policy $drill -AutoScalingGroupName cross-sell-asg -Strategy Replace -BatchSize 1 -Confirm:$false
    $roll | Out-Host
    $rollParts = @($roll.Detail -split '; ')
    ('Roll {0}: {1} ({2:N1} s)' -f $roll.Status, $rollParts[0], $roll.Duration.TotalSeconds)
    $rollParts | Select-Object -Skip 1 | ForEach-Object { "  $_" }
    foreach ($stage in $roll.Stages) { "  $stage" }
    '== The drill cleaned up: only what the restores created (by their fin:restore-id tag)'
    $dbRestore, $vmRestore | Remove-FinRestoredResource -Policy $drill -Force -Confirm:$false | Out-Host

    # --- recovery drill in the DR region ---
    '== A recovery drill of Cross-sell in the DR region: rebuilt from blueprint and DR copies, validated, recorded, removed'
    $null = Export-FinRecoveryBlueprint -Policy $drill -Application 'Cross-sell'
    $record = Start-FinRecoveryDrill -Policy $drill -Application 'Cross-sell' -Region $sandbox.DrRegion -Confirm:$false
    $record | Out-Host
    $record.Steps | Format-Table Order, Name, Tier, Outcome,
        @{ Name = 'Seconds'; Expression = { if ($_.CompletedAt) { '{0:N2}' -f ($_.CompletedAt - $_.StartedAt).TotalSeconds } } } | Out-Host
    ('Measured RTO {0:N1} s against {1}; achieved RPO {2:N1} s' -f $record.MeasuredRto.TotalSeconds, $record.TargetRto, $record.AchievedRpo.TotalSeconds)
    ('Drill record: {0}' -f $record.Location)

    # --- file backups and restore ---
    '== File-level backup of a directory to the backup bucket (content-addressed, SSE-KMS), then a verified restore'
    $null = [System.IO.Directory]::CreateDirectory("$work/ledger")
    foreach ($i in 1..20) { [System.IO.File]::WriteAllText("$work/ledger/entry-$i.txt", "ledger entry $i") }
    $fileBackup = Backup-FinFile -Path "$work/ledger" -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup -Application 'Agent payment' -Retention 12h
    $fileBackup | Out-Host
    $fileBackup | Invoke-FinRestore -Destination "$work/restored" -Confirm:$false | Out-Host

    # --- report ---
    '== Recovery points now held, across both regions'
    Get-FinRecoveryPoint -Policy $policy | Out-Host
    '== Expiry: what would go and why the rest stays (-WhatIf)'
    Remove-FinExpiredBackup -Policy $policy -WhatIf | Out-Host

    # --- compliance ---
    '== Compliance: every control for every application (Unknown where the audit trail or a drill does not exist yet)'
    $findings = @(Test-FinCompliance -Policy $policy)
    foreach ($status in 'Compliant', 'NonCompliant', 'Unknown') {
        ('{0,-12} {1}' -f $status, @($findings | Where-Object Status -eq $status).Count)
    }
    $findings | Where-Object Status -eq 'NonCompliant' | Out-Host
    '(RestoreApproved is NonCompliant on purpose: the restores above ran under a copy of the policy whose'
    ' RestoreApprovers the demo cleared; the audit trail shows they had no approval: what an auditor must see.)'
    '== The auditor-ready report (one self-contained HTML page; -Format Csv or Json for the same rows)'
    New-Item -ItemType Directory -Path $work -Force | Out-Null
    $reportPath = Join-Path $work 'finbackup-demo-compliance.html'
    $report = Export-FinComplianceReport -Policy $policy -Path $reportPath -Force
    ('Compliance report: {0} ({1:N0} bytes)' -f $report.FullName, $report.Length)

    # --- audit trail ---
    '== The audit trail: every change above, one chained record each (who, what, result), verified by Test-FinAuditLog'
    Get-FinAuditEvent -Policy $policy | Group-Object Action -NoElement | Sort-Object Name | Format-Table Count, Name -AutoSize | Out-Host
    Test-FinAuditLog -Policy $policy | Out-Host
}
finally {
    if (Test-Path -LiteralPath $work) { Remove-Item -LiteralPath $work -Recurse -Force }
    if ($sandbox) {
        '== Stopping the sandbox'
        Stop-FinSandbox -Confirm:$false
    }
}
