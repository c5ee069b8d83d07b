#!/usr/bin/env python3
"""The extension in real clients: Debian's sqlite3 shell (`.load`) and
/usr/bin/python3's sqlite3 module, on the bundled samples, checked against
`go tool pprof`'s stored outputs (tests/corpus). Also checks that
pprof.so exports nothing but its entry point.

usage: test_clients.py --build DIR --corpus DIR
Prints `N passed, M failed`; exits 1 on any failure."""
import argparse
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import ROOT, check, summary  # noqa: E402


def golden_top_rows(path):
    """(flat, name) of each row of a `go tool pprof -top` golden."""
    rows, body = [], False
    for line in open(path):
        if line.startswith("      flat  flat%"):
            body = True
            continue
        if body:
            m = re.match(r"\s*(\S+)\s+\S+\s+\S+\s+\S+\s+\S+\s\s(.*?)( \((partial-)?inline\))?$", line.rstrip("\n"))
            rows.append((m.group(1), m.group(2)))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--corpus", required=True)
    a = ap.parse_args()
    ext = os.path.join(os.path.abspath(a.build), "pprof")
    golden = os.path.join(a.corpus, "go1.heap.top.sample_index=inuse_space.txt")
    if not os.path.exists(golden):
        print(f"MISSING: {golden}")
        return 1
    # pprof's allocation sites with a nonzero flat, in its order.
    want = [(flat, name) for flat, name in golden_top_rows(golden) if flat != "0"]

    # 1. Debian's sqlite3 shell runs the README's query (samples/top-inuse.sql).
    out = subprocess.run(["sqlite3", "-list", "-noheader", "-cmd", f".load {ext}", ":memory:"],
                         stdin=open(os.path.join(ROOT, "samples", "top-inuse.sql")), cwd=ROOT,
                         capture_output=True, text=True)
    check("sqlite3 .load runs samples/top-inuse.sql", out.returncode == 0 and not out.stderr, out.stderr)
    got = [tuple(line.split("|")[:2][::-1]) for line in out.stdout.splitlines()[1:]]
    got_names = [name for _, name in got]
    # Every site pprof prints has the same value, in the same order, in our top 10.
    ours = [(flat, name) for flat, name in got if name in dict((n, f) for f, n in want)]
    check("top allocation sites equal go tool pprof's", ours == want, f"ours {ours} pprof {want}")
    check("top 10 has 10 rows", len(got_names) == 10, str(got))

    # 2. Python's sqlite3 module.
    con = sqlite3.connect(":memory:")
    con.enable_load_extension(True)
    con.load_extension(ext)
    con.enable_load_extension(False)
    pid = con.execute("SELECT pprof_load(?)", (os.path.join(ROOT, "samples", "go1.heap.pb.gz"),)).fetchone()[0]
    total = con.execute("SELECT sum(value) FROM pprof_samples WHERE profile_id = ? AND sample_type = 'inuse_space'",
                        (pid,)).fetchone()[0]
    header_total = re.search(r"of (\S+) total", open(golden).read()).group(1)
    check("python sqlite3: total inuse_space formats as pprof's",
          con.execute("SELECT pprof_format(?, 'bytes', 'MB')", (total,)).fetchone()[0] == header_total,
          f"{total} vs {header_total}")
    lines = [r[0] for r in con.execute(
        "SELECT text FROM pprof_top_text WHERE profile_id = ? AND options = '-sample_index=inuse_space' "
        "ORDER BY line_no", (pid,))]
    check("python sqlite3: pprof_top_text equals the golden", "\n".join(lines) + "\n" == open(golden).read())
    try:
        con.execute("CREATE VIEW v AS SELECT pprof_load('x')")
        con.execute("SELECT * FROM v").fetchall()
        check("python sqlite3: pprof_load refused from a view", False, "no error")
    except sqlite3.Error as e:
        check("python sqlite3: pprof_load refused from a view", "unsafe use" in str(e), str(e))

    # A failing .load (here: a TEMP table where a bundled view goes) is a clear
    # error and leaves nothing behind that would crash the process later.
    con2 = sqlite3.connect(":memory:")
    con2.execute("CREATE TEMP TABLE pprof_top(x)")
    con2.enable_load_extension(True)
    try:
        con2.load_extension(ext)
        check("failing .load is an error", False, "loaded")
    except sqlite3.Error as e:
        check("failing .load is an error", "pprof_top" in str(e), str(e))
    left = con2.execute("SELECT count(*) FROM pragma_module_list WHERE name LIKE '%pprof%'").fetchone()[0]
    check("failing .load leaves no module behind", left == 0, str(left))
    con2.execute("SELECT 1").fetchall()
    con2.close()
    check("connection closes cleanly after a failing .load", True)

    # 3. A database written by pprof_import, opened with no extension: the
    # listing there is go tool pprof's, line for line.
    import tempfile
    tmp = tempfile.mkdtemp(prefix="pprof-clients-")
    imported = os.path.join(tmp, "go1.db")
    corpus = os.path.abspath(a.corpus)
    out = subprocess.run(["sqlite3", "-cmd", f".load {ext}", ":memory:",
                          "SELECT pprof_config('source_path', 'src/go'), "
                          "pprof_config('trim_path', '/opt/go/src:/home/build'), pprof_load('go1.cpu.pb.gz'), "
                          f"pprof_import('{imported}')"], cwd=corpus, capture_output=True, text=True)
    check("import through Debian's sqlite3", out.returncode == 0 and out.stdout.strip().endswith("|1"), out.stderr)
    # Plain SQLite has no regexp: the user says which functions -list's symbol selects.
    subprocess.run(["sqlite3", imported, "INSERT INTO pprof_symbol_matches(profile_id, symbol, function) VALUES "
                    "(1, 'Mul$', 'goapp/mathx.(*Matrix).Mul')"], check=True)
    listing = ("SELECT text FROM pprof_list_text WHERE profile_id = 1 AND options = '' "
               "AND symbol = 'Mul$' ORDER BY line_no")
    want = open(os.path.join(corpus, "go1.cpu.list.goapp_mathx_._Matrix_.Mul.txt")).read()
    plain = subprocess.run(["sqlite3", imported, listing], capture_output=True, text=True)
    check("plain sqlite3 (no .load): -list equals go tool pprof's", plain.stdout == want and not plain.stderr,
          plain.stderr or plain.stdout[:300])
    con3 = sqlite3.connect(imported)
    lines = [r[0] for r in con3.execute(listing)]
    check("python3 sqlite3 (no extension): -list equals go tool pprof's", "\n".join(lines) + "\n" == want)
    con3.close()

    # 4. pprof.so exports its entry point and nothing else.
    nm = subprocess.run(["nm", "-D", "--defined-only", ext + ".so"], capture_output=True, text=True)
    syms = [l.split()[-1] for l in nm.stdout.splitlines() if l.strip()]
    check("pprof.so exports only sqlite3_pprof_init", syms == ["sqlite3_pprof_init"], str(syms))

    return summary()


if __name__ == "__main__":
    sys.exit(main())
