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

# name horizon season: daily sets 28 days (replenishment's horizon), weekly
# 13 weeks without a season (fewer than 3 years), monthly 12 months
SETS=("m5_store_dept_daily 28 7" "m5_item_daily_sample 28 7" "online_retail_daily_demand 28 7"
      "chicago_rail_daily 28 7" "dominicks_oj_weekly 13 1" "dominicks_tuna_weekly 13 1"
      "monthly_sales 12 12")
echo "== forecasting accuracy: each series' last H periods held out; mean MASE / RMSSE"
printf '%-28s %6s  %-10s %-10s %-10s %-10s  %s\n' "data set" series engine snaive seed "R ets" "engine/snaive engine/seed engine/ets"
: >"$TMP/all"
for s in "${SETS[@]}"; do
  set -- $s
  f=$DATA/$1.csv
  "$BIN/tm-forecast-eval" "$f" --horizon "$2" --season "$3" >"$TMP/$1.table" 2>/dev/null
  "$BIN/tm-forecast-eval" "$f" --horizon "$2" --season "$3" --per-series 2>/dev/null |
    awk -F, '/^series_id,class/ { on = 1; next } on && NF > 10' >"$TMP/$1.ours"
  if [ $have_r = 1 ]; then
    Rscript "$ROOT/tests/bench/ets.R" "$f" "$2" "$3" "$TMP/$1.ets" >/dev/null 2>&1 || : >"$TMP/$1.ets"
  else
    : >"$TMP/$1.ets"
  fi
  # per series: ours (mase col 13, rmsse 14, snaive 16, seed 17) joined with ets
  awk -F, -v set="$1" 'FNR == NR { if (FNR > 1) { em[$1] = $2; er[$1] = $3 } next }
    { n++; m += $13; r += $14; sn += $16; sd += $17
      if ($1 in em) { k++; me += $13; ee += em[$1]; re += er[$1] }
      print set, $2, $13, $14, $16, $17, ($1 in em) ? em[$1] : "NA", ($1 in er) ? er[$1] : "NA" >> ALL }
    END { if (!n) exit
      printf "%-28s %6d  %-10.3f %-10.3f %-10.3f %-10s  %.3f %.3f %s\n", set, n, m / n, sn / n, sd / n,
        k ? sprintf("%.3f", ee / k) : "-", m / sn, m / sd, k ? sprintf("%.3f (%d series)", me / ee, k) : "-" }' \
    ALL="$TMP/all" "$TMP/$1.ets" "$TMP/$1.ours"
done
awk '{ n++; m += $3; sn += $5; sd += $6; if ($7 != "NA") { k++; me += $3; ee += $7 } }
  END { printf "%-28s %6d  %-10.3f %-10.3f %-10.3f %-10s  %.3f %.3f %s\n", "all series (mean MASE)", n, m / n, sn / n, sd / n,
    k ? sprintf("%.3f", ee / k) : "-", m / sn, m / sd, k ? sprintf("%.3f", me / ee) : "-" }' "$TMP/all"
awk '{ n[$2]++; m[$2] += $3; sn[$2] += $5; sd[$2] += $6; if ($7 != "NA") { k[$2]++; me[$2] += $3; ee[$2] += $7 } }
  END { for (c in n) printf "%-28s %6d  %-10.3f %-10.3f %-10.3f %-10s  %.3f %.3f %s\n", "  class " c, n[c], m[c] / n[c], sn[c] / n[c], sd[c] / n[c],
    k[c] ? sprintf("%.3f", ee[c] / k[c]) : "-", m[c] / sn[c], m[c] / sd[c], k[c] ? sprintf("%.3f", me[c] / ee[c]) : "-" }' "$TMP/all" | sort
echo
echo "== per data set and class, every model (tm-forecast-eval tables)"
for s in "${SETS[@]}"; do set -- $s; cat "$TMP/$1.table"; echo; done

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
