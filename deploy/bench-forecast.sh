#!/usr/bin/env bash
# deploy/bench-forecast.sh — the forecasting part of `make bench` (also runs
# alone): accuracy of tm-forecast-eval on the real demand sets of
# tests/data/demand beside R's forecast::ets (Debian r-cran-forecast,
# installed here when missing: the benchmark's reference, never a runtime
# need), then engine speed on 10,000 generated two-year daily series.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-bin}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
DATA=$ROOT/tests/data/demand
TMP=$(mktemp -d /tmp/tm-fc-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

if ! Rscript -e 'library(forecast)' >/dev/null 2>&1; then
  echo "bench-forecast: installing r-base-core r-cran-forecast (reference only)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    r-base-core r-cran-forecast >/dev/null 2>&1 || echo "bench-forecast: R not available; no ETS column"
fi
have_r=0; Rscript -e 'library(forecast)' >/dev/null 2>&1 && have_r=1

# name horizon season [regressor flags]: daily sets 28 days (replenishment's
# horizon), weekly 13 weeks without a season (fewer than 3 years), monthly 12
# months; the flags give the engine what each set knows in advance
# (docs/forecasting.md "Regressors"): the public holidays of its country, the
# M5 calendar's events and the SNAP days of the store's state, the Dominick's
# shelf price (log), deals, feature ads and displays
SETS=("m5_store_dept_daily 28 7 --regressors snap --holidays US --calendar $DATA/m5_events.csv"
      "m5_item_daily_sample 28 7 --regressors snap --holidays US --calendar $DATA/m5_events.csv"
      "online_retail_daily_demand 28 7 --holidays UK"
      "chicago_rail_daily 28 7 --holidays US"
      "dominicks_oj_weekly 13 1 --regressors price:log,deal,feat"
      "dominicks_tuna_weekly 13 1 --regressors price:log,display"
      "monthly_sales 12 12")
echo "== forecasting accuracy: each series' last H periods held out; mean MASE"
echo "   engine: without regressors; +x: with the set's regressors and holidays (the engine"
echo "   uses them on a series only where its backtest says they help); ratio: engine +x over"
echo "   the better of naive and seasonal naive (target <= 0.95) and over R's ets (target <= 1)"
hdr() { printf '%-34s %6s  %-7s %-7s %-7s %-7s %-7s  %-13s %s\n' "$1" series engine +x naive snaive "R ets" "+x/best-naive" "+x/ets"; }
hdr "data set / class"
: >"$TMP/all"
for s in "${SETS[@]}"; do
  set -- $s
  name=$1 f=$DATA/$1.csv H=$2 M=$3
  shift 3
  "$BIN/tm-forecast-eval" "$f" --horizon "$H" --season "$M" >"$TMP/$name.table" 2>/dev/null
  "$BIN/tm-forecast-eval" "$f" --horizon "$H" --season "$M" --per-series 2>/dev/null |
    awk -F, '/^series_id,class/ { on = 1; next } on && NF > 10' >"$TMP/$name.ours"
  if [ $# -gt 0 ]; then
    "$BIN/tm-forecast-eval" "$f" --horizon "$H" --season "$M" "$@" >"$TMP/$name.xtable" 2>/dev/null
    "$BIN/tm-forecast-eval" "$f" --horizon "$H" --season "$M" "$@" --per-series 2>/dev/null |
      awk -F, '/^series_id,class/ { on = 1; next } on && NF > 10' >"$TMP/$name.x"
  else
    cp "$TMP/$name.ours" "$TMP/$name.x"
  fi
  if [ $have_r = 1 ]; then
    Rscript "$ROOT/tests/bench/ets.R" "$f" "$H" "$M" "$TMP/$name.ets" >/dev/null 2>&1 || : >"$TMP/$name.ets"
  else
    : >"$TMP/$name.ets"
  fi
  # per series: set class engine engine+x snaive naive ets (mase col 13,
  # snaive 16, naive 22 of the per-series output)
  awk -F, -v set="$name" 'FILENAME ~ /\.ets$/ { if (FNR > 1) em[$1] = $2; next }
    FILENAME ~ /\.x$/ { xm[$1] = $13; next }
    { print set, $2, $13, ($1 in xm) ? xm[$1] : $13, $16, $22, ($1 in em) ? em[$1] : "NA" }' \
    "$TMP/$name.ets" "$TMP/$name.x" "$TMP/$name.ours" >>"$TMP/all"
done
# one row per group: mean MASEs, the ratios, and the verdicts
summ='{ g = G; n[g]++; e[g] += $3; x[g] += $4; sn[g] += $5; nv[g] += $6
    if ($7 != "NA") { k[g]++; xe[g] += $4; ee[g] += $7 } }
  END { for (g in n) {
    best = sn[g] < nv[g] ? sn[g] : nv[g]; r = x[g] / best
    printf "%-34s %6d  %-7.3f %-7.3f %-7.3f %-7.3f %-7s  %-13s %s\n", g, n[g], e[g] / n[g], x[g] / n[g],
      nv[g] / n[g], sn[g] / n[g], k[g] ? sprintf("%.3f", ee[g] / k[g]) : "-",
      sprintf("%.3f %s", r, r <= 0.95 ? "ok" : "MISS"),
      k[g] ? sprintf("%.3f %s", xe[g] / ee[g], xe[g] <= ee[g] ? "ok" : "MISS") : "-" } }'
for s in "${SETS[@]}"; do
  set -- $s
  awk -v set="$1" '$1 == set' "$TMP/all" | awk "$(echo "$summ" | sed 's/G;/$1;/')"
  awk -v set="$1" '$1 == set' "$TMP/all" | awk "$(echo "$summ" | sed 's/G;/"  " $1 " " $2;/')" | sort
done
awk "$(echo "$summ" | sed 's/G;/"all series";/')" "$TMP/all"
awk "$(echo "$summ" | sed 's/G;/"  class " $2;/')" "$TMP/all" | sort
echo
echo "== per data set and class, every model (tm-forecast-eval tables)"
for s in "${SETS[@]}"; do
  set -- $s
  cat "$TMP/$1.table"
  [ -f "$TMP/$1.xtable" ] && { echo "-- with ${*:4}" | sed "s|$DATA/||"; cat "$TMP/$1.xtable"; }
  echo
done

# Speed: 10,000 series x 730 days, generated (40 % smooth with a weekday
# pattern, 60 % intermittent), through the same engine on one core.
echo "== forecasting speed: 10,000 series x 730 days, engine with backtest choice, one core"
awk 'BEGIN { srand(20261123); print "series_id,period,value"
  for (s = 0; s < 10000; s++) {
    smooth = (s % 5) < 2; lvl = smooth ? 5 + rand() * 40 : 0.05 + rand() * 0.6; size = 1 + int(rand() * 4)
    for (t = 0; t < 730; t++) {
      if (smooth) v = int(lvl * ((t % 7) >= 5 ? 1.6 : 1) * (0.7 + 0.6 * rand()) + 0.5)
      else v = rand() < lvl ? 1 + int(rand() * size) : 0
      printf "s%05d,%d,%d\n", s, t, v } } }' >"$TMP/speed.csv"
start=$(date +%s.%N)
"$BIN/tm-forecast-eval" "$TMP/speed.csv" --horizon 14 --season 7 --engine-only >"$TMP/speed.out" 2>"$TMP/speed.err"
end=$(date +%s.%N)
grep -E '^all|^chosen' "$TMP/speed.out"
cat "$TMP/speed.err"
awk -v a="$start" -v b="$end" 'BEGIN { printf "whole run (reading 7.3 million rows, engine, table): %.1f s\n", b - a }'
