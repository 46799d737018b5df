#!/usr/bin/env python3
"""Writes examples/ssm/*.json (FinBackup's SSM Command documents) from the PowerShell below.

The JSON files are the source Publish-FinSsmDocument embeds; this script only saves hand-escaping the scripts.
Run it after editing a script here:  python3 tools/ssm/make-documents.py
"""
import json, os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

COMMON_PARAMS = {
    "ModuleBucket": {"type": "String", "description": "The bucket holding the FinBackup module zip and the policy file (the policy's Schedule.ModuleBucket).",
                     "allowedPattern": "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"},
    "ModuleKey": {"type": "String", "default": "finbackup/FinBackup.zip", "description": "Key of the module zip (the contents of out/FinBackup) in ModuleBucket.",
                  "allowedPattern": "^[A-Za-z0-9!_.*()/-]{1,1024}$"},
    "ModuleVersion": {"type": "String", "default": "", "description": "Minimum module version; an older installed module is replaced from the bucket. Empty: install only when missing.",
                      "allowedPattern": "^[0-9.]{0,32}$"},
    "PolicyKey": {"type": "String", "description": "Key of the policy file (.psd1 or .json) in ModuleBucket.",
                  "allowedPattern": "^[A-Za-z0-9!_.*()/-]{1,1024}\\.(psd1|json)$"},
}

BOOTSTRAP = r"""
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$ConfirmPreference = 'None'
$finErrors = @()
trap { Write-Output ('ERROR {0}: {1}' -f $_.FullyQualifiedErrorId, $_.Exception.Message); exit 1 }
function Get-FinS3Object([string] $Bucket, [string] $Key, [string] $File) {
    if (Get-Command aws -ErrorAction SilentlyContinue) {
        & aws s3 cp "s3://$Bucket/$Key" $File --only-show-errors
        if ($LASTEXITCODE -ne 0) { throw "aws s3 cp s3://$Bucket/$Key failed with exit code $LASTEXITCODE." }
    } elseif (Get-Command Read-S3Object -ErrorAction SilentlyContinue) {
        Read-S3Object -BucketName $Bucket -Key $Key -File $File | Out-Null
    } else {
        throw 'Neither the AWS CLI nor AWS.Tools.S3 is installed; install one so the document can fetch the module and the policy.'
    }
}
$installed = Get-Module -ListAvailable -Name FinBackup | Sort-Object Version -Descending | Select-Object -First 1
$wanted = '{{ ModuleVersion }}'
if (-not $installed -or ($wanted -and $installed.Version -lt [version] $wanted)) {
    if ($IsLinux -or $IsMacOS) { $modules = '/usr/local/share/powershell/Modules' }
    elseif ($PSVersionTable.PSEdition -eq 'Core') { $modules = Join-Path $env:ProgramFiles 'PowerShell\Modules' }
    else { $modules = Join-Path $env:ProgramFiles 'WindowsPowerShell\Modules' }
    $zip = Join-Path ([IO.Path]::GetTempPath()) ('FinBackup-' + [guid]::NewGuid().ToString('n') + '.zip')
    Get-FinS3Object '{{ ModuleBucket }}' '{{ ModuleKey }}' $zip
    $target = Join-Path $modules 'FinBackup'
    if (Test-Path $target) { Remove-Item $target -Recurse -Force }
    Expand-Archive -Path $zip -DestinationPath $target -Force
    Remove-Item $zip -Force
    Write-Output "Installed the FinBackup module from s3://{{ ModuleBucket }}/{{ ModuleKey }} into $target."
}
Import-Module FinBackup -ErrorAction Stop
$policyFile = Join-Path ([IO.Path]::GetTempPath()) ('finbackup-policy-' + [guid]::NewGuid().ToString('n') + [IO.Path]::GetExtension('{{ PolicyKey }}'))
Get-FinS3Object '{{ ModuleBucket }}' '{{ PolicyKey }}' $policyFile
try { $policy = Import-FinBackupPolicy -Path $policyFile } finally { Remove-Item $policyFile -Force -ErrorAction SilentlyContinue }
function Select-FinApplication([string] $Names) {
    if (-not $Names) { return }
    $wantedNames = @($Names.Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ })
    foreach ($n in $wantedNames) { if (-not $policy.FindApplication($n)) { throw "The policy '$($policy.Name)' has no application '$n'." } }
    foreach ($a in @($policy.Applications)) { if ($wantedNames -notcontains $a.Name) { [void] $policy.Applications.Remove($a) } }
}
function Write-FinJson { process { $_ | Select-Object -Property * -ExcludeProperty Errors | ConvertTo-Json -Depth 4 -Compress } }
function Exit-Fin([bool] $Failed) {
    foreach ($e in $finErrors) { Write-Output ('ERROR {0}: {1}' -f $e.FullyQualifiedErrorId, $e.Exception.Message) }
    if ($Failed -or $finErrors.Count -gt 0) { exit 1 }
    exit 0
}
""".strip("\n")

DOCS = {
    "FinBackup-Cycle": {
        "description": "FinBackup snapshot cycle: installs the FinBackup module from S3 if missing (or older than ModuleVersion), reads the policy from S3 and runs Invoke-FinBackupCycle for the given applications (all when empty), non-interactively. Writes each cycle summary as one JSON line; exits 1 on any error or failed point. Run it on the admin instance(s) named by the policy's Schedule.AdminInstanceTag.",
        "params": {"Application": {"type": "String", "default": "", "description": "Comma-separated application names from the policy; empty runs every application.",
                                   "allowedPattern": "^[A-Za-z0-9 ._,-]{0,1024}$"}},
        "script": r"""
Select-FinApplication '{{ Application }}'
$out = @(Invoke-FinBackupCycle -Policy $policy -Confirm:$false -ErrorAction Continue -ErrorVariable +finErrors)
$out | Write-FinJson
Exit-Fin (@($out | Where-Object { $_.Failed -gt 0 }).Count -gt 0)
""",
        "timeout": "3600",
    },
    "FinBackup-FileSetBackup": {
        "description": "FinBackup file-set backup: installs the FinBackup module from S3 if missing, reads the policy from S3 and runs Backup-FinFile for one application's file sets (all, or the one named), non-interactively. Writes the recovery point and summary as JSON lines; exits 1 on any error (a file that could not be backed up included). Run it on the application's instances (tagged with the policy's TagKey).",
        "params": {"Application": {"type": "String", "description": "The application name, exactly as in the policy.", "allowedPattern": "^[A-Za-z0-9 ._-]{1,128}$"},
                   "FileSet": {"type": "String", "default": "", "description": "Comma-separated file set names; empty backs up all of the application's file sets.",
                               "allowedPattern": "^[A-Za-z0-9 ._,-]{0,512}$"}},
        "script": r"""
$fileBackup = @{ Policy = $policy; Application = '{{ Application }}'; Confirm = $false; ErrorAction = 'Continue'; ErrorVariable = '+finErrors' }
if ('{{ FileSet }}') { $fileBackup.FileSet = @('{{ FileSet }}'.Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }
$out = @(Backup-FinFile @fileBackup)
$out | Write-FinJson
Exit-Fin $false
""",
        "timeout": "3600",
    },
    "FinBackup-RestoreDrill": {
        "description": "FinBackup restore drill. With the DR release installed (Start-FinRecoveryDrill), runs the full drill for the given applications non-interactively. Until then it runs the read-only part of a drill: for each application, the newest available recovery point in the target region (default: the policy's DR region) and whether it is within the application's RPO; nothing is restored. Writes one JSON line per application; exits 1 when an application has no usable point or on any error.",
        "params": {"Application": {"type": "String", "default": "", "description": "Comma-separated application names; empty drills every application.",
                                   "allowedPattern": "^[A-Za-z0-9 ._,-]{0,1024}$"},
                   "Region": {"type": "String", "default": "", "description": "The region to drill in; empty means the policy's DR region.", "allowedPattern": "^[a-z0-9-]{0,32}$"}},
        "script": r"""
Select-FinApplication '{{ Application }}'
$region = '{{ Region }}'
if (-not $region) { $region = $policy.DrRegion }
if (-not $region) { throw "The policy '$($policy.Name)' has no DrRegion; pass the Region parameter." }
$failed = $false
if (Get-Command Start-FinRecoveryDrill -ErrorAction SilentlyContinue) {
    $out = @(Start-FinRecoveryDrill -Policy $policy -Region $region -Confirm:$false -ErrorAction Continue -ErrorVariable +finErrors)
    $out | Write-FinJson
} else {
    $now = [DateTime]::UtcNow
    foreach ($app in @($policy.Applications)) {
        $point = Get-FinRecoveryPoint -Policy $policy -Application $app.Name -Region $region -State Available -ErrorAction Continue -ErrorVariable +finErrors |
            Sort-Object CreatedAt -Descending | Select-Object -First 1
        $age = if ($point) { $now - $point.CreatedAt.ToUniversalTime() } else { $null }
        $within = [bool] ($point -and (-not $app.Rpo -or $age -le $app.Rpo))
        if (-not $within) { $failed = $true }
        [pscustomobject] @{
            Application     = $app.Name
            Region          = $region
            RecoveryPointId = if ($point) { $point.RecoveryPointId } else { $null }
            Kind            = if ($point) { [string] $point.Kind } else { $null }
            CreatedAt       = if ($point) { $point.CreatedAt.ToUniversalTime().ToString('o') } else { $null }
            AgeMinutes      = if ($age) { [math]::Round($age.TotalMinutes, 1) } else { $null }
            RpoMinutes      = if ($app.Rpo) { $app.Rpo.TotalMinutes } else { $null }
            WithinRpo       = $within
            Drill           = 'ReadOnly: Start-FinRecoveryDrill (DR release) is not installed, nothing was restored'
        } | ConvertTo-Json -Compress
    }
}
Exit-Fin $failed
""",
        "timeout": "7200",
    },
    "FinBackup-DrReadiness": {
        "description": "FinBackup DR readiness check. With the DR release installed (Test-FinDrReadiness), runs it non-interactively. Until then it runs what this release can check: Test-FinBackupPolicy on the policy (every finding as a JSON line) and, per application, that the DR region holds an available recovery point within the RPO. Exits 1 on a policy error, a missing or stale DR point, or any error.",
        "params": {"Application": {"type": "String", "default": "", "description": "Comma-separated application names; empty checks every application.",
                                   "allowedPattern": "^[A-Za-z0-9 ._,-]{0,1024}$"}},
        "script": r"""
Select-FinApplication '{{ Application }}'
$failed = $false
if (Get-Command Test-FinDrReadiness -ErrorAction SilentlyContinue) {
    $out = @(Test-FinDrReadiness -Policy $policy -ErrorAction Continue -ErrorVariable +finErrors)
    $out | Write-FinJson
    if (@($out | Where-Object { $_.PSObject.Properties['Ready'] -and -not $_.Ready }).Count -gt 0) { $failed = $true }
} else {
    $findings = @(Test-FinBackupPolicy -Policy $policy -ErrorAction Continue -ErrorVariable +finErrors)
    $findings | Write-FinJson
    if (@($findings | Where-Object { [string] $_.Severity -eq 'Error' }).Count -gt 0) { $failed = $true }
    if (-not $policy.DrRegion) { throw "The policy '$($policy.Name)' has no DrRegion: there is nothing to fail over to." }
    $now = [DateTime]::UtcNow
    foreach ($app in @($policy.Applications | Where-Object { $_.CopyToDrRegion })) {
        $point = Get-FinRecoveryPoint -Policy $policy -Application $app.Name -Region $policy.DrRegion -State Available -ErrorAction Continue -ErrorVariable +finErrors |
            Sort-Object CreatedAt -Descending | Select-Object -First 1
        $age = if ($point) { $now - $point.CreatedAt.ToUniversalTime() } else { $null }
        $ready = [bool] ($point -and (-not $app.Rpo -or $age -le $app.Rpo))
        if (-not $ready) { $failed = $true }
        [pscustomobject] @{
            Application     = $app.Name
            DrRegion        = $policy.DrRegion
            RecoveryPointId = if ($point) { $point.RecoveryPointId } else { $null }
            AgeMinutes      = if ($age) { [math]::Round($age.TotalMinutes, 1) } else { $null }
            RpoMinutes      = if ($app.Rpo) { $app.Rpo.TotalMinutes } else { $null }
            Ready           = $ready
            Check           = 'Policy and DR points (Test-FinDrReadiness of the DR release is not installed)'
        } | ConvertTo-Json -Compress
    }
}
Exit-Fin $failed
""",
        "timeout": "1800",
    },
}

for name, d in DOCS.items():
    params = dict(COMMON_PARAMS)
    params.update(d["params"])
    lines = BOOTSTRAP.split("\n") + d["script"].strip("\n").split("\n")
    doc = {
        "schemaVersion": "2.2",
        "description": d["description"],
        "parameters": params,
        "mainSteps": [{
            "action": "aws:runPowerShellScript",
            "name": name.replace("-", ""),
            "inputs": {"timeoutSeconds": d["timeout"], "runCommand": lines},
        }],
    }
    path = os.path.join(ROOT, "examples", "ssm", name + ".json")
    with open(path, "w", newline="\n") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print("wrote", os.path.relpath(path, ROOT))
