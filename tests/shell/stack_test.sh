#!/usr/bin/env bash
# tests/shell/stack_test.sh — deploy/stack.sh's stop path without a stack:
# stand-in daemons in a throwaway run folder, stopped by `stack.sh down`.
# Prints a Check-style summary line, which deploy/run-tests.sh counts.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CHECK_FILE=tests/shell/stack_test.sh CHECK_TAG=stack
. "$ROOT/tests/shell/check.sh"

# running PID: the process runs (a zombie, exited but not yet reaped, does not).
running() {
  kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# A stand-in for nginx or Redis: writes its pid file, and on SIGTERM
# removes it first and exits a second later, as a daemon finishing its work.
stand_in() { # stand_in PIDFILE
  bash -c 'trap "rm -f \"$0\"; sleep 1; exit 0" TERM; echo $$ >"$0"; while :; do sleep 0.1; done' "$1" &
  disown
  local t=50
  until [ -s "$1" ] || [ $t -eq 0 ]; do sleep 0.1; t=$((t - 1)); done
}

# `make down` while a daemon removes its own pid file: no error printed, and
# down returns only when the process is gone (a new `up` can take its port).
case_down_waits_for_a_daemon_that_removes_its_pid_file() {
  local run out pids="" p
  run=$(mktemp -d /tmp/tm-stack-test.XXXXXX)
  mkdir -p "$run/pid"
  stand_in "$run/pid/nginx.pid"
  stand_in "$run/pid/redis.pid"
  pids="$(cat "$run/pid/nginx.pid") $(cat "$run/pid/redis.pid")"
  out=$(TM_RUN_DIR=$run "$ROOT/deploy/stack.sh" down 2>&1)
  [ $? -eq 0 ] || fail down_exit "stack.sh down exited non-zero: $out"
  [ "$out" = "stack: stopped (data kept in $run)" ] || fail down_quiet "stack.sh down printed: $out"
  for p in $pids; do
    if running "$p"; then
      fail down_waits "pid $p still runs after stack.sh down returned"
      kill -KILL "$p" 2>/dev/null
    fi
  done
  rm -rf "$run"
}

# A pid file that is already gone, or names no process, is nothing to stop.
case_down_with_stale_or_missing_pid_files() {
  local run out
  run=$(mktemp -d /tmp/tm-stack-test.XXXXXX)
  mkdir -p "$run/pid"
  echo 999999999 >"$run/pid/nginx.pid"
  : >"$run/pid/redis.pid"
  out=$(TM_RUN_DIR=$run "$ROOT/deploy/stack.sh" down 2>&1)
  [ $? -eq 0 ] && [ "$out" = "stack: stopped (data kept in $run)" ] ||
    fail down_stale "stack.sh down printed: $out"
  [ ! -e "$run/pid/nginx.pid" ] || fail down_stale "the stale pid file is still there"
  rm -rf "$run"
}

# A gateway given no signing key (neither TM_JWT_SECRET nor
# TM_JWT_SECRET_FILE) refuses to start, says why, and makes no key file in
# its working directory (a repository, a shared folder).
case_gateway_without_a_key_refuses_to_start() {
  local dir out rc bin=${BIN:-bin}
  case $bin in /*) ;; *) bin=$ROOT/$bin ;; esac
  dir=$(mktemp -d /tmp/tm-stack-test.XXXXXX)
  out=$(cd "$dir" && env -u TM_JWT_SECRET -u TM_JWT_SECRET_FILE \
    timeout 20 "$bin/tm-gateway" 2>&1 </dev/null)
  rc=$?
  [ $rc -ne 0 ] && [ $rc -ne 124 ] || fail gw_key_exit "tm-gateway without a key exited $rc"
  grep -q 'no signing key' <<<"$out" || fail gw_key_says "tm-gateway printed: ${out:0:300}"
  [ -z "$(ls -A "$dir")" ] || fail gw_key_file "tm-gateway left in its folder: $(ls -A "$dir")"
  rm -rf "$dir"
}

run_case case_down_waits_for_a_daemon_that_removes_its_pid_file
run_case case_down_with_stale_or_missing_pid_files
run_case case_gateway_without_a_key_refuses_to_start
summary
