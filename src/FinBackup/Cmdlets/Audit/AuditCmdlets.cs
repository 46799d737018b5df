using System;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Audit;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;

using FinBackup.Completion;

namespace FinBackup.Cmdlets
{
    /// <summary>Reads the policy's audit trail: one AuditEvent per record, in log order, filtered.</summary>
    [Cmdlet(VerbsCommon.Get, "FinAuditEvent")]
    [OutputType(typeof(AuditEvent))]
    public sealed class GetFinAuditEventCommand : FinAwsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, HelpMessage = "The policy whose audit log to read (its Audit table, or the primary bucket under fin-audit/).")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>Only records at or after this time (UTC; local times are converted).</summary>
        [Parameter]
        public DateTime? From { get; set; }

        [Parameter]
        public DateTime? To { get; set; }

        /// <summary>Action names (wildcards): RecoveryPoint.Created, RecoveryPoint.*, LegalHold.Set, Restore.*, ...</summary>
        [Parameter]
        [SupportsWildcards]
        [FinBackup.Completion.AuditActionCompleter]
        public string[] Action { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ApplicationCompleter]
        public string[] Application { get; set; }

        /// <summary>What was acted on (recovery point id, plan id, ...), wildcards allowed.</summary>
        [Parameter]
        [SupportsWildcards]
        [Alias("RecoveryPointId")]
        public string[] Target { get; set; }

        /// <summary>The principal ARN (wildcards allowed, e.g. '*:role/fin-backup-operator*').</summary>
        [Parameter]
        [SupportsWildcards]
        public string[] Actor { get; set; }

        protected override void ProcessRecord()
        {
            AuditLogLocation location = null;
            try
            {
                location = AuditLogs.RequireLocation(Policy);
                RegionOfPolicySetting(location.Region, "Audit.Region");
                var log = new ChainedAuditLog(Session.Get<IAuditRecordStore>(location.Region), location);
                var events = log.Read(Policy.Name, From?.ToUniversalTime(), To?.ToUniversalTime(), CancellationToken);
                foreach (var e in events)
                {
                    if (!Matches(Action, e.Action) || !Matches(Application, e.Application) || !Matches(Target, e.Target) || !Matches(Actor, e.Actor)) continue;
                    WriteObject(e);
                }
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, (object)location?.ToString() ?? Policy);
            }
            catch (OperationCanceledException)
            {
            }
        }

        internal static bool Matches(string[] patterns, string value)
        {
            if (patterns == null || patterns.Length == 0) return true;
            return patterns.Any(p => new WildcardPattern(p, WildcardOptions.IgnoreCase).IsMatch(value ?? string.Empty));
        }
    }

    /// <summary>
    /// Verifies the policy's audit log: the SHA-256 chain, every record's hash, and each run's signed digest (KMS Decrypt of
    /// its data key, HMAC-SHA256). One finding per problem at its position; one Intact finding for a clean log.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "FinAuditLog")]
    [OutputType(typeof(FinAuditLogFinding))]
    public sealed class TestFinAuditLogCommand : FinAwsCmdlet
    {
        private const string Activity = "Verifying the audit log";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, HelpMessage = "The policy whose audit log to verify.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        protected override void ProcessRecord()
        {
            AuditLogLocation location = null;
            try
            {
                location = AuditLogs.RequireLocation(Policy);
                RegionOfPolicySetting(location.Region, "Audit.Region");
                WriteFinProgress(1, Activity, location.ToString(), 0);
                var findings = new AuditLogVerifier(Session.Get<IAuditRecordStore>(location.Region), location).Verify(CancellationToken);
                foreach (var f in findings)
                {
                    WriteObject(f);
                }
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, (object)location?.ToString() ?? Policy);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                CompleteFinProgress(1, Activity);
            }
        }
    }
}
