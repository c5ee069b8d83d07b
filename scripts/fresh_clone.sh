#!/usr/bin/env bash
# Proves that a clone passes its tests with nothing beside it (DESIGN.md,
# "Self-contained"): clones this checkout's HEAD into DIR/repo, with no
# DIR/shared beside it, builds it there and runs ctest. Passes when every
# test passes and the suites report the pprof-testdata rows they did not run.
# A full build: run it by hand (about as long as scripts/test.sh), not from ctest.
#   usage: scripts/fresh_clone.sh [DIR]    (default: a new directory under /tmp)
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$(mktemp -d /tmp/pprof-fresh-XXXXXX)}"
[ ! -e "$dir/repo" ] || { echo "$dir/repo exists" >&2; exit 1; }
[ ! -e "$dir/shared" ] || { echo "$dir/shared exists: the point is its absence" >&2; exit 1; }
git clone --quiet "$src" "$dir/repo"
cd "$dir/repo"
unset PPROF_SHARED_DIR SHARED_DIR
log="$dir/ctest.log"
status=0
PPROF_WERROR=ON scripts/test.sh >"$log" 2>&1 || status=$?
grep -E "tests passed|tests failed|Skipped|not run:" "$log" || true
# The conformance suite prints its count; the gtest ones show as skipped with theirs.
grep -q "pprof-testdata rows not run: $(cd "$dir" && pwd -P)/shared/corpus/dev/pprof-testdata is absent" \
  <(ctest --test-dir build -R '^conformance$' --output-on-failure -V 2>&1) ||
  { echo "FAILED: the conformance suite did not report the pprof-testdata rows it did not run" >&2; status=1; }
echo "fresh clone in $dir/repo: $([ $status = 0 ] && echo passed || echo FAILED; true) (log: $log)"
exit $status
