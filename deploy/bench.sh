#!/usr/bin/env bash
# deploy/bench.sh — `make bench`. Starts a throwaway stack (its own
# PostgreSQL, Redis, nginx, daemons) and measures with wrk, in the same run
# and on the same machine, each figure beside its reference:
#   reads   GET /api/v1/products/{id}, /inventory/low-stock and a transactions
#           page at 100 and 1,000 connections, each beside the floor
#           (GET /api/_floor?bytes=N: the same nginx and gateway, nothing
#           else) and nginx serving the same N bytes as a static file
#   overview  the cached dashboard overview beside the floor (bench-overview.sh)
#   events  product.created → tm-analytics' copy
#   writes  stock commits and scored sales at 1, 8 and 32 clients beside
#           pgbench's single-row INSERT; then each sale's commit → applied in
#           tm-analytics (bench-analytics.sh)
#   choice, po, login, flood  the supplier choice, purchase orders, logins,
#           a new client during an anonymous flood
#   load    the documents' load test: 1,000 connections, 2,000 req/s, 80/20
#           reads/sales, open loop (bench-load.sh, tm-load-bench)
#   memory  every daemon's VmRSS at idle, after the load test and after a
#           second one (bench-mem.sh)
#   fraud, ws, forecast, reorder  the offline parts and the WebSocket
#   web     the web app's gzipped size, the dashboard's time to interactive
#           and a sale's way to its live feed, in Chromium (bench-web.sh)
# and ends with the table "issue 22 targets": each figure, its reference,
# target and met/MISSED. The machine is shared and noisy: read the ratios.
# BENCH_ONLY=reads,writes,... runs those parts only (events needs the
# writes' sales for its freshness row and memory the load test: they bring
# them along); BENCH_DURATION (10s per wrk run), BENCH_CONNS, BENCH_LOAD_*.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-bin}
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNS:-"100 1000"}
THREADS=${TM_GATEWAY_THREADS:-1100}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
ONLY=${BENCH_ONLY:-}
case ",$ONLY," in *,events,*) ONLY+=,writes ;; esac
case ",$ONLY," in *,memory,*) ONLY+=,load ;; esac
want() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }

# BENCH_STACK=RUN_DIR with BENCH_PORT_BASE: measure a stack already up there
# (started by deploy/stack.sh with the settings below; left running), while
# developing. Otherwise a throwaway one on free ports, always stopped.
if [ -n "${BENCH_STACK:-}" ]; then
  RUN=$BENCH_STACK base=${BENCH_PORT_BASE:?BENCH_STACK needs BENCH_PORT_BASE}
else
  RUN=$(mktemp -d /tmp/tm-bench.XXXXXX)
  chmod 755 "$RUN"
  trap 'TM_RUN_DIR=$RUN "$ROOT/deploy/stack.sh" down >/dev/null 2>&1; rm -rf "$RUN"' EXIT
  # Below the kernel's ephemeral range (32768+), where client sockets could hold a port.
  base=${BENCH_PORT_BASE:-$(( (RANDOM % 120 + 200) * 100 ))}
fi
http=$((base + 99))

# Limits far above what the load generator can send: the bench measures the
# path, not the limiter's refusals. Password hashing keeps its real cost.
export TM_ADMIN_EMAIL=admin@techmart.bench TM_ADMIN_PASSWORD=bench-admin-password-1
export TM_RATE_LIMITS="admin=100000000,anonymous=100000000" TM_RATE_IP=100000000
export TM_RATE_LOGIN=100000
export TM_GATEWAY_WS_PER_PRINCIPAL=16384 # bench-ws.sh's clients share one token
export TM_GATEWAY_FLOOR=1 # GET /api/_floor, every figure's reference (off outside the bench)
# nginx's per-address edge limits likewise (the load comes from one address);
# the flood run below puts the anonymous one back to its default.
export TM_EDGE_CONN=60000 TM_EDGE_RATE=1000000 TM_EDGE_BURST=1000000
export TM_EDGE_ANON_RATE=1000000 TM_EDGE_ANON_BURST=1000000
if [ -n "${BENCH_STACK:-}" ]; then
  echo "bench: measuring the stack up in $RUN (ports $base+)"
else
  echo "bench: starting a stack in $RUN (ports $base+, gateway threads $THREADS)"
fi
if [ -z "${BENCH_STACK:-}" ] && ! TM_RUN_DIR=$RUN TM_PORT_BASE=$base TM_HTTP_PORT=$http TM_GATEWAY_THREADS=$THREADS \
     SCALE=${SCALE:-} BIN=$BIN "$ROOT/deploy/stack.sh" up >"$RUN/up.log" 2>&1; then
  echo "bench: the stack did not start"; tail -n 20 "$RUN/up.log"; exit 1
fi

. "$ROOT/deploy/bench-lib.sh" # measure, to_ms, bench_token, verdict
login() { # a fresh access token (they live 15 minutes; the bench runs longer)
  TM_BENCH_TOKEN=$(bench_token "$http")
  export TM_BENCH_TOKEN
}
login
psqlq() { PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -p $((base + 1)) -U techmart -d techmart -qAt -c "$1"; }
# every process's resident memory before any load (target 6)
"$ROOT/deploy/bench-mem.sh" snap "$RUN" "$RUN/mem-idle.txt"
: >"$RUN/targets.txt" # "figure|value|reference|target|verdict" lines, printed at the end
# The product GET's bytes: the size the floor and static references of the
# load test, and the old product-vs-static rows, use.
curl -fsS -H "Authorization: Bearer $TM_BENCH_TOKEN" "http://127.0.0.1:$http/api/v1/products/500" \
  -o "$RUN/www/product.json" || exit 1
size=$(stat -c %s "$RUN/www/product.json")
export TM_BENCH_STORES
TM_BENCH_STORES=$(psqlq "SELECT count(*) FROM inventory.stores")


# Reads (issue 22, target 2): each route at 100 and 1,000 connections beside
# its two references of the same body size, measured just before: the floor
# (GET /api/_floor?bytes=N through the same nginx and gateway: no token, no
# Redis, no bus) and nginx serving the same N bytes as a static file.
# r/s x and p99 x are ours ÷ the floor's. Targets (product GET): r/s x >= 0.50
# at 100, p99 x <= 2.0 at 1,000, no errors; the other routes are reported.
read_route() { # read_route LABEL PATH SCRIPT KEY: PATH is one request of the route, for its size
  local label=$1 path=$2 script=$3 key=$4 file c n
  file=$RUN/www/ref-$key.json
  curl -fsS -H "Authorization: Bearer $TM_BENCH_TOKEN" "http://127.0.0.1:$http$path" -o "$file" || {
    echo "bench: GET $path failed"; return 1; }
  n=$(stat -c %s "$file")
  wrk -t2 -c50 -d2s -s "$script" "http://127.0.0.1:$http/" >/dev/null 2>&1 # warm: pools, caches
  printf '\n%-44s %6s %10s %9s %9s %7s %7s %7s\n' "$label ($n-byte body)" conns "req/s" p50 p99 errors "r/s x" "p99 x"
  for c in $CONNS; do
    read -r s_rps s_p50 s_p99 s_err <<<"$(measure "http://127.0.0.1:$http/ref-$key.json" "$c")"
    read -r f_rps f_p50 f_p99 f_err <<<"$(measure "http://127.0.0.1:$http/api/_floor?bytes=$n" "$c")"
    read -r o_rps o_p50 o_p99 o_err <<<"$(measure "http://127.0.0.1:$http/" "$c" "$script")"
    rx() { awk -v a="$1" -v b="$f_rps" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
    px() { awk -v a="$(to_ms "$1")" -v b="$(to_ms "$f_p99")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
    printf '%-44s %6s %10s %9s %9s %7s %7s %7s\n' "nginx static file, same bytes (reference)" "$c" "$s_rps" "$s_p50" "$s_p99" "$s_err" "$(rx "$s_rps")" "$(px "$s_p99")"
    printf '%-44s %6s %10s %9s %9s %7s %7s %7s\n' "GET /api/_floor?bytes=$n (the floor)" "$c" "$f_rps" "$f_p50" "$f_p99" "$f_err" 1.000 1.00
    printf '%-44s %6s %10s %9s %9s %7s %7s %7s\n' "$label" "$c" "$o_rps" "$o_p50" "$o_p99" "$o_err" "$(rx "$o_rps")" "$(px "$o_p99")"
    echo "$key $c $o_rps $(to_ms "$o_p99") $o_err $f_rps $(to_ms "$f_p99") $(rx "$o_rps") $(px "$o_p99")" >>"$RUN/reads.txt"
  done
}
if want reads; then
  : >"$RUN/reads.txt"
  read_route "GET /api/v1/products/{id}, random ids" /api/v1/products/500 \
    "$ROOT/tests/bench/random_product.lua" product
  read_route "GET /api/v1/inventory/low-stock" /api/v1/inventory/low-stock \
    "$ROOT/tests/bench/low_stock.lua" low_stock
  read_route "GET /api/v1/transactions (a page of 50)" "/api/v1/transactions?store_id=1&limit=50" \
    "$ROOT/tests/bench/txn_list.lua" txn_list
  echo "reads: r/s x = req/s ÷ the floor's, p99 x = p99 ÷ the floor's, both measured just before at the same connections and body size; errors = socket errors + non-2xx. The floor is the most this nginx and gateway can answer; the static file is what nginx alone does with the same bytes."
  while read -r key c rps p99 err f_rps f_p99 rx px; do
    [ "$key" = product ] || { echo "reads $key at $c conns: req/s ÷ floor|$rx (p99 x $px)|floor $f_rps req/s|reported|-" >>"$RUN/targets.txt"; continue; }
    [ "$c" = 100 ] && echo "reads product at 100 conns: req/s ÷ floor|$rx|floor $f_rps req/s|>= 0.50|$(verdict "$(awk -v a="$rx" 'BEGIN { print (a >= 0.5) }')")" >>"$RUN/targets.txt"
    [ "$c" = 1000 ] && echo "reads product at 1000 conns: p99 ÷ floor|$px (${p99%.*} ms)|floor ${f_p99%.*} ms|<= 2.0|$(verdict "$(awk -v a="$px" 'BEGIN { print (a > 0 && a <= 2.0) }')")" >>"$RUN/targets.txt"
    echo "reads product at $c conns: errors|$err|-|0|$(verdict "$([ "$err" = 0 ] && echo 1)")" >>"$RUN/targets.txt"
  done <"$RUN/reads.txt"
fi
HDR() { printf '\n%-44s %6s %10s %9s %9s %7s %7s\n' "$1" "${2:-conns}" "req/s" p50 p99 errors ratio; }
if want overview; then
  login
  TM_BENCH_HTTP_PORT=$http TM_BENCH_PORT_BASE=$base DURATION=$DURATION CONNS=$CONNS "$ROOT/deploy/bench-overview.sh"
fi

# Setup of the write parts (writes, events, ws, load): store 1 gets plenty of
# stock through the ledger (a receipt per level), so no commit or sale is
# short; the products stocked there and their prices go to prices.txt.
psqlq "WITH u AS (UPDATE inventory.stock SET on_hand = on_hand + 100000000, updated_at = now()
        WHERE store_id = 1 RETURNING store_id, product_id, on_hand, reserved)
       INSERT INTO inventory.movements (store_id, product_id, type, quantity, principal,
        on_hand_after, reserved_after, ref_type)
       SELECT store_id, product_id, 'receipt', 100000000, 'bench', on_hand, reserved, 'bench' FROM u" >/dev/null
psqlq "SELECT p.id, p.unit_price_cents FROM inventory.products p JOIN inventory.stock s
       ON s.product_id = p.id AND s.store_id = 1 AND s.on_hand > 1000000
       JOIN txn.products t ON t.id = p.id WHERE p.active ORDER BY p.id LIMIT 1000" |
  tr '|' ' ' >"$RUN/prices.txt"

# Events end to end: writes through the API (each one product.created) for a
# while, then how fast they reached tm-analytics' copy and how long each took
# from inventory's commit to the copy (both clocks are PostgreSQL's). The
# wait counts the copies, not any outbox's counter, so it holds however the
# outbox numbers its events.
if want events; then
  login
  EV_CONNS=${BENCH_EVENT_CONNS:-16}
  ev_run=e$RANDOM
  ev_out=$(TM_BENCH_RUN=$ev_run wrk -t2 -c"$EV_CONNS" -d"$DURATION" -s "$ROOT/tests/bench/create_product.lua" "http://127.0.0.1:$http/" 2>&1)
  ev_rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$ev_out")
  ev_bad=$(awk '/Non-2xx/ {print $NF}' <<<"$ev_out")
  for _ in $(seq 1 300); do
    [ "$(psqlq "SELECT (SELECT count(*) FROM inventory.products WHERE sku LIKE 'BENCH-$ev_run-%') =
      (SELECT count(*) FROM analytics.products WHERE sku LIKE 'BENCH-$ev_run-%')")" = t ] && break
    sleep 0.1
  done
  read -r ev_n ev_p50 ev_p99 <<<"$(psqlq "SELECT count(*), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY 1000 * extract(epoch FROM applied_at - updated_at))::numeric, 1), round(percentile_cont(0.99) WITHIN GROUP (ORDER BY 1000 * extract(epoch FROM applied_at - updated_at))::numeric, 1) FROM analytics.products WHERE sku LIKE 'BENCH-$ev_run-%'" | tr '|' ' ')"
  HDR "events"
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "events: POST → product.created → analytics" "$EV_CONNS" "${ev_rps:-0}" "${ev_p50:--}ms" "${ev_p99:--}ms" "${ev_bad:-0}" "-"
  echo "events: req/s = products written (one event each); p50/p99 = inventory commit → applied in tm-analytics' copy, over ${ev_n:-0} events."
fi

# Writes (issue 22, target 3): stock commits (one line, a new sale id each)
# and scored sales (fraud-scored, stock-committed, durable: POST
# /api/v1/transactions through nginx → gateway → tm-txn → Redis +
# tm-inventory), each at 1, 8 and 32 clients beside pgbench's single-row
# INSERT on the same database measured just before.
# beside_pgbench C LABEL SCRIPT KEY: pgbench's single-row INSERT at C clients,
# then wrk with SCRIPT for as long; prints the two table rows (ratio = ours ÷
# pgbench TPS) and appends "KEY C ours pgbench errors" to writes.txt. The
# caller's TM_BENCH_* variables reach the script.
beside_pgbench() {
  local c=$1 label=$2 script=$3 key=$4 t pg_out pg_tps pg_lat out rps p50 p99 bad ratio
  t=$(( c < 2 ? 1 : 2 ))
  pg_out=$(PGCONNECT_TIMEOUT=5 pgbench -h 127.0.0.1 -p $((base + 1)) -U techmart -n -c "$c" -j "$t" \
    -T "${DURATION%s}" -f "$ROOT/tests/bench/pg_insert.sql" techmart 2>&1)
  pg_tps=$(awk '/^tps = / {print $3; exit}' <<<"$pg_out")
  pg_lat=$(awk '/^latency average/ {print $4 "ms"}' <<<"$pg_out")
  out=$(wrk -t"$t" -c"$c" -d"$DURATION" --timeout 10s --latency -s "$script" "http://127.0.0.1:$http/" 2>&1)
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/Socket errors:/ {gsub(",", ""); s = $4 + $6 + $8 + $10} /Non-2xx/ {n = $NF} END {print s + n}' <<<"$out")
  ratio=$(awk -v a="$rps" -v b="$pg_tps" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "pgbench single-row INSERT (reference)" "$c" "${pg_tps:-0}" "${pg_lat:--}" "-" 0 1.000
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "$label" "$c" "${rps:-0}" "${p50:--}" "${p99:--}" "${bad:-0}" "$ratio"
  echo "$key $c ${rps:-0} ${pg_tps:-0} ${bad:-0}" >>"$RUN/writes.txt"
}
if want writes; then
  login
  : >"$RUN/writes.txt"
  psqlq "CREATE SCHEMA IF NOT EXISTS bench; CREATE TABLE IF NOT EXISTS bench.single_row
         (id bigserial PRIMARY KEY, v double precision, at timestamptz NOT NULL DEFAULT now())" >/dev/null 2>&1
  HDR "writes (durable, fsync on)" clients
  for c in ${BENCH_STOCK_CONNS:-1 8 32}; do
    TM_BENCH_RUN="$c-$RANDOM" beside_pgbench "$c" "POST /api/v1/stock-commits (1 line)" \
      "$ROOT/tests/bench/stock_commit.lua" stock
  done
  sales_before=$(psqlq "SELECT count(*) FROM txn.transactions")
  for c in ${BENCH_SALE_CONNS:-1 8 32}; do
    TM_BENCH_RUN="s$c-$RANDOM" TM_BENCH_PRICES="$RUN/prices.txt" \
      beside_pgbench "$c" "POST /api/v1/transactions (scored sale)" "$ROOT/tests/bench/sale.lua" sale
  done
  read -r sales_done sales_declined sales_unmatched <<<"$(psqlq "SELECT
    count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'declined'),
    count(*) FILTER (WHERE status = 'completed' AND NOT EXISTS (SELECT 1 FROM inventory.stock_commits c
      WHERE c.sale_id = 'txn-' || t.id AND c.status = 'committed'))
    FROM (SELECT * FROM txn.transactions ORDER BY id OFFSET $sales_before) t" | tr '|' ' ')"
  ledger_gaps=$(psqlq "SELECT count(*) FROM inventory.stock s LEFT JOIN (SELECT store_id, product_id,
    sum(quantity) q FROM inventory.movements GROUP BY 1, 2) m USING (store_id, product_id)
    WHERE s.on_hand <> COALESCE(m.q, 0)")
  echo "stock commits: one transaction each (claim the sale id, lock the level, ledger row + level, stock.changed, commit record); ratio = commits/s ÷ pgbench TPS; pgbench p50 column = its average latency."
  echo "sales: each is decoded, priced against tm-txn's catalogue copy, scored (two Redis EVALSHAs: the velocity counters, the instrument's and customer's attempt lists; customer/store/population history), stock-committed through tm-inventory and recorded with its txn.created event and idempotency answer; ratio = sales/s ÷ pgbench TPS."
  echo "sales recorded by the sales runs: ${sales_done:-?} completed, ${sales_declined:-?} declined; completed without a committed stock commit: ${sales_unmatched:-?} (want 0)."
  echo "ledger check after the stock runs: ${ledger_gaps:-?} levels differ from their ledger (want 0)."
  w() { awk -v k="$1" -v c="$2" -v f="$3" '$1 == k && $2 == c { print $f; exit }' "$RUN/writes.txt"; }
  s1=$(w sale 1 3) s32=$(w sale 32 3) k32=$(w stock 32 3)
  {
    echo "writes: sales/s at 32 clients|${s32:--}|pgbench $(printf %.0f "$(w sale 32 4)") TPS|>= 1500|$(verdict "$(awk -v a="${s32:-0}" 'BEGIN { print (a >= 1500) }')")"
    echo "writes: sales/s at 32 ÷ at 1 client|$(awk -v a="${s32:-0}" -v b="${s1:-0}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')|${s1:--} sales/s at 1|>= 4|$(verdict "$(awk -v a="${s32:-0}" -v b="${s1:-0}" 'BEGIN { print (b > 0 && a / b >= 4) }')")"
    echo "writes: stock commits/s at 32 clients|${k32:--}|pgbench $(printf %.0f "$(w stock 32 4)") TPS|>= 3000|$(verdict "$(awk -v a="${k32:-0}" 'BEGIN { print (a >= 3000) }')")"
    echo "writes: errors (all runs)|$(awk '{ n += $5 } END { print n + 0 }' "$RUN/writes.txt")|-|0|$(verdict "$(awk '{ n += $5 } END { print (n == 0) }' "$RUN/writes.txt")")"
    echo "writes: completed sales without a committed stock commit|${sales_unmatched:-?}|-|0|$(verdict "$([ "${sales_unmatched:-1}" = 0 ] && echo 1)")"
  } >>"$RUN/targets.txt"
  # Events under the sales load (issue 22, target 4): every sale of the runs
  # above, its commit at tm-txn → its row in tm-analytics' read model.
  TM_BENCH_PG_PORT=$((base + 1)) TM_BENCH_SALES_OFFSET=$sales_before TM_BENCH_REF="${ev_n:-0} ${ev_p50:--} ${ev_p99:--}" \
    TM_BENCH_TARGETS="$RUN/targets.txt" "$ROOT/deploy/bench-analytics.sh"
fi

if want choice; then
  login
  # The supplier choice (candidates and their measured performance from
  # PostgreSQL, availability from the cached price lists, sup_choose) beside a
  # product GET at the same connections, measured just before.
  CHOICE_CONNS=${BENCH_CHOICE_CONNS:-100}
  # warmed like the product path above: the gateway's first burst at a daemon
  # it has not called opens its bus sockets at once, and one that does not
  # connect within the bus's grace marks the instance down for a moment
  # (503 "no instance is up"); that is a cold start, not the path's speed
  wrk -t2 -c"$CHOICE_CONNS" -d2s -s "$ROOT/tests/bench/supplier_choice.lua" "http://127.0.0.1:$http/" >/dev/null 2>&1
  read -r cr_rps cr_p50 cr_p99 cr_err <<<"$(measure "http://127.0.0.1:$http/" "$CHOICE_CONNS" "$ROOT/tests/bench/random_product.lua")"
  ch_out=$(wrk -t2 -c"$CHOICE_CONNS" -d"$DURATION" --timeout 10s --latency \
    -s "$ROOT/tests/bench/supplier_choice.lua" "http://127.0.0.1:$http/" 2>&1)
  ch_rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$ch_out")
  ch_p50=$(awk '$1 == "50%" {print $2}' <<<"$ch_out")
  ch_p99=$(awk '$1 == "99%" {print $2}' <<<"$ch_out")
  ch_sock=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$ch_out")
  ch_non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$ch_out")
  ch_err=$(( ${ch_sock:-0} + ${ch_non2xx:-0} ))
  ch_why=$(grep -E '^choice-(status|sample):|Socket errors' <<<"$ch_out")

  HDR "supplier choice"
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "GET /api/v1/products/{id} (reference)" "$CHOICE_CONNS" "$cr_rps" "$cr_p50" "$cr_p99" "$cr_err" 1.000
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "GET /api/v1/supplier-choice" "$CHOICE_CONNS" "$ch_rps" "$ch_p50" "$ch_p99" "$ch_err" \
    "$(awk -v a="$ch_rps" -v b="$cr_rps" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
  echo "supplier choice: a random sample product (1..300) and quantity (1..200); ratio = choices/s ÷ product GETs/s at the same connections, measured just before."
  [ -n "$ch_why" ] && echo "supplier choice, what was not a 200: $(tr '\n' ';' <<<"$ch_why")"
fi

po_round() { # po_round LABEL FAULTS -> one table row; its counts into po-detail.txt
  local label=$1 faults=$2 ids="" id t0 t1 codes again=0 orders dups
  curl -fsS -X PUT -H "Authorization: Bearer $mock_key" -d "$faults" \
    "http://127.0.0.1:$mock/admin/faults" >/dev/null || return 1
  for _ in $(seq 1 "$PO_N"); do
    id=$(curl -fsS -X POST -H "Authorization: Bearer $TM_BENCH_TOKEN" -H 'Content-Type: application/json' \
      -d "{\"supplier_id\":1,\"store_id\":1,\"lines\":[{\"product_id\":$po_offer,\"quantity\":24}]}" \
      "http://127.0.0.1:$http/api/v1/purchase-orders" | sed -E 's/^\{"id" ?: ?([0-9]+).*/\1/')
    ids+="$id "
  done
  t0=$(date +%s%N)
  codes=$(printf '%s\n' $ids | xargs -P "$PO_CONNS" -I{} curl -s -o /dev/null -w '%{http_code}\n' \
    -X POST -H "Authorization: Bearer $TM_BENCH_TOKEN" "http://127.0.0.1:$http/api/v1/purchase-orders/{}/send")
  t1=$(date +%s%N)
  for _ in 1 2 3 4 5; do # finish what is still sending, under the same keys
    local left
    left=$(psqlq "SELECT id FROM supplier.purchase_orders WHERE status = 'sending'")
    [ -z "$left" ] && break
    again=$((again + $(wc -w <<<"$left")))
    printf '%s\n' $left | xargs -P "$PO_CONNS" -I{} curl -s -o /dev/null \
      -X POST -H "Authorization: Bearer $TM_BENCH_TOKEN" "http://127.0.0.1:$http/api/v1/purchase-orders/{}/send"
  done
  orders=$(curl -fsS -H "Authorization: Bearer $mock_key" "http://127.0.0.1:$mock/admin/orders" |
    grep -o '"reference":"PO-[0-9]*"' | sort | uniq -c)
  dups=$(awk '$1 > 1' <<<"$orders" | wc -l)
  local want=0 got=0 confirmed
  for id in $ids; do
    want=$((want + 1))
    grep -q "\"PO-$id\"" <<<"$orders" && got=$((got + 1))
  done
  confirmed=$(psqlq "SELECT count(*) FROM supplier.purchase_orders WHERE id IN ($(tr ' ' ',' <<<"${ids% }"))
    AND status = 'confirmed'")
  echo "$label: $want POs, first send $(grep -c '^200$' <<<"$codes") × 200 and $(grep -c '^202$' <<<"$codes") × 202 (still sending; $again sent again), $confirmed confirmed, $got with an order at the supplier, $dups with more than one (want 0)." >>"$RUN/po-detail.txt"
  awk -v n="$want" -v t0="$t0" -v t1="$t1" -v l="$label" -v c="$PO_CONNS" -v bad="$((want - confirmed + dups))" \
    'BEGIN { printf "%-44s %6s %10.1f %9s %9s %7s %7s\n", l, c, n / ((t1 - t0) / 1e9), "-", "-", bad, "-" }'
}
if want po; then
  login
  # Purchase orders sent through tm-supplier to a sample supplier's API (a
  # tm-supplier-mock), first as it is, then with 20 % of its replies 503 (half
  # of them after it took the order): sends/s, and whether every PO became
  # exactly one order at the supplier. A send the supplier did not answer in
  # time (202) is sent again until it is confirmed.
  mock=$((base + 91))
  mock_key=$(cat "$RUN/secrets/mock-api.key")
  po_offer=$(curl -fsS -H "Authorization: Bearer $TM_BENCH_TOKEN" \
    "http://127.0.0.1:$http/api/v1/suppliers/1/offers?limit=1" | sed -E 's/.*"product_id" ?: ?([0-9]+).*/\1/')
  PO_N=${BENCH_PO_N:-200}
  PO_CONNS=${BENCH_PO_CONNS:-8}
  rm -f "$RUN/po-detail.txt"
  po_rows=$(po_round "POST .../purchase-orders/{id}/send (reference)" '{"error_rate":0}')$'\n'
  po_rows+=$(po_round "  the same, 20 % of supplier replies 503" '{"error_rate":0.2,"after_share":0.5}')$'\n'
  curl -fsS -X PUT -H "Authorization: Bearer $mock_key" -d '{"error_rate":0}' "http://127.0.0.1:$mock/admin/faults" >/dev/null

  HDR "purchase orders"
  printf '%s' "$po_rows"
  cat "$RUN/po-detail.txt" 2>/dev/null
  echo "purchase orders: req/s = first sends/s at $PO_CONNS at once (each: lock and mark the PO, call the supplier's API with retries under the PO's order key, record the answer and its events); errors = POs not confirmed at the end + POs with more than one order at the supplier."
fi

# Logins are bounded by argon2id by design: report what one costs here.
if want login; then
  LOGIN_CONNS=${BENCH_LOGIN_CONNS:-8}
  read -r l_rps l_p50 l_p99 l_err <<<"$(measure "http://127.0.0.1:$http/api/v1/auth/login" "$LOGIN_CONNS" "$ROOT/tests/bench/login.lua")"
  HDR "logins"
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "POST /api/v1/auth/login (argon2id)" "$LOGIN_CONNS" "$l_rps" "$l_p50" "$l_p99" "$l_err" "-"
  echo "argon2id cost: opslimit ${TM_PWHASH_OPS:-2}, memlimit ${TM_PWHASH_MEM_KIB:-19456} KiB (libsodium crypto_pwhash_str)."
fi

# A flood: 2,000 connections without credentials from one address (wrk, as
# fast as it can) against a product URL, with nginx's default anonymous edge
# limit; meanwhile a new client from another address (127.0.0.2) opens a new
# connection every 50 ms and GETs a product with a token. Beside it, the
# same probe with no flood (the reference). Figures: the probe's p50/p99.
probe() { # probe SECONDS OUT: the new-client probe for about SECONDS
  local end=$((SECONDS + $1))
  : >"$2"
  while [ $SECONDS -lt "$end" ]; do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 15 --interface 127.0.0.2 \
      -H "Authorization: Bearer $TM_BENCH_TOKEN" "http://127.0.0.1:$http/api/v1/products/1" >>"$2"
    sleep 0.05
  done
}
probe_stats() { # probe_stats FILE -> "n answered p50 p99" (ms)
  sort -k2,2g "$1" | awk '{ n++; if ($1 != "000") ok++; t[n] = $2 * 1000 } END {
    i50 = int(n * 0.5 + 0.5); i99 = int(n * 0.99 + 0.5); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1;
    printf "%d %d %.1f %.1f", n, ok + 0, t[i50], t[i99] }'
}
if want flood; then
  login
  flood_s=${DURATION%s}
  TM_RUN_DIR=$RUN TM_GATEWAY_THREADS=$THREADS env -u TM_EDGE_ANON_RATE -u TM_EDGE_ANON_BURST \
    "$ROOT/deploy/stack.sh" nginx reload 2>/dev/null
  probe "$flood_s" "$RUN/probe-quiet.txt"
  wrk -t2 -c2000 -d"$DURATION" --timeout 15s "http://127.0.0.1:$http/api/v1/products/1" >"$RUN/flood.txt" 2>&1 &
  flood_pid=$!
  sleep 1
  probe $((flood_s - 2)) "$RUN/probe-flood.txt"
  wait "$flood_pid"
  read -r q_n q_ok q_p50 q_p99 <<<"$(probe_stats "$RUN/probe-quiet.txt")"
  read -r f_n f_ok f_p50 f_p99 <<<"$(probe_stats "$RUN/probe-flood.txt")"
  f_rps=$(awk '/^Requests\/sec:/ {print $2}' "$RUN/flood.txt")
  HDR "flood"
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "new client, no flood (reference)" 1 "-" "${q_p50}ms" "${q_p99}ms" "$((q_n - q_ok))" 1.000
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "new client during a 2,000-conn flood" 1 "-" "${f_p50}ms" "${f_p99}ms" "$((f_n - f_ok))" \
    "$(awk -v a="$f_p99" -v b="$q_p99" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')"
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "  the flood: anonymous, 429s from nginx" 2000 "${f_rps:-0}" "-" "-" "-" "-"
  echo "flood: ${f_n:-0} new-client probes during the flood, ${f_ok:-0} answered (target: p99 under 1 s); ratio = p99 ÷ the quiet p99. The flood's requests carry no credentials and meet nginx's default anonymous limit (10/s, burst 100 per address)."
  # back to the bench's edge limits for what follows
  TM_RUN_DIR=$RUN TM_GATEWAY_THREADS=$THREADS "$ROOT/deploy/stack.sh" nginx reload 2>/dev/null
  # A forged token carries credentials, so nginx's anonymous limit lets it
  # through (its per-address limit is lifted here, as for many addresses):
  # every request is the gateway's to refuse and count. Beside the floor of
  # the 401's size, measured just before.
  n401=$(curl -s -H 'Authorization: Bearer forged.token.x' "http://127.0.0.1:$http/api/v1/products/1" | wc -c)
  read -r g_floor _ _ _ <<<"$(measure "http://127.0.0.1:$http/api/_floor?bytes=$n401" 100)"
  wrk -t2 -c100 -d"$DURATION" --timeout 15s -s "$ROOT/tests/bench/forged_token.lua" \
    "http://127.0.0.1:$http" >"$RUN/forged.txt" 2>&1 &
  flood_pid=$!
  sleep 1
  probe $((flood_s - 2)) "$RUN/probe-forged.txt"
  wait "$flood_pid"
  read -r g_n g_ok g_p50 g_p99 <<<"$(probe_stats "$RUN/probe-forged.txt")"
  g_rps=$(awk '/^Requests\/sec:/ {print $2}' "$RUN/forged.txt")
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "new client during a forged-token flood" 1 "-" "${g_p50}ms" "${g_p99}ms" "$((g_n - g_ok))" \
    "$(awk -v a="$g_p99" -v b="$q_p99" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')"
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "  the flood: a forged token, 401s" 100 "${g_rps:-0}" "-" "-" "-" \
    "$(awk -v a="${g_rps:-0}" -v b="${g_floor:-0}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "  GET /api/_floor?bytes=$n401 (the floor)" 100 "${g_floor:-0}" "-" "-" "-" 1.000
  echo "forged: the forged-token flood's 401s per second ÷ the floor's (ratio column); each refusal is counted in the gateway's memory and written once a second (docs/security.md, Audit), where it was one database write each (0.08 of the floor, 2026-11-28)."
fi

# The documents' load test (issue 22, target 5), and with memory (target 6)
# the same again: every process's VmRSS after each run beside its idle figure.
if want load; then
  load_env=("RUN=$RUN" "HTTP_PORT=$http" "BIN=$BIN" "LOAD_STORES=$TM_BENCH_STORES" "LOAD_FLOOR_BYTES=$size")
  env "${load_env[@]}" LOAD_TAG=1 "$ROOT/deploy/bench-load.sh"
  "$ROOT/deploy/bench-mem.sh" snap "$RUN" "$RUN/mem-1.txt"
  if want memory; then
    env "${load_env[@]}" LOAD_TAG=2 "$ROOT/deploy/bench-load.sh"
    "$ROOT/deploy/bench-mem.sh" snap "$RUN" "$RUN/mem-2.txt"
    "$ROOT/deploy/bench-mem.sh" report "$RUN/mem-idle.txt" "$RUN/mem-1.txt" "$RUN/mem-2.txt" |
      tee "$RUN/mem-report.txt" | grep -v '^memory-verdict'
    read -r _ mv mbad <<<"$(grep '^memory-verdict' "$RUN/mem-report.txt")"
    echo "memory: daemons growing beyond the threshold between two load tests|${mbad:-?}|idle and run 1 figures above|0|${mv:-MISSED}" >>"$RUN/targets.txt"
  fi
fi

if want fraud; then
  # Fraud scoring offline: the sample generator's labelled sales (60 days,
  # 2,000 customers, ~1.4 % planted fraud) replayed through fr_score with our
  # default rule set and with the seed's four rules, in the same run.
  fraud_csv=$(mktemp /tmp/tm-fraud.XXXXXX)
  "$BIN/tm-fraud-eval" --generate 60 >"$fraud_csv"
  echo
  echo "fraud scoring (tm-fraud-eval, sample generator data; no real labelled fraud data exists here):"
  # rule set version 2 (default), version 1 and the seed's rules side by side,
  # with recall per planted pattern; the first week only builds history
  "$BIN/tm-fraud-eval" --warmup 7 --rules default --rules v1 --rules seed "$fraud_csv"
  # Real labels: the sensor readings of tests/data (not fraud; mechanics only,
  # see tests/data/README.md), each reading a "sale" of its sensor, scored by
  # how far it is from the sensor's own recent readings; the seed's rules beside.
  awk -F, 'NR == 1 { print "ts,customer,instrument,store,total_cents,units,top_units,top_price_cents,local_hour,label" }
    NR > 1 { ts = 1273363200 + 5 * $1; amt = int($4 * 100 + 0.5);
    printf "%d,mote-%d,mote-%d,%d,%d,1,1,%d,%d,%d\n", ts, $2, $2, $2, amt, amt, int((ts % 86400) / 3600), $6 }' \
    "$ROOT/tests/data/sensor_anomaly_labelled.csv" | sort -t, -k1,1n >"$fraud_csv"
  echo
  echo "anomaly scoring on real labels (tm-fraud-eval, tests/data/sensor_anomaly_labelled.csv; sensor readings, not fraud):"
  "$BIN/tm-fraud-eval" --rules "$ROOT/tests/data/sensor_rules.json" "$fraud_csv"
  "$BIN/tm-fraud-eval" --rules seed "$fraud_csv"
  rm -f "$fraud_csv"

fi

if want ws; then
  RUN=$RUN HTTP_PORT=$http TM_GATEWAY_THREADS=$THREADS BIN=$BIN "$ROOT/deploy/bench-ws.sh"
fi
if want web; then
  RUN=$RUN HTTP_PORT=$http "$ROOT/deploy/bench-web.sh"
fi
if want forecast; then
  echo
  BIN=$BIN "$ROOT/deploy/bench-forecast.sh"
fi
if want reorder; then
  echo
  BIN=$BIN "$ROOT/deploy/bench-reorder.sh"
fi

# The summary (issue 22): each figure beside its reference and target.
echo
printf '%-56s %-16s %-26s %-9s %s\n' "issue 22 targets" figure reference target verdict
while IFS='|' read -r name value ref target v; do
  printf '%-56s %-16s %-26s %-9s %s\n' "$name" "$value" "$ref" "$target" "$v"
done <"$RUN/targets.txt"
echo "issue 22 targets: $(grep -c '|met$' "$RUN/targets.txt") met, $(grep -c '|MISSED$' "$RUN/targets.txt") MISSED, $(grep -c '|-$' "$RUN/targets.txt") reported without a target$( [ -n "$ONLY" ] && echo " (BENCH_ONLY=$ONLY: the other parts did not run)")."
