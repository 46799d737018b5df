<#
.SYNOPSIS
Runs one FinBackup window non-interactively: the snapshot cycle of applications, or an application's file sets.
The same commands the SSM documents (examples/ssm) run, for hosts scheduled by systemd, cron or Task Scheduler.
Writes each output object as one JSON line; exits 1 on any error.

.EXAMPLE
pwsh -NoProfile -NonInteractive -File run-window.ps1 -PolicyPath /etc/finbackup/finco.policy.psd1 -Application 'Cross-sell'

.EXAMPLE
pwsh -NoProfile -NonInteractive -File run-window.ps1 -PolicyPath /etc/finbackup/finco.policy.psd1 -Application 'Agent payment' -FileSet ledger
#>
param(
    [Parameter(Mandatory)] [string] $PolicyPath,
    [Parameter(Mandatory)] [string[]] $Application,
    [string[]] $FileSet
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$ConfirmPreference = 'None'
$finErrors = @()
trap { Write-Output ('ERROR {0}: {1}' -f $_.FullyQualifiedErrorId, $_.Exception.Message); exit 1 }
Import-Module FinBackup
$policy = Import-FinBackupPolicy -Path $PolicyPath
foreach ($n in $Application) { if (-not $policy.FindApplication($n)) { throw "The policy '$($policy.Name)' has no application '$n'." } }
if ($FileSet) {
    $out = @(Backup-FinFile -Policy $policy -Application $Application[0] -FileSet $FileSet -Confirm:$false -ErrorAction Continue -ErrorVariable +finErrors)
} else {
    foreach ($a in @($policy.Applications)) { if ($Application -notcontains $a.Name) { [void] $policy.Applications.Remove($a) } }
    $out = @(Invoke-FinBackupCycle -Policy $policy -Confirm:$false -ErrorAction Continue -ErrorVariable +finErrors)
}
$out | ForEach-Object { $_ | Select-Object -Property * -ExcludeProperty Errors | ConvertTo-Json -Depth 4 -Compress }
foreach ($e in $finErrors) { Write-Output ('ERROR {0}: {1}' -f $e.FullyQualifiedErrorId, $e.Exception.Message) }
if ($finErrors.Count -gt 0 -or @($out | Where-Object { $_.PSObject.Properties['Failed'] -and $_.Failed -gt 0 }).Count -gt 0) { exit 1 }
exit 0
