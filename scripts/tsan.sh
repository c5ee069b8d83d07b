#!/usr/bin/env bash
# Builds the unit tests with ThreadSanitizer and runs the ones that use
# threads or several connections. Not part of .ci/run (a third sanitizer
# build does not fit CI's 20 minutes); run it when touching the registry,
# the cursors or the import.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build-tsan}"
PPROF_WERROR=ON PPROF_SANITIZE=thread CMAKE_BUILD_TYPE=RelWithDebInfo BUILD_DIR="$BUILD_DIR" scripts/setup.sh
TSAN_OPTIONS="halt_on_error=1" "$BUILD_DIR/tests/unit_tests" \
  --gtest_filter='Threads*:Untrusted*:ImportWriters*:Import*:Tables*'
