#!/usr/bin/env bash
# deploy/bench-overview.sh — the dashboard overview in `make bench`: the
# cached GET /api/v1/dashboard/overview through nginx at 100 and 1,000
# connections beside the floor of our own stack measured in the same run:
# GET /api/_floor (the same nginx location and gateway, no credentials, no
# Redis, no bus) answering a body of the overview's size. Targets: the
# overview at >= 80 % of the floor's requests/s and a p99 <= 1.5x the
# floor's. The overview's hit ratio (the gateways' tm_gateway_overview_total:
# answers from the gateway's memory or from Redis) says how much of the run
# the cache served.
# Called by deploy/bench.sh while its stack is up (one line); alone, against
# a running stack:
#   TM_BENCH_HTTP_PORT  nginx's port
#   TM_BENCH_TOKEN      an admin's access token
#   TM_BENCH_PORT_BASE  the stack's TM_PORT_BASE (gateway ops ports at +41..), optional
#   DURATION, CONNS     per run (10s) and the connection counts ("100 1000")
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/deploy/bench-lib.sh"
HTTP=${TM_BENCH_HTTP_PORT:?set by deploy/bench.sh}
: "${TM_BENCH_TOKEN:?set by deploy/bench.sh}"
export TM_BENCH_TOKEN
CONNS=${CONNS:-"100 1000"}
url=http://127.0.0.1:$HTTP

# hits misses: summed over the gateways' ops ports (none known: "- -")
counts() {
  local i port h=0 m=0 out found=0
  [ -n "${TM_BENCH_PORT_BASE:-}" ] || { echo "- -"; return; }
  for i in 1 2 3 4 5 6 7 8 9; do
    port=$((TM_BENCH_PORT_BASE + 40 + i))
    out=$(curl -fsS --max-time 5 "http://127.0.0.1:$port/metrics" 2>/dev/null) || break
    found=1
    h=$((h + $(awk '/^tm_gateway_overview_total\{cache="(memory|redis)"\}/ {n += $2} END {print n + 0}' <<<"$out")))
    m=$((m + $(awk '/^tm_gateway_overview_total\{cache="miss"\}/ {n += $2} END {print n + 0}' <<<"$out")))
  done
  [ $found = 1 ] && echo "$h $m" || echo "- -"
}

body=$(curl -fsS -H "Authorization: Bearer $TM_BENCH_TOKEN" "$url/api/v1/dashboard/overview") || {
  echo "bench-overview: GET /api/v1/dashboard/overview failed"; exit 1; }
size=${#body}
partial=$(grep -q '"partial":false' <<<"$body" && echo no || echo yes)
floor="$url/api/_floor?bytes=$size"
# warm both paths (keep-alive pools; the overview's cache entry)
wrk -t2 -c50 -d2s "$floor" >/dev/null 2>&1
wrk -t2 -c50 -d2s -s "$ROOT/tests/bench/overview.lua" "$url" >/dev/null 2>&1

echo
printf '%-44s %6s %10s %9s %9s %7s %7s %7s %5s\n' "dashboard overview ($size-byte body)" conns "req/s" p50 p99 errors "r/s x" "p99 x" hit%
notes=""
for c in $CONNS; do
  read -r f_rps f_p50 f_p99 f_err <<<"$(measure "$floor" "$c")"
  read -r h0 m0 <<<"$(counts)"
  read -r o_rps o_p50 o_p99 o_err <<<"$(measure "$url" "$c" "$ROOT/tests/bench/overview.lua")"
  read -r h1 m1 <<<"$(counts)"
  rx=$(awk -v a="$o_rps" -v b="$f_rps" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
  px=$(awk -v a="$(to_ms "$o_p99")" -v b="$(to_ms "$f_p99")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  hit=$( [ "$h0" = - ] && echo - || awk -v h=$((h1 - h0)) -v m=$((m1 - m0)) \
    'BEGIN { printf "%.1f", (h + m > 0 ? 100 * h / (h + m) : 0) }')
  printf '%-44s %6s %10s %9s %9s %7s %7s %7s %5s\n' "GET /api/_floor (reference)" "$c" "$f_rps" "$f_p50" "$f_p99" "$f_err" 1.000 1.00 -
  printf '%-44s %6s %10s %9s %9s %7s %7s %7s %5s\n' "GET /api/v1/dashboard/overview (cached)" "$c" "$o_rps" "$o_p50" "$o_p99" "$o_err" "$rx" "$px" "$hit"
  notes="$notes $c: $(awk -v r="$rx" -v p="$px" 'BEGIN { print (r >= 0.80 ? "req/s met" : "req/s MISSED") ", " (p <= 1.5 ? "p99 met" : "p99 MISSED") }');"
done
echo "overview: r/s x = overview req/s ÷ floor req/s (target >= 0.80); p99 x = overview p99 ÷ floor p99 (target <= 1.50);${notes} hit% = answers served from the cache (a gateway's memory or Redis) during the run; the answer was partial: $partial."
echo "overview: the floor is the same nginx location and gateway with no token check, rate limit, Redis or bus; the cached overview pays the token, the rate-limit script (a Redis round trip), the gateway's own router and a lookup in memory."
