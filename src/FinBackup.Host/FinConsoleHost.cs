using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace FinBackup.Host;

/// <summary>A minimal console PSHost: enough for Out-Default, Write-Progress, -Verbose, -Confirm and Read-Host.</summary>
internal sealed class FinConsoleHost : PSHost
{
    private readonly FinConsoleUI _ui = new();
    private readonly Guid _id = Guid.NewGuid();

    public int? ExitCode { get; private set; }
    public override string Name => "FinBackup.Host";
    public override Version Version => typeof(FinConsoleHost).Assembly.GetName().Version ?? new Version(0, 1);
    public override Guid InstanceId => _id;
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
    public override void EnterNestedPrompt() => throw new NotSupportedException("finps has no nested prompt.");
    public override void ExitNestedPrompt() => throw new NotSupportedException("finps has no nested prompt.");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}

internal sealed class FinConsoleUI : PSHostUserInterface
{
    private readonly FinRawUI _raw = new();
    private static readonly bool Ansi = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") == null;
    private int _lastProgressLength;

    public override PSHostRawUserInterface RawUI => _raw;

    private static readonly System.Text.RegularExpressions.Regex AnsiEscape = new(@"\u001b\[[0-9;?]*[A-Za-z]", System.Text.RegularExpressions.RegexOptions.Compiled);

    /// <summary>Plain text when redirected or NO_COLOR is set: the engine's formatter emits ANSI for list labels regardless.</summary>
    private static string Plain(string value) => Ansi || value is null ? value ?? string.Empty : AnsiEscape.Replace(value, string.Empty);

    public override void Write(string value) => Console.Out.Write(Plain(value));
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Console.Out.Write(Plain(value));
    public override void WriteLine(string value) { ClearProgress(); Console.Out.WriteLine(Plain(value)); }
    public override void WriteErrorLine(string value) { ClearProgress(); Console.Error.WriteLine(Color(Plain(value), "31")); }
    public override void WriteDebugLine(string message) { ClearProgress(); Console.Error.WriteLine(Color("DEBUG: " + message, "33")); }
    public override void WriteVerboseLine(string message) { ClearProgress(); Console.Error.WriteLine(Color("VERBOSE: " + message, "33")); }
    public override void WriteWarningLine(string message) { ClearProgress(); Console.Error.WriteLine(Color("WARNING: " + message, "33")); }

    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        if (record.RecordType == ProgressRecordType.Completed)
        {
            ClearProgress();
            return;
        }
        var pct = record.PercentComplete >= 0 ? $" {record.PercentComplete,3}%" : string.Empty;
        var line = $"{record.Activity}:{pct} {record.StatusDescription} {record.CurrentOperation}".TrimEnd();
        if (Console.IsErrorRedirected)
        {
            return; // no progress noise in logs; Completed records and results still flow
        }
        var width = Math.Max(20, _raw.BufferSize.Width - 1);
        if (line.Length > width) line = line[..width];
        Console.Error.Write("\r" + line.PadRight(Math.Max(line.Length, _lastProgressLength)));
        _lastProgressLength = line.Length;
    }

    private void ClearProgress()
    {
        if (_lastProgressLength == 0) return;
        Console.Error.Write("\r" + new string(' ', _lastProgressLength) + "\r");
        _lastProgressLength = 0;
    }

    private static string Color(string s, string code) => Ansi ? $"\u001b[{code}m{s}\u001b[0m" : s;

    public override string ReadLine() => Console.ReadLine() ?? string.Empty;

    public override SecureString ReadLineAsSecureString()
    {
        var s = new SecureString();
        foreach (var c in Console.ReadLine() ?? string.Empty) s.AppendChar(c);
        s.MakeReadOnly();
        return s;
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions)
    {
        var result = new Dictionary<string, PSObject>();
        if (!string.IsNullOrEmpty(caption)) WriteLine(caption);
        if (!string.IsNullOrEmpty(message)) WriteLine(message);
        foreach (var d in descriptions)
        {
            Write($"{d.Name}: ");
            result[d.Name] = PSObject.AsPSObject(ReadLine());
        }
        return result;
    }

    public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice)
    {
        if (Console.IsInputRedirected && Console.In.Peek() < 0)
        {
            throw new PSInvalidOperationException($"{caption}: {message} - no console to confirm on. Use -Confirm:$false to proceed or -WhatIf to preview.");
        }
        WriteLine(caption);
        WriteLine(message);
        var labels = choices.Select((c, i) => $"[{c.Label.Replace("&", "")}]").ToArray();
        while (true)
        {
            Write(string.Join(" ", labels) + $" (default is \"{choices[Math.Max(0, defaultChoice)].Label.Replace("&", "")}\"): ");
            var answer = (Console.ReadLine() ?? string.Empty).Trim();
            if (answer.Length == 0) return defaultChoice;
            for (int i = 0; i < choices.Count; i++)
            {
                var label = choices[i].Label;
                var hot = label.IndexOf('&');
                var key = hot >= 0 && hot + 1 < label.Length ? label[hot + 1].ToString() : label[..1];
                if (answer.Equals(key, StringComparison.OrdinalIgnoreCase) || answer.Equals(label.Replace("&", ""), StringComparison.OrdinalIgnoreCase)) return i;
            }
        }
    }

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
    {
        WriteLine(caption);
        WriteLine(message);
        if (string.IsNullOrEmpty(userName)) { Write("User: "); userName = ReadLine(); }
        Write("Password: ");
        return new PSCredential(userName, ReadLineAsSecureString());
    }
}

internal sealed class FinRawUI : PSHostRawUserInterface
{
    private static int Width()
    {
        try { return Console.IsOutputRedirected ? 160 : Math.Max(80, Console.WindowWidth); } catch { return 160; }
    }

    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override Size BufferSize { get => new(Width(), 9999); set { } }
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; } = 1;
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize => new(Width(), 100);
    public override Size MaxWindowSize => new(Width(), 100);
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get => new(Width(), 50); set { } }
    public override string WindowTitle { get; set; } = "finps";
    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => new BufferCell[0, 0];
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("finps cannot read single keys.");
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}
