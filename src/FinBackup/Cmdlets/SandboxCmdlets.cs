using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using FinBackup.Common;
using FinBackup.Domain;
using FinBackup.Domain.Connection;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Sandbox;

namespace FinBackup.Cmdlets
{
    /// <summary>Where the running sandbox is remembered for the session ($FinBackupSandbox).</summary>
    internal static class SandboxStore
    {
        internal const string VariableName = "FinBackupSandbox";

        internal static FinSandbox Get(SessionState state)
        {
            var value = state.PSVariable.GetValue("global:" + VariableName);
            if (value is PSObject pso) value = pso.BaseObject;
            return value as FinSandbox;
        }

        internal static void Set(SessionState state, FinSandbox sandbox) =>
            state.PSVariable.Set(new PSVariable("global:" + VariableName, sandbox, ScopedItemOptions.None));

        internal static void Clear(SessionState state) => state.PSVariable.Remove("global:" + VariableName);
    }

    /// <summary>
    /// Starts a local AWS sandbox (moto_server on a free 127.0.0.1 port, or attaches to -EndpointUrl), seeds the bank's estate
    /// (EC2 + EBS, RDS PostgreSQL, KMS keys and aliases, backup buckets, restore secrets, Backup vaults in us-east-1 and
    /// us-west-2) and points the session defaults at it.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "FinSandbox", SupportsShouldProcess = true)]
    [OutputType(typeof(FinSandbox))]
    public sealed class StartFinSandboxCommand : FinCmdlet
    {
        private const int ProgressId = 3101;
        private const string Activity = "Starting the FinBackup sandbox";

        /// <summary>Attach to an emulator already running there instead of starting moto_server.</summary>
        [Parameter]
        public string EndpointUrl { get; set; }

        /// <summary>The port for moto_server (0 or omitted: a free port).</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        /// <summary>Start (or attach) without seeding the estate.</summary>
        [Parameter]
        public SwitchParameter SkipSeed { get; set; }

        /// <summary>
        /// Start a fresh moto_server: stop the one this session started, and any an earlier shell left running (found in
        /// the sandbox folder, $env:FINBACKUP_SANDBOX_DIR), instead of reusing it.
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var estate = SandboxEstate.Bank();
            var existing = SandboxStore.Get(SessionState);
            var target = EndpointUrl ?? existing?.EndpointUrl ?? "a new moto_server on 127.0.0.1";
            if (!ShouldProcess(target, "Start the FinBackup sandbox, seed the estate and set the session defaults to it")) return;

            var sandbox = new FinSandbox { PrimaryRegion = estate.PrimaryRegion, DrRegion = estate.DrRegion };
            SandboxRegistry.Record left = null;
            var seeded = false;
            if (!string.IsNullOrEmpty(EndpointUrl))
            {
                if (!Uri.TryCreate(EndpointUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                {
                    ThrowFinError(new ArgumentException($"-EndpointUrl '{EndpointUrl}' is not an http(s) URL."), "FinSandboxEndpointInvalid",
                        ErrorCategory.InvalidArgument, EndpointUrl, "Give the URL of a running moto server, such as http://127.0.0.1:5000.");
                }
                WriteFinProgress(ProgressId, Activity, "Checking " + EndpointUrl, 5);
                if (!SandboxBridge.IsReady(EndpointUrl))
                {
                    ThrowFinError(new FinBackupException("FinSandboxUnreachable", FinErrorKind.ConnectionError,
                        $"No AWS emulator answers at {EndpointUrl}.",
                        "Start one (moto_server -p 5000) or omit -EndpointUrl to let Start-FinSandbox start moto_server."), EndpointUrl);
                }
                sandbox.EndpointUrl = EndpointUrl.TrimEnd('/');
                if (existing != null && existing.EndpointUrl == sandbox.EndpointUrl) CopyProcess(existing, sandbox);
            }
            else if (!Force && existing != null && IsRunning(existing))
            {
                WriteVerbose($"The sandbox started earlier in this session is still running at {existing.EndpointUrl}; reusing it.");
                sandbox.EndpointUrl = existing.EndpointUrl;
                CopyProcess(existing, sandbox);
            }
            else if (!Force && (left = LeftByEarlierShell()) != null)
            {
                WriteWarning($"Reusing the sandbox an earlier shell left running at {left.Sandbox.EndpointUrl} (moto_server process {left.Sandbox.ProcessId}, " +
                             $"started {left.Sandbox.ProcessStartTime:u}); what that shell created is still in it. Start-FinSandbox -Force replaces it with a fresh one.");
                sandbox.EndpointUrl = left.Sandbox.EndpointUrl;
                CopyProcess(left.Sandbox, sandbox);
                if (left.Seeded && !SkipSeed)
                {
                    CopyCounts(left.Sandbox, sandbox);
                    seeded = true;
                }
            }
            else
            {
                if (Force) StopForReplacement(existing);
                WriteFinProgress(ProgressId, Activity, "Starting moto_server", 5);
                try
                {
                    var process = SandboxBridge.Start(Port, CancellationToken, out var url);
                    sandbox.EndpointUrl = url;
                    sandbox.ProcessId = process.Id;
                    sandbox.ProcessStartTime = process.StartTime.ToUniversalTime();
                    sandbox.StartedByFinBackup = true;
                    WriteVerbose($"moto_server (process {process.Id}) is listening at {url}.");
                }
                catch (FinBackupException ex)
                {
                    CompleteFinProgress(ProgressId, Activity);
                    ThrowFinError(ex, "moto_server");
                }
            }
            // Record it at once so Stop-FinSandbox (here, or in a later shell) can stop the process even if seeding fails.
            SandboxStore.Set(SessionState, sandbox);
            SandboxRegistry.Save(sandbox, seeded);

            if (!SkipSeed && !seeded)
            {
                try
                {
                    var session = AwsSessionBridge.Open(new AwsConnectionRequest
                    {
                        EndpointUrl = sandbox.EndpointUrl,
                        Region = estate.PrimaryRegion,
                        AccessKey = SandboxBridge.SandboxAccessKey(),
                        SecretKey = SandboxBridge.SandboxAccessKey(),
                    }, WriteVerbose);
                    var seeder = session.Get<ISandboxSeeder>(estate.PrimaryRegion);
                    var result = RunWithProgress(progress => seeder.SeedAsync(estate, progress, CancellationToken));
                    sandbox.Applications = result.Applications;
                    sandbox.Ec2Instances = result.Ec2Instances;
                    sandbox.EbsVolumes = result.EbsVolumes;
                    sandbox.EbsDeclaredGiB = result.EbsDeclaredGiB;
                    sandbox.RdsInstances = result.RdsInstances;
                    sandbox.RdsDeclaredGiB = result.RdsDeclaredGiB;
                    sandbox.KmsKeys = result.KmsKeys;
                    sandbox.Buckets = result.Buckets;
                    sandbox.Secrets = result.Secrets;
                    sandbox.BackupVaults = result.BackupVaults;
                    sandbox.Created = result.Created;
                    sandbox.KmsKeyArns = result.KmsKeyArns;
                }
                catch (FinBackupException ex)
                {
                    CompleteFinProgress(ProgressId, Activity);
                    ThrowFinError(new FinBackupException("FinSandboxSeedFailed", FinErrorIds.KindOf("FinSandboxSeedFailed"), "Seeding the sandbox failed: " + ex.Message,
                        "Run Stop-FinSandbox, then Start-FinSandbox again. Check that the moto version supports the services (moto 5.x).", ex), sandbox.EndpointUrl);
                }
            }

            SessionDefaultsStore.Set(SessionState, new FinSessionDefaults { Region = estate.PrimaryRegion, EndpointUrl = sandbox.EndpointUrl });
            SandboxStore.Set(SessionState, sandbox);
            SandboxRegistry.Save(sandbox, seeded || !SkipSeed);
            CompleteFinProgress(ProgressId, Activity);
            WriteObject(sandbox);
        }

        private static bool IsRunning(FinSandbox s) =>
            s != null && s.StartedByFinBackup && s.ProcessId.HasValue && IsAlive(s) && SandboxBridge.IsReady(s.EndpointUrl);

        private static bool IsAlive(FinSandbox s)
        {
            var p = SandboxBridge.Find(s.ProcessId.Value, s.ProcessStartTime);
            if (p == null) return false;
            p.Dispose();
            return true;
        }

        /// <summary>
        /// A sandbox whose shell has exited without Stop-FinSandbox (on the asked port, when -Port was given) and that answers.
        /// A record is forgotten only when its moto_server has exited; one that is slow to answer (a loaded machine) is asked
        /// again before it is passed over, and -Verbose says why each one was not reused.
        /// </summary>
        private SandboxRegistry.Record LeftByEarlierShell()
        {
            var candidates = SandboxRegistry.Live(s => s.ProcessId.HasValue && IsAlive(s))
                .OrderByDescending(r => r.Sandbox.ProcessStartTime)
                .ToList();
            foreach (var r in candidates)
            {
                var what = $"The sandbox at {r.Sandbox.EndpointUrl} (moto_server process {r.Sandbox.ProcessId})";
                if (!r.Orphaned)
                {
                    WriteVerbose($"{what} belongs to a shell that is still running (process {r.OwnerProcessId}): not reused.");
                    continue;
                }
                if (Port != 0 && !(Uri.TryCreate(r.Sandbox.EndpointUrl, UriKind.Absolute, out var u) && u.Port == Port))
                {
                    WriteVerbose($"{what} is not on port {Port}: not reused.");
                    continue;
                }
                if (AnswersWithin(r.Sandbox.EndpointUrl, 3)) return r;
                WriteVerbose($"{what} was left by an earlier shell but did not answer {r.Sandbox.EndpointUrl.TrimEnd('/')}/moto-api/ three times: not reused.");
            }
            return null;
        }

        private bool AnswersWithin(string endpointUrl, int attempts)
        {
            for (var i = 1; i <= attempts; i++)
            {
                if (SandboxBridge.IsReady(endpointUrl)) return true;
                if (i < attempts && CancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(500))) return false;
            }
            return false;
        }

        /// <summary>-Force: stop this session's sandbox and every one an earlier shell left, so the new one starts clean.</summary>
        private void StopForReplacement(FinSandbox existing)
        {
            var toStop = SandboxRegistry.Live(s => s.ProcessId.HasValue && IsAlive(s)).Where(r => r.Orphaned).Select(r => r.Sandbox).ToList();
            if (existing != null && existing.StartedByFinBackup && existing.ProcessId.HasValue) toStop.Add(existing);
            foreach (var s in toStop)
            {
                var process = SandboxBridge.Find(s.ProcessId.Value, s.ProcessStartTime);
                if (process != null)
                {
                    using (process) SandboxBridge.TryStop(process);
                    WriteVerbose($"-Force: stopped the sandbox at {s.EndpointUrl} (moto_server process {s.ProcessId}).");
                }
                SandboxRegistry.Forget(s);
            }
            if (existing != null) SessionDefaultsStore.Clear(SessionState);
        }

        private static void CopyCounts(FinSandbox from, FinSandbox to)
        {
            to.Applications = from.Applications;
            to.Ec2Instances = from.Ec2Instances;
            to.EbsVolumes = from.EbsVolumes;
            to.EbsDeclaredGiB = from.EbsDeclaredGiB;
            to.RdsInstances = from.RdsInstances;
            to.RdsDeclaredGiB = from.RdsDeclaredGiB;
            to.KmsKeys = from.KmsKeys;
            to.Buckets = from.Buckets;
            to.Secrets = from.Secrets;
            to.BackupVaults = from.BackupVaults;
            to.KmsKeyArns = new System.Collections.Generic.Dictionary<string, string>(from.KmsKeyArns ?? new System.Collections.Generic.Dictionary<string, string>());
            to.Created = 0;
        }

        private static void CopyProcess(FinSandbox from, FinSandbox to)
        {
            to.ProcessId = from.ProcessId;
            to.ProcessStartTime = from.ProcessStartTime;
            to.StartedByFinBackup = from.StartedByFinBackup;
        }

        /// <summary>Run async work while writing its progress messages from the pipeline thread (WriteProgress must not be called from others).</summary>
        private T RunWithProgress<T>(Func<Action<string>, Task<T>> work)
        {
            using (var messages = new BlockingCollection<string>())
            {
                var step = 0;
                var task = Task.Run(() => work(m => { try { messages.Add(m); } catch (InvalidOperationException) { } }));
                task.ContinueWith(_ => messages.CompleteAdding(), TaskScheduler.Default);
                foreach (var message in messages.GetConsumingEnumerable())
                {
                    step++;
                    WriteFinProgress(ProgressId, Activity, "Seeding the estate", Math.Min(95, 10 + step * 3), message);
                }
                return task.GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>Stops the sandbox Start-FinSandbox started (an attached endpoint only with -Force) and clears the session defaults that point at it.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "FinSandbox", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FinSandbox))]
    public sealed class StopFinSandboxCommand : FinCmdlet
    {
        /// <summary>The sandbox to stop (default: the one started in this session).</summary>
        [Parameter(ValueFromPipeline = true)]
        public FinSandbox InputObject { get; set; }

        /// <summary>Also stop a moto_server that Start-FinSandbox attached to but did not start.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var sandbox = InputObject ?? SandboxStore.Get(SessionState);
            if (sandbox == null)
            {
                WriteFinError(new FinBackupException("FinSandboxNotRunning", FinErrorKind.ObjectNotFound,
                    "No FinBackup sandbox is running in this session.", "Start one with Start-FinSandbox."), null);
                return;
            }
            if (!ShouldProcess(sandbox.EndpointUrl, "Stop the FinBackup sandbox and clear the session defaults that point at it")) return;

            if (sandbox.ProcessId.HasValue && (sandbox.StartedByFinBackup || Force))
            {
                var process = SandboxBridge.Find(sandbox.ProcessId.Value, sandbox.ProcessStartTime);
                if (process == null)
                {
                    WriteVerbose($"moto_server process {sandbox.ProcessId} has already exited.");
                }
                else
                {
                    using (process)
                    {
                        SandboxBridge.TryStop(process);
                        WriteVerbose($"Stopped moto_server process {sandbox.ProcessId}.");
                    }
                }
                SandboxRegistry.Forget(sandbox);
            }
            else
            {
                WriteVerbose(Force
                    ? $"The emulator at {sandbox.EndpointUrl} was attached, not started, and its process is unknown; it is left running."
                    : $"The emulator at {sandbox.EndpointUrl} was attached, not started by Start-FinSandbox; it is left running (use -Force to stop one FinBackup started).");
            }

            var defaults = SessionDefaultsStore.Get(SessionState);
            if (defaults != null && string.Equals(defaults.EndpointUrl, sandbox.EndpointUrl, StringComparison.OrdinalIgnoreCase))
            {
                SessionDefaultsStore.Clear(SessionState);
            }
            var current = SandboxStore.Get(SessionState);
            if (current != null && current.EndpointUrl == sandbox.EndpointUrl) SandboxStore.Clear(SessionState);
            if (PassThru) WriteObject(sandbox);
        }
    }
}
