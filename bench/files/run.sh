#!/usr/bin/env bash
# File backup/restore benchmark, as users run it (issue 14). NOT run by CI: slow (minutes), needs moto_server, aws, pwsh,
# restic, rclone, /usr/bin/time. One command:
#   bash bench/files/run.sh [workdir]            (default workdir /tmp/finbench; after dotnet build FinBackup.sln -c Release)
# FinBackup runs as a user runs it: pwsh -NoProfile -c "Import-Module out/FinBackup; Backup-FinFile ..." and
# "Get-FinRecoveryPoint ... | Invoke-FinRestore ...", side by side with restic (backup, no-change re-run, restore of the
# whole snapshot, to an S3 repository on the same moto), and with aws s3 sync / rclone copy (backup only), then a single
# big file backed up and restored (FinBackup and restic). Each measured run: CPU (user+sys), wall, peak RSS
# (/usr/bin/time -v). FinBackup's memory share = its peak RSS minus a bare `pwsh -NoProfile -c 1`'s.
# Runs are interleaved A B A B (or A B B A, ORDER=alternate): REPEAT=2 (default) runs every FinBackup/restic pair twice,
# so the spread shows. The data set is read once, unmeasured, before the pairs: every pair reads it from the page cache.
# Env knobs:
#   REPEAT=2          pairs per run type (A B A B ...)
#   PHASES="main big" which phases to run (main = the data set; big = the single big file)
#   BIG_GIB=4         size of the single file (GiB)
#   SYNC_PEERS="aws-s3-sync rclone"  backup-only peers, run once each ("" skips them)
#   LARGE=16 SMALL=50000             data set: LARGE x 64 MiB + SMALL x 2 KiB
#   PWSH=...          pwsh to use (default /tmp/pwsh-packaged/pwsh, made by make-packaged-pwsh.sh from the dotnet-tool
#                     pwsh in /tmp/pwsh-perf: PowerShell precompiled as Microsoft's packages ship it; else pwsh on PATH)
#   PEER_TIMEOUT=900  seconds before a run is abandoned
#   ORDER=fixed       who goes first in a pair: fixed = FinBackup in every pair (A B A B); alternate = FinBackup first in
#                     odd pairs, the peer first in even ones (A B B A), to see or cancel what running first costs
#   FIN_ENV=""        VAR=value pairs set for FinBackup's pwsh and the bare pwsh only, e.g. FIN_ENV="DOTNET_TieredCompilation=0"
#                     (what examples/schedule/finbackup-run.sh sets for scheduled runs: see the README "Runtime settings")
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
WORK="${1:-/tmp/finbench}"
REPEAT="${REPEAT:-2}"
PHASES="${PHASES:-main big}"
BIG_GIB="${BIG_GIB:-4}"
SYNC_PEERS="${SYNC_PEERS-aws-s3-sync rclone}"
LARGE="${LARGE:-16}"
SMALL="${SMALL:-50000}"
PEER_TIMEOUT="${PEER_TIMEOUT:-900}"
ORDER="${ORDER:-fixed}"
case "$ORDER" in fixed|alternate) ;; *) echo "ORDER must be fixed or alternate, not '$ORDER'" >&2; exit 2 ;; esac
PORT="${PORT:-5631}"
EP="http://127.0.0.1:$PORT"
# pwsh: by default a stand-in for pwsh as Microsoft packages it (ReadyToRun, see make-packaged-pwsh.sh), made from the
# dotnet-tool pwsh in /tmp/pwsh-perf when missing; PWSH=/tmp/pwsh-perf/pwsh measures under the IL-only tool itself.
if [ -z "${PWSH:-}" ]; then
  if [ ! -x /tmp/pwsh-packaged/pwsh ] && [ -x /tmp/pwsh-perf/pwsh ]; then bash "$HERE/make-packaged-pwsh.sh" /tmp/pwsh-perf /tmp/pwsh-packaged >&2 || true; fi
  if [ -x /tmp/pwsh-packaged/pwsh ]; then PWSH=/tmp/pwsh-packaged/pwsh; elif [ -x /tmp/pwsh-perf/pwsh ]; then PWSH=/tmp/pwsh-perf/pwsh; else PWSH=pwsh; fi
fi
MODULE="${MODULE:-$REPO/out/FinBackup}"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off DOTNET_CLI_TELEMETRY_OPTOUT=1
export FINBACKUP_CACHE_DIR="$WORK/fin-cache" RESTIC_CACHE_DIR="$WORK/restic-cache" RESTIC_PASSWORD=bench
RUNID="$(date -u +%H%M%S)"
RESULTS="$WORK/results-$RUNID.tsv"
mkdir -p "$WORK"
DATA="$WORK/data-$LARGE-$SMALL"
BIG="$WORK/big-$BIG_GIB"

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
for tool in moto_server aws restic /usr/bin/time "$PWSH"; do command -v "$tool" > /dev/null || { echo "missing: $tool" >&2; exit 1; }; done
[ -f "$MODULE/FinBackup.psd1" ] || { echo "build first: dotnet build FinBackup.sln -c Release (no $MODULE)" >&2; exit 1; }

make_data() {
  if [ -f "$DATA/.complete" ]; then return; fi
  rm -rf "$DATA"; mkdir -p "$DATA/large" "$DATA/small"
  log "generating $LARGE x 64 MiB + $SMALL x 2 KiB in $DATA"
  for i in $(seq -w 1 "$LARGE"); do head -c $((64 << 20)) /dev/urandom > "$DATA/large/file-$i.bin"; done
  python3 - "$DATA/small" "$SMALL" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = f"{root}/d{i // 1000:02d}"
    if i % 1000 == 0: os.makedirs(d, exist_ok=True)
    with open(f"{d}/f{i % 1000:04d}.dat", "wb") as f: f.write(os.urandom(2048))
PY
  touch "$DATA/.complete"
}

make_big() {
  if [ -f "$BIG/.complete" ]; then return; fi
  rm -rf "$BIG"; mkdir -p "$BIG/src"
  log "generating one $BIG_GIB GiB file"
  head -c $((BIG_GIB << 30)) /dev/urandom > "$BIG/src/one.bin"
  touch "$BIG/.complete"
}

start_moto() {
  log "starting moto_server on $EP"
  moto_server -H 127.0.0.1 -p "$PORT" > "$WORK/moto.log" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 150); do curl -s "$EP/moto-api/" > /dev/null && return; sleep 0.2; done
  echo "moto did not start" >&2; exit 1
}
reset_moto() { curl -s -X POST "$EP/moto-api/reset" > /dev/null; }
stop_moto() { if [ -n "${MOTO_PID:-}" ]; then kill "$MOTO_PID" 2>/dev/null; wait "$MOTO_PID" 2>/dev/null; fi; }
trap stop_moto EXIT

# Pages the kernel reclaimed in the allocating process's own time (any process: the machine was short of free memory).
direct_reclaim_pages() { awk '/^pgsteal_direct / {print $2}' /proc/vmstat; }
# measure <tool> <run> <rep> <command...>: appends tool, run, rep, cpu s, wall s, peak MB, exit, load1, user s, system s
# and MB reclaimed directly (by any process) during the run to the results.
measure() {
  local tool="$1" run="$2" rep="$3"; shift 3
  local tv="$WORK/time-$tool-$run-$rep.txt" load reclaim0 reclaim1
  load=$(cut -d' ' -f1 /proc/loadavg)
  reclaim0=$(direct_reclaim_pages)
  log "$tool / $run / $rep (load $load): ${*: -1}"
  timeout "$PEER_TIMEOUT" /usr/bin/time -v "$@" > "$WORK/out-$tool-$run-$rep.txt" 2> "$tv"
  local rc=$?
  reclaim1=$(direct_reclaim_pages)
  local user sys wall rss
  user=$(awk -F': ' '/User time/ {print $2}' "$tv"); sys=$(awk -F': ' '/System time/ {print $2}' "$tv")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tv" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
  [ "$rc" = 124 ] && log "$tool / $run: timed out after ${PEER_TIMEOUT}s"
  [ "$rc" != 0 ] && { log "$tool / $run / $rep exited $rc:"; tail -n 5 "$WORK/out-$tool-$run-$rep.txt" >&2; grep -v '^\s' "$tv" | tail -n 5 >&2; }
  printf "%s\t%s\t%s\t%.2f\t%.2f\t%.0f\t%s\t%s\t%.2f\t%.2f\t%s\n" "$tool" "$run" "$rep" "$(echo "${user:-0} + ${sys:-0}" | bc)" "${wall:-0}" \
    "$(echo "${rss:-0} / 1024" | bc)" "$rc" "$load" "${user:-0}" "${sys:-0}" "$(( (reclaim1 - reclaim0) * 4 / 1024 ))" >> "$RESULTS"
}

bucket() { aws --endpoint-url "$EP" s3api create-bucket --bucket "$1" > /dev/null; }
# Restores go to new directories, never to one just emptied: on an ext4 without a journal (this machine's /), every
# file created in the 30 s after a large delete scans the recently deleted inodes (the kernel's recently_deleted()),
# so a restore measured right after `rm -rf` of the previous one pays for that delete (perf: 60 % of the samples in
# ext4_create -> recently_deleted; a 50,000-file restore's sys time 7.4 s -> 18.8 s). A real restore goes to a fresh
# volume. Leftovers of earlier runs are removed at the start, then a 90 s pause (round 9: 35 s was not enough after a
# 10 GB, 100,000-file delete on this machine; a restore 80 s after it still paid 2x its system time, restic's as well).
RESTORES="$WORK/restores-$RUNID"
clear_old_restores() {
  local old=(-maxdepth 1 \( -name 'restores-*' -o -name 'restore-fin' -o -name 'restore-restic' \))
  if [ -n "$(find "$WORK" "${old[@]}" -print -quit 2>/dev/null)" ]; then
    log "removing earlier restores, then 90 s for ext4 to forget them"
    find "$WORK" "${old[@]}" -exec rm -rf {} +; sync; sleep 90
  fi
}
# RESTORE_FS=loop (the default where this runs as root with losetup and mkfs.ext4): every restore goes to a new, empty
# ext4 file system of its own (a loop-mounted image, initialised before it is mounted), as a real restore goes to a
# fresh volume. Round 10 found the pause above is not enough: ext4 counts an inode as recently deleted for 6 minutes,
# not 1, while its inode-table block is dirty, and creating files next to the deleted ones dirties those blocks again;
# 50,000-file restores measured 3-4 minutes after a delete paid 23-34 s of system time instead of 4-5 (restic 10 instead
# of 7-8). RESTORE_FS=dir restores into directories of $WORK as before.
if [ -z "${RESTORE_FS:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v losetup > /dev/null && command -v mkfs.ext4 > /dev/null; then RESTORE_FS=loop; else RESTORE_FS=dir; fi
fi
MOUNTS=()
unmount_restores() { for m in "${MOUNTS[@]}"; do umount "$m" 2> /dev/null && rm -f "$m.img"; done; MOUNTS=(); }
# One EXIT trap for both (a second `trap ... EXIT` replaces the first: moto used to be left running, holding gigabytes).
trap 'unmount_restores; stop_moto' EXIT
# release_dir dir: a measured restore's file system unmounted and its image removed once it has been checked, so every
# restore (each tool, each rep) starts with the same memory: left mounted to the end, every earlier restore kept 1-2 GB of
# page cache (its files and its image's) and the second rep's system time doubled for both tools (round 12: FinBackup
# 2.9 -> 6.9 s, restic 4.5 -> 8.0 s). One image file is removed, not a tree of files, so no ext4 delete penalty follows.
release_dir() {
  local keep=() m
  for m in "${MOUNTS[@]}"; do if [ "$m" = "$1" ]; then umount "$m" 2> /dev/null && rm -f "$m.img"; else keep+=("$m"); fi; done
  MOUNTS=("${keep[@]}")
}
fresh_dir() { # dir [size-GiB]
  mkdir -p "$1"
  if [ "$RESTORE_FS" = loop ]; then
    truncate -s "${2:-3}G" "$1.img"
    mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$1.img" && mount -o loop "$1.img" "$1" && MOUNTS+=("$1") ||
      { log "could not mount a fresh file system on $1; restoring into the directory"; rm -f "$1.img"; }
  fi
  sync
}

# FinBackup, as a user runs it (one pwsh per run, including its start and the module import): the script to run.
PS_HEAD="\$ErrorActionPreference='Stop'; \$PSStyle.OutputRendering='PlainText'; \$ProgressPreference='SilentlyContinue'; Import-Module '$MODULE/FinBackup.psd1';"
fin_backup() { # bucket app path
  echo "$PS_HEAD Backup-FinFile -Path '$3' -Application '$2' -Bucket '$1' -KmsKeyId alias/fin-backup -EndpointUrl '$EP' -Region us-east-1 -Summary | Select-Object -Last 1 | Format-List Files,FilesUnchanged,FilesFailed,BytesUploaded,ObjectsPut,Duration"
}
fin_restore() { # app dest
  echo "$PS_HEAD Get-FinRecoveryPoint -Application '$1' -Kind FileBackup -Latest -EndpointUrl '$EP' -Region us-east-1 | Invoke-FinRestore -Destination '$2' -Confirm:\$false -EndpointUrl '$EP' -Region us-east-1 | Format-List Status,FilesRestored,FilesFailed,BytesRestored,Duration"
}
FIN_ENV="${FIN_ENV:-}"
# shellcheck disable=SC2206 # FIN_ENV is a list of VAR=value words
FIN=(env $FIN_ENV "$PWSH" -NoProfile -NonInteractive -c)
restic_repo() { echo "s3:$EP/$1"; }
pair() { # k finbackup-function peer-function: one pair, in the order ORDER gives pair k
  if [ "$ORDER" = alternate ] && [ $(( $1 % 2 )) -eq 0 ]; then "$3" "$1"; "$2" "$1"; else "$2" "$1"; "$3" "$1"; fi
}

printf "tool\trun\trep\tcpu_s\twall_s\tpeak_MB\texit\tload1\tuser_s\tsys_s\tdirect_reclaim_MB\n" > "$RESULTS"
# Memory: moto holds every uploaded object in RAM (a main run about 5 GB, the big phase 16 GB more). Another moto or
# anything large left running squeezes the page cache, and the restores then pay for reclaim in system time (seen: a
# 50,000-file restore at 34 s of system time instead of 4 with 8 GB held by a leftover moto).
avail_mb=$(awk '/MemAvailable/ {print int($2/1024)}' /proc/meminfo)
if [ "$avail_mb" -lt 20000 ] && echo " $PHASES " | grep -q ' big '; then log "WARNING: only $avail_mb MB available; the big phase needs about 20 GB free for honest restores"; fi
if [ "$avail_mb" -lt 8000 ]; then log "WARNING: only $avail_mb MB available; restores will pay for page reclaim"; fi
log "machine: $(nproc) cores; load $(cat /proc/loadavg); memory available ${avail_mb} MB; RESTORE_FS=$RESTORE_FS; ORDER=$ORDER; FIN_ENV='$FIN_ENV'; pwsh $("$PWSH" -NoProfile -c '$PSVersionTable.PSVersion.ToString()') ($PWSH); restic $(restic version | awk '{print $2}')"
clear_old_restores
start_moto

# A bare pwsh: the floor under FinBackup's memory and start-up.
# shellcheck disable=SC2086
for k in $(seq 1 "$REPEAT"); do measure pwsh-bare start "$k" env $FIN_ENV "$PWSH" -NoProfile -c 1; done

if [[ " $PHASES " == *" main "* ]]; then
  make_data
  for k in $(seq 1 "$REPEAT"); do
    bucket "fin-$k"; bucket "restic-$k"
    RESTIC_REPOSITORY="$(restic_repo "restic-$k")" restic init > /dev/null 2>&1 || log "restic init failed"
  done
  # Every pair reads the data set from the page cache, the first one too: read it all once, unmeasured.
  log "reading the data set once (page cache)"; find "$DATA" -type f -exec cat {} + > /dev/null
  fin_full() { measure finbackup full "$1" "${FIN[@]}" "$(fin_backup "fin-$1" "Bench$1" "$DATA")"; }
  restic_full() { RESTIC_REPOSITORY="$(restic_repo "restic-$1")" measure restic full "$1" restic backup --quiet "$DATA"; }
  fin_nochange() { measure finbackup nochange "$1" "${FIN[@]}" "$(fin_backup "fin-$1" "Bench$1" "$DATA")"; }
  restic_nochange() { RESTIC_REPOSITORY="$(restic_repo "restic-$1")" measure restic nochange "$1" restic backup --quiet "$DATA"; }
  fin_restore_checked() {
    fresh_dir "$RESTORES/fin-$1"; measure finbackup restore "$1" "${FIN[@]}" "$(fin_restore "Bench$1" "$RESTORES/fin-$1")"
    # Spot check: every restored tree equals the source (FinBackup stores each path under its own name).
    if diff -rq "$DATA" "$RESTORES/fin-$1/$(basename "$DATA")" > "$WORK/diff-fin-$1.txt" 2>&1; then log "FinBackup restore $1 identical to the source"
    else log "FinBackup restore $1 DIFFERS from the source: $(head -3 "$WORK/diff-fin-$1.txt")"; fi
    release_dir "$RESTORES/fin-$1"; sync
  }
  restic_restore() {
    fresh_dir "$RESTORES/restic-$1"; RESTIC_REPOSITORY="$(restic_repo "restic-$1")" measure restic restore "$1" restic restore latest --quiet --target "$RESTORES/restic-$1"
    release_dir "$RESTORES/restic-$1"; sync
  }
  # Pairs within each run type: A B A B (ORDER=fixed) or A B B A (ORDER=alternate).
  for k in $(seq 1 "$REPEAT"); do pair "$k" fin_full restic_full; done
  for k in $(seq 1 "$REPEAT"); do pair "$k" fin_nochange restic_nochange; done
  for k in $(seq 1 "$REPEAT"); do pair "$k" fin_restore_checked restic_restore; done
  for peer in $SYNC_PEERS; do
    case "$peer" in
      aws-s3-sync)
        bucket sync-1
        measure aws-s3-sync full 1 aws --endpoint-url "$EP" s3 sync "$DATA" s3://sync-1/data --only-show-errors ;;
      rclone)
        if command -v rclone > /dev/null; then
          bucket rclone-1
          RCLONE_CONFIG_MOTO_TYPE=s3 RCLONE_CONFIG_MOTO_PROVIDER=Other RCLONE_CONFIG_MOTO_ENDPOINT="$EP" \
          RCLONE_CONFIG_MOTO_ACCESS_KEY_ID=testing RCLONE_CONFIG_MOTO_SECRET_ACCESS_KEY=testing RCLONE_CONFIG_MOTO_REGION=us-east-1 \
            measure rclone full 1 env -u AWS_CA_BUNDLE rclone copy "$DATA" moto:rclone-1/data
        else log "rclone not installed (apt-get install -y rclone): skipped"; fi ;;
    esac
  done
  reset_moto   # moto keeps every object in memory
fi

if [[ " $PHASES " == *" big "* ]] && [ "$BIG_GIB" != 0 ]; then
  make_big
  for k in $(seq 1 "$REPEAT"); do
    bucket "fin-big-$k"; bucket "restic-big-$k"
    RESTIC_REPOSITORY="$(restic_repo "restic-big-$k")" restic init > /dev/null 2>&1 || log "restic init failed"
  done
  log "reading the big file once (page cache)"; cat "$BIG/src/one.bin" > /dev/null
  fin_big_backup() { measure finbackup "big-${BIG_GIB}GiB-backup" "$1" "${FIN[@]}" "$(fin_backup "fin-big-$1" "Big$1" "$BIG/src")"; }
  restic_big_backup() { RESTIC_REPOSITORY="$(restic_repo "restic-big-$1")" measure restic "big-${BIG_GIB}GiB-backup" "$1" restic backup --quiet "$BIG/src"; }
  fin_big_restore() {
    fresh_dir "$RESTORES/fin-big-$1" $((BIG_GIB + 2)); measure finbackup "big-${BIG_GIB}GiB-restore" "$1" "${FIN[@]}" "$(fin_restore "Big$1" "$RESTORES/fin-big-$1")"
    cmp -s "$BIG/src/one.bin" "$RESTORES/fin-big-$1/src/one.bin" && log "big file restore $1 identical" || log "big file restore $1 DIFFERS"
    release_dir "$RESTORES/fin-big-$1"; sync
  }
  restic_big_restore() {
    fresh_dir "$RESTORES/restic-big-$1" $((BIG_GIB + 2)); RESTIC_REPOSITORY="$(restic_repo "restic-big-$1")" measure restic "big-${BIG_GIB}GiB-restore" "$1" restic restore latest --quiet --target "$RESTORES/restic-big-$1"
    release_dir "$RESTORES/restic-big-$1"; sync
  }
  for k in $(seq 1 "$REPEAT"); do pair "$k" fin_big_backup restic_big_backup; done
  for k in $(seq 1 "$REPEAT"); do pair "$k" fin_big_restore restic_big_restore; done
  reset_moto
fi

# This run's restores are left for the next run's clear_old_restores, which removes them and then waits 90 s: removing
# them here let a run started right after this one pay for the delete (round 8: a restore's system time 6.5 s -> 41 s).
if [ "$RESTORE_FS" = loop ]; then log "restores in $RESTORES: each on its own file system, unmounted and removed on exit (one image file each)"
else log "restores left in $RESTORES (the next run removes them, then pauses)"; fi
log "raw results: $RESULTS"
column -t -s $'\t' "$RESULTS"
echo
python3 "$HERE/summarize.py" "$RESULTS" | tee "${RESULTS%.tsv}.md"
