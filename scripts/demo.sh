#!/usr/bin/env bash
# Sets up, builds, and runs the demo in Debian's sqlite3 shell on the bundled
# samples: the annotated source listing of the hottest matrix routine of a Go
# CPU profile (samples/list-mul.sql), then the top allocation sites of a Go
# heap profile (samples/top-inuse.sql).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
sqlite3 -noheader -list -cmd '.load build/pprof' :memory: < samples/list-mul.sql | tail -n +2
echo
sqlite3 -box -cmd '.load build/pprof' :memory: < samples/top-inuse.sql | tail -n +6
