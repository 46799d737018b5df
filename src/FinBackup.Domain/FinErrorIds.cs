using System;
using System.Collections.Generic;

namespace FinBackup.Domain
{
    /// <summary>What an error id means: its one kind (the PowerShell ErrorCategory it maps to) and the default advice.</summary>
    public sealed class FinErrorInfo
    {
        public FinErrorInfo(FinErrorKind kind, string recommendedAction)
        {
            Kind = kind;
            RecommendedAction = recommendedAction;
        }

        public FinErrorKind Kind { get; }
        /// <summary>The advice when the place that raises the error has nothing more specific to say.</summary>
        public string RecommendedAction { get; }
    }

    /// <summary>
    /// Every FinBackup error id (the FullyQualifiedErrorId before the comma) with its ONE kind and a recommended action.
    /// An id never changes kind between the places that raise it; the meta-test (ErrorIdRegistryTests) scans the source for
    /// <c>new FinBackupException("Fin...", FinErrorKind.X, ...)</c> and fails for an id missing here or raised with another
    /// kind. To add an id: add a constant and a registry line here, then raise it. AWS errors map to ids in ONE table,
    /// FinBackup.Aws.Protocol.AwsErrorTable.
    /// </summary>
    public static class FinErrorIds
    {
        public const string AmiNameTaken = "FinAmiNameTaken";
        public const string ApplicationNotInPolicy = "FinApplicationNotInPolicy";
        public const string AwsAccessDenied = "FinAwsAccessDenied";
        public const string AwsAlreadyExists = "FinAwsAlreadyExists";
        public const string AwsConnectionFailed = "FinAwsConnectionFailed";
        public const string AwsConnectionLost = "FinAwsConnectionLost";
        public const string AwsCredentialsRejected = "FinAwsCredentialsRejected";
        public const string AwsEndpointUnreachable = "FinAwsEndpointUnreachable";
        public const string AwsInvalidRequest = "FinAwsInvalidRequest";
        public const string AwsInvalidState = "FinAwsInvalidState";
        public const string AwsNotFound = "FinAwsNotFound";
        public const string AwsQuotaExceeded = "FinAwsQuotaExceeded";
        public const string AwsRequestFailed = "FinAwsRequestFailed";
        public const string AwsServiceUnavailable = "FinAwsServiceUnavailable";
        public const string AwsThrottled = "FinAwsThrottled";
        public const string AwsTimeout = "FinAwsTimeout";
        public const string AwsTokenExpired = "FinAwsTokenExpired";
        public const string BucketNotFound = "FinBucketNotFound";
        public const string CopyBucketMissing = "FinCopyBucketMissing";
        public const string CopyDestinationMissing = "FinCopyDestinationMissing";
        public const string CopyFailed = "FinCopyFailed";
        public const string CopySameRegion = "FinCopySameRegion";
        public const string CopySourceEmpty = "FinCopySourceEmpty";
        public const string CopySourceFailed = "FinCopySourceFailed";
        public const string CopySourceNotAvailable = "FinCopySourceNotAvailable";
        public const string CopySourceNotFound = "FinCopySourceNotFound";
        public const string CopyUnencryptedRefused = "FinCopyUnencryptedRefused";
        public const string CredentialUnreadable = "FinCredentialUnreadable";
        public const string CredentialsIncomplete = "FinCredentialsIncomplete";
        public const string CredentialsNotFound = "FinCredentialsNotFound";
        public const string DeleteFailed = "FinDeleteFailed";
        public const string DeleteUnmanagedRefused = "FinDeleteUnmanagedRefused";
        public const string DeleteVaultPointRefused = "FinDeleteVaultPointRefused";
        public const string RestorePlanPolicyMissing = "FinRestorePlanPolicyMissing";
        public const string BlueprintExportFailed = "FinBlueprintExportFailed";
        public const string RestoredResourceRemoveFailed = "FinRestoredResourceRemoveFailed";
        public const string AlarmApplicationNotInPolicy = "FinAlarmApplicationNotInPolicy";
        public const string AlarmTopicMissing = "FinAlarmTopicMissing";
        public const string AlarmTopicNotFound = "FinAlarmTopicNotFound";
        public const string ApplicationNotFound = "FinApplicationNotFound";
        public const string BlueprintBucketMissing = "FinBlueprintBucketMissing";
        public const string BlueprintNotFound = "FinBlueprintNotFound";
        public const string BlueprintNothingFound = "FinBlueprintNothingFound";
        public const string BlueprintUnreadable = "FinBlueprintUnreadable";
        public const string BucketPolicyAdminMissing = "FinBucketPolicyAdminMissing";
        public const string BucketPolicyBucketMissing = "FinBucketPolicyBucketMissing";
        public const string BucketPolicyKeyMissing = "FinBucketPolicyKeyMissing";
        public const string BucketPolicyPrincipalMissing = "FinBucketPolicyPrincipalMissing";
        public const string CallerIdentityUnknown = "FinCallerIdentityUnknown";
        public const string ConfirmationUnavailable = "FinConfirmationUnavailable";
        public const string ExpiryRegionMissing = "FinExpiryRegionMissing";
        public const string FilePathTooDeep = "FinFilePathTooDeep";
        public const string FilePathTooLong = "FinFilePathTooLong";
        public const string IamAccountIdInvalid = "FinIamAccountIdInvalid";
        public const string IamPolicyHasNoRegion = "FinIamPolicyHasNoRegion";
        public const string KmsKeyArnInvalid = "FinKmsKeyArnInvalid";
        public const string PolicyFileNotRegular = "FinPolicyFileNotRegular";
        public const string PolicyFileTooLarge = "FinPolicyFileTooLarge";
        public const string RecoveryPointCheckError = "FinRecoveryPointCheckError";
        public const string RestoreApprovalExpired = "FinRestoreApprovalExpired";
        public const string RestoreApprovalNotRequired = "FinRestoreApprovalNotRequired";
        public const string RestoreApprovalRequired = "FinRestoreApprovalRequired";
        public const string RestoreApproverNotAllowed = "FinRestoreApproverNotAllowed";
        public const string RestoreAvailabilityZoneMissing = "FinRestoreAvailabilityZoneMissing";
        public const string RestoreCancelled = "FinRestoreCancelled";
        public const string RestoreDBFailed = "FinRestoreDBFailed";
        public const string RestoreDBInstanceExists = "FinRestoreDBInstanceExists";
        public const string RestoreDeviceInUse = "FinRestoreDeviceInUse";
        public const string RestoreDeviceUnknown = "FinRestoreDeviceUnknown";
        public const string RestoreEndpointUnknown = "FinRestoreEndpointUnknown";
        public const string RestoreIdInvalid = "FinRestoreIdInvalid";
        public const string RestoreInstanceNotFound = "FinRestoreInstanceNotFound";
        public const string RestoreInstanceNotStopped = "FinRestoreInstanceNotStopped";
        public const string RestoreInstanceTerminated = "FinRestoreInstanceTerminated";
        public const string RestoreInstanceTypeMissing = "FinRestoreInstanceTypeMissing";
        public const string RestoreKmsKeyMissing = "FinRestoreKmsKeyMissing";
        public const string RestoreMetadataInvalid = "FinRestoreMetadataInvalid";
        public const string RestoreParameterInvalid = "FinRestoreParameterInvalid";
        public const string RestorePlanAmbiguousTarget = "FinRestorePlanAmbiguousTarget";
        public const string RestorePlanApplicationUnknown = "FinRestorePlanApplicationUnknown";
        public const string RestorePlanBucketMissing = "FinRestorePlanBucketMissing";
        public const string RestorePlanChanged = "FinRestorePlanChanged";
        public const string RestorePlanDestinationMissing = "FinRestorePlanDestinationMissing";
        public const string RestorePlanEmpty = "FinRestorePlanEmpty";
        public const string RestorePlanExpired = "FinRestorePlanExpired";
        public const string RestorePlanIdInvalid = "FinRestorePlanIdInvalid";
        public const string RestorePlanKeyMissing = "FinRestorePlanKeyMissing";
        public const string RestorePlanNotApproved = "FinRestorePlanNotApproved";
        public const string RestorePlanNotFound = "FinRestorePlanNotFound";
        public const string RestorePlanPointNotFound = "FinRestorePlanPointNotFound";
        public const string RestorePlanRegionsDiffer = "FinRestorePlanRegionsDiffer";
        public const string RestorePlanSelfApproved = "FinRestorePlanSelfApproved";
        public const string RestorePlanUnreadable = "FinRestorePlanUnreadable";
        public const string RestorePointInTimeUnavailable = "FinRestorePointInTimeUnavailable";
        public const string RestorePointMissing = "FinRestorePointMissing";
        public const string RestorePointNotAvailable = "FinRestorePointNotAvailable";
        public const string RestoreResourceTypeUnknown = "FinRestoreResourceTypeUnknown";
        public const string RestoreSecretInvalid = "FinRestoreSecretInvalid";
        public const string RestoreSourceInstanceMissing = "FinRestoreSourceInstanceMissing";
        public const string RestoreSourceInstanceNotFound = "FinRestoreSourceInstanceNotFound";
        public const string RestoreSourceMissing = "FinRestoreSourceMissing";
        public const string RestoreTargetIdentifierMissing = "FinRestoreTargetIdentifierMissing";
        public const string RestoreTargetInstanceMissing = "FinRestoreTargetInstanceMissing";
        public const string RestoreTargetMappingMissing = "FinRestoreTargetMappingMissing";
        public const string RestoreTimeOutsideWindow = "FinRestoreTimeOutsideWindow";
        public const string ScheduleFrequencyInvalid = "FinScheduleFrequencyInvalid";
        public const string ScheduleFrequencyMissing = "FinScheduleFrequencyMissing";
        public const string ScheduleNameCollision = "FinScheduleNameCollision";
        public const string ScheduleOffsetInvalid = "FinScheduleOffsetInvalid";
        public const string SchedulePolicyIncomplete = "FinSchedulePolicyIncomplete";
        public const string SnapshotRetentionInvalid = "FinSnapshotRetentionInvalid";
        public const string SnapshotRetentionRequired = "FinSnapshotRetentionRequired";
        public const string SsmDocumentMissing = "FinSsmDocumentMissing";
        public const string VaultPointInvalid = "FinVaultPointInvalid";
        public const string VaultRestoreJobFailed = "FinVaultRestoreJobFailed";
        public const string VaultRestoreParameterUnknown = "FinVaultRestoreParameterUnknown";
        public const string RestoreRollGroupNotFound = "FinRestoreRollGroupNotFound";
        public const string RestoreRollGroupUnsupported = "FinRestoreRollGroupUnsupported";
        public const string RestoreRollRolledBack = "FinRestoreRollRolledBack";
        public const string RestoreRollFailed = "FinRestoreRollFailed";
        public const string RestoreRollNotStarted = "FinRestoreRollNotStarted";
        public const string VaultPointCopyByPlan = "FinVaultPointCopyByPlan";
        public const string DurationInvalid = "FinDurationInvalid";
        public const string EndpointInvalid = "FinEndpointInvalid";
        public const string FileAccessDenied = "FinFileAccessDenied";
        public const string FileBackupApplicationMissing = "FinFileBackupApplicationMissing";
        public const string FileBackupApplicationNotInPolicy = "FinFileBackupApplicationNotInPolicy";
        public const string FileBackupBucketMissing = "FinFileBackupBucketMissing";
        public const string FileBackupDeleteRefused = "FinFileBackupDeleteRefused";
        public const string FileBackupGcIncomplete = "FinFileBackupGcIncomplete";
        public const string FileBackupKmsKeyMissing = "FinFileBackupKmsKeyMissing";
        public const string FileBackupNoFileSets = "FinFileBackupNoFileSets";
        public const string FileBackupPathMissing = "FinFileBackupPathMissing";
        public const string FileBackupPolicyIncomplete = "FinFileBackupPolicyIncomplete";
        public const string FileBackupRetentionInvalid = "FinFileBackupRetentionInvalid";
        public const string FileBackupSourceNameClash = "FinFileBackupSourceNameClash";
        public const string FileChangedDuringBackup = "FinFileChangedDuringBackup";
        public const string FileManifestInvalid = "FinFileManifestInvalid";
        public const string FileObjectNotFound = "FinFileObjectNotFound";
        public const string FileReadFailed = "FinFileReadFailed";
        public const string FileSourceNotFound = "FinFileSourceNotFound";
        public const string FileUploadFailed = "FinFileUploadFailed";
        public const string FileVanished = "FinFileVanished";
        public const string FleetBackupArgumentsMissing = "FinFleetBackupArgumentsMissing";
        public const string KindResourceMismatch = "FinKindResourceMismatch";
        public const string KmsKeyNotFound = "FinKmsKeyNotFound";
        public const string KmsKeyUnusable = "FinKmsKeyUnusable";
        public const string PolicyFieldInvalid = "FinPolicyFieldInvalid";
        public const string PolicyFileNotFound = "FinPolicyFileNotFound";
        public const string PolicyFileUnreadable = "FinPolicyFileUnreadable";
        public const string PolicyPathUnreadable = "FinPolicyPathUnreadable";
        public const string PolicyInvalid = "FinPolicyInvalid";
        public const string PolicyPathIsDirectory = "FinPolicyPathIsDirectory";
        public const string PolicyPrimaryRegionMissing = "FinPolicyPrimaryRegionMissing";
        public const string PolicyRegionMissing = "FinPolicyRegionMissing";
        public const string PolicySyntaxError = "FinPolicySyntaxError";
        public const string PortNotImplemented = "FinPortNotImplemented";
        public const string ProfileHasNoCredentials = "FinProfileHasNoCredentials";
        public const string ProfileLocationNotFound = "FinProfileLocationNotFound";
        public const string ProfileNotFound = "FinProfileNotFound";
        public const string ProfileUnreadable = "FinProfileUnreadable";
        public const string RecoveryPointFailed = "FinRecoveryPointFailed";
        public const string RecoveryPointKindNotCreatable = "FinRecoveryPointKindNotCreatable";
        public const string RecoveryPointKindNotSupported = "FinRecoveryPointKindNotSupported";
        public const string RecoveryPointVanished = "FinRecoveryPointVanished";
        public const string RegionMissing = "FinRegionMissing";
        public const string RegionUnknown = "FinRegionUnknown";
        public const string ReplicationBucketsMissing = "FinReplicationBucketsMissing";
        public const string ReplicationKmsKeyMissing = "FinReplicationKmsKeyMissing";
        public const string ResourceIdMissing = "FinResourceIdMissing";
        public const string ResourceNotFound = "FinResourceNotFound";
        public const string RestoreBucketMissing = "FinRestoreBucketMissing";
        public const string RestoreChecksumMismatch = "FinRestoreChecksumMismatch";
        public const string RestoreDestinationMissing = "FinRestoreDestinationMissing";
        public const string RestoreFailed = "FinRestoreFailed";
        public const string RestoreFileExists = "FinRestoreFileExists";
        public const string RestoreKindNotSupported = "FinRestoreKindNotSupported";
        public const string RestorePathUnsafe = "FinRestorePathUnsafe";
        public const string RestoreTargetIsDirectory = "FinRestoreTargetIsDirectory";
        public const string RestoreWriteFailed = "FinRestoreWriteFailed";
        public const string RetentionMissing = "FinRetentionMissing";
        public const string S3ChecksumRejected = "FinS3ChecksumRejected";
        public const string S3ConnectionFailed = "FinS3ConnectionFailed";
        public const string S3ObjectLockNotConfigured = "FinS3ObjectLockNotConfigured";
        public const string S3ShortRead = "FinS3ShortRead";
        public const string SandboxMotoMissing = "FinSandboxMotoMissing";
        public const string SandboxNotRunning = "FinSandboxNotRunning";
        public const string SandboxSeedFailed = "FinSandboxSeedFailed";
        public const string SandboxStartFailed = "FinSandboxStartFailed";
        public const string SandboxStartTimeout = "FinSandboxStartTimeout";
        public const string SandboxUnreachable = "FinSandboxUnreachable";
        public const string SnapshotNameTaken = "FinSnapshotNameTaken";
        public const string SnapshotPendingLimit = "FinSnapshotPendingLimit";
        public const string SnapshotQuotaExceeded = "FinSnapshotQuotaExceeded";
        public const string SsmAccessDenied = "FinSsmAccessDenied";
        public const string SsmDocumentNotFound = "FinSsmDocumentNotFound";
        public const string SsmSendCommandFailed = "FinSsmSendCommandFailed";
        public const string UnexpectedError = "FinUnexpectedError";
        public const string WaitTimedOut = "FinWaitTimedOut";
        public const string WindowFrequencyInvalid = "FinWindowFrequencyInvalid";

        // ----- audit trail, legal holds, Remove-FinRecoveryPoint (issue 11) -----
        public const string AuditLogNotConfigured = "FinAuditLogNotConfigured";
        public const string AuditRecordUnreadable = "FinAuditRecordUnreadable";
        public const string AuditWriteFailed = "FinAuditWriteFailed";
        public const string AuditDigestKeyRefused = "FinAuditDigestKeyRefused";
        public const string LegalHoldUnsupported = "FinLegalHoldUnsupported";
        public const string LegalHoldUnmanagedRefused = "FinLegalHoldUnmanagedRefused";
        public const string RemovePointLegalHold = "FinRemovePointLegalHold";
        public const string RemovePointUnmanaged = "FinRemovePointUnmanaged";
        public const string RemovePointNotFound = "FinRemovePointNotFound";

        private static readonly Dictionary<string, FinErrorInfo> Registry = new Dictionary<string, FinErrorInfo>(StringComparer.Ordinal)
        {
            [AmiNameTaken] = new FinErrorInfo(FinErrorKind.ResourceExists, "Rename or deregister that image; FinBackup names its images fin-<instance>-<policy hash>-<window>."),
            [ApplicationNotInPolicy] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Use an application name from the policy (Import-FinBackupPolicy ... | Select-Object -ExpandProperty Applications)."),
            [AwsAccessDenied] = new FinErrorInfo(FinErrorKind.PermissionDenied, "The identity lacks permission for this call. Ask for the IAM permission named in the message (for KMS-encrypted data also kms:Decrypt/GenerateDataKey on the key)."),
            [AwsAlreadyExists] = new FinErrorInfo(FinErrorKind.ResourceExists, "Something with that name already exists; FinBackup adopts its own points, so this one belongs to someone else: rename or remove it."),
            [AwsConnectionFailed] = new FinErrorInfo(FinErrorKind.ConnectionError, "The network or the endpoint dropped the request after retries; run again (FinBackup finds what the request already made)."),
            [AwsConnectionLost] = new FinErrorInfo(FinErrorKind.ConnectionError, "The request may have been carried out. Run again: FinBackup looks for what it already made before making anything twice."),
            [AwsCredentialsRejected] = new FinErrorInfo(FinErrorKind.AuthenticationError, "AWS rejected the access key or its signature. Check -AccessKey/-SecretKey or the profile's keys (and that the clock is correct), or use another -ProfileName."),
            [AwsEndpointUnreachable] = new FinErrorInfo(FinErrorKind.ConnectionError, "Check the network path to AWS (proxy, VPC endpoint, firewall, DNS), -EndpointUrl if you set one, and -Region."),
            [AwsInvalidRequest] = new FinErrorInfo(FinErrorKind.InvalidArgument, "AWS rejected a parameter (named in the message); check the policy value or cmdlet argument it came from."),
            [AwsInvalidState] = new FinErrorInfo(FinErrorKind.InvalidOperation, "The resource is not in a state that allows this yet (still creating, copying or deleting); run again later."),
            [AwsNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Check the id and the region (-Region); it may have been deleted meanwhile."),
            [AwsQuotaExceeded] = new FinErrorInfo(FinErrorKind.LimitsExceeded, "An AWS quota was reached. Ask AWS to raise it (Service Quotas), or remove what is no longer needed."),
            [AwsRequestFailed] = new FinErrorInfo(FinErrorKind.InvalidOperation, "See the AWS error code and message; the request was refused as sent."),
            [AwsServiceUnavailable] = new FinErrorInfo(FinErrorKind.ResourceUnavailable, "The service reported an internal error (a fault on AWS's side, not in your bucket, key or policy) even after retries. Run again later; FinBackup picks up where it stopped."),
            [AwsThrottled] = new FinErrorInfo(FinErrorKind.LimitsExceeded, "AWS throttled the request even after retries. Wait a minute and run again (FinBackup picks up where it stopped), or reduce parallel work."),
            [AwsTimeout] = new FinErrorInfo(FinErrorKind.OperationTimeout, "Check the network path to the endpoint and that -EndpointUrl/-Region are right."),
            [AwsTokenExpired] = new FinErrorInfo(FinErrorKind.AuthenticationError, "The session token has expired. Get fresh temporary credentials (e.g. aws sso login, or a new AssumeRole) and try again."),
            [BucketNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Check -Bucket (or the policy's bucket for the region) and the region."),
            [CopyBucketMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Give the policy a bucket for the destination region."),
            [CopyDestinationMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -DestinationRegion us-west-2, or -Policy with a DrRegion."),
            [CopyFailed] = new FinErrorInfo(FinErrorKind.InvalidData, "The copy failed in the destination region; run the copy again (a new copy is started)."),
            [CopySameRegion] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Choose another -DestinationRegion."),
            [CopySourceEmpty] = new FinErrorInfo(FinErrorKind.InvalidData, "The source point has no member snapshots; take a new point and copy that."),
            [CopySourceFailed] = new FinErrorInfo(FinErrorKind.InvalidData, "The source point failed; take a new point and copy that."),
            [CopySourceNotAvailable] = new FinErrorInfo(FinErrorKind.ResourceUnavailable, "Re-run the copy later, or use -Wait to wait for it."),
            [CopySourceNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "The source point no longer exists (expired or deleted); list the current ones with Get-FinRecoveryPoint."),
            [CopyUnencryptedRefused] = new FinErrorInfo(FinErrorKind.SecurityError, "Pass -KmsKeyId or a policy with a key for the destination region."),
            [CredentialUnreadable] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass an AWS.Tools credentials object (e.g. from Get-AWSCredential) or a PSCredential whose user name is the access key id and whose password is the secret access key."),
            [CredentialsIncomplete] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass both -AccessKey and -SecretKey (and -SessionToken for temporary credentials), or use -ProfileName."),
            [CredentialsNotFound] = new FinErrorInfo(FinErrorKind.AuthenticationError, "Pass -ProfileName <profile> or -AccessKey/-SecretKey, run Set-FinDefault -ProfileName <profile>, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or create a [default] profile with aws configure. For the local sandbox run Start-FinSandbox."),
            [DeleteFailed] = new FinErrorInfo(FinErrorKind.WriteError, "Run Remove-FinExpiredBackup (or the next cycle) again: what is left shows as Partial and is finished then."),
            [AlarmApplicationNotInPolicy] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "The message names the policy setting to fix; see Get-Help Register-FinBackupSchedule -Full and about_FinBackup."),
            [AlarmTopicMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the policy setting to fix; see Get-Help Register-FinBackupSchedule -Full and about_FinBackup."),
            [AlarmTopicNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "The message names the policy setting to fix; see Get-Help Register-FinBackupSchedule -Full and about_FinBackup."),
            [ApplicationNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "The message names what to change; fix it and run the command again."),
            [BlueprintBucketMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Run Export-FinRecoveryBlueprint for the application, then retry; see Get-Help Export-FinRecoveryBlueprint -Full."),
            [BlueprintNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Run Export-FinRecoveryBlueprint for the application, then retry; see Get-Help Export-FinRecoveryBlueprint -Full."),
            [BlueprintNothingFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Run Export-FinRecoveryBlueprint for the application, then retry; see Get-Help Export-FinRecoveryBlueprint -Full."),
            [BlueprintUnreadable] = new FinErrorInfo(FinErrorKind.InvalidData, "Run Export-FinRecoveryBlueprint for the application, then retry; see Get-Help Export-FinRecoveryBlueprint -Full."),
            [BucketPolicyAdminMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the missing or invalid input; see Get-Help New-FinIamPolicy -Full and New-FinBucketPolicy."),
            [BucketPolicyBucketMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the missing or invalid input; see Get-Help New-FinIamPolicy -Full and New-FinBucketPolicy."),
            [BucketPolicyKeyMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the missing or invalid input; see Get-Help New-FinIamPolicy -Full and New-FinBucketPolicy."),
            [BucketPolicyPrincipalMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the missing or invalid input; see Get-Help New-FinIamPolicy -Full and New-FinBucketPolicy."),
            [CallerIdentityUnknown] = new FinErrorInfo(FinErrorKind.AuthenticationError, "The message names what to change; fix it and run the command again."),
            [ConfirmationUnavailable] = new FinErrorInfo(FinErrorKind.InvalidArgument, "To run unattended, add -Force (or -Confirm:$false); -WhatIf previews without changing anything."),
            [ExpiryRegionMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names what to change; fix it and run the command again."),
            [FilePathTooDeep] = new FinErrorInfo(FinErrorKind.ReadError, "Shorten the path or exclude the directory from the file set."),
            [FilePathTooLong] = new FinErrorInfo(FinErrorKind.ReadError, "Shorten the path or exclude the directory from the file set."),
            [IamAccountIdInvalid] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the missing or invalid input; see Get-Help New-FinIamPolicy -Full and New-FinBucketPolicy."),
            [IamPolicyHasNoRegion] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the missing or invalid input; see Get-Help New-FinIamPolicy -Full and New-FinBucketPolicy."),
            [KmsKeyArnInvalid] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the missing or invalid input; see Get-Help New-FinIamPolicy -Full and New-FinBucketPolicy."),
            [PolicyFileNotRegular] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass a regular policy file (.psd1 or .json) of at most 10 MiB."),
            [PolicyFileTooLarge] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass a regular policy file (.psd1 or .json) of at most 10 MiB."),
            [RecoveryPointCheckError] = new FinErrorInfo(FinErrorKind.ReadError, "The message names what to change; fix it and run the command again."),
            [RestoreApprovalExpired] = new FinErrorInfo(FinErrorKind.PermissionDenied, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestoreApprovalNotRequired] = new FinErrorInfo(FinErrorKind.InvalidOperation, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestoreApprovalRequired] = new FinErrorInfo(FinErrorKind.PermissionDenied, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestoreApproverNotAllowed] = new FinErrorInfo(FinErrorKind.PermissionDenied, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestoreAvailabilityZoneMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreCancelled] = new FinErrorInfo(FinErrorKind.OperationTimeout, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreDBFailed] = new FinErrorInfo(FinErrorKind.InvalidOperation, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreDBInstanceExists] = new FinErrorInfo(FinErrorKind.ResourceExists, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreDeviceInUse] = new FinErrorInfo(FinErrorKind.ResourceExists, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreDeviceUnknown] = new FinErrorInfo(FinErrorKind.InvalidData, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreEndpointUnknown] = new FinErrorInfo(FinErrorKind.InvalidData, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreIdInvalid] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreInstanceNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreInstanceNotStopped] = new FinErrorInfo(FinErrorKind.InvalidOperation, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreInstanceTerminated] = new FinErrorInfo(FinErrorKind.InvalidOperation, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreInstanceTypeMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreKmsKeyMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreMetadataInvalid] = new FinErrorInfo(FinErrorKind.InvalidData, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreParameterInvalid] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestorePlanAmbiguousTarget] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanApplicationUnknown] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanBucketMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanChanged] = new FinErrorInfo(FinErrorKind.SecurityError, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanDestinationMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanEmpty] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanExpired] = new FinErrorInfo(FinErrorKind.PermissionDenied, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanIdInvalid] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanKeyMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanNotApproved] = new FinErrorInfo(FinErrorKind.PermissionDenied, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanPointNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanRegionsDiffer] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanSelfApproved] = new FinErrorInfo(FinErrorKind.SecurityError, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePlanUnreadable] = new FinErrorInfo(FinErrorKind.InvalidData, "The message names the plan, the approval or the approver at fault; see Get-Help New-FinRestorePlan -Full and Approve-FinRestore."),
            [RestorePointInTimeUnavailable] = new FinErrorInfo(FinErrorKind.InvalidOperation, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestorePointMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestorePointNotAvailable] = new FinErrorInfo(FinErrorKind.ResourceUnavailable, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreResourceTypeUnknown] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreSecretInvalid] = new FinErrorInfo(FinErrorKind.InvalidData, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreSourceInstanceMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreSourceInstanceNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreSourceMissing] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreTargetIdentifierMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreTargetInstanceMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreTargetMappingMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreTimeOutsideWindow] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [ScheduleFrequencyInvalid] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the policy setting to fix; see Get-Help Register-FinBackupSchedule -Full and about_FinBackup."),
            [ScheduleFrequencyMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the policy setting to fix; see Get-Help Register-FinBackupSchedule -Full and about_FinBackup."),
            [ScheduleNameCollision] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the policy setting to fix; see Get-Help Register-FinBackupSchedule -Full and about_FinBackup."),
            [ScheduleOffsetInvalid] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the policy setting to fix; see Get-Help Register-FinBackupSchedule -Full and about_FinBackup."),
            [SchedulePolicyIncomplete] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the policy setting to fix; see Get-Help Register-FinBackupSchedule -Full and about_FinBackup."),
            [SnapshotRetentionInvalid] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names what to change; fix it and run the command again."),
            [SnapshotRetentionRequired] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names what to change; fix it and run the command again."),
            [SsmDocumentMissing] = new FinErrorInfo(FinErrorKind.NotInstalled, "The message names the policy setting to fix; see Get-Help Register-FinBackupSchedule -Full and about_FinBackup."),
            [VaultPointInvalid] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [VaultRestoreJobFailed] = new FinErrorInfo(FinErrorKind.ResourceUnavailable, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [VaultRestoreParameterUnknown] = new FinErrorInfo(FinErrorKind.InvalidArgument, "The message names the point, the parameter or the AWS resource at fault; see Get-Help Invoke-FinRestore -Full."),
            [RestoreRollGroupNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Check the group name and region (aws autoscaling describe-auto-scaling-groups)."),
            [RestoreRollGroupUnsupported] = new FinErrorInfo(FinErrorKind.InvalidOperation, "Roll a group that launches from a launch template (not a launch configuration or a mixed instances policy)."),
            [RestoreRollRolledBack] = new FinErrorInfo(FinErrorKind.InvalidOperation, "The group is back on its previous launch template version; read the instance refresh's status reason and the scaling activities, fix the image, and roll again."),
            [RestoreRollFailed] = new FinErrorInfo(FinErrorKind.InvalidOperation, "Read the instance refresh's status reason and the scaling activities (aws autoscaling describe-scaling-activities), fix the cause, and roll again."),
            [RestoreRollNotStarted] = new FinErrorInfo(FinErrorKind.ResourceUnavailable, "Wait for the group's current instance refresh to end (or cancel it), then roll again."),
            [BlueprintExportFailed] = new FinErrorInfo(FinErrorKind.ResourceUnavailable, "The cycle's own results stand; run Export-FinRecoveryBlueprint for the application once the cause is fixed."),
            [RestoredResourceRemoveFailed] = new FinErrorInfo(FinErrorKind.InvalidOperation, "Run Remove-FinRestoredResource again; what was removed stays removed."),
            [RestorePlanPolicyMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -Policy with -Plan: $plan | Invoke-FinRestore -Policy $policy."),
            [DeleteVaultPointRefused] = new FinErrorInfo(FinErrorKind.InvalidOperation, "AWS Backup's lifecycle expires vault points; change the backup plan's lifecycle rather than deleting points."),
            [VaultPointCopyByPlan] = new FinErrorInfo(FinErrorKind.NotImplemented, "Vault points are copied by the backup plan's copy action (Set-FinBackupPlan), not by Copy-FinBackupToRegion."),
            [DeleteUnmanagedRefused] = new FinErrorInfo(FinErrorKind.SecurityError, "FinBackup deletes only what it created (fin:managed-by=FinBackup); remove it yourself if it must go."),
            [DurationInvalid] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Give a duration such as 45m, 1h, 12h, 2d, 1h30m or PT45M."),
            [EndpointInvalid] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Give a URL such as http://127.0.0.1:5000 (the sandbox) or https://rds.eu-west-1.amazonaws.com."),
            [FileAccessDenied] = new FinErrorInfo(FinErrorKind.PermissionDenied, "Run the backup as a user that can read it (e.g. root through SSM), or exclude it."),
            [FileBackupApplicationMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -Application with the application's name, e.g. 'Agent payment'."),
            [FileBackupApplicationNotInPolicy] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Use an application name from the policy (Import-FinBackupPolicy ... | Select-Object -ExpandProperty Applications)."),
            [FileBackupBucketMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -Bucket, or -Policy with a bucket for the region."),
            [FileBackupDeleteRefused] = new FinErrorInfo(FinErrorKind.InvalidOperation, "Remove the legal hold first if the point must go."),
            [FileBackupGcIncomplete] = new FinErrorInfo(FinErrorKind.WriteError, "Run Remove-FinExpiredBackup again; content still referenced or locked is never deleted."),
            [FileBackupKmsKeyMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -KmsKeyId (e.g. alias/fin-backup) or -Policy with a key for the region."),
            [FileBackupNoFileSets] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Add FileSets to the application in the policy, or use -Path."),
            [FileBackupPathMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -Path with one or more directories or files, or -Policy whose application has file sets."),
            [FileBackupPolicyIncomplete] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Add Buckets and KmsKeys entries for the region to the policy, or use -Path with -Bucket and -KmsKeyId."),
            [FileBackupRetentionInvalid] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -Retention such as '12:00:00'."),
            [FileBackupSourceNameClash] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Back up their common parent directory with -Include, or run one backup per path."),
            [FileChangedDuringBackup] = new FinErrorInfo(FinErrorKind.ReadError, "Back it up when it is quiet (or from a snapshot), or exclude it if it is scratch data."),
            [FileManifestInvalid] = new FinErrorInfo(FinErrorKind.InvalidData, "Check that the object is a FinBackup manifest and was not modified."),
            [FileObjectNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "The object is not in the bucket. Check the recovery point id (Get-FinRecoveryPoint -Kind FileBackup); a missing content object means the point cannot be fully restored: run Test-FinRecoveryPoint and take a new backup."),
            [FileReadFailed] = new FinErrorInfo(FinErrorKind.ReadError, "Check the file system and retry."),
            [FileSourceNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Check the path on this host, or remove it from the file set."),
            [FileUploadFailed] = new FinErrorInfo(FinErrorKind.WriteError, "Check the bucket, the KMS key permissions and the network, then run the backup again."),
            [FileVanished] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Nothing to do if it was deleted on purpose."),
            [FleetBackupArgumentsMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "For example: -PolicyPath /etc/finbackup/finco.policy.psd1, or -Path /var/lib/agentpay -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup."),
            [KindResourceMismatch] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Use -Kind EbsSnapshotSet or Ami for EC2 instances (i-...), RdsSnapshot for RDS DB instances."),
            [KmsKeyNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "The KMS key (or alias) does not exist in that region. Create it there, or fix KmsKeys in the policy / -KmsKeyId."),
            [KmsKeyUnusable] = new FinErrorInfo(FinErrorKind.SecurityError, "Check that the KMS key exists in that region, is enabled, and that you may use it."),
            [PolicyFieldInvalid] = new FinErrorInfo(FinErrorKind.InvalidData, "Fix the field named in the message (the finding says how), then import the policy again."),
            [PolicyFileNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Check the path; policies are .psd1 or .json files such as ./examples/finco.policy.psd1."),
            [PolicyPathUnreadable] = new FinErrorInfo(FinErrorKind.InvalidData, "Pass the policy explicitly with -Policy (Import-FinBackupPolicy <path>), or fix the file (Test-FinBackupPolicy <path>)."),
            [PolicyFileUnreadable] = new FinErrorInfo(FinErrorKind.ReadError, "Check the file permissions and that it is a text file (.psd1 or .json)."),
            [PolicyInvalid] = new FinErrorInfo(FinErrorKind.InvalidData, "Fix each finding's Suggestion, then run Test-FinBackupPolicy again."),
            [PolicyPathIsDirectory] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Give the path of a .psd1 or .json policy file."),
            [PolicyPrimaryRegionMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Set PrimaryRegion in the policy."),
            [PolicyRegionMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -Region us-east-1 or set PrimaryRegion in the policy."),
            [PolicySyntaxError] = new FinErrorInfo(FinErrorKind.InvalidData, "Fix the file at that line; a policy file holds only literal values (strings, numbers, $true/$false, lists and tables)."),
            [PortNotImplemented] = new FinErrorInfo(FinErrorKind.NotImplemented, "This FinBackup build lacks an adapter for the operation; reinstall the module (out/FinBackup) so FinBackup.Aws matches."),
            [ProfileHasNoCredentials] = new FinErrorInfo(FinErrorKind.InvalidData, "Add aws_access_key_id/aws_secret_access_key (or a role_arn with source_profile, or SSO settings) to the profile."),
            [ProfileLocationNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Pass the path of an existing shared credentials file, e.g. -ProfileLocation ~/.aws/credentials."),
            [ProfileNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Check the name (aws configure list-profiles), create it with aws configure --profile <name> or Set-AWSCredential -StoreAs, or pass -ProfileLocation."),
            [ProfileUnreadable] = new FinErrorInfo(FinErrorKind.ReadError, "Check the syntax of ~/.aws/credentials and ~/.aws/config."),
            [RecoveryPointFailed] = new FinErrorInfo(FinErrorKind.InvalidData, "See the service's status message; take a new point."),
            [RecoveryPointKindNotCreatable] = new FinErrorInfo(FinErrorKind.NotImplemented, "Use -Kind EbsSnapshotSet, Ami or RdsSnapshot; file backups are taken on the instance with Backup-FinFile."),
            [RecoveryPointKindNotSupported] = new FinErrorInfo(FinErrorKind.NotImplemented, "Use EbsSnapshotSet, Ami or RdsSnapshot."),
            [RecoveryPointVanished] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Check CloudTrail for who deleted it, then take a new one."),
            [RegionMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -Region (e.g. -Region us-east-1), run Set-FinDefault -Region <region>, or set AWS_REGION."),
            [RegionUnknown] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Use a region code such as us-east-1, us-west-2, eu-west-1 or ap-southeast-2 (Get-AWSRegion lists them), or pass -EndpointUrl for a custom endpoint."),
            [ReplicationBucketsMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -SourceBucket, -DestinationBucket and -DestinationRegion, or -Policy with buckets for both regions."),
            [ReplicationKmsKeyMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -ReplicaKmsKeyId (a key in the destination region), or -Policy with a key for that region."),
            [ResourceIdMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pipe FinResource objects from Get-FinResource, or pass -ResourceId i-0123456789abcdef0 or a DB instance identifier."),
            [ResourceNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Check the id and -Region; Get-FinResource lists the resources the policy protects."),
            [RestoreBucketMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -RecoveryPointId with -Bucket, or pipe the point from Get-FinRecoveryPoint -Kind FileBackup."),
            [RestoreChecksumMismatch] = new FinErrorInfo(FinErrorKind.InvalidData, "The stored object is damaged or was replaced; restore this file from another recovery point or the DR copy."),
            [RestoreDestinationMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -Destination with a directory to restore into."),
            [RestoreFailed] = new FinErrorInfo(FinErrorKind.ReadError, "Check access to the bucket and its KMS key, then run the restore again (restored files are kept; add -Force to rewrite them)."),
            [RestoreFileExists] = new FinErrorInfo(FinErrorKind.ResourceExists, "Restore into an empty -Destination, or add -Force to overwrite existing files."),
            [RestoreKindNotSupported] = new FinErrorInfo(FinErrorKind.NotImplemented, "Restore EBS snapshot sets, AMIs and RDS snapshots with the AWS console or AWS.Tools for now."),
            [RestorePathUnsafe] = new FinErrorInfo(FinErrorKind.SecurityError, "The manifest may have been tampered with; restore the other files, and check the manifest's origin."),
            [RestoreTargetIsDirectory] = new FinErrorInfo(FinErrorKind.ResourceExists, "Restore into another -Destination."),
            [RestoreWriteFailed] = new FinErrorInfo(FinErrorKind.WriteError, "Check the destination's free space and permissions."),
            [RetentionMissing] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Pass -Policy with the application's Retention, or -Retention (for example -Retention 12:00:00)."),
            [S3ChecksumRejected] = new FinErrorInfo(FinErrorKind.InvalidData, "The data changed in transit or in memory; run the backup again."),
            [S3ConnectionFailed] = new FinErrorInfo(FinErrorKind.ConnectionError, "The connection to S3 broke (after retries); check the network path and the endpoint, then run again: what was already stored is reused."),
            [S3ObjectLockNotConfigured] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "The bucket has no Object Lock configuration; FinBackup writes without retention there."),
            [S3ShortRead] = new FinErrorInfo(FinErrorKind.InvalidData, "The object is shorter than the manifest says; restore from another recovery point."),
            [SandboxMotoMissing] = new FinErrorInfo(FinErrorKind.NotInstalled, "Install moto: pip install \"moto[server]\"."),
            [SandboxNotRunning] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Start one with Start-FinSandbox."),
            [SandboxSeedFailed] = new FinErrorInfo(FinErrorKind.InvalidOperation, "Run Stop-FinSandbox, then Start-FinSandbox again. Check that the moto version supports the services (moto 5.x)."),
            [SandboxStartFailed] = new FinErrorInfo(FinErrorKind.ResourceUnavailable, "Check that moto[server] is installed completely (pip install \"moto[server]\") and that the port is free."),
            [SandboxStartTimeout] = new FinErrorInfo(FinErrorKind.OperationTimeout, "Try again; if it persists, run 'moto_server -p 5000' by hand to see its output."),
            [SandboxUnreachable] = new FinErrorInfo(FinErrorKind.ConnectionError, "Start one (moto_server -p 5000) or omit -EndpointUrl to let Start-FinSandbox start moto_server."),
            [SnapshotNameTaken] = new FinErrorInfo(FinErrorKind.ResourceExists, "Delete or rename that snapshot; FinBackup names its DB snapshots fin-<db>-<policy hash>-<window>."),
            [SnapshotPendingLimit] = new FinErrorInfo(FinErrorKind.LimitsExceeded, "Wait for the pending snapshots to complete (Get-FinRecoveryPoint -State Pending), then run again."),
            [SnapshotQuotaExceeded] = new FinErrorInfo(FinErrorKind.LimitsExceeded, "Remove expired points (Remove-FinExpiredBackup) or ask AWS to raise the quota."),
            [SsmAccessDenied] = new FinErrorInfo(FinErrorKind.PermissionDenied, "Grant ssm:SendCommand on the document and the instances."),
            [SsmDocumentNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Create the SSM document (examples/finbackup-file-backup.ssm.json) in the region, or pass its name."),
            [SsmSendCommandFailed] = new FinErrorInfo(FinErrorKind.InvalidOperation, "See the SSM error in the message; check the instances are managed by SSM."),
            [UnexpectedError] = new FinErrorInfo(FinErrorKind.InvalidOperation, "An unexpected failure; the rest of the run went on. Run again; if it repeats, report it with the message."),
            [WaitTimedOut] = new FinErrorInfo(FinErrorKind.OperationTimeout, "Look at it in the AWS console or with Get-FinRecoveryPoint, then wait again or raise the timeout; nothing was cancelled."),
            [WindowFrequencyInvalid] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Give the application a Frequency such as '01:00:00' in the policy."),
            // ----- audit trail, legal holds, Remove-FinRecoveryPoint (issue 11) -----
            [AuditLogNotConfigured] = new FinErrorInfo(FinErrorKind.InvalidArgument, "Give the policy an Audit table (Bucket, Region) or a backup bucket for its primary region, and a KMS key for that region."),
            [AuditRecordUnreadable] = new FinErrorInfo(FinErrorKind.InvalidData, "Run Test-FinAuditLog -Policy: it reports the record's position; restore it from the bucket's object versions if it was tampered with."),
            [AuditWriteFailed] = new FinErrorInfo(FinErrorKind.WriteError, "The change went ahead; its audit record is retried. Check s3:PutObject on the audit prefix and kms:GenerateDataKey on the audit region's key, then run Test-FinAuditLog."),
            [AuditDigestKeyRefused] = new FinErrorInfo(FinErrorKind.PermissionDenied, "Grant kms:Decrypt on the audit region's key with encryption context fin:purpose=audit-digest (New-FinIamPolicy -Role Auditor)."),
            [LegalHoldUnsupported] = new FinErrorInfo(FinErrorKind.NotImplemented, "Put AWS Backup vault points under a vault lock or an AWS Backup legal hold instead; FinBackup tags snapshots, AMIs, DB snapshots and file manifests."),
            [LegalHoldUnmanagedRefused] = new FinErrorInfo(FinErrorKind.InvalidOperation, "FinBackup only holds the points it manages (tag fin:managed-by=FinBackup); hold others with your own tooling."),
            [RemovePointLegalHold] = new FinErrorInfo(FinErrorKind.InvalidOperation, "The point is under legal hold. If counsel has released it, run Clear-FinLegalHold first, then Remove-FinRecoveryPoint."),
            [RemovePointUnmanaged] = new FinErrorInfo(FinErrorKind.InvalidOperation, "FinBackup deletes only the points it manages (tag fin:managed-by=FinBackup); delete others with the AWS console or CLI."),
            [RemovePointNotFound] = new FinErrorInfo(FinErrorKind.ObjectNotFound, "Find the point with Get-FinRecoveryPoint and pipe it to Remove-FinRecoveryPoint."),
        };

        /// <summary>Every registered id.</summary>
        public static IReadOnlyDictionary<string, FinErrorInfo> All => Registry;

        public static bool IsRegistered(string errorId) => errorId != null && Registry.ContainsKey(errorId);

        /// <summary>The kind of a registered id (InvalidOperation for an unregistered one, which the meta-test forbids).</summary>
        public static FinErrorKind KindOf(string errorId) =>
            errorId != null && Registry.TryGetValue(errorId, out var info) ? info.Kind : FinErrorKind.InvalidOperation;

        /// <summary>The default recommended action of a registered id (null when unregistered).</summary>
        public static string ActionFor(string errorId) =>
            errorId != null && Registry.TryGetValue(errorId, out var info) ? info.RecommendedAction : null;
    }
}
