#!/usr/bin/env bash
# deploy/bench-load.sh — the documents' load test in `make bench` (issue 22,
# target 5): tm-load-bench (services/gateway/load_bench_main.c) holds
# BENCH_LOAD_CONNS connections (1,000) to nginx and schedules
# BENCH_LOAD_RATE requests a second (2,000) for BENCH_LOAD_DURATION seconds
# (60): 80 % reads (product GET, a store's inventory levels, low stock, a
# transactions page, the dashboard overview) and 20 % scored sales. Open
# loop: each request's latency runs from when it was due, so a slow answer
# counts against what waited behind it. Beside it, the reference measured
# just before with the same tool, connections and rate for
# BENCH_LOAD_REF_DURATION seconds (10): the floor route (GET /api/_floor,
# the same nginx location and gateway, no token, no Redis, no bus).
# Targets: requests/s >= 2,000, p99 < 185 ms, no errors.
# Called by deploy/bench.sh while its stack is up:
#   RUN HTTP_PORT BIN TM_ADMIN_EMAIL TM_ADMIN_PASSWORD  (and $RUN/prices.txt)
#   LOAD_TAG     this run's name ("1", "2"): the output goes to $RUN/load-TAG.txt
#   LOAD_STORES  stores the reads ask (1..N); LOAD_FLOOR_BYTES the floor's body size
# Appends its verdicts to $RUN/targets.txt ("figure|value|reference|target|verdict").
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-bin}
: "${RUN:?set by deploy/bench.sh}" "${HTTP_PORT:?}" "${TM_ADMIN_EMAIL:?}" "${TM_ADMIN_PASSWORD:?}"
TAG=${LOAD_TAG:-1}
CONNS=${BENCH_LOAD_CONNS:-1000}
RATE=${BENCH_LOAD_RATE:-2000}
DUR=${BENCH_LOAD_DURATION:-60}
REF_DUR=${BENCH_LOAD_REF_DURATION:-10}
MIX=${BENCH_LOAD_MIX:-product=30,inventory=15,low_stock=10,txn_list=15,overview=10,sale=20}

. "$ROOT/deploy/bench-lib.sh"
# a fresh token: the bench's own may have expired by now (15 minutes)
TM_BENCH_TOKEN=$(bench_token "$HTTP_PORT")
export TM_BENCH_TOKEN

load() { # load OUT SECONDS MIX: one tm-load-bench run, its output into OUT
  "$ROOT/$BIN/tm-load-bench" --port "$HTTP_PORT" --conns "$CONNS" --rate "$RATE" --seconds "$2" \
    --mix "$3" --prices "$RUN/prices.txt" --stores "${LOAD_STORES:-5}" \
    --floor-bytes "${LOAD_FLOOR_BYTES:-256}" --run "load$TAG-$RANDOM" --log-level warn >"$1" 2>"$1.err"
}
load "$RUN/load-$TAG-ref.txt" "$REF_DUR" floor=1
load "$RUN/load-$TAG.txt" "$DUR" "$MIX"

field() { # field FILE LINE-PREFIX KEY -> the value of KEY= on the first line starting so
  awk -v p="$2" -v k="$3" 'index($0, p) == 1 { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) {
    print substr($i, length(k) + 2); exit } }' "$1"
}
row() { # row LABEL FILE KIND RPS
  printf '%-44s %6s %8s %8s %8s %8s %8s %7s\n' "$1" "$(field "$2" "kind=$3 " n)" "${4:--}" \
    "$(field "$2" "kind=$3 " p50_ms)" "$(field "$2" "kind=$3 " p95_ms)" "$(field "$2" "kind=$3 " p99_ms)" \
    "$(field "$2" "kind=$3 " max_ms)" "$(field "$2" "kind=$3 " errors)"
}
ref=$RUN/load-$TAG-ref.txt out=$RUN/load-$TAG.txt
r_rps=$(field "$ref" "run " rps) o_rps=$(field "$out" "run " rps)
printf '\n%-44s %6s %8s %8s %8s %8s %8s %7s\n' "load test $TAG: $CONNS conns, $RATE req/s, ${DUR}s" n "req/s" "p50 ms" "p95 ms" "p99 ms" "max ms" errors
row "GET /api/_floor, same tool (reference, ${REF_DUR}s)" "$ref" floor "$r_rps"
for k in product inventory low_stock txn_list overview sale; do
  grep -q "^kind=$k " "$out" && row "  $k" "$out" "$k"
done
row "all kinds (80 % reads, 20 % sales)" "$out" all "$o_rps"
o_p99=$(field "$out" "kind=all " p99_ms) o_err=$(field "$out" "kind=all " errors)
echo "load $TAG: $(grep '^run ' "$out" | cut -d' ' -f2-)"
echo "load $TAG reference: $(grep '^run ' "$ref" | cut -d' ' -f2-)"
grep -h '^status=' "$ref" "$out" | sed 's/^/load '"$TAG"' not 2xx: /' | cut -c1-240
[ -s "$out.err" ] && sed 's/^/load '"$TAG"': /' "$out.err" | head -5
echo "load: latency from each request's due time (open loop); req/s = 2xx answers ÷ the scheduled seconds; errors = transport errors + answers outside 2xx; kept_up = the tool sent every request, 99 % within 10 ms of its due time (else its figures bound nothing)."
kept=$(field "$out" "run " kept_up)
{
  echo "load $TAG: req/s at $CONNS conns|${o_rps:-0}|floor ${r_rps:-0}|>= 2000|$(verdict "$(awk -v a="${o_rps:-0}" 'BEGIN { print (a >= 2000) }')")"
  echo "load $TAG: p99 ms|${o_p99:--}|floor $(field "$ref" "kind=floor " p99_ms)|< 185|$(verdict "$(awk -v a="${o_p99:-1e9}" 'BEGIN { print (a < 185) }')")"
  echo "load $TAG: errors|${o_err:--}|floor $(field "$ref" "kind=floor " errors)|0|$(verdict "$([ "${o_err:-1}" = 0 ] && echo 1)")"
  echo "load $TAG: the tool kept up|${kept:-no}|-|yes|$(verdict "$([ "$kept" = yes ] && echo 1)")"
} >>"$RUN/targets.txt"
