#!/usr/bin/env bash
# deploy/stack.sh — the local runner: starts and stops the whole TechMart stack
# on loopback (PostgreSQL, Redis, tm-supplier-mock as the sample suppliers,
# tm-inventory, tm-analytics, tm-txn, tm-supplier, tm-alerts, tm-gateway, nginx), each
# process tracked by its pid file in the run folder and stopped by pid.
#
#   deploy/stack.sh up            start what is not running (safe to repeat)
#   deploy/stack.sh down          stop everything this run folder started
#   deploy/stack.sh status        one line per process
#   deploy/stack.sh start SVC N   (re)start instance N of a daemon (SERVICES below) or the gateway
#   deploy/stack.sh pg stop|start|restart  the stack's PostgreSQL alone (restart: fast, closing every session)
#   deploy/stack.sh redis stop|start   the same for Redis
#   deploy/stack.sh nginx reload  nginx with the settings now in the environment
#   deploy/stack.sh events tail|replay [tm-events options]   inventory's event stream
#
# Settings (environment):
#   TM_RUN_DIR    run folder: data, logs, pids, sockets   (default: ./var)
#   TM_HTTP_PORT  nginx port, the URL users open          (default: 8080)
#   TM_PORT_BASE  first of 100 loopback ports the stack uses (default: 18000)
#   SCALE         instances per service, "inventory=3 gateway=2" (default 1 each)
#   TM_SAMPLE     1 to load the sample catalogue          (default: 1)
#   TM_GATEWAY_THREADS, TM_NGINX_KEEPALIVE, TM_DEADLINE_MS  passed through
#   TM_GATEWAY_WS_CLIENTS  WebSockets per gateway (1024), each a civetweb worker
#                 on top of TM_GATEWAY_THREADS (the HTTP ones nginx keeps alive)
#   TM_EDGE_CONN, TM_EDGE_RATE, TM_EDGE_BURST  nginx's per-address limits: requests
#                 in flight (64), requests/s (200) and burst (400)
#   TM_EDGE_ANON_RATE, TM_EDGE_ANON_BURST  the same for requests without
#                 credentials (10/s, burst 100)
#   TM_EDGE_WS_CONN  dashboard WebSockets open per address (256)
#   TM_SUPERVISE  0 to run daemons without deploy/supervise.sh (default: 1)
#   TM_SUPPLIER_API_HOSTS  hosts a supplier's api_url may name (default here:
#                 127.0.0.1,localhost, where local mock suppliers listen)
#   TM_ALERTS_WEBHOOK_HOSTS  hosts a webhook channel's URL may name (default
#                 here: 127.0.0.1,localhost)
#   TM_MOCKS      tm-supplier-mock instances playing the sample suppliers'
#                 APIs (0..2, default 2)
#   BIN           folder of our binaries                  (default: ./bin)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN=${TM_RUN_DIR:-$ROOT/var}
[[ $RUN = /* ]] || RUN=$PWD/$RUN # absolute: the banner's stop command works from anywhere
BIN=${BIN:-bin}
[[ $BIN = /* ]] || BIN=$ROOT/$BIN
STATE=$RUN/stack.env

log() { printf 'stack: %s\n' "$*" >&2; }

# progress_of LOGFILE OFFSET: the newest event=*.progress line written to
# LOGFILE after byte OFFSET, as "sales 1200/10400" (step, done/total) or
# its other fields; nothing when there is none.
progress_of() {
  tail -c +"$(($2 + 1))" "$1" 2>/dev/null | grep -o 'event=[a-z_.]*progress .*' | tail -n 1 |
    sed -E -e 's/^event=[^ ]* //' -e 's/step=([^ ]*) done=([0-9]*) total=([0-9]*)/\1 \2\/\3/' \
      -e 's/^step=//'
}

# with_progress LABEL LOGFILE CMD...: runs CMD (its output appended to
# LOGFILE) and, every 5 s until it ends, says how long it has run and how far
# it got (its newest progress line, when it writes any); returns CMD's status.
with_progress() {
  local label=$1 logf=$2 pid t0=$SECONDS next=5 at p rc=0; shift 2
  at=$(stat -c %s "$logf" 2>/dev/null || echo 0)
  "$@" >>"$logf" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.2
    if [ $((SECONDS - t0)) -ge $next ]; then
      p=$(progress_of "$logf" "$at")
      log "$label: ${p:+$p, }$((SECONDS - t0)) s"
      next=$((next + 5))
    fi
  done
  wait "$pid" || rc=$?
  [ $((SECONDS - t0)) -lt 5 ] || log "$label: done in $((SECONDS - t0)) s"
  return $rc
}
# A gateway holds a thread and a socket per kept-alive connection; give every
# process started from here room for thousands of descriptors.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
die() { log "error: $*"; exit 1; }

# Settings of a running stack win over the environment, so `down`, `start`
# and a second `up` act on what the first `up` started.
if [ -f "$STATE" ]; then
  # shellcheck disable=SC1090
  . "$STATE"
else
  HTTP_PORT=${TM_HTTP_PORT:-8080}
  PORT_BASE=${TM_PORT_BASE:-18000}
  SCALE_SPEC=${SCALE:-}
fi
PG_PORT=$((PORT_BASE + 1))
REDIS_PORT=$((PORT_BASE + 2))
# Daemons on this host reach PostgreSQL by its Unix socket (cheaper than TCP
# per round trip); the TCP port serves tools and other hosts.
DB_URL="postgresql://techmart@/techmart?host=$RUN/pgsock&port=$PG_PORT"

scale_of() { # scale_of SVC -> instance count
  local n=1 kv
  for kv in $SCALE_SPEC; do
    [ "${kv%%=*}" = "$1" ] && n=${kv#*=}
  done
  [[ $n =~ ^[1-9]$ ]] || die "SCALE: '$1=$n' must be 1..9"
  echo "$n"
}

# The bus daemons (common/service), in start order, each with the offset of
# its ops ports in the port block: instance i of SVC serves /health on
# PORT_BASE + offset + i. Adding a daemon is one entry here
# (docs/adding-a-service.md); the rest of this script derives from it.
SERVICES=(inventory:70 analytics:60 txn:50 supplier:80 alerts:20)
svc_names() { local e; for e in "${SERVICES[@]}"; do printf '%s ' "${e%%:*}"; done; }
for e in "${SERVICES[@]}"; do scale_of "${e%%:*}" >/dev/null; done
N_GW=$(scale_of gateway)
gw_port() { echo $((PORT_BASE + 10 + $1)); }
ops_port() { # ops_port SVC I
  local e
  for e in gateway:40 "${SERVICES[@]}"; do
    [ "${e%%:*}" = "$1" ] && { echo $((PORT_BASE + ${e#*:} + $2)); return; }
  done
  die "unknown service $1"
}
upper() { tr 'a-z-' 'A-Z_' <<<"$1"; }
svc_endpoint() { echo "ipc://$RUN/sock/$1-$2.ipc"; }
svc_events() { echo "ipc://$RUN/sock/$1-events-$2.ipc"; }
endpoints_of() { # endpoints_of SVC [events] -> comma-separated, every instance
  local i list="" n; n=$(scale_of "$1")
  for i in $(seq 1 "$n"); do
    list="$list${list:+,}$(if [ "${2:-}" = events ]; then svc_events "$1" "$i"; else svc_endpoint "$1" "$i"; fi)"
  done
  echo "$list"
}
# Every daemon's bus and PUB endpoints as settings (TM_<SVC>_ENDPOINTS,
# TM_<SVC>_EVENTS_ENDPOINTS), exported: each program reads the ones it
# declared. One NAME=VALUE a line, so a run folder with blanks stays whole.
export_peers() {
  local s pe=()
  for s in $(svc_names); do
    pe+=("TM_$(upper "$s")_ENDPOINTS=$(endpoints_of "$s")"
         "TM_$(upper "$s")_EVENTS_ENDPOINTS=$(endpoints_of "$s" events)")
  done
  export "${pe[@]}"
}

as_pg() { # runs a command as the postgres user (PostgreSQL refuses root)
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# pid_alive PID: the process runs (a killed one may linger as a zombie
# until its parent, often pid 1, reaps it; that does not count).
pid_alive() {
  local state
  [[ ${1:-} =~ ^[0-9]+$ ]] || return 1
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
  [ "$state" != Z ]
}

# alive PIDFILE: the process of that pid file runs; a file that is gone, or
# goes as it is read (nginx removes its own as it exits), is no process.
alive() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  pid_alive "$pid"
}

wait_http() { # wait_http URL SECONDS [LABEL] -> 0 when it answers 200; says so every 5 s
  local url=$1 t0=$SECONDS next=5
  while [ $((SECONDS - t0)) -lt "$2" ]; do
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    if [ -n "${3:-}" ] && [ $((SECONDS - t0)) -ge $next ]; then
      log "waiting for $3 to be ready: $((SECONDS - t0)) s"
      next=$((next + 5))
    fi
    sleep 0.1
  done
  return 1
}

wait_api() { # wait_api URL SECONDS -> 0 when the API answers (401 without credentials is an answer)
  local url=$1 t=$(( $2 * 10 )) code
  while [ $t -gt 0 ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null)
    [ "$code" = 200 ] || [ "$code" = 401 ] && return 0
    sleep 0.1; t=$((t - 1))
  done
  return 1
}

# PostgreSQL runs as its own user, so it must be able to reach the run
# folder: give o+x to any ancestor that lacks it (mktemp -d makes 0700).
ensure_traversable() {
  local d=$RUN
  while [ "$d" != / ]; do
    if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
      log "giving o+x to $d so the postgres user can reach $RUN"
      chmod o+x "$d"
    fi
    d=$(dirname "$d")
  done
}

start_postgres() {
  local pgb; pgb=$(pg_bin); [ -n "$pgb" ] || die "PostgreSQL server binaries not found (make deps)"
  mkdir -p "$RUN/pg" "$RUN/pgsock"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$RUN/pg" "$RUN/pgsock"; fi
  chmod 700 "$RUN/pg"
  if [ ! -f "$RUN/pg/PG_VERSION" ]; then
    log "initialising PostgreSQL cluster in $RUN/pg"
    with_progress "initialising PostgreSQL" "$RUN/log/initdb.log" \
      as_pg "$pgb/initdb" -D "$RUN/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      || die "initdb failed: see $RUN/log/initdb.log"
    cat >>"$RUN/pg/postgresql.conf" <<CONF
# TechMart local stack (deploy/stack.sh): loopback only
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$RUN/pgsock'
max_connections = 400
shared_buffers = 256MB
log_min_duration_statement = 1000
CONF
  fi
  if as_pg "$pgb/pg_ctl" -D "$RUN/pg" status >/dev/null 2>&1; then return; fi
  touch "$RUN/log/postgres.log"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$RUN/log/postgres.log"; fi
  as_pg "$pgb/pg_ctl" -D "$RUN/pg" -l "$RUN/log/postgres.log" -w -t 60 start >/dev/null \
    || die "PostgreSQL did not start: see $RUN/log/postgres.log"
  as_pg "$pgb/psql" -h "$RUN/pgsock" -p "$PG_PORT" -U postgres -qAt -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SELECT 'CREATE ROLE techmart LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'techmart')\gexec
SELECT 'CREATE DATABASE techmart OWNER techmart' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'techmart')\gexec
SQL
}

start_redis() {
  alive "$RUN/pid/redis.pid" && return
  mkdir -p "$RUN/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --daemonize yes --pidfile "$RUN/pid/redis.pid" --logfile "$RUN/log/redis.log" \
    --dir "$RUN/redis" || die "redis-server did not start"
  local t=50
  until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do
    t=$((t - 1)); [ $t -gt 0 ] || die "Redis did not answer: see $RUN/log/redis.log"; sleep 0.1
  done
}

# start_daemon NAME PIDFILE LOGFILE CMD... — background, own session, under
# deploy/supervise.sh (restarted when it crashes or is killed; its pid in
# PIDFILE, the supervisor's in PIDFILE.sup). TM_SUPERVISE=0 runs it bare.
start_daemon() {
  local name=$1 pidf=$2 logf=$3 t; shift 3
  alive "$pidf" && return 0
  if alive "$pidf.sup"; then # its supervisor is bringing it back
    t=300
    until alive "$pidf" || [ $t -eq 0 ]; do sleep 0.1; t=$((t - 1)); done
    alive "$pidf" && { log "$name restarted by its supervisor (pid $(cat "$pidf"))"; return 0; }
    stop_pid "$pidf.sup"
  fi
  rm -f "$pidf"
  if [ "${TM_SUPERVISE:-1}" = 1 ]; then
    setsid "$ROOT/deploy/supervise.sh" "$pidf" "$@" >>"$logf" 2>&1 </dev/null &
    echo $! >"$pidf.sup"
    t=100
    until [ -s "$pidf" ] || [ $t -eq 0 ]; do sleep 0.05; t=$((t - 1)); done
  else
    setsid "$@" >>"$logf" 2>&1 </dev/null &
    echo $! >"$pidf"
  fi
  log "started $name (pid $(cat "$pidf" 2>/dev/null))"
}

# The sample suppliers' own APIs: tm-supplier-mock instance i (1..TM_MOCKS,
# default 2) plays supplier MOCK_CODES[i-1] on PORT_BASE + 90 + i, its
# /health on PORT_BASE + 94 + i, with the key in secrets/mock-api.key and
# the price list tm-supplier-seed wrote for it (mock/<CODE>.json), if any.
MOCK_CODES=(ACME SWIFT)
N_MOCKS=${TM_MOCKS:-2}
[[ $N_MOCKS =~ ^[0-${#MOCK_CODES[@]}]$ ]] || die "TM_MOCKS: '$N_MOCKS' must be 0..${#MOCK_CODES[@]}"
mock_port() { echo $((PORT_BASE + 90 + $1)); }
mock_urls() {
  local i list=""
  for i in $(seq 1 "$N_MOCKS"); do list="$list${list:+,}http://127.0.0.1:$(mock_port "$i")"; done
  echo "$list"
}
mock_key() {
  [ -s "$RUN/secrets/mock-api.key" ] ||
    (umask 077; head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RUN/secrets/mock-api.key")
  cat "$RUN/secrets/mock-api.key"
}
start_mock() { # start_mock I
  local code=${MOCK_CODES[$(($1 - 1))]} cat=()
  mkdir -p "$RUN/mock"
  [ -s "$RUN/mock/$code.json" ] && cat=(--catalogue "$RUN/mock/$code.json")
  (export TM_MOCK_API_KEY; TM_MOCK_API_KEY=$(mock_key)
    start_daemon "tm-supplier-mock #$1 ($code)" "$RUN/pid/mock-$1.pid" "$RUN/log/mock-$1.log" \
      "$BIN/tm-supplier-mock" --listen "127.0.0.1:$(mock_port "$1")" --code "$code" \
      --ops-port "$((PORT_BASE + 94 + $1))" --seed "$((20261126 + $1))" "${cat[@]}")
  wait_http "http://127.0.0.1:$((PORT_BASE + 94 + $1))/health" 30 "mock #$1" \
    || die "tm-supplier-mock #$1 is not ready: see $RUN/log/mock-$1.log"
}

start_service() { # start_service SVC I (in a subshell: its settings stay its own)
  local svc=$1 i=$2 up ep; up=$(upper "$1"); ep=$(svc_endpoint "$1" "$2")
  [ ${#ep} -lt 100 ] || die "socket path $ep is too long for ipc://; use a shorter TM_RUN_DIR"
  (
    export_peers
    export TM_DB_URL="$DB_URL" "TM_${up}_ENDPOINT=$ep" \
      TM_OPS_PORT="$(ops_port "$svc" "$i")" "TM_${up}_EVENTS_ENDPOINT=$(svc_events "$svc" "$i")" \
      TM_INSTANCE="$svc-$i" TM_SQL_DIR="$ROOT/sql" TM_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
      TM_SUPPLIER_API_HOSTS="${TM_SUPPLIER_API_HOSTS:-127.0.0.1,localhost}" \
      TM_ALERTS_WEBHOOK_HOSTS="${TM_ALERTS_WEBHOOK_HOSTS:-127.0.0.1,localhost}"
    start_daemon "tm-$svc #$i" "$RUN/pid/$svc-$i.pid" "$RUN/log/$svc-$i.log" "$BIN/tm-$svc"
  )
}

start_gateway() {
  local i=$1
  (
    export_peers
    export TM_GATEWAY_LISTEN="127.0.0.1:$(gw_port "$i")" \
      TM_OPS_PORT="$(ops_port gateway "$i")" TM_INSTANCE="gateway-$i" \
      TM_GATEWAY_THREADS="${TM_GATEWAY_THREADS:-256}" TM_GATEWAY_DB_URL="$DB_URL" \
      TM_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" TM_SQL_DIR="$ROOT/sql" \
      TM_JWT_SECRET_FILE="$RUN/secrets/jwt.key"
    # glibc keeps a cache of freed blocks per thread (tcache); over the
    # gateway's two thousand civetweb workers it held some 60 MiB that grew
    # with each load test as more workers took turns (docs/benchmarks.md).
    export GLIBC_TUNABLES="glibc.malloc.tcache_count=0${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}" # yours win
    start_daemon "tm-gateway #$i" "$RUN/pid/gateway-$i.pid" "$RUN/log/gateway-$i.log" \
      "$BIN/tm-gateway"
  )
}

start_svc() { # start_svc SVC I: a bus daemon or the gateway, then waits until ready
  if [ "$1" = gateway ]; then start_gateway "$2"; else start_service "$1" "$2"; fi
  wait_ready "$1" "$2" "$(ops_port "$1" "$2")"
}

wait_ready() { # wait_ready SVC I OPSPORT
  wait_http "http://127.0.0.1:$3/health" 60 "$1 #$2" \
    || die "$1 #$2 is not ready: see $RUN/log/$1-$2.log"
}

# write_nginx_conf: nginx.conf in the run folder from deploy/nginx.conf.in
# and the settings in the environment.
write_nginx_conf() {
  local i ups="" ops="" ka=${TM_NGINX_KEEPALIVE:-}
  for i in $(seq 1 "$N_GW"); do
    ups="$ups        server 127.0.0.1:$(gw_port "$i") max_fails=0;"$'\n'
    ops="$ops        server 127.0.0.1:$(ops_port gateway "$i") max_fails=0;"$'\n'
  done
  # keepalive is per nginx worker; together the workers must not hold more
  # idle connections than the gateways have threads.
  [ -n "$ka" ] || ka=$(( ${TM_GATEWAY_THREADS:-256} * N_GW / $(nproc) ))
  [ "$ka" -ge 1 ] || ka=1
  mkdir -p "$RUN/nginx" "$RUN/www"
  local e
  for e in "${TM_EDGE_CONN:-64}" "${TM_EDGE_RATE:-200}" "${TM_EDGE_BURST:-400}" \
    "${TM_EDGE_ANON_RATE:-10}" "${TM_EDGE_ANON_BURST:-100}" "${TM_EDGE_WS_CONN:-256}"; do
    [[ $e =~ ^[1-9][0-9]{0,6}$ ]] || die "TM_EDGE_*: '$e' must be a positive integer"
  done
  [ "${TM_EDGE_CONN:-64}" -le 65535 ] || die "TM_EDGE_CONN: at most 65535 (nginx's limit)"
  [ "${TM_EDGE_WS_CONN:-256}" -le 65535 ] || die "TM_EDGE_WS_CONN: at most 65535 (nginx's limit)"
  sed -e "s|@RUN@|$RUN|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@KEEPALIVE@|$ka|g" \
    -e "s|@EDGE_CONN@|${TM_EDGE_CONN:-64}|g" -e "s|@EDGE_RATE@|${TM_EDGE_RATE:-200}|g" \
    -e "s|@EDGE_BURST@|${TM_EDGE_BURST:-400}|g" -e "s|@EDGE_ANON_RATE@|${TM_EDGE_ANON_RATE:-10}|g" \
    -e "s|@EDGE_ANON_BURST@|${TM_EDGE_ANON_BURST:-100}|g" -e "s|@EDGE_WS_CONN@|${TM_EDGE_WS_CONN:-256}|g" \
    "$ROOT/deploy/nginx.conf.in" | awk -v ups="$ups" -v ops="$ops" \
      '{ if ($0 == "@UPSTREAMS@") printf "%s", ups; else if ($0 == "@OPS_UPSTREAMS@") printf "%s", ops; else print }' \
    >"$RUN/nginx/nginx.conf"
}

start_nginx() {
  alive "$RUN/pid/nginx.pid" && return
  write_nginx_conf
  # the web app, as `make` built it (build/web); a copy, not a link: the
  # bench writes its reference files into www/
  if [ -f "$ROOT/build/web/index.html" ]; then
    cp -r "$ROOT/build/web/." "$RUN/www/"
  else
    log "build/web is missing (make builds the web app): serving a placeholder"
    [ -f "$RUN/www/index.html" ] || cp "$ROOT/deploy/index.html" "$RUN/www/index.html"
  fi
  nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$RUN/log/nginx-error.log" \
    || die "nginx did not start: see $RUN/log/nginx-error.log"
  log "started nginx on 127.0.0.1:$HTTP_PORT"
}

cmd_up() {
  mkdir -p "$RUN"/{pid,log,sock,secrets}
  chmod 700 "$RUN/secrets"
  ensure_traversable
  if [ ! -f "$STATE" ]; then
    printf 'HTTP_PORT=%q\nPORT_BASE=%q\nSCALE_SPEC=%q\n' "$HTTP_PORT" "$PORT_BASE" "$SCALE_SPEC" >"$STATE"
  fi
  start_postgres
  start_redis
  local schemas; schemas=$(svc_names); schemas="gateway,${schemas% }"
  TM_DB_URL=$DB_URL "$BIN/tm-migrate" --sql-dir "$ROOT/sql" --schemas "${schemas// /,}" \
    2>>"$RUN/log/migrate.log" || die "migrations failed: see $RUN/log/migrate.log"
  if [ "${TM_SAMPLE:-1}" = 1 ]; then
    with_progress "sample catalogue" "$RUN/log/seed.log" \
      env TM_DB_URL="$DB_URL" "$BIN/tm-inventory-seed" \
      || die "sample data failed: see $RUN/log/seed.log"
  fi
  # The first admin (TM_ADMIN_EMAIL / TM_ADMIN_PASSWORD, or a generated
  # password kept in a root-only file) and one sample user of each role.
  TM_GATEWAY_DB_URL=$DB_URL TM_ADMIN_CREDENTIALS_FILE=$RUN/secrets/admin-credentials \
  TM_SAMPLE_USERS=$([ "${TM_SAMPLE:-1}" = 1 ] && echo true || echo false) \
    "$BIN/tm-gateway-admin" 2>>"$RUN/log/admin.log" || die "admin bootstrap failed: see $RUN/log/admin.log"
  local i svc
  for i in $(seq 1 "$N_MOCKS"); do start_mock "$i"; done
  for svc in $(svc_names); do
    for i in $(seq 1 "$(scale_of "$svc")"); do start_service "$svc" "$i"; done
    for i in $(seq 1 "$(scale_of "$svc")"); do wait_ready "$svc" "$i" "$(ops_port "$svc" "$i")"; done
  done
  if [ "${TM_SAMPLE:-1}" = 1 ]; then
    # the sample sales history, posted through tm-txn like real sales (once),
    # then tm-inventory's forecasts refreshed from all of it
    local at; at=$(stat -c %s "$RUN/log/seed.log" 2>/dev/null || echo 0)
    log "sample history: ${TM_SEED_HISTORY_DAYS:-90} days of sales, then forecasts (minutes on a small machine)"
    (export_peers; export TM_DB_URL="$DB_URL"
      with_progress "sample history" "$RUN/log/seed.log" "$BIN/tm-txn-seed") \
      || die "sample history failed: see $RUN/log/seed.log"
    log "sample history: $(tail -c +$((at + 1)) "$RUN/log/seed.log" |
      grep -o 'event=seed\.\(done\|skip\|forecasts\) .*' | sed 's/^event=seed\.//' | paste -sd ';' - |
      sed 's/;/; /g')"
    # the sample suppliers, their offers and purchase orders (once), then
    # tm-inventory's reorder-scan so the sample has reorder suggestions
    (export_peers; export TM_DB_URL="$DB_URL" TM_SEED_SUPPLIER_APIS="$(mock_urls)" \
        TM_SEED_SUPPLIER_API_KEY="$(mock_key)" TM_SEED_CATALOGUE_DIR="$RUN/mock"
      with_progress "sample suppliers" "$RUN/log/seed.log" "$BIN/tm-supplier-seed") \
      || die "sample suppliers failed: see $RUN/log/seed.log"
  fi
  for i in $(seq 1 "$N_GW"); do start_gateway "$i"; done
  for i in $(seq 1 "$N_GW"); do wait_ready gateway "$i" "$(ops_port gateway "$i")"; done
  start_nginx
  wait_api "http://127.0.0.1:$HTTP_PORT/api/v1/auth/me" 30 \
    || die "the API does not answer through nginx: see $RUN/log/"
  cat <<MSG

TechMart is up ($(for svc in $(svc_names) gateway; do printf '%s x%s, ' "$svc" "$(scale_of "$svc")"; done | sed 's/, $//')).
  Open:    http://localhost:$HTTP_PORT/   the web app: sign in as the admin or a sample user (below)
  Log in:  curl -X POST -H 'Content-Type: application/json' http://localhost:$HTTP_PORT/api/v1/auth/login \\
             -d '{"email":"...","password":"..."}'
  Try:     curl -H "Authorization: Bearer \$ACCESS_TOKEN" 'http://localhost:$HTTP_PORT/api/v1/products?limit=5'
           admin: ${TM_ADMIN_EMAIL:-admin@techmart.local}, $( [ -n "${TM_ADMIN_PASSWORD:-}" ] && echo "password from TM_ADMIN_PASSWORD" || echo "generated password in $RUN/secrets/admin-credentials (root only)")
           sample users (store_manager@, buyer@, analyst@, fraud_analyst@, viewer@techmart.local)
           and a sample POS API key (store 1): same file
  Health:  curl http://localhost:$HTTP_PORT/health
  Logs:    $RUN/log/
  Stop:    $(stop_command)
MSG
}

# The command that stops this stack, as the closing banner prints it: the
# run folder is all `down` needs (the ports are in its stack.env).
stop_command() {
  if [ -n "${TM_RUN_DIR:-}" ] && [ "$RUN" != "$ROOT/var" ]; then
    printf 'TM_RUN_DIR=%q make -C %q down\n' "$RUN" "$ROOT"
  else
    printf 'make -C %q down\n' "$ROOT"
  fi
}

# stop_pid PIDFILE: SIGTERM, up to 10 s, then SIGKILL. The pid is read once
# and the process watched by it: a daemon may remove its pid file as it
# exits (nginx does), which must neither look like an error nor end the wait.
stop_pid() {
  local pidf=$1 pid t
  pid=$(cat "$pidf" 2>/dev/null) || return 0
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    t=100
    while pid_alive "$pid" && [ $t -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
    pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidf"
}

cmd_down() {
  [ -d "$RUN" ] || { log "nothing to stop in $RUN"; return 0; }
  local f
  stop_pid "$RUN/pid/nginx.pid"
  # the gateways first, then the daemons in the reverse of their start order,
  # then any other daemon's pid file (one a changed SERVICES list forgot)
  local svc pids=("$RUN"/pid/gateway-*.pid)
  for svc in $(svc_names | tr ' ' '\n' | tac); do pids+=("$RUN"/pid/"$svc"-*.pid); done
  pids+=("$RUN"/pid/*-[0-9]*.pid)
  for f in "${pids[@]}"; do
    [ -e "$f" ] || continue
    stop_pid "$f.sup" # passes SIGTERM on and waits for the daemon
    stop_pid "$f"
  done
  stop_pid "$RUN/pid/redis.pid"
  if [ -f "$RUN/pg/postmaster.pid" ]; then
    as_pg "$(pg_bin)/pg_ctl" -D "$RUN/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -f "$STATE"
  log "stopped (data kept in $RUN)"
}

cmd_status() {
  local f
  for f in "$RUN"/pid/*.pid "$RUN"/pid/*.pid.sup; do
    [ -e "$f" ] || continue
    if alive "$f"; then echo "$(basename "$f" .pid) running pid $(cat "$f")"
    else echo "$(basename "$f" .pid) dead"; fi
  done
  [ -f "$RUN/pg/postmaster.pid" ] && echo "postgres running pid $(head -1 "$RUN/pg/postmaster.pid")"
  return 0
}

cmd_start() {
  local svc=${1:-} i=${2:-}
  [[ $i =~ ^[1-9]$ ]] && [[ " $(svc_names)gateway " = *" $svc "* ]] && [[ $svc =~ ^[a-z]+$ ]] \
    || die "usage: stack.sh start $(svc_names | tr ' ' '|')gateway N"
  start_svc "$svc" "$i"
}

cmd_pg() {
  case ${1:-} in
    stop) as_pg "$(pg_bin)/pg_ctl" -D "$RUN/pg" -m fast -w stop >/dev/null ;;
    start) start_postgres ;;
    restart) as_pg "$(pg_bin)/pg_ctl" -D "$RUN/pg" -m fast -w restart -l "$RUN/log/postgres.log" >/dev/null ;;
    *) die "usage: stack.sh pg stop|start|restart" ;;
  esac
}

cmd_nginx() { # reload: new settings (TM_EDGE_*, keepalive) without dropping connections
  case ${1:-} in
    reload)
      alive "$RUN/pid/nginx.pid" || die "nginx is not running"
      write_nginx_conf
      nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$RUN/log/nginx-error.log" -s reload \
        || die "nginx reload failed: see $RUN/log/nginx-error.log"
      sleep 0.5 ;; # old workers finish their requests; new ones take the settings
    *) die "usage: stack.sh nginx reload" ;;
  esac
}

cmd_redis() {
  case ${1:-} in
    stop) stop_pid "$RUN/pid/redis.pid" ;;
    start) start_redis ;;
    *) die "usage: stack.sh redis stop|start" ;;
  esac
}

cmd_events() {
  local cmd=${1:-} i list=""
  shift || true
  case $cmd in
    tail)
      exec "$BIN/tm-events" tail --events "$(endpoints_of inventory events)" "$@" ;;
    replay) exec "$BIN/tm-events" replay --source inventory --bus "$(endpoints_of inventory)" "$@" ;;
    *) die "usage: stack.sh events tail|replay [options]" ;;
  esac
}

case ${1:-} in
  up) cmd_up ;;
  events) shift; cmd_events "$@" ;;
  pg) shift; cmd_pg "$@" ;;
  redis) shift; cmd_redis "$@" ;;
  nginx) shift; cmd_nginx "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  start) shift; cmd_start "$@" ;;
  *) echo "usage: $0 up|down|status|start SVC N|pg stop|start|restart|redis stop|start|nginx reload|events tail|replay" >&2; exit 2 ;;
esac
