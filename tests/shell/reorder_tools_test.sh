#!/usr/bin/env bash
# tests/shell/reorder_tools_test.sh — tm-reorder-eval and tm-reorder-sim as
# their users run them, on a small generated demand file: the policy file's
# columns and rows, flags refused with exit 2 naming them, a bad input
# refused with its line and no policy file half written, and the
# simulation's table, repeatable. Prints a Check-style summary line, which
# deploy/run-tests.sh counts.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${BIN:-bin}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
CHECK_FILE=tests/shell/reorder_tools_test.sh CHECK_TAG=reorder
. "$ROOT/tests/shell/check.sh"
TMP=$(mktemp -d /tmp/tm-reorder-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# 200 days of three series (one smooth with a weekday pattern, one
# intermittent under an id with a comma and a quote, one of 5 days only)
awk 'BEGIN { srand(7); print "series_id,date,value"; split("31 29 31 30 31 30 31 31", ml, " ")
  for (t = 0; t < 200; t++) {
    m = 1; r = t; while (r >= ml[m]) { r -= ml[m]; m++ } # 2020, a leap year, from 1 January
    d = sprintf("2020-%02d-%02d", m, r + 1)
    printf "smooth,%s,%d\n", d, 10 + (t % 7 >= 5 ? 6 : 0) + int(rand() * 5)
    printf "\"odd, \"\"one\"\"\",%s,%d\n", d, rand() < 0.3 ? 1 + int(rand() * 4) : 0
    if (t < 5) printf "short,%s,3\n", d } }' >"$TMP/demand.csv"

eval_ok() {
  local out
  out=$("$BIN/tm-reorder-eval" "$TMP/demand.csv" --policy "$TMP/policy.csv" \
    --origin-days-from-end 60 --lead-time-mean 5 --lead-time-sd 1.5 --fill-rate 0.9 2>&1)
  [ $? -eq 0 ] || { fail eval_exit "exit non-zero: $out"; return; }
  [ "$(head -n 1 "$TMP/policy.csv" | cut -d, -f1-3)" = "series_id,reorder_point,order_up_to" ] ||
    fail eval_header "header: $(head -n 1 "$TMP/policy.csv")"
  [ "$(wc -l <"$TMP/policy.csv")" -eq 3 ] || fail eval_rows "want 2 rows (short left out): $(cat "$TMP/policy.csv")"
  grep -q '^"odd, ""one""",' "$TMP/policy.csv" || fail eval_quote "the quoted id is not written back quoted"
  # s and S whole numbers, 0 ≤ s ≤ S; the smooth one's s above its lead-time demand
  awk -F, 'NR > 1 { n = NF; s = $(n - 10); S = $(n - 9)
    if (s !~ /^[0-9]+$/ || S !~ /^[0-9]+$/ || s + 0 > S + 0) exit 1 }' "$TMP/policy.csv" ||
    fail eval_levels "levels: $(cat "$TMP/policy.csv")"
  awk -F, '$1 == "smooth" && !($2 > 6 * 12) { exit 1 }' "$TMP/policy.csv" ||
    fail eval_smooth "smooth s below 6 days of demand: $(grep smooth "$TMP/policy.csv")"
  grep -q '2 policies' <<<"$out" && grep -q '1 too short' <<<"$out" ||
    fail eval_summary "summary: $out"
}

eval_refuses_flags() {
  local args flag out rc
  while IFS='|' read -r flag args; do
    out=$("$BIN/tm-reorder-eval" "$TMP/demand.csv" --policy "$TMP/never.csv" $args 2>&1)
    rc=$?
    [ $rc -eq 2 ] || fail eval_flag_exit "$args: exit $rc, want 2"
    grep -q -- "$flag" <<<"$out" || fail eval_flag_name "$args: message does not name $flag: $out"
  done <<'EOF'
--fill-rate|--fill-rate 1
--fill-rate|--fill-rate 0
--fill-rate|--fill-rate abc
--lead-time-mean|--lead-time-mean -1
--lead-time-sd|--lead-time-sd -0.5
--review-days|--review-days 0
--review-days|--review-days 1.5
--holding-cost|--holding-cost -1
--order-cost|--order-cost nan
--unit-cost|--unit-cost 0
--origin-days-from-end|--origin-days-from-end -3
--lead-time-mean|--lead-time-mean 150 --lead-time-sd 20
--bogus|--bogus
--fill-rate|--fill-rate
EOF
  out=$("$BIN/tm-reorder-eval" "$TMP/demand.csv" 2>&1)
  [ $? -eq 2 ] && grep -q -- '--policy' <<<"$out" || fail eval_no_policy "$out"
  [ ! -e "$TMP/never.csv" ] || fail eval_flag_wrote "a refused run wrote its policy file"
  "$BIN/tm-reorder-eval" --help 2>&1 | grep -q -- '--origin-days-from-end' || fail eval_help "no usage"
}

eval_refuses_bad_input_whole() {
  local out
  echo old >"$TMP/keep.csv"
  printf 'series_id,date,value\na,2020-01-01,1\na,2020-01-02,x\n' >"$TMP/bad.csv"
  out=$("$BIN/tm-reorder-eval" "$TMP/bad.csv" --policy "$TMP/keep.csv" 2>&1)
  [ $? -eq 1 ] || fail bad_exit "exit not 1: $out"
  grep -q "bad.csv:3: value is not a number" <<<"$out" || fail bad_line "message: $out"
  [ "$(cat "$TMP/keep.csv")" = old ] || fail bad_kept "the old policy file was replaced"
  [ -z "$(ls "$TMP" | grep '\.tmp')" ] || fail bad_tmp "a temporary file was left: $(ls "$TMP")"
}

sim_table() {
  local a b
  a=$("$BIN/tm-reorder-sim" "$TMP/demand.csv" --policy "$TMP/policy.csv" --origin-days-from-end 60 \
    --lead-time-mean 5 --lead-time-sd 1.5 --fill-rate 0.9 --per-series "$TMP/per.csv" 2>&1)
  [ $? -eq 0 ] || { fail sim_exit "exit non-zero: $a"; return; }
  for p in "ours (tm-reorder-eval)" "documents (L+3 days)" "textbook normal" "min/max (2/4 weeks)"; do
    grep -q "^all  *2  $p" <<<"$a" || fail sim_row "no overall row for $p: $a"
  done
  # the 5-day series has no policy (tm-reorder-eval left it out): counted, not replayed
  grep -q '1 without a policy row' <<<"$a" || fail sim_no_policy "the 5-day series not counted: $a"
  grep -q '^goal' <<<"$a" && grep -q 'every class:' <<<"$a" || fail sim_goal "no goal lines: $a"
  [ "$(wc -l <"$TMP/per.csv")" -eq 9 ] || fail sim_per "per-series rows: $(cat "$TMP/per.csv")"
  # demand replayed = the last 60 days of the file, the same for every policy
  awk -F, 'NR > 1 && $1 == "smooth" { d[$3] = $7 } END { if (d["ours"] != d["textbook"] || d["ours"] <= 0) exit 1 }' \
    "$TMP/per.csv" || fail sim_demand "demand differs between policies: $(cat "$TMP/per.csv")"
  b=$("$BIN/tm-reorder-sim" "$TMP/demand.csv" --policy "$TMP/policy.csv" --origin-days-from-end 60 \
    --lead-time-mean 5 --lead-time-sd 1.5 --fill-rate 0.9 2>&1)
  [ "$a" = "$b" ] || fail sim_repeat "two runs differ"
}

# equal service: every baseline gets a setting per class searched to the
# target (0.9) and to ours' fill, each reached one at or over it, and a goal line
sim_equal_service() {
  local out
  out=$("$BIN/tm-reorder-sim" "$TMP/demand.csv" --policy "$TMP/policy.csv" --origin-days-from-end 60 \
    --lead-time-mean 5 --lead-time-sd 1.5 --fill-rate 0.9 2>&1)
  [ $? -eq 0 ] || { fail need_exit "exit non-zero: $out"; return; }
  for k in ours documents textbook minmax; do
    grep -q "^need all  *2  $k " <<<"$out" || fail need_row "no overall need row for $k: $out"
  done
  grep -q '^need-goal all .*for the target: ' <<<"$out" || fail need_goal "no need-goal line: $out"
  awk '$1 == "need" && $3 ~ /^[0-9]+$/ && $4 == "ours" { ours[$2] = $6 }
       $1 == "need" && $3 ~ /^[0-9]+$/ && $4 != "ours" {
         if ($5 != "unreached" && $6 + 0 < 0.9) bad = 1
         if ($9 != "unreached" && $10 + 0 < ours[$2] - 1e-9) bad = 1; n++ }
       END { exit bad || n < 3 }' <<<"$out" || fail need_fill "a setting under its fill: $out"
}

sim_replans() {
  local out
  out=$("$BIN/tm-reorder-sim" "$TMP/demand.csv" --policy "$TMP/policy.csv" --origin-days-from-end 60 \
    --lead-time-mean 5 --lead-time-sd 1.5 --fill-rate 0.9 --replan-days 7 2>&1)
  [ $? -eq 0 ] || { fail replan_exit "exit non-zero: $out"; return; }
  grep -q 're-set every 7 days' <<<"$out" && grep -q '^all  *2  ours' <<<"$out" ||
    fail replan_table "$out"
  out=$("$BIN/tm-reorder-sim" "$TMP/demand.csv" --policy "$TMP/policy.csv" --origin-days-from-end 60 \
    --replan-days -7 2>&1)
  [ $? -eq 2 ] && grep -q -- '--replan-days' <<<"$out" || fail replan_bad "$out"
}

sim_refuses() {
  local out
  out=$("$BIN/tm-reorder-sim" "$TMP/demand.csv" --policy "$TMP/policy.csv" 2>&1)
  [ $? -eq 2 ] && grep -q -- '--origin-days-from-end' <<<"$out" || fail sim_origin "$out"
  out=$("$BIN/tm-reorder-sim" "$TMP/demand.csv" --policy "$TMP/policy.csv" --origin-days-from-end 60 \
    --fill-rate 1.5 2>&1)
  [ $? -eq 2 ] && grep -q -- '--fill-rate' <<<"$out" || fail sim_fill "$out"
  printf 'series_id,reorder_point,order_up_to\nsmooth,9,3\n' >"$TMP/badpol.csv"
  out=$("$BIN/tm-reorder-sim" "$TMP/demand.csv" --policy "$TMP/badpol.csv" --origin-days-from-end 60 2>&1)
  [ $? -eq 1 ] && grep -q 'badpol.csv:2: order_up_to' <<<"$out" || fail sim_badpol "$out"
}

if [ ! -x "$BIN/tm-reorder-eval" ] || [ ! -x "$BIN/tm-reorder-sim" ]; then
  echo "tests/shell/reorder_tools_test.sh:0:E:reorder:build: no tm-reorder-eval / tm-reorder-sim in $BIN"
  echo "0%: Checks: 1, Failures: 0, Errors: 1"
  exit 1
fi
run_case eval_ok
run_case eval_refuses_flags
run_case eval_refuses_bad_input_whole
run_case sim_table
run_case sim_equal_service
run_case sim_replans
run_case sim_refuses
summary
