# Running unattended, from the user's side: schedules (EventBridge Scheduler), the SSM documents they run, and the RPO
# alarms. This file's own sandbox is an empty moto (-SkipSeed): these cmdlets need none of the estate, only the policy.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Sandbox = Enter-FinTestSession -Sandbox -SkipSeed
    $script:Policy = Import-FinBackupPolicy (Join-Path $script:FinExamples 'finco.recommended.policy.psd1')
}

AfterAll {
    Exit-FinTestSession
}

Describe 'Register-FinBackupSchedule' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline, under ShouldProcess' {
            Get-FinParameterContract Register-FinBackupSchedule -ExcludeAws | Should -Be @(
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
            (Get-FinCmdletInfo Register-FinBackupSchedule).SupportsShouldProcess | Should -BeTrue
        }
    }
    Context 'behaviour' {
        It 'creates nothing under $WhatIfPreference, then creates one schedule per application cycle and file set, once' {
            $preview = & { $WhatIfPreference = $true; $script:Policy | Register-FinBackupSchedule }
            @($preview).Count | Should -Be 7
            $preview | ForEach-Object { $_.Action | Should -Be 'Skipped' }
            Get-FinBackupSchedule -Policy $script:Policy | ForEach-Object { $_.Status | Should -Be 'Missing' }
            $created = $script:Policy | Register-FinBackupSchedule
            $created | ForEach-Object { $_.Action | Should -Be 'Created' }
            ($created | Where-Object Name -eq 'fin-finco-vendor-assistance-management-cycle').ScheduleExpression | Should -Be 'cron(5/30 * * * ? *)'
            ($script:Policy | Register-FinBackupSchedule) | ForEach-Object { $_.Action | Should -Be 'None' }
        }
    }
}

Describe 'Get-FinBackupSchedule' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline and changes nothing' {
            Get-FinParameterContract Get-FinBackupSchedule -ExcludeAws | Should -Be @(
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
            (Get-FinCmdletInfo Get-FinBackupSchedule).SupportsShouldProcess | Should -BeFalse
        }
    }
    Context 'behaviour' {
        It 'reports every registered schedule InSync, in a table that fits 120 columns' {
            $schedules = $script:Policy | Get-FinBackupSchedule
            @($schedules).Count | Should -Be 7
            $schedules | ForEach-Object { $_.Status | Should -Be 'InSync' }
            $lines = $schedules | Get-FinViewLine -Width 120
            $lines[0] | Should -Match '^Name\s+Status\s+Action\s+Expression\s+Document'
            $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 120 }
        }
    }
}

Describe 'Unregister-FinBackupSchedule' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline and deletes at ConfirmImpact High; -Force does not ask' {
            Get-FinParameterContract Unregister-FinBackupSchedule -ExcludeAws | Should -Be @(
                'Force SwitchParameter [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
            (Get-FinCmdletInfo Unregister-FinBackupSchedule).ConfirmImpact | Should -Be 'High'
        }
    }
    Context 'behaviour' {
        It 'deletes nothing under $WhatIfPreference, even with -Force; deletes every schedule of the policy with -Force' {
            $preview = & { $WhatIfPreference = $true; $script:Policy | Unregister-FinBackupSchedule -Force }
            $preview | ForEach-Object { $_.Action | Should -Be 'Skipped' }
            ($script:Policy | Get-FinBackupSchedule) | ForEach-Object { $_.Status | Should -Be 'InSync' }
            $removed = $script:Policy | Unregister-FinBackupSchedule -Force
            @($removed).Count | Should -Be 7
            $removed | ForEach-Object { $_.Action | Should -Be 'Removed' }
            ($script:Policy | Get-FinBackupSchedule) | ForEach-Object { $_.Status | Should -Be 'Missing' }
        }
    }
}

Describe 'Publish-FinSsmDocument' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline; -Name and -TargetRegion narrow it' {
            Get-FinParameterContract Publish-FinSsmDocument -ExcludeAws | Should -Be @(
                'Name String[] [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
                'TargetRegion String[] [__AllParameterSets]'
            )
        }
    }
    Context 'behaviour' {
        It 'publishes the four documents the schedules run, then reports them Unchanged' {
            $first = $script:Policy | Publish-FinSsmDocument -TargetRegion us-east-1
            @($first.Name) | Should -Be @('FinBackup-Cycle', 'FinBackup-FileSetBackup', 'FinBackup-RestoreDrill', 'FinBackup-DrReadiness')
            $first | ForEach-Object { $_.Action | Should -Be 'Created'; $_.Source | Should -Match '^examples/ssm/' }
            $again = $script:Policy | Publish-FinSsmDocument -TargetRegion us-east-1 -Name FinBackup-Cycle
            $again.Action | Should -Be 'Unchanged'
        }
    }
}

Describe 'Set-FinRpoAlarm' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline; -Application narrows it' {
            Get-FinParameterContract Set-FinRpoAlarm -ExcludeAws | Should -Be @(
                'Application String[] [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
            (Get-FinCmdletInfo Set-FinRpoAlarm).SupportsShouldProcess | Should -BeTrue
        }
    }
    Context 'behaviour' {
        It 'says the notification topic is missing instead of making an alarm that notifies nobody' {
            { $script:Policy | Set-FinRpoAlarm -ErrorAction Stop } | Should -Throw -ErrorId 'FinAlarmTopicNotFound,FinBackup.Cmdlets.Unattended.SetFinRpoAlarmCommand'
        }
        It 'puts one alarm per application at its RPO once the topic exists, and leaves a matching alarm alone' {
            # The topic is the operator's (the policy names it); the AWS CLI creates it here, as an operator would.
            $saved = @{ Id = $env:AWS_ACCESS_KEY_ID; Secret = $env:AWS_SECRET_ACCESS_KEY; Profile = $env:AWS_PROFILE }
            try {
                $env:AWS_ACCESS_KEY_ID = 'testing'; $env:AWS_SECRET_ACCESS_KEY = 'testing'; $env:AWS_PROFILE = $null
                aws sns create-topic --name fin-backup-alarms --region us-east-1 --endpoint-url $script:Sandbox.EndpointUrl --output text | Out-Null
                $LASTEXITCODE | Should -Be 0
            }
            finally { $env:AWS_ACCESS_KEY_ID = $saved.Id; $env:AWS_SECRET_ACCESS_KEY = $saved.Secret; $env:AWS_PROFILE = $saved.Profile }
            $alarms = $script:Policy | Set-FinRpoAlarm
            @($alarms).Count | Should -Be 5
            $alarms | ForEach-Object { $_.Action | Should -Be 'Created'; $_.TreatMissingData | Should -Be 'breaching' }
            ($alarms | Where-Object Application -eq 'Vendor Assistance Management').ThresholdSeconds | Should -Be 1800
            ($script:Policy | Set-FinRpoAlarm -Application 'Cross-sell').Action | Should -Be 'Unchanged'
        }
    }
}
