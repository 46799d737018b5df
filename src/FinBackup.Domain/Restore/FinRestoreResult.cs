using System;
using System.Collections.Generic;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Restore
{
    public enum RestoreStatus
    {
        /// <summary>The AWS calls were made; the resources are still coming up (no -Wait).</summary>
        Started,
        /// <summary>Everything the restore created is available (volumes available or attached, instance running, DB available, files written).</summary>
        Available,
        /// <summary>The restore stopped half-way: <see cref="FinRestoreResult.ResourceIds"/> lists what it created (tagged fin:restore-id).</summary>
        Failed,
    }

    /// <summary>
    /// One restore's outcome: Invoke-FinRestore's only output type. Plain values only (exports cleanly with ConvertTo-Json
    /// and Export-Csv). Times are UTC.
    /// </summary>
    public sealed class FinRestoreResult
    {
        /// <summary>The id every created resource is tagged with (fin:restore-id); Remove-FinRestoredResource takes it.</summary>
        public string RestoreId { get; set; }
        public RecoveryPointKind Kind { get; set; }
        /// <summary>The recovery point restored (for a point-in-time restore: the source DB instance).</summary>
        public string SourceRecoveryPointId { get; set; }
        public string Application { get; set; }
        public string Region { get; set; }
        /// <summary>What the restore created: volume ids, an instance id, a launch template version (lt-...:N), a DB instance identifier, or the file destination.</summary>
        public string[] ResourceIds { get; set; } = new string[0];
        public RestoreStatus Status { get; set; }
        /// <summary>Short description of the outcome (attachments, endpoint, files written); never a secret.</summary>
        public string Detail { get; set; }
        /// <summary>When the plan was made (a plan's time; for a direct restore the same as StartedAt).</summary>
        public DateTime? PlannedAt { get; set; }
        /// <summary>When the plan was approved; null for a direct restore.</summary>
        public DateTime? ApprovedAt { get; set; }
        public DateTime? StartedAt { get; set; }
        /// <summary>When everything was available (only with -Wait, or when the restore waited on its own).</summary>
        public DateTime? AvailableAt { get; set; }
        /// <summary>When AWS reported the volumes fully initialized; null: AWS (or the sandbox) did not report it.</summary>
        public DateTime? InitializedAt { get; set; }
        /// <summary>StartedAt to AvailableAt (or to the end of the call when not waited for).</summary>
        public TimeSpan? Duration { get; set; }
        /// <summary>The application's RTO from the policy.</summary>
        public TimeSpan? TargetRto { get; set; }
        /// <summary>Duration within TargetRto; null when either is unknown.</summary>
        public bool? RtoMet { get; set; }
        /// <summary>File backups: files written and verified, files that failed, bytes written (null for other kinds).</summary>
        public long? FilesRestored { get; set; }
        public long? FilesFailed { get; set; }
        public long? BytesRestored { get; set; }
        /// <summary>
        /// Each stage of the restore as "name start..end (seconds)", times UTC ISO 8601: e.g. "CreateVolume
        /// 2026-12-01T10:00:00.000Z..2026-12-01T10:00:01.250Z (1.25s)". Plain strings, so the result exports cleanly.
        /// </summary>
        public string[] Stages { get; set; } = new string[0];

        public override string ToString() => RestoreId;

        public static string FormatStage(string name, DateTime start, DateTime end) =>
            string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0} {1:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}..{2:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} ({3:0.###}s)",
                name, start.ToUniversalTime(), end.ToUniversalTime(), Math.Max(0, (end - start).TotalSeconds));
    }

    /// <summary>A resource a restore created, found by its fin:restore-id tag (Remove-FinRestoredResource's output).</summary>
    public sealed class FinRestoredResource
    {
        public string RestoreId { get; set; }
        /// <summary>EbsVolume, Ec2Instance, LaunchTemplateVersion, RdsDbInstance.</summary>
        public string ResourceType { get; set; }
        public string ResourceId { get; set; }
        public string Region { get; set; }
        /// <summary>Found (WhatIf or declined), Removed, Failed.</summary>
        public string Status { get; set; }
        public override string ToString() => ResourceId;
    }
}
