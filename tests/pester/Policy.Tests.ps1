# Policy as code from the user's side: reading files the way an admin has them, and what the prompt shows.
# No AWS: no sandbox in this file.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Enter-FinTestSession
}

AfterAll {
    Exit-FinTestSession
}

Describe 'Import-FinBackupPolicy' {
    Context 'parameter contract' {
        It 'takes paths by value and by property name (FullName from Get-ChildItem)' {
            Get-FinParameterContract Import-FinBackupPolicy | Should -Be @(
                'Path String[] [__AllParameterSets] mandatory pipeline=value,property'
            )
            (Get-Command Import-FinBackupPolicy).Parameters['Path'].Aliases | Should -Contain 'FullName'
            (Get-FinCmdletInfo Import-FinBackupPolicy).OutputType | Should -Be 'FinBackup.Domain.Policy.BackupPolicy'
        }
    }
    Context 'behaviour' {
        It 'reads every example policy piped from Get-ChildItem, .psd1 and .json alike' {
            $policies = Get-ChildItem -Path $script:FinExamples -Include '*.policy.psd1', '*.policy.json' -Recurse | Import-FinBackupPolicy
            @($policies).Count | Should -Be 3
            $policies | ForEach-Object { $_.PrimaryRegion | Should -Be 'us-east-1' }
        }
        It 'shows the policy as a list and its applications as a table that fits 120 columns' {
            $policy = Import-FinBackupPolicy (Join-Path $script:FinExamples 'finco.recommended.policy.psd1')
            $text = $policy | Out-String -Width 120
            $text | Should -Match 'PrimaryRegion\s*:\s*us-east-1'
            $table = $policy.Applications | Out-String -Width 120
            $table | Should -Match 'Agent payment'
            ($table -split "`n" | Where-Object { $_.TrimEnd().Length -gt 120 }) | Should -BeNullOrEmpty
        }
    }
}

Describe 'Test-FinBackupPolicy' {
    Context 'parameter contract' {
        It 'takes a policy by value or paths by property name, in two sets' {
            Get-FinParameterContract Test-FinBackupPolicy | Should -Be @(
                'Path String[] [Path] mandatory pipeline=property'
                'Policy BackupPolicy [Policy] mandatory pipeline=value'
                'Quiet SwitchParameter [__AllParameterSets]'
                'Strict SwitchParameter [__AllParameterSets]'
            )
        }
    }
    Context 'behaviour' {
        It 'gates a CI step: the brief fails -Strict, the recommended policy passes it, from files piped in' {
            $brief = Get-Item (Join-Path $script:FinExamples 'finco.policy.psd1')
            $recommended = Get-Item (Join-Path $script:FinExamples 'finco.recommended.policy.psd1')
            $recommended | Test-FinBackupPolicy -Strict -Quiet | Should -BeTrue
            { $brief | Test-FinBackupPolicy -Strict -ErrorAction Stop } |
                Should -Throw -ErrorId 'FinPolicyInvalid,FinBackup.Cmdlets.TestFinBackupPolicyCommand'
        }
        It 'shows findings as a table with severity, application and rule at 120 columns' {
            $text = Import-FinBackupPolicy (Join-Path $script:FinExamples 'finco.policy.psd1') |
                Test-FinBackupPolicy -ErrorAction SilentlyContinue | Out-String -Width 120
            $text | Should -Match 'Severity\s+Application\s+Rule'
            $text | Should -Match 'FrequencyMeetsRpo'
        }
    }
}
