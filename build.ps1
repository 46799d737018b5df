#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents, packages and demonstrates the FinBackup module.
.DESCRIPTION
    Run it in the repository's PowerShell (`dotnet tool restore`, then `dotnet pwsh -File build.ps1 -Task ...`) or any
    pwsh 7.4+. Wraps `dotnet build FinBackup.sln -c Release` (which lays out out/FinBackup) and `dotnet test`, and runs
    the Pester suite (tests/pester) with Pester 5.7.1 restored from NuGet by tools/pester/Pester.Restore.csproj into
    a known folder, out/tools/packages (nothing from the PowerShell Gallery). Exits non-zero when anything fails.
.PARAMETER Task
    Build (default), Test (build, xUnit, Pester), Pester (the Pester suite against the built module), Demo, Docs or Package.
.PARAMETER Configuration
    Release (default) or Debug.
.EXAMPLE
    ./build.ps1 -Task Test
    Builds the module, runs the xUnit suite, then the Pester suite against out/FinBackup; exits 1 if any test failed.
.EXAMPLE
    dotnet pwsh -NoProfile -File build.ps1 -Task Pester
    Runs only the Pester suite against an existing build (what the README's test command does after dotnet test).
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pester', 'Demo', 'Docs', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleOut = Join-Path $root 'out/FinBackup'
$PesterVersion = '5.7.1'   # keep in step with tools/pester/Pester.Restore.csproj

function Invoke-Dotnet {
    param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    Invoke-Dotnet build (Join-Path $root 'FinBackup.sln') -c $Configuration
    Write-Host "Module laid out in $moduleOut"
}

function Get-PesterManifest {
    # Pester comes from NuGet (PackageDownload in tools/pester/Pester.Restore.csproj) into a known folder of this
    # checkout, out/tools/packages, never from the gallery and never from whatever Pester the machine has.
    $packages = Join-Path $root 'out/tools/packages'
    $manifest = Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $manifest)) {
        Write-Host "Restoring Pester $PesterVersion from NuGet into $packages"
        Invoke-Dotnet restore (Join-Path $root 'tools/pester/Pester.Restore.csproj') --packages $packages --verbosity quiet
        if (-not (Test-Path -LiteralPath $manifest)) { throw "Pester $PesterVersion was restored but $manifest does not exist." }
    }
    $manifest
}

function Invoke-PesterSuite {
    if (-not (Test-Path -LiteralPath (Join-Path $moduleOut 'FinBackup.psd1'))) {
        throw "The module is not built ($moduleOut): run ./build.ps1 (or dotnet build FinBackup.sln -c $Configuration) first."
    }
    Import-Module (Get-PesterManifest) -RequiredVersion $PesterVersion -Force
    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $root 'tests/pester'
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = Join-Path $root 'out/pester-results.xml'
    if ([Console]::IsOutputRedirected -or $env:NO_COLOR) { $config.Output.RenderMode = 'Plaintext' }
    # The tests run without this script's strict mode, as in an admin's session.
    $result = & { Set-StrictMode -Off; Invoke-Pester -Configuration $config }
    # One line in the form CI sums (.ci/run adds 'Passed: N' / 'Failed: N' / 'Skipped: N' over all runners).
    $failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    # The failures again, last: CI keeps only the tail of a long run, and the tail must name what failed and why.
    foreach ($test in $result.Failed) {
        Write-Host ("FAILED: {0}" -f $test.ExpandedPath)
        foreach ($err in $test.ErrorRecord) { Write-Host ("  {0}" -f (($err.Exception.Message -split "`n" | Select-Object -First 6) -join "`n  ")) }
    }
    foreach ($block in @($result.FailedBlocks) + @($result.FailedContainers)) {
        if ($null -eq $block) { continue }
        Write-Host ("FAILED (block or file): {0}" -f $(if ($block.ExpandedPath) { $block.ExpandedPath } else { $block.Item }))
        foreach ($err in $block.ErrorRecord) { Write-Host ("  {0}" -f (($err.Exception.Message -split "`n" | Select-Object -First 6) -join "`n  ")) }
    }
    Write-Host ("Pester {0}: Passed: {1}, Failed: {2}, Skipped: {3}, Total: {4}" -f $PesterVersion, $result.PassedCount, $failed, $result.SkippedCount, $result.TotalCount)
    if ($result.Result -ne 'Passed' -or $failed -gt 0) { throw "Pester: $failed failed (tests, blocks or files)." }
    if ($result.PassedCount -eq 0) { throw 'Pester ran no test.' }
}

function Invoke-Test {
    # xUnit, then Pester even when xUnit failed (so one run shows both counts); fails if either failed.
    Invoke-Build
    & dotnet test (Join-Path $root 'FinBackup.sln') -c $Configuration --no-build
    $xunitExit = $LASTEXITCODE
    $pesterError = $null
    try { Invoke-PesterSuite } catch { $pesterError = $_ }
    if ($xunitExit -ne 0) { throw "dotnet test failed with exit code $xunitExit$(if ($pesterError) { "; $($pesterError.Exception.Message)" })." }
    if ($pesterError) { throw $pesterError }
}

function Invoke-Docs {
    # The build always compiles docs/*.md to MAML with tools/FinBackup.BuildTool. With PlatyPS installed,
    # New-ExternalHelp gives the same help; use it when asked to, otherwise keep the build's output.
    $platyPS = Get-Module -ListAvailable -Name platyPS | Select-Object -First 1
    if ($platyPS) {
        Import-Module platyPS
        New-ExternalHelp -Path (Join-Path $root 'docs') -OutputPath (Join-Path $moduleOut 'en-US') -Force | Out-Null
        Write-Host 'Help generated with PlatyPS.'
    }
    else {
        Invoke-Build
        Write-Host 'PlatyPS not installed: help compiled by tools/FinBackup.BuildTool during the build.'
    }
}

function Invoke-Package {
    Invoke-Build
    $manifest = Test-ModuleManifest -Path (Join-Path $moduleOut 'FinBackup.psd1')
    $zip = Join-Path $root "out/FinBackup-$($manifest.Version).zip"
    Compress-Archive -Path $moduleOut -DestinationPath $zip -Force
    Write-Host "Packaged $zip (for a gallery: Publish-Module -Path '$moduleOut' -Repository <name>)."
}

try {
    switch ($Task) {
        'Build'   { Invoke-Build }
        'Docs'    { Invoke-Docs }
        'Test'    { Invoke-Test }
        'Pester'  { Invoke-PesterSuite }
        'Demo'    { Invoke-Build; & (Join-Path $root 'examples/demo.ps1') }
        'Package' { Invoke-Package }
    }
}
catch {
    Write-Host "build.ps1 -Task $Task failed: $($_.Exception.Message)" -ForegroundColor Red
    exit 1
}
