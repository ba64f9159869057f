#!/usr/bin/env bash
# deploy/run-tests.sh — what `make test` (and `make check`) run after building:
# the Check unit tests, then the integration tests on a throwaway stack (its
# own PostgreSQL cluster, Redis, nginx and daemons on free loopback ports),
# stopped afterwards even when a test fails. Ends with "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build/release}
BIN=${BIN:-bin}
MODE=${MODE:-release}
LOG=$(mktemp /tmp/tm-test-output.XXXXXX)
passed=0
failed=0
failures=() # one line per failure, repeated above the closing count: CI shows only the end

fail() { # fail WHAT: counts one failure and remembers what it was
  failed=$((failed + 1))
  failures+=("$1")
}

remember() { # remember PREFIX: each line of stdin names a failure already counted
  local line
  while read -r line; do failures+=("$1$line"); done
}

if [ "$MODE" = asan ]; then
  # Leaks are reported at exit; Check runs each test in a child process.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS=suppressions=$ROOT/tests/lsan.supp:print_suppressions=0
fi

count() { # adds Check's summary lines in $1 to the totals
  local line checks fails errs
  while read -r line; do
    checks=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
    fails=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$line")
    errs=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + checks - fails - errs))
    failed=$((failed + fails + errs))
  done < <(grep -E '^[0-9]+%: Checks: ' "$1")
}

run() { # run NAME CMD...: runs a test binary, keeps its output, counts it
  local name=$1 out rc; shift
  out=$(mktemp /tmp/tm-test-$name.XXXXXX)
  echo "== $name"
  "$@" >"$out" 2>&1
  rc=$?
  grep -E '^[0-9]+%: Checks: |:[FE]:|^note: ' "$out"
  if ! grep -qE '^[0-9]+%: Checks: ' "$out"; then
    echo "$name did not finish (exit $rc); its output:"; tail -n 40 "$out"
    fail "$name did not finish (exit $rc)"
  elif [ $rc -ne 0 ] && ! grep -qE ':[FE]:' "$out"; then
    echo "$name exited $rc after its tests (sanitizer report?):"; grep -E 'ERROR|SUMMARY|runtime error' "$out" | head -20
    fail "$name exited $rc after its tests"
  fi
  count "$out"
  remember "$name: " < <(grep -E ':[FE]:' "$out" | cut -c1-400)
  cat "$out" >>"$LOG"
  rm -f "$out"
}

for t in "$BUILD"/tests/unit-*; do # one per tests/unit/<area>/ (Makefile)
  run "$(basename "$t")" "$t"
done
run stack-shell "$ROOT/tests/shell/stack_test.sh"
run reorder-tools-shell "$ROOT/tests/shell/reorder_tools_test.sh"

# Every fuzz target for a bounded time, each on a copy of its seed corpus
# (tests/fuzz/README.md); any crash, leak or sanitizer report fails the run.
fuzz() { # fuzz NAME TARGET [CORPUS]
  local dir log
  echo "== fuzz ($1, 20 s)"
  dir=$(mktemp -d /tmp/tm-fuzz.XXXXXX); log=$dir.log
  [ -n "${3:-}" ] && cp "$3"/* "$dir"/
  if "$2" -max_total_time=20 -rss_limit_mb=1024 "$dir" >"$log" 2>&1; then
    echo "fuzz: $(grep -Eo 'Done [0-9]+ runs' "$log" | tail -1), no crash"
    passed=$((passed + 1))
  else
    echo "fuzz: FAILED"; tail -n 30 "$log"
    fail "fuzz ($1)"
  fi
  rm -rf "$dir" "$log"
}
if make --no-print-directory fuzz >/tmp/tm-fuzz-build.log 2>&1; then
  fuzz "bus decoders and bodies" build/fuzz/decoders-fuzz tests/fuzz/corpus
  fuzz "gateway bodies and token claims" build/fuzz/gateway-fuzz tests/fuzz/gateway-corpus
  fuzz "sale bodies and fraud rule sets" build/fuzz/txn-fuzz tests/fuzz/txn-corpus
  fuzz "supplier and offer bodies" build/fuzz/supplier-fuzz tests/fuzz/supplier-corpus
  fuzz "supplier mock catalogue, order and fault bodies" build/fuzz/supplier-mock-fuzz tests/fuzz/supplier-mock-corpus
  fuzz "supplier API replies" build/fuzz/supplier-api-fuzz tests/fuzz/supplier-api-corpus
  fuzz "reorder bodies and supplier answers" build/fuzz/reorder-fuzz tests/fuzz/reorder-corpus
  fuzz "calendar event and promotion bodies" build/fuzz/calendar-fuzz tests/fuzz/calendar-corpus
  fuzz "sales events as tm-analytics reads them" build/fuzz/analytics-fuzz tests/fuzz/analytics-corpus
  fuzz "forecasting library" build/fuzz/forecast-fuzz
  fuzz "demand series CSV" build/fuzz/series-csv-fuzz tests/fuzz/series-csv-corpus
  fuzz "analytics report queries and RFM" build/fuzz/analytics-query-fuzz tests/fuzz/analytics-query-corpus
  fuzz "alert bodies and list queries" build/fuzz/alerts-life-fuzz tests/fuzz/alerts-life-corpus
  fuzz "alert rules, silences, policies and channels" build/fuzz/alerts-fuzz tests/fuzz/alerts-corpus
  fuzz "events as tm-alerts reads them" build/fuzz/alerts-events-fuzz tests/fuzz/alerts-events-corpus
else
  echo "fuzz: the targets did not build"; tail -n 20 /tmp/tm-fuzz-build.log
  fail "fuzz: the targets did not build"
fi
rm -f /tmp/tm-fuzz-build.log

# A free block of 100 ports: nothing may answer on the ones the stack uses.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
base=""
for _ in $(seq 1 50); do
  b=$(( (RANDOM % 120 + 200) * 100 )) # 20000-31900: below the ephemeral range (32768+)
  ok=1
  for off in 1 2 5 11 12 21 22 41 42 71 72 73 81 97 98 99; do port_free $((b + off)) || { ok=0; break; }; done
  [ $ok = 1 ] && { base=$b; break; }
done

RUN=$(mktemp -d /tmp/tm-test.XXXXXX)
chmod 755 "$RUN"
stop_stack() {
  [ -d "$RUN" ] || return 0
  [ -s "$RUN/smtp.pid" ] && kill "$(cat "$RUN/smtp.pid")" 2>/dev/null
  TM_RUN_DIR=$RUN "$ROOT/deploy/stack.sh" down >/dev/null 2>&1
  # Daemons built with sanitizers report at exit into their logs.
  if [ "$MODE" = asan ] && grep -lE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$RUN"/log/*.log >/dev/null 2>&1; then
    echo "sanitizer reports in the daemons' logs:"
    grep -hE -A12 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$RUN"/log/*.log | head -60
    fail "sanitizer reports in the daemons' logs"
  fi
  if [ -d "$RUN/web-shots" ]; then
    rm -rf "$ROOT/build/web-shots" && mkdir -p "$ROOT/build" && cp -r "$RUN/web-shots" "$ROOT/build/web-shots"
  fi
  if [ $failed -gt 0 ] && [ -d "$RUN/log" ]; then
    mkdir -p "$ROOT/build/test-logs" && cp -r "$RUN/log/." "$ROOT/build/test-logs/" 2>/dev/null
    echo "(stack logs of this run kept in build/test-logs/)"
  fi
  rm -rf "$RUN"
}
trap stop_stack EXIT

# The SMTP sink the alert tests' e-mail channels send to (Debian's
# python3-aiosmtpd, importable by Debian's own python3): every message it
# takes becomes a file in $RUN/smtp/new (a Maildir), for
# tests/integration/alerts_notify_test.c to read.
SMTP_PORT=$((base + 5)) # base + 93 and + 97 are mock_test.c's
if [ -n "$base" ]; then
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$RUN/smtp" \
    >"$RUN/smtp.log" 2>&1 </dev/null &
  echo $! >"$RUN/smtp.pid"
fi

# Known credentials and keys, so the tests can log in and sign their own
# (expired, tampered) tokens; limits high except the ones a test exercises.
export TM_ADMIN_EMAIL=admin@techmart.test TM_ADMIN_PASSWORD=admin-test-password-1
export TM_SAMPLE_PASSWORD=sample-test-password-1
export TM_JWT_SECRET=tm-test-signing-key-0123456789abcdef0123456789
export TM_RATE_LIMITS="admin=100000,store_manager=100000,buyer=100000,analyst=100000,fraud_analyst=100000,viewer=100000,pos=100000,anonymous=100000"
export TM_RATE_IP=1000000 TM_RATE_LOGIN=20 TM_CORS_ORIGIN=http://app.techmart.test
# nginx's per-address edge limits: authenticated ones out of the way of the
# load the tests make from one address; the anonymous one kept low enough
# for tests/integration/edge_test.c to see floods shed
export TM_EDGE_CONN=2000 TM_EDGE_RATE=1000000 TM_EDGE_BURST=1000000
export TM_EDGE_ANON_RATE=50 TM_EDGE_ANON_BURST=300
export TM_PWHASH_MEM_KIB=8192 TM_PWHASH_OPS=1 # fast hashes: tests log in often
# the integration run logs in once per role at its start: its tokens must
# outlive a slow run (the default is 15 minutes)
export TM_ACCESS_TTL_S=3600
export TM_SEED_HISTORY_DAYS=14 # a short sample history keeps the stack quick to start
export TM_JOB_FORECAST_REFRESH_S=0 # on demand only: its events would land amid other tests
export TM_JOB_REORDER_SCAN_S=0 # likewise (reorder_test.c runs it; tm-supplier-seed once at start)
# on demand only too: a scheduled run between a test's writes and its own
# run would leave it nothing to count (report_test.c, txn_test.c run them)
export TM_JOB_DAILY_REPORT_S=0 TM_JOB_CLAIM_RECOVERY_S=0
export TM_SUPPLIER_API_BREAKER_OPEN_MS=2000 # the breaker test waits for a half-open probe
export TM_ALERTS_WEBHOOK_HOSTS=127.0.0.1 # webhook channels the alert tests create; others refused
# escalation and delivery on a test's time scale (alerts_notify_test.c): steps
# looked for every second, a killed sender's lease over in 5 s (a 3 s try + 2 s), quick retries
export TM_ALERTS_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" TM_JOB_ESCALATE_S=1
export TM_ALERTS_DELIVERY_LEASE_S=5 TM_ALERTS_DELIVERY_TIMEOUT_MS=3000
export TM_ALERTS_DELIVERY_BACKOFF_MS=200 TM_ALERTS_DELIVERY_BACKOFF_MAX_MS=1000
# the WebSocket test's client that stops reading is closed after 16 queued
# events (tests/integration/ws_test.c); 64 WebSockets per gateway is plenty here
export TM_GATEWAY_WS_QUEUE=16 TM_GATEWAY_WS_CLIENTS=64

echo "== integration (stack in $RUN, ports $base+)"
if [ -z "$base" ]; then
  echo "no free port block found"; fail "no free port block found"
elif ! TM_RUN_DIR=$RUN TM_PORT_BASE=$base TM_HTTP_PORT=$((base + 99)) \
     SCALE="inventory=2 gateway=2 analytics=2 txn=2 supplier=2 alerts=2" TM_DEADLINE_MS=1500 TM_GATEWAY_THREADS=64 BIN=$BIN \
     "$ROOT/deploy/stack.sh" up >"$RUN/up.log" 2>&1; then
  echo "the test stack did not start:"; tail -n 20 "$RUN/up.log"
  for f in "$RUN"/log/*.log; do echo "--- $f"; tail -n 5 "$f"; done
  fail "the test stack did not start"
else
  TM_DEADLINE_MS=1500 \
  TM_TEST_HTTP_PORT=$((base + 99)) TM_TEST_GW_OPS_PORT=$((base + 41)) \
  TM_TEST_INV_OPS_PORT=$((base + 71)) TM_TEST_RUN_DIR=$RUN TM_TEST_ROOT=$ROOT \
  TM_TEST_BIN=$ROOT/$BIN TM_TEST_N_INVENTORY=2 TM_TEST_GW_PORTS="$((base + 11)),$((base + 12))" \
  TM_TEST_DB_URL="postgresql://techmart@127.0.0.1:$((base + 1))/techmart" \
  TM_TEST_REDIS_URL="redis://127.0.0.1:$((base + 2))" \
  TM_TEST_SMTP_DIR="$RUN/smtp" TM_TEST_HOOK_PORT=$((base + 98)) \
    run integration "$BUILD/tests/integration-tests"
fi

# The web app in Debian's Chromium (tests/web/*.test.mjs, docs/web.md),
# against the same stack, one file at a time (each its own browser); node's
# TAP summary ("# pass N", "# fail N") is counted. Screenshots go to the run
# folder and are kept in build/web-shots/ when the stack is stopped.
web_tests() {
  local f out rc p n
  mkdir -p "$RUN/web-shots"
  echo "== web (browser tests; screenshots in $RUN/web-shots, kept in build/web-shots/)"
  for f in "$ROOT"/tests/web/*.test.mjs; do
    out=$(mktemp /tmp/tm-test-web.XXXXXX)
    TM_WEB_URL="http://127.0.0.1:$((base + 99))" TM_WEB_SHOTS="$RUN/web-shots" TM_WEB_USER_TAG="web$base" \
      node --test --test-reporter=tap "$f" >"$out" 2>&1
    rc=$?
    p=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$out" | tail -n 1)
    n=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$out" | tail -n 1)
    echo "web: $(basename "$f"): ${p:-?} passed, ${n:-?} failed"
    grep -E '^# web: ' "$out"
    if [ -z "$p" ] || [ -z "$n" ]; then
      echo "$(basename "$f") did not finish (exit $rc); its output:"; tail -n 40 "$out"
      fail "web: $(basename "$f") did not finish (exit $rc)"
    else
      passed=$((passed + p))
      failed=$((failed + n))
      [ "$n" -eq 0 ] || grep -vE '^# (screenshot|web:) ' "$out" | head -n 120
      # TAP's failed tests, less those it marks as skipped or as not yet written
      remember "web: $(basename "$f"): " < <(grep -E '^[[:space:]]*not ok ' "$out" |
        grep -vE '# (TODO|SKIP)' | sed -E 's/^[[:space:]]+//')
    fi
    rm -f "$out"
  done
}
if [ -n "$base" ] && [ -f "$RUN/up.log" ] && grep -q '^  Stop:' "$RUN/up.log"; then
  web_tests
fi

# The closing banner's stop command, run as printed (from another folder),
# stops everything the stack started, saying nothing but that it stopped.
stop_as_printed() {
  local cmd out pids="" f p left=""
  cmd=$(sed -n 's/^  Stop: *//p' "$RUN/up.log")
  echo "== stop command as printed: ${cmd:-(none)}"
  for f in "$RUN"/pid/*.pid "$RUN"/pid/*.pid.sup "$RUN/pg/postmaster.pid"; do
    [ -f "$f" ] && pids="$pids $(head -n 1 "$f")"
  done
  out=$(cd / && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL bash -c "$cmd" 2>&1 >/dev/null)
  for p in $pids; do # a zombie (exited, not yet reaped by pid 1) is gone
    kill -0 "$p" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null &&
      left="$left $p($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-60))"
  done
  if [ -n "$cmd" ] && [ "$out" = "stack: stopped (data kept in $RUN)" ] && [ -z "$left" ]; then
    echo "stopped by the printed command"; passed=$((passed + 1))
  else
    echo "FAILED: printed '$out'; still running:${left:- none}"; fail "the stop command as printed"
  fi
}
[ -f "$RUN/up.log" ] && grep -q '^  Stop:' "$RUN/up.log" && stop_as_printed

stop_stack
rm -f "$LOG"
if [ ${#failures[@]} -gt 0 ]; then
  echo "== what failed"
  printf '%s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
