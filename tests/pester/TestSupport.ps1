# Shared by every tests/pester/*.Tests.ps1 (dot-sourced in BeforeAll). The Pester suite is the user's-eye suite: it
# runs in the caller's pwsh session, so a test file must leave that session as it found it:
#  - the module is imported (by path, from out/FinBackup) but never removed: the caller may be using it;
#  - each file starts its OWN sandbox (Start-FinSandbox on a free port) and stops only that one;
#  - the caller's session defaults ($global:FinBackupDefaults) and sandbox ($global:FinBackupSandbox) are set aside
#    on entry and put back on exit;
#  - sandboxes are recorded in a folder of this file's own ($env:FINBACKUP_SANDBOX_DIR), so a test never takes over a
#    sandbox the caller (or an earlier shell of theirs) left running, and the caller's records are never touched;
#  - nothing needs a moto_server on a fixed port: each sandbox listens on a free port.

$script:FinModuleManifest = (Resolve-Path (Join-Path $PSScriptRoot '../../out/FinBackup/FinBackup.psd1') -ErrorAction Stop).Path
$script:FinRepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:FinExamples = Join-Path $script:FinRepoRoot 'examples'
$env:AWS_EC2_METADATA_DISABLED = 'true'

function Import-FinBuiltModule {
    $loaded = Get-Module FinBackup
    if (-not $loaded) { Import-Module $script:FinModuleManifest -Global -ErrorAction Stop }
}

function Enter-FinTestSession {
    # Sets the caller's FinBackup session state aside; with -Sandbox starts this file's own sandbox and returns it
    # (-SkipSeed: an empty moto, for files that create what they need; starting takes seconds instead of a minute).
    param([switch] $Sandbox, [switch] $SkipSeed)
    Import-FinBuiltModule
    $script:FinCallerState = @{
        Defaults   = Get-Variable -Name FinBackupDefaults -Scope Global -ValueOnly -ErrorAction SilentlyContinue
        Sandbox    = Get-Variable -Name FinBackupSandbox -Scope Global -ValueOnly -ErrorAction SilentlyContinue
        SandboxDir = $env:FINBACKUP_SANDBOX_DIR
    }
    Remove-Variable -Name FinBackupDefaults, FinBackupSandbox -Scope Global -ErrorAction SilentlyContinue
    $script:FinSandboxDir = New-FinTestDirectory -Prefix 'fin-pester-sandboxes-'
    $env:FINBACKUP_SANDBOX_DIR = $script:FinSandboxDir
    $script:FinOwnSandbox = $null
    if ($Sandbox) {
        $script:FinOwnSandbox = Start-FinSandbox -Port 0 -SkipSeed:$SkipSeed -Confirm:$false -WhatIf:$false
        $script:FinOwnSandbox
    }
}

function Exit-FinTestSession {
    if ($script:FinOwnSandbox) {
        Stop-FinSandbox -InputObject $script:FinOwnSandbox -Confirm:$false -WhatIf:$false
        $script:FinOwnSandbox = $null
    }
    Remove-Variable -Name FinBackupDefaults, FinBackupSandbox -Scope Global -ErrorAction SilentlyContinue
    if ($script:FinCallerState) {
        if ($null -ne $script:FinCallerState.Defaults) { Set-Variable -Name FinBackupDefaults -Scope Global -Value $script:FinCallerState.Defaults }
        if ($null -ne $script:FinCallerState.Sandbox) { Set-Variable -Name FinBackupSandbox -Scope Global -Value $script:FinCallerState.Sandbox }
        $env:FINBACKUP_SANDBOX_DIR = $script:FinCallerState.SandboxDir
    }
    if ($script:FinSandboxDir) { Remove-Item -LiteralPath $script:FinSandboxDir -Recurse -Force -ErrorAction SilentlyContinue }
}

function Get-FinViewLine {
    # The default view of objects as the console shows it at -Width columns, one string per non-empty line.
    param([Parameter(Mandatory, ValueFromPipeline)] $InputObject, [int] $Width = 120)
    begin { $all = [System.Collections.Generic.List[object]]::new() }
    process { $all.Add($InputObject) }
    end { $all | Out-String -Width $Width -Stream | Where-Object { $_.Trim() } }
}

# AWS.Tools' common parameters, on every cmdlet that calls AWS (asserted once per cmdlet, left out of its contract).
$script:FinAwsParameters = 'AccessKey', 'Credential', 'EndpointUrl', 'ProfileLocation', 'ProfileName', 'Region', 'SecretKey', 'SessionToken'

function Get-FinParameterContract {
    # The parameter contract of a cmdlet as sorted lines, one per parameter and parameter set:
    #   'Name Type [Set] mandatory pipeline=value,property'
    # PowerShell's common parameters, -WhatIf/-Confirm and (with -ExcludeAws) AWS.Tools' common parameters left out.
    param([Parameter(Mandatory)] [string] $Name, [switch] $ExcludeAws)
    $skip = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $command = Get-Command $Name -Module FinBackup -ErrorAction Stop
    if ($ExcludeAws -and (Get-FinCmdletInfo $Name).HasAwsParameters) { $skip += $script:FinAwsParameters }
    $(foreach ($parameter in $command.Parameters.Values) {
        if ($skip -contains $parameter.Name) { continue }
        foreach ($set in $parameter.ParameterSets.GetEnumerator()) {
            $a = $set.Value
            $pipeline = @(if ($a.ValueFromPipeline) { 'value' }; if ($a.ValueFromPipelineByPropertyName) { 'property' }) -join ','
            $line = '{0} {1} [{2}]' -f $parameter.Name, $parameter.ParameterType.Name, $set.Key
            if ($a.IsMandatory) { $line += ' mandatory' }
            if ($pipeline) { $line += " pipeline=$pipeline" }
            $line
        }
    }) | Sort-Object
}

function Get-FinCmdletInfo {
    # What a cmdlet declares about itself: ShouldProcess, ConfirmImpact, output types, whether it has the AWS parameters.
    param([Parameter(Mandatory)] [string] $Name)
    $command = Get-Command $Name -Module FinBackup -ErrorAction Stop
    $attribute = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) | Select-Object -First 1
    [pscustomobject]@{
        SupportsShouldProcess = $attribute.SupportsShouldProcess
        ConfirmImpact         = $attribute.ConfirmImpact
        OutputType            = @($command.OutputType | ForEach-Object Name)
        HasAwsParameters      = @($script:FinAwsParameters | Where-Object { $command.Parameters.ContainsKey($_) }).Count -eq $script:FinAwsParameters.Count
        DefaultParameterSet   = $command.DefaultParameterSet
    }
}

function Get-FinDescribedCommand {
    # The names of every top-level Describe block in tests/pester/*.Tests.ps1 (read from the files' syntax trees).
    foreach ($file in Get-ChildItem -Path $PSScriptRoot -Filter '*.Tests.ps1') {
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref] $null, [ref] $null)
        $ast.FindAll({
                param($node)
                $node -is [System.Management.Automation.Language.CommandAst] -and $node.GetCommandName() -eq 'Describe'
            }, $true) | ForEach-Object {
            $first = $_.CommandElements | Select-Object -Skip 1 | Where-Object { $_ -is [System.Management.Automation.Language.StringConstantExpressionAst] } | Select-Object -First 1
            if ($first) { $first.Value }
        }
    }
}

function New-FinTestDirectory {
    param([string] $Prefix = 'fin-pester-')
    $path = Join-Path ([System.IO.Path]::GetTempPath()) ($Prefix + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $path -Force | Select-Object -ExpandProperty FullName
}

function Invoke-FinChildPwsh {
    # Runs a command in a new pwsh process (the same PowerShell as this one: the local tool's pwsh.dll under dotnet, or an
    # installed pwsh), with no profile and no prompts; returns its output lines. $LASTEXITCODE is the child's.
    param([Parameter(Mandatory)] [string] $Command)
    $dll = Join-Path $PSHOME 'pwsh.dll'
    $exe = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path -LiteralPath $exe) { & $exe -NoProfile -NonInteractive -Command $Command 2>&1 }
    else { & dotnet $dll -NoProfile -NonInteractive -Command $Command 2>&1 }
}
