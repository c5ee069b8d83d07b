#!/usr/bin/env python3
"""pprof-sql's -symbolize flag on the corpus's gperftools profiles.

cpp1.cpu.prof was recorded on another machine: its program's binary
(/opt/pprof-bench/bin/cppapp) is not here. With the default -symbolize=local,
pprof-sql says so on standard error, in pprof's words, and the report still
prints; with -symbolize=none it prints exactly what `go tool pprof
-symbolize=none` printed (the corpus's stored output) and says nothing; an
unsupported mode is refused. PPROF_BINARY_PATH is where binaries are looked
for, and the message names it.

usage: test_symbolize.py --build DIR --corpus DIR
Standard library only. Prints `N passed, M failed`; exits 1 on any failure."""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import ROOT, check, summary  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--corpus", required=True)
    a = ap.parse_args()
    shell = os.path.join(os.path.abspath(a.build), "pprof-sql")
    corpus = os.path.abspath(a.corpus)
    prof = os.path.join(corpus, "cpp1.cpu.prof")
    golden = os.path.join(corpus, "cpp1.cpu.prof.top.default.txt")
    for f in (prof, golden):
        check("corpus file exists: " + f, os.path.exists(f))
    env = dict(os.environ, PPROF_BINARY_PATH="/nonexistent/binaries:/also/not/here")

    def run(args):
        return subprocess.run([shell] + args, capture_output=True, text=True, cwd=corpus, env=env, timeout=120)

    with open(golden) as f:
        want = f.read()

    out = run(["-symbolize=none", "-top", "cpp1.cpu.prof"])
    check("-symbolize=none: go tool pprof -symbolize=none's output", out.returncode == 0 and out.stdout == want,
          out.stdout[:500] + out.stderr)
    check("-symbolize=none: nothing on stderr", out.stderr == "", out.stderr)

    out = run(["-top", "cpp1.cpu.prof"])
    check("default (local): the report prints", out.returncode == 0 and out.stdout.startswith("File: cppapp\n"),
          out.stdout[:300] + out.stderr)
    check("default (local): the missing binary is reported as pprof reports it",
          "Local symbolization failed for cppapp: /opt/pprof-bench/bin/cppapp: no such file, here or in the binary "
          "path (/nonexistent/binaries:/also/not/here)" in out.stderr, out.stderr)
    check("default (local): the hint names PPROF_BINARY_PATH",
          "Some binary filenames not available. Symbolization may be incomplete.\nTry setting PPROF_BINARY_PATH"
          in out.stderr, out.stderr)
    check("default (local): the program's own frames stay [cppapp]", "[cppapp]" in out.stdout, out.stdout[:800])

    out = run(["-symbolize=remote", "-top", "cpp1.cpu.prof"])
    check("-symbolize=remote is refused with a reason",
          out.returncode == 2 and "'remote' is not supported" in out.stderr and out.stdout == "", out.stderr)

    out = run(["-symbolize=none", "cpp1.cpu.prof", "-c",
               "SELECT pprof_config('symbolize'), pprof_symbolize_log(1) IS NULL"])
    check("-symbolize=none reaches the SQL setting", out.stdout == "none|1\n", out.stdout + out.stderr)
    out = run(["cpp1.cpu.prof", "-c", "SELECT pprof_config('symbolize'), pprof_config('binary_path'),"
               " instr(pprof_symbolize_log(1, 'warnings'), 'Local symbolization failed for cppapp') > 0"])
    check("SQL sees the shell's default, PPROF_BINARY_PATH and the log",
          out.stdout == "local|/nonexistent/binaries:/also/not/here|1\n", out.stdout + out.stderr)

    return summary()


if __name__ == "__main__":
    sys.exit(main())
