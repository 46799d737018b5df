# FinBackup demo: starts the local AWS sandbox, shows the bank's estate, and (as later capabilities land) runs a backup
# cycle, a cross-region copy, a restore and a report against it. Everything happens in moto on 127.0.0.1; nothing
# touches AWS. Run it from the repository root after building:
#
#   dotnet out/host/finps.dll examples/demo.ps1
#
# Needs moto_server (pip install "moto[server]"). Uses only core cmdlets, so it also runs in the minimal host.

$ErrorActionPreference = 'Stop'
Import-Module FinBackup

$sandbox = $null
try {
    # --- sandbox ---
    '== Starting the FinBackup sandbox (moto_server on 127.0.0.1) and seeding the estate'
    $sandbox = Start-FinSandbox
    $sandbox

    # --- estate ---
    '== Connection (session defaults now point at the sandbox)'
    Test-FinAwsConnection
    Test-FinAwsConnection -Region $sandbox.DrRegion

    '== Estate'
    ('{0} applications; {1} EC2 instances with {2} EBS volumes ({3} GiB declared); {4} RDS PostgreSQL instances ({5} GiB declared)' -f
        $sandbox.Applications, $sandbox.Ec2Instances, $sandbox.EbsVolumes, $sandbox.EbsDeclaredGiB, $sandbox.RdsInstances, $sandbox.RdsDeclaredGiB)
    ('KMS keys (alias/fin-backup): {0}; backup buckets: {1}; restore secrets: {2}; Backup vaults: {3}' -f
        $sandbox.KmsKeys, $sandbox.Buckets, $sandbox.Secrets, $sandbox.BackupVaults)
    foreach ($region in $sandbox.PrimaryRegion, $sandbox.DrRegion) {
        ('  {0}: key {1}' -f $region, $sandbox.KmsKeyArns[$region])
    }

    # --- policy ---
    # (policy helper: load the example policy 'finco' and show the resources it protects)

    # --- backup cycle ---
    # (snapshot helper: take the hourly snapshot set, tag it, show the recovery points)

    # --- copy ---
    # (snapshot helper: copy the recovery points to the DR region with the DR key)

    # --- file backups and restore ---
    # (files helper: back up files to the bucket, restore them, verify)

    # --- report ---
    # (report: what is protected, RPO met, what expires when)
}
finally {
    if ($sandbox) {
        '== Stopping the sandbox'
        Stop-FinSandbox -Confirm:$false
    }
}
