#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Pester 5 tests of the snapshot lifecycle cmdlets from the user's side, against the local sandbox (moto).
# Run: ./build.ps1 -Task Test (needs pwsh, Pester 5, moto_server and the AWS CLI).

BeforeAll {
    $script:ModulePath = Join-Path $PSScriptRoot '../../out/FinBackup/FinBackup.psd1'
    Import-Module $script:ModulePath -Force
    $script:PolicyPath = Join-Path $PSScriptRoot '../../examples/finco.recommended.policy.psd1'
    $script:Sandbox = Start-FinSandbox
    $script:Policy = Import-FinBackupPolicy $script:PolicyPath
}

AfterAll {
    if ($script:Sandbox) { Stop-FinSandbox }
    Remove-Module FinBackup -ErrorAction SilentlyContinue
}

Describe 'Snapshot lifecycle' {
    It 'exports the snapshot lifecycle cmdlets with ShouldProcess where they change things' {
        foreach ($name in 'New-FinSnapshot', 'Copy-FinBackupToRegion', 'Remove-FinExpiredBackup', 'Invoke-FinBackupCycle', 'Set-FinBackupPlan') {
            (Get-Command $name).Parameters.Keys | Should -Contain 'WhatIf'
        }
        (Get-Command Get-FinRecoveryPoint).Parameters['Region'].ParameterType | Should -Be ([string[]])
    }

    It 'takes, copies and lists recovery points through the pipeline' {
        $copies = $script:Policy | Get-FinResource | New-FinSnapshot | Copy-FinBackupToRegion -Wait
        $copies | Should -Not -BeNullOrEmpty
        $copies | ForEach-Object { $_.Region | Should -Be 'us-west-2'; $_.Encrypted | Should -BeTrue }
        Get-FinRecoveryPoint -Application 'Agent payment' -Region us-west-2 | Should -Not -BeNullOrEmpty
    }

    It 'is idempotent within the window' {
        $first = $script:Policy | Get-FinResource | New-FinSnapshot
        $second = $script:Policy | Get-FinResource | New-FinSnapshot
        ($second | ForEach-Object RecoveryPointId) | Should -Be ($first | ForEach-Object RecoveryPointId)
    }

    It 'removes nothing with -WhatIf and keeps the newest point of every resource' {
        $decisions = Remove-FinExpiredBackup -Policy $script:Policy -WhatIf
        $decisions | Where-Object Outcome -eq 'Removed' | Should -BeNullOrEmpty
    }

    It 'returns one cycle summary per application' {
        $summaries = Invoke-FinBackupCycle -Policy $script:Policy
        @($summaries).Count | Should -Be @($script:Policy.Applications).Count
        $summaries | ForEach-Object { $_.Taken | Should -Be 0 }
    }

    It 'refuses an unencrypted copy' {
        { Get-FinRecoveryPoint -Region us-east-1 | Copy-FinBackupToRegion -DestinationRegion eu-west-1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'FinCopyUnencryptedRefused,FinBackup.Cmdlets.CopyFinBackupToRegionCommand'
    }
}
