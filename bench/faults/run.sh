#!/usr/bin/env bash
# Fault-injection bench (issue 13). Usage, from anywhere:
#   bench/faults/run.sh -Cycles 100 -FaultRate 0.2 -Seed 1 [-Frequency 60] [-Retention 180] [-CleanRuns 2] [-Pause 0]
# Needs: the built module (dotnet build FinBackup.sln -c Release), moto_server and aws on PATH.
# Exit code: 0 when every count that must be 0 is 0, 1 otherwise, 2 on bad arguments.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export AWS_EC2_METADATA_DISABLED=true
if [ ! -f "$root/out/FinBackup/FinBackup.psd1" ]; then
  dotnet build "$root/FinBackup.sln" -c Release
fi
dotnet build "$here/FinBackup.Bench.Faults/FinBackup.Bench.Faults.csproj" -c Release -o "$root/out/bench-faults" >/dev/null
exec dotnet "$root/out/bench-faults/FinBackup.Bench.Faults.dll" "$@"
