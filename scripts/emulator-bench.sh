#!/usr/bin/env bash
# Measures the strategies against the BigQuery emulator with `hgl bench`: for each strategy a fresh
# emulator (it slows down as it keeps every job's result), seeded with the default generated league,
# then WARMUPS warm-up rounds (default 1: an emulator load takes seconds) and RUNS loads per players
# count. Prints hgl bench's table for each strategy.
#
#   bash scripts/emulator-bench.sh                     # 118 and 360 players, 5 runs, 4 strategies
#   RUNS=3 PLAYERS=360 STRATEGIES="batch adaptive" bash scripts/emulator-bench.sh
#
# Needs hgl-cli/target/hgl.jar (mvn -B -ntp -q install -DskipTests) and the emulator
# (bash scripts/install-emulator.sh). Listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=hgl-cli/target/hgl.jar
EMULATOR="${HGL_BQ_EMULATOR:-$(go env GOPATH)/bin/bigquery-emulator}"
PORT="${PORT:-19150}"
GRPC_PORT=$((PORT + 1))
RUNS="${RUNS:-5}"
WARMUPS="${WARMUPS:-1}"
PLAYERS="${PLAYERS:-118,360}"
STRATEGIES="${STRATEGIES:-batch chunked:100 per-player adaptive}"
DATE="${DATE:-2022-04-11}"
BQ=(--set backend=bigquery --set "bigquery.host=http://127.0.0.1:${PORT}" --set bigquery.project=test
    --set bigquery.table=test.hgl.player_game_summary --set query-timeout=120s --set deadline=600s)

[ -f "$JAR" ] || { echo "emulator-bench: $JAR is missing; run mvn -B -ntp -q install -DskipTests" >&2; exit 2; }
[ -x "$EMULATOR" ] || { echo "emulator-bench: no emulator at $EMULATOR; run scripts/install-emulator.sh" >&2; exit 2; }

work=$(mktemp -d)
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The slate: the first players of the generated league by lookup, the same the in-memory backend has.
java -jar "$JAR" load --players 360 --date "$DATE" --format json \
  | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["players"]))' > "$work/players.txt"

for strategy in $STRATEGIES; do
  "$EMULATOR" --host=127.0.0.1 --project=test --port="$PORT" --grpc-port="$GRPC_PORT" --log-level=error \
    > "$work/emulator.log" 2>&1 &
  emulator_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:${PORT}/bigquery/v2/projects/test/datasets" > /dev/null && break
    sleep 0.2
  done
  java -jar "$JAR" seed "${BQ[@]}" > "$work/seed.log"
  echo "== $strategy (fresh emulator, $(grep -c . "$work/players.txt") players on file, date $DATE)"
  java -jar "$JAR" bench "${BQ[@]}" --players "$PLAYERS" --strategies "$strategy" --runs "$RUNS" --warmups "$WARMUPS" \
    --players-file "$work/players.txt" --date "$DATE" || true
  kill "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true
  emulator_pid=""
done
