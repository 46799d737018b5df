# Disaster recovery and compliance evidence, from the user's side: the failover, drills and the compliance report.
# This file's own sandbox is an empty moto (-SkipSeed): the refusals and the report need only the policy. The full
# rebuild, the drill and the findings on a seeded estate are proven against moto and checked with the AWS CLI in xUnit
# (FailoverMotoTests, ComplianceCmdletTests); these blocks pin what a user types and sees.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Sandbox = Enter-FinTestSession -Sandbox -SkipSeed
    $script:Policy = Import-FinBackupPolicy (Join-Path $script:FinExamples 'finco.recommended.policy.psd1')
    $script:Work = New-FinTestDirectory -Prefix 'fin-pester-recovery-'
}

AfterAll {
    Exit-FinTestSession
}

Describe 'Invoke-FinFailover' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline and the application by name, at ConfirmImpact High' {
            Get-FinParameterContract Invoke-FinFailover -ExcludeAws | Should -Be @(
                'Application String [__AllParameterSets] mandatory pipeline=property'
                'FailoverId String [__AllParameterSets] pipeline=property'
                'Force SwitchParameter [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
                'SkipDns SwitchParameter [__AllParameterSets]'
            )
            (Get-FinCmdletInfo Invoke-FinFailover).ConfirmImpact | Should -Be 'High'
        }
    }
    Context 'behaviour' {
        It 'refuses to rebuild in the primary region, with an error that says why' {
            { $script:Policy | Invoke-FinFailover -Application 'Cross-sell' -Region us-east-1 -Force -ErrorAction Stop } |
                Should -Throw -ErrorId 'FinFailoverRegionInvalid*'
        }
    }
}

Describe 'Start-FinRecoveryDrill' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline and the application by name, under ShouldProcess' {
            Get-FinParameterContract Start-FinRecoveryDrill -ExcludeAws | Should -Be @(
                'Application String [__AllParameterSets] mandatory pipeline=property'
                'DrillId String [__AllParameterSets] pipeline=property'
                'Keep SwitchParameter [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
            (Get-FinCmdletInfo Start-FinRecoveryDrill).SupportsShouldProcess | Should -BeTrue
        }
    }
    Context 'behaviour' {
        It 'names a mistyped application, with the closest one, before touching AWS' {
            { $script:Policy | Start-FinRecoveryDrill -Application 'Cross-sel' -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'FinApplicationNotInPolicy*' -ExpectedMessage "*did you mean 'Cross-sell'*"
        }
    }
}

Describe 'Get-FinRecoveryDrill' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline; -Application narrows it and changes nothing' {
            Get-FinParameterContract Get-FinRecoveryDrill -ExcludeAws | Should -Be @(
                'Application String[] [__AllParameterSets] pipeline=property'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
            (Get-FinCmdletInfo Get-FinRecoveryDrill).SupportsShouldProcess | Should -BeFalse
        }
    }
    Context 'behaviour' {
        It 'says an unknown application instead of returning nothing silently' {
            $null = Get-FinRecoveryDrill -Policy $script:Policy -Application 'No such app' -ErrorVariable bad -ErrorAction SilentlyContinue
            @($bad).Count | Should -BeGreaterThan 0
            ($bad | Select-Object -First 1).FullyQualifiedErrorId | Should -BeLike 'FinApplicationNotInPolicy*'
        }
    }
}

Describe 'Test-FinCompliance' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline; -Application, -From and -To narrow it; changes nothing' {
            Get-FinParameterContract Test-FinCompliance -ExcludeAws | Should -Be @(
                'Application String[] [__AllParameterSets] pipeline=property'
                'From Nullable`1 [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
                'To Nullable`1 [__AllParameterSets]'
            )
            (Get-FinCmdletInfo Test-FinCompliance).SupportsShouldProcess | Should -BeFalse
        }
    }
    Context 'behaviour' {
        It 'refuses a period that ends in the future (time that has not happened would count as a gap)' {
            { $script:Policy | Test-FinCompliance -To (Get-Date).AddDays(1) -ErrorAction Stop } | Should -Throw -ErrorId 'FinCompliancePeriodInvalid*'
        }
        It 'gives one finding per application and control, each exportable as plain values' {
            $findings = @($script:Policy | Test-FinCompliance -Application 'Cross-sell')
            $findings.Count | Should -BeGreaterThan 0
            $findings | ForEach-Object { $_.Status | Should -BeIn @('Compliant', 'NonCompliant', 'Unknown') }
            ($findings[0] | ConvertTo-Json -Depth 3).Length | Should -BeLessThan 8KB
        }
    }
}

Describe 'Export-FinComplianceReport' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline and a -Path; writes under ShouldProcess' {
            Get-FinParameterContract Export-FinComplianceReport -ExcludeAws | Should -Be @(
                'Application String[] [__AllParameterSets] pipeline=property'
                'Force SwitchParameter [__AllParameterSets]'
                'Format Nullable`1 [__AllParameterSets]'
                'From Nullable`1 [__AllParameterSets]'
                'Path String [__AllParameterSets] mandatory'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
                'To Nullable`1 [__AllParameterSets]'
            )
            (Get-FinCmdletInfo Export-FinComplianceReport).SupportsShouldProcess | Should -BeTrue
        }
    }
    Context 'behaviour' {
        It 'writes nothing under -WhatIf, then a CSV once, and never overwrites without -Force' {
            $path = Join-Path $script:Work 'report.csv'
            $script:Policy | Export-FinComplianceReport -Application 'Cross-sell' -Path $path -Format Csv -WhatIf
            Test-Path -LiteralPath $path | Should -BeFalse
            $file = $script:Policy | Export-FinComplianceReport -Application 'Cross-sell' -Path $path -Format Csv
            $file.FullName | Should -Be $path
            (Import-Csv -LiteralPath $path | Select-Object -First 1).Status | Should -BeIn @('Compliant', 'NonCompliant', 'Unknown')
            { $script:Policy | Export-FinComplianceReport -Application 'Cross-sell' -Path $path -Format Csv -ErrorAction Stop } |
                Should -Throw -ErrorId 'FinComplianceReportExists*'
        }
    }
}
