using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace FinBackup.Domain.Policy
{
    /// <summary>The policy read from a file, and everything wrong with the file (errors) or suspicious in it (warnings).</summary>
    public sealed class PolicyReadResult
    {
        public PolicyReadResult(BackupPolicy policy, IReadOnlyList<PolicyDiagnostic> diagnostics)
        {
            Policy = policy;
            Diagnostics = diagnostics;
        }

        /// <summary>The policy; only trustworthy when <see cref="HasErrors"/> is false.</summary>
        public BackupPolicy Policy { get; }
        public IReadOnlyList<PolicyDiagnostic> Diagnostics { get; }
        public bool HasErrors => Diagnostics.Any(d => d.Severity == PolicySeverity.Error);
        public IEnumerable<PolicyDiagnostic> Errors => Diagnostics.Where(d => d.Severity == PolicySeverity.Error);
        public IEnumerable<PolicyDiagnostic> Warnings => Diagnostics.Where(d => d.Severity == PolicySeverity.Warning);
    }

    /// <summary>
    /// Maps the neutral, position-tagged document tree (from the .psd1 or JSON front end) onto <see cref="BackupPolicy"/>.
    /// Every problem names the file, line and field: wrong types, bad durations, unknown keys (a warning with
    /// "did you mean"), duplicate application names, unknown regions, missing required fields. Keys are case-insensitive.
    /// </summary>
    public sealed partial class PolicyReader
    {
        private readonly List<PolicyDiagnostic> _diagnostics = new List<PolicyDiagnostic>();
        private readonly BackupPolicy _policy = new BackupPolicy();
        private string _application;

        private PolicyReader() { }

        /// <summary>Reads a JSON policy text.</summary>
        public static PolicyReadResult ReadJson(string text, string file)
        {
            PolicyNode root;
            try
            {
                root = JsonPolicyParser.Parse(text, file);
            }
            catch (PolicySyntaxException ex)
            {
                return new PolicyReadResult(null, new[] { ex.ToDiagnostic() });
            }
            return Read(root, file);
        }

        /// <summary>Reads a document tree produced by a front end.</summary>
        public static PolicyReadResult Read(PolicyNode root, string file)
        {
            var reader = new PolicyReader();
            reader._policy.SourcePath = file;
            reader.ReadPolicy(root);
            foreach (var w in reader._diagnostics.Where(d => d.Severity != PolicySeverity.Error))
            {
                reader._policy.ReadWarnings.Add(w.ToFinding());
            }
            return new PolicyReadResult(reader._policy, reader._diagnostics);
        }

        // ----- document structure -----

        private void ReadPolicy(PolicyNode root)
        {
            if (!(root is PolicyMap map))
            {
                Error(PolicyRules.ValueType, root, null, $"the policy must be a table (@{{ ... }} in .psd1, {{ ... }} in JSON), not {root.Describe()}");
                return;
            }
            var seen = ReadMap(map, null, new Dictionary<string, Action<PolicyEntry, string>>(StringComparer.OrdinalIgnoreCase)
            {
                ["Name"] = (e, f) => _policy.Name = ReadTagValue(e.Value, f, "the policy name"),
                ["Description"] = (e, f) => _policy.Description = ReadString(e.Value, f),
                ["PrimaryRegion"] = (e, f) => _policy.PrimaryRegion = ReadRegion(e.Value, f),
                ["DrRegion"] = (e, f) => _policy.DrRegion = ReadRegion(e.Value, f),
                ["TagKey"] = (e, f) => _policy.TagKey = ReadTagKey(e.Value, f) ?? _policy.TagKey,
                ["BackupVaultName"] = (e, f) => _policy.BackupVaultName = ReadString(e.Value, f),
                ["VaultLock"] = (e, f) => _policy.VaultLock = ReadBool(e.Value, f) ?? false,
                ["KmsKeys"] = (e, f) => _policy.KmsKeys = ReadRegionMap(e.Value, f),
                ["Buckets"] = (e, f) => _policy.Buckets = ReadRegionMap(e.Value, f),
                ["Applications"] = (e, f) => ReadApplications(e.Value, f),
                ["Quotas"] = (e, f) => ReadQuotas(e.Value, f),
                ["Assumptions"] = (e, f) => ReadAssumptions(e.Value, f),
                ["Restore"] = (e, f) => ReadRestore(e.Value, f),
                // Running unattended (PolicyReader.Unattended.cs).
                ["Schedule"] = (e, f) => ReadSchedule(e.Value, f),
                ["Alarms"] = (e, f) => ReadAlarms(e.Value, f),
                ["Metrics"] = (e, f) => ReadMetrics(e.Value, f),
                ["Audit"] = (e, f) => ReadAudit(e.Value, f),
                ["Verification"] = (e, f) => ReadVerification(e.Value, f),
            });
            CheckAudit();
            Require(seen, map, null, "Name", "the policy's name (it tags every recovery point, e.g. Name = 'finco')");
            Require(seen, map, null, "PrimaryRegion", "the region the applications run in, e.g. PrimaryRegion = 'us-east-1'");
            Require(seen, map, null, "Applications", "the list of applications, Applications = @( @{ Name = '...'; ... } )");
        }

        private void ReadApplications(PolicyNode node, string field)
        {
            var list = AsList(node, field, "a list of application tables: Applications = @( @{ Name = '...' }, @{ ... } )");
            if (list == null) return;
            if (list.Count == 0)
            {
                Error(PolicyRules.RequiredField, node, field, "the list is empty; a policy protects at least one application");
                return;
            }
            var names = new Dictionary<string, PolicyNode>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < list.Count; i++)
            {
                Record($"{field}[{i}]", list[i].Position);
                var app = ReadApplication(list[i], $"{field}[{i}]");
                if (app == null) continue;
                _policy.Applications.Add(app);
                if (app.Name == null) continue;
                var nameNode = (list[i] as PolicyMap)?.Entries.First(en => string.Equals(en.Key, "Name", StringComparison.OrdinalIgnoreCase)).Value;
                if (names.TryGetValue(app.Name, out var first))
                {
                    _application = app.Name;
                    Error(PolicyRules.UniqueApplicationName, nameNode, $"{field}[{i}].Name",
                        $"the application name \"{app.Name}\" is already used at line {first.Position?.Line}; application names must be unique",
                        "Give each application its own name; merge the two entries if they are the same application.");
                    _application = null;
                }
                else
                {
                    names[app.Name] = nameNode;
                }
            }
        }

        private ApplicationPolicy ReadApplication(PolicyNode node, string field)
        {
            if (!(node is PolicyMap map))
            {
                Error(PolicyRules.ValueType, node, field, $"an application must be a table @{{ Name = '...'; Frequency = '1h'; ... }}, not {node.Describe()}");
                return null;
            }
            var app = new ApplicationPolicy();
            var nameEntry = map.Entries.FirstOrDefault(en => string.Equals(en.Key, "Name", StringComparison.OrdinalIgnoreCase));
            _application = nameEntry?.Value is PolicyScalar s && s.Value is string n ? n : null;
            try
            {
                var seen = ReadMap(map, field, new Dictionary<string, Action<PolicyEntry, string>>(StringComparer.OrdinalIgnoreCase)
                {
                    ["Name"] = (e, f) => app.Name = ReadTagValue(e.Value, f, "an application name"),
                    ["Criticality"] = (e, f) => app.Criticality = ReadString(e.Value, f),
                    ["Frequency"] = (e, f) => app.Frequency = ReadDuration(e.Value, f),
                    ["Retention"] = (e, f) => app.Retention = ReadDuration(e.Value, f),
                    ["Rpo"] = (e, f) => app.Rpo = ReadDuration(e.Value, f),
                    ["Rto"] = (e, f) => app.Rto = ReadDuration(e.Value, f),
                    ["RecoveryPoints"] = (e, f) => app.RecoveryPoints = ReadRecoveryPoints(e.Value, f),
                    ["FileSets"] = (e, f) => app.FileSets = ReadFileSets(e.Value, f),
                    ["CopyToDrRegion"] = (e, f) => app.CopyToDrRegion = ReadBool(e.Value, f) ?? app.CopyToDrRegion,
                    ["RestoreApprovers"] = (e, f) => app.RestoreApprovers = ReadStringList(e.Value, f),
                    ["DeclaredDataGiB"] = (e, f) => app.DeclaredDataGiB = ReadNumber(e.Value, f, positive: true, max: MaxDeclaredDataGiB, unit: "GiB"),
                    ["DeclaredInstances"] = (e, f) => app.DeclaredInstances = ReadInt(e.Value, f, MaxDeclaredCount),
                    ["DeclaredVolumes"] = (e, f) => app.DeclaredVolumes = ReadInt(e.Value, f, MaxDeclaredCount),
                    ["DeclaredDatabases"] = (e, f) => app.DeclaredDatabases = ReadInt(e.Value, f, MaxDeclaredCount),
                    ["BlueprintMaxAge"] = (e, f) => app.BlueprintMaxAge = ReadDuration(e.Value, f),
                    ["DeclaredDatabaseGiB"] = (e, f) => app.DeclaredDatabaseGiB = ReadNumber(e.Value, f, positive: true, max: MaxDeclaredDataGiB, unit: "GiB"),
                    ["BackupPlanFrequency"] = (e, f) => app.BackupPlanFrequency = ReadDuration(e.Value, f),
                    ["BackupPlanRetention"] = (e, f) => app.BackupPlanRetention = ReadDuration(e.Value, f),
                    // restore keys: read in PolicyReader.Restore.cs
                    ["RestoreTargets"] = (e, f) => app.RestoreTargets = ReadRestoreTargets(e.Value, f),
                    ["RestoreSecret"] = (e, f) => app.RestoreSecret = ReadString(e.Value, f),
                    ["VolumeInitializationRateMiBps"] = (e, f) => app.VolumeInitializationRateMiBps = ReadInitializationRate(e.Value, f),
                });
                Require(seen, map, field, "Name", "the application's name, as its resources are tagged (e.g. Name = 'Cross-sell')");
                if (app.Name != null && app.Name.Trim().Length == 0)
                {
                    Error(PolicyRules.ValidValue, nameEntry.Value, field + ".Name", "the application name is empty");
                    app.Name = null;
                }
            }
            finally
            {
                _application = null;
            }
            return app;
        }

        private IList<RecoveryPointKindRequest> ReadRecoveryPoints(PolicyNode node, string field)
        {
            var result = new List<RecoveryPointKindRequest>();
            var items = node is PolicyList l ? l.Items : new[] { node };
            var names = Enum.GetNames(typeof(RecoveryPointKindRequest));
            for (int i = 0; i < items.Count; i++)
            {
                var itemField = node is PolicyList ? $"{field}[{i}]" : field;
                var text = ReadString(items[i], itemField);
                if (text == null) continue;
                if (Enum.TryParse<RecoveryPointKindRequest>(text, true, out var kind) && names.Contains(kind.ToString()) && !int.TryParse(text, out _))
                {
                    if (!result.Contains(kind)) result.Add(kind);
                }
                else
                {
                    var guess = NameSuggester.Closest(text, names);
                    Error(PolicyRules.ValidValue, items[i], itemField,
                        $"\"{text}\" is not a recovery point kind{(guess != null ? $"; did you mean '{guess}'?" : string.Empty)} (use {string.Join(", ", names)})");
                }
            }
            return result;
        }

        private IList<FileSetPolicy> ReadFileSets(PolicyNode node, string field)
        {
            var result = new List<FileSetPolicy>();
            var list = AsList(node, field, "a list of file set tables: FileSets = @( @{ Name = 'ledger'; Paths = @('/var/lib/app'); Frequency = '45m' } )");
            if (list == null) return result;
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < list.Count; i++)
            {
                var f = $"{field}[{i}]";
                if (!(list[i] is PolicyMap map))
                {
                    Error(PolicyRules.ValueType, list[i], f, $"a file set must be a table @{{ Name = '...'; Paths = @('...') }}, not {list[i].Describe()}");
                    continue;
                }
                var set = new FileSetPolicy();
                var seen = ReadMap(map, f, new Dictionary<string, Action<PolicyEntry, string>>(StringComparer.OrdinalIgnoreCase)
                {
                    ["Name"] = (e, ff) => set.Name = ReadString(e.Value, ff),
                    ["Paths"] = (e, ff) => set.Paths = ReadStringList(e.Value, ff),
                    ["Include"] = (e, ff) => set.Include = ReadStringList(e.Value, ff),
                    ["Exclude"] = (e, ff) => set.Exclude = ReadStringList(e.Value, ff),
                    ["Frequency"] = (e, ff) => set.Frequency = ReadDuration(e.Value, ff),
                });
                Require(seen, map, f, "Name", "the file set's name (it names the backups in S3), e.g. Name = 'ledger'");
                Require(seen, map, f, "Paths", "the directories or files to back up, e.g. Paths = @('/var/lib/agentpay/ledger')");
                if (seen.Contains("Paths") && set.Paths.Count == 0)
                {
                    Error(PolicyRules.RequiredField, map, f + ".Paths", "the list of paths is empty");
                }
                if (set.Name != null && !names.Add(set.Name))
                {
                    Error(PolicyRules.ValidValue, map, f + ".Name", $"the file set name \"{set.Name}\" is used twice in this application");
                }
                result.Add(set);
            }
            return result;
        }

        private void ReadQuotas(PolicyNode node, string field)
        {
            if (!(node is PolicyMap map))
            {
                Error(PolicyRules.ValueType, node, field, $"expected a table such as @{{ ManualRdsSnapshotsPerRegion = 100 }}, not {node.Describe()}");
                return;
            }
            var q = _policy.Quotas;
            ReadMap(map, field, new Dictionary<string, Action<PolicyEntry, string>>(StringComparer.OrdinalIgnoreCase)
            {
                ["ConcurrentSnapshotCopiesPerRegion"] = (e, f) => q.ConcurrentSnapshotCopiesPerRegion = ReadPositiveInt(e.Value, f) ?? q.ConcurrentSnapshotCopiesPerRegion,
                ["PendingSnapshotsPerVolume"] = (e, f) => q.PendingSnapshotsPerVolume = ReadPositiveInt(e.Value, f) ?? q.PendingSnapshotsPerVolume,
                ["ManualRdsSnapshotsPerRegion"] = (e, f) => q.ManualRdsSnapshotsPerRegion = ReadPositiveInt(e.Value, f) ?? q.ManualRdsSnapshotsPerRegion,
                ["ElasticIpsPerRegion"] = (e, f) => q.ElasticIpsPerRegion = ReadPositiveInt(e.Value, f) ?? q.ElasticIpsPerRegion,
                ["NatGatewaysPerAz"] = (e, f) => q.NatGatewaysPerAz = ReadPositiveInt(e.Value, f) ?? q.NatGatewaysPerAz,
                ["VpcsPerRegion"] = (e, f) => q.VpcsPerRegion = ReadPositiveInt(e.Value, f) ?? q.VpcsPerRegion,
                ["RunningInstancesPerRegion"] = (e, f) => q.RunningInstancesPerRegion = ReadPositiveInt(e.Value, f) ?? q.RunningInstancesPerRegion,
            });
        }

        private void ReadAssumptions(PolicyNode node, string field)
        {
            if (!(node is PolicyMap map))
            {
                Error(PolicyRules.ValueType, node, field, $"expected a table such as @{{ CopyThroughputMiBps = 100 }}, not {node.Describe()}");
                return;
            }
            var a = _policy.Assumptions;
            ReadMap(map, field, new Dictionary<string, Action<PolicyEntry, string>>(StringComparer.OrdinalIgnoreCase)
            {
                ["CopyThroughputMiBps"] = (e, f) => a.CopyThroughputMiBps = ReadNumber(e.Value, f, positive: true, max: MaxThroughputMiBps, unit: "MiB/s") ?? a.CopyThroughputMiBps,
                ["ChangeRatePercentPerHour"] = (e, f) => a.ChangeRatePercentPerHour = ReadPercent(e.Value, f) ?? a.ChangeRatePercentPerHour,
                ["EbsSnapshotDuration"] = (e, f) => a.EbsSnapshotDuration = ReadDuration(e.Value, f) ?? a.EbsSnapshotDuration,
                ["VolumeInitializationMiBps"] = (e, f) => a.VolumeInitializationMiBps = ReadNumber(e.Value, f, positive: true) ?? a.VolumeInitializationMiBps,
                ["RdsRestoreBaseTime"] = (e, f) => a.RdsRestoreBaseTime = ReadDuration(e.Value, f) ?? a.RdsRestoreBaseTime,
                ["RdsRestoreGiBPerMinute"] = (e, f) => a.RdsRestoreGiBPerMinute = ReadNumber(e.Value, f, positive: true) ?? a.RdsRestoreGiBPerMinute,
                ["NetworkCreationTime"] = (e, f) => a.NetworkCreationTime = ReadDuration(e.Value, f) ?? a.NetworkCreationTime,
                ["NatGatewayCreationTime"] = (e, f) => a.NatGatewayCreationTime = ReadDuration(e.Value, f) ?? a.NatGatewayCreationTime,
                ["SecurityGroupCreationTime"] = (e, f) => a.SecurityGroupCreationTime = ReadDuration(e.Value, f) ?? a.SecurityGroupCreationTime,
                ["LoadBalancerCreationTime"] = (e, f) => a.LoadBalancerCreationTime = ReadDuration(e.Value, f) ?? a.LoadBalancerCreationTime,
                ["WebAclCreationTime"] = (e, f) => a.WebAclCreationTime = ReadDuration(e.Value, f) ?? a.WebAclCreationTime,
                ["AutoScalingGroupCreationTime"] = (e, f) => a.AutoScalingGroupCreationTime = ReadDuration(e.Value, f) ?? a.AutoScalingGroupCreationTime,
                ["InstanceBootTime"] = (e, f) => a.InstanceBootTime = ReadDuration(e.Value, f) ?? a.InstanceBootTime,
                ["DnsTtl"] = (e, f) => a.DnsTtl = ReadDuration(e.Value, f) ?? a.DnsTtl,
                ["HealthCheckInterval"] = (e, f) => a.HealthCheckInterval = ReadDuration(e.Value, f) ?? a.HealthCheckInterval,
                ["HealthCheckFailureThreshold"] = (e, f) => a.HealthCheckFailureThreshold = ReadPositiveInt(e.Value, f) ?? a.HealthCheckFailureThreshold,
            });
        }

        private void ReadRestore(PolicyNode node, string field)
        {
            if (!(node is PolicyMap map))
            {
                Error(PolicyRules.ValueType, node, field, $"expected a table such as @{{ InitializationRateMiBps = 200; ApprovalValidity = '4h' }}, not {node.Describe()}");
                return;
            }
            var r = _policy.Restore;
            ReadMap(map, field, new Dictionary<string, Action<PolicyEntry, string>>(StringComparer.OrdinalIgnoreCase)
            {
                ["EbsVolumeCreateMinutes"] = (e, f) => r.EbsVolumeCreateMinutes = ReadNumber(e.Value, f, positive: true) ?? r.EbsVolumeCreateMinutes,
                ["InitializationRateMiBps"] = (e, f) => r.InitializationRateMiBps = ReadNumber(e.Value, f, positive: true) ?? r.InitializationRateMiBps,
                ["InstanceBootMinutes"] = (e, f) => r.InstanceBootMinutes = ReadNumber(e.Value, f, positive: true) ?? r.InstanceBootMinutes,
                ["RdsRestoreFixedMinutes"] = (e, f) => r.RdsRestoreFixedMinutes = ReadNumber(e.Value, f, positive: true) ?? r.RdsRestoreFixedMinutes,
                ["RdsRestoreGiBPerHour"] = (e, f) => r.RdsRestoreGiBPerHour = ReadNumber(e.Value, f, positive: true) ?? r.RdsRestoreGiBPerHour,
                ["FileRestoreMiBps"] = (e, f) => r.FileRestoreMiBps = ReadNumber(e.Value, f, positive: true) ?? r.FileRestoreMiBps,
                ["ApprovalValidity"] = (e, f) => r.ApprovalValidity = ReadDuration(e.Value, f) ?? r.ApprovalValidity,
                ["PlanValidity"] = (e, f) => r.PlanValidity = ReadDuration(e.Value, f) ?? r.PlanValidity,
            });
        }

        // ----- tables -----

        /// <summary>Runs the handler of each known key; warns on unknown keys with the closest known one. Returns the keys seen.</summary>
        private HashSet<string> ReadMap(PolicyMap map, string path, Dictionary<string, Action<PolicyEntry, string>> handlers)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in map.Entries)
            {
                var field = path == null ? entry.Key : path + "." + entry.Key;
                if (!seen.Add(entry.Key))
                {
                    Error(PolicyRules.DuplicateKey, entry.KeyPosition, field, $"the key '{entry.Key}' appears twice in the same table (keys are case-insensitive)");
                    continue;
                }
                if (handlers.TryGetValue(entry.Key, out var handler))
                {
                    var canonical = handlers.Keys.First(k => string.Equals(k, entry.Key, StringComparison.OrdinalIgnoreCase));
                    var canonicalField = path == null ? canonical : path + "." + canonical;
                    Record(canonicalField, entry.KeyPosition);
                    handler(entry, canonicalField);
                }
                else
                {
                    var guess = NameSuggester.Closest(entry.Key, handlers.Keys);
                    Add(new PolicyDiagnostic(PolicySeverity.Warning, PolicyRules.KnownKey, entry.KeyPosition, field,
                        $"unknown key '{entry.Key}' is ignored" + (guess != null ? $"; did you mean '{guess}'?" : string.Empty),
                        guess != null ? $"Rename it to '{guess}'." : "Known keys here: " + string.Join(", ", handlers.Keys) + ".",
                        _application));
                }
            }
            return seen;
        }

        private void Require(HashSet<string> seen, PolicyMap map, string path, string key, string what)
        {
            if (seen.Contains(key)) return;
            Error(PolicyRules.RequiredField, map, path == null ? key : path + "." + key, $"is missing; add {what}");
        }

        // ----- scalars -----

        private string ReadString(PolicyNode node, string field)
        {
            if (node is PolicyScalar s)
            {
                if (s.Kind == ScalarKind.String) return (string)s.Value;
                if (s.Kind == ScalarKind.Null) return null;
            }
            Error(PolicyRules.ValueType, node, field, $"expected a string in quotes, not {node.Describe()}");
            return null;
        }

        /// <summary>
        /// A value that FinBackup writes into AWS tags (policy and application names): S3 and EC2 accept letters, digits,
        /// spaces and _ . : / = + - @, at most 256 characters. Checked here so a bad name fails at import with its line,
        /// not at run time in the middle of a cycle.
        /// </summary>
        private string ReadTagValue(PolicyNode node, string field, string what)
        {
            var value = ReadString(node, field);
            if (value == null) return null;
            var problem = TagRules.CheckValue(value);
            if (problem != null)
            {
                Error(PolicyRules.ValidValue, node, field, $"{what} {Shorten(value)} {problem}",
                    "Use letters, digits, spaces and _ . : / = + - @ only, at most 256 characters (AWS tag values).");
                return null;
            }
            return value;
        }

        /// <summary>The tag key that marks an application's resources: not empty (an empty one would silently be fin:application).</summary>
        private string ReadTagKey(PolicyNode node, string field)
        {
            var value = ReadString(node, field);
            if (value == null) return null;
            var problem = TagRules.CheckKey(value);
            if (problem != null)
            {
                Error(PolicyRules.ValidValue, node, field, $"the tag key {Shorten(value)} {problem}",
                    "Give the tag key your resources carry, e.g. TagKey = 'fin:application' (or remove TagKey to use that default).");
                return null;
            }
            return value;
        }

        private static string Shorten(string value)
        {
            var s = value.Length > 60 ? value.Substring(0, 60) + $"...\" ({value.Length} characters)" : value + "\"";
            return "\"" + s;
        }

        private TimeSpan? ReadDuration(PolicyNode node, string field)
        {
            if (node is PolicyScalar s && s.Kind == ScalarKind.Null) return null;
            if (node is PolicyScalar str && str.Kind == ScalarKind.String)
            {
                if (Duration.TryParse((string)str.Value, out var value, out var error)) return value;
                Error(PolicyRules.ValidDuration, node, field, error, "Write a positive duration such as '45m', '1h', '12h', '2d' or 'PT45M'.");
                return null;
            }
            if (node is PolicyScalar num && (num.Kind == ScalarKind.Integer || num.Kind == ScalarKind.Number))
            {
                var n = Convert.ToDouble(num.Value, CultureInfo.InvariantCulture);
                var text = Convert.ToString(num.Value, CultureInfo.InvariantCulture);
                Error(PolicyRules.ValidDuration, node, field,
                    n <= 0 ? $"{num.Describe()} is not a positive duration; a duration must be greater than zero and have a unit, e.g. '45m' or '1h'"
                           : $"{num.Describe()} has no unit; write a duration in quotes, e.g. '{text}m' or '{text}h'",
                    "Write a positive duration such as '45m', '1h', '12h', '2d' or 'PT45M'.");
                return null;
            }
            Error(PolicyRules.ValueType, node, field, $"expected a duration in quotes (45m, 1h, 12h, 2d or PT45M), not {node.Describe()}");
            return null;
        }

        private bool? ReadBool(PolicyNode node, string field)
        {
            if (node is PolicyScalar s)
            {
                if (s.Kind == ScalarKind.Boolean) return (bool)s.Value;
                if (s.Kind == ScalarKind.Null) return null;
                if (s.Kind == ScalarKind.String)
                {
                    var t = ((string)s.Value).Trim();
                    if (t.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
                    if (t.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
                }
            }
            Error(PolicyRules.ValueType, node, field, $"expected $true or $false (true or false in JSON), not {node.Describe()}");
            return null;
        }

        /// <summary>Declared data beyond 1 PiB per application is a typo (and overflows the copy-time arithmetic).</summary>
        public const double MaxDeclaredDataGiB = 1048576;
        public const double MaxThroughputMiBps = 100000;
        public const int MaxDeclaredCount = 100000;

        private double? ReadNumber(PolicyNode node, string field, bool positive, double max = 1e9, string unit = null)
        {
            if (node is PolicyScalar s)
            {
                if (s.Kind == ScalarKind.Null) return null;
                if (s.Kind == ScalarKind.Integer || s.Kind == ScalarKind.Number)
                {
                    double d;
                    try
                    {
                        d = Convert.ToDouble(s.Value, CultureInfo.InvariantCulture);
                    }
                    catch (OverflowException)
                    {
                        d = double.PositiveInfinity;
                    }
                    if (double.IsNaN(d) || double.IsInfinity(d) || d > max)
                    {
                        Error(PolicyRules.ValidValue, node, field,
                            $"{Shorten(Convert.ToString(s.Value, CultureInfo.InvariantCulture))} is out of range; the largest accepted value is {max.ToString("N0", CultureInfo.InvariantCulture)}{(unit != null ? " " + unit : string.Empty)}",
                            "Check the value and its unit.");
                        return null;
                    }
                    if (positive && d <= 0)
                    {
                        Error(PolicyRules.ValidValue, node, field, $"{s.Describe()} must be greater than zero");
                        return null;
                    }
                    return d;
                }
            }
            Error(PolicyRules.ValueType, node, field, $"expected a number (no quotes), not {node.Describe()}");
            return null;
        }

        private double? ReadPercent(PolicyNode node, string field)
        {
            var d = ReadNumber(node, field, positive: true);
            if (d > 100)
            {
                Error(PolicyRules.ValidValue, node, field, $"{d.Value.ToString(CultureInfo.InvariantCulture)} is more than 100 percent");
                return null;
            }
            return d;
        }

        private int? ReadInt(PolicyNode node, string field, int max = int.MaxValue)
        {
            if (node is PolicyScalar s)
            {
                if (s.Kind == ScalarKind.Null) return null;
                if (s.Kind == ScalarKind.Integer)
                {
                    var l = Convert.ToInt64(s.Value, CultureInfo.InvariantCulture);
                    if (l < 0)
                    {
                        Error(PolicyRules.ValidValue, node, field, $"{s.Describe()} must be a count of zero or more");
                        return null;
                    }
                    if (l > max)
                    {
                        Error(PolicyRules.ValidValue, node, field, $"{l} is out of range; the largest accepted value is {max.ToString("N0", CultureInfo.InvariantCulture)}");
                        return null;
                    }
                    return (int)l;
                }
            }
            Error(PolicyRules.ValueType, node, field, $"expected a whole number (no quotes), not {node.Describe()}");
            return null;
        }

        private int? ReadPositiveInt(PolicyNode node, string field)
        {
            var v = ReadInt(node, field);
            if (v == 0)
            {
                Error(PolicyRules.ValidValue, node, field, "must be greater than zero");
                return null;
            }
            return v;
        }

        /// <summary>A list of strings; a single string is a list of one (as PowerShell unrolls it).</summary>
        private IList<string> ReadStringList(PolicyNode node, string field)
        {
            var result = new List<string>();
            if (node is PolicyScalar single)
            {
                if (single.Kind == ScalarKind.Null) return result;
                var s = ReadString(node, field);
                if (s != null) result.Add(s);
                return result;
            }
            if (!(node is PolicyList list))
            {
                Error(PolicyRules.ValueType, node, field, $"expected a list of strings such as @('a', 'b'), not {node.Describe()}");
                return result;
            }
            for (int i = 0; i < list.Items.Count; i++)
            {
                var s = ReadString(list.Items[i], $"{field}[{i}]");
                if (s != null) result.Add(s);
            }
            return result;
        }

        private string ReadRegion(PolicyNode node, string field)
        {
            var region = ReadString(node, field);
            if (region == null) return null;
            if (!AwsRegions.IsKnown(region))
            {
                var guess = AwsRegions.Suggest(region.ToLowerInvariant());
                Error(PolicyRules.KnownRegion, node, field, $"\"{region}\" is not an AWS region" + (guess != null ? $"; did you mean '{guess}'?" : string.Empty),
                    "Use a region name such as us-east-1 or us-west-2.");
                return null;
            }
            return region;
        }

        /// <summary>Records a region-keyed entry and checks its key is a known region (with "did you mean"); false when it is not.</summary>
        private bool RegionKey(PolicyEntry entry, string field, string fix)
        {
            Record(field, entry.KeyPosition);
            if (AwsRegions.IsKnown(entry.Key)) return true;
            var guess = AwsRegions.Suggest(entry.Key.ToLowerInvariant());
            Error(PolicyRules.KnownRegion, entry.KeyPosition, field, $"\"{entry.Key}\" is not an AWS region" + (guess != null ? $"; did you mean '{guess}'?" : string.Empty), fix);
            return false;
        }

        /// <summary>A table of region name -> value (KmsKeys, Buckets). Every key must be a known region.</summary>
        private IDictionary<string, string> ReadRegionMap(PolicyNode node, string field)
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (!(node is PolicyMap map))
            {
                Error(PolicyRules.ValueType, node, field, $"expected a table of region = value, e.g. @{{ 'us-east-1' = 'alias/fin-backup' }}, not {node.Describe()}");
                return result;
            }
            foreach (var entry in map.Entries)
            {
                var f = $"{field}['{entry.Key}']";
                if (!RegionKey(entry, f, "Key this table by region name, e.g. 'us-east-1'.")) continue;
                if (result.ContainsKey(entry.Key))
                {
                    Error(PolicyRules.DuplicateKey, entry.KeyPosition, f, $"the region '{entry.Key}' appears twice");
                    continue;
                }
                var value = ReadString(entry.Value, f);
                if (value != null && value.Trim().Length == 0)
                {
                    Error(PolicyRules.ValidValue, entry.Value, f, "is empty");
                    continue;
                }
                if (value != null) result[entry.Key] = value;
            }
            return result;
        }

        private IReadOnlyList<PolicyNode> AsList(PolicyNode node, string field, string expected)
        {
            if (node is PolicyList list) return list.Items;
            if (node is PolicyMap) return new[] { node }; // a single table where a list was expected: a list of one
            if (node is PolicyScalar s && s.Kind == ScalarKind.Null) return new PolicyNode[0];
            Error(PolicyRules.ValueType, node, field, $"expected {expected}, not {node.Describe()}");
            return null;
        }

        // ----- diagnostics -----

        private void Record(string field, SourcePosition position)
        {
            if (position != null) _policy.Locations[field] = position.ToString();
        }

        private void Error(string rule, PolicyNode node, string field, string problem, string suggestion = null) =>
            Error(rule, node?.Position, field, problem, suggestion);

        private void Error(string rule, SourcePosition position, string field, string problem, string suggestion = null) =>
            Add(new PolicyDiagnostic(PolicySeverity.Error, rule, position, field, problem, suggestion, _application));

        private void Add(PolicyDiagnostic d) => _diagnostics.Add(d);
    }
}
