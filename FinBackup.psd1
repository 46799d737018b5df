#
# Module manifest for FinBackup.
# ModuleVersion is stamped by the build from Directory.Build.props (<FinBackupVersion>); do not edit it here.
#
@{
    RootModule            = 'FinBackup.dll'
    ModuleVersion         = '0.0.0'
    GUID                  = '5f3d7a2e-9c41-4b8e-a6d2-7e1f0c9b4a63'
    Author                = 'FinBackup engineers'
    CompanyName           = 'FinBackup'
    Copyright             = '(c) FinBackup engineers. All rights reserved.'
    Description           = 'Backup and disaster recovery for AWS workloads in regulated environments: sub-hourly EBS snapshot sets, AMIs, RDS snapshots, file-level backups to S3, cross-region copies with KMS, hour-level retention, audited restores.'
    CompatiblePSEditions  = @('Desktop', 'Core')
    PowerShellVersion     = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess      = @(
        'FinBackup.Format.ps1xml'
        'Connection.Format.ps1xml'
        'Policy.Format.ps1xml'
        'RecoveryPoint.Format.ps1xml'
        'FileBackup.Format.ps1xml'
        'Security.Format.ps1xml'
        'Restore.Format.ps1xml'
        'Verification.Format.ps1xml'
        'Unattended.Format.ps1xml'
        'Recovery.Format.ps1xml'
    )
    CmdletsToExport       = @(
        # Session and connection
        'Get-FinDefault'
        'Set-FinDefault'
        'Clear-FinDefault'

        # AWS access and sandbox
        'Test-FinAwsConnection'
        'Start-FinSandbox'
        'Stop-FinSandbox'

        # Policy and discovery
        'Import-FinBackupPolicy'
        'Test-FinBackupPolicy'
        'Get-FinResource'

        # Snapshot lifecycle
        'New-FinSnapshot'
        'Get-FinRecoveryPoint'
        'Copy-FinBackupToRegion'
        'Remove-FinExpiredBackup'
        'Invoke-FinBackupCycle'
        'Set-FinBackupPlan'
        'Test-FinRecoveryPoint'

        # File backups and restore
        'Backup-FinFile'
        'Invoke-FinRestore'
        'Set-FinBucketReplication'
        'Send-FinFileBackupCommand'

        # Least privilege
        'New-FinIamPolicy'
        'New-FinBucketPolicy'
        # Restore
        'Remove-FinRestoredResource'
        # Restore approvals (maker-checker)
        'New-FinRestorePlan'
        'Get-FinRestorePlan'
        'Approve-FinRestore'
        # Running unattended
        'Register-FinBackupSchedule'
        'Get-FinBackupSchedule'
        'Unregister-FinBackupSchedule'
        'Publish-FinSsmDocument'
        'Set-FinRpoAlarm'
        # Disaster recovery
        'Get-FinRtoEstimate'
        'Export-FinRecoveryBlueprint'
        'Get-FinRecoveryBlueprint'
        'Compare-FinRecoveryBlueprint'
        'Test-FinDrReadiness'
        'Invoke-FinFailover'
        'Start-FinRecoveryDrill'
        'Get-FinRecoveryDrill'

    )
    FunctionsToExport     = @()
    AliasesToExport       = @()
    VariablesToExport     = @()
    PrivateData           = @{
        PSData = @{
            Tags         = @('AWS', 'Backup', 'DisasterRecovery', 'EBS', 'RDS', 'S3', 'KMS', 'Snapshot', 'Restore', 'Compliance', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/finbackup/FinBackup'
            LicenseUri   = 'https://github.com/finbackup/FinBackup/blob/main/LICENSE'
            ReleaseNotes = 'See https://github.com/finbackup/FinBackup/blob/main/CHANGELOG.md'
        }
    }
}
