#!/usr/bin/env bash
# deploy/bench.sh — `make bench`: the first benchmark. Starts a throwaway stack
# (its own PostgreSQL, Redis, nginx, daemons) and measures with wrk, in the
# same run and on the same machine:
#   - GET /api/v1/products/{id} through nginx → tm-gateway → tm-inventory → PostgreSQL
#   - nginx serving a static file of the same size (the reference)
# at 100 and at 1,000 connections; stock commits beside pgbench's single-row
# INSERT at 1, 8 and 32 clients; fraud-scored sales beside it at 8 and 32;
# events and logins; and prints one table with
# the ratio of ours to each reference. The machine is shared and noisy: read the ratios.
# Then the offline parts: fraud scoring, forecasting accuracy
# (deploy/bench-forecast.sh) and the reorder simulation (deploy/bench-reorder.sh).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-bin}
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNS:-"100 1000"}
THREADS=${TM_GATEWAY_THREADS:-1100}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

RUN=$(mktemp -d /tmp/tm-bench.XXXXXX)
chmod 755 "$RUN"
trap 'TM_RUN_DIR=$RUN "$ROOT/deploy/stack.sh" down >/dev/null 2>&1; rm -rf "$RUN"' EXIT
# Below the kernel's ephemeral range (32768+), where client sockets could hold a port.
base=$(( (RANDOM % 120 + 200) * 100 ))
http=$((base + 99))

# Limits far above what the load generator can send: the bench measures the
# path, not the limiter's refusals. Password hashing keeps its real cost.
export TM_ADMIN_EMAIL=admin@techmart.bench TM_ADMIN_PASSWORD=bench-admin-password-1
export TM_RATE_LIMITS="admin=100000000,anonymous=100000000" TM_RATE_IP=100000000
export TM_RATE_LOGIN=100000
export TM_GATEWAY_WS_PER_PRINCIPAL=16384 # bench-ws.sh's clients share one token
# nginx's per-address edge limits likewise (the load comes from one address);
# the flood run below puts the anonymous one back to its default.
export TM_EDGE_CONN=60000 TM_EDGE_RATE=1000000 TM_EDGE_BURST=1000000
export TM_EDGE_ANON_RATE=1000000 TM_EDGE_ANON_BURST=1000000
echo "bench: starting a stack in $RUN (ports $base+, gateway threads $THREADS)"
if ! TM_RUN_DIR=$RUN TM_PORT_BASE=$base TM_HTTP_PORT=$http TM_GATEWAY_THREADS=$THREADS \
     SCALE=${SCALE:-} BIN=$BIN "$ROOT/deploy/stack.sh" up >"$RUN/up.log" 2>&1; then
  echo "bench: the stack did not start"; tail -n 20 "$RUN/up.log"; exit 1
fi

TM_BENCH_TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d "{\"email\":\"$TM_ADMIN_EMAIL\",\"password\":\"$TM_ADMIN_PASSWORD\"}" \
  "http://127.0.0.1:$http/api/v1/auth/login" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
export TM_BENCH_TOKEN
# The reference file: the same bytes a product GET returns, so sizes match.
curl -fsS -H "Authorization: Bearer $TM_BENCH_TOKEN" "http://127.0.0.1:$http/api/v1/products/500" \
  -o "$RUN/www/product.json" || exit 1
size=$(stat -c %s "$RUN/www/product.json")

. "$ROOT/deploy/bench-lib.sh" # measure URL CONNS [SCRIPT] -> "rps p50 p99 errors"

# Warm both paths (connections, caches, JIT-free but page cache matters).
wrk -t2 -c50 -d2s -s "$ROOT/tests/bench/random_product.lua" "http://127.0.0.1:$http/" >/dev/null 2>&1
wrk -t2 -c50 -d2s "http://127.0.0.1:$http/product.json" >/dev/null 2>&1

printf '\n%-44s %6s %10s %9s %9s %7s %7s\n' "target ($size-byte JSON body)" conns "req/s" p50 p99 errors ratio
for c in $CONNS; do
  read -r s_rps s_p50 s_p99 s_err <<<"$(measure "http://127.0.0.1:$http/product.json" "$c")"
  read -r o_rps o_p50 o_p99 o_err <<<"$(measure "http://127.0.0.1:$http/" "$c" "$ROOT/tests/bench/random_product.lua")"
  ratio=$(awk -v a="$o_rps" -v b="$s_rps" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "nginx static file (reference)" "$c" "$s_rps" "$s_p50" "$s_p99" "$s_err" "1.000"
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "GET /api/v1/products/{id} (full stack)" "$c" "$o_rps" "$o_p50" "$o_p99" "$o_err" "$ratio"
done
TM_BENCH_HTTP_PORT=$http TM_BENCH_PORT_BASE=$base DURATION=$DURATION CONNS=$CONNS "$ROOT/deploy/bench-overview.sh"
# Events end to end: writes through the API (each one product.created) for a
# while, then how fast they reached tm-analytics' copy and how long each took
# from inventory's commit to the copy (both clocks are PostgreSQL's).
EV_CONNS=${BENCH_EVENT_CONNS:-16}
psqlq() { PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -p $((base + 1)) -U techmart -d techmart -qAt -c "$1"; }
ev_out=$(wrk -t2 -c"$EV_CONNS" -d"$DURATION" -s "$ROOT/tests/bench/create_product.lua" "http://127.0.0.1:$http/" 2>&1)
ev_rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$ev_out")
ev_bad=$(awk '/Non-2xx/ {print $NF}' <<<"$ev_out")
for _ in $(seq 1 300); do
  [ "$(psqlq "SELECT (SELECT last FROM inventory.outbox_seq) = (SELECT last_seq FROM analytics.inbox WHERE source = 'inventory') AND NOT EXISTS (SELECT 1 FROM inventory.outbox_pending)")" = t ] && break
  sleep 0.1
done
read -r ev_n ev_p50 ev_p99 <<<"$(psqlq "SELECT count(*), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY 1000 * extract(epoch FROM applied_at - updated_at))::numeric, 1), round(percentile_cont(0.99) WITHIN GROUP (ORDER BY 1000 * extract(epoch FROM applied_at - updated_at))::numeric, 1) FROM analytics.products WHERE sku LIKE 'BENCH-%'" | tr '|' ' ')"

# Stock commits (one line, a new sale id each) beside pgbench's single-row
# INSERT on the same database, at 1, 8 and 32 clients. Store 1 first gets
# plenty of stock through the ledger (a receipt per level), so no commit is short.
psqlq "WITH u AS (UPDATE inventory.stock SET on_hand = on_hand + 100000000, updated_at = now()
        WHERE store_id = 1 RETURNING store_id, product_id, on_hand, reserved)
       INSERT INTO inventory.movements (store_id, product_id, type, quantity, principal,
        on_hand_after, reserved_after, ref_type)
       SELECT store_id, product_id, 'receipt', 100000000, 'bench', on_hand, reserved, 'bench' FROM u" >/dev/null
psqlq "CREATE SCHEMA IF NOT EXISTS bench; CREATE TABLE IF NOT EXISTS bench.single_row
       (id bigserial PRIMARY KEY, v double precision, at timestamptz NOT NULL DEFAULT now())" >/dev/null
# beside_pgbench C LABEL SCRIPT: pgbench's single-row INSERT at C clients,
# then wrk with SCRIPT for as long; prints the two table rows (ratio = ours ÷
# pgbench TPS). The caller's TM_BENCH_* variables reach the script.
beside_pgbench() {
  local c=$1 label=$2 script=$3 t pg_out pg_tps pg_lat out rps p50 p99 bad ratio
  t=$(( c < 2 ? 1 : 2 ))
  pg_out=$(PGCONNECT_TIMEOUT=5 pgbench -h 127.0.0.1 -p $((base + 1)) -U techmart -n -c "$c" -j "$t" \
    -T "${DURATION%s}" -f "$ROOT/tests/bench/pg_insert.sql" techmart 2>&1)
  pg_tps=$(awk '/^tps = / {print $3; exit}' <<<"$pg_out")
  pg_lat=$(awk '/^latency average/ {print $4 "ms"}' <<<"$pg_out")
  out=$(wrk -t"$t" -c"$c" -d"$DURATION" --timeout 10s --latency -s "$script" "http://127.0.0.1:$http/" 2>&1)
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  ratio=$(awk -v a="$rps" -v b="$pg_tps" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "pgbench single-row INSERT (reference)" "$c" "${pg_tps:-0}" "${pg_lat:--}" "-" 0 1.000
  printf '%-44s %6s %10s %9s %9s %7s %7s\n' "$label" "$c" "${rps:-0}" "${p50:--}" "${p99:--}" "${bad:-0}" "$ratio"
}
STOCK_CONNS=${BENCH_STOCK_CONNS:-"1 8 32"}
stock_rows=""
for c in $STOCK_CONNS; do
  stock_rows+=$(TM_BENCH_RUN="$c-$RANDOM" beside_pgbench "$c" "POST /api/v1/stock-commits (1 line)" \
    "$ROOT/tests/bench/stock_commit.lua")$'\n'
done

# Sales (fraud-scored, stock-committed, durable: POST /api/v1/transactions
# through nginx → gateway → tm-txn → Redis + tm-inventory) at 8 and 32
# clients, each beside pgbench's single-row INSERT measured just before.
psqlq "SELECT p.id, p.unit_price_cents FROM inventory.products p JOIN inventory.stock s
       ON s.product_id = p.id AND s.store_id = 1 AND s.on_hand > 1000000
       JOIN txn.products t ON t.id = p.id WHERE p.active ORDER BY p.id LIMIT 1000" |
  tr '|' ' ' >"$RUN/prices.txt"
SALE_CONNS=${BENCH_SALE_CONNS:-"8 32"}
sale_rows=""
sales_before=$(psqlq "SELECT count(*) FROM txn.transactions")
for c in $SALE_CONNS; do
  sale_rows+=$(TM_BENCH_RUN="s$c-$RANDOM" TM_BENCH_PRICES="$RUN/prices.txt" \
    beside_pgbench "$c" "POST /api/v1/transactions (scored sale)" "$ROOT/tests/bench/sale.lua")$'\n'
done
read -r sales_done sales_declined sales_unmatched <<<"$(psqlq "SELECT
  count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'declined'),
  count(*) FILTER (WHERE status = 'completed' AND NOT EXISTS (SELECT 1 FROM inventory.stock_commits c
    WHERE c.sale_id = 'txn-' || t.id AND c.status = 'committed'))
  FROM (SELECT * FROM txn.transactions ORDER BY id OFFSET $sales_before) t" | tr '|' ' ')"

ledger_gaps=$(psqlq "SELECT count(*) FROM inventory.stock s LEFT JOIN (SELECT store_id, product_id,
  sum(quantity) q FROM inventory.movements GROUP BY 1, 2) m USING (store_id, product_id)
  WHERE s.on_hand <> COALESCE(m.q, 0)")

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
po_rows=$(po_round "POST .../purchase-orders/{id}/send (reference)" '{"error_rate":0}')$'\n'
po_rows+=$(po_round "  the same, 20 % of supplier replies 503" '{"error_rate":0.2,"after_share":0.5}')$'\n'
curl -fsS -X PUT -H "Authorization: Bearer $mock_key" -d '{"error_rate":0}' "http://127.0.0.1:$mock/admin/faults" >/dev/null

# Logins are bounded by argon2id by design: report what one costs here.
LOGIN_CONNS=${BENCH_LOGIN_CONNS:-8}
read -r l_rps l_p50 l_p99 l_err <<<"$(measure "http://127.0.0.1:$http/api/v1/auth/login" "$LOGIN_CONNS" "$ROOT/tests/bench/login.lua")"
printf '%-44s %6s %10s %9s %9s %7s %7s\n' "POST /api/v1/auth/login (argon2id)" "$LOGIN_CONNS" "$l_rps" "$l_p50" "$l_p99" "$l_err" "-"

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
printf '%-44s %6s %10s %9s %9s %7s %7s\n' "new client, no flood (reference)" 1 "-" "${q_p50}ms" "${q_p99}ms" "$((q_n - q_ok))" 1.000
printf '%-44s %6s %10s %9s %9s %7s %7s\n' "new client during a 2,000-conn flood" 1 "-" "${f_p50}ms" "${f_p99}ms" "$((f_n - f_ok))" \
  "$(awk -v a="$f_p99" -v b="$q_p99" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')"
printf '%-44s %6s %10s %9s %9s %7s %7s\n' "  the flood: anonymous, 429s from nginx" 2000 "${f_rps:-0}" "-" "-" "-" "-"
printf '%-44s %6s %10s %9s %9s %7s %7s\n' "events: POST → product.created → analytics" "$EV_CONNS" "${ev_rps:-0}" "${ev_p50:--}ms" "${ev_p99:--}ms" "${ev_bad:-0}" "-"
printf '%s' "$stock_rows" "$sale_rows"
printf '%-44s %6s %10s %9s %9s %7s %7s\n' "GET /api/v1/products/{id} (reference)" "$CHOICE_CONNS" "$cr_rps" "$cr_p50" "$cr_p99" "$cr_err" 1.000
printf '%-44s %6s %10s %9s %9s %7s %7s\n' "GET /api/v1/supplier-choice" "$CHOICE_CONNS" "$ch_rps" "$ch_p50" "$ch_p99" "$ch_err" \
  "$(awk -v a="$ch_rps" -v b="$cr_rps" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
printf '%s' "$po_rows"
echo
echo "stock commits: one transaction each (claim the sale id, lock the level, ledger row + level, stock.changed, commit record); ratio = commits/s ÷ pgbench TPS; pgbench p50 column = its average latency."
echo "sales: each is decoded, priced against tm-txn's catalogue copy, scored (one Redis EVALSHA for the velocity counters, customer/store history), stock-committed through tm-inventory and recorded with its txn.created event and idempotency answer; ratio = sales/s ÷ pgbench TPS."
echo "sales recorded by the sales runs: ${sales_done:-?} completed, ${sales_declined:-?} declined; completed without a committed stock commit: ${sales_unmatched:-?} (want 0)."
echo "ledger check after the stock runs: ${ledger_gaps:-?} levels differ from their ledger (want 0)."
echo "events: req/s = products written (one event each); p50/p99 = inventory commit → applied in tm-analytics' copy, over ${ev_n:-0} events."
TM_BENCH_PG_PORT=$((base + 1)) TM_BENCH_SALES_OFFSET=$sales_before TM_BENCH_REF="${ev_n:-0} ${ev_p50:--} ${ev_p99:--}" "$ROOT/deploy/bench-analytics.sh"
echo "ratio = our req/s ÷ nginx static req/s, measured in this run; errors = socket errors + non-2xx."
echo "GETs carry a bearer token: each pays token verification and one Redis round trip (limits, revocation)."
echo "flood: ${f_n:-0} new-client probes during the flood, ${f_ok:-0} answered (target: p99 under 1 s); ratio = p99 ÷ the quiet p99. The flood's requests carry no credentials and meet nginx's default anonymous limit (10/s, burst 100 per address)."
echo "supplier choice: a random sample product (1..300) and quantity (1..200); ratio = choices/s ÷ product GETs/s at the same connections, measured just before."
[ -n "$ch_why" ] && echo "supplier choice, what was not a 200: $(tr '\n' ';' <<<"$ch_why")"
cat "$RUN/po-detail.txt" 2>/dev/null
echo "purchase orders: req/s = first sends/s at $PO_CONNS at once (each: lock and mark the PO, call the supplier's API with retries under the PO's order key, record the answer and its events); errors = POs not confirmed at the end + POs with more than one order at the supplier."
echo "argon2id cost: opslimit ${TM_PWHASH_OPS:-2}, memlimit ${TM_PWHASH_MEM_KIB:-19456} KiB (libsodium crypto_pwhash_str)."

# Fraud scoring offline: the sample generator's labelled sales (60 days,
# 2,000 customers, ~1.4 % planted fraud) replayed through fr_score with our
# default rule set and with the seed's four rules, in the same run.
fraud_csv=$(mktemp /tmp/tm-fraud.XXXXXX)
"$BIN/tm-fraud-eval" --generate 60 >"$fraud_csv"
echo
echo "fraud scoring (tm-fraud-eval, sample generator data; no real labelled fraud data exists here):"
"$BIN/tm-fraud-eval" --rules default "$fraud_csv"
"$BIN/tm-fraud-eval" --rules seed "$fraud_csv"
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

RUN=$RUN HTTP_PORT=$http TM_GATEWAY_THREADS=$THREADS BIN=$BIN "$ROOT/deploy/bench-ws.sh"
echo
BIN=$BIN "$ROOT/deploy/bench-forecast.sh"

echo
BIN=$BIN "$ROOT/deploy/bench-reorder.sh"
