#!/bin/sh
# finbackup-run.sh WINDOW COMMAND...
#
# Runs one FinBackup window (the cycle of an application, or a file set) under a per-window lock, for hosts
# scheduled by systemd timers or cron instead of EventBridge Scheduler. Two runs of the same window never overlap:
# the second finds the lock held and exits 0 without doing anything (the running one covers the window).
# The lock is flock(1) on a file descriptor: the kernel releases it when the process exits, however it exits
# (crash, kill -9, reboot), so a crashed run cannot hold it. --timeout bounds a hung run (default 55 minutes).
#
#   finbackup-run.sh cycle-cross-sell pwsh -NoProfile -NonInteractive -File /opt/finbackup/run-window.ps1 -Application 'Cross-sell'
set -eu
window="$1"; shift
case "$window" in *[!A-Za-z0-9._-]*|'') echo "finbackup-run: bad window name '$window'" >&2; exit 2 ;; esac
lockdir="${FINBACKUP_LOCK_DIR:-/run/lock/finbackup}"
mkdir -p "$lockdir"
exec 9>"$lockdir/$window.lock"
if ! flock -n 9; then
    echo "finbackup-run: window '$window' is already running; skipping this start." >&2
    exit 0
fi
# A scheduled run is one short process: the runtime's tiered compilation (tier-0 code, then instrumented and optimised
# re-compilations of what turns hot) spends more CPU than it saves before the process exits. Compiling each method once,
# optimised, cut FinBackup's CPU in bench/files (README "Runtime settings"). Set it yourself to override.
export DOTNET_TieredCompilation="${DOTNET_TieredCompilation:-0}"
exec timeout --kill-after=60 "${FINBACKUP_TIMEOUT:-55m}" "$@"
