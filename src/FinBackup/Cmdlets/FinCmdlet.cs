using System;
using System.Management.Automation;
using System.Threading;
using FinBackup.Common;
using FinBackup.Domain;
using FinBackup.Loading;

namespace FinBackup.Cmdlets
{
    /// <summary>
    /// Base of every FinBackup cmdlet: cancellation on Ctrl-C (StopProcessing), error records with unique ids,
    /// and progress helpers. Cmdlets stay thin: they bind, ask ShouldProcess, report progress and errors,
    /// and hand the work to the domain.
    /// </summary>
    public abstract class FinCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        protected FinCmdlet()
        {
            ModuleInitializer.Install();
        }

        /// <summary>Cancelled when the user presses Ctrl-C or the pipeline stops.</summary>
        protected CancellationToken CancellationToken => _stopping.Token;

        protected override void StopProcessing()
        {
            _stopping.Cancel();
            base.StopProcessing();
        }

        /// <summary>A non-terminating, per-item error. errorId must be unique across the module.</summary>
        protected void WriteFinError(Exception exception, string errorId, ErrorCategory category, object target, string recommendedAction = null)
        {
            var record = new ErrorRecord(exception, errorId, category, target);
            if (!string.IsNullOrEmpty(recommendedAction))
            {
                record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = recommendedAction };
            }
            WriteError(record);
        }

        /// <summary>Terminating error: only for an invocation that cannot proceed (bad parameters, no region).</summary>
        protected void ThrowFinError(Exception exception, string errorId, ErrorCategory category, object target, string recommendedAction = null)
        {
            var record = new ErrorRecord(exception, errorId, category, target);
            if (!string.IsNullOrEmpty(recommendedAction))
            {
                record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = recommendedAction };
            }
            ThrowTerminatingError(record);
        }

        /// <summary>Per-item error from a domain/adapter failure: its ErrorId, category and suggested fix.</summary>
        protected void WriteFinError(FinBackupException exception, object target)
        {
            WriteFinError(exception, exception.ErrorId, ErrorCategoryMap.ToCategory(exception.Kind), target, exception.RecommendedAction);
        }

        /// <summary>Terminating error from a domain/adapter failure that makes the whole invocation impossible.</summary>
        protected void ThrowFinError(FinBackupException exception, object target)
        {
            ThrowFinError(exception, exception.ErrorId, ErrorCategoryMap.ToCategory(exception.Kind), target, exception.RecommendedAction);
        }

        // ----- confirmation -----
        // Cmdlet.ShouldProcess/ShouldContinue prompt through the host. A host without a UI (a hosted runspace, SSM Run Command,
        // a scheduler, pwsh -NonInteractive) either has no UI object (NullReferenceException deep in the engine) or refuses to
        // prompt. Every FinBackup cmdlet asks through these, so such a host gets one clear FinBackup error instead.

        /// <summary>
        /// Whether this invocation only previews: -WhatIf given, or (without -WhatIf:$false) $WhatIfPreference set in the
        /// caller's scope, as ShouldProcess itself decides.
        /// </summary>
        protected bool WhatIfRequested
        {
            get
            {
                if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)) return w is SwitchParameter sw ? sw.IsPresent : LanguagePrimitives.IsTrue(w);
                return LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
            }
        }

        /// <summary>Whether -Confirm (not -Confirm:$false) was given.</summary>
        protected bool ConfirmRequested =>
            MyInvocation.BoundParameters.TryGetValue("Confirm", out var c) && (c is SwitchParameter sc ? sc.IsPresent : LanguagePrimitives.IsTrue(c));

        /// <summary>
        /// ShouldProcess that -Force answers: with force, and neither a preview (-WhatIf, $WhatIfPreference) nor -Confirm asked
        /// for, the action goes ahead without a question; otherwise ShouldProcess decides (and lists it under -WhatIf).
        /// </summary>
        protected bool ShouldProcessUnlessForced(bool force, string target, string action) =>
            (force && !WhatIfRequested && !ConfirmRequested) || ShouldProcess(target, action);

        /// <summary>ShouldProcess that fails with FinConfirmationUnavailable when the host cannot ask.</summary>
        public new bool ShouldProcess(string target) => Ask(() => base.ShouldProcess(target), target);

        /// <summary>ShouldProcess that fails with FinConfirmationUnavailable when the host cannot ask.</summary>
        public new bool ShouldProcess(string target, string action) => Ask(() => base.ShouldProcess(target, action), target);

        /// <summary>ShouldProcess that fails with FinConfirmationUnavailable when the host cannot ask.</summary>
        public new bool ShouldProcess(string verboseDescription, string verboseWarning, string caption) =>
            Ask(() => base.ShouldProcess(verboseDescription, verboseWarning, caption), verboseDescription);

        /// <summary>ShouldProcess (with the reason) that fails with FinConfirmationUnavailable when the host cannot ask.</summary>
        public new bool ShouldProcess(string verboseDescription, string verboseWarning, string caption, out ShouldProcessReason shouldProcessReason)
        {
            var reason = ShouldProcessReason.None;
            var answer = Ask(() => base.ShouldProcess(verboseDescription, verboseWarning, caption, out reason), verboseDescription);
            shouldProcessReason = reason;
            return answer;
        }

        /// <summary>ShouldContinue that fails with FinConfirmationUnavailable when the host cannot ask.</summary>
        public new bool ShouldContinue(string query, string caption) => Ask(() => base.ShouldContinue(query, caption), query);

        private bool Ask(Func<bool> ask, string target)
        {
            try
            {
                return ask();
            }
            catch (Exception ex) when (ex is NullReferenceException || ex is System.Management.Automation.Host.HostException ||
                                       ex is PSInvalidOperationException || ex is NotImplementedException || ex is NotSupportedException ||
                                       ex is InvalidOperationException)
            {
                var name = MyInvocation?.MyCommand?.Name ?? "This cmdlet";
                var hasForce = MyInvocation?.MyCommand?.Parameters?.ContainsKey("Force") == true;
                var how = hasForce ? "add -Force (or -Confirm:$false)" : "add -Confirm:$false";
                ThrowFinError(new FinBackupException("FinConfirmationUnavailable", FinErrorKind.InvalidArgument,
                        $"{name} needs confirmation for '{target}', but this host cannot ask (no interactive console: a scheduler, Systems Manager Run Command, " +
                        "pwsh -NonInteractive or a hosted runspace). Nothing was changed.",
                        $"To run unattended, confirm on the command line: {how} to {name}; -WhatIf previews without changing anything.", ex),
                    target);
                return false;
            }
        }

        protected void WriteFinProgress(int activityId, string activity, string status, int percent, string currentOperation = null, int parentActivityId = -1)
        {
            var record = new ProgressRecord(activityId, activity, string.IsNullOrEmpty(status) ? " " : status)
            {
                PercentComplete = Math.Max(-1, Math.Min(100, percent)),
                CurrentOperation = currentOperation,
                ParentActivityId = parentActivityId,
            };
            WriteProgress(record);
        }

        protected void CompleteFinProgress(int activityId, string activity)
        {
            WriteProgress(new ProgressRecord(activityId, activity, "Completed") { RecordType = ProgressRecordType.Completed });
        }

        /// <summary>Called once when the invocation ends (after EndProcessing, or after a stop): finishes the run's audit trail.</summary>
        protected virtual void OnInvocationEnded()
        {
        }

        public void Dispose()
        {
            try { OnInvocationEnded(); }
            catch (Exception) { /* never fail a finished pipeline */ }
            _stopping.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
