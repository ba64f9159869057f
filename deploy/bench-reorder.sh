#!/usr/bin/env bash
# deploy/bench-reorder.sh — the reorder simulation of `make bench` (also runs
# alone): on the real daily demand sets of tests/data/demand, tm-reorder-eval
# sets our policy 90 days before each series' end, and tm-reorder-sim replays
# those 90 days under it, the design documents' rule, the textbook normal
# (R, s, S) and a fixed min/max, at fill-rate targets 0.90, 0.95 and 0.98;
# then, at 0.95, the same with every policy re-set weekly from the history to
# date (as tm-inventory refreshes its forecasts; not what the issue's table
# asks, which keeps the levels set at the origin). Beside each fill-rate
# table, the stock each baseline needs to reach the target (and ours'
# achieved fill) when its own safety setting is searched (tm-reorder-sim's
# equal-service rows), × ours.
# Settings (docs/reorder.md, "Offline evaluation and simulation"): lead time
# 7 ± 2.5 days drawn per order, daily review, lost sales, no order cost
# (orders of a review period's demand), holding 25 %/year, seed 1.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-bin}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
DATA=${BENCH_REORDER_DATA:-$ROOT/tests/data/demand} # another directory of daily series: the same tables on them
TMP=$(mktemp -d /tmp/tm-reorder-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

SETS=${BENCH_REORDER_SETS:-"m5_item_daily_sample online_retail_daily_demand m5_store_dept_daily"}
TARGETS=${BENCH_REORDER_TARGETS:-"0.90 0.95 0.98"}
ORIGIN=${BENCH_REORDER_ORIGIN:-90}
SETTINGS=(--lead-time-mean 7 --lead-time-sd 2.5 --review-days 1 --holding-cost 0.25
          --order-cost 0 --unit-cost 1 --origin-days-from-end "$ORIGIN")

# summarise SET TARGET SIM_OUTPUT: per class, each policy's fill rate and
# stock (× ours), one line per class
summarise() {
  awk -v set="$1" -v f="$2" '
    $1 ~ /^(all|smooth|erratic|intermittent|lumpy|too_short|no_demand)$/ && $2 ~ /^[0-9]+$/ {
      c = $1; n[c] = $2; k = (index($0, "ours (") ? 0 : index($0, "documents") ? 1 : index($0, "textbook") ? 2 : 3)
      fill[c, k] = $(NF - 7); vs[c, k] = $NF; if (!(c in seen)) { seen[c] = 1; order[++m] = c } }
    END { for (i = 1; i <= m; i++) { c = order[i]
      printf "%-5s %-27s %-13s %6d  %6.3f %s   %6.3f %5.2f   %6.3f %5.2f   %6.3f %5.2f\n", f, set, c, n[c],
        fill[c, 0], (fill[c, 0] >= f ? "ok" : "--"), fill[c, 1], vs[c, 1], fill[c, 2], vs[c, 2], fill[c, 3], vs[c, 3] } }' "$3"
}

# summarise_need SET TARGET SIM_OUTPUT: per class, the stock each baseline
# needs for the target (its setting, its stock × ours) and ours' stock ÷ the
# least of them, then the same ratio with the baselines at ours' achieved fill
summarise_need() {
  awk -v set="$1" -v f="$2" '
    $1 == "need" && $3 ~ /^[0-9]+$/ {
      c = $2; if (!(c in seen)) { seen[c] = 1; order[++m] = c }
      if ($4 == "ours") { n[c] = $3; fill[c] = $6; ours[c] = $7; next }
      k = $4; st[c, k] = $5; vs[c, k] = $8; st1[c, k] = $9
      if ($5 != "unreached" && (!((c, 0) in least) || $7 < least[c, 0])) least[c, 0] = $7
      if ($9 != "unreached" && (!((c, 1) in least) || $11 < least[c, 1])) least[c, 1] = $11 }
    function cell(c, k) { return st[c, k] == "unreached" ? sprintf("%-9s %5s", "unreached", "-") : sprintf("%-9s %5.2f", st[c, k], vs[c, k]) }
    function ratio(c, i) { return ((c, i) in least) && least[c, i] > 0 ? sprintf("%6.2f", ours[c] / least[c, i]) : sprintf("%6s", "-") }
    END { for (i = 1; i <= m; i++) { c = order[i]
      printf "%-5s %-27s %-13s %6d  %6.3f %s   %s   %s   %s   %s   %s\n", f, set, c, n[c], fill[c],
        (fill[c] >= f ? "ok" : "--"), cell(c, "documents"), cell(c, "textbook"), cell(c, "minmax"), ratio(c, 0), ratio(c, 1) } }' "$3"
}

echo "== reorder simulation: the last $ORIGIN days of each series replayed (tm-reorder-sim; policies set on the days before)"
echo "   settings: ${SETTINGS[*]} --seed 1"
for f in $TARGETS; do
  for s in $SETS; do
    if ! "$BIN/tm-reorder-eval" "$DATA/$s.csv" --policy "$TMP/$s-$f.policy.csv" --fill-rate "$f" \
         "${SETTINGS[@]}" 2>"$TMP/$s-$f.eval"; then
      echo "bench-reorder: tm-reorder-eval failed on $s:"; cat "$TMP/$s-$f.eval"; continue
    fi
    if ! "$BIN/tm-reorder-sim" "$DATA/$s.csv" --policy "$TMP/$s-$f.policy.csv" --fill-rate "$f" \
         "${SETTINGS[@]}" --seed 1 >"$TMP/$s-$f.sim" 2>&1; then
      echo "bench-reorder: tm-reorder-sim failed on $s:"; cat "$TMP/$s-$f.sim"; continue
    fi
    summarise "$s" "$f" "$TMP/$s-$f.sim" >>"$TMP/summary"
    summarise_need "$s" "$f" "$TMP/$s-$f.sim" >>"$TMP/need"
  done
done
echo
echo "fill rate achieved (units served / demanded, pooled per class) and average stock × ours' (ok: ours at or above the target)"
printf '%-5s %-27s %-13s %6s  %-9s   %-12s   %-12s   %-12s\n' target "data set" class series "ours" "documents" "textbook" "min/max"
printf '%-5s %-27s %-13s %6s  %-9s   %-12s   %-12s   %-12s\n' "" "" "" "" "fill" "fill stock" "fill stock" "fill stock"
cat "$TMP/summary" 2>/dev/null
echo
echo "stock each policy needs for the target, × ours: each baseline's own setting (documents: safety days, 3 as written;"
echo "textbook: z + shift, 0 as written; min/max: scale of both levels, 1 as written), one per class, found by bisection so that its"
echo "fill pooled over the class reaches the target, same demand and lead-time draws; ours as set (its fill shown; --: under the"
echo "target). ours/least: ours' stock ÷ the least any baseline needs for the target (below 1: ours holds less); ours/@ours: the"
echo "same with the baselines brought to ours' achieved fill instead — the equal-service figure where ours is over or under the target"
printf '%-5s %-27s %-13s %6s  %-9s   %-15s   %-15s   %-15s   %-6s   %-6s\n' target "data set" class series "ours" "documents" "textbook" "min/max" "ours/" "ours/"
printf '%-5s %-27s %-13s %6s  %-9s   %-15s   %-15s   %-15s   %-6s   %-6s\n' "" "" "" "" "fill" "setting  stock" "setting  stock" "setting  stock" "least" "@ours"
cat "$TMP/need" 2>/dev/null
echo
echo "== the same at 0.95 with every policy re-set every 7 days from the history to date (tm-reorder-sim --replan-days 7)"
printf '%-5s %-27s %-13s %6s  %-9s   %-12s   %-12s   %-12s\n' target "data set" class series "ours" "documents" "textbook" "min/max"
printf '%-5s %-27s %-13s %6s  %-9s   %-12s   %-12s   %-12s\n' "" "" "" "" "fill" "fill stock" "fill stock" "fill stock"
for s in $SETS; do
  [ -f "$TMP/$s-0.95.policy.csv" ] || continue
  if "$BIN/tm-reorder-sim" "$DATA/$s.csv" --policy "$TMP/$s-0.95.policy.csv" --fill-rate 0.95 \
       "${SETTINGS[@]}" --seed 1 --replan-days 7 >"$TMP/$s-replan.sim" 2>&1; then
    summarise "$s" 0.95 "$TMP/$s-replan.sim"
    summarise_need "$s" 0.95 "$TMP/$s-replan.sim" >>"$TMP/need-replan"
  else
    echo "bench-reorder: tm-reorder-sim --replan-days failed on $s:"; cat "$TMP/$s-replan.sim"
  fi
done
echo
echo "stock each policy needs for the target, × ours, re-set every 7 days (as above; one setting per class for all periods)"
printf '%-5s %-27s %-13s %6s  %-9s   %-15s   %-15s   %-15s   %-6s   %-6s\n' target "data set" class series "ours" "documents" "textbook" "min/max" "ours/" "ours/"
printf '%-5s %-27s %-13s %6s  %-9s   %-15s   %-15s   %-15s   %-6s   %-6s\n' "" "" "" "" "fill" "setting  stock" "setting  stock" "setting  stock" "least" "@ours"
cat "$TMP/need-replan" 2>/dev/null
echo
echo "== the tables behind it (tm-reorder-sim, one per target and data set)"
for f in $TARGETS; do
  for s in $SETS; do
    [ -f "$TMP/$s-$f.sim" ] || continue
    grep -v '^# fill = \|^# equal service: ' "$TMP/$s-$f.sim"
    sed -n 's/^tm-reorder-eval: /  eval: /p' "$TMP/$s-$f.eval"
    echo
  done
done
