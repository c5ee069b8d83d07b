#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UBSan, a build
# directory of their own) and runs each for a while; see fuzz/README.md.
#
#   fuzz/run.sh [SECONDS] [TARGET...]    default: 60 seconds, fuzz_reader fuzz_views
#
# Environment:
#   BUILD_DIR=build-fuzz     where to build
#   SHARED_DIR=../shared     beside the checkout: pprof's own testdata (more seeds), if there
#   FUZZ_CORPUS=DIR          keep the corpus each target grows in DIR/<target>
#                            (default: a temporary directory, removed at exit)
#   FUZZ_ARTIFACTS=DIR       where crashing inputs are written (default: BUILD_DIR/artifacts)
#
# Prints, per target, the executions, the coverage (libFuzzer's cov: and ft:)
# and any crash, leak, timeout or out-of-memory; exits 1 if there was one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds="${1:-60}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(fuzz_reader fuzz_views)
build="${BUILD_DIR:-build-fuzz}"
shared="${SHARED_DIR:-$root/../shared}"
artifacts="${FUZZ_ARTIFACTS:-$build/artifacts}"

# clang and its libFuzzer runtime (Debian 12: clang-14, libclang-rt-14-dev).
missing=()
command -v clang++ >/dev/null || missing+=(clang)
if command -v clang++ >/dev/null; then
  probe=$(mktemp -d)
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$probe/p.cc"
  clang++ -fsanitize=fuzzer "$probe/p.cc" -o "$probe/p" 2>/dev/null || missing+=(libclang-rt-14-dev)
  rm -rf "$probe"
else
  missing+=(libclang-rt-14-dev)
fi
source "$root/scripts/apt_install.sh"
apt_install fuzz "${missing[@]}"

# Only the fuzz targets and what they link (no tests, no shell).
echo "== fuzz: building ${targets[*]} in $build"
start=$(date +%s)
# -O1 -gline-tables-only, as OSS-Fuzz builds: quicker to compile, and
# sanitizer reports still name files and lines.
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DPPROF_FUZZ=ON -DPPROF_TESTS=OFF -DPPROF_SANITIZE=address,undefined -DPPROF_WERROR="${PPROF_WERROR:-OFF}" >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"
echo "fuzz: built in $(($(date +%s) - start)) s"

# Seeds: every profile of tests/corpus and of pprof's own testdata
# ($SHARED_DIR/corpus/dev/pprof-testdata, when there; samples/ holds copies of
# tests/corpus files): profile.proto files both as they are (gzip) and
# decompressed (raw), and the legacy-format files (gperftools, Go and Java
# text and binary profiles), copied to a temporary directory at each run,
# never committed. (Not tests/fuzz-regressions/: those inputs are slow on
# purpose, and the unit tests run them.)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seeds="$tmp/seeds"
mkdir -p "$seeds"
testdata="$shared/corpus/dev/pprof-testdata"
seed_dirs=("$root/tests/corpus")
[ -d "$testdata" ] && seed_dirs+=("$testdata")
n=0
nlegacy=0
while IFS= read -r -d '' f; do
  magic=$(head -c 2 "$f" | od -An -tx1 | tr -d ' \n')
  if [ "$magic" = 1f8b ]; then
    n=$((n + 1))
    cp "$f" "$seeds/$n.pb.gz"
    gzip -dc <"$f" >"$seeds/$n.pb" 2>/dev/null || rm -f "$seeds/$n.pb"
    continue
  fi
  # A legacy profile: a binary CPU profile starts with a zero word, the text
  # formats with their header (pprof-semantics.md §8).
  first=$(head -c 64 "$f" | tr -d '\0' | head -n 1)
  if [ "$(head -c 1 "$f" | od -An -tx1 | tr -d ' \n')" = 00 ] ||
     [[ "$first" =~ ^(heap\ profile|---|goroutine\ profile|threadcreate\ profile) ]]; then
    nlegacy=$((nlegacy + 1))
    cp "$f" "$seeds/legacy$nlegacy"
  fi
done < <(find "${seed_dirs[@]}" -type f ! -name '*.txt' ! -name '*.tsv' ! -name '*.string' ! -name '*.md' \
           ! -path '*/src/*' -print0 | sort -z)
echo "fuzz: $(ls "$seeds" | wc -l) seed files ($n gzip profiles from ${seed_dirs[*]}, each also raw;" \
     "$nlegacy legacy-format profiles)"
if [ ! -d "$testdata" ]; then
  # How many seed files pprof's testdata gives, as tests/corpus/EXTERNAL.tsv records it.
  echo "fuzz: $(awk -F'\t' '$1 == "pprof-testdata" { print $3 }' tests/corpus/EXTERNAL.tsv) pprof-testdata seed files" \
       "not used: $testdata is absent"
fi

mkdir -p "$artifacts"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
summary=()
for t in "${targets[@]}"; do
  case "$t" in
    fuzz_reader) max_len=262144 timeout=10 ;;
    # An input runs a dozen report views, each prepared anew on a fresh
    # connection, and the views compile to large programs (docs/ARCHITECTURE.md):
    # several seconds per input under ASan on a busy machine, so a hang is 60 s.
    fuzz_views) max_len=65536 timeout=60 ;;
    *) max_len=65536 timeout=10 ;;
  esac
  corpus="${FUZZ_CORPUS:-$tmp/corpus}/$t"
  mkdir -p "$corpus"
  log="$build/$t.log"
  echo "== fuzz: $t for $seconds s (-max_len=$max_len), log in $log"
  rc=0
  "$build/fuzz/$t" -max_total_time="$seconds" -max_len="$max_len" -timeout="$timeout" -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$t-" "$corpus" "$seeds" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
  line="$t: ${execs:-?} executions in ${seconds} s, cov: ${cov:-?} ft: ${ft:-?} corpus: ${corp:-?}"
  if ((rc != 0)); then
    status=1
    what=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)[^(]*|runtime error:.*|fuzz_views: .*' "$log" || true)
    line+=" -- FAILED (exit $rc): ${what:-see $log}"
    grep -E 'Test unit written to' "$log" | sed 's/^/  /' || true
    echo "---- $t: the failure ----"
    grep -nE -A40 'ERROR: |runtime error:|fuzz_views: ' "$log" | head -80 || tail -40 "$log"
  fi
  summary+=("$line")
done
echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
if ((status)); then
  echo "fuzz: failures above; save each input under tests/fuzz-regressions/ once fixed" >&2
fi
exit $status
