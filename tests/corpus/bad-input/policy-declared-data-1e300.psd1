@{
    Name          = 'finco'
    PrimaryRegion = 'us-east-1'
    DrRegion      = 'us-west-2'
    Applications  = @(
        @{
            Name           = 'Agent payment'
            DeclaredDataGiB = 1e300
            Frequency      = '1h'; Retention = '12h'; Rpo = '1h'; Rto = '2h'
            RecoveryPoints = @('EbsSnapshotSet')
        }
    )
}
