<#
.SYNOPSIS
Windows: runs one FinBackup window under a lock file, for Task Scheduler (finbackup-window.task.xml).

.DESCRIPTION
The lock is a file holding the PID and start time of the run that owns it, created with FileMode.CreateNew (atomic:
two starts cannot both create it). A second start of the same window finds it and exits 0 if that process is still
alive. A lock left by a crashed run is stale and is taken over: the PID is no longer running, or is running but
started at a different time (the PID was reused), or the lock is older than -StaleAfter (a hung run; default 2 hours).
The lock is removed when the run ends, whatever the outcome. Task Scheduler's "do not start a new instance" setting
is a second guard for the same task.

.EXAMPLE
powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File C:\FinBackup\Invoke-FinWindowLocked.ps1 -Window cycle-cross-sell -PolicyPath C:\ProgramData\FinBackup\finco.policy.psd1 -Application 'Cross-sell'
#>
param(
    [Parameter(Mandatory)] [ValidatePattern('^[A-Za-z0-9._-]+$')] [string] $Window,
    [Parameter(Mandatory)] [string] $PolicyPath,
    [Parameter(Mandatory)] [string[]] $Application,
    [string[]] $FileSet,
    [TimeSpan] $StaleAfter = [TimeSpan]::FromHours(2),
    [string] $LockDirectory = (Join-Path $env:ProgramData 'FinBackup\locks')
)
$ErrorActionPreference = 'Stop'
New-Item -ItemType Directory -Force -Path $LockDirectory | Out-Null
$lock = Join-Path $LockDirectory "$Window.lock"
$me = Get-Process -Id $PID

function Test-FinLockStale([string] $Path) {
    try { $text = [IO.File]::ReadAllText($Path) } catch { return $false }   # being written: treat as held
    $parts = $text.Trim().Split('|')
    if ($parts.Count -ne 2) { return $true }
    $ownerPid = 0; $started = [datetime]::MinValue
    if (-not [int]::TryParse($parts[0], [ref] $ownerPid)) { return $true }
    if (-not [datetime]::TryParse($parts[1], [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]::RoundtripKind, [ref] $started)) { return $true }
    if (([datetime]::UtcNow - $started.ToUniversalTime()) -gt $StaleAfter) { return $true }
    $owner = Get-Process -Id $ownerPid -ErrorAction SilentlyContinue
    if (-not $owner) { return $true }
    return [math]::Abs(($owner.StartTime.ToUniversalTime() - $started.ToUniversalTime()).TotalSeconds) -gt 2
}

$stream = $null
for ($attempt = 0; $attempt -lt 2 -and -not $stream; $attempt++) {
    try {
        $stream = [IO.File]::Open($lock, [IO.FileMode]::CreateNew, [IO.FileAccess]::Write, [IO.FileShare]::Read)
    } catch [IO.IOException] {
        if ($attempt -eq 0 -and (Test-FinLockStale $lock)) {
            Write-Output "Taking over the stale lock of window '$Window' ($([IO.File]::ReadAllText($lock)))."
            Remove-Item $lock -Force
        } else {
            Write-Output "Window '$Window' is already running ($([IO.File]::ReadAllText($lock))); skipping this start."
            exit 0
        }
    }
}
try {
    $stamp = [Text.Encoding]::ASCII.GetBytes("$PID|$($me.StartTime.ToUniversalTime().ToString('o'))")
    $stream.Write($stamp, 0, $stamp.Length); $stream.Flush()
    $runArgs = @{ PolicyPath = $PolicyPath; Application = $Application }
    if ($FileSet) { $runArgs.FileSet = $FileSet }
    & (Join-Path $PSScriptRoot 'run-window.ps1') @runArgs
    $code = $LASTEXITCODE
} finally {
    $stream.Dispose()
    Remove-Item $lock -Force -ErrorAction SilentlyContinue
}
exit $code
