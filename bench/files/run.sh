#!/usr/bin/env bash
# File-backup benchmark (issue 6). NOT run by CI: slow (minutes) and needs moto_server, aws, rclone, restic, /usr/bin/time.
#   bench/files/run.sh [workdir]        (default workdir: /tmp/finbench)
# Data set: 17 files of 64 MiB + 50,000 files of 2 KiB (about 1.16 GiB), one moto S3 endpoint for every tool.
# For each tool: first full backup, then a re-run with nothing changed: client CPU seconds (user+sys), wall time,
# peak RSS (/usr/bin/time -v). Then FinBackup alone on a single 4 GiB file (peak memory target < 150 MB).
# Env: PEER_TIMEOUT (s, default 900) skips a peer that takes longer; SKIP_PEERS=1 runs FinBackup only;
#      PEERS (default "aws-s3-sync rclone restic") picks peers; BIG_GIB (default 4, 0 = skip the single-file run).
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
WORK="${1:-/tmp/finbench}"
PEER_TIMEOUT="${PEER_TIMEOUT:-900}"
BIG_GIB="${BIG_GIB:-4}"
PORT="${PORT:-5631}"
EP="http://127.0.0.1:$PORT"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
RESULTS="$WORK/results.tsv"
mkdir -p "$WORK"
DATA="$WORK/data"

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

make_data() {
  if [ -f "$WORK/.data-complete" ]; then return; fi
  rm -rf "$DATA"; mkdir -p "$DATA/large" "$DATA/small"
  log "generating 17 x 64 MiB + 50,000 x 2 KiB in $DATA"
  for i in $(seq -w 1 17); do head -c $((64 << 20)) /dev/urandom > "$DATA/large/file-$i.bin"; done
  python3 - "$DATA/small" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(50):
    os.makedirs(f"{root}/d{d:02d}", exist_ok=True)
    for i in range(1000):
        with open(f"{root}/d{d:02d}/f{i:04d}.dat", "wb") as f:
            f.write(os.urandom(2048))
PY
  touch "$WORK/.data-complete"
}

start_moto() {
  log "starting moto_server on $EP"
  moto_server -H 127.0.0.1 -p "$PORT" > "$WORK/moto.log" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do curl -s "$EP/moto-api/" > /dev/null && return; sleep 0.2; done
  echo "moto did not start" >&2; exit 1
}
stop_moto() { if [ -n "${MOTO_PID:-}" ]; then kill "$MOTO_PID" 2>/dev/null; wait "$MOTO_PID" 2>/dev/null; fi; }
trap stop_moto EXIT

# measure <tool> <run> <command...>: appends tool, run, cpu s, wall s, peak MB, exit to results.tsv
measure() {
  local tool="$1" run="$2"; shift 2
  local tv="$WORK/time-$tool-$run.txt"
  log "$tool / $run: $*"
  timeout "$PEER_TIMEOUT" /usr/bin/time -v "$@" > "$WORK/out-$tool-$run.txt" 2> "$tv"
  local rc=$?
  local user sys wall rss
  user=$(awk -F': ' '/User time/ {print $2}' "$tv"); sys=$(awk -F': ' '/System time/ {print $2}' "$tv")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tv" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
  [ "$rc" = 124 ] && log "$tool / $run: timed out after ${PEER_TIMEOUT}s (skipped)"
  printf "%s\t%s\t%.1f\t%.1f\t%.0f\t%s\n" "$tool" "$run" "$(echo "${user:-0} + ${sys:-0}" | bc)" "${wall:-0}" "$(echo "${rss:-0} / 1024" | bc)" "$rc" >> "$RESULTS"
  tail -n 2 "$WORK/out-$tool-$run.txt" >&2
}

bucket() { aws --endpoint-url "$EP" s3api create-bucket --bucket "$1" > /dev/null; }

make_data
log "building the FinBackup bench driver"
dotnet build "$HERE/FinBackup.Bench.Files/FinBackup.Bench.Files.csproj" -c Release -o "$WORK/bin" > "$WORK/build.log" 2>&1 || { tail "$WORK/build.log"; exit 1; }
FIN=(dotnet "$WORK/bin/FinBackup.Bench.Files.dll")
start_moto
printf "tool\trun\tcpu_s\twall_s\tpeak_MB\texit\n" > "$RESULTS"

bucket fin-bench
rm -rf "$WORK/cache"
measure finbackup full "${FIN[@]}" backup --endpoint "$EP" --bucket fin-bench --path "$DATA" --cache "$WORK/cache"
measure finbackup nochange "${FIN[@]}" backup --endpoint "$EP" --bucket fin-bench --path "$DATA" --cache "$WORK/cache"

want() { [ "${SKIP_PEERS:-0}" != 1 ] && [[ " ${PEERS:-aws-s3-sync rclone restic} " == *" $1 "* ]]; }

if want aws-s3-sync; then
  bucket sync-bench
  measure aws-s3-sync full aws --endpoint-url "$EP" s3 sync "$DATA" s3://sync-bench/data --only-show-errors
  measure aws-s3-sync nochange aws --endpoint-url "$EP" s3 sync "$DATA" s3://sync-bench/data --only-show-errors
fi

if want rclone; then
  if command -v rclone > /dev/null; then
    bucket rclone-bench
    export RCLONE_CONFIG_MOTO_TYPE=s3 RCLONE_CONFIG_MOTO_PROVIDER=Other RCLONE_CONFIG_MOTO_ENDPOINT="$EP" \
           RCLONE_CONFIG_MOTO_ACCESS_KEY_ID=testing RCLONE_CONFIG_MOTO_SECRET_ACCESS_KEY=testing RCLONE_CONFIG_MOTO_REGION=us-east-1
    # rclone refuses a custom CA bundle on a plain-HTTP endpoint: drop AWS_CA_BUNDLE for it.
    measure rclone full env -u AWS_CA_BUNDLE rclone copy "$DATA" moto:rclone-bench/data
    measure rclone nochange env -u AWS_CA_BUNDLE rclone copy "$DATA" moto:rclone-bench/data
  else log "rclone not installed (apt-get install -y rclone): skipped"; fi
fi

if want restic; then
  if command -v restic > /dev/null; then
    bucket restic-bench
    export RESTIC_REPOSITORY="s3:$EP/restic-bench" RESTIC_PASSWORD=bench RESTIC_CACHE_DIR="$WORK/restic-cache"
    restic init > /dev/null 2>&1
    measure restic full restic backup --quiet "$DATA"
    measure restic nochange restic backup --quiet "$DATA"
  else log "restic not installed (apt-get install -y restic): skipped"; fi
fi

if [ "$BIG_GIB" != 0 ]; then
  mkdir -p "$WORK/big"
  [ -f "$WORK/big/one.bin" ] || { log "generating one ${BIG_GIB} GiB file"; head -c $((BIG_GIB << 30)) /dev/urandom > "$WORK/big/one.bin"; }
  bucket fin-bench-big
  measure finbackup "single-${BIG_GIB}GiB" "${FIN[@]}" backup --endpoint "$EP" --bucket fin-bench-big --path "$WORK/big" --cache "$WORK/cache-big"
fi

log "results ($RESULTS):"
column -t -s $'\t' "$RESULTS"
