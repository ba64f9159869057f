#!/usr/bin/env bash
# deploy/bench-ws.sh — the dashboard WebSocket's figures for `make bench`,
# called by deploy/bench.sh while its stack is up (RUN, HTTP_PORT,
# TM_ADMIN_EMAIL/PASSWORD and $RUN/prices.txt from there). tm-ws-bench connects
# clients through nginx (token as the subprotocols, channel sales), waits until all
# are ready, posts sales at a steady rate through the API and measures, per
# client and sale, the sale's commit (its event's ts) to the client's
# receipt. The reference is the same with one client, in the same run: the
# path's own latency (API → tm-txn commit → PUB → gateway listener →
# WebSocket) without the fan-out. Target (issue 20): p99 < 50 ms with 1,000
# clients, none lost.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-bin}
: "${RUN:?set by deploy/bench.sh}" "${HTTP_PORT:?}" "${TM_ADMIN_EMAIL:?}" "${TM_ADMIN_PASSWORD:?}"
CLIENTS=${BENCH_WS_CLIENTS:-1000}
RATE=${BENCH_WS_RATE:-20}
SECONDS_=${BENCH_WS_SECONDS:-10}

# The clients' upgrades come from one address: room for them at the edge
# (their "bearer, <token>" subprotocols count as credentials there).
TM_RUN_DIR=$RUN TM_EDGE_WS_CONN=$((CLIENTS + 100)) TM_EDGE_ANON_RATE=1000000 \
  TM_EDGE_ANON_BURST=1000000 "$ROOT/deploy/stack.sh" nginx reload 2>/dev/null

. "$ROOT/deploy/bench-lib.sh"
# a fresh token: the bench's own may have expired by now (15 minutes)
TM_BENCH_TOKEN=$(bench_token "$HTTP_PORT")
export TM_BENCH_TOKEN

run() { # run CLIENTS -> "p50 p99 lost sales connected"
  local out
  out=$("$ROOT/$BIN/tm-ws-bench" --port "$HTTP_PORT" --clients "$1" --rate "$RATE" \
    --seconds "$SECONDS_" --prices "$RUN/prices.txt" 2>/dev/null | grep '^clients=')
  sed -E 's/.*connected=([0-9]+) sales=([0-9]+) .* lost=([0-9-]+) p50_ms=([0-9-]+) p99_ms=([0-9-]+).*/\4 \5 \3 \2 \1/' <<<"${out:-}"
}
read -r r_p50 r_p99 r_lost r_sales r_conn <<<"$(run 1)"
read -r w_p50 w_p99 w_lost w_sales w_conn <<<"$(run "$CLIENTS")"
printf '\n%-44s %6s %10s %9s %9s %7s %7s\n' "WebSocket: sale commit → client receipt" conns "sales" p50 p99 lost ratio
printf '%-44s %6s %10s %9s %9s %7s %7s\n' "one client (reference)" "${r_conn:-0}" "${r_sales:-0}" \
  "${r_p50:--}ms" "${r_p99:--}ms" "${r_lost:--}" 1.000
printf '%-44s %6s %10s %9s %9s %7s %7s\n' "$CLIENTS clients, $RATE sales/s" "${w_conn:-0}" "${w_sales:-0}" \
  "${w_p50:--}ms" "${w_p99:--}ms" "${w_lost:--}" \
  "$(awk -v a="${w_p99:-0}" -v b="${r_p99:-0}" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')"
echo "WebSocket: target p99 < 50 ms and lost = 0 with $CLIENTS clients (ratio = p99 ÷ the one client's p99); lost = (client, sale) pairs never received."
