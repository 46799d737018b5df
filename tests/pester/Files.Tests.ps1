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
    # The bank's policy with Agent payment's ledger file set pointing at this file's source folder, so -Policy backups work here.
    $script:PolicyFile = Join-Path $script:Work 'finco.policy.psd1'
    (Get-Content -Raw (Join-Path $script:FinExamples 'finco.recommended.policy.psd1')).
        Replace("'/var/lib/agentpay/ledger'", "'$(Join-Path $script:Source 'ledger')'").
        Replace("'/etc/agentpay'", "'$(Join-Path $script:Source 'ledger/2026-11-01')'") | Set-Content -LiteralPath $script:PolicyFile
    $script:Policy = Import-FinBackupPolicy $script:PolicyFile
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
                'Force SwitchParameter [__AllParameterSets]'
                'Frequency Nullable`1 [Path]'
                'Include String[] [__AllParameterSets]'
                'KmsKeyId String [Path] mandatory'
                'NoCache SwitchParameter [__AllParameterSets]'
                'NoMetrics SwitchParameter [__AllParameterSets]'
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
        It 'restores a point from the pipeline, by RecoveryPointId and Bucket, a plan, or an RDS point in time' {
            $contract = Get-FinParameterContract Invoke-FinRestore -ExcludeAws
            $contract | Should -Contain 'InputObject FinRecoveryPoint [RecoveryPoint] mandatory pipeline=value'
            $contract | Should -Contain 'RecoveryPointId String [Id] mandatory pipeline=property'
            $contract | Should -Contain 'Bucket String [Id] mandatory pipeline=property'
            $contract | Should -Contain 'Plan RestorePlan [Plan] mandatory pipeline=value'
            $contract | Should -Contain 'RestoreTime DateTime [PointInTime] mandatory'
            $contract | Should -Contain 'UseLatestRestorableTime SwitchParameter [LatestRestorableTime] mandatory'
            $contract | Should -Contain 'Policy BackupPolicy [__AllParameterSets] pipeline=property'
            $contract | Should -Contain 'PolicyPath String [__AllParameterSets] pipeline=property'
            foreach ($p in 'Destination', 'Include', 'Exclude', 'Force', 'PreservePrivilegedModes', 'Parallelism', 'AvailabilityZone', 'InstanceId',
                'ReplaceVolumes', 'SubnetId', 'SecurityGroupId', 'InstanceType', 'DBInstanceClass', 'Wait') {
                $contract | Where-Object { $_ -like "$p *" } | Should -Not -BeNullOrEmpty -Because "-$p is part of the contract"
            }
            @((Get-Command Invoke-FinRestore).ParameterSets.Name | Sort-Object) | Should -Be @('Id', 'LatestRestorableTime', 'Plan', 'PointInTime', 'RecoveryPoint')
            $info = Get-FinCmdletInfo Invoke-FinRestore
            $info.ConfirmImpact | Should -Be 'High'
            $info.DefaultParameterSet | Should -Be 'RecoveryPoint'
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
        It 'keeps the policy''s RestoreApprovers for a point that carries its policy (Backup-FinFile -Policy, Get-FinRecoveryPoint -Policy)' {
            $point = Backup-FinFile -Policy $script:Policy -Application 'Agent payment' -FileSet ledger
            $point.PolicyPath | Should -Be $script:Policy.SourcePath
            $dest = Join-Path $script:Work 'refused'
            $point | Invoke-FinRestore -Destination $dest -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable refused | Should -BeNullOrEmpty
            $refused[0].FullyQualifiedErrorId | Should -Be 'FinRestoreApprovalRequired,FinBackup.Cmdlets.Restore.InvokeFinRestoreCommand'
            $listed = Get-FinRecoveryPoint -Policy $script:Policy -Application 'Agent payment' -Kind FileBackup -Region us-east-1 -Latest
            $listed.PolicyPath | Should -Be $script:Policy.SourcePath
            # Read back from an export (its identifying columns), the point still names its policy file, which is read again.
            $csv = Join-Path $script:Work 'point.csv'
            $listed | Export-Csv -LiteralPath $csv
            Import-Csv -LiteralPath $csv | Select-Object RecoveryPointId, Bucket, Kind, Application, Region, PolicyPath | Invoke-FinRestore -Destination $dest -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable refusedAgain | Should -BeNullOrEmpty
            $refusedAgain[0].FullyQualifiedErrorId | Should -Be 'FinRestoreApprovalRequired,FinBackup.Cmdlets.Restore.InvokeFinRestoreCommand'
            Join-Path $dest 'ledger' | Should -Not -Exist
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

# Maker-checker restores (issue 9), from the user's side: the plan a requester makes, what an approver reads back,
# and what the gate refuses. The sandbox signs every call with one identity, so the "second person" cannot be shown
# here (the xUnit suite does it with IAM users in moto); what one person can see is asserted instead.
Describe 'New-FinRestorePlan' {
    Context 'parameter contract' {
        It 'collects points from the pipeline under a mandatory -Policy' {
            Get-FinParameterContract New-FinRestorePlan -ExcludeAws | Should -Be @(
                'AvailabilityZone String [__AllParameterSets]'
                'DBInstanceClass String [__AllParameterSets]'
                'Destination String [__AllParameterSets]'
                'InputObject FinRecoveryPoint[] [__AllParameterSets] mandatory pipeline=value'
                'InstanceType String [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory'
                'SubnetId String [__AllParameterSets]'
                'TargetDBInstanceIdentifier String [__AllParameterSets]'
            )
            (Get-FinCmdletInfo New-FinRestorePlan).SupportsShouldProcess | Should -BeTrue
        }
    }
    Context 'behaviour' {
        BeforeAll {
            $script:PlanPolicy = $script:Policy
            $script:PlanPoint = Get-FinRecoveryPoint -Policy $script:PlanPolicy -Application 'Agent payment' -Kind FileBackup -Region us-east-1 -Latest
            $script:PlanDest = Join-Path $script:Work 'planned'
        }
        It 'under -WhatIf writes the plan to the pipeline but stores nothing' {
            $draft = $script:PlanPoint | New-FinRestorePlan -Policy $script:PlanPolicy -Destination $script:PlanDest -WhatIf
            $draft.PlanId | Should -Match '^rplan-'
            { Get-FinRestorePlan -PlanId $draft.PlanId -Policy $script:PlanPolicy -Region us-east-1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'FinRestorePlanNotFound,FinBackup.Cmdlets.Restore.GetFinRestorePlanCommand'
        }
        It 'stores one plan per application with its items, estimate, RTO and requester; items export as a table' {
            $script:Plan = $script:PlanPoint | New-FinRestorePlan -Policy $script:PlanPolicy -Destination $script:PlanDest
            $script:Plan.Application | Should -Be 'Agent payment'
            $script:Plan.ItemCount | Should -Be 1
            $script:Plan.RequestedBy | Should -Match '^arn:aws:'
            $script:Plan.TargetRto | Should -Be ([timespan]::FromHours(2))
            $script:Plan.ContentHash | Should -Match '^[0-9a-f]{64}$'
            $row = $script:Plan.Items | ConvertTo-Csv | ConvertFrom-Csv
            $row.RecoveryPointId | Should -Be $script:PlanPoint.RecoveryPointId
            ($script:Plan | Out-String -Width 120) | Should -Match $script:Plan.PlanId
        }
    }
}

Describe 'Get-FinRestorePlan' {
    Context 'parameter contract' {
        It 'reads plans by id (also by property name, so a plan pipes in) under a mandatory -Policy' {
            Get-FinParameterContract Get-FinRestorePlan -ExcludeAws | Should -Be @(
                'PlanId String[] [__AllParameterSets] mandatory pipeline=property'
                'Policy BackupPolicy [__AllParameterSets] mandatory'
            )
        }
    }
    Context 'behaviour' {
        It 'returns the stored plan unchanged, as an approver on another machine would read it' {
            $read = $script:Plan | Get-FinRestorePlan -Policy $script:PlanPolicy
            $read.PlanId | Should -Be $script:Plan.PlanId
            $read.ContentHash | Should -Be $script:Plan.ContentHash
            $read.RequestedBy | Should -Be $script:Plan.RequestedBy
        }
    }
}

Describe 'Approve-FinRestore' {
    Context 'parameter contract' {
        It 'approves a plan from the pipeline or by id, under a mandatory -Policy' {
            Get-FinParameterContract Approve-FinRestore -ExcludeAws | Should -Be @(
                'Plan RestorePlan [Plan] mandatory pipeline=value'
                'PlanId String [Id] mandatory'
                'Policy BackupPolicy [__AllParameterSets] mandatory'
                'ValidFor Nullable`1 [__AllParameterSets]'
            )
            (Get-FinCmdletInfo Approve-FinRestore).DefaultParameterSet | Should -Be 'Plan'
        }
    }
    Context 'behaviour' {
        It 'refuses the requester approving their own plan, and the unapproved plan does not restore' {
            $script:Plan | Approve-FinRestore -Policy $script:PlanPolicy -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable self | Should -BeNullOrEmpty
            $self[0].FullyQualifiedErrorId | Should -Be 'FinRestorePlanSelfApproved,FinBackup.Cmdlets.Restore.ApproveFinRestoreCommand'
            $script:Plan | Invoke-FinRestore -Policy $script:PlanPolicy -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable unapproved | Should -BeNullOrEmpty
            $unapproved[0].FullyQualifiedErrorId | Should -Be 'FinRestorePlanNotApproved,FinBackup.Cmdlets.Restore.InvokeFinRestoreCommand'
            Join-Path $script:PlanDest 'ledger' | Should -Not -Exist
        }
        It 'says no approval is needed where the policy lists no approvers, and the plan then restores once' {
            $open = Import-FinBackupPolicy $script:PolicyFile
            foreach ($a in $open.Applications) { $a.RestoreApprovers.Clear() }
            $script:Plan | Approve-FinRestore -Policy $open -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable notNeeded | Out-Null
            $notNeeded[0].FullyQualifiedErrorId | Should -Match '^FinRestoreApprovalNotRequired,'
            $results = @($script:Plan | Invoke-FinRestore -Policy $open -Confirm:$false)
            $results.Count | Should -Be 1
            $results[0].Status | Should -Be 'Available'
            Join-Path $script:PlanDest 'ledger/b.dat' | Should -Exist
        }
    }
}
