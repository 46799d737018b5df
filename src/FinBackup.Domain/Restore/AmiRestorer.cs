using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// AMI -> a launched instance with the recorded (or given, or DR-mapped) subnet, security groups, type, profile and key;
    /// or, with -LaunchTemplateId, a new launch template version that uses the image (what an Auto Scaling roll builds on).
    /// </summary>
    internal sealed class AmiRestorer
    {
        private readonly RestoreRuntime _runtime;

        public AmiRestorer(RestoreRuntime runtime) { _runtime = runtime; }

        public PreparedRestore Prepare(FinRecoveryPoint point, RestoreRequest request, CancellationToken ct)
        {
            var region = point.Region;
            var ec2 = _runtime.Ec2(region);
            var result = RestoreEngine.NewResult(_runtime, request, point.Kind, point.RecoveryPointId, point.Application, region);
            if (!string.IsNullOrEmpty(request.AutoScalingGroupName))
                return AutoScalingRoller.Prepare(_runtime, result, point, request, ct);
            if (!string.IsNullOrEmpty(request.LaunchTemplateId))
            {
                var lt = new LaunchTemplatePrepared(_runtime, result, ec2, request.LaunchTemplateId, point.RecoveryPointId);
                lt.Steps.Add(new RestoreStep($"{request.LaunchTemplateId} ({region})", $"Create a launch template version with image {point.RecoveryPointId}"));
                return lt;
            }
            var app = request.Policy?.FindApplication(point.Application);
            var doc = RestoreEngine.LoadMetadata(_runtime, point, request.Policy, null, ct);
            var mapper = new RestoreTargetMapper(app, doc?.Region ?? point.SourceRegion ?? region, region);
            var spec = new InstanceSpec
            {
                ImageId = point.RecoveryPointId,
                InstanceType = request.InstanceType ?? doc?.Get(RestoreMetadataKeys.InstanceType),
                SubnetId = request.SubnetId ?? mapper.Subnet(doc?.Get(RestoreMetadataKeys.SubnetId)),
                SecurityGroupIds = request.SecurityGroupId?.ToList() ?? mapper.SecurityGroups(doc?.GetList(RestoreMetadataKeys.SecurityGroupIds)),
                IamInstanceProfile = request.IamInstanceProfile ?? (mapper.IsCrossRegion ? mapper.Target?.IamInstanceProfile : null) ?? doc?.Get(RestoreMetadataKeys.IamInstanceProfileArn),
                KeyName = request.KeyName ?? mapper.Named(doc?.Get(RestoreMetadataKeys.KeyName), t => t.KeyName, "KeyName", "-KeyName", required: false),
                ClientToken = RestoreEngine.Token(result.RestoreId, point.RecoveryPointId),
            };
            if (string.IsNullOrEmpty(spec.InstanceType))
                throw new FinBackupException("FinRestoreInstanceTypeMissing", FinErrorKind.InvalidArgument,
                    $"No instance type is known for AMI {point.RecoveryPointId} (no restore metadata recorded one).", "Pass -InstanceType (e.g. m5.large).");
            foreach (var kv in doc?.InstanceTags() ?? new Dictionary<string, string>())
            {
                if (kv.Key.StartsWith("fin:", StringComparison.Ordinal) || kv.Key.StartsWith("aws:", StringComparison.Ordinal)) continue;
                spec.Tags[kv.Key] = kv.Key == "Name" ? kv.Value + "-restored" : kv.Value;
            }
            foreach (var kv in RestoreEngine.LineageTags(result, point.RecoveryPointId, point.Application)) spec.Tags[kv.Key] = kv.Value;
            if (!string.IsNullOrEmpty(point.Application)) spec.Tags["fin:restored-application"] = point.Application;
            var prepared = new InstancePrepared(_runtime, result, ec2, spec) { Wait = request.Wait };
            prepared.Steps.Add(new RestoreStep(spec.SubnetId != null ? $"{spec.SubnetId} ({region})" : region,
                $"Launch a {spec.InstanceType} instance from {point.RecoveryPointId}" +
                (spec.SecurityGroupIds.Count > 0 ? " with security groups " + string.Join(", ", spec.SecurityGroupIds) : string.Empty) +
                (spec.IamInstanceProfile != null ? ", profile " + spec.IamInstanceProfile : string.Empty)));
            return prepared;
        }

        private sealed class InstancePrepared : PreparedRestore
        {
            private readonly IEc2RestoreGateway _ec2;
            private readonly InstanceSpec _spec;

            public InstancePrepared(RestoreRuntime runtime, FinRestoreResult result, IEc2RestoreGateway ec2, InstanceSpec spec) : base(runtime, result)
            {
                _ec2 = ec2;
                _spec = spec;
            }

            protected override void Run(IRestoreObserver observer, CancellationToken ct)
            {
                var id = Stage("RunInstances", () => _ec2.RunInstance(_spec, ct));
                Created(id);
                observer.Verbose($"Instance {id} ({_spec.InstanceType}) launched from {_spec.ImageId}" + (_spec.SubnetId != null ? $" in {_spec.SubnetId}." : "."));
                Result.Detail = $"{_spec.InstanceType} in {_spec.SubnetId ?? "the default subnet"}";
                if (!Wait) return;
                Stage("InstanceRunning", () => WaitFor($"Instance {id}", t => _ec2.DescribeInstance(id, t), i => i != null && (i.State == "running" || i.State == "terminated"), observer, ct, i => i?.State ?? "unknown"));
                var state = _ec2.DescribeInstance(id, ct);
                if (state?.State == "terminated")
                    throw new FinBackupException("FinRestoreInstanceTerminated", FinErrorKind.InvalidOperation, $"Instance {id} terminated while starting.",
                        "Look at its state reason (aws ec2 describe-instances) - often a KMS key grant or a capacity problem.");
                MarkAvailable();
            }
        }

        private sealed class LaunchTemplatePrepared : PreparedRestore
        {
            private readonly IEc2RestoreGateway _ec2;
            private readonly string _templateId, _imageId;

            public LaunchTemplatePrepared(RestoreRuntime runtime, FinRestoreResult result, IEc2RestoreGateway ec2, string templateId, string imageId) : base(runtime, result)
            {
                _ec2 = ec2;
                _templateId = templateId;
                _imageId = imageId;
            }

            protected override void Run(IRestoreObserver observer, CancellationToken ct)
            {
                var version = Stage("CreateLaunchTemplateVersion", () => _ec2.CreateLaunchTemplateVersion(_templateId, _imageId, Result.RestoreId, ct));
                Created(_templateId + ":" + version);
                Result.Detail = $"version {version} of {_templateId} uses {_imageId} (not the default version)";
                MarkAvailable();
                observer.Verbose($"Launch template {_templateId} version {version} uses {_imageId}; set it as default or roll the Auto Scaling group to use it.");
            }
        }
    }
}
