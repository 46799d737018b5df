#!/usr/bin/env bash
# Import time of the built module in real PowerShell (the local tool, dotnet pwsh 7.6.9): median of N cold pwsh
# processes (default 5).
# Prints each run's Import-Module time (measured inside the engine) and the whole process's wall time.
# Usage: bash bench/import-time.sh [runs]   (after: dotnet tool restore && dotnet build FinBackup.sln -c Release)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
imports=(); walls=()
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  ms=$(NO_COLOR=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off dotnet pwsh -NoProfile -NonInteractive -Command '$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module ./out/FinBackup/FinBackup.psd1; $null = Get-Command -Module FinBackup; [int]$sw.Elapsed.TotalMilliseconds' | tail -1)
  end=$(date +%s%N)
  imports+=("$ms"); walls+=($(( (end - start) / 1000000 )))
  echo "run $i: Import-Module ${ms} ms, process ${walls[-1]} ms"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "median of $runs: Import-Module $(median "${imports[@]}") ms, whole process $(median "${walls[@]}") ms"
