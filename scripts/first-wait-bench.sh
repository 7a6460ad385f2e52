#!/usr/bin/env bash
# Measures what the first wait buys and costs under BigQuery's asynchronous jobs.query, modelled by
# scripts/latency-proxy.py --async-jobs in front of a fresh emulator:
#
#   1. HTTP requests per load of a 0.7 s and a 3 s query (the proxy's --min-job-ms on a table of
#      36 rows, which the emulator answers in well under 0.7 s), and the load's wall time;
#   2. how long after a 1 s per-query timeout the job's cancel reaches the proxy (360 players,
#      batch, query-timeout=1s): from the engine's stop (the attempt's start and duration in the
#      load's report) to the cancel's arrival at the proxy; "none" when no cancel came.
#
#   bash scripts/first-wait-bench.sh
#   JAR=/path/to/an/older/hgl.jar RUNS=3 bash scripts/first-wait-bench.sh   # the same on another build
#   SET="bigquery.wait-slice=250ms" bash scripts/first-wait-bench.sh        # extra hgl settings
#
# Environment: JAR (default hgl-cli/target/hgl.jar), PORT (emulator, default 19170; gRPC PORT+1),
# PROXY_PORT (default 19180), DELAY_MS (default 50), RUNS (loads per case, default 5), SET (more hgl
# --set KEY=VALUE, space-separated), HGL_BQ_EMULATOR. Needs the jar (mvn -B -ntp -q package -pl
# examples -am -DskipTests) and the emulator (bash scripts/install-emulator.sh). Listens on
# 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR="${JAR:-hgl-cli/target/hgl.jar}"
EMULATOR="${HGL_BQ_EMULATOR:-$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin/bigquery-emulator}"
PORT="${PORT:-19170}"
GRPC_PORT=$((PORT + 1))
PROXY_PORT="${PROXY_PORT:-19180}"
DELAY_MS="${DELAY_MS:-50}"
RUNS="${RUNS:-5}"
DATE=2022-04-11
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
EXTRA=()
for setting in ${SET:-}; do EXTRA+=(--set "$setting"); done

[ -f "$JAR" ] || { echo "first-wait-bench: $JAR is missing" >&2; exit 2; }
[ -x "$EMULATOR" ] || { echo "first-wait-bench: no emulator at $EMULATOR; run scripts/install-emulator.sh" >&2; exit 2; }

work=$(mktemp -d)
emulator_pid=""
proxy_pid=""
stop() {
  if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi
}
cleanup() {
  stop "$proxy_pid"
  stop "$emulator_pid"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

await() {
  for _ in $(seq 1 100); do
    curl -sf "$1" > /dev/null && return 0
    sleep 0.2
  done
  echo "first-wait-bench: $2 did not answer at $1; its log:" >&2
  cat "$3" >&2
  exit 1
}

bq() {
  echo --set backend=bigquery --set bigquery.project=test --set "bigquery.table=test.hgl.$1" \
    --set "bigquery.host=http://127.0.0.1:$2"
}

start_proxy() {
  stop "$proxy_pid"
  "$PYTHON" scripts/latency-proxy.py --port "$PROXY_PORT" --upstream "http://127.0.0.1:${PORT}" \
    --delay-ms "$DELAY_MS" --async-jobs "$@" > "$work/proxy.log" 2>&1 &
  proxy_pid=$!
  await "http://127.0.0.1:${PROXY_PORT}/__proxy/stats" "the latency proxy" "$work/proxy.log"
}

"$EMULATOR" --host=127.0.0.1 --project=test --port="$PORT" --grpc-port="$GRPC_PORT" --log-level=error \
  > "$work/emulator.log" 2>&1 &
emulator_pid=$!
await "http://127.0.0.1:${PORT}/bigquery/v2/projects/test/datasets" "the emulator" "$work/emulator.log"

# A table of 36 rows (3 players, 12 games each) and the generated league with its first 360 players.
"$PYTHON" - "$work" <<'EOF'
import datetime, sys
work = sys.argv[1]
with open(work + "/tiny.csv", "w") as out:
    out.write("player_lookup,game_date,opponent_team_abbr,points,minutes_played,team_abbr,game_id\n")
    for player in ("ann", "bob", "cy"):
        for game in range(12):
            day = datetime.date(2022, 4, 11) - datetime.timedelta(days=3 + 4 * game)
            out.write("%s,%s,T%d,%d,30.%d,OWN,g%s%d\n" % (player, day, game % 5, 10 + game, game % 10, player, game))
with open(work + "/tiny.txt", "w") as out:
    out.write("ann\nbob\ncy\n")
EOF
java -jar "$JAR" seed $(bq tiny "$PORT") --csv "$work/tiny.csv" > /dev/null
java -jar "$JAR" seed $(bq player_game_summary "$PORT") > /dev/null
java -jar "$JAR" load --players 360 --date "$DATE" --format json \
  | "$PYTHON" -c 'import json,sys; print("\n".join(json.load(sys.stdin)["players"]))' > "$work/players.txt"

echo "first-wait-bench: $JAR, ${DELAY_MS} ms a request, ${RUNS} loads per case${SET:+, settings: $SET}"

for min_job in 700 3000; do
  start_proxy --min-job-ms "$min_job"
  for run in $(seq 1 "$RUNS"); do
    curl -sf -X POST "http://127.0.0.1:${PROXY_PORT}/__proxy/reset" > /dev/null
    started=$(date +%s%N)
    java -jar "$JAR" load $(bq tiny "$PROXY_PORT") ${EXTRA[@]+"${EXTRA[@]}"} --players-file "$work/tiny.txt" \
      --date "$DATE" --format json > "$work/load.json" || true
    curl -sf "http://127.0.0.1:${PROXY_PORT}/__proxy/stats" | "$PYTHON" -c '
import json, sys
stats = json.load(sys.stdin)
report = json.load(open(sys.argv[1]))["report"]
kinds = ", ".join("%d %s" % (n, k) for k, n in stats["by_kind"].items())
print("  %d ms query: %d request(s) (%s), load %s ms" % (int(sys.argv[2]), stats["requests"], kinds, report.get("elapsedMs")))
' "$work/load.json" "$min_job"
  done
done

start_proxy
for run in $(seq 1 "$RUNS"); do
  java -jar "$JAR" load $(bq player_game_summary "$PROXY_PORT") ${EXTRA[@]+"${EXTRA[@]}"} \
    --set strategy=batch --set query-timeout=1s --set deadline=2s --set retry.max-attempts=1 \
    --players-file "$work/players.txt" --date "$DATE" --format json > "$work/load.json" 2> /dev/null || true
  curl -sf "http://127.0.0.1:${PROXY_PORT}/__proxy/jobs" | "$PYTHON" -c '
import datetime, json, sys
job = json.load(sys.stdin)["jobs"][-1]
report = json.load(open(sys.argv[1]))["report"]
attempt = report["attempts"][0]
started = datetime.datetime.fromisoformat(report["startedAt"].replace("Z", "+00:00")).timestamp() * 1000
query_started = started + attempt["startedAtMs"]
decided = query_started + attempt["durationMs"]
delay = float(sys.argv[2])
cancel = job["cancel_requested_ms"]
# The proxy notes a request after holding it DELAY_MS: its arrival is that much earlier.
after = "none" if cancel is None else "%d ms" % round(cancel - delay - decided)
print("  360 players, 1 s timeout (%s): cancel reached the proxy %s after the engine stopped the query"
      " (its jobs.query reached the proxy %d ms after the query started)"
      % (attempt["outcome"], after, round(job["created_ms"] - delay - query_started)))
' "$work/load.json" "$DELAY_MS"
done
