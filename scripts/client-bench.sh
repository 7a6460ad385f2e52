#!/usr/bin/env bash
# Measures the library's BigQuery loads against the bare google-cloud-bigquery client with
# `hgl compare`: a fresh emulator (it slows down as it keeps every job's result), seeded with the
# default generated league, behind scripts/latency-proxy.py, which adds DELAY_MS to every HTTP
# request (one network round trip) and counts the requests. Then 1 warm-up round and ROUNDS measured
# rounds, the bare query and each strategy's load interleaved, per players count. Prints hgl
# compare's table: median and range of the wall time, rows, HTTP requests per load, ratio to bare.
# With ASYNC=1 the proxy models BigQuery's asynchronous jobs.query (--async-jobs): the answer held up
# to the request's timeoutMs (at most MAX_HOLD_MS), then a job id to long-poll; the table then also
# gives the time from each load's last job's end to its answer.
#
#   bash scripts/client-bench.sh                             # 118 and 360 players, batch and adaptive, 12 rounds
#   ROUNDS=3 PLAYERS=118 DELAY_MS=20 bash scripts/client-bench.sh
#   STRATEGIES=batch,chunked:100,adaptive FORMAT=json bash scripts/client-bench.sh
#   ASYNC=1 PLAYERS=118 bash scripts/client-bench.sh          # BigQuery's asynchronous jobs.query
#   ASYNC=1 MIN_JOB_MS=3000 PLAYERS=3 bash scripts/client-bench.sh   # every job lasts at least 3 s
#
# Environment: JAR (default hgl-cli/target/hgl.jar), PORT (emulator, default 19150; its gRPC port is
# PORT+1), PROXY_PORT (default 19160),
# DELAY_MS (default 50), PLAYERS (default 118,360), STRATEGIES (default batch,adaptive), ROUNDS
# (default 12), DATE (default 2022-04-11), FORMAT (text or json, default text), ASYNC (1 for
# --async-jobs), MAX_HOLD_MS and MIN_JOB_MS (with ASYNC=1: the proxy's --max-hold-ms, none by
# default, and --min-job-ms, default 0), SET (more hgl --set KEY=VALUE, space-separated),
# HGL_BQ_EMULATOR.
#
# Needs hgl-cli/target/hgl.jar (mvn -B -ntp -q install -DskipTests) and the emulator
# (bash scripts/install-emulator.sh). Listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR="${JAR:-hgl-cli/target/hgl.jar}"
EMULATOR="${HGL_BQ_EMULATOR:-$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin/bigquery-emulator}"
PORT="${PORT:-19150}"
GRPC_PORT=$((PORT + 1))
PROXY_PORT="${PROXY_PORT:-19160}"
DELAY_MS="${DELAY_MS:-50}"
ROUNDS="${ROUNDS:-12}"
PLAYERS="${PLAYERS:-118,360}"
STRATEGIES="${STRATEGIES:-batch,adaptive}"
DATE="${DATE:-2022-04-11}"
FORMAT="${FORMAT:-text}"
ASYNC="${ASYNC:-0}"
MAX_HOLD_MS="${MAX_HOLD_MS:-}"
MIN_JOB_MS="${MIN_JOB_MS:-0}"
PROXY_OPTIONS=()
if [ "$ASYNC" = 1 ]; then
  PROXY_OPTIONS=(--async-jobs --min-job-ms "$MIN_JOB_MS")
  [ -z "$MAX_HOLD_MS" ] || PROXY_OPTIONS+=(--max-hold-ms "$MAX_HOLD_MS")
fi
EXTRA=()
for setting in ${SET:-}; do EXTRA+=(--set "$setting"); done
# The interpreter itself, not a launcher script (a pyenv shim, say): its pid is the one to stop.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')

SETTINGS=(--set backend=bigquery --set bigquery.project=test --set bigquery.table=test.hgl.player_game_summary
          --set query-timeout=120s --set deadline=600s)
DIRECT=(--set "bigquery.host=http://127.0.0.1:${PORT}")
PROXIED=(--set "bigquery.host=http://127.0.0.1:${PROXY_PORT}")

[ -f "$JAR" ] || { echo "client-bench: $JAR is missing; run mvn -B -ntp -q install -DskipTests" >&2; exit 2; }
[ -x "$EMULATOR" ] || { echo "client-bench: no emulator at $EMULATOR; run scripts/install-emulator.sh" >&2; exit 2; }

work=$(mktemp -d)
emulator_pid=""
proxy_pid=""
compare_pid=""
stop() {
  if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi
}
cleanup() {
  stop "$compare_pid"
  stop "$proxy_pid"
  stop "$emulator_pid"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits until a URL answers, at most 20 s.
await() {
  for _ in $(seq 1 100); do
    curl -sf "$1" > /dev/null && return 0
    sleep 0.2
  done
  echo "client-bench: $2 did not answer at $1; its log:" >&2
  cat "$3" >&2
  exit 1
}

# The slate: the first players of the generated league by lookup, the same the in-memory backend has.
java -jar "$JAR" load --players 360 --date "$DATE" --format json \
  | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["players"]))' > "$work/players.txt"

"$EMULATOR" --host=127.0.0.1 --project=test --port="$PORT" --grpc-port="$GRPC_PORT" --log-level=error \
  > "$work/emulator.log" 2>&1 &
emulator_pid=$!
await "http://127.0.0.1:${PORT}/bigquery/v2/projects/test/datasets" "the emulator" "$work/emulator.log"
java -jar "$JAR" seed "${SETTINGS[@]}" "${DIRECT[@]}" > "$work/seed.log"

"$PYTHON" scripts/latency-proxy.py --port "$PROXY_PORT" --upstream "http://127.0.0.1:${PORT}" --delay-ms "$DELAY_MS" \
  ${PROXY_OPTIONS[@]+"${PROXY_OPTIONS[@]}"} > "$work/proxy.log" 2>&1 &
proxy_pid=$!
await "http://127.0.0.1:${PROXY_PORT}/__proxy/stats" "the latency proxy" "$work/proxy.log"

echo "== fresh emulator, $(grep -c . "$work/players.txt") players on file, date $DATE, ${DELAY_MS} ms a request" \
  "through the latency proxy ${PROXY_OPTIONS[*]+${PROXY_OPTIONS[*]}}" >&2
# In the background, so that a signal to this script runs its traps at once instead of after the run.
java -jar "$JAR" compare "${SETTINGS[@]}" "${PROXIED[@]}" ${EXTRA[@]+"${EXTRA[@]}"} --players "$PLAYERS" \
  --strategies "$STRATEGIES" \
  --rounds "$ROUNDS" --players-file "$work/players.txt" --date "$DATE" --format "$FORMAT" \
  --proxy-stats "http://127.0.0.1:${PROXY_PORT}/__proxy" <&0 &
compare_pid=$!
status=0
wait "$compare_pid" || status=$?
compare_pid=""
exit "$status"
