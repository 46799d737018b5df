#!/usr/bin/env bash
# Makes a stand-in for pwsh as Microsoft packages it, from the dotnet global tool (issue 14's bench).
#   bash bench/files/make-packaged-pwsh.sh [tool-dir] [out-dir]    (defaults /tmp/pwsh-perf, /tmp/pwsh-packaged)
# Why: the official PowerShell packages (deb, rpm, tar.gz, MSI) ship ReadyToRun (crossgen'd) assemblies
# (PowerShell/PowerShell#12361); the `dotnet tool install PowerShell` package, the only pwsh NuGet serves here, ships
# IL only, so every run JIT-compiles ~6,800 methods of PowerShell itself before the first command (1.3 s CPU for
# `pwsh -c 1` here). This script precompiles PowerShell's own assemblies of the tool with crossgen2 (the SDK's
# Crossgen2 package, restored by building tools/FinBackup.ReadyToRun) into a copy, started by its own apphost.
# Nothing of FinBackup is touched. The bench runs FinBackup under both (PWSH=...).
set -euo pipefail
TOOL="${1:-/tmp/pwsh-perf}"; OUT="${2:-/tmp/pwsh-packaged}"
src="$(dirname "$(find "$TOOL/.store" -path '*/tools/net*/any/unix/pwsh.dll' | head -1)")"
[ -f "$src/pwsh.dll" ] || { echo "no pwsh tool under $TOOL (dotnet tool install PowerShell --version 7.6.9 --tool-path $TOOL)" >&2; exit 1; }
cg="$(ls -d "$HOME"/.nuget/packages/microsoft.netcore.app.crossgen2.linux-x64/*/tools/crossgen2 2>/dev/null | sort -V | tail -1)"
[ -x "$cg" ] || { echo "no crossgen2: build tools/FinBackup.ReadyToRun first (dotnet build FinBackup.sln -c Release)" >&2; exit 1; }
fx="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" {v=$2; p=$3} END {gsub(/[][]/, "", p); print p "/" v}')"
[ -f "$fx/System.Private.CoreLib.dll" ] || { echo "no .NET runtime found by dotnet --list-runtimes ($fx)" >&2; exit 1; }
rm -rf "$OUT"; cp -r "$src" "$OUT"
for a in System.Management.Automation Microsoft.PowerShell.ConsoleHost Microsoft.PowerShell.Commands.Utility \
         Microsoft.PowerShell.Commands.Management Microsoft.PowerShell.Security Microsoft.PowerShell.SDK pwsh \
         Newtonsoft.Json Microsoft.ApplicationInsights System.Management Microsoft.PowerShell.MarkdownRender; do
  [ -f "$src/$a.dll" ] || continue
  "$cg" "$src/$a.dll" -o "$OUT/$a.dll" -r "$fx/*.dll" -r "$src/*.dll" --targetos:linux --targetarch:x64 -O > /dev/null
done
chmod +x "$OUT/pwsh"
echo "$OUT/pwsh: $("$OUT/pwsh" -NoProfile -c '$PSVersionTable.PSVersion.ToString()') (PowerShell's assemblies precompiled)"
