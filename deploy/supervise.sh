#!/usr/bin/env bash
# deploy/supervise.sh PIDFILE CMD... — the local stack's supervisor: what
# systemd's Restart=on-failure does for a unit, for one daemon of
# deploy/stack.sh. Runs CMD, keeps the daemon's pid in PIDFILE, and when it
# dies by a signal (a crash, SIGKILL) or exits non-zero, starts it again
# after a back-off (1 s, doubling to 30 s; back to 1 s after a minute of
# uptime). A clean exit (status 0, as after SIGTERM) ends supervision, and
# so does SIGTERM or SIGINT to the supervisor, which it passes on to the
# daemon and waits for. Every restart is logged to standard error.
set -u
pidf=$1
shift
child=0
stopping=0
on_stop() {
  stopping=1
  [ "$child" -gt 0 ] && kill -TERM "$child" 2>/dev/null
}
trap on_stop TERM INT
say() { printf '%s supervise: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

delay=1
while :; do
  started=$SECONDS
  "$@" &
  child=$!
  echo "$child" >"$pidf.new" && mv -f "$pidf.new" "$pidf" # a reader never sees it empty
  # `wait` returns early when a trapped signal arrives: wait until the child is gone
  rc=0
  while :; do
    wait "$child"
    rc=$?
    kill -0 "$child" 2>/dev/null || break
  done
  [ $stopping = 1 ] && break
  if [ $rc = 0 ]; then
    say "$1 (pid $child) exited cleanly; not restarting"
    break
  fi
  [ $((SECONDS - started)) -ge 60 ] && delay=1
  say "$1 (pid $child) died (status $rc); restarting in ${delay}s"
  sleep "$delay" &
  wait $! 2>/dev/null
  [ $stopping = 1 ] && break
  delay=$((delay * 2))
  [ $delay -gt 30 ] && delay=30
done
exit 0
