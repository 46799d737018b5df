# The sandbox and the connection check, from the user's side. This file starts and stops its own sandbox.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Sandbox = Enter-FinTestSession -Sandbox
}

AfterAll {
    Exit-FinTestSession
}

Describe 'Start-FinSandbox' {
    Context 'parameter contract' {
        It 'has -EndpointUrl, -Port, -SkipSeed, -Force and ShouldProcess' {
            Get-FinParameterContract Start-FinSandbox | Should -Be @(
                'EndpointUrl String [__AllParameterSets]'
                'Force SwitchParameter [__AllParameterSets]'
                'Port Int32 [__AllParameterSets]'
                'SkipSeed SwitchParameter [__AllParameterSets]'
            )
            (Get-FinCmdletInfo Start-FinSandbox).OutputType | Should -Be 'FinBackup.Domain.Sandbox.FinSandbox'
        }
    }
    Context 'behaviour' {
        It 'seeds the bank estate on a free port and points the session defaults at it' {
            $script:Sandbox.EndpointUrl | Should -Match '^http://127\.0\.0\.1:\d+$'
            $script:Sandbox.Ec2Instances | Should -Be 5
            $script:Sandbox.RdsInstances | Should -Be 3
            (Get-FinDefault).EndpointUrl | Should -Be $script:Sandbox.EndpointUrl
        }
        It 'reuses the running sandbox when started again, without seeding twice' {
            $again = Start-FinSandbox
            $again.EndpointUrl | Should -Be $script:Sandbox.EndpointUrl
            $again.Created | Should -Be 0
        }
        It 'reuses a sandbox an earlier shell left running (its moto outlived it), and -Force replaces it' {
            # The earlier shell: starts a sandbox and exits without Stop-FinSandbox. Its record is in this file's folder.
            $out = Invoke-FinChildPwsh "Import-Module '$($script:FinModuleManifest)' -ErrorAction Stop; 'PID=' + (Start-FinSandbox -SkipSeed).ProcessId"
            $leftPid = [int](($out | Where-Object { "$_" -match '^PID=\d+$' } | Select-Object -Last 1) -replace 'PID=')
            $leftPid | Should -BeGreaterThan 0 -Because ($out | Out-String)
            Get-Process -Id $leftPid -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty -Because 'moto outlives the shell that started it'
            Remove-Variable -Name FinBackupSandbox -Scope Global
            try {
                # -Verbose says why a left sandbox was passed over (shown when the reuse fails).
                $said = Start-FinSandbox -SkipSeed -WarningVariable warned -WarningAction SilentlyContinue -Verbose 4>&1
                $reused = $said | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
                $reused.ProcessId | Should -Be $leftPid -Because ($said | Out-String)
                "$warned" | Should -Match 'earlier shell left running'
                (Get-FinDefault).EndpointUrl | Should -Be $reused.EndpointUrl
                $fresh = Start-FinSandbox -SkipSeed -Force
                $fresh.ProcessId | Should -Not -Be $leftPid
                (Get-Process -Id $leftPid -ErrorAction SilentlyContinue | Where-Object { -not $_.HasExited }) | Should -BeNullOrEmpty
                $fresh | Stop-FinSandbox -Confirm:$false
                Get-ChildItem -LiteralPath $env:FINBACKUP_SANDBOX_DIR -Filter '*.sandbox' | ForEach-Object BaseName | Should -Not -Contain "$($fresh.ProcessId)"
            }
            finally {
                Get-Process -Id $leftPid -ErrorAction SilentlyContinue | Stop-Process -Force -ErrorAction SilentlyContinue
                Set-Variable -Name FinBackupSandbox -Scope Global -Value $script:Sandbox
                Set-FinDefault -Region us-east-1 -EndpointUrl $script:Sandbox.EndpointUrl
            }
        }
    }
}

Describe 'Test-FinAwsConnection' {
    Context 'parameter contract' {
        It 'has exactly the AWS common parameters' {
            Get-FinParameterContract Test-FinAwsConnection -ExcludeAws | Should -BeNullOrEmpty
            (Get-FinCmdletInfo Test-FinAwsConnection).HasAwsParameters | Should -BeTrue
        }
    }
    Context 'behaviour' {
        It 'connects in both sandbox regions through the session defaults' {
            (Test-FinAwsConnection).Region | Should -Be 'us-east-1'
            (Test-FinAwsConnection -Region us-west-2).Region | Should -Be 'us-west-2'
        }
        It 'names a mistyped region and suggests the right one' {
            { Test-FinAwsConnection -Region us-esat-1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'FinRegionUnknown,FinBackup.Cmdlets.TestFinAwsConnectionCommand'
        }
        It 'reports an endpoint nobody listens on as unreachable' {
            { Test-FinAwsConnection -EndpointUrl http://127.0.0.1:9 -ErrorAction Stop } |
                Should -Throw -ErrorId 'FinAwsEndpointUnreachable,FinBackup.Cmdlets.TestFinAwsConnectionCommand'
        }
    }
}

Describe 'Stop-FinSandbox' {
    Context 'parameter contract' {
        It 'takes the sandbox from the pipeline' {
            Get-FinParameterContract Stop-FinSandbox | Should -Be @(
                'Force SwitchParameter [__AllParameterSets]'
                'InputObject FinSandbox [__AllParameterSets] pipeline=value'
                'PassThru SwitchParameter [__AllParameterSets]'
            )
        }
    }
    Context 'behaviour' {
        It 'keeps the sandbox running under -WhatIf' {
            $script:Sandbox | Stop-FinSandbox -WhatIf
            (Test-FinAwsConnection).Region | Should -Be 'us-east-1'
        }
        It 'stops a second sandbox it started, clears the defaults that point at it, and leaves the first running' {
            Remove-Variable -Name FinBackupSandbox -Scope Global
            $second = Start-FinSandbox -SkipSeed
            $second.EndpointUrl | Should -Not -Be $script:Sandbox.EndpointUrl
            $second | Stop-FinSandbox -Confirm:$false
            (Get-FinDefault).EndpointUrl | Should -BeNullOrEmpty
            Test-FinAwsConnection -EndpointUrl $script:Sandbox.EndpointUrl -Region us-east-1 | Should -Not -BeNullOrEmpty
            Set-Variable -Name FinBackupSandbox -Scope Global -Value $script:Sandbox
            Set-FinDefault -Region us-east-1 -EndpointUrl $script:Sandbox.EndpointUrl
        }
    }
}
