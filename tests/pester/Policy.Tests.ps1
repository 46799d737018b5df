#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Pester 5 tests of policy as code from the user's side. Run: ./build.ps1 -Task Test (needs pwsh + Pester 5).

BeforeAll {
    $script:ModulePath = Join-Path $PSScriptRoot '../../out/FinBackup/FinBackup.psd1'
    $script:Examples = Join-Path $PSScriptRoot '../../examples'
    Import-Module $script:ModulePath -Force
}

AfterAll {
    Remove-Module FinBackup -ErrorAction SilentlyContinue
}

Describe 'Import-FinBackupPolicy' {
    It 'reads the shipped example into a typed policy' {
        $policy = Import-FinBackupPolicy (Join-Path $script:Examples 'finco.policy.psd1')
        $policy.GetType().FullName | Should -Be 'FinBackup.Domain.Policy.BackupPolicy'
        $policy.Applications.Name | Should -Be @('Cross-sell', 'Inventory Management System', 'Agent payment', 'Customer Assistance Management', 'Vendor Assistance Management')
        $policy.PrimaryRegion | Should -Be 'us-east-1'
        $policy.DrRegion | Should -Be 'us-west-2'
    }

    It 'names the file, line and field of a bad value' {
        $path = Join-Path $TestDrive 'bad.policy.psd1'
        Set-Content -Path $path -Value @'
@{
    Name = 'finco'
    PrimaryRegion = 'us-east-1'
    Applications = @(
        @{ Name = 'A'; Retention = '12x' }
    )
}
'@
        $result = Import-FinBackupPolicy $path -ErrorVariable problems -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'FinPolicyFieldInvalid,FinBackup.Cmdlets.ImportFinBackupPolicyCommand'
        $problems[0].Exception.Message | Should -BeLike 'bad.policy.psd1 line 5: Applications`[0`].Retention: "12x" is not a duration*'
    }

    It 'never runs the file' {
        $path = Join-Path $TestDrive 'evil.policy.psd1'
        $marker = Join-Path $TestDrive 'ran.txt'
        Set-Content -Path $path -Value "@{ Name = `"`$(Set-Content '$marker' 'ran')`"; PrimaryRegion = 'us-east-1'; Applications = @(@{ Name = 'A' }) }"
        Import-FinBackupPolicy $path -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Test-Path $marker | Should -BeFalse
    }

    It 'reports a missing file as ObjectNotFound' {
        Import-FinBackupPolicy (Join-Path $TestDrive 'missing.psd1') -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Test-FinBackupPolicy' {
    It 'reports both inconsistencies of the brief' {
        $findings = Import-FinBackupPolicy (Join-Path $script:Examples 'finco.policy.psd1') | Test-FinBackupPolicy -ErrorAction SilentlyContinue
        ($findings | Where-Object Rule -eq 'FrequencyMeetsRpo').Application | Should -Be 'Vendor Assistance Management'
        ($findings | Where-Object Rule -eq 'RpoDefined').Application | Should -Be 'Customer Assistance Management'
    }

    It 'passes the recommended policy with -Strict' {
        Test-FinBackupPolicy (Join-Path $script:Examples 'finco.recommended.policy.psd1') -Strict -Quiet | Should -BeTrue
        Test-FinBackupPolicy (Join-Path $script:Examples 'finco.recommended.policy.json') -Strict -Quiet | Should -BeTrue
    }

    It 'fails a CI step with -Strict -ErrorAction Stop' {
        { Test-FinBackupPolicy (Join-Path $script:Examples 'finco.policy.psd1') -Strict -ErrorAction Stop } | Should -Throw -ErrorId 'FinPolicyInvalid,FinBackup.Cmdlets.TestFinBackupPolicyCommand'
    }
}
