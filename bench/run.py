#!/usr/bin/env python3
"""Benchmark: sqlite-pprof against `go tool pprof`, side by side on the same big profiles.

    python3 bench/run.py [--sizes small,big] [--reps N] [--only REPORT[,REPORT...]]

See bench/README.md for what each row measures and how to read the ratios. A
benchmark, not a test: it never fails on a time. It exits 1 only when a tool fails
(non-zero exit, killed) or when an output differs from pprof's, 2 on bad usage or a
missing prerequisite.
"""

import argparse
import datetime
import difflib
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent          # the checkout
DEFAULT_TOOLS = ROOT / "tests" / "tools"                # make_big_profile.py (tests/tools/README.md)

# The two sizes of ../shared/tools/README.md, with exactly its generator arguments
# (only -o and --source-dir point into the cache directory; the output does not
# depend on them). The generator is deterministic: expected_size is the size of the
# file these arguments write, used to reuse a cached file.
SIZES = {
    "small": {
        "name": "big10",
        "args": ["--samples", "100000", "--depth", "48", "--functions", "50000", "--files", "2000",
                 "--labels", "--inline-fraction", "0.2", "--seed", "1", "--sample-types", "2"],
        "source_dir": "bigsrc10",
        "hottest": r"^example\.com/app/pkg244\.\(\*Index\)\.Method16917$",
        "reps": 3,
        "expected_size": 3369340,
    },
    "big": {
        "name": "big100",
        "args": ["--samples", "1150000", "--depth", "64", "--functions", "50000", "--files", "2000",
                 "--labels", "--inline-fraction", "0.2", "--seed", "2", "--sample-types", "2"],
        "source_dir": "bigsrc100",
        "hottest": r"^example\.com/app/pkg052\.Func24359\.func3$",
        "reps": 1,
        "expected_size": 40606376,
    },
}

REPORTS = ["top", "list", "peek", "traces"]
ONLY_CHOICES = REPORTS + ["load", "import", "core"]

# Targets (bench/README.md): (time ratio, memory ratio), ours / pprof.
TARGETS = {"top": (0.05, 0.2), "list": (0.05, 0.2), "peek": (0.05, 0.2), "traces": (0.25, 0.2)}
LOAD_TARGET = (3.0, 4.0)   # pprof_load wall / gzip floor wall; loaded profile / uncompressed bytes

failures = []   # (what, why): any entry makes the exit status 1
timeouts = []   # labels of the commands killed by --timeout (reported, not failures)


def say(msg=""):
    print(msg, flush=True)


def loud(msg):
    bar = "!" * 78
    say(f"{bar}\n!! {msg}\n{bar}")


# ---------------------------------------------------------------------------------
# Running and measuring one command (or a pipeline)

class Result:
    def __init__(self, wall, maxrss_kib, codes, timed_out, stderr):
        self.wall = wall                  # seconds, start of the first to end of the last
        self.mib = maxrss_kib / 1024.0    # peak RSS, the max over the processes
        self.codes = codes                # exit codes (negative: killed by a signal)
        self.timed_out = timed_out
        self.stderr = stderr

    @property
    def ok(self):
        return not self.timed_out and all(c == 0 for c in self.codes)

    def why(self):
        if self.timed_out:
            return f"timed out after {self.wall:.0f} s"
        bad = [c for c in self.codes if c != 0]
        tail = self.stderr.strip().splitlines()[-5:]
        what = f"killed by signal {-bad[0]}" if bad[0] < 0 else f"exit status {bad[0]}"
        return what + ("; stderr: " + " | ".join(tail) if tail else "")


def measure(stages, timeout, stdin=None, stdout=None, cwd=None, errfile=None):
    """Runs argv lists as a pipeline (one stage: a plain command), stdin from the file
    `stdin`, the last stage's stdout to the file `stdout` (default /dev/null). Waits with
    os.wait4 for each process: wall time and ru_maxrss (KiB; a process's ru_maxrss
    covers its waited-for children, e.g. `go tool pprof`'s pprof binary). Kills the
    processes (their process groups) when `timeout` seconds pass."""
    errfile = errfile or os.devnull
    procs = []
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    fout = open(stdout, "wb") if stdout else subprocess.DEVNULL
    ferr = open(errfile, "wb")
    start = time.monotonic()
    try:
        prev = fin
        for i, argv in enumerate(stages):
            last = i == len(stages) - 1
            p = subprocess.Popen(argv, stdin=prev, stdout=fout if last else subprocess.PIPE, stderr=ferr,
                                 cwd=cwd, start_new_session=True)
            if i > 0:
                prev.close()   # the parent's copy of the pipe's read end
            prev = p.stdout if not last else None
            procs.append(p)
    finally:
        for f in (fin, fout, ferr):
            if f is not subprocess.DEVNULL:
                f.close()
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    maxrss, codes = 0, []
    try:
        for p in procs:
            while True:
                try:
                    _, status, ru = os.wait4(p.pid, 0)
                    break
                except InterruptedError:
                    continue
            p.returncode = os.waitstatus_to_exitcode(status)
            codes.append(p.returncode)
            maxrss = max(maxrss, ru.ru_maxrss)
    finally:
        timer.cancel()
    wall = time.monotonic() - start
    err = Path(errfile).read_text(errors="replace") if errfile != os.devnull else ""
    return Result(wall, maxrss, codes, timed_out.is_set(), err)


def repeat(label, reps, timeout, fn, rep_of=None):
    """Calls fn(rep) -> Result reps times; returns the list, or None after a failure
    (recorded; a timeout is reported but is not a failure)."""
    results = []
    for rep in range(reps):
        r = fn(rep)
        if r.timed_out:
            loud(f"TIMEOUT: {label}: killed after {timeout:.0f} s (--timeout); no figure for this row")
            timeouts.append(label)
            return None
        if not r.ok:
            loud(f"FAILED: {label}: {r.why()}")
            failures.append((label, r.why()))
            return None
        n, total = rep_of if rep_of else (rep + 1, reps)
        say(f"  {label} [{n}/{total}]: {r.wall:.3f} s, {r.mib:.0f} MiB")
        results.append(r)
    return results


def med(results, attr="wall"):
    return statistics.median(getattr(r, attr) for r in results)


def peak(results):
    return max(r.mib for r in results)


# ---------------------------------------------------------------------------------
# Prerequisites

def ensure_go():
    if shutil.which("go"):
        return
    if os.geteuid() != 0:
        say("go not found, and not root: install Debian's golang-go (apt-get install golang-go), "
            "or pass --no-pprof")
        sys.exit(2)
    say("go not found: installing golang-go with apt-get (apt-get update; apt-get install -y golang-go)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for argv in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "golang-go"]):
        if subprocess.run(argv, env=env).returncode != 0:
            say(f"{' '.join(argv)} failed")
            sys.exit(2)
    if not shutil.which("go"):
        say("golang-go installed but `go` is still not on PATH")
        sys.exit(2)


def ensure_build(args):
    build = ROOT / "build"
    if not args.no_build:
        say(f"building {build} (cmake; --no-build skips this)")
        if not (build / "CMakeCache.txt").exists():
            if subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build)]).returncode != 0:
                failures.append(("build", "cmake configure failed"))
                return False
        if subprocess.run(["cmake", "--build", str(build), "-j2"]).returncode != 0:
            failures.append(("build", "cmake --build failed"))
            return False
    for f in (build / "pprof-sql", build / "pprof.so"):
        if not f.exists():
            say(f"{f} is missing: build with cmake -S . -B build && cmake --build build -j2")
            failures.append(("build", f"{f} missing"))
            return False
    return True


def profile_for(size, cache, tools):
    """The cached profile and source dir of a size, generated when missing or of the
    wrong size."""
    s = SIZES[size]
    out = cache / f"{s['name']}.pb.gz"
    src = cache / s["source_dir"]
    stamp = cache / f"{s['name']}.pb.gz.size"   # the size written, if not expected_size
    sizes_ok = {s["expected_size"]}
    if stamp.exists():
        sizes_ok.add(int(stamp.read_text().strip() or 0))
    if out.exists() and out.stat().st_size in sizes_ok and src.is_dir() and any(src.iterdir()):
        say(f"reusing {out} ({out.stat().st_size:,} bytes) and {src}")
        return out, src
    argv = [sys.executable, str(tools / "make_big_profile.py")] + s["args"] + \
        ["-o", str(out), "--source-dir", str(src)]
    say(f"generating {out} (a minute or so for big):\n  {' '.join(argv)}")
    t = time.monotonic()
    if subprocess.run(argv).returncode != 0:
        say("make_big_profile.py failed")
        sys.exit(1)
    n = out.stat().st_size
    say(f"  {n:,} bytes in {time.monotonic() - t:.1f} s")
    if n != s["expected_size"]:
        say(f"  note: expected {s['expected_size']:,} bytes (another zlib?); recorded in {stamp}")
        stamp.write_text(f"{n}\n")
    return out, src


def version_of(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[0]
    except Exception:  # noqa: BLE001 - informational only
        return "?"


# ---------------------------------------------------------------------------------
# The measurements of one size

def sql_quote(s):
    return "'" + str(s).replace("'", "''") + "'"


RUN_TIME = re.compile(r"^Run Time: real ([0-9.]+)", re.M)


def run_times(path):
    return [float(x) for x in RUN_TIME.findall(Path(path).read_text(errors="replace"))]


def compare(label, expected_path, got_path):
    """Byte comparison; a difference is a failure, shown loudly with a short diff."""
    a, b = Path(expected_path).read_bytes(), Path(got_path).read_bytes()
    if a == b:
        return True
    diff = list(difflib.unified_diff(a.decode(errors="replace").splitlines(),
                                     b.decode(errors="replace").splitlines(),
                                     str(expected_path), str(got_path), lineterm="", n=1))
    loud(f"OUTPUT MISMATCH: {label}: {got_path} differs from {expected_path}\n" + "\n".join(diff[:30]))
    failures.append((label, f"output differs from pprof's ({got_path} vs {expected_path})"))
    return False


def bench_size(size, args, cache, tools, out_dir):
    s = SIZES[size]
    reps = args.reps or s["reps"]
    prof, src = profile_for(size, cache, tools)
    work = cache / f"work-{s['name']}"
    work.mkdir(exist_ok=True)
    sqlite3, ext = "sqlite3", str(ROOT / "build" / "pprof")
    pprof_sql = str(ROOT / "build" / "pprof-sql")
    hot = s["hottest"]
    only = set(args.only)
    to = args.timeout
    rows = []          # dicts: cmd, p_wall, p_mib, o_wall, o_mib, t_ratio, m_ratio, target, verdict, notes

    say(f"\n=== {size} ({s['name']}): {prof}, {reps} rep(s), hottest flat function {hot}")
    args.build_stamp = build_stamp()
    args.describe = version_of(["git", "-C", str(ROOT), "describe", "--always", "--dirty"])

    # Warm-up (not measured): the binaries' pages, the profile in the page cache.
    sample = ROOT / "samples" / "go1.cpu.pb.gz"
    if not args.no_pprof:
        measure([["go", "tool", "pprof", "-symbolize=none", "-top", str(sample)]], to)
    measure([[pprof_sql, "-top", str(sample)]], to)

    # The floor: decompressing the file, and its uncompressed size.
    floor_out = work / "floor.txt"
    floor = repeat("floor: gzip -dc | wc -c", reps, to,
                   lambda rep: measure([["gzip", "-dc", str(prof)], ["wc", "-c"]], to, stdout=floor_out))
    uncompressed = int(floor_out.read_text().split()[0]) if floor else 0
    floor_wall = med(floor) if floor else None

    # 1. The command line, pprof's flags, side by side.
    flags = {"top": ["-top", "-nodecount=20"], "list": [f"-list={hot}"], "peek": [f"-peek={hot}"],
             "traces": ["-traces"]}
    common = [f"-source_path={src}"]
    cli_out = {}
    for rep_name in REPORTS:
        if only and rep_name not in only:
            continue
        fl = flags[rep_name]
        shown = " ".join(fl) + (" > /dev/null" if rep_name == "traces" else "")
        keep = rep_name != "traces"
        p_file, o_file = work / f"pprof.{rep_name}.txt", work / f"ours.{rep_name}.txt"
        p_argv = ["go", "tool", "pprof", "-symbolize=none"] + fl + common + [str(prof)]
        o_argv = [pprof_sql] + fl + common + [str(prof)]
        # Interleaved, pprof then ours, rep by rep: drift hits both alike.
        p_res, o_res = ([] if not args.no_pprof else None), []
        identical = True
        for rep in range(reps):
            if p_res is not None:
                r = repeat(f"pprof {shown}", 1, to, lambda _: measure(
                    [p_argv], to, stdout=p_file if keep else None, errfile=work / f"pprof.{rep_name}.err"), (rep + 1, reps))
                p_res = p_res + r if r else None
            if o_res is not None:
                r = repeat(f"ours  {shown}", 1, to, lambda _: measure(
                    [o_argv], to, stdout=o_file if keep else None, errfile=work / f"ours.{rep_name}.err"), (rep + 1, reps))
                o_res = o_res + r if r else None
                if r and keep and p_res:
                    identical = compare(f"pprof-sql {shown}", p_file, o_file) and identical
        if keep and p_res:
            cli_out[rep_name] = p_file
        elif keep and o_res and args.no_pprof:
            cli_out[rep_name] = o_file   # --no-pprof: SQL is compared with pprof-sql
        row = {"cmd": f"`{shown}`", "kind": rep_name}
        if p_res:
            row.update(p_wall=med(p_res), p_mib=peak(p_res))
        if o_res:
            row.update(o_wall=med(o_res), o_mib=peak(o_res))
        if p_res and o_res:
            row["t_ratio"] = row["o_wall"] / row["p_wall"]
            row["m_ratio"] = row["o_mib"] / row["p_mib"]
            tt, tm = TARGETS[rep_name]
            row["target"] = f"≤{tt:g}x / ≤{tm:g}x"
            row["verdict"] = verdict(row["t_ratio"] <= tt, row["m_ratio"] <= tm)
            if keep:
                row["notes"] = "output identical to pprof's" if identical else "OUTPUT DIFFERS"
        else:
            row["notes"] = "; ".join(f"{who}: no figure (timeout or failure)" for who, res in
                                     (("pprof", p_res), ("ours", o_res))
                                     if res is None and not (who == "pprof" and args.no_pprof))
        rows.append(row)

    # 2. The same reports as SQL in Debian's sqlite3 shell: .load, pprof_load,
    #    pprof_prepare (as pprof-sql does), then the report view.
    views = {
        "top": f"SELECT text FROM pprof_top_text WHERE profile_id = 2 AND options = '-nodecount=20' "
               f"ORDER BY line_no;",
        "list": f"SELECT text FROM pprof_list_text WHERE profile_id = 2 AND options = '' "
                f"AND symbol = {sql_quote(hot)} ORDER BY line_no;",
        "peek": f"SELECT text FROM pprof_peek_text WHERE profile_id = 2 AND options = '' "
                f"AND symbol = {sql_quote(hot)} ORDER BY line_no;",
        "traces": "SELECT text FROM pprof_traces_text WHERE profile_id = 2 AND options = '' ORDER BY line_no;",
    }
    for rep_name in REPORTS:
        if only and rep_name not in only:
            continue
        out_file = work / f"sql.{rep_name}.txt"
        setup_file = work / f"sql.{rep_name}.setup"
        script = work / f"sql.{rep_name}.sql"
        script.write_text("\n".join([
            f".load {ext}",
            f".output {setup_file}",
            ".timer on",
            f"SELECT pprof_config('source_path', {sql_quote(src)});",
            f"SELECT pprof_load({sql_quote(prof)});",
            "SELECT pprof_prepare('1', '');",
            f".output {out_file if rep_name != 'traces' else os.devnull}",
            views[rep_name],
            ".timer off",
            f".output {os.devnull}",
            "",
        ]))
        label = f"sql   pprof_{rep_name}_text"
        timings = []

        def one(rep, script=script, rep_name=rep_name, timings=timings):
            r = measure([[sqlite3, "-bail", ":memory:"]], to, stdin=script,
                        stdout=work / f"sql.{rep_name}.times", errfile=work / f"sql.{rep_name}.err")
            if r.ok:
                t = run_times(work / f"sql.{rep_name}.times")
                if len(t) == 4:
                    timings.append(t)
            return r

        res = repeat(label, reps, to, one)
        row = {"cmd": f"SQL `pprof_{rep_name}_text` (load + prepare + query)", "kind": "sql"}
        if res:
            setup = setup_file.read_text().split()
            if setup[1:] != ["1", "2"]:
                failures.append((label, f"pprof_load/pprof_prepare returned {setup[1:]}, expected 1 and 2"))
                loud(f"FAILED: {label}: pprof_load/pprof_prepare returned {setup[1:]}, expected ids 1 and 2")
            row.update(o_wall=med(res), o_mib=peak(res))
            notes = []
            if timings:
                notes.append("load %.2f s, prepare %.2f s, query %.2f s" % tuple(
                    statistics.median(t[i] for t in timings) for i in (1, 2, 3)))
            if rep_name in cli_out:
                same = compare(f"SQL pprof_{rep_name}_text", cli_out[rep_name], out_file)
                notes.append(("output identical to " + ("pprof's" if not args.no_pprof else "pprof-sql's"))
                             if same else "OUTPUT DIFFERS")
            row["notes"] = "; ".join(notes)
        rows.append(row)

    # 3. pprof_load alone, with the memory the loaded profile keeps.
    if not only or "load" in only:
        script = work / "load.sql"
        rss_file = work / "load.out"
        script.write_text("\n".join([
            f".load {ext}",
            ".shell grep -e VmRSS -e VmHWM /proc/$PPID/status",
            ".timer on",
            f"SELECT pprof_load({sql_quote(prof)});",
            ".timer off",
            ".shell grep -e VmRSS -e VmHWM /proc/$PPID/status",
            "SELECT memory_bytes FROM pprof_profiles WHERE profile_id = 1;",
            "",
        ]))
        stats = []

        def one(rep):
            r = measure([[sqlite3, "-bail", ":memory:"]], to, stdin=script, stdout=rss_file,
                        errfile=work / "load.err")
            if r.ok:
                text = rss_file.read_text()
                rss = [int(x) for x in re.findall(r"VmRSS:\s*(\d+) kB", text)]
                lines = [ln for ln in text.splitlines() if re.fullmatch(r"-?\d+", ln.strip())]
                t = run_times(rss_file)
                if len(rss) == 2 and len(lines) == 2 and t:
                    stats.append({"before": rss[0], "after": rss[1], "memory_bytes": int(lines[1]),
                                  "stmt": t[0]})
            return r

        res = repeat("ours  SELECT pprof_load(...)", reps, to, one)
        row = {"cmd": "SQL `SELECT pprof_load(...)` alone", "kind": "load"}
        if res:
            row.update(o_wall=med(res), o_mib=peak(res))
            notes = []
            if floor_wall:
                row["t_ratio"] = row["o_wall"] / floor_wall
                row["ratio_of"] = "floor"
            if stats and uncompressed:
                kept = statistics.median((x["after"] - x["before"]) * 1024 for x in stats)
                mb = statistics.median(x["memory_bytes"] for x in stats)
                row["m_ratio"] = kept / uncompressed
                notes.append(f"statement {statistics.median(x['stmt'] for x in stats):.2f} s")
                notes.append(f"kept after load {kept / 2**20:.0f} MiB RSS = {row['m_ratio']:.2f}x uncompressed")
                notes.append(f"peak RSS {row['o_mib']:.0f} MiB = {row['o_mib'] * 2**20 / uncompressed:.2f}x")
                notes.append(f"memory_bytes {mb / 2**20:.0f} MiB = {mb / uncompressed:.2f}x")
            if "t_ratio" in row and "m_ratio" in row:
                row["target"] = f"≤{LOAD_TARGET[0]:g}x floor / ≤{LOAD_TARGET[1]:g}x uncompr."
                row["verdict"] = verdict(row["t_ratio"] <= LOAD_TARGET[0], row["m_ratio"] <= LOAD_TARGET[1])
            row["notes"] = "; ".join(notes)
        rows.append(row)

    # 3b. The flat/cum core: one sample type's nodes at the functions
    #     granularity (both inlining modes, as the query leaves `inlines`
    #     open), beside pprof_top_text on the same loaded profile, each in its
    #     own process (both pay for the report profile they share when cached).
    if not only or "core" in only:
        core_queries = {
            "nodes": "SELECT function, flat, cum FROM pprof_nodes WHERE profile_id = 1 AND sample_type = "
                     "(SELECT type FROM pprof_sample_types WHERE profile_id = 1 AND is_default = 1) "
                     "AND granularity = 'functions';",
            "top": "SELECT text FROM pprof_top_text WHERE profile_id = 1;",
        }
        core_times = {k: [] for k in core_queries}
        core_res = {}
        for name, query in core_queries.items():
            script = work / f"core.{name}.sql"
            script.write_text("\n".join([
                f".load {ext}",
                f".output {os.devnull}",
                f"SELECT pprof_load({sql_quote(prof)});",
                ".timer on",
                query,
                ".timer off",
                "",
            ]))

            def one(rep, script=script, name=name):
                r = measure([[sqlite3, "-bail", ":memory:"]], to, stdin=script, stdout=work / f"core.{name}.times",
                            errfile=work / f"core.{name}.err")
                if r.ok:
                    t = run_times(work / f"core.{name}.times")
                    if len(t) == 1:
                        core_times[name].append(t[0])
                return r

            core_res[name] = repeat(f"ours  core: {name}", reps, to, one)
        row = {"cmd": "SQL `SELECT function, flat, cum FROM pprof_nodes WHERE profile_id = 1 AND sample_type = "
                      "<default> AND granularity = 'functions'` (load + query)", "kind": "core"}
        if core_res.get("nodes"):
            row.update(o_wall=med(core_res["nodes"]), o_mib=peak(core_res["nodes"]))
        if core_times["nodes"] and core_times["top"]:
            q_nodes, q_top = statistics.median(core_times["nodes"]), statistics.median(core_times["top"])
            row["notes"] = (f"query {q_nodes:.2f} s; `SELECT text FROM pprof_top_text WHERE profile_id = 1` "
                            f"on the same loaded profile {q_top:.2f} s (ratio {q_nodes / q_top:.2f}, target ≤ 1)")
        rows.append(row)

    # 4. An import into a fresh database file after the load.
    if not only or "import" in only:
        script = work / "import.sql"
        db = work / "import.db"
        script.write_text("\n".join([
            f".load {ext}",
            f".output {os.devnull}",
            ".timer on",
            f"SELECT pprof_config('source_path', {sql_quote(src)});",
            f"SELECT pprof_load({sql_quote(prof)});",
            f"SELECT pprof_import({sql_quote(db)});",
            ".timer off",
            "",
        ]))
        stats = []

        def one(rep):
            for f in (db, Path(str(db) + "-journal"), Path(str(db) + "-wal")):
                if f.exists():
                    f.unlink()
            r = measure([[sqlite3, "-bail", ":memory:"]], to, stdin=script, stdout=work / "import.times",
                        errfile=work / "import.err")
            if r.ok:
                t = run_times(work / "import.times")
                stats.append({"import": t[2] if len(t) == 3 else None, "size": db.stat().st_size})
            return r

        res = repeat("ours  SELECT pprof_import(...)", reps, to, one)
        row = {"cmd": "SQL `pprof_load` + `SELECT pprof_import('x.db')`", "kind": "import"}
        if res:
            row.update(o_wall=med(res), o_mib=peak(res))
            if stats:
                imp = [x["import"] for x in stats if x["import"] is not None]
                row["notes"] = (f"import statement {statistics.median(imp):.2f} s; " if imp else "") + \
                    f"database {stats[-1]['size'] / 2**20:.0f} MiB"
        if db.exists():
            db.unlink()
        rows.append(row)

    if floor:
        rows.append({"cmd": "floor: `gzip -dc FILE \\| wc -c`", "kind": "floor", "o_wall": floor_wall,
                     "o_mib": peak(floor), "notes": f"{uncompressed:,} bytes uncompressed"})

    md = render(size, s, prof, reps, uncompressed, rows, args)
    if build_stamp() != args.build_stamp:
        md = md.replace("\n\n| command", "\n- **WARNING: build/pprof-sql or build/pprof.so was rebuilt during "
                        "this run: the figures mix builds**\n\n| command", 1)
        loud("build/ was rebuilt during this run: the figures mix builds; run again")
    say("\n" + md)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"results-{size}.md"
    path.write_text(md)
    say(f"written to {path}")


def build_stamp():
    """The measured binaries' modification times: a change means a rebuild mid-run."""
    return [(ROOT / "build" / f).stat().st_mtime_ns for f in ("pprof-sql", "pprof.so")]


def verdict(time_ok, mem_ok):
    return "met" if time_ok and mem_ok else \
        "MISSED (" + ", ".join(w for w, ok in (("time", time_ok), ("memory", mem_ok)) if not ok) + ")"


def fmt(v, spec):
    return "—" if v is None else format(v, spec)


def render(size, s, prof, reps, uncompressed, rows, args):
    head = [
        f"## {size}: {s['name']}.pb.gz",
        "",
        f"- file: `{prof}`, {prof.stat().st_size:,} bytes gzipped, {uncompressed:,} bytes uncompressed; "
        f"`-list`/`-peek` regexp `{s['hottest']}`",
        f"- {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}, {platform.node()}, {os.cpu_count()} cores, "
        f"{mem_total()}; median wall of {reps} rep(s), peak RSS the max over them",
        f"- {version_of(['go', 'version']) if not args.no_pprof else 'pprof not run (--no-pprof)'}; "
        f"{version_of([str(ROOT / 'build' / 'pprof-sql'), '-version'])} "
        f"at {args.describe}; sqlite3 {version_of(['sqlite3', '-version']).split(' ')[0]}",
        "",
        "| command | pprof s | pprof MiB | ours s | ours MiB | time ours/pprof | memory ours/pprof "
        "| target (time / memory) | | notes |",
        "|---|--:|--:|--:|--:|--:|--:|---|---|---|",
    ]
    lines = []
    for r in rows:
        t_ratio, m_ratio = r.get("t_ratio"), r.get("m_ratio")
        if r["kind"] == "load":
            tr = "—" if t_ratio is None else f"{t_ratio:.2f}x floor"
            mr = "—" if m_ratio is None else f"{m_ratio:.2f}x uncompr."
        else:
            tr = "—" if t_ratio is None else f"{t_ratio:.3f}x"
            mr = "—" if m_ratio is None else f"{m_ratio:.3f}x"
        lines.append(f"| {r['cmd']} | {fmt(r.get('p_wall'), '.2f')} | {fmt(r.get('p_mib'), '.0f')} | "
                     f"{fmt(r.get('o_wall'), '.3f')} | {fmt(r.get('o_mib'), '.0f')} | {tr} | {mr} | "
                     f"{r.get('target', '')} | {r.get('verdict', '')} | {r.get('notes', '')} |")
    return "\n".join(head + lines) + "\n"


def mem_total():
    try:
        kb = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
        return f"{kb / 2**20:.1f} GiB RAM"
    except Exception:  # noqa: BLE001
        return "? RAM"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="small,big", help="comma-separated: small (big10), big (big100)")
    ap.add_argument("--reps", type=int, default=0, help="repetitions (default: 3 for small, 1 for big)")
    ap.add_argument("--only", default="", help="comma-separated reports: " + ",".join(ONLY_CHOICES))
    ap.add_argument("--cache-dir", default="/tmp/pprof-bench", help="profiles, scratch files, results")
    ap.add_argument("--out", default="", help="directory for results-SIZE.md (default: the cache dir)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per command (default 1800)")
    ap.add_argument("--tools-dir", default=str(DEFAULT_TOOLS), help="where make_big_profile.py is")
    ap.add_argument("--no-pprof", action="store_true", help="measure only sqlite-pprof")
    ap.add_argument("--no-build", action="store_true", help="do not run cmake --build first")
    args = ap.parse_args()

    sizes = [x for x in args.sizes.split(",") if x]
    args.only = [x for x in args.only.split(",") if x]
    bad = [x for x in sizes if x not in SIZES] + [x for x in args.only if x not in ONLY_CHOICES]
    if bad or not sizes or args.reps < 0:
        ap.error(f"unknown size or report: {bad}" if bad else "no size or bad --reps")
    tools = Path(args.tools_dir)
    if not (tools / "make_big_profile.py").exists():
        say(f"{tools}/make_big_profile.py not found (--tools-dir)")
        sys.exit(2)
    if not shutil.which("sqlite3"):
        say("sqlite3 not found: install Debian's sqlite3")
        sys.exit(2)
    if not args.no_pprof:
        ensure_go()
    cache = Path(args.cache_dir).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    out_dir = Path(args.out).resolve() if args.out else cache
    if ensure_build(args):
        for size in sizes:
            bench_size(size, args, cache, tools, out_dir)
    if failures:
        say("")
        for what, why in failures:
            loud(f"{what}: {why}")
        say(f"{len(failures)} failure(s)")
        sys.exit(1)
    if timeouts:
        say(f"\n{len(timeouts)} command(s) hit the --timeout of {args.timeout:.0f} s (not a failure): "
            + "; ".join(timeouts))
    say("\ndone: every tool that finished succeeded, and every compared output was identical")


if __name__ == "__main__":
    main()
