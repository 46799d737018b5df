#Requires -Modules Pester
# Pester 5 tests for file backups (Backup-FinFile, Invoke-FinRestore). Needs pwsh, the built module (out/FinBackup),
# moto_server on $env:FIN_TEST_ENDPOINT (default http://127.0.0.1:5000) and a bucket fin-backup-use1 in it.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/FinBackup/FinBackup.psd1') -Force
    $script:Endpoint = if ($env:FIN_TEST_ENDPOINT) { $env:FIN_TEST_ENDPOINT } else { 'http://127.0.0.1:5000' }
    $script:Conn = @{ Region = 'us-east-1'; AccessKey = 'testing'; SecretKey = 'testing'; EndpointUrl = $script:Endpoint }
    $env:FINBACKUP_CACHE_DIR = Join-Path ([IO.Path]::GetTempPath()) ("fin-pester-cache-" + [guid]::NewGuid())
    $script:Source = Join-Path ([IO.Path]::GetTempPath()) ("fin-pester-src-" + [guid]::NewGuid())
    New-Item -ItemType Directory -Path (Join-Path $script:Source 'ledger/2026-11-01') -Force | Out-Null
    Set-Content -Path (Join-Path $script:Source 'ledger/2026-11-01/a.dat') -Value 'november'
    Set-Content -Path (Join-Path $script:Source 'ledger/b.dat') -Value 'other'
}

AfterAll {
    Remove-Item -Recurse -Force $script:Source, $env:FINBACKUP_CACHE_DIR -ErrorAction SilentlyContinue
}

Describe 'Backup-FinFile' {
    It 'emits a FileBackup recovery point and a summary' {
        $point, $summary = Backup-FinFile -Path (Join-Path $script:Source 'ledger') -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup -Application 'Agent payment' @script:Conn
        $point.Kind | Should -Be 'FileBackup'
        $point.Bucket | Should -Be 'fin-backup-use1'
        $summary.Files | Should -Be 2
    }

    It 'uploads nothing when nothing changed' {
        $null, $summary = Backup-FinFile -Path (Join-Path $script:Source 'ledger') -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup -Application 'Agent payment' @script:Conn
        $summary.ObjectsPut | Should -Be 0
    }
}

Describe 'Invoke-FinRestore' {
    It 'lists but writes nothing with -WhatIf' {
        $point, $null = Backup-FinFile -Path (Join-Path $script:Source 'ledger') -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup -Application 'Agent payment' @script:Conn
        $dest = Join-Path ([IO.Path]::GetTempPath()) ("fin-pester-dest-" + [guid]::NewGuid())
        $result = $point | Invoke-FinRestore -Destination $dest -Include 'ledger/2026-11-*' -WhatIf @script:Conn
        $result.FilesNotWritten | Should -Be 1
        Test-Path (Join-Path $dest 'ledger/2026-11-01/a.dat') | Should -BeFalse
    }

    It 'restores byte-identical files' {
        $point, $null = Backup-FinFile -Path (Join-Path $script:Source 'ledger') -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup -Application 'Agent payment' @script:Conn
        $dest = Join-Path ([IO.Path]::GetTempPath()) ("fin-pester-dest-" + [guid]::NewGuid())
        $point | Invoke-FinRestore -Destination $dest -Confirm:$false @script:Conn | Out-Null
        (Get-FileHash (Join-Path $dest 'ledger/2026-11-01/a.dat')).Hash | Should -Be (Get-FileHash (Join-Path $script:Source 'ledger/2026-11-01/a.dat')).Hash
        Remove-Item -Recurse -Force $dest
    }

    It 'reports other kinds as not supported' {
        $point = [FinBackup.Domain.RecoveryPoints.FinRecoveryPoint]@{ RecoveryPointId = 'ami-1'; Kind = 'Ami' }
        $point | Invoke-FinRestore -Destination ([IO.Path]::GetTempPath()) -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue @script:Conn
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FinRestoreKindNotSupported,*'
    }
}
