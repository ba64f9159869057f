#!/usr/bin/env bash
# deploy/lint.sh — `make lint`, also run by `make test`: the checks of
# docs/architecture.md ("Code layout and style") that the compiler does not make.
#   1. banned calls: strcpy, strcat, sprintf, vsprintf, gets; cJSON_Parse*
#      outside common/json.c; event topics as string literals; a JSON string
#      value printed with "%s"
#   2. domain files include only the C library and common/err.h (no I/O)
#   3. every header compiles on its own
#   4. SQL only in a service's store.c / *_store.c (and the migration runner);
#      storage includes neither the router nor a service's handlers
#   5. clang-format --dry-run (when clang-format is installed)
set -uo pipefail
cd "$(dirname "$0")/.."
bad=0
fail() { echo "lint: $*"; bad=1; }

mapfile -t SRC < <(git ls-files '*.c' '*.h' 2>/dev/null || find common services tests -name '*.[ch]')

# 1
hits=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets)[[:space:]]*\(' "${SRC[@]}")
[ -z "$hits" ] || fail "banned calls (use snprintf / tm_strlcpy / tm_buf):"$'\n'"$hits"

# 1b: JSON is parsed only by tm_json_parse (common/json.c), which bounds its
# nesting depth before cJSON recurses (proto/limits.h TM_JSON_DEPTH_MAX)
hits=$(printf '%s\n' "${SRC[@]}" | grep -E '^(common|services)/' | grep -v '^common/json\.c$' |
  xargs grep -nE '\bcJSON_Parse[A-Za-z]*[[:space:]]*\(')
[ -z "$hits" ] || fail "cJSON_Parse outside common/json.c (use tm_json_parse):"$'\n'"$hits"

# 1c: event topics are named by their constant (common/topic.h, which
# tests/unit/common/topic_test.c checks against proto/events.md), never by a
# string literal of their own
mapfile -t TOPICS < <(grep -oE '"[a-z_]+\.[a-z_]+"' common/topic.h)
hits=$(printf '%s\n' "${SRC[@]}" | grep -E '^(common|services)/' | grep -v '^common/topic\.h$' |
  xargs grep -nF "${TOPICS[@]/#/-e}")
[ -z "$hits" ] || fail "event topic as a string literal (use tm_topic_name(TM_TOPIC_...)):"$'\n'"$hits"

# 1d: JSON is written one way (common/json.h, "Out"): a string value goes
# through tm_json_kv_str / tm_json_quote, which escape it, never through
# "%s" between quotes.
hits=$(printf '%s\n' "${SRC[@]}" | grep -E '^(common/[a-z_]+|services/[a-z]+/[a-z_]*(handlers|store))\.c$' |
  xargs grep -nE ':\\"%s\\"')
[ -z "$hits" ] || fail "a JSON string value through %s (use tm_json_kv_str / tm_json_quote):"$'\n'"$hits"

# 2: pure domain modules (docs/architecture.md, "A request", 3)
DOMAIN=(services/inventory/catalog.c services/inventory/catalog.h
        services/inventory/sample.c services/inventory/sample.h
        services/inventory/stock.c services/inventory/stock.h
        services/txn/fraud.c services/txn/fraud.h services/txn/sale.c services/txn/sale.h
        services/txn/replay.c services/txn/replay.h services/txn/gen.c services/txn/gen.h
        services/inventory/forecast.c services/inventory/forecast.h
        services/inventory/forecast_run.c services/inventory/forecast_check.c
        services/inventory/forecast_pattern.c services/inventory/forecast_bands.c
        services/inventory/forecast_mix.c services/inventory/forecast_theta.c
        services/inventory/forecast_model.h
        services/inventory/forecast_due.c services/inventory/forecast_due.h
        services/inventory/forecast_known.c services/inventory/forecast_known.h
        services/inventory/reorder.c services/inventory/reorder.h
        services/inventory/reorder_sim.c services/inventory/reorder_sim.h
        services/supplier/choice.c services/supplier/choice.h
        common/backoff.c common/backoff.h
        services/supplier/breaker.c services/supplier/breaker.h
        services/analytics/query.c services/analytics/query.h
        services/analytics/rfm.c services/analytics/rfm.h
        services/alerts/engine.c services/alerts/engine.h
        services/alerts/notify.c services/alerts/notify.h
        services/gateway/loadgen.c services/gateway/loadgen.h)
# no cJSON, no common/json.h: JSON is decoded in the handlers (or a decode
# file next to them) and the domain takes plain structs; proto/limits.h is
# constants of the contract only (e.g. the supplier policies' names)
ALLOWED='^#include (<(stddef|stdint|stdbool|string|stdio|stdlib|math|limits|inttypes|errno|nlopt)\.h>|"common/(err|buf|backoff)\.h"|"proto/limits\.h"|"services/[a-z]+/(catalog|sample|stock|fraud|sale|replay|gen|forecast|forecast_model|forecast_due|forecast_known|holidays|reorder|reorder_sim|choice|breaker|query|rfm|engine|notify|loadgen)\.h")'
# tm-supplier-mock's pure parts (its folder name has a dash)
DOMAIN+=(services/supplier-mock/catalogue.c services/supplier-mock/catalogue.h
         services/supplier-mock/orders.c services/supplier-mock/orders.h
         services/supplier-mock/fault.c services/supplier-mock/fault.h)
ALLOWED="${ALLOWED%)}|\"services/supplier-mock/(catalogue|orders|fault)\\.h\")"
for f in "${DOMAIN[@]}"; do
  while IFS= read -r line; do
    [[ $line =~ $ALLOWED ]] || fail "$f: domain code may not include I/O: $line"
  done < <(grep -E '^#include' "$f")
  grep -nE '\b(time|clock_gettime|rand|random|getenv|fopen)[[:space:]]*\(' "$f" \
    && fail "$f: domain code takes time, randomness and files as arguments"
done

# 3
for h in $(printf '%s\n' "${SRC[@]}" | grep '\.h$'); do
  printf '#include "%s"\n' "$h" | gcc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror \
    -I. -fsyntax-only -x c - 2>/tmp/tm-lint.$$ || { fail "$h does not compile alone:"; cat /tmp/tm-lint.$$; }
done
rm -f /tmp/tm-lint.$$

# 4: statements are parameterized and live in a service's storage files
# (store.c, <area>_store.c); nothing else speaks SQL
for f in $(printf '%s\n' "${SRC[@]}" | grep -E '^(services|common)/' | grep '\.c$'); do
  # common/ modules whose statements are catalog-level or derived from a schema name (the plumbing)
  case $f in services/*/store.c|services/*/*_store.c|common/db.c|common/migrate.c|common/outbox.c|common/jobs.c|common/subscriber.c) continue ;; esac
  grep -nE '"(SELECT|INSERT|UPDATE|DELETE) ' "$f" && fail "$f: SQL outside store.c"
done

# 4b: dependencies point one way (docs/architecture.md, "Code layout and
# style"): handlers call storage, never the reverse, and storage takes a page
# from common/page.h rather than the router
for f in $(printf '%s\n' "${SRC[@]}" | grep -E '^services/[a-z]+/([a-z]+_)?store\.[ch]$'); do
  grep -nE '^#include "(common/router|services/[a-z]+/([a-z]+_)?handlers)\.h"' "$f" |
    sed "s|^|$f:|" | grep . && fail "$f: storage includes the router or handlers"
done

# 5
if command -v clang-format >/dev/null 2>&1; then
  clang-format --dry-run -Werror "${SRC[@]}" 2>/tmp/tm-fmt.$$ || { fail "clang-format:"; head -20 /tmp/tm-fmt.$$; }
  rm -f /tmp/tm-fmt.$$
else
  echo "lint: clang-format not installed; layout not checked"
fi

[ $bad -eq 0 ] && echo "lint: ok"
exit $bad
