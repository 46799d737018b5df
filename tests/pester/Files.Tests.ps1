# File backups and restores from the user's side, against this file's own sandbox (bucket fin-backup-use1 and
# alias/fin-backup are seeded by Start-FinSandbox).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Sandbox = Enter-FinTestSession -Sandbox
    $script:CallerCacheDir = $env:FINBACKUP_CACHE_DIR
    $script:Work = New-FinTestDirectory -Prefix 'fin-pester-files-'
    $env:FINBACKUP_CACHE_DIR = Join-Path $script:Work 'cache'
    $script:Source = Join-Path $script:Work 'src'
    New-Item -ItemType Directory -Path (Join-Path $script:Source 'ledger/2026-11-01') -Force | Out-Null
    Set-Content -Path (Join-Path $script:Source 'ledger/2026-11-01/a.dat') -Value 'november'
    Set-Content -Path (Join-Path $script:Source 'ledger/b.dat') -Value 'other'
    $script:Backup = @{ Bucket = 'fin-backup-use1'; KmsKeyId = 'alias/fin-backup'; Application = 'Agent payment' }
}

AfterAll {
    $env:FINBACKUP_CACHE_DIR = $script:CallerCacheDir
    Remove-Item -LiteralPath $script:Work -Recurse -Force -ErrorAction SilentlyContinue
    Exit-FinTestSession
}

Describe 'Backup-FinFile' {
    Context 'parameter contract' {
        It 'has a Path set and a Policy set; paths bind by property name (FullName from Get-ChildItem)' {
            Get-FinParameterContract Backup-FinFile -ExcludeAws | Should -Be @(
                'Application String [__AllParameterSets] mandatory pipeline=property'
                'Bucket String [Path] mandatory'
                'Exclude String[] [__AllParameterSets]'
                'FileSet String[] [Policy]'
                'Frequency Nullable`1 [Path]'
                'Include String[] [__AllParameterSets]'
                'KmsKeyId String [Path] mandatory'
                'NoCache SwitchParameter [__AllParameterSets]'
                'Parallelism Int32 [__AllParameterSets]'
                'Path String[] [Path] mandatory pipeline=property'
                'Policy BackupPolicy [Policy] mandatory pipeline=value'
                'Retention TimeSpan [Path]'
                'Summary SwitchParameter [__AllParameterSets]'
            )
            (Get-FinCmdletInfo Backup-FinFile).DefaultParameterSet | Should -Be 'Path'
        }
    }
    Context 'behaviour' {
        It 'backs up a directory piped from Get-Item as a FileBackup point in the backup bucket' {
            $point = Get-Item (Join-Path $script:Source 'ledger') | Backup-FinFile @script:Backup | Where-Object Kind -eq 'FileBackup'
            $point.Bucket | Should -Be 'fin-backup-use1'
            $point.Application | Should -Be 'Agent payment'
            $point.State | Should -Be 'Available'
        }
        It 'emits one object, so Backup-FinFile | Invoke-FinRestore restores once' {
            $dest = Join-Path $script:Work 'once'
            $results = @(Backup-FinFile -Path (Join-Path $script:Source 'ledger') @script:Backup |
                    Invoke-FinRestore -Destination $dest -Confirm:$false -ErrorVariable problems)
            $problems | Should -BeNullOrEmpty
            $results.Count | Should -Be 1
            $results[0].FilesRestored | Should -Be 2
            Get-Content (Join-Path $dest 'ledger/b.dat') | Should -Be 'other'
        }
        It 'with -Summary emits only the summary, which also restores by RecoveryPointId and Bucket' {
            $summary = @(Backup-FinFile -Path (Join-Path $script:Source 'ledger') @script:Backup -Summary)
            $summary.Count | Should -Be 1
            $summary[0].GetType().Name | Should -Be 'FileBackupSummary'
            $summary[0].Files | Should -Be 2
            $summary[0].ObjectsPut | Should -Be 0   # nothing changed since the previous test's backup
            $restored = $summary | Invoke-FinRestore -Destination (Join-Path $script:Work 'from-summary') -Confirm:$false
            $restored.FilesRestored | Should -Be 2
        }
    }
}

Describe 'Invoke-FinRestore' {
    Context 'parameter contract' {
        It 'restores a point from the pipeline, or by RecoveryPointId and Bucket' {
            Get-FinParameterContract Invoke-FinRestore -ExcludeAws | Should -Be @(
                'Bucket String [Id] mandatory pipeline=property'
                'Destination String [__AllParameterSets] mandatory'
                'Exclude String[] [__AllParameterSets]'
                'Force SwitchParameter [__AllParameterSets]'
                'Include String[] [__AllParameterSets]'
                'InputObject FinRecoveryPoint [RecoveryPoint] mandatory pipeline=value'
                'Parallelism Int32 [__AllParameterSets]'
                'RecoveryPointId String [Id] mandatory pipeline=property'
            )
            (Get-FinCmdletInfo Invoke-FinRestore).ConfirmImpact | Should -Be 'High'
        }
    }
    Context 'behaviour' {
        It 'restores byte-identical files from a point listed by Get-FinRecoveryPoint' {
            $point = Get-FinRecoveryPoint -Application 'Agent payment' -Kind FileBackup | Sort-Object CreatedAt | Select-Object -Last 1
            $dest = Join-Path $script:Work 'restored'
            $point | Invoke-FinRestore -Destination $dest -Confirm:$false | Out-Null
            (Get-FileHash (Join-Path $dest 'ledger/2026-11-01/a.dat')).Hash |
                Should -Be (Get-FileHash (Join-Path $script:Source 'ledger/2026-11-01/a.dat')).Hash
        }
        It 'writes nothing under $WhatIfPreference' {
            $point = Get-FinRecoveryPoint -Application 'Agent payment' -Kind FileBackup | Select-Object -First 1
            $dest = Join-Path $script:Work 'whatif'
            & { $WhatIfPreference = $true; $point | Invoke-FinRestore -Destination $dest } | Out-Null
            Join-Path $dest 'ledger/b.dat' | Should -Not -Exist
        }
    }
}

Describe 'Send-FinFileBackupCommand' {
    Context 'parameter contract' {
        It 'targets instances by tag (default) or by id, binding InstanceId and Application by property name' {
            Get-FinParameterContract Send-FinFileBackupCommand -ExcludeAws | Should -Be @(
                'Application String [__AllParameterSets] mandatory pipeline=property'
                'Bucket String [__AllParameterSets]'
                'DocumentName String [__AllParameterSets]'
                'Exclude String[] [__AllParameterSets]'
                'Include String[] [__AllParameterSets]'
                'InstanceId String[] [Instance] mandatory pipeline=property'
                'KmsKeyId String [__AllParameterSets]'
                'MaxConcurrency String [__AllParameterSets]'
                'MaxErrors String [__AllParameterSets]'
                'OutputS3Bucket String [__AllParameterSets]'
                'Path String[] [__AllParameterSets]'
                'PolicyPath String [__AllParameterSets]'
                'Retention Nullable`1 [__AllParameterSets]'
                'TagKey String [Tag]'
                'TagValue String[] [Tag]'
                'TimeoutSeconds Int32 [__AllParameterSets]'
            )
            (Get-FinCmdletInfo Send-FinFileBackupCommand).DefaultParameterSet | Should -Be 'Tag'
        }
    }
    Context 'behaviour' {
        It 'sends nothing under -WhatIf for the instances Get-FinResource found' {
            $policy = Import-FinBackupPolicy (Join-Path $script:FinExamples 'finco.recommended.policy.psd1')
            $instances = $policy | Get-FinResource -Application 'Agent payment' -ResourceType Ec2Instance -WarningAction SilentlyContinue |
                Select-Object @{ n = 'InstanceId'; e = { $_.ResourceId } }, Application
            $instances | Should -Not -BeNullOrEmpty
            $instances | Send-FinFileBackupCommand -PolicyPath /etc/finbackup/finco.policy.psd1 -WhatIf | Should -BeNullOrEmpty
        }
    }
}

Describe 'Set-FinBucketReplication' {
    Context 'parameter contract' {
        It 'needs -RoleArn; takes the policy from the pipeline or the buckets by name' {
            Get-FinParameterContract Set-FinBucketReplication -ExcludeAws | Should -Be @(
                'DestinationBucket String [__AllParameterSets]'
                'DestinationRegion String [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] pipeline=value'
                'Prefix String [__AllParameterSets]'
                'ReplicaKmsKeyId String [__AllParameterSets]'
                'RoleArn String [__AllParameterSets] mandatory'
                'RuleId String [__AllParameterSets]'
                'SourceBucket String [__AllParameterSets]'
            )
        }
    }
    Context 'behaviour' {
        It 'changes nothing under -WhatIf when the buckets come from the policy' {
            $policy = Import-FinBackupPolicy (Join-Path $script:FinExamples 'finco.recommended.policy.psd1')
            $policy | Set-FinBucketReplication -RoleArn 'arn:aws:iam::123456789012:role/fin-backup-replication' -WhatIf -ErrorAction Stop |
                Should -BeNullOrEmpty
        }
    }
}
