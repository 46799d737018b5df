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
        It 'has -EndpointUrl, -Port, -SkipSeed and ShouldProcess' {
            Get-FinParameterContract Start-FinSandbox | Should -Be @(
                'EndpointUrl String [__AllParameterSets]'
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
