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
    # Source only (the build drops this line): importing ./FinBackup.psd1 says to build, or where the built module is.
    ScriptsToProcess      = @('tools/source-manifest/Assert-Built.ps1') # source-only
    FormatsToProcess      = @(
        'src/FinBackup/Formats/FinBackup.Format.ps1xml'
        'src/FinBackup/Formats/Connection.Format.ps1xml'
        'src/FinBackup/Formats/Policy.Format.ps1xml'
        'src/FinBackup/Formats/RecoveryPoint.Format.ps1xml'
        'src/FinBackup/Formats/FileBackup.Format.ps1xml'
        'src/FinBackup/Formats/Security.Format.ps1xml'
        'src/FinBackup/Formats/Restore.Format.ps1xml'
        'src/FinBackup/Formats/Verification.Format.ps1xml'
        'src/FinBackup/Formats/Unattended.Format.ps1xml'
        'src/FinBackup/Formats/Recovery.Format.ps1xml'
        'src/FinBackup/Formats/Audit.Format.ps1xml'
        'src/FinBackup/Formats/Compliance.Format.ps1xml'
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
        # Audit trail, legal holds
        'Get-FinAuditEvent'
        'Test-FinAuditLog'
        'Set-FinLegalHold'
        'Clear-FinLegalHold'
        'Remove-FinRecoveryPoint'
        # Compliance evidence
        'Test-FinCompliance'
        'Export-FinComplianceReport'
        # Disaster recovery
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
            # LICENSE and CHANGELOG.md are at the repository root and shipped in the module folder (out/FinBackup).
            ReleaseNotes = 'See CHANGELOG.md in the module folder (and at https://github.com/finbackup/FinBackup/blob/main/CHANGELOG.md).'
        }
    }
}
