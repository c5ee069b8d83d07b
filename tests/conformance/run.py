#!/usr/bin/env python3
"""The conformance suite: pprof-sql against `go tool pprof`'s own outputs.

For every row of the corpus's MANIFEST.tsv (tests/corpus, see its README), runs
pprof-sql with the arguments of the row's `go tool pprof` command line, from
the corpus folder, and compares its stdout with the stored golden byte for
byte. Goldens are pprof's output; nothing here writes or edits one.

Every row runs, whatever its format: profile.proto files and the legacy
formats (gperftools binary CPU and text heap/growth/contention/thread
profiles, Go count profiles, Java dumps) alike. A row whose `format` label
(`proto` or `legacy`) disagrees with what its profile file holds fails too.

--shared-corpus DIR (../shared/corpus/dev) adds the rows of pprof's own
testdata (group pprof-testdata), which the repository does not hold. When
DIR/pprof-testdata is absent they do not run, and the summary says how many
(the count tests/corpus/EXTERNAL.tsv records); when present, their number
must equal that count.

usage: run.py --pprof-sql PATH [--corpus DIR]... [--shared-corpus DIR] [--jobs N] [--show N] [--only SUBSTRING]

tests/golden/ is a second corpus of the same form: goldens made by
`go tool pprof` (tests/golden/regen.sh) for flags the corpus does
not cover (filters, granularities, -mean, -noinlines, ...); tests/edge/ a
third: small generated profiles with what other tools' profiles hold
(strings of any bytes, odd line numbers, duplicate ids, a drop_frames that
does not compile, ...; tests/edge/gen.py and regen.sh).
Prints one line per mismatch (with a diff of the first few), then
`N passed, M failed`; exits 1 on any mismatch or if nothing ran.
"""
import argparse
import concurrent.futures
import difflib
import gzip
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from checks import CORPUS, SHARED_CORPUS, pprof_testdata_absent, pprof_testdata_rows  # noqa: E402


def is_legacy(path):
    """True for the pre-profile.proto formats pprof also reads."""
    with open(path, "rb") as f:
        data = f.read(1 << 16)
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as g:
                data = g.read(1 << 16)
        except OSError:
            return False
    if data[:1] == b"\0":  # gperftools/Go/Java binary CPU header (a protobuf tag is never 0)
        return True
    head = data[:64].lstrip()
    text_starts = (b"heap profile", b"heap_v2", b"---", b"goroutine profile", b"threadcreate profile",
                   b"#", b"%", b"heapz", b"growthz", b"contention", b"thread")
    return head.startswith(text_starts)


def run_row(row, shell, corpus, timeout):
    words = shlex.split(row["command"])
    assert words[:3] == ["go", "tool", "pprof"], row["command"]
    want = open(os.path.join(corpus, row["golden"]), "rb").read()
    try:
        proc = subprocess.run([shell] + words[3:], cwd=corpus, capture_output=True, timeout=timeout)
        got, err = proc.stdout, proc.stderr
    except subprocess.TimeoutExpired:
        got, err = b"", b"timed out"
    return row, got, want, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pprof-sql", required=True)
    ap.add_argument("--corpus", action="append",
                    help="a folder with MANIFEST.tsv, all rows (repeatable; default tests/corpus)")
    ap.add_argument("--shared-corpus", default=SHARED_CORPUS,
                    help="the folder whose MANIFEST.tsv lists pprof-testdata (default ../shared/corpus/dev)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--show", type=int, default=5, help="mismatches to show a diff for")
    ap.add_argument("--only", default="", help="run only rows whose command contains this")
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    rows, problems, not_run = [], [], None
    for corpus in a.corpus or [CORPUS]:
        corpus = os.path.abspath(corpus)
        manifest = os.path.join(corpus, "MANIFEST.tsv")
        if not os.path.exists(manifest):
            print(f"MISSING: {manifest}")
            return 1
        rows += read_manifest(corpus)
    shared = os.path.abspath(a.shared_corpus)
    want_testdata = pprof_testdata_rows()
    if os.path.isdir(os.path.join(shared, "pprof-testdata")):
        testdata = read_manifest(shared, "pprof-testdata")
        if len(testdata) != want_testdata:
            problems.append(f"{shared}/MANIFEST.tsv has {len(testdata)} pprof-testdata rows, "
                            f"tests/corpus/EXTERNAL.tsv says {want_testdata}")
        rows += testdata
    else:
        not_run = pprof_testdata_absent(shared, want_testdata, "pprof-testdata rows")
    rows = [r for r in rows if a.only in r["command"]]
    for r in rows:
        r["kind"] = "legacy" if is_legacy(os.path.join(r["corpus"], r["profile"])) else "proto"
        if r["kind"] != r["format"]:
            problems.append(f"{r['corpus']}/MANIFEST.tsv labels {r['profile']} format={r['format']}, "
                            f"its bytes are {r['kind']}")
    shell = os.path.abspath(a.pprof_sql)
    failed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for row, got, want, err in pool.map(lambda r: run_row(r, shell, r["corpus"], a.timeout), rows):
            if got != want:
                failed.append((row, got, want, err))
    for i, (row, got, want, err) in enumerate(failed):
        print(f"differs: {row['golden']}   ({row['command']})")
        if i < a.show:
            if err:
                print("    stderr: " + err.decode(errors="replace").strip()[:300])
            diff = difflib.unified_diff(want.decode(errors="replace").splitlines(),
                                        got.decode(errors="replace").splitlines(),
                                        "go tool pprof", "pprof-sql", lineterm="", n=1)
            for line in list(diff)[:20]:
                print("    " + line)
    for kind in ("proto", "legacy"):
        of_kind = [r for r in rows if r["kind"] == kind]
        bad = sum(1 for f in failed if f[0]["kind"] == kind)
        files = len({(r["corpus"], r["profile"]) for r in of_kind})
        print(f"{kind}: {len(of_kind) - bad} of {len(of_kind)} rows pass ({files} profiles)")
    for p in sorted(set(problems)):
        print("FAILED  " + p)
    if not_run:
        print(not_run)
    print(f"{len(rows) - len(failed)} passed, {len(failed)} failed")
    return 0 if rows and not failed and not problems else 1


def read_manifest(corpus, group=None):
    """The rows of corpus/MANIFEST.tsv (only `group`'s if given), each with its folder."""
    rows = []
    with open(os.path.join(corpus, "MANIFEST.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            if line.strip():
                row = dict(zip(header, line.rstrip("\n").split("\t")), corpus=corpus)
                if group is None or row["group"] == group:
                    rows.append(row)
    return rows


if __name__ == "__main__":
    sys.exit(main())
