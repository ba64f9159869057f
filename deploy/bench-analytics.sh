#!/usr/bin/env bash
# deploy/bench-analytics.sh — freshness of tm-analytics' sales read models in
# `make bench`: for every sale the bench's sales runs recorded (completed or
# declined), the time from its commit at tm-txn (txn.transactions.created_at,
# taken in the sale's transaction just before its commit) to its row in
# analytics.sales (applied_at, written by the subscriber in the transaction
# that applies txn.created / txn.declined). Both clocks are PostgreSQL's.
# Printed beside the same run's reference: inventory's product.created to
# tm-analytics' catalogue copy (deploy/bench.sh's events row).
# Called by deploy/bench.sh while its stack is up, after the sales runs:
#   TM_BENCH_PG_PORT    the stack's PostgreSQL port
#   TM_BENCH_SALES_OFFSET  how many sales tm-txn held before the sales runs
#   TM_BENCH_REF        "n p50 p99" of the reference (ms)
#   TM_BENCH_TARGETS    optional: the file its issue 22 verdict is appended to
set -uo pipefail
PORT=${TM_BENCH_PG_PORT:?set by deploy/bench.sh}
OFFSET=${TM_BENCH_SALES_OFFSET:-0}
read -r ref_n ref_p50 ref_p99 <<<"${TM_BENCH_REF:-0 - -}"
psqlq() { PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -p "$PORT" -U techmart -d techmart -qAt -c "$1"; }

# wait (up to 30 s) until tm-analytics holds a row for every sale of the
# runs: counted on both sides, not read from an outbox's counter, so the
# wait holds however the outbox numbers its events
for _ in $(seq 1 300); do
  [ "$(psqlq "SELECT NOT EXISTS (SELECT 1 FROM (SELECT id FROM txn.transactions ORDER BY id
    OFFSET $OFFSET) t WHERE NOT EXISTS (SELECT 1 FROM analytics.sales a WHERE a.id = t.id))")" = t ] && break
  sleep 0.1
done
read -r n missing p50 p99 worst <<<"$(psqlq "WITH t AS (SELECT id, created_at FROM txn.transactions
    ORDER BY id OFFSET $OFFSET),
  d AS (SELECT 1000 * extract(epoch FROM a.applied_at - t.created_at) AS ms
    FROM t JOIN analytics.sales a USING (id))
  SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM t) - (SELECT count(*) FROM d),
    round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
    round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1),
    round(max(ms)::numeric, 1) FROM d" | tr '|' ' ')"
echo
printf '%-44s %6s %10s %9s %9s %7s %7s\n' "freshness (commit → read model)" events n p50 p99 missing ratio
printf '%-44s %6s %10s %9s %9s %7s %7s\n' "product.created → catalogue copy (reference)" "-" "${ref_n:-0}" \
  "${ref_p50:--}ms" "${ref_p99:--}ms" "-" 1.000
printf '%-44s %6s %10s %9s %9s %7s %7s\n' "sale → analytics.sales (txn.created)" "-" "${n:-0}" \
  "${p50:--}ms" "${p99:--}ms" "${missing:-?}" \
  "$(awk -v a="${p99:-0}" -v b="${ref_p99:-0}" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')"
echo "freshness: every sale of the sales runs above, from its commit at tm-txn (created_at) to its row in tm-analytics' read models (applied_at; the aggregates are written in the same statement); target p99 < 100 ms (issue 22; issue 20's was 1000 ms); worst ${worst:--} ms; missing = sales without a row after 30 s (want 0); ratio = p99 ÷ the reference's p99."
if [ -n "${TM_BENCH_TARGETS:-}" ]; then
  met=$(awk -v a="${p99:-}" -v m="${missing:-1}" 'BEGIN { print (a != "" && a + 0 < 100 && m == 0 ? "met" : "MISSED") }')
  echo "events: sale commit → applied p99 ms, under the sales load|${p99:--} (${missing:-?} missing)|product.created ${ref_p99:--} ms|< 100|$met" >>"$TM_BENCH_TARGETS"
fi
