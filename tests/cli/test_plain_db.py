#!/usr/bin/env python3
"""An imported database answers pprof's reports with no extension (issue 11).

For every golden of the corpus (tests/corpus, and pprof's own testdata in
../shared/corpus/dev when it is there, and tests/golden's -traces and -tags) whose `go tool pprof` command has no
filter or diff flag, imports the profile with `pprof-sql import` (with the
row's -source_path and -trim_path), then runs the documented query for the
report (docs/SCHEMA.md, "Reports in a plain database") in Debian's
/usr/bin/sqlite3 and in /usr/bin/python3's sqlite3 module, neither with the
extension, and compares what they print with the golden byte for byte.

usage: test_plain_db.py --build DIR [--only SUBSTRING]
"""
import argparse
import os
import shlex
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import CORPUS, SHARED_CORPUS, check, pprof_testdata_absent, pprof_testdata_rows, summary  # noqa: E402

FILTERS = {"focus", "ignore", "hide", "show", "show_from", "prune_from", "tagfocus", "tagignore", "tagshow",
           "taghide", "base", "diff_base", "normalize"}
REPORTS = {"top": "top", "text": "top", "list": "list", "peek": "peek", "traces": "traces", "tags": "tags",
           "raw": "raw"}
# The reports whose views are plain SQL over the imported tables. The others
# still read tables or functions only the extension has; their rows are
# counted and named in the output, not checked.
PLAIN_REPORTS = {"list", "traces", "tags", "raw"}


def manifest(folder, group=None):
    with open(os.path.join(folder, "MANIFEST.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            if group is None or row["group"] == group:
                row["dir"] = folder
                yield row


def parse(command):
    """(report, options, symbol, import flags) of a go tool pprof command, or None."""
    words = shlex.split(command)[3:]
    profile = words.pop()
    report, symbol, options, imports = None, "", [], []
    for w in words:
        name, _, value = w.lstrip("-").partition("=")
        if name in FILTERS:
            return None
        if name in REPORTS:
            report, symbol = REPORTS[name], value
        elif name in ("source_path", "trim_path"):
            imports.append(w)
        elif name == "symbolize":
            continue
        else:
            options.append(w)
    if report is None:
        return None
    return report, " ".join(options), symbol, imports, profile


# The option string, added to pprof_options when the import did not pre-fill
# it (sql/05_options.sql), before a report view's query.
ADD_OPTIONS = "INSERT OR IGNORE INTO pprof_options(profile_id, options) VALUES (1, :options)"


def query(report, options, symbol):
    """The documented query: (SQL statements, the last one's rows printed; parameters)."""
    sql = {
        "top": "SELECT text FROM pprof_top_text WHERE profile_id = 1 AND options = :options ORDER BY line_no",
        "peek": "SELECT text FROM pprof_peek_text WHERE profile_id = 1 AND options = :options AND symbol = :symbol "
                "ORDER BY line_no",
        "list": "SELECT text FROM pprof_list_text WHERE profile_id = 1 AND options = :options AND symbol = :symbol "
                "ORDER BY line_no",
        "traces": "SELECT text FROM pprof_traces_text WHERE profile_id = 1 AND options = :options ORDER BY line_no",
        "tags": "SELECT text FROM pprof_tags_text WHERE profile_id = 1 AND options = :options ORDER BY line_no",
        "raw": "SELECT text FROM pprof_raw_text WHERE profile_id = 1 ORDER BY line_no",
    }[report]
    statements = [ADD_OPTIONS, sql] if report in ("traces", "tags") else [sql]
    return statements, {"options": options, "symbol": symbol}


def quote(s):
    return "'" + s.replace("'", "''") + "'"


def run_sqlite3(db, sql, params):
    text = ";\n".join(sql).replace(":options", quote(params["options"])).replace(":symbol", quote(params["symbol"]))
    proc = subprocess.run(["/usr/bin/sqlite3", "-batch", "-list", db, text], capture_output=True, timeout=300)
    return proc.stdout if proc.returncode == 0 else b"sqlite3 failed: " + proc.stderr


def run_python(db, sql, params):
    con = sqlite3.connect(db)
    con.text_factory = bytes
    try:
        for statement in sql[:-1]:
            con.execute(statement, params)
        rows = con.execute(sql[-1], params).fetchall()
    except sqlite3.Error as e:
        return ("python3 failed: %s" % e).encode()
    finally:
        con.close()
    return b"".join(r[0] + b"\n" for r in rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    shell = os.path.join(os.path.abspath(a.build), "pprof-sql")
    rows = list(manifest(CORPUS))
    # tests/golden: pprof's output for option strings an import does not pre-fill.
    rows += [r for r in manifest(os.path.join(os.path.dirname(CORPUS), "golden"))
             if parse(r["command"]) and parse(r["command"])[0] in ("traces", "tags")]
    if os.path.isdir(os.path.join(SHARED_CORPUS, "pprof-testdata")):
        rows += list(manifest(SHARED_CORPUS, "pprof-testdata"))
    else:
        print(pprof_testdata_absent(SHARED_CORPUS, pprof_testdata_rows(), "pprof-testdata rows"))
    not_plain = {}
    with tempfile.TemporaryDirectory() as tmp:
        dbs = {}
        for row in rows:
            if a.only and a.only not in row["golden"]:
                continue
            parsed = parse(row["command"])
            if parsed is None:
                continue
            report, options, symbol, imports, profile = parsed
            if report not in PLAIN_REPORTS:
                not_plain[report] = not_plain.get(report, 0) + 1
                continue
            key = (row["dir"], profile, tuple(imports))
            if key not in dbs:
                db = os.path.join(tmp, "%d.db" % len(dbs))
                proc = subprocess.run([shell, "import"] + imports + [db, profile], cwd=row["dir"],
                                      capture_output=True)
                if proc.returncode != 0:
                    check("import " + profile, False, proc.stderr)
                    continue
                dbs[key] = db
            want = open(os.path.join(row["dir"], row["golden"]), "rb").read()
            sql, params = query(report, options, symbol)
            for engine, run in (("sqlite3", run_sqlite3), ("python3", run_python)):
                got = run(dbs[key], sql, params)
                check("%s %s: %s" % (engine, row["golden"], row["command"]), got == want,
                      got[:300] + b"\n--- want ---\n" + want[:300])
    for report, n in sorted(not_plain.items()):
        print("%d %s rows not checked: the %s views still need the extension" % (n, report, report))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
