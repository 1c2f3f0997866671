#!/bin/sh
# Runs one Catch2 test binary for ctest with the log lines of the servers and
# binaries it starts (stderr) kept apart from Catch2's report (stdout).
# Why: CI shows only the start and the end of a long output, and a fault
# test's log runs to thousands of lines: interleaved, a failed assertion was
# lost in the cut middle. Now a failing run prints the log's last lines first
# and Catch2's report (every failed assertion, with its INFO) last.
# Usage: run_catch.sh BINARY [CATCH ARGS...]
log=$(mktemp "${TMPDIR:-/tmp}/wardsync-test-log.XXXXXX") || exit 1
out=$(mktemp "${TMPDIR:-/tmp}/wardsync-test-out.XXXXXX") || exit 1
trap 'rm -f "$log" "$out"' EXIT
"$@" >"$out" 2>"$log"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "---- exit $rc; the last 60 of $(wc -l <"$log") log lines (stderr):"
  tail -n 60 "$log"
  echo "---- the test report (stdout):"
fi
cat "$out"
exit "$rc"
