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

# Documents derived from the policy (identity and bucket policies, RTO arithmetic): no AWS call with -AccountId and
# -KmsKeyArn given, so no sandbox either.

Describe 'New-FinIamPolicy' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline; roles, ARNs and the output folder narrow it' {
            Get-FinParameterContract New-FinIamPolicy -ExcludeAws | Should -Be @(
                'AccountId String [__AllParameterSets]'
                'Application String [__AllParameterSets]'
                'InstanceRoleArn String[] [__AllParameterSets]'
                'OutputDirectory String [__AllParameterSets]'
                'Partition String [__AllParameterSets]'
                'PassRoleArn String[] [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
                'RestoreSecretName String[] [__AllParameterSets]'
                'Role FinRole[] [__AllParameterSets]'
            )
            (Get-FinCmdletInfo New-FinIamPolicy).OutputType | Should -Be 'FinBackup.Domain.Security.FinPolicyDocument'
        }
    }
    Context 'behaviour' {
        BeforeAll {
            $script:IamDir = New-FinTestDirectory -Prefix 'fin-pester-iam-'
            $script:Iam = Import-FinBackupPolicy (Join-Path $script:FinExamples 'finco.recommended.policy.psd1') |
                New-FinIamPolicy -AccountId 123456789012 -OutputDirectory $script:IamDir
        }
        AfterAll { Remove-Item -LiteralPath $script:IamDir -Recurse -Force -ErrorAction SilentlyContinue }
        It 'writes one ready-to-apply JSON file per role, with no wildcard action, and lists them in 120 columns' {
            @($script:Iam.Role) | Should -Be @('BackupOperator', 'RestoreOperator', 'RestoreApprover', 'Auditor', 'FileBackupInstance')
            foreach ($doc in $script:Iam) {
                $doc.Path | Should -Exist
                $json = Get-Content -Raw -LiteralPath $doc.Path | ConvertFrom-Json
                $json.Version | Should -Be '2012-10-17'
                @($json.Statement).Count | Should -Be $doc.Statements
                $json.Statement.Action | Should -Not -Contain '*'
            }
            $lines = $script:Iam | Get-FinViewLine -Width 120
            $lines[0] | Should -Match '^Role\s+PolicyName\s+Regions\s+Statements\s+Actions'
            $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 120 }
        }
        It 'names only the given account in its ARNs' {
            ($script:Iam | Where-Object Role -eq 'BackupOperator').Document | Should -Match 'arn:aws:[a-z0-9-]+:[a-z0-9-]*:123456789012:'
        }
    }
}

Describe 'New-FinBucketPolicy' {
    Context 'parameter contract' {
        It 'needs the principals that may delete and administer; takes the policy from the pipeline' {
            Get-FinParameterContract New-FinBucketPolicy -ExcludeAws | Should -Be @(
                'AdminPrincipalArn String[] [__AllParameterSets] mandatory'
                'DeletePrincipalArn String[] [__AllParameterSets] mandatory'
                'ForRegion String[] [__AllParameterSets]'
                'KmsKeyArn String[] [__AllParameterSets]'
                'OutputDirectory String [__AllParameterSets]'
                'Partition String [__AllParameterSets]'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
        }
    }
    Context 'behaviour' {
        It 'writes one deny-only policy per region bucket, bound to the given key ARN' {
            $keys = 'us-east-1=arn:aws:kms:us-east-1:123456789012:key/1111', 'us-west-2=arn:aws:kms:us-west-2:123456789012:key/2222'
            $docs = Import-FinBackupPolicy (Join-Path $script:FinExamples 'finco.recommended.policy.psd1') |
                New-FinBucketPolicy -DeletePrincipalArn 'arn:aws:iam::123456789012:role/fin-backup-operator' `
                    -AdminPrincipalArn 'arn:aws:iam::123456789012:role/fin-storage-admin' -KmsKeyArn $keys
            @($docs.Regions) | Should -Be @('us-east-1', 'us-west-2')
            foreach ($doc in $docs) {
                $json = $doc.Document | ConvertFrom-Json
                @($json.Statement.Effect | Select-Object -Unique) | Should -Be @('Deny')
                $doc.Document | Should -Match ([regex]::Escape("arn:aws:s3:::$($doc.Bucket)"))
            }
            ($docs | Where-Object Regions -eq 'us-west-2').Document | Should -Match 'key/2222'
        }
    }
}

Describe 'Get-FinRtoEstimate' {
    Context 'parameter contract' {
        It 'takes the policy from the pipeline and -Application by property name; no AWS parameters' {
            Get-FinParameterContract Get-FinRtoEstimate | Should -Be @(
                'Application String[] [__AllParameterSets] pipeline=property'
                'Policy BackupPolicy [__AllParameterSets] mandatory pipeline=value'
            )
            (Get-FinCmdletInfo Get-FinRtoEstimate).HasAwsParameters | Should -BeFalse
        }
    }
    Context 'behaviour' {
        It 'estimates every application against its RTO, and one application when asked' {
            $policy = Import-FinBackupPolicy (Join-Path $script:FinExamples 'finco.recommended.policy.psd1')
            $all = $policy | Get-FinRtoEstimate
            @($all.Application) | Should -Be @($policy.Applications.Name)
            $all | ForEach-Object { $_.EstimatedRto | Should -BeGreaterThan ([timespan]::Zero); $_.Meets | Should -BeOfType [bool] }
            $one = $policy | Get-FinRtoEstimate -Application 'Cross-sell'
            $one.Application | Should -Be 'Cross-sell'
            $one.CriticalPath | Should -Match 'Database restore'
            $lines = $all | Get-FinViewLine -Width 120
            $lines[0] | Should -Match '^Application\s+Estimated\s+Target\s+Meets\s+CriticalPath'
            $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 120 }
        }
    }
}
