using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Ports;

namespace FinBackup.Cmdlets.Files
{
    /// <summary>
    /// Runs Backup-FinFile on the instances of an application through Systems Manager Run Command (SendCommand targeting
    /// instances by tag) and returns the command to follow.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "FinFileBackupCommand", DefaultParameterSetName = TagSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FleetCommand))]
    public sealed class SendFinFileBackupCommand : FinAwsCmdlet
    {
        private const string TagSet = "Tag";
        private const string InstanceSet = "Instance";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The application to back up; its name is passed to Backup-FinFile and, by default, selects the instances by the fin:application tag.")]
        [ValidateNotNullOrEmpty]
        [FinBackup.Completion.ApplicationCompleter]
        public string Application { get; set; }

        [Parameter(ParameterSetName = TagSet)]
        public string TagKey { get; set; } = FinTags.Application;

        /// <summary>Tag values selecting the instances; default: the application's name.</summary>
        [Parameter(ParameterSetName = TagSet)]
        public string[] TagValue { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = InstanceSet, ValueFromPipelineByPropertyName = true, HelpMessage = "Send to these instances instead of selecting by tag.")]
        public string[] InstanceId { get; set; }

        [Parameter]
        public string DocumentName { get; set; } = "FinBackup-FileBackup";

        /// <summary>Path of the policy file ON THE INSTANCE; the instance then backs up the file sets the policy names.</summary>
        [Parameter]
        public string PolicyPath { get; set; }

        [Parameter]
        public string[] Path { get; set; }

        [Parameter]
        public string Bucket { get; set; }

        [Parameter]
        public string KmsKeyId { get; set; }

        [Parameter]
        [FinBackup.Common.Duration]
        public TimeSpan? Retention { get; set; }

        [Parameter]
        public string[] Include { get; set; }

        [Parameter]
        public string[] Exclude { get; set; }

        [Parameter]
        public string MaxConcurrency { get; set; } = "50%";

        [Parameter]
        public string MaxErrors { get; set; } = "1";

        [Parameter]
        [ValidateRange(30, 172800)]
        public int TimeoutSeconds { get; set; } = 3600;

        [Parameter]
        public string OutputS3Bucket { get; set; }

        protected override void ProcessRecord()
        {
            if (string.IsNullOrEmpty(PolicyPath) && (Path == null || Path.Length == 0 || string.IsNullOrEmpty(Bucket) || string.IsNullOrEmpty(KmsKeyId)))
            {
                ThrowFinError(new FinBackupException("FinFleetBackupArgumentsMissing", FinErrorKind.InvalidArgument,
                    "Say what the instances back up: -PolicyPath (a policy file on the instances), or -Path with -Bucket and -KmsKeyId.",
                    "For example: -PolicyPath /etc/finbackup/finco.policy.psd1, or -Path /var/lib/agentpay -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup."), this);
            }
            var request = new FleetCommandRequest
            {
                DocumentName = DocumentName,
                TagKey = TagKey,
                TagValues = (TagValue != null && TagValue.Length > 0 ? TagValue : new[] { Application }).ToList(),
                InstanceIds = InstanceId?.ToList() ?? new List<string>(),
                Comment = $"FinBackup file backup of {Application}",
                TimeoutSeconds = TimeoutSeconds,
                MaxConcurrency = MaxConcurrency,
                MaxErrors = MaxErrors,
                OutputS3Bucket = OutputS3Bucket,
                OutputS3KeyPrefix = OutputS3Bucket == null ? null : "ssm-output/file-backup/",
            };
            request.Parameters["Application"] = new List<string> { Application };
            if (!string.IsNullOrEmpty(PolicyPath)) request.Parameters["PolicyPath"] = new List<string> { PolicyPath };
            if (Path != null && Path.Length > 0) request.Parameters["Paths"] = new List<string> { string.Join(",", Path) };
            if (!string.IsNullOrEmpty(Bucket)) request.Parameters["Bucket"] = new List<string> { Bucket };
            if (!string.IsNullOrEmpty(KmsKeyId)) request.Parameters["KmsKeyId"] = new List<string> { KmsKeyId };
            if (Retention.HasValue) request.Parameters["Retention"] = new List<string> { Retention.Value.ToString("c", CultureInfo.InvariantCulture) };
            if (Include != null && Include.Length > 0) request.Parameters["Include"] = new List<string> { string.Join(",", Include) };
            if (Exclude != null && Exclude.Length > 0) request.Parameters["Exclude"] = new List<string> { string.Join(",", Exclude) };
            var targets = request.InstanceIds.Count > 0 ? string.Join(", ", request.InstanceIds) : $"instances tagged {TagKey}={string.Join(",", request.TagValues)}";
            if (!ShouldProcess(targets, $"Run {DocumentName} (Backup-FinFile for '{Application}')")) return;
            try
            {
                var command = Session.Get<IFleetCommandGateway>(RegionOrDefault(Region)).Send(request, CancellationToken);
                WriteObject(command);
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, targets);
            }
        }
    }
}
