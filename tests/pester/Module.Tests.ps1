# The module as a whole, and the session-default cmdlets. Run: dotnet pwsh -File build.ps1 -Task Pester.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-FinBuiltModule
    $exported = @((Get-Module FinBackup).ExportedCmdlets.Keys | Sort-Object)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Enter-FinTestSession
}

AfterAll {
    Exit-FinTestSession
}

Describe 'FinBackup module' {
    It 'has a valid manifest whose licence and release notes are files that exist, in the repository and the module' {
        $manifest = Test-ModuleManifest -Path $script:FinModuleManifest -ErrorAction Stop
        $manifest.LicenseUri.AbsolutePath | Should -Match '/LICENSE$'
        $manifest.ReleaseNotes | Should -Match 'CHANGELOG\.md'
        foreach ($file in 'LICENSE', 'CHANGELOG.md') {
            Join-Path $script:FinRepoRoot $file | Should -Exist
            Join-Path $manifest.ModuleBase $file | Should -Exist
        }
    }

    It 'names related cmdlets in help (Get-Help opens each), or links a full URL; never a bare .md file' {
        $exported = @((Get-Module FinBackup).ExportedCmdlets.Keys)
        $links = foreach ($name in $exported) { (Get-Help $name -Full).relatedLinks.navigationLink }
        $links | Should -Not -BeNullOrEmpty
        foreach ($link in $links) {
            if ($link.uri) { $link.uri | Should -Match '^https?://' }
            else {
                $link.linkText | Should -Not -Match '\.md$'
                $exported + 'about_FinBackup' | Should -Contain $link.linkText
            }
        }
        $named = @($links | Where-Object { -not $_.uri } | ForEach-Object linkText | Sort-Object -Unique)
        foreach ($name in $named) { (Get-Help $name -ErrorAction Stop).Name | Should -Be $name }
    }

    It 'gives every mandatory parameter a HelpMessage (what PowerShell shows when it prompts for it with !?)' {
        $missing = foreach ($command in Get-Command -Module FinBackup -CommandType Cmdlet) {
            foreach ($parameter in $command.Parameters.Values) {
                foreach ($set in $parameter.ParameterSets.GetEnumerator()) {
                    if ($set.Value.IsMandatory -and -not $set.Value.HelpMessage) { "$($command.Name) -$($parameter.Name) [$($set.Key)]" }
                }
            }
        }
        $missing | Should -BeNullOrEmpty
    }

    It 'exports cmdlets, not functions' {
        (Get-Module FinBackup).ExportedCmdlets.Count | Should -BeGreaterThan 0
        (Get-Module FinBackup).ExportedFunctions.Count | Should -Be 0
    }

    It 'at the repository root, the source manifest says where the built module is instead of half-loading' {
        $output = dotnet pwsh -NoProfile -NonInteractive -Command "Import-Module '$(Join-Path $script:FinRepoRoot 'FinBackup.psd1')' -ErrorAction Stop" 2>&1 | Out-String
        $LASTEXITCODE | Should -Not -Be 0
        $output | Should -Match 'source manifest'
        $output | Should -Match 'out/FinBackup/FinBackup\.psd1'
    }
}

# dbatools-style meta-test: every exported cmdlet has a Describe named after it somewhere in tests/pester, with its
# parameter contract and its behaviour. A cmdlet added to the manifest without one fails here, by name.
Describe 'Every exported cmdlet has a Describe' {
    BeforeAll { $script:described = @(Get-FinDescribedCommand) }
    It '<_> has a Describe block in tests/pester' -ForEach $exported {
        $described | Should -Contain $_ -Because "every exported cmdlet needs a Describe '$_' with its parameter contract and behaviour"
    }
}

Describe 'Get-FinDefault' {
    Context 'parameter contract' {
        It 'takes no parameters and outputs FinSessionDefaults' {
            Get-FinParameterContract Get-FinDefault | Should -BeNullOrEmpty
            (Get-FinCmdletInfo Get-FinDefault).OutputType | Should -Be 'FinBackup.Domain.Connection.FinSessionDefaults'
        }
    }
    Context 'behaviour' {
        AfterEach { Remove-Variable -Name FinBackupDefaults -Scope Global -ErrorAction SilentlyContinue }
        It 'returns empty defaults when none are set, and what Set-FinDefault stored otherwise' {
            (Get-FinDefault).Region | Should -BeNullOrEmpty
            Set-FinDefault -Region eu-west-2 -ProfileName ops
            $d = Get-FinDefault
            $d.Region | Should -Be 'eu-west-2'
            $d.ProfileName | Should -Be 'ops'
        }
    }
}

Describe 'Set-FinDefault' {
    Context 'parameter contract' {
        It 'binds the connection settings by property name (so Get-FinDefault output pipes back in)' {
            Get-FinParameterContract Set-FinDefault -ExcludeAws | Should -Be @(
                'EndpointUrl String [__AllParameterSets] pipeline=property'
                'PassThru SwitchParameter [__AllParameterSets]'
                'ProfileLocation String [__AllParameterSets] pipeline=property'
                'ProfileName String [__AllParameterSets] pipeline=property'
                'Region String [__AllParameterSets] pipeline=property'
            )
            (Get-FinCmdletInfo Set-FinDefault).SupportsShouldProcess | Should -BeTrue
        }
    }
    Context 'behaviour' {
        AfterEach { Remove-Variable -Name FinBackupDefaults -Scope Global -ErrorAction SilentlyContinue }
        It 'does nothing under -WhatIf and under $WhatIfPreference' {
            Set-FinDefault -Region eu-west-2 -WhatIf
            (Get-FinDefault).Region | Should -BeNullOrEmpty
            & { $WhatIfPreference = $true; Set-FinDefault -Region eu-west-2 }
            (Get-FinDefault).Region | Should -BeNullOrEmpty
        }
        It 'refuses a mistyped region with "did you mean", and takes a new region named in $env:FINBACKUP_EXTRA_REGIONS' {
            $err = { Set-FinDefault -Region us-east-9 -ErrorAction Stop } | Should -Throw -ErrorId 'FinRegionUnknown,FinBackup.Cmdlets.SetFinDefaultCommand' -PassThru
            $err.Exception.Message | Should -Match "did you mean 'us-east-1'"
            (Get-FinDefault).Region | Should -BeNullOrEmpty
            $saved = $env:FINBACKUP_EXTRA_REGIONS
            try {
                $env:FINBACKUP_EXTRA_REGIONS = 'xx-future-1'
                Set-FinDefault -Region xx-future-1
                (Get-FinDefault).Region | Should -Be 'xx-future-1'
            }
            finally { $env:FINBACKUP_EXTRA_REGIONS = $saved }
        }
        It 'round-trips through the pipeline: Get-FinDefault | Set-FinDefault' {
            Set-FinDefault -Region eu-west-2 -EndpointUrl http://127.0.0.1:1
            $saved = Get-FinDefault
            Remove-Variable -Name FinBackupDefaults -Scope Global
            $saved | Set-FinDefault
            (Get-FinDefault).EndpointUrl | Should -Be 'http://127.0.0.1:1'
        }
    }
}

Describe 'Clear-FinDefault' {
    Context 'parameter contract' {
        It 'takes only -WhatIf/-Confirm' {
            Get-FinParameterContract Clear-FinDefault | Should -BeNullOrEmpty
            (Get-FinCmdletInfo Clear-FinDefault).SupportsShouldProcess | Should -BeTrue
        }
    }
    Context 'behaviour' {
        It 'clears the defaults, and keeps them under -WhatIf' {
            Set-FinDefault -Region eu-west-2
            Clear-FinDefault -WhatIf
            (Get-FinDefault).Region | Should -Be 'eu-west-2'
            Clear-FinDefault
            (Get-FinDefault).Region | Should -BeNullOrEmpty
        }
    }
}
