#!/usr/bin/env python3
"""Runs every SQL block of docs/COOKBOOK.md three ways and checks they agree:
in a database written by pprof_import, opened by Debian's sqlite3 with no
.load and by /usr/bin/python3's sqlite3 module (no extension), and with the
extension loaded on the same profiles. Every block that selects must return
rows. The regression recipe is also checked against pprof_diff.

The profiles are generated with tests/tools/make_big_profile.py.
usage: test_cookbook.py --build DIR"""
import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import MAKE_BIG_PROFILE, ROOT, check, summary  # noqa: E402


def sqlite3_cli(db, sql, load=None):
    cmd = ["sqlite3", "-bail", "-list", "-noheader"]
    if load:
        cmd += ["-cmd", f".load {load}"]
    p = subprocess.run(cmd + [db], input=sql, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    a = ap.parse_args()
    tool = MAKE_BIG_PROFILE
    ext = os.path.join(os.path.abspath(a.build), "pprof")
    tmp = tempfile.mkdtemp(prefix="pprof-cookbook-")
    src = os.path.join(tmp, "src")
    profiles = []
    for name, args in [("build-a", ["--seed", "21"]), ("build-b", ["--seed", "22"]),
                       ("heap", ["--seed", "23", "--kind", "heap", "--sample-types", "4"])]:
        out = os.path.join(tmp, name + ".pb.gz")
        subprocess.run([sys.executable, tool, "--samples", "2000", "--depth", "16", "--functions", "300",
                        "--files", "20", "--labels", "--source-dir", src, "-o", out] + args,
                       check=True, capture_output=True)
        profiles.append(out)
    db = os.path.join(tmp, "profiles.db")
    load_sql = f"SELECT pprof_config('source_path', '{src}');\n" + "".join(
        f"SELECT pprof_load('{p}');\n" for p in profiles)
    rc, out, err = sqlite3_cli(":memory:", load_sql + f"SELECT pprof_import('{db}');\n", load=ext)
    check("pprof_import writes the database", rc == 0 and out.strip().endswith("3"), err or out)

    blocks = re.findall(r"```sql\n(.*?)```", open(os.path.join(ROOT, "docs", "COOKBOOK.md")).read(), re.S)
    check("the cookbook has recipes", len(blocks) >= 7, len(blocks))
    # The extension side: a fresh :memory: database with the same profiles
    # loaded in the same order (ids 1, 2, 3), running the blocks in order.
    setup_ext = load_sql
    py = sqlite3.connect(db)
    for i, sql in enumerate(blocks):
        first = sql.strip().splitlines()[0][:60]
        rc1, plain, err1 = sqlite3_cli(db, sql)
        check(f"block {i} runs in plain sqlite3: {first}", rc1 == 0 and not err1, err1)
        if sql.strip().upper().startswith("INSERT"):
            # What a plain database needs and the extension computes (e.g.
            # pprof_symbol_matches): the next block checks the three agree.
            py.executescript(sql)
            continue
        try:
            cur = py.executescript(sql) if sql.strip().upper().startswith("CREATE") else None
            rows = [] if cur is not None else py.execute(sql).fetchall()
            pyout = "".join("|".join("" if v is None else str(v) for v in r) + "\n" for r in rows)
            if cur is not None:
                pyout = ""
        except sqlite3.Error as e:
            pyout = f"error: {e}"
        selects = "SELECT" in sql.upper() and not sql.strip().upper().startswith("CREATE")
        if selects:
            check(f"block {i} returns rows", plain.strip() != "", plain)
            check(f"block {i}: python3 (no extension) agrees", pyout == plain, (pyout[:300], plain[:300]))
        setup_ext += sql + "\n"
        # The extension prints one line for the setup's pprof_config and one per load.
        rc3, withext, err3 = sqlite3_cli(":memory:", setup_ext, load=ext)
        skip = 1 + len(profiles)
        ext_lines = withext.splitlines()[skip:]
        if selects:
            tail = "\n".join(ext_lines[-len(plain.splitlines()):]) + "\n" if plain else ""
            check(f"block {i}: the extension agrees", rc3 == 0 and tail == plain, err3 or (tail[:300], plain[:300]))

    # The regression recipe against pprof_diff (newer build = profile 2, base = 1).
    recipe = next(b for b in blocks if "regressed" in b or "growth" in b)
    _, plain, _ = sqlite3_cli(db, blocks[0] + recipe)
    growth = {l.split("|")[0]: int(l.split("|")[3]) for l in plain.splitlines()}
    _, diff, err = sqlite3_cli(":memory:", load_sql + "SELECT name, cum_delta FROM pprof_diff "
                               "WHERE profile_id = 2 AND base_id = '1' AND options = '';\n", load=ext)
    deltas = {l.split("|")[0]: int(l.split("|")[1]) for l in diff.splitlines()[1 + len(profiles):]}
    check("regression recipe equals pprof_diff", growth and all(deltas.get(k) == v for k, v in growth.items()),
          (growth, err))

    return summary()


if __name__ == "__main__":
    sys.exit(main())
