# The snapshot lifecycle from the user's side, against this file's own sandbox (moto on a free port).
# moto does not apply encryption to CreateImage/CopyImage: an AMI (and an AMI's DR copy) reads Encrypted = False in the
# sandbox whatever was asked. What the sandbox can show is asserted instead: the snapshot sets' and RDS snapshots'
# encryption, and the DR key each copy was made with (KmsKeyId).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Sandbox = Enter-FinTestSession -Sandbox
    $script:Policy = Import-FinBackupPolicy (Join-Path $script:FinExamples 'finco.recommended.policy.psd1')
    $script:Resources = $script:Policy | Get-FinResource -WarningAction SilentlyContinue
    $script:Points = $script:Resources | New-FinSnapshot -Wait
}

AfterAll {
    Exit-FinTestSession
}

Describe 'Get-FinResource' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline; -Application, -Region and -ResourceType narrow it' {
            Get-FinParameterContract Get-FinResource -ExcludeAws | Should -Be @(
                'Application String[] [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
                'ResourceType FinResourceType[] [__AllParameterSets]'
            )
            (Get-FinCmdletInfo Get-FinResource).HasAwsParameters | Should -BeTrue
        }
    }
    Context 'behaviour' {
        It 'finds the tagged instances and databases of the bank estate' {
            @($script:Resources | Where-Object ResourceType -eq 'Ec2Instance').Count | Should -Be 5
            @($script:Resources | Where-Object ResourceType -eq 'RdsDbInstance').Count | Should -Be 3
        }
        It 'shows a table that fits 120 columns without wrapping' {
            $lines = $script:Resources | Out-String -Width 120 -Stream
            $lines[1] | Should -Match 'Application\s+ResourceType\s+ResourceId\s+Region\s+Name\s+SizeGiB\s+Encrypted'
            @($lines | Where-Object { $_ -match 'RdsDbInstance' }).Count | Should -Be 3   # one line per resource
        }
        It 'carries the policy by name and path, not the policy object' {
            $r = $script:Resources | Select-Object -First 1
            $r.PolicyName | Should -Be $script:Policy.Name
            $r.PolicyPath | Should -Be $script:Policy.SourcePath
            $r.PSObject.Properties.Name | Should -Not -Contain 'Policy'
        }
    }
}

Describe 'New-FinSnapshot' {
    Context 'parameter contract' {
        It 'binds a resource by property name (ResourceId, ResourceType, Application, Policy)' {
            Get-FinParameterContract New-FinSnapshot -ExcludeAws | Should -Be @(
                'Application String [__AllParameterSets] pipeline=property'
                'InputObject PSObject [__AllParameterSets] pipeline=value'
                'Kind Nullable`1 [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] pipeline=property'
                'PolicyPath String [__AllParameterSets] pipeline=property'
                'Reboot SwitchParameter [__AllParameterSets]'
                'ResourceId String [__AllParameterSets] mandatory pipeline=property'
                'ResourceType Nullable`1 [__AllParameterSets] pipeline=property'
                'Retention Nullable`1 [__AllParameterSets]'
                'Wait SwitchParameter [__AllParameterSets]'
            )
            (Get-FinCmdletInfo New-FinSnapshot).SupportsShouldProcess | Should -BeTrue
        }
    }
    Context 'behaviour' {
        It 'takes one encrypted point per protected resource, each with a window and an expiry' {
            @($script:Points).Count | Should -BeGreaterOrEqual 8
            $script:Points | ForEach-Object {
                $_.Window | Should -Not -BeNullOrEmpty
                $_.ExpiresAt | Should -BeGreaterThan $_.CreatedAt
            }
            # Snapshot sets and RDS snapshots carry their encryption in moto; AMIs do not (see the top of this file).
            $script:Points | Where-Object Kind -in 'EbsSnapshotSet', 'RdsSnapshot' | ForEach-Object { $_.Encrypted | Should -BeTrue }
        }
        It 'returns the same points when run again in the window' {
            # Two resources suffice (an instance and a database): the rest behave alike and each call costs moto seconds.
            $some = @($script:Resources | Where-Object ResourceType -eq 'Ec2Instance' | Select-Object -First 1) + @($script:Resources | Where-Object ResourceType -eq 'RdsDbInstance' | Select-Object -First 1)
            $again = $some | New-FinSnapshot
            $expected = $script:Points | Where-Object { $some.ResourceId -contains $_.ResourceId }
            # A window boundary (on the hour, or the half hour for a 30-minute RPO) between the two runs legitimately
            # starts a new window and a new point: then the run after it is compared with it, in one window.
            if (@(Compare-Object @($expected.Window | Sort-Object) @($again.Window | Sort-Object)).Count -gt 0) {
                $expected = $again
                $again = $some | New-FinSnapshot
            }
            @($again.Window | Sort-Object) | Should -Be @($expected.Window | Sort-Object)
            @($again.RecoveryPointId | Sort-Object) | Should -Be @($expected.RecoveryPointId | Sort-Object)
        }
    }
}

Describe 'Get-FinRecoveryPoint' {
    BeforeAll { $script:Listed = Get-FinRecoveryPoint -Policy $script:Policy }
    Context 'parameter contract' {
        It 'filters by application, resource, kind, state and age; binds Application and ResourceId by property name' {
            Get-FinParameterContract Get-FinRecoveryPoint -ExcludeAws | Should -Be @(
                'Application String[] [__AllParameterSets] pipeline=property'
                'CreatedAfter Nullable`1 [__AllParameterSets]'
                'IncludeUnmanaged SwitchParameter [__AllParameterSets]'
                'Kind RecoveryPointKind[] [__AllParameterSets]'
                'Latest SwitchParameter [__AllParameterSets]'
                'OlderThan Nullable`1 [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets]'
                'ResourceId String[] [__AllParameterSets] pipeline=property'
                'State RecoveryPointState[] [__AllParameterSets]'
            )
            (Get-Command Get-FinRecoveryPoint).Parameters['Region'].ParameterType | Should -Be ([string[]])
        }
    }
    Context 'behaviour' {
        It 'shows id, kind, application, region, created, expires, state and encryption in 120 columns, times marked UTC' {
            $lines = $script:Listed | Out-String -Width 120 -Stream | Where-Object { $_ }
            $lines[0] | Should -Match '^RecoveryPointId\s+Kind\s+Application\s+Region\s+Created\s+Expires\s+State\s+Enc$'
            $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 120 }
            $lines[2] | Should -Match '\d\d-\d\d \d\d:\d\dZ\s+\d\d-\d\d \d\d:\d\dZ\s+Available\s+(yes|no)$'
        }
        It 'keeps the first four columns whole at 80 columns' {
            $lines = $script:Listed | Out-String -Width 80 -Stream | Where-Object { $_ }
            $lines[0] | Should -Match '^RecoveryPointId\s+Kind\s+Application\s+Region$'
        }
        It 'exports cleanly: JSON under 3 KB without the policy, collections and tags readable in CSV' {
            $point = $script:Listed | Where-Object Kind -eq 'EbsSnapshotSet' | Select-Object -First 1
            $json = $point | ConvertTo-Json -Depth 10
            $json.Length | Should -BeLessThan 3072
            $json | Should -Not -Match 'Applications|KmsKeys|SourceLine'
            ($json | ConvertFrom-Json).PolicyPath | Should -Be $script:Policy.SourcePath
            $row = $point | ConvertTo-Csv | ConvertFrom-Csv
            $row.SnapshotIds | Should -Match '^snap-[0-9a-f]+(; snap-[0-9a-f]+)*$'
            $row.Tags | Should -Match 'fin:application=Cross-sell|fin:application=[A-Z]'
            $row.Tags | Should -Not -Match 'System\.Collections'
        }
        It 'lists the points of the resources piped in (ResourceId by property name)' {
            $db = $script:Resources | Where-Object ResourceType -eq 'RdsDbInstance' | Select-Object -First 1
            $listed = $db | Get-FinRecoveryPoint
            $listed | Should -Not -BeNullOrEmpty
            $listed | ForEach-Object { $_.ResourceId | Should -Be $db.ResourceId }
        }
    }
}

Describe 'Copy-FinBackupToRegion' {
    Context 'parameter contract' {
        It 'takes recovery points from the pipeline' {
            Get-FinParameterContract Copy-FinBackupToRegion -ExcludeAws | Should -Be @(
                'DestinationRegion String [__AllParameterSets]'
                'KmsKeyId String [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] pipeline=property'
                'PolicyPath String [__AllParameterSets] pipeline=property'
                'RecoveryPoint FinRecoveryPoint[] [__AllParameterSets] mandatory pipeline=value'
                'Wait SwitchParameter [__AllParameterSets]'
            )
        }
    }
    Context 'behaviour' {
        It 'copies every point to the DR region with the DR key and keeps the lineage' {
            # Cross-sell's and Agent payment's points: every kind the estate has (AMI, snapshot set, RDS), at a third of the cost of all.
            $copies = $script:Points | Where-Object Application -in 'Cross-sell', 'Agent payment' | Copy-FinBackupToRegion -Wait
            $drKey = $script:Sandbox.KmsKeyArns['us-west-2']
            $copies | Should -Not -BeNullOrEmpty
            $copies | ForEach-Object {
                $_.Region | Should -Be 'us-west-2'
                $_.SourceRegion | Should -Be 'us-east-1'
                $script:Points.RecoveryPointId | Should -Contain $_.SourceRecoveryPointId
            }
            # The copy asked for the DR key; moto records it for snapshots and RDS, not for AMIs (see the top).
            $copies | Where-Object Kind -in 'EbsSnapshotSet', 'RdsSnapshot' | ForEach-Object {
                $_.Encrypted | Should -BeTrue
                $_.KmsKeyId | Should -Not -BeNullOrEmpty
            }
            $drKey | Should -Not -BeNullOrEmpty
        }
        It 'refuses a mistyped -DestinationRegion with "did you mean" before copying anything' {
            $err = { $script:Points | Copy-FinBackupToRegion -DestinationRegion us-wset-2 -ErrorAction Stop } |
                Should -Throw -ErrorId 'FinRegionUnknown,FinBackup.Cmdlets.CopyFinBackupToRegionCommand' -PassThru
            $err.Exception.Message | Should -Match "did you mean 'us-west-2'"
        }
        It 'refuses to make an unencrypted copy where no key is known' {
            { $script:Points | Select-Object -First 1 | Copy-FinBackupToRegion -DestinationRegion eu-west-1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'FinCopyUnencryptedRefused,FinBackup.Cmdlets.CopyFinBackupToRegionCommand'
        }
    }
}

Describe 'Remove-FinExpiredBackup' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline and deletes at ConfirmImpact High' {
            Get-FinParameterContract Remove-FinExpiredBackup -ExcludeAws | Should -Be @(
                'Application String[] [__AllParameterSets]'
                'Force SwitchParameter [__AllParameterSets]'
                'Kind RecoveryPointKind[] [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
            (Get-FinCmdletInfo Remove-FinExpiredBackup).ConfirmImpact | Should -Be 'High'
        }
    }
    Context 'behaviour' {
        It 'removes nothing under $WhatIfPreference, even with -Force, and says why each point stays' {
            $script:Decisions = $decisions = & { $WhatIfPreference = $true; $script:Policy | Remove-FinExpiredBackup -Force }
            $decisions | Should -Not -BeNullOrEmpty
            $decisions | Where-Object Outcome -eq 'Removed' | Should -BeNullOrEmpty
            Get-FinRecoveryPoint -Policy $script:Policy -Region us-east-1 -Kind RdsSnapshot | Should -Not -BeNullOrEmpty
        }
        It 'exports each fact once: no RecoveryPoint, Action or Exception next to RecoveryPointId, Outcome and Error' {
            $decision = $script:Decisions | Select-Object -First 1
            $columns = ($decision | ConvertTo-Csv | Select-Object -First 1) -split ',' -replace '"'
            $columns | Should -Contain 'RecoveryPointId'
            $columns | Should -Contain 'Outcome'
            $columns | Should -Contain 'Error'
            $columns | Should -Not -Contain 'RecoveryPoint'
            $columns | Should -Not -Contain 'Action'
            $columns | Should -Not -Contain 'Exception'
            ($decision | Out-String -Width 120 -Stream | Where-Object { $_.TrimEnd().Length -gt 120 }) | Should -BeNullOrEmpty
        }
    }
}

Describe 'Invoke-FinBackupCycle' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline; asks at ConfirmImpact High before removing unless -Force' {
            Get-FinParameterContract Invoke-FinBackupCycle -ExcludeAws | Should -Be @(
                'Application String[] [__AllParameterSets]'
                'ExportBlueprint SwitchParameter [__AllParameterSets]'
                'Force SwitchParameter [__AllParameterSets]'
                'NoMetrics SwitchParameter [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
            $info = Get-FinCmdletInfo Invoke-FinBackupCycle
            $info.OutputType | Should -Be 'FinBackup.Domain.RecoveryPoints.FinBackupCycleSummary'
            $info.ConfirmImpact | Should -Be 'High'
        }
    }
    Context 'behaviour' {
        It 'reports one summary per application and, run again, takes nothing new in the window it covered' {
            $first = $script:Policy | Invoke-FinBackupCycle -Force -NoMetrics
            @($first).Count | Should -Be @($script:Policy.Applications).Count
            $again = $script:Policy | Invoke-FinBackupCycle -Force -NoMetrics
            # Compared per window: an hour boundary between the two runs legitimately starts a new window.
            $again | Where-Object { $w = $_.Window; $first.Window -contains $w } | ForEach-Object { $_.Taken | Should -Be 0 }
        }
    }
}

Describe 'Set-FinBackupPlan' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline' {
            Get-FinParameterContract Set-FinBackupPlan -ExcludeAws | Should -Be @(
                'Application String[] [__AllParameterSets]'
                'IamRoleArn String [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
        }
    }
    Context 'behaviour' {
        It 'changes nothing under -WhatIf' {
            $result = $script:Policy | Set-FinBackupPlan -WhatIf
            $result | Should -Not -BeNullOrEmpty
            $result | ForEach-Object { $_.PlanId | Should -BeNullOrEmpty }
        }
    }
}

Describe 'Test-FinRecoveryPoint' {
    Context 'parameter contract' {
        It 'checks points from the pipeline; -ReadData and -Sample read file content' {
            Get-FinParameterContract Test-FinRecoveryPoint -ExcludeAws | Should -Be @(
                'ReadData SwitchParameter [__AllParameterSets]'
                'RecoveryPoint FinRecoveryPoint[] [__AllParameterSets] mandatory pipeline=value'
                'Sample Double [__AllParameterSets]'
            )
            (Get-FinCmdletInfo Test-FinRecoveryPoint).SupportsShouldProcess | Should -BeFalse
        }
    }
    Context 'behaviour' {
        It 'passes a point of each kind New-FinSnapshot took, one check per point, in a 120-column table' {
            $some = foreach ($kind in 'EbsSnapshotSet', 'Ami', 'RdsSnapshot') { $script:Points | Where-Object Kind -eq $kind | Select-Object -First 1 }
            $checks = $some | Test-FinRecoveryPoint
            @($checks).Count | Should -Be @($some).Count
            $checks | ForEach-Object { $_.Status | Should -Be 'Passed' -Because "$($_.RecoveryPointId): $($_.Problems -join '; ')" }
            $lines = $checks | Get-FinViewLine -Width 120
            $lines[0] | Should -Match '^RecoveryPointId\s+Kind\s+Region\s+Status'
            $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 120 }
        }
    }
}

Describe 'Remove-FinRestoredResource' {
    Context 'parameter contract' {
        It 'takes the RestoreId by property name (a restore result pipes in) and removes at ConfirmImpact High' {
            Get-FinParameterContract Remove-FinRestoredResource -ExcludeAws | Should -Be @(
                'Force SwitchParameter [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets]'
                'RestoreId String [__AllParameterSets] mandatory pipeline=property'
            )
            (Get-FinCmdletInfo Remove-FinRestoredResource).ConfirmImpact | Should -Be 'High'
        }
    }
    Context 'behaviour' {
        It 'lists under -WhatIf, then removes, only what a restore created' {
            # A drill copy of the policy without approvers: a direct restore (the real policy asks for an approved plan).
            $drill = Import-FinBackupPolicy $script:Policy.SourcePath
            foreach ($a in $drill.Applications) { $a.RestoreApprovers.Clear() }
            $set = $script:Points | Where-Object Kind -eq 'EbsSnapshotSet' | Select-Object -First 1
            $restore = $set | Invoke-FinRestore -Policy $drill -AvailabilityZone us-east-1a -Wait -Confirm:$false
            $restore.Status | Should -Be 'Available'
            $restore.RestoreId | Should -Not -BeNullOrEmpty
            @($restore.ResourceIds).Count | Should -Be @($set.SnapshotIds).Count
            $preview = $restore | Remove-FinRestoredResource -WhatIf
            $preview | Should -BeNullOrEmpty
            $removed = $restore | Remove-FinRestoredResource -Force -Confirm:$false
            @($removed.ResourceId | Sort-Object) | Should -Be @($restore.ResourceIds | Sort-Object)
            $removed | ForEach-Object { $_.Status | Should -Be 'Removed' }
            @($restore | Remove-FinRestoredResource -Force -Confirm:$false) | Should -BeNullOrEmpty -Because 'what was removed is not found again'
            Get-FinResource -Policy $script:Policy -ResourceType Ec2Instance -WarningAction SilentlyContinue | Should -Not -BeNullOrEmpty -Because 'the source estate is untouched'
        }
    }
}

# Recovery blueprints and DR readiness: what a rebuild in the DR region needs, read from the sandbox's application stacks.
Describe 'Export-FinRecoveryBlueprint' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline and -Application by property name; writes under ShouldProcess' {
            Get-FinParameterContract Export-FinRecoveryBlueprint -ExcludeAws | Should -Be @(
                'Application String[] [__AllParameterSets] pipeline=property'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
            (Get-FinCmdletInfo Export-FinRecoveryBlueprint).SupportsShouldProcess | Should -BeTrue
        }
    }
    Context 'behaviour' {
        It 'is reported missing in the DR region before the export, stored in both regions after it' {
            $before = Test-FinDrReadiness -Policy $script:Policy -Application 'Cross-sell'
            $before.Check | Should -Contain 'BlueprintPresent'
            Export-FinRecoveryBlueprint -Policy $script:Policy -Application 'Cross-sell' -WhatIf | Should -BeNullOrEmpty
            $script:Blueprint = Export-FinRecoveryBlueprint -Policy $script:Policy -Application 'Cross-sell' -Confirm:$false
            $script:Blueprint.Application | Should -Be 'Cross-sell'
            $script:Blueprint.Key | Should -Match '^fin-blueprints/cross-sell/\d{8}T\d{6}Z\.json$'
            $script:Blueprint.DrKey | Should -Not -BeNullOrEmpty
            ($script:Blueprint | Get-FinViewLine -Width 120) | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 120 }
        }
    }
}

Describe 'Get-FinRecoveryBlueprint' {
    Context 'parameter contract' {
        It 'reads the latest blueprint (or -Key) of each application' {
            Get-FinParameterContract Get-FinRecoveryBlueprint -ExcludeAws | Should -Be @(
                'Application String[] [__AllParameterSets] pipeline=property'
                'Key String [__AllParameterSets] pipeline=property'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
        }
    }
    Context 'behaviour' {
        It 'reads back, from the DR region, what the export stored, and pipes the export result in' {
            $dr = Get-FinRecoveryBlueprint -Policy $script:Policy -Application 'Cross-sell' -Region us-west-2
            $dr.Application | Should -Be 'Cross-sell'
            $byKey = $script:Blueprint | Get-FinRecoveryBlueprint -Policy $script:Policy
            $byKey.Application | Should -Be 'Cross-sell'
            $json = $dr | ConvertTo-Json -Depth 8
            $json | Should -Not -Match 'UserData"\s*:\s*"[A-Za-z0-9+/=]{20,}'   # the user data's hash, never the user data
        }
        It 'says which application has no blueprint' {
            Get-FinRecoveryBlueprint -Policy $script:Policy -Application 'Vendor Assistance Management' -ErrorAction SilentlyContinue -ErrorVariable missing |
                Should -BeNullOrEmpty
            $missing[0].FullyQualifiedErrorId | Should -Match '^FinBlueprintNotFound,'
        }
    }
}

Describe 'Compare-FinRecoveryBlueprint' {
    Context 'parameter contract' {
        It 'compares a reference with a difference blueprint (from the pipeline); no AWS parameters' {
            Get-FinParameterContract Compare-FinRecoveryBlueprint | Should -Be @(
                'DifferenceBlueprint RecoveryBlueprint [__AllParameterSets] mandatory pipeline=value'
                'ReferenceBlueprint RecoveryBlueprint [__AllParameterSets] mandatory'
            )
            (Get-FinCmdletInfo Compare-FinRecoveryBlueprint).HasAwsParameters | Should -BeFalse
        }
    }
    Context 'behaviour' {
        It 'finds nothing between two reads of one stack, and names a changed value by tier, item and property' {
            $a = Get-FinRecoveryBlueprint -Policy $script:Policy -Application 'Cross-sell'
            $b = Get-FinRecoveryBlueprint -Policy $script:Policy -Application 'Cross-sell' -Region us-west-2
            Compare-FinRecoveryBlueprint $a $b | Should -BeNullOrEmpty
            $changed = Get-FinRecoveryBlueprint -Policy $script:Policy -Application 'Cross-sell'
            @($changed.Databases).Count | Should -BeGreaterThan 0
            $changed.Databases[0].InstanceClass = 'db.x-changed'
            $diff = @($changed | Compare-FinRecoveryBlueprint -ReferenceBlueprint $a)
            $diff.Count | Should -Be 1
            $diff[0].Tier | Should -Be 'Database'
            $diff[0].New | Should -Be 'db.x-changed'
            $diff[0].Change | Should -Be 'Changed'
        }
    }
}

Describe 'Test-FinDrReadiness' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline and -Application by property name' {
            Get-FinParameterContract Test-FinDrReadiness -ExcludeAws | Should -Be @(
                'Application String[] [__AllParameterSets] pipeline=property'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
            (Get-FinCmdletInfo Test-FinDrReadiness).OutputType | Should -Be 'FinBackup.Domain.Recovery.FinDrFinding'
        }
    }
    Context 'behaviour' {
        It 'after the export and the DR copies, no longer reports the blueprint or the copied kinds missing' {
            $findings = $script:Policy | Test-FinDrReadiness -Application 'Cross-sell'
            $findings | Where-Object Check -eq 'BlueprintPresent' | Should -BeNullOrEmpty
            foreach ($kind in 'EbsSnapshotSet', 'RdsSnapshot') {
                $findings | Where-Object { $_.Check -eq 'DrCopyPresent' -and $_.Message -match $kind } | Should -BeNullOrEmpty
            }
            $findings | ForEach-Object {
                $_.Severity | Should -BeIn 'Error', 'Warning', 'Info'
                $_.Message | Should -Not -BeNullOrEmpty
            }
        }
    }
}

# Legal holds, a manual removal, and the audit trail they leave (in the primary backup bucket, fin-audit/<policy>/).
# One Inventory Management System snapshot set is held, refused removal, released and removed; the DR tests above
# use Cross-sell's and Agent payment's points, which stay.
Describe 'Set-FinLegalHold' {
    Context 'parameter contract' {
        It 'holds a point from the pipeline, or one named by id and kind' {
            Get-FinParameterContract Set-FinLegalHold -ExcludeAws | Should -Be @(
                'InputObject FinRecoveryPoint [Point] mandatory pipeline=value'
                'Kind RecoveryPointKind [Id] mandatory pipeline=property'
                'Policy BackupPolicy [__AllParameterSets] pipeline=property'
                'RecoveryPointId String [Id] mandatory pipeline=property'
            )
            (Get-FinCmdletInfo Set-FinLegalHold).SupportsShouldProcess | Should -BeTrue
        }
    }
    Context 'behaviour' {
        BeforeAll {
            $script:Held = $script:Points | Where-Object { $_.Application -eq 'Inventory Management System' -and $_.Kind -eq 'EbsSnapshotSet' } | Select-Object -First 1
        }
        It 'changes nothing under $WhatIfPreference, then tags the point so expiry keeps it' {
            $script:Held | Should -Not -BeNullOrEmpty
            & { $WhatIfPreference = $true; $script:Held | Set-FinLegalHold } | Out-Null
            (Get-FinRecoveryPoint -Policy $script:Policy -ResourceId $script:Held.ResourceId -Kind EbsSnapshotSet -Region us-east-1 |
                Where-Object RecoveryPointId -eq $script:Held.RecoveryPointId).LegalHold | Should -BeFalse
            $script:Held | Set-FinLegalHold -Confirm:$false | Out-Null
            (Get-FinRecoveryPoint -Policy $script:Policy -ResourceId $script:Held.ResourceId -Kind EbsSnapshotSet -Region us-east-1 |
                Where-Object RecoveryPointId -eq $script:Held.RecoveryPointId).LegalHold | Should -BeTrue
        }
    }
}

Describe 'Remove-FinRecoveryPoint' {
    Context 'parameter contract' {
        It 'removes a point from the pipeline, or one named by id and kind, at ConfirmImpact High' {
            Get-FinParameterContract Remove-FinRecoveryPoint -ExcludeAws | Should -Be @(
                'Force SwitchParameter [__AllParameterSets]'
                'InputObject FinRecoveryPoint [Point] mandatory pipeline=value'
                'Kind RecoveryPointKind [Id] mandatory pipeline=property'
                'PassThru SwitchParameter [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] pipeline=property'
                'RecoveryPointId String [Id] mandatory pipeline=property'
            )
            (Get-FinCmdletInfo Remove-FinRecoveryPoint).ConfirmImpact | Should -Be 'High'
        }
    }
    Context 'behaviour' {
        It 'refuses a point under legal hold, even with -Force' {
            $script:Held | Remove-FinRecoveryPoint -Force -ErrorAction SilentlyContinue -ErrorVariable refused | Out-Null
            $refused[0].FullyQualifiedErrorId | Should -Match '^FinRemovePointLegalHold,'
            Get-FinRecoveryPoint -Policy $script:Policy -ResourceId $script:Held.ResourceId -Kind EbsSnapshotSet -Region us-east-1 |
                Where-Object RecoveryPointId -eq $script:Held.RecoveryPointId | Should -Not -BeNullOrEmpty
        }
    }
}

Describe 'Clear-FinLegalHold' {
    Context 'parameter contract' {
        It 'releases a point from the pipeline, or one named by id and kind, at ConfirmImpact High' {
            Get-FinParameterContract Clear-FinLegalHold -ExcludeAws | Should -Be @(
                'Force SwitchParameter [__AllParameterSets]'
                'InputObject FinRecoveryPoint [Point] mandatory pipeline=value'
                'Kind RecoveryPointKind [Id] mandatory pipeline=property'
                'Policy BackupPolicy [__AllParameterSets] pipeline=property'
                'RecoveryPointId String [Id] mandatory pipeline=property'
            )
            (Get-FinCmdletInfo Clear-FinLegalHold).ConfirmImpact | Should -Be 'High'
        }
    }
    Context 'behaviour' {
        It 'releases the hold with -Force, after which the point can be removed (and is, once)' {
            $script:Held | Clear-FinLegalHold -Force | Out-Null
            (Get-FinRecoveryPoint -Policy $script:Policy -ResourceId $script:Held.ResourceId -Kind EbsSnapshotSet -Region us-east-1 |
                Where-Object RecoveryPointId -eq $script:Held.RecoveryPointId).LegalHold | Should -BeFalse
            & { $WhatIfPreference = $true; $script:Held | Remove-FinRecoveryPoint -Force } | Out-Null
            Get-FinRecoveryPoint -Policy $script:Policy -ResourceId $script:Held.ResourceId -Kind EbsSnapshotSet -Region us-east-1 |
                Where-Object RecoveryPointId -eq $script:Held.RecoveryPointId | Should -Not -BeNullOrEmpty
            $script:Held | Remove-FinRecoveryPoint -Force
            Get-FinRecoveryPoint -Policy $script:Policy -ResourceId $script:Held.ResourceId -Kind EbsSnapshotSet -Region us-east-1 |
                Where-Object RecoveryPointId -eq $script:Held.RecoveryPointId | Should -BeNullOrEmpty
        }
    }
}

Describe 'Get-FinAuditEvent' {
    Context 'parameter contract' {
        It 'reads the policy''s audit log, filtered by time, action, application, target and actor' {
            Get-FinParameterContract Get-FinAuditEvent -ExcludeAws | Should -Be @(
                'Action String[] [__AllParameterSets]'
                'Actor String[] [__AllParameterSets]'
                'Application String[] [__AllParameterSets] pipeline=property'
                'From Nullable`1 [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value,property'
                'Target String[] [__AllParameterSets]'
                'To Nullable`1 [__AllParameterSets]'
            )
        }
    }
    Context 'behaviour' {
        It 'tells the hold, the refusal, the release and the removal of the point, in order, and exports them' {
            $events = @(Get-FinAuditEvent -Policy $script:Policy -Target $script:Held.RecoveryPointId)
            $actions = @($events | ForEach-Object { "$($_.Action)/$($_.Result)" })
            $actions | Should -Contain 'LegalHold.Set/Succeeded'
            $actions | Should -Contain 'RecoveryPoint.Deleted/Refused'
            $actions | Should -Contain 'LegalHold.Cleared/Succeeded'
            $actions | Should -Contain 'RecoveryPoint.Deleted/Succeeded'
            [array]::IndexOf($actions, 'LegalHold.Set/Succeeded') | Should -BeLessThan ([array]::IndexOf($actions, 'RecoveryPoint.Deleted/Succeeded'))
            $row = $events | Select-Object -Last 1 | ConvertTo-Csv | ConvertFrom-Csv
            $row.Target | Should -Be $script:Held.RecoveryPointId
            ($events | Get-FinViewLine -Width 120) | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 120 }
        }
    }
}

Describe 'Test-FinAuditLog' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline' {
            Get-FinParameterContract Test-FinAuditLog -ExcludeAws | Should -Be @(
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value,property'
            )
        }
    }
    Context 'behaviour' {
        It 'finds the log this file wrote intact' {
            $findings = @($script:Policy | Test-FinAuditLog)
            $findings | ForEach-Object { $_.Status | Should -Not -Be 'Failed' -Because "$($_.Problem): $($_.Message)" }
            $findings | Should -Not -BeNullOrEmpty
        }
    }
}
