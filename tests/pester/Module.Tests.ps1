#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Pester 5 tests of the built module from the user's side. Run: ./build.ps1 -Task Test (needs pwsh + Pester 5).

BeforeAll {
    $script:ModulePath = Join-Path $PSScriptRoot '../../out/FinBackup/FinBackup.psd1'
    Import-Module $script:ModulePath -Force
}

AfterAll {
    Remove-Module FinBackup -ErrorAction SilentlyContinue
}

Describe 'FinBackup module' {
    It 'has a valid manifest' {
        { Test-ModuleManifest -Path $script:ModulePath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'exports cmdlets, not functions' {
        (Get-Module FinBackup).ExportedCmdlets.Count | Should -BeGreaterThan 0
        (Get-Module FinBackup).ExportedFunctions.Count | Should -Be 0
    }

    It 'has help with an example for every cmdlet' {
        foreach ($name in (Get-Module FinBackup).ExportedCmdlets.Keys) {
            $help = Get-Help $name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty -Because "$name needs a synopsis"
            @($help.examples.example).Count | Should -BeGreaterThan 0 -Because "$name needs an example"
        }
    }
}

Describe 'Session defaults' {
    AfterEach { Clear-FinDefault }

    It 'round-trips the region' {
        Set-FinDefault -Region eu-west-2
        (Get-FinDefault).Region | Should -Be 'eu-west-2'
    }

    It 'does nothing under -WhatIf' {
        Set-FinDefault -Region eu-west-2 -WhatIf
        (Get-FinDefault).Region | Should -BeNullOrEmpty
    }
}
