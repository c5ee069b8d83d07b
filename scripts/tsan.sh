#!/usr/bin/env bash
# Builds the unit tests that run threads with ThreadSanitizer and runs them
# (connections loading, querying and unloading on two threads, a cursor
# reading while another thread unloads, the import's writers). .ci/run runs
# it, so a data race fails CI. Only the thread_tests target is built
# (tests/CMakeLists.txt: hostile_test.cc, linked with pprof_core, where the
# race-prone code is; not the shell, not the extension's .so).
#   BUILD_DIR=build-tsan    where to build
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build-tsan}"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPPROF_WERROR=ON -DPPROF_SANITIZE=thread >/dev/null
cmake --build "$build" -j"$(nproc)" --target thread_tests
# halt_on_error: the first race report ends the run with a failure (exit 66).
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "$build/tests/thread_tests" \
  --gtest_filter='Threads*:Untrusted*:ImportWriters*'
