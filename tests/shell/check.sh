# tests/shell/check.sh — sourced by the shell tests: Check-style cases and
# the summary line deploy/run-tests.sh counts. The test sets CHECK_FILE (its
# path in the repository) and CHECK_TAG before sourcing it.
checks=0
fails=0
bad=0 # the case under way has failed

fail() { # fail WHAT MESSAGE
  echo "$CHECK_FILE:0:F:$CHECK_TAG:$1: $2"
  bad=1
}

run_case() { # run_case FUNCTION
  bad=0
  checks=$((checks + 1))
  "$1"
  fails=$((fails + bad))
}

summary() { # the Check-style last line; the exit status
  echo "$(( checks ? 100 * (checks - fails) / checks : 100 ))%: Checks: $checks, Failures: $fails, Errors: 0"
  [ $fails -eq 0 ]
}
