#Requires -Version 5.1
<#
.SYNOPSIS
    Builds, tests, documents and packages the FinBackup module.
.DESCRIPTION
    Wraps the same steps as `dotnet build FinBackup.sln -c Release` (which lays out out/FinBackup) and
    `dotnet test FinBackup.sln -c Release`, and adds the Pester suite where Pester 5 is installed.
.PARAMETER Task
    Build (default), Test, Docs or Package.
.PARAMETER Configuration
    Release (default) or Debug.
.EXAMPLE
    ./build.ps1 -Task Test
    Builds the module, runs the xUnit suite, then the Pester suite against out/FinBackup if Pester 5 is available.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleOut = Join-Path $root 'out/FinBackup'

function Invoke-Dotnet {
    param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    Invoke-Dotnet build (Join-Path $root 'FinBackup.sln') -c $Configuration
    Write-Host "Module laid out in $moduleOut"
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

function Invoke-Test {
    Invoke-Build
    Invoke-Dotnet test (Join-Path $root 'FinBackup.sln') -c $Configuration --no-build
    $pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0' } | Select-Object -First 1
    if ($pester) {
        Import-Module $pester
        $config = New-PesterConfiguration
        $config.Run.Path = Join-Path $root 'tests/pester'
        $config.Run.Exit = $true
        $config.Output.Verbosity = 'Detailed'
        Invoke-Pester -Configuration $config
    }
    else {
        Write-Warning 'Pester 5 is not installed: skipped tests/pester (Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser).'
    }
}

function Invoke-Package {
    Invoke-Build
    $manifest = Test-ModuleManifest -Path (Join-Path $moduleOut 'FinBackup.psd1')
    $zip = Join-Path $root "out/FinBackup-$($manifest.Version).zip"
    Compress-Archive -Path $moduleOut -DestinationPath $zip -Force
    Write-Host "Packaged $zip (for a gallery: Publish-Module -Path '$moduleOut' -Repository <name>)."
}

switch ($Task) {
    'Build'   { Invoke-Build }
    'Docs'    { Invoke-Docs }
    'Test'    { Invoke-Test }
    'Package' { Invoke-Package }
}
