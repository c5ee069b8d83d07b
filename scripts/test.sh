#!/usr/bin/env bash
# Sets up (scripts/setup.sh), builds, and runs every test with CTest.
# Same environment variables as setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build="${BUILD_DIR:-build}"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
