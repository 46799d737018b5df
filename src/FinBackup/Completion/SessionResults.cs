using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Resources;

namespace FinBackup.Completion
{
    /// <summary>
    /// What this PowerShell session has seen: the application names, recovery-point ids and resource ids in the results of
    /// Get-FinResource, Get-FinRecoveryPoint, New-FinSnapshot and Copy-FinBackupToRegion. The argument completers offer them.
    /// One store per runspace (a runspace is a session), dropped with it; bounded, newest first.
    /// </summary>
    public sealed class SessionResults
    {
        /// <summary>At most this many of each (the oldest are forgotten first).</summary>
        public const int Capacity = 500;

        private static readonly ConditionalWeakTable<Runspace, SessionResults> ByRunspace = new ConditionalWeakTable<Runspace, SessionResults>();
        private static readonly SessionResults NoRunspace = new SessionResults();

        private readonly object _gate = new object();
        private readonly Recent _applications = new Recent();
        private readonly Recent _recoveryPoints = new Recent();
        private readonly Recent _resources = new Recent();

        /// <summary>The store of the runspace running on this thread (a cmdlet's or a completion's).</summary>
        public static SessionResults Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                return runspace == null ? NoRunspace : ByRunspace.GetValue(runspace, _ => new SessionResults());
            }
        }

        public void Remember(FinRecoveryPoint point)
        {
            if (point == null) return;
            lock (_gate)
            {
                _applications.Add(point.Application, null);
                _recoveryPoints.Add(point.RecoveryPointId, $"{point.Kind} of {point.ResourceId} ({point.Application}, {point.Region}, {point.CreatedAt:yyyy-MM-dd HH:mm}Z, {point.State})");
                _resources.Add(point.ResourceId, $"{point.Application}, {point.Region}");
            }
        }

        public void Remember(FinResource resource)
        {
            if (resource == null) return;
            lock (_gate)
            {
                _applications.Add(resource.Application, null);
                _resources.Add(resource.ResourceId, $"{resource.ResourceType} {resource.Name} ({resource.Application}, {resource.Region})".Replace("  ", " "));
            }
        }

        /// <summary>Application names seen, newest first.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Applications { get { lock (_gate) return _applications.Items(); } }
        /// <summary>Recovery-point ids seen, newest first, each with a one-line description.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> RecoveryPoints { get { lock (_gate) return _recoveryPoints.Items(); } }
        /// <summary>Resource ids seen, newest first, each with a one-line description.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Resources { get { lock (_gate) return _resources.Items(); } }

        private sealed class Recent
        {
            private readonly LinkedList<KeyValuePair<string, string>> _order = new LinkedList<KeyValuePair<string, string>>();
            private readonly Dictionary<string, LinkedListNode<KeyValuePair<string, string>>> _index =
                new Dictionary<string, LinkedListNode<KeyValuePair<string, string>>>(StringComparer.Ordinal);

            internal void Add(string key, string description)
            {
                if (string.IsNullOrEmpty(key)) return;
                if (_index.TryGetValue(key, out var node))
                {
                    _order.Remove(node);
                    if (description == null) description = node.Value.Value;
                }
                _index[key] = _order.AddFirst(new KeyValuePair<string, string>(key, description));
                while (_order.Count > Capacity)
                {
                    _index.Remove(_order.Last.Value.Key);
                    _order.RemoveLast();
                }
            }

            internal IReadOnlyList<KeyValuePair<string, string>> Items() => _order.ToList();
        }
    }
}
