#!/usr/bin/env python3
"""An imported database answers pprof's reports with no extension (issue 11).

For every golden of the corpus (tests/corpus, and pprof's own testdata in
../shared/corpus/dev when it is there, and tests/golden's -traces, -tags and
-list) whose `go tool pprof` command has no
filter or diff flag, imports the profile with `pprof-sql import` (with the
row's -source_path and -trim_path), then runs the documented query for the
report (docs/SCHEMA.md, "Reports in a plain database") in Debian's
/usr/bin/sqlite3 and in /usr/bin/python3's sqlite3 module, neither with the
extension, and compares what they print with the golden byte for byte.

usage: test_plain_db.py --build DIR [--only SUBSTRING]
"""
import argparse
import concurrent.futures
import os
import re
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
# The reports checked. Every view is plain SQL (check_every_object reads
# each in a fresh import), but:
PLAIN_REPORTS = {"list", "top", "peek", "tags"}
# -traces and -raw print the profile pprof reports on: identical samples
# merged, all-zero ones dropped, ids renumbered (pprof_prepare's). An import
# stores the file as it is, so in a plain database these two views give
# pprof's bytes only for a profile without such samples; their rows are
# counted as not checked (tests/unit/import_test.cc checks both views on an
# imported pprof_prepare'd profile).


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


def query(report, options, symbol):
    """The documented query: (SQL, parameters)."""
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
    return sql, {"options": options, "symbol": symbol}


def setup(db, report, options, symbol):
    """What a plain-SQLite user runs before the documented query (docs/SCHEMA.md,
    "Reports in a plain database"): the option string, and for -list the
    functions the symbol selects, for -peek the nodes' names (at every
    granularity), found with Python's re (which agrees with pprof's RE2 on the
    corpus' patterns) over pprof_functions' and pprof_nodes' names."""
    sql = ["INSERT OR IGNORE INTO pprof_options(profile_id, options) VALUES (1, %s)" % quote(options)]
    if report == "list":
        con = sqlite3.connect(db)
        con.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
        rx = re.compile(symbol)
        ids = [str(i) for i, name in con.execute("SELECT function_id, name FROM pprof_functions WHERE profile_id = 1")
               if rx.search(name)]
        con.close()
        sql.append("INSERT OR IGNORE INTO pprof_symbol_matches(profile_id, symbol, function) SELECT DISTINCT 1, %s, name FROM pprof_functions "
                   "WHERE profile_id = 1 AND function_id IN (%s)" % (quote(symbol), ",".join(ids)))
        if rx.search(""):
            sql.append("INSERT OR IGNORE INTO pprof_symbol_matches(profile_id, symbol, function) VALUES (1, %s, '')" % quote(symbol))
    if report == "peek":
        con = sqlite3.connect(db)
        con.text_factory = bytes
        rx = re.compile(symbol)
        keys = set()
        for gran, inlines, node_id, name in con.execute(
                "SELECT granularity, inlines, node_id, name FROM pprof_nodes WHERE profile_id = 1"):
            if isinstance(name, bytes) and rx.search(name.decode("utf-8", "surrogateescape")):
                keys.add("(%s, %d, %d)" % (quote(gran.decode()), inlines, node_id))
        con.close()
        if keys:
            sql.append("INSERT OR IGNORE INTO pprof_symbol_matches(profile_id, symbol, granularity, function) "
                       "SELECT DISTINCT 1, %s, n.granularity, n.name FROM pprof_nodes n "
                       "JOIN (VALUES %s) k ON n.granularity = k.column1 AND n.inlines = k.column2 "
                       "AND n.node_id = k.column3 WHERE n.profile_id = 1" % (quote(symbol), ", ".join(sorted(keys))))
    return ";\n".join(sql) + ";\n"


def quote(s):
    return "'" + s.replace("'", "''") + "'"


def run_sqlite3(db, sql, params, prelude):
    text = prelude + sql.replace(":options", quote(params["options"])).replace(":symbol", quote(params["symbol"]))
    proc = subprocess.run(["/usr/bin/sqlite3", "-batch", "-list", db, text], capture_output=True, timeout=300)
    return proc.stdout if proc.returncode == 0 else b"sqlite3 failed: " + proc.stderr


def run_python(db, sql, params, prelude):
    con = sqlite3.connect(db)
    con.text_factory = bytes
    try:
        con.executescript(prelude)
        rows = con.execute(sql, params).fetchall()
    except sqlite3.Error as e:
        return ("python3 failed: %s" % e).encode()
    finally:
        con.close()
    return b"".join(r[0] + b"\n" for r in rows)


def check_every_object(db, profile):
    """Every table and view of a freshly imported database reads in plain
    SQLite: none references a function or table only the extension has."""
    con = sqlite3.connect(db)
    con.text_factory = bytes
    results = []
    try:
        names = [r[0].decode() for r in con.execute(
            "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name")]
        for name in names:
            try:
                con.execute('SELECT * FROM "%s" LIMIT 1' % name).fetchall()
                ok, err = True, ""
            except sqlite3.Error as e:
                ok, err = False, str(e)
            results.append(("python3 %s: SELECT * FROM %s" % (profile, name), ok, err))
    finally:
        con.close()
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    shell = os.path.join(os.path.abspath(a.build), "pprof-sql")
    rows = list(manifest(CORPUS))
    # tests/golden: pprof's output for option strings an import does not pre-fill.
    rows += [r for r in manifest(os.path.join(os.path.dirname(CORPUS), "golden"))
             if parse(r["command"]) and parse(r["command"])[0] in ("traces", "tags", "list")]
    if os.path.isdir(os.path.join(SHARED_CORPUS, "pprof-testdata")):
        rows += list(manifest(SHARED_CORPUS, "pprof-testdata"))
    else:
        print(pprof_testdata_absent(SHARED_CORPUS, pprof_testdata_rows(), "pprof-testdata rows"))
    not_plain = {}
    # The rows of each profile, in order: one worker per imported database
    # (the documented queries insert into it), the databases in parallel.
    groups = {}
    for row in rows:
        if a.only and a.only not in row["golden"]:
            continue
        parsed = parse(row["command"])
        if parsed is None:
            continue
        if parsed[0] not in PLAIN_REPORTS:
            not_plain[parsed[0]] = not_plain.get(parsed[0], 0) + 1
            continue
        groups.setdefault((row["dir"], parsed[4], tuple(parsed[3])), []).append((row, parsed))

    def run_group(index, key, group):
        folder, profile, imports = key
        results = []
        db = os.path.join(tmp, "%d.db" % index)
        proc = subprocess.run([shell, "import"] + list(imports) + [db, profile], cwd=folder, capture_output=True)
        if proc.returncode != 0:
            return [("import " + profile, False, proc.stderr)]
        # Every import has the same tables and views: read them all once.
        if index == 0:
            results += check_every_object(db, profile)
        for row, (report, options, symbol, _, _) in group:
            want = open(os.path.join(row["dir"], row["golden"]), "rb").read()
            sql, params = query(report, options, symbol)
            prelude = setup(db, report, options, symbol)
            for engine, run in (("sqlite3", run_sqlite3), ("python3", run_python)):
                got = run(db, sql, params, prelude)
                results.append(("%s %s: %s" % (engine, row["golden"], row["command"]), got == want,
                                got[:300] + b"\n--- want ---\n" + want[:300]))
        return results

    with tempfile.TemporaryDirectory() as tmp:
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            futures = [pool.submit(run_group, i, key, group) for i, (key, group) in enumerate(groups.items())]
            for f in futures:
                for name, ok, detail in f.result():
                    check(name, ok, detail)
    for report, n in sorted(not_plain.items()):
        print("%d %s rows not checked: the %s views give pprof's bytes on the profile pprof_prepare makes "
              "(samples merged), which an import does not store" % (n, report, report))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
