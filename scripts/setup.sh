#!/usr/bin/env bash
# Installs the build's Debian 12 packages (when missing) and builds sqlite-pprof
# into build/ (or $BUILD_DIR). Environment:
#   PPROF_WERROR=ON        warnings are errors (CI)
#   PPROF_SANITIZE=address,undefined   build with sanitizers
#   BUILD_DIR=build-asan   where to build
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config sqlite3 libsqlite3-dev protobuf-compiler libprotobuf-dev
          zlib1g-dev libfmt-dev googletest libgtest-dev libgmock-dev libre2-dev python3
          libedit-dev libdw-dev binutils libgoogle-perftools-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
source scripts/apt_install.sh
apt_install setup "${missing[@]}"

build="${BUILD_DIR:-build}"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" \
  -DPPROF_WERROR="${PPROF_WERROR:-OFF}" -DPPROF_SANITIZE="${PPROF_SANITIZE:-}" >/dev/null
cmake --build "$build" -j"$(nproc)"
