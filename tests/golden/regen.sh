#!/usr/bin/env bash
# Regenerates the goldens in this folder with `go tool pprof` itself (Debian 12's
# golang-go, Go 1.19.8, the same pprof as ../shared/corpus). They extend the
# shared corpus with the flags it does not cover (filters, granularities,
# -mean, -noinlines, ...) on the bundled samples. Never run by the build or
# CI, and never written by our own code: each golden is pprof's stdout.
#
#   usage: tests/golden/regen.sh    (needs `go` on PATH)
set -euo pipefail
cd "$(dirname "$0")"
command -v go >/dev/null || { echo "regen.sh needs go tool pprof (apt-get install golang-go)" >&2; exit 1; }
export TZ=UTC
src=(-source_path=../../samples/src/go -trim_path=/opt/go/src:/home/build)
cpu=../../samples/go1.cpu.pb.gz
heap=../../samples/go1.heap.pb.gz
printf 'group\tprofile\tcommand\tgolden\tformat\n' > MANIFEST.tsv
n=0
add() {  # add PROFILE FLAGS... (each flag one word)
  local profile=$1; shift
  n=$((n + 1))
  local golden; golden=$(printf '%03d.txt' "$n")
  local cmd="go tool pprof -symbolize=none" a
  for a in "$@"; do
    # Quote words with shell metacharacters the way the shared MANIFEST does.
    if [[ "$a" =~ [^-A-Za-z0-9_=./:,] ]]; then cmd+=" '$a'"; else cmd+=" $a"; fi
  done
  cmd+=" $profile"
  eval "$cmd" > "$golden" 2>/dev/null || true
  printf 'samples\t%s\t%s\t%s\tproto\n' "$profile" "$cmd" "$golden" >> MANIFEST.tsv
}
for g in -functions -filefunctions -files -lines -addresses; do
  add $cpu "${src[@]}" -top $g
  add $cpu "${src[@]}" -top -noinlines $g
done
add $cpu "${src[@]}" -top -nodecount=5
add $cpu "${src[@]}" -top -nodefraction=0.1
add $cpu "${src[@]}" -top -nodefraction=0
add $cpu "${src[@]}" -top -unit=ms
add $cpu "${src[@]}" -top -cum -nodecount=15
add $cpu "${src[@]}" -top '-focus=mathx'
add $cpu "${src[@]}" -top '-ignore=runtime'
add $cpu "${src[@]}" -top '-hide=runtime\.'
add $cpu "${src[@]}" -top '-show=goapp'
add $cpu "${src[@]}" -top '-show_from=main\.phase'
add $cpu "${src[@]}" -top '-prune_from=goapp/mathx\.Escape'
add $cpu "${src[@]}" -top '-tagfocus=stage=math'
add $cpu "${src[@]}" -top '-tagignore=worker=[01]'
add $cpu "${src[@]}" -top '-focus=Mandelbrot' '-hide=sq'
add $cpu "${src[@]}" -traces '-tagfocus=stage=kv'
add $cpu "${src[@]}" -tags '-tagignore=stage=math'
add $cpu "${src[@]}" '-peek=goapp/mathx\.Mandelbrot$' -noinlines
add $cpu "${src[@]}" '-list=goapp/mathx\.Mandelbrot$' -noinlines
add $cpu "${src[@]}" '-list=goapp/mathx\.Escape$' '-focus=main\.phase\.func4'
add $heap "${src[@]}" -top -sample_index=0
add $heap "${src[@]}" -top -sample_index=alloc_space -cum
add $heap "${src[@]}" -top -inuse_objects -lines
add $heap "${src[@]}" -top -mean -sample_index=alloc_space
add $heap "${src[@]}" -top '-tagfocus=64kb:'
add $heap "${src[@]}" -tags -sample_index=alloc_space
add $heap "${src[@]}" -traces -sample_index=alloc_objects
add $heap "${src[@]}" '-peek=goapp/expr\.Parse$' -sample_index=alloc_space
add $heap "${src[@]}" '-list=goapp/kv\.\(\*Store\)\.Update$' -sample_index=alloc_space
add $heap "${src[@]}" -top -base=$heap
add $cpu "${src[@]}" -top -diff_base=$cpu -focus=mathx
# -list with an option string an import does not pre-fill (tests/unit/import_test.cc).
add $cpu "${src[@]}" -unit=ms -noinlines '-list=goapp/mathx\.\(\*Matrix\)\.Mul$'
# Option strings an import does not pre-fill (tests/cli/test_plain_db.py).
add $cpu "${src[@]}" -traces -lines -unit=ms -divide_by=2
add $cpu "${src[@]}" -traces -mean -files -noinlines
add $heap "${src[@]}" -tags -unit=kB -sample_index=inuse_space
echo "wrote $n goldens" >&2
