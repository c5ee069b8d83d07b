#!/usr/bin/env python3
"""An import is one transaction: a pprof_import killed with SIGKILL at any
point leaves the database as it was (same rows, PRAGMA integrity_check ok),
and a later import still works.

usage: test_import_kill.py --build DIR"""
import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import MAKE_BIG_PROFILE, ROOT, check, summary  # noqa: E402


def snapshot(db):
    con = sqlite3.connect(db)
    try:
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY 1")]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        profiles = con.execute("SELECT profile_id, name FROM pprof_profiles ORDER BY 1").fetchall()
        return ok, counts, profiles
    finally:
        con.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    a = ap.parse_args()
    tool = MAKE_BIG_PROFILE
    ext = os.path.join(os.path.abspath(a.build), "pprof")
    tmp = tempfile.mkdtemp(prefix="pprof-kill-")
    big = os.path.join(tmp, "big.pb.gz")
    subprocess.run([sys.executable, tool, "--samples", "30000", "--depth", "32", "--functions", "5000", "--files",
                    "200", "--labels", "--seed", "5", "--sample-types", "2", "-o", big], check=True,
                   capture_output=True)
    db = os.path.join(tmp, "profiles.db")
    small = os.path.join(ROOT, "samples", "go1.cpu.pb.gz")

    def import_cmd(path):
        return ["sqlite3", "-cmd", f".load {ext}", ":memory:", f"SELECT pprof_load('{path}'), pprof_import('{db}')"]

    subprocess.run(import_cmd(small), check=True, capture_output=True)
    before = snapshot(db)
    check("baseline import", before[0] == "ok" and len(before[2]) == 1, before)
    # Kill each import at a different moment after it has started writing
    # (its rollback journal exists): mid-transaction whatever the machine's speed.
    journal = db + "-journal"
    killed_mid = 0
    for delay in (0.0, 0.02, 0.05, 0.1, 0.2, 0.4):
        p = subprocess.Popen(import_cmd(big), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while p.poll() is None and not os.path.exists(journal) and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(delay)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            p.wait()
            killed_mid += 1
            after = snapshot(db)
            check(f"killed {delay * 1000:.0f} ms into writing: database unchanged and intact", after == before,
                  (after, before))
        else:
            # It finished first: then it must have appended one whole profile.
            after = snapshot(db)
            check(f"finished before the kill at {delay * 1000:.0f} ms: one profile appended, intact",
                  after[0] == "ok" and len(after[2]) == len(before[2]) + 1, after[2])
            before = after
    check("at least three kills landed mid-import", killed_mid >= 3, killed_mid)
    subprocess.run(import_cmd(big), check=True, capture_output=True)
    final = snapshot(db)
    check("a later import completes and appends",
          final[0] == "ok" and len(final[2]) == len(before[2]) + 1 and final[2][-1][0] == before[2][-1][0] + 1,
          final[2])
    return summary()


if __name__ == "__main__":
    sys.exit(main())
