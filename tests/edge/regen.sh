#!/usr/bin/env bash
# Records `go tool pprof`'s output for the edge-case profiles that gen.py
# writes (Debian 12's golang-go, Go 1.19.8, the same pprof as
# ../shared/corpus): every report of every profile, plus a few flags where a
# class of input matters to them. Never run by the build or CI, and never
# written by our own code: each golden is pprof's stdout (empty where pprof
# refuses the profile). tests/conformance/run.py compares pprof-sql with
# them, run from this folder as the MANIFEST's commands say.
#
#   usage: tests/edge/regen.sh    (needs `go` on PATH; run gen.py first)
set -euo pipefail
cd "$(dirname "$0")"
command -v go >/dev/null || { echo "regen.sh needs go tool pprof (apt-get install golang-go)" >&2; exit 1; }
export TZ=UTC
rm -f golden/*.txt
mkdir -p golden
printf 'group\tprofile\tcommand\tgolden\tformat\n' > MANIFEST.tsv
n=0
add() {  # add PROFILE FLAGS... (each flag one word)
  local profile=$1; shift
  n=$((n + 1))
  local golden; golden=$(printf 'golden/%03d.txt' "$n")
  local cmd="go tool pprof -symbolize=none" a
  for a in "$@"; do
    # Quote words with shell metacharacters the way the shared MANIFEST does.
    if [[ "$a" =~ [^-A-Za-z0-9_=./:,] ]]; then cmd+=" '$a'"; else cmd+=" $a"; fi
  done
  cmd+=" $profile"
  eval "$cmd" > "$golden" 2>/dev/null || true
  printf 'edge\t%s\t%s\t%s\tproto\n' "$profile" "$cmd" "$golden" >> MANIFEST.tsv
}
for p in profiles/*.pb profiles/*.pb.gz; do
  add "$p" -top
  add "$p" -text -lines
  add "$p" '-peek=.'
  add "$p" '-list=.'
  add "$p" -traces
  add "$p" -raw
  add "$p" -tags
done
add profiles/nul_mapping.pb -top -addresses
add profiles/no_lines.pb -top -addresses
add profiles/nul_file.pb -top -files
add profiles/nul_file.pb -top -filefunctions
add profiles/nul_inline.pb -top -noinlines
add profiles/nul_inline.pb -text -lines -noinlines
add profiles/nul_twins.pb -top -cum
add profiles/invalid_utf8.pb -top -files
add profiles/utf8_names.pb -top -files
add profiles/utf8_units.pb -top -sample_index=0
add profiles/utf8_units.pb -tags -sample_index=0
add profiles/utf8_units.pb '-peek=.' -sample_index=0
add profiles/regexp_meta.pb '-peek=\(\*T\)' 
add profiles/regexp_meta.pb '-list=^a\|b$'
add profiles/source_bytes.pb -source_path=. '-list=.'
add profiles/start_past_end.pb -source_path=. -trim_path=/nowhere '-list=.'
add profiles/start_above.pb -source_path=. '-list=pkg\.f'
add profiles/lines_zero_start.pb -source_path=src '-list=.'
add profiles/nul_labels.pb -tags -tagfocus=plain=ab
add profiles/nul_labels.pb -top -tagshow=plain
add profiles/drop_frames_bad.pb -top -lines
add profiles/drop_frames_bad.pb '-focus=pkg\.g' -traces
echo "wrote $n goldens" >&2
