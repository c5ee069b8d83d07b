#!/usr/bin/env bash
# Sets up, builds, and runs the demo: the top 10 allocation sites by
# inuse_space of the bundled Go heap profile, in Debian's sqlite3 shell.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
sqlite3 -box -cmd '.load build/pprof' :memory: < samples/top-inuse.sql
