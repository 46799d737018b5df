using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.Compliance
{
    /// <summary>Runs every control over one gathered evidence set: findings per application in control order.</summary>
    public sealed class ComplianceEvaluator
    {
        public static IReadOnlyList<ComplianceControl> DefaultControls() => new ComplianceControl[]
        {
            new LastRecoveryPointCreatedControl(),
            new AchievedRpoControl(),
            new RecoveryPointEncryptedControl(),
            new CrossRegionCopyControl(),
            new MinimumRetentionControl(),
            new MaximumRetentionControl(),
            new VaultLockControl(),
            new ObjectLockControl(),
            new RestoreTimeMeetsTargetControl(),
            new RestoreApprovedControl(),
        };

        private readonly IReadOnlyList<ComplianceControl> _controls;

        public ComplianceEvaluator(IReadOnlyList<ComplianceControl> controls = null)
        {
            _controls = controls ?? DefaultControls();
        }

        public IReadOnlyList<FinComplianceFinding> Evaluate(ComplianceEvidence evidence, IEnumerable<ApplicationPolicy> applications)
        {
            if (evidence == null) throw new ArgumentNullException(nameof(evidence));
            var findings = new List<FinComplianceFinding>();
            foreach (var app in applications ?? evidence.Policy.Applications)
            {
                foreach (var control in _controls) findings.AddRange(control.Evaluate(app, evidence));
            }
            return findings;
        }

        /// <summary>The default period: the 24 hours before <paramref name="to"/>.</summary>
        public static readonly TimeSpan DefaultPeriod = TimeSpan.FromHours(24);
    }
}
