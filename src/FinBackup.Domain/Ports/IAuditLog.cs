using System;
using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.Audit;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// The audit trail of one policy (its audit bucket). Writing never blocks or loses the change being audited: a failed
    /// append is reported and retried by the caller's runtime, and the gap is visible to verification.
    /// Get it with <c>Session.Get&lt;IAuditLog&gt;(region)</c>.
    /// </summary>
    public interface IAuditLog
    {
        /// <summary>Appends the events (sets Sequence, PreviousHash and Hash) and returns them as stored.</summary>
        IReadOnlyList<AuditEvent> Append(string policyName, IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken);

        /// <summary>Every stored event of the policy with TimeUtc in [from, to] (null: unbounded), in log order.</summary>
        IReadOnlyList<AuditEvent> Read(string policyName, DateTime? fromUtc, DateTime? toUtc, CancellationToken cancellationToken);
    }
}
