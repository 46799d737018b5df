using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FinBackup.Common;
using FinBackup.Completion;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Security;

namespace FinBackup.Cmdlets.Security
{
    /// <summary>
    /// Writes the least-privilege IAM identity policy of each FinBackup role for a backup policy's regions, keys, buckets
    /// and vault. Read-only: it creates nothing in AWS (it calls STS only to learn the account id when -AccountId is not given).
    /// </summary>
    [Cmdlet(VerbsCommon.New, "FinIamPolicy")]
    [OutputType(typeof(FinPolicyDocument))]
    public sealed class NewFinIamPolicyCommand : FinAwsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The backup policy (Import-FinBackupPolicy) whose regions, keys, buckets and vault the roles work on.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>The roles to write; default all of them.</summary>
        [Parameter(Position = 1)]
        public FinRole[] Role { get; set; }

        [Parameter]
        [ValidatePattern(@"^\d{12}$")]
        public string AccountId { get; set; }

        /// <summary>The AWS Backup service role FinBackup passes to AWS Backup (iam:PassRole is limited to it).</summary>
        [Parameter]
        public string[] PassRoleArn { get; set; }

        /// <summary>Instance-profile roles a restore may launch instances with.</summary>
        [Parameter]
        public string[] InstanceRoleArn { get; set; }

        /// <summary>Secret names that hold restore credentials (default fin/restore/*).</summary>
        [Parameter]
        public string[] RestoreSecretName { get; set; }

        /// <summary>FileBackupInstance: the application the host backs up (default: every application of the policy).</summary>
        [Parameter]
        [ApplicationCompleter]
        public string Application { get; set; }

        [Parameter]
        [ValidateSet("aws", "aws-us-gov", "aws-cn")]
        public string Partition { get; set; } = "aws";

        /// <summary>Also write each document to &lt;PolicyName&gt;.json in this directory.</summary>
        [Parameter]
        public string OutputDirectory { get; set; }

        protected override void ProcessRecord()
        {
            if (Application != null && Policy.FindApplication(Application) == null)
            {
                // The one unknown-application error of every cmdlet that takes -Application; nothing to write without it.
                ThrowFinError(ApplicationFilter.NotInPolicy(Policy, Application, Policy.Applications.Where(a => a?.Name != null).Select(a => a.Name).ToList()), Application);
            }
            var account = AccountId;
            if (string.IsNullOrEmpty(account))
            {
                RegionFor(null, Policy); // the connection's default region: -Region, else the policy's primary region
                try
                {
                    account = Session.Get<IAwsIdentityGateway>().GetCallerIdentityAsync(CancellationToken).GetAwaiter().GetResult().Account;
                    WriteVerbose($"Account {account} (from STS: the account of your credentials).");
                }
                catch (FinBackupException ex)
                {
                    ThrowFinError(new FinBackupException(ex.ErrorId, ex.Kind, ex.Message + " The account id is needed for the policy's resource ARNs.",
                        "Pass -AccountId 123456789012, or credentials for the account."), Policy);
                }
            }
            IamPolicyBuilder builder;
            try
            {
                builder = new IamPolicyBuilder(Policy, new IamPolicyOptions
                {
                    AccountId = account,
                    Partition = Partition,
                    PassRoleArns = PassRoleArn?.ToList() ?? new System.Collections.Generic.List<string>(),
                    InstanceRoleArns = InstanceRoleArn?.ToList() ?? new System.Collections.Generic.List<string>(),
                    RestoreSecretNames = RestoreSecretName?.ToList() ?? new System.Collections.Generic.List<string>(),
                    Application = Application,
                });
            }
            catch (FinBackupException ex)
            {
                ThrowFinError(ex, Policy);
                return;
            }
            foreach (var role in Role ?? (FinRole[])Enum.GetValues(typeof(FinRole)))
            {
                var doc = builder.Build(role);
                var result = new FinPolicyDocument
                {
                    Role = role.ToString(),
                    PolicyName = "FinBackup-" + Domain.Files.FileBackupLayout.Slug(Policy.Name) + "-" + role,
                    BackupPolicyName = Policy.Name,
                    Regions = string.Join(", ", Policy.Regions),
                    Statements = doc.Statements.Count,
                    Actions = doc.AllowedActions.Count(),
                    Document = doc.ToJson(),
                };
                PolicyFileWriter.WriteIfAsked(this, OutputDirectory, result);
                WriteObject(result);
            }
        }
    }

    /// <summary>-OutputDirectory: writes &lt;PolicyName&gt;.json, never over a file that differs without saying so.</summary>
    internal static class PolicyFileWriter
    {
        internal static void WriteIfAsked(PSCmdlet cmdlet, string directory, FinPolicyDocument document)
        {
            if (string.IsNullOrEmpty(directory)) return;
            var dir = cmdlet.GetUnresolvedProviderPathFromPSPath(directory);
            Directory.CreateDirectory(dir);
            var path = System.IO.Path.Combine(dir, document.PolicyName + ".json");
            if (File.Exists(path) && File.ReadAllText(path) != document.Document) cmdlet.WriteVerbose($"Replacing {path} (its content changed).");
            File.WriteAllText(path, document.Document);
            document.Path = path;
        }
    }
}
