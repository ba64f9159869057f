# shellcheck shell=bash
# deploy/bench-lib.sh — what the bench scripts share (sourced, not run):
# measure, to_ms, bench_token, verdict.
# measure URL CONNS [SCRIPT] -> "rps p50 p99 errors": one wrk run of
# ${DURATION:-10s} with 2 threads; errors = socket errors + non-2xx.
measure() {
  local url=$1 c=$2 script=${3:-} out rps p50 p99 sock non2xx
  out=$(wrk -t2 -c"$c" -d"${DURATION:-10s}" --timeout 10s --latency ${script:+-s "$script"} "$url" 2>&1)
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  sock=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "${rps:-0} ${p50:--} ${p99:--} $(( ${sock:-0} + ${non2xx:-0} ))"
}

# to_ms TIME -> milliseconds: wrk's latencies ("850.00us", "1.20ms", "1.05s")
to_ms() {
  awk -v t="$1" 'BEGIN { v = t + 0; if (t ~ /us$/) v /= 1000; else if (t ~ /[0-9]s$/ && t !~ /ms$/) v *= 1000;
    printf "%.3f", v }'
}

# bench_token PORT -> a fresh access token of the bench's admin
# (TM_ADMIN_EMAIL / TM_ADMIN_PASSWORD) through nginx at PORT; tokens live
# 15 minutes and the bench runs longer, so each part takes its own.
bench_token() {
  curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "{\"email\":\"$TM_ADMIN_EMAIL\",\"password\":\"$TM_ADMIN_PASSWORD\"}" \
    "http://127.0.0.1:$1/api/v1/auth/login" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}

# verdict 1|other -> "met" | "MISSED": a target's word in the summary table
verdict() { [ "$1" = 1 ] && echo met || echo MISSED; }
