using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests;

/// <summary>The result of running a script in the hosted engine: output objects, error records, other streams.</summary>
public sealed record ScriptResult(
    Collection<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Verbose,
    IReadOnlyList<ProgressRecord> Progress,
    RuntimeException? Terminating)
{
    public IEnumerable<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>();
    public object? First => Output.FirstOrDefault()?.BaseObject;
}

/// <summary>
/// A fresh runspace with the BUILT module (out/FinBackup) imported, as an admin would have it.
/// One per test (runspaces are cheap once the engine is warm).
/// </summary>
public sealed class ModuleHost : IDisposable
{
    private readonly Runspace _runspace;

    public ModuleHost(bool importModule = true)
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        var iss = InitialSessionState.CreateDefault2();
        _runspace = RunspaceFactory.CreateRunspace(iss);
        _runspace.Open();
        if (importModule)
        {
            var r = Run($"Import-Module '{RepoPaths.ModuleManifest}' -ErrorAction Stop");
            if (r.Terminating != null || r.Errors.Count > 0)
                throw new InvalidOperationException("Import-Module failed: " + (r.Terminating?.Message ?? r.Errors[0].ToString()));
        }
    }

    public ScriptResult Run(string script, IDictionary<string, object?>? variables = null)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        if (variables != null)
        {
            foreach (var (k, v) in variables) _runspace.SessionStateProxy.SetVariable(k, v);
        }
        ps.AddScript(script);
        Collection<PSObject> output = new();
        RuntimeException? terminating = null;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            terminating = ex;
        }
        return new ScriptResult(
            output,
            ps.Streams.Error.ToList(),
            ps.Streams.Warning.Select(w => w.Message).ToList(),
            ps.Streams.Verbose.Select(v => v.Message).ToList(),
            ps.Streams.Progress.ToList(),
            terminating);
    }

    public void Dispose() => _runspace.Dispose();
}
