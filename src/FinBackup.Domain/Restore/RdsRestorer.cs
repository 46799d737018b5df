using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// RDS snapshot -> RestoreDBInstanceFromDBSnapshot to a new identifier with the recorded groups (never in place); point in
    /// time -> RestoreDBInstanceToPointInTime after checking the window. Then, once available: the master password from the
    /// application's RestoreSecret (or ManageMasterUserPassword), and the endpoint written to -UpdateSecret.
    /// </summary>
    internal sealed class RdsRestorer
    {
        private readonly RestoreRuntime _runtime;

        public RdsRestorer(RestoreRuntime runtime) { _runtime = runtime; }

        public PreparedRestore PrepareFromSnapshot(FinRecoveryPoint point, RestoreRequest request, CancellationToken ct)
        {
            var region = point.Region;
            var rds = _runtime.Rds(region);
            var target = request.TargetDBInstanceIdentifier ?? request.DBInstanceIdentifier ?? point.ResourceId;
            CheckFree(rds, target, ct);
            var app = request.Policy?.FindApplication(point.Application);
            var doc = RestoreEngine.LoadMetadata(_runtime, point, request.Policy, null, ct);
            var mapper = new RestoreTargetMapper(app, doc?.Region ?? point.SourceRegion ?? region, region);
            var spec = Spec(request, doc?.Metadata, mapper);
            spec.TargetDBInstanceIdentifier = target;
            spec.DBSnapshotIdentifier = point.RecoveryPointId;
            var result = RestoreEngine.NewResult(_runtime, request, point.Kind, point.RecoveryPointId, point.Application, region);
            foreach (var kv in RestoreEngine.LineageTags(result, point.RecoveryPointId, point.Application)) spec.Tags[kv.Key] = kv.Value;
            if (!string.IsNullOrEmpty(point.Application)) spec.Tags["fin:restored-application"] = point.Application;
            return Finish(result, request, app, rds, spec, region, $"Restore DB instance '{target}' from snapshot {point.RecoveryPointId}");
        }

        public PreparedRestore PreparePointInTime(RestoreRequest request, string region, CancellationToken ct)
        {
            if (string.IsNullOrEmpty(request.DBInstanceIdentifier))
                throw new FinBackupException("FinRestoreSourceInstanceMissing", FinErrorKind.InvalidArgument,
                    "A point-in-time restore needs the source DB instance.", "Pass -DBInstanceIdentifier <source> with -RestoreTime or -UseLatestRestorableTime.");
            if (string.IsNullOrEmpty(request.TargetDBInstanceIdentifier))
                throw new FinBackupException("FinRestoreTargetInstanceMissing", FinErrorKind.InvalidArgument,
                    $"A point-in-time restore of '{request.DBInstanceIdentifier}' needs a new identifier: RDS never restores in place.",
                    $"Pass -TargetDBInstanceIdentifier (e.g. {request.DBInstanceIdentifier}-pitr).");
            var rds = _runtime.Rds(region);
            var source = rds.Describe(request.DBInstanceIdentifier, ct) ?? throw new FinBackupException("FinRestoreSourceInstanceNotFound", FinErrorKind.ObjectNotFound,
                $"DB instance '{request.DBInstanceIdentifier}' was not found in {region}.", "Check -DBInstanceIdentifier and -Region.");
            var latest = source.LatestRestorableTime;
            var earliest = latest.HasValue ? RestoreWindow.Earliest(source.EarliestRestorableTime, source.InstanceCreateTime, source.BackupRetentionPeriodDays, latest.Value) : null;
            var requested = request.UseLatestRestorableTime ? latest ?? DateTime.MinValue : request.RestoreTime.Value;
            RestoreWindow.Check(source.Identifier, requested, earliest, latest, source.BackupRetentionPeriodDays);
            CheckFree(rds, request.TargetDBInstanceIdentifier, ct);
            string application = null;
            source.Metadata.TryGetValue(RestoreMetadataKeys.TagPrefix + (request.Policy?.TagKey ?? FinTags.Application), out application);
            var app = application != null ? request.Policy?.FindApplication(application) : null;
            var spec = Spec(request, source.Metadata, new RestoreTargetMapper(app, region, region));
            spec.TargetDBInstanceIdentifier = request.TargetDBInstanceIdentifier;
            spec.SourceDBInstanceIdentifier = source.Identifier;
            spec.RestoreTime = request.UseLatestRestorableTime ? (DateTime?)null : request.RestoreTime.Value.ToUniversalTime();
            spec.UseLatestRestorableTime = request.UseLatestRestorableTime;
            var result = RestoreEngine.NewResult(_runtime, request, RecoveryPointKind.RdsSnapshot, source.Identifier, application, region);
            var at = request.UseLatestRestorableTime ? "the latest restorable time" : $"{spec.RestoreTime:yyyy-MM-dd HH:mm:ss}Z";
            foreach (var kv in RestoreEngine.LineageTags(result, source.Identifier + "@" + (request.UseLatestRestorableTime ? "latest" : spec.RestoreTime.Value.ToString("o")), application))
                spec.Tags[kv.Key] = kv.Value;
            return Finish(result, request, app, rds, spec, region, $"Restore DB instance '{spec.TargetDBInstanceIdentifier}' from '{source.Identifier}' to {at}");
        }

        private PreparedRestore Finish(FinRestoreResult result, RestoreRequest request, ApplicationPolicy app, IRdsRestoreGateway rds, DbRestoreSpec spec, string region, string action)
        {
            var secret = app?.RestoreSecret;
            var prepared = new Prepared(_runtime, result, rds, spec, secret, request.ManageMasterUserPassword, request.UpdateSecret, region)
            {
                Wait = request.Wait || !string.IsNullOrEmpty(secret) || request.ManageMasterUserPassword || !string.IsNullOrEmpty(request.UpdateSecret),
            };
            prepared.Steps.Add(new RestoreStep($"{spec.TargetDBInstanceIdentifier} ({region})", action +
                (spec.DBInstanceClass != null ? $" as {spec.DBInstanceClass}" : string.Empty) +
                (spec.DBSubnetGroupName != null ? $" in subnet group {spec.DBSubnetGroupName}" : string.Empty)));
            if (!string.IsNullOrEmpty(secret))
                prepared.Steps.Add(new RestoreStep(spec.TargetDBInstanceIdentifier, $"Set the master password from secret {secret} once available"));
            else if (request.ManageMasterUserPassword)
                prepared.Steps.Add(new RestoreStep(spec.TargetDBInstanceIdentifier, "Let RDS manage the master password in Secrets Manager"));
            if (!string.IsNullOrEmpty(request.UpdateSecret))
                prepared.Steps.Add(new RestoreStep(request.UpdateSecret, $"Write the endpoint of {spec.TargetDBInstanceIdentifier} (host, port)"));
            return prepared;
        }

        private static void CheckFree(IRdsRestoreGateway rds, string identifier, CancellationToken ct)
        {
            if (rds.Describe(identifier, ct) != null)
                throw new FinBackupException("FinRestoreDBInstanceExists", FinErrorKind.ResourceExists,
                    $"DB instance '{identifier}' already exists: RDS never restores in place, it always creates a new instance. Nothing was created.",
                    $"Pass -TargetDBInstanceIdentifier with a new name (e.g. {identifier}-restored), then switch the application to it.");
        }

        private static DbRestoreSpec Spec(RestoreRequest r, IDictionary<string, string> recorded, RestoreTargetMapper mapper)
        {
            var doc = new RestoreMetadataDocument { Metadata = recorded ?? new Dictionary<string, string>() };
            var subnetGroup = doc.Get(RestoreMetadataKeys.DBSubnetGroupName);
            if (subnetGroup == "default") subnetGroup = null;
            return new DbRestoreSpec
            {
                DBInstanceClass = r.DBInstanceClass ?? doc.Get(RestoreMetadataKeys.DBInstanceClass),
                DBSubnetGroupName = r.DBSubnetGroupName ?? mapper.Named(subnetGroup, t => t.DBSubnetGroupName, "DBSubnetGroupName", "-DBSubnetGroupName", required: true),
                VpcSecurityGroupIds = r.VpcSecurityGroupId?.ToList() ?? mapper.SecurityGroups(doc.GetList(RestoreMetadataKeys.VpcSecurityGroupIds), "-VpcSecurityGroupId"),
                DBParameterGroupName = mapper.Named(NonDefault(doc.Get(RestoreMetadataKeys.DBParameterGroupName)), t => t.DBParameterGroupName, "DBParameterGroupName", "-Policy", required: false),
                OptionGroupName = mapper.Named(NonDefault(doc.Get(RestoreMetadataKeys.OptionGroupName)), t => t.OptionGroupName, "OptionGroupName", "-Policy", required: false),
                MultiAZ = r.MultiAZ ?? doc.GetBool(RestoreMetadataKeys.MultiAZ),
                Port = r.Port ?? doc.GetInt(RestoreMetadataKeys.Port),
            };
        }

        /// <summary>RDS's default.* groups exist in every region and need not be passed.</summary>
        private static string NonDefault(string name) => name != null && name.StartsWith("default", StringComparison.Ordinal) ? null : name;

        private sealed class Prepared : PreparedRestore
        {
            private readonly IRdsRestoreGateway _rds;
            private readonly DbRestoreSpec _spec;
            private readonly string _secret, _updateSecret, _region;
            private readonly bool _manage;

            public Prepared(RestoreRuntime runtime, FinRestoreResult result, IRdsRestoreGateway rds, DbRestoreSpec spec, string secret, bool manage, string updateSecret, string region)
                : base(runtime, result)
            {
                _rds = rds; _spec = spec; _secret = secret; _manage = manage; _updateSecret = updateSecret; _region = region;
            }

            protected override void Run(IRestoreObserver observer, CancellationToken ct)
            {
                var db = _spec.SourceDBInstanceIdentifier != null
                    ? Stage("RestoreDBInstanceToPointInTime", () => _rds.RestoreToPointInTime(_spec, ct))
                    : Stage("RestoreDBInstanceFromDBSnapshot", () => _rds.RestoreFromSnapshot(_spec, ct));
                Created(_spec.TargetDBInstanceIdentifier);
                observer.Verbose($"DB instance {_spec.TargetDBInstanceIdentifier} is being restored ({db?.Status ?? "creating"}).");
                Result.Detail = "status " + (db?.Status ?? "creating");
                if (!Wait) return;
                db = Stage("DBInstanceAvailable", () => WaitFor($"DB instance {_spec.TargetDBInstanceIdentifier}", t => _rds.Describe(_spec.TargetDBInstanceIdentifier, t),
                    d => d != null && (d.Status == "available" || d.Status == "failed" || d.Status == "incompatible-restore"), observer, ct, d => d?.Status ?? "not visible yet"));
                if (db.Status != "available")
                    throw new FinBackupException("FinRestoreDBFailed", FinErrorKind.InvalidOperation, $"DB instance {_spec.TargetDBInstanceIdentifier} ended {db.Status}.",
                        "See the RDS events of the instance (aws rds describe-events).");
                MarkAvailable();
                if (!string.IsNullOrEmpty(_secret))
                {
                    var credentials = Runtime.Secrets(_region).GetDbCredentials(_secret, ct);
                    Stage("SetMasterPassword", () => _rds.SetMasterPassword(_spec.TargetDBInstanceIdentifier, credentials.Password, ct));
                    observer.Verbose($"Master password of {_spec.TargetDBInstanceIdentifier} set from secret {_secret}.");
                }
                else if (_manage)
                {
                    _rds.ManageMasterPassword(_spec.TargetDBInstanceIdentifier, ct);
                    observer.Verbose($"RDS now manages the master password of {_spec.TargetDBInstanceIdentifier} in Secrets Manager.");
                }
                var endpoint = db.EndpointAddress != null ? $"{db.EndpointAddress}:{db.EndpointPort}" : null;
                if (!string.IsNullOrEmpty(_updateSecret))
                {
                    if (db.EndpointAddress == null)
                        throw new FinBackupException("FinRestoreEndpointUnknown", FinErrorKind.InvalidData, $"DB instance {_spec.TargetDBInstanceIdentifier} reports no endpoint yet.",
                            "Run Invoke-FinRestore's -UpdateSecret step again later, or update the secret by hand.");
                    Stage("UpdateSecret", () => Runtime.Secrets(_region).WriteEndpoint(_updateSecret, db.EndpointAddress, db.EndpointPort ?? 5432, ct));
                    observer.Verbose($"Endpoint {endpoint} written to secret {_updateSecret}.");
                }
                Result.Detail = "available" + (endpoint != null ? " at " + endpoint : string.Empty) + (!string.IsNullOrEmpty(_secret) ? "; password from " + _secret : string.Empty);
            }
        }
    }
}
