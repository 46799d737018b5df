using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Recovery.Failover
{
    /// <summary>Picks what a failover restores from: the newest available AMI copy and the newest DB snapshot copy per database, in the DR region.</summary>
    public static class FailoverPoints
    {
        public static void Select(FailoverRequest request, IRecoveryPointProviders providers, CancellationToken cancellationToken)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (providers == null) return;
            var query = new RecoveryPointQuery { Applications = { request.Application.Name }, States = { RecoveryPointState.Available } };
            var amis = providers.Provider(RecoveryPointKind.Ami)?.List(query, cancellationToken) ?? new FinRecoveryPoint[0];
            request.Image = amis.OrderByDescending(p => p.CreatedAt).FirstOrDefault();
            var dbs = (providers.Provider(RecoveryPointKind.RdsSnapshot)?.List(query, cancellationToken) ?? new FinRecoveryPoint[0]).OrderByDescending(p => p.CreatedAt).ToList();
            foreach (var d in request.Blueprint?.Databases ?? new List<BlueprintDatabase>())
            {
                var point = dbs.FirstOrDefault(p => string.Equals(p.ResourceId, d.Identifier, StringComparison.Ordinal)) ?? dbs.FirstOrDefault();
                if (point != null) request.DbSnapshots[d.Identifier] = point;
            }
        }
    }
}
