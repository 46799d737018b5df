using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using FinBackup.Domain;
using FinBackup.Domain.Ports;

namespace FinBackup.Aws.Files
{
    /// <summary>SSM Run Command by tag (SendCommand with Targets) or by instance id.</summary>
    [Gateway(typeof(IFleetCommandGateway))]
    public sealed class SsmFleetCommandGateway : IFleetCommandGateway
    {
        private readonly IAmazonSimpleSystemsManagement _ssm;
        private readonly string _region;

        public SsmFleetCommandGateway(AwsClientContext context, string region)
        {
            _region = context.Region(region);
            _ssm = context.Ssm(_region);
        }

        public FleetCommand Send(FleetCommandRequest r, CancellationToken ct)
        {
            var request = new SendCommandRequest
            {
                DocumentName = r.DocumentName,
                Comment = r.Comment,
                TimeoutSeconds = r.TimeoutSeconds,
                MaxConcurrency = r.MaxConcurrency,
                MaxErrors = r.MaxErrors,
                Parameters = r.Parameters.ToDictionary(kv => kv.Key, kv => kv.Value.ToList()),
            };
            string targets;
            if (r.InstanceIds.Count > 0)
            {
                request.InstanceIds = r.InstanceIds.ToList();
                targets = string.Join(",", r.InstanceIds);
            }
            else
            {
                request.Targets = new List<Target> { new Target { Key = "tag:" + r.TagKey, Values = r.TagValues.ToList() } };
                targets = "tag:" + r.TagKey + "=" + string.Join(",", r.TagValues);
            }
            if (!string.IsNullOrEmpty(r.OutputS3Bucket))
            {
                request.OutputS3BucketName = r.OutputS3Bucket;
                request.OutputS3KeyPrefix = r.OutputS3KeyPrefix;
            }
            try
            {
                var response = _ssm.SendCommandAsync(request, ct).GetAwaiter().GetResult();
                var c = response.Command;
                return new FleetCommand
                {
                    CommandId = c?.CommandId,
                    DocumentName = c?.DocumentName ?? r.DocumentName,
                    Region = _region,
                    Status = c?.Status?.Value,
                    Targets = targets,
                    TargetCount = c?.TargetCount ?? 0,
                    RequestedAt = c?.RequestedDateTime?.ToUniversalTime(),
                };
            }
            catch (AmazonServiceException ex)
            {
                var id = ex.ErrorCode == "InvalidDocument" ? "FinSsmDocumentNotFound" : ex.ErrorCode == "AccessDeniedException" ? "FinSsmAccessDenied" : "FinSsmSendCommandFailed";
                var kind = id == "FinSsmDocumentNotFound" ? FinErrorKind.ObjectNotFound : id == "FinSsmAccessDenied" ? FinErrorKind.PermissionDenied : FinErrorKind.InvalidOperation;
                throw new FinBackupException(id, kind, $"SSM SendCommand ({r.DocumentName}) in {_region} failed: {ex.ErrorCode} {ex.Message}",
                    "Create the document from examples/finbackup-file-backup.ssm.json (aws ssm create-document) and check ssm:SendCommand permissions.", ex);
            }
        }
    }
}
