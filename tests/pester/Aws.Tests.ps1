# Pester 5 tests for the AWS access layer and the sandbox. Run with: Invoke-Pester tests/pester/Aws.Tests.ps1
# Needs the built module (out/FinBackup) and moto_server (pip install "moto[server]").

BeforeAll {
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    Import-Module (Join-Path $PSScriptRoot '../../out/FinBackup/FinBackup.psd1') -Force
}

Describe 'Start-FinSandbox / Test-FinAwsConnection / Stop-FinSandbox' {
    BeforeAll {
        $script:sandbox = Start-FinSandbox
    }
    AfterAll {
        if ($script:sandbox) { Stop-FinSandbox -Confirm:$false }
    }

    It 'seeds the bank estate' {
        $sandbox.PrimaryRegion | Should -Be 'us-east-1'
        $sandbox.DrRegion | Should -Be 'us-west-2'
        $sandbox.Ec2Instances | Should -Be 5
        $sandbox.EbsDeclaredGiB | Should -Be 2048
        $sandbox.RdsInstances | Should -Be 3
        $sandbox.KmsKeys | Should -Be 2
        $sandbox.BackupVaults | Should -Be 2
    }

    It 'points the session defaults at the sandbox' {
        (Get-FinDefault).EndpointUrl | Should -Be $sandbox.EndpointUrl
        (Get-FinDefault).Region | Should -Be 'us-east-1'
    }

    It 'connects in both regions' {
        (Test-FinAwsConnection).Region | Should -Be 'us-east-1'
        (Test-FinAwsConnection -Region us-west-2).Region | Should -Be 'us-west-2'
    }

    It 'does not duplicate the estate when started again' {
        (Start-FinSandbox).Created | Should -Be 0
    }
}

Describe 'Bad input' {
    It 'rejects an unknown region with FinRegionUnknown' {
        { Test-FinAwsConnection -Region us-esat-1 -AccessKey AKIA -SecretKey s -ErrorAction Stop } |
            Should -Throw -ErrorId 'FinRegionUnknown,FinBackup.Cmdlets.TestFinAwsConnectionCommand'
    }

    It 'reports a missing profile with FinProfileNotFound' {
        { Test-FinAwsConnection -Region us-east-1 -ProfileName no-such-profile-fin -ErrorAction Stop } |
            Should -Throw -ErrorId 'FinProfileNotFound,FinBackup.Cmdlets.TestFinAwsConnectionCommand'
    }

    It 'reports an unreachable endpoint with FinAwsEndpointUnreachable' {
        { Test-FinAwsConnection -Region us-east-1 -EndpointUrl http://127.0.0.1:9 -AccessKey AKIA -SecretKey s -ErrorAction Stop } |
            Should -Throw -ErrorId 'FinAwsEndpointUnreachable,FinBackup.Cmdlets.TestFinAwsConnectionCommand'
    }
}
