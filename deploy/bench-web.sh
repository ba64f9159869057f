#!/usr/bin/env bash
# deploy/bench-web.sh — the web app's figures for `make bench`, called by
# deploy/bench.sh while its stack is up (RUN, HTTP_PORT, TM_ADMIN_EMAIL and
# TM_ADMIN_PASSWORD from there; BENCH_STACK runs it on a stack of your own):
#   - the app's JavaScript and CSS as nginx sends them gzipped, every chunk
#     (all pages, as if each were visited; the files of build/web) against
#     the budget of 250 KB;
#   - the dashboard's time to interactive on loopback and a sale's way from
#     the API to an open dashboard's live feed, both measured in Chromium by
#     tests/web/dashboard.test.mjs (its "# web:" lines), beside the sign-in
#     page's time to interactive (the same browser and nginx, no API call):
#     the floor a page of this app can reach here. Target: dashboard < 1 s.
# Appends "figure|value|reference|target|verdict" lines to $RUN/targets.txt.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${RUN:?set by deploy/bench.sh}" "${HTTP_PORT:?}" "${TM_ADMIN_EMAIL:?}" "${TM_ADMIN_PASSWORD:?}"
base=http://127.0.0.1:$HTTP_PORT
verdict() { [ "$1" = 1 ] && echo met || echo MISSED; }

total=0
n=0
for f in "$ROOT"/build/web/assets/*.js "$ROOT"/build/web/assets/*.css; do # this build's files
  [ -f "$f" ] || continue
  b=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "$base/assets/$(basename "$f")")
  total=$((total + b))
  n=$((n + 1))
done
kb=$(awk -v b="$total" 'BEGIN { printf "%.1f", b / 1024 }')
echo
echo "web app: $n script and style files, $kb KB gzipped as nginx sends them (budget 250 KB)"
echo "web app: JS+CSS gzipped|$kb KB ($n files)|-|<= 250 KB|$(verdict "$(awk -v b="$total" 'BEGIN { print (b > 0 && b <= 250 * 1024) }')")" >>"$RUN/targets.txt"

out=$(mktemp /tmp/tm-bench-web.XXXXXX)
TM_WEB_URL=$base TM_WEB_SHOTS="$RUN/web-shots" TM_WEB_USER_TAG=bench \
  node --test --test-reporter=tap "$ROOT/tests/web/dashboard.test.mjs" >"$out" 2>&1
fig() { sed -nE "s/^# web: $1 ([0-9.]+) .*/\\1/p" "$out" | tail -n 1; }
tti=$(fig dashboard_tti_ms)
floor=$(fig signin_tti_ms)
feed=$(fig live_feed_ms)
grep -E '^# web: ' "$out"
grep -qE '^# fail 0$' "$out" || { echo "web: the dashboard test failed:"; grep -vE '^# (web|screenshot)' "$out" | head -n 60; }
rm -f "$out"
echo "web: dashboard time to interactive|${tti:--} ms|sign-in page ${floor:--} ms|< 1000 ms|$(verdict "$(awk -v a="${tti:-0}" 'BEGIN { print (a > 0 && a < 1000) }')")" >>"$RUN/targets.txt"
echo "web: a sale posted → on an open dashboard|${feed:--} ms|-|< 1000 ms|$(verdict "$(awk -v a="${feed:-0}" 'BEGIN { print (a > 0 && a < 1000) }')")" >>"$RUN/targets.txt"
