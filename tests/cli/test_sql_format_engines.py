#!/usr/bin/env python3
"""The formatting macros of sql/00_format.sql (as tests/unit/sql_format_test.sql
uses them, expanded by extension/embed_sql.py) give the same text in Debian's
/usr/bin/sqlite3 and in /usr/bin/python3's sqlite3 module, with no extension:
the two clients a user without the extension has. sql_format_test.cc checks
the text itself against report/measure.cc."""
import os
import random
import sqlite3
import subprocess
import sys
import tempfile

from checks import ROOT, check, summary


def main():
    sql = subprocess.run([sys.executable, os.path.join(ROOT, "extension", "embed_sql.py"), "expand",
                          os.path.join(ROOT, "sql"), os.path.join(ROOT, "tests", "unit", "sql_format_test.sql")],
                         capture_output=True, text=True, check=True).stdout.replace("TEMP ", "")
    rng = random.Random(11)
    units = ["bytes", "nanoseconds", "count", "cycles", "kilobytes", "hours", "nanogcu", "petagcu", "\u03bcss",
             "\u212ab", "HRS", "", "auto"]
    tos = ["auto", "minimum", "count", "B", "kB", "MB", "ns", "ms", "s", "hrs", "GCU", "n*GCU", "cycles", ""]

    def value():
        v = rng.getrandbits(64) >> rng.randrange(64)
        return v - (1 << 64) if v >= 1 << 63 else v

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "format.db")
        db = sqlite3.connect(path)
        db.executescript(sql)
        for i in range(4000):
            db.execute("INSERT INTO scale_cases VALUES (?, ?, ?, ?)", (i, value(), rng.choice(units), rng.choice(tos)))
            db.execute("INSERT INTO pct_cases VALUES (?, ?, ?)", (i, value() >> rng.randrange(40), value()))
            db.execute("INSERT INTO real_cases VALUES (?, ?)", (i, rng.random() * 2.0 ** rng.randrange(-60, 142)))
            db.execute("INSERT INTO unit_cases VALUES (?, ?, 1, ?, ?, ?, ?, 0, ?)",
                       (i, rng.choice(["minimum", "ms"]), rng.choice(units), value(), value(), rng.choice([1, 0.5, 2]),
                        value()))
        db.commit()
        # Text columns only: the shell prints REALs with 15 digits, Python with 17.
        queries = ["SELECT id, label, unit, canonical, is_time, auto_label FROM scale_out ORDER BY id",
                   "SELECT id, text FROM pct_out ORDER BY id",
                   "SELECT id, fixed2, g2, i64 FROM real_out ORDER BY id",
                   "SELECT id, full_unit, unit, duration_ratio, applied FROM unit_out ORDER BY id"]
        for q in queries:
            shell = subprocess.run(["/usr/bin/sqlite3", "-bail", "-separator", "\t", "-nullvalue", "NULL", path],
                                   input=q + ";\n", capture_output=True, text=True)
            rows = ["\t".join("NULL" if c is None else str(c) for c in row) for row in db.execute(q)]
            got = shell.stdout.rstrip("\n").split("\n")
            diff = [(a, b) for a, b in zip(got, rows) if a != b]
            check("/usr/bin/sqlite3 and python3 sqlite3 agree: " + q.split(" FROM ")[1].split()[0],
                  shell.returncode == 0 and len(got) == len(rows) == 4000 and not diff,
                  shell.stderr or diff[:3])
        db.close()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
