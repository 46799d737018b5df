#
# finco.policy.psd1 - Client Financial Company's backup policy, AS THE BRIEF WRITES IT.
#
# This file is deliberately uncorrected: it is what the bank asked for, inconsistencies included, so that
# Test-FinBackupPolicy can show them:
#   * Vendor Assistance Management asks for hourly backups with a 30-minute RPO (FrequencyMeetsRpo).
#   * Customer Assistance Management states no RPO (RpoDefined).
#   * RDS backups through AWS Backup with a 12-hour retention: AWS Backup's lifecycle is at least 1 day.
# The corrected policy is finco.recommended.policy.psd1 next to this file.
#
#   Import-FinBackupPolicy ./examples/finco.policy.psd1 | Test-FinBackupPolicy
#
# Data (from the brief): 32 TB in total = 5 EC2 instances holding 2 TB together (about 409.6 GiB each:
# a 100 GiB root volume and a 309 GiB data volume) and 3 RDS PostgreSQL databases of 10 TB (10240 GiB) each.
# The policy file is never run: only literal values are allowed.
#
@{
    Name            = 'finco'
    Description     = 'Client Financial Company: five applications on EC2 and RDS PostgreSQL, as briefed.'
    PrimaryRegion   = 'us-east-1'
    DrRegion        = 'us-west-2'
    TagKey          = 'fin:application'
    BackupVaultName = 'fin-backup-vault'
    KmsKeys         = @{
        'us-east-1' = 'alias/fin-backup'
        'us-west-2' = 'alias/fin-backup'
    }
    Buckets         = @{
        'us-east-1' = 'fin-backup-use1'
        'us-west-2' = 'fin-backup-usw2'
    }

    Applications    = @(
        @{
            Name              = 'Cross-sell'
            Criticality       = 'High to Medium'
            Frequency         = '1h'
            Retention         = '12h'
            Rto               = '2h'
            Rpo               = '1h'
            RecoveryPoints    = @('EbsSnapshotSet', 'Ami', 'RdsSnapshot', 'BackupPlan')
            CopyToDrRegion    = $true
            RestoreApprovers  = @('fin-restore-approvers')
            DeclaredDataGiB   = 10649.6   # 409.6 GiB on EC2 + 10240 GiB in RDS
            DeclaredInstances = 1
            DeclaredVolumes   = 2
            DeclaredDatabases = 1
        }
        @{
            Name              = 'Inventory Management System'
            Criticality       = 'High to Medium'
            Frequency         = '1h'
            Retention         = '12h'
            Rto               = '2h'
            Rpo               = '1h'
            RecoveryPoints    = @('EbsSnapshotSet', 'RdsSnapshot', 'BackupPlan')
            CopyToDrRegion    = $true
            RestoreApprovers  = @('fin-restore-approvers')
            DeclaredDataGiB   = 10649.6
            DeclaredInstances = 1
            DeclaredVolumes   = 2
            DeclaredDatabases = 1
        }
        @{
            Name              = 'Agent payment'
            Criticality       = 'High to Medium'
            Frequency         = '1h'
            Retention         = '12h'
            Rto               = '2h'
            Rpo               = '1h'
            RecoveryPoints    = @('EbsSnapshotSet', 'RdsSnapshot', 'BackupPlan', 'FileBackup')
            # "certain data every 45 minutes": the payment ledger and its configuration, file by file, to S3.
            FileSets          = @(
                @{
                    Name      = 'ledger'
                    Paths     = @('/var/lib/agentpay/ledger')
                    Exclude   = @('*.tmp', '*.lock')
                    Frequency = '45m'
                }
                @{
                    Name      = 'config'
                    Paths     = @('/etc/agentpay')
                    Frequency = '45m'
                }
            )
            CopyToDrRegion    = $true
            RestoreApprovers  = @('fin-restore-approvers', 'fin-payments-owners')
            DeclaredDataGiB   = 10649.6
            DeclaredInstances = 1
            DeclaredVolumes   = 2
            DeclaredDatabases = 1
        }
        @{
            Name              = 'Customer Assistance Management'
            Criticality       = 'High to Medium'
            Frequency         = '1h'
            Retention         = '12h'
            Rto               = '2h'
            # The brief states no RPO for this application.
            RecoveryPoints    = @('EbsSnapshotSet', 'Ami')
            CopyToDrRegion    = $true
            RestoreApprovers  = @('fin-restore-approvers')
            DeclaredDataGiB   = 409.6
            DeclaredInstances = 1
            DeclaredVolumes   = 2
        }
        @{
            Name              = 'Vendor Assistance Management'
            Criticality       = 'High to Medium'
            Frequency         = '1h'      # hourly backups ...
            Retention         = '12h'
            Rto               = '2h'
            Rpo               = '30m'     # ... but a 30-minute RPO, as briefed
            RecoveryPoints    = @('EbsSnapshotSet', 'Ami')
            CopyToDrRegion    = $true
            RestoreApprovers  = @('fin-restore-approvers')
            DeclaredDataGiB   = 409.6
            DeclaredInstances = 1
            DeclaredVolumes   = 2
        }
    )
}
