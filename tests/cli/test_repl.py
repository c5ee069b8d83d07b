#!/usr/bin/env python3
"""pprof-sql's SQL shell: the interactive prompt driven through a
pseudo-terminal (queries, a multi-line query, errors that do not end the
session, dot-commands, Ctrl-C, history), SQL from standard input and -c, each
output mode byte for byte against what Debian's sqlite3 prints for the same
query, and `pprof-sql import`.

Expected values come from elsewhere: separate `-c` runs, known facts of the
bundled samples (samples/go1.heap.pb.gz has 4 sample types) and sqlite3.

usage: test_repl.py --build DIR
Standard library only. Prints `N passed, M failed`; exits 1 on any failure."""
import argparse
import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import tempfile
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import ROOT, check, summary  # noqa: E402

HEAP = "samples/go1.heap.pb.gz"
CPU = "samples/go1.cpu.pb.gz"
PROMPT = b"pprof> "
CONTINUATION = b"   ...> "
SHELL = None


def run(args, stdin_text="", env=None):
    """pprof-sql ARGS from the checkout, stdin a pipe; stdout and stderr as str, CRLF kept."""
    out = subprocess.run([SHELL] + args, cwd=ROOT, input=stdin_text.encode(), capture_output=True, env=env,
                         timeout=120)
    return subprocess.CompletedProcess(out.args, out.returncode, out.stdout.decode(errors="replace"),
                                       out.stderr.decode(errors="replace"))


def run_bytes(cmd, stdin_bytes):
    return subprocess.run(cmd, cwd=ROOT, input=stdin_bytes, capture_output=True, timeout=120)


def sql_value(sql, *profiles):
    """One value, from a separate -c run."""
    out = run(list(profiles) + ["-c", sql])
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


class Session:
    """pprof-sql at a pseudo-terminal, as a user types at it."""

    def __init__(self, args, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the shell, its stdin/stdout/stderr the terminal
            try:
                os.chdir(ROOT)
                os.execve(SHELL, [SHELL] + args, env)
            finally:
                os._exit(127)
        self.buf = b""
        self.eof = False
        self.status = None

    def _read(self, done, timeout):
        end = time.time() + timeout
        while not done(self.buf) and not self.eof:
            left = end - time.time()
            if left <= 0:
                raise TimeoutError(repr(self.buf[-300:]))
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            try:
                data = os.read(self.fd, 65536)
            except OSError:  # EIO: the other side is gone
                data = b""
            if not data:
                self.eof = True
            self.buf += data

    def wait_prompt(self, timeout=60):
        """What was printed until the next prompt; the prompt itself is dropped.
        Then waits until line editing has the terminal (ICANON off), as a user
        would before typing: input typed earlier is echoed twice."""
        self._read(lambda b: b.endswith(PROMPT) or b.endswith(CONTINUATION), timeout)
        text, self.buf = self.buf, b""
        for p in (PROMPT, CONTINUATION):
            if text.endswith(p):
                self.last_prompt = p
                text = text[:-len(p)]
                end = time.time() + timeout
                while termios.tcgetattr(self.fd)[3] & termios.ICANON:
                    if time.time() > end:
                        raise TimeoutError("the terminal stays in canonical mode at the prompt")
                    time.sleep(0.005)
                break
        return text.decode(errors="replace").replace("\r\n", "\n")

    def type(self, line, timeout=60):
        """Types a line; returns what the shell printed after the echo, up to the next prompt."""
        os.write(self.fd, line.encode() + b"\r")
        text = self.wait_prompt(timeout)
        echo, _, rest = text.partition("\n")
        return rest

    def send(self, raw):
        os.write(self.fd, raw)

    def finish(self, timeout=30):
        """Reads to the end; returns (output, exit status)."""
        try:
            self._read(lambda b: False, timeout)
        except TimeoutError:
            os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        self.status = os.waitstatus_to_exitcode(status)
        return self.buf.decode(errors="replace").replace("\r\n", "\n"), self.status

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass


def lines(text):
    return [l.rstrip("\r") for l in text.splitlines()]


def test_interactive(tmp):
    history = os.path.join(tmp, "history")
    env = dict(os.environ, TERM="dumb", HOME=tmp, PPROF_SQL_HISTORY=history)
    s = Session([HEAP], env)
    try:
        banner = s.wait_prompt()
        check("prompt: banner names the version, the profiles loaded and .help",
              "pprof-sql " in banner and "1 profile loaded" in banner and ".help" in banner, banner)

        out = s.type("select count(*) from pprof_sample_types;")
        check("prompt: a query prints its rows (4 sample types in go1.heap)", lines(out) == ["4"], out)

        want = sql_value("select sum(value) from pprof_samples where sample_type = 'inuse_space'", HEAP)
        out1 = s.type("select sum(value)")
        cont1 = s.last_prompt
        out2 = s.type("from pprof_samples")
        cont2 = s.last_prompt
        out3 = s.type("where sample_type = 'inuse_space';")
        check("prompt: a multi-line statement continues with '   ...> '",
              cont1 == CONTINUATION and cont2 == CONTINUATION and out1 == "" and out2 == "", (cont1, cont2, out1, out2))
        check("prompt: the multi-line statement's result equals a -c run's", lines(out3) == [want], (out3, want))

        out = s.type("selec count(*) from pprof_samples;")
        check("prompt: an error prints 'Error: ...'", lines(out) == ['Error: near "selec": syntax error'], out)
        out = s.type("select 40 + 2;")
        check("prompt: the session goes on after an error", lines(out) == ["42"] and s.last_prompt == PROMPT, out)
        out = s.type("select * from no_such_table;")
        check("prompt: a runtime error too", lines(out) == ["Error: no such table: no_such_table"], out)

        types = [l.split("|") for l in lines(sql_value(
            "select sample_index, type from pprof_sample_types order by 1", HEAP))]
        check(".mode csv prints nothing", s.type(".mode csv") == "")
        check(".headers on prints nothing", s.type(".headers on") == "")
        out = s.type("select sample_index, type from pprof_sample_types order by 1;")
        check("prompt: .mode csv + .headers on rows",
              lines(out) == ["sample_index,type"] + [",".join(t) for t in types], out)
        check("prompt: heap sample types are the 4 known ones",
              [t[1] for t in types] == ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"], types)
        s.type(".headers off")
        out = s.type("select 'a b', 'c';")
        check("prompt: .headers off; csv quotes a field with a space", lines(out) == ['"a b",c'], out)
        s.type(".mode list")

        out = s.type(".tables")
        names = out.split()
        check(".tables lists eponymous tables and views",
              all(n in names for n in ["pprof_samples", "pprof_profiles", "pprof_frames", "pprof_top",
                                        "pprof_top_text", "pprof_list_text"]), out)
        check(".tables leaves out internal helpers", not any(n.startswith("_pprof_") for n in names), out)

        out = s.type(".load " + CPU)
        check(".load loads a profile (pprof_load)", "loaded profile 2" in out, out)
        out = s.type("select count(*) from pprof_profiles;")
        check("prompt: two profiles after .load", lines(out) == ["2"], out)
        out = s.type(".load no/such/file.pb.gz")
        check(".load of a missing file is an error", out.startswith("Error: pprof_load: no/such/file.pb.gz"), out)

        # Ctrl-C at the continuation prompt drops the pending statement.
        s.type("select 1")
        s.send(b"\x03")
        s.wait_prompt()
        out = s.type("select 5;")
        check("prompt: Ctrl-C drops a pending statement", lines(out) == ["5"], out)
        # Ctrl-C during a statement interrupts it; the session goes on.
        s.send(b"with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c;\r")
        time.sleep(0.5)
        s.send(b"\x03")
        out = s.wait_prompt()
        check("prompt: Ctrl-C interrupts a running statement", "Error: interrupted" in out, out)
        out = s.type("select 'still here';")
        check("prompt: ... and the session goes on", lines(out) == ["still here"], out)

        s.type("select 'history-check';")
        s.send(b".quit\r")
        out, status = s.finish()
        check(".quit ends the session with status 0", status == 0, (status, out))
    except (TimeoutError, OSError) as e:
        check("prompt session", False, e)
        s.kill()
        return

    hist = open(history, "rb").read() if os.path.exists(history) else b""
    check("history is written to $PPROF_SQL_HISTORY", b"history-check" in hist and b"pprof_sample_types" in hist,
          hist[:300])

    # A second session recalls the history (Ctrl-P twice: the line before .quit).
    s = Session([], env)
    try:
        banner = s.wait_prompt()
        check("prompt with no profiles", "0 profiles loaded" in banner, banner)
        s.send(b"\x10\x10\r")
        out = s.wait_prompt()
        check("history is read back (Ctrl-P recalls a line)", "history-check" in out.split("\n", 1)[-1], out)
        s.send(b"\x04")  # Ctrl-D
        out, status = s.finish()
        check("Ctrl-D ends the session with status 0", status == 0, (status, out))
    except (TimeoutError, OSError) as e:
        check("second prompt session", False, e)
        s.kill()

    # .exit CODE.
    s = Session([], dict(env, PPROF_SQL_HISTORY=""))
    try:
        s.wait_prompt()
        s.send(b".exit 3\r")
        _, status = s.finish()
        check(".exit 3 exits with status 3", status == 3, status)
    except (TimeoutError, OSError) as e:
        check(".exit session", False, e)
        s.kill()


# Values sqlite3 formats in every mode: NULL, quotes, commas, spaces, UTF-8,
# floats, a blob, multi-line values, a tab, a control character, a long value.
MODE_QUERY = """select 1 as a, 'x,y' as b, NULL as c, 2.5 as d, 'he said "hi"' as e, 'é' as f, 0.1 as g,
  3.0 as h, 1e20 as i, x'41' as j, 'a b' as k, 'it''s' as l, '' as m
union all select 22, 'line
two', 'z', -1, '', 'ab', 'tab	x', 1e300 * 1e300, 'ctl' || char(1) || 'x', 'w', 'a
b
c', 'q', char(13, 10);
select 5 as only;
select 1 where 0;
select 'word word word word word word word word word word word word word word word' as long, 'x' as "a b";
"""
MODES = ["list", "tabs", "csv", "json", "line", "column", "table", "box", "markdown"]


def test_modes_against_sqlite3():
    for mode in MODES:
        for header in ("on", "off"):
            script = f".mode {mode}\n.headers {header}\n{MODE_QUERY}".encode()
            want = run_bytes(["sqlite3", ":memory:"], script)
            got = run_bytes([SHELL], script)
            check(f".mode {mode} + .headers {header} equals sqlite3's",
                  got.stdout == want.stdout and got.returncode == 0, (got.stdout[:400], want.stdout[:400], got.stderr))
        want = run_bytes(["sqlite3", f"-{mode}", ":memory:"], MODE_QUERY.encode())
        got = run_bytes([SHELL, "-mode", mode], MODE_QUERY.encode())
        check(f"-mode {mode} equals sqlite3 -{mode}", got.stdout == want.stdout,
              (got.stdout[:400], want.stdout[:400], got.stderr))
    for flag in ("-header", "-noheader"):
        want = run_bytes(["sqlite3", "-csv", flag, ":memory:"], MODE_QUERY.encode())
        got = run_bytes([SHELL, "-mode", "csv", flag], MODE_QUERY.encode())
        check(f"-mode csv {flag} equals sqlite3's", got.stdout == want.stdout, (got.stdout[:300], want.stdout[:300]))
    extra = ".nullvalue NULL\n.separator ; ~\nselect null, 1, 'x';\n.mode csv\nselect null as n;\n"
    want = run_bytes(["sqlite3", ":memory:"], extra.encode())
    got = run_bytes([SHELL], extra.encode())
    check(".nullvalue and .separator equal sqlite3's", got.stdout == want.stdout, (got.stdout, want.stdout))

    # Exact formats, spelled out.
    q = "select 1 as a, 'x y' as b union all select 22, NULL;"
    expect = {
        "list": "a|b\n1|x y\n22|\n",
        "csv": 'a,b\r\n1,"x y"\r\n22,\r\n',
        "json": '[{"a":1,"b":"x y"},\n{"a":22,"b":null}]\n',
        "table": "+----+-----+\n| a  |  b  |\n+----+-----+\n| 1  | x y |\n| 22 |     |\n+----+-----+\n",
        "box": "┌────┬─────┐\n│ a  │  b  │\n├────┼─────┤\n│ 1  │ x y │\n│ 22 │     │\n└────┴─────┘\n",
        "markdown": "| a  |  b  |\n|----|-----|\n| 1  | x y |\n| 22 |     |\n",
        "line": "    a = 1\n    b = x y\n\n    a = 22\n    b = \n",
        "tabs": "a\tb\n1\tx y\n22\t\n",
    }
    for mode, text in expect.items():
        got = run_bytes([SHELL], f".mode {mode}\n.headers on\n{q}\n".encode())
        check(f".mode {mode} prints exactly", got.stdout.decode() == text, repr(got.stdout.decode()))


def test_profile_rows_against_sqlite3(build):
    """A query over a profile: pprof-sql's box and json against sqlite3 with the extension loaded."""
    q = "select sample_index, type, unit, is_default from pprof_sample_types order by 1;"
    probe = run_bytes(["sqlite3", "-cmd", f".load {os.path.join(build, 'pprof')}", ":memory:"], b"select 1;")
    if probe.returncode != 0 or probe.stderr:
        print("skipped  sqlite3 .load pprof (e.g. a sanitizer build): " + probe.stderr.decode()[:200])
        return
    for mode in ("box", "json", "csv", "table"):
        script = f"select pprof_load('{HEAP}');\n.mode {mode}\n.headers on\n{q}\n".encode()
        want = run_bytes(["sqlite3", "-cmd", f".load {os.path.join(build, 'pprof')}", ":memory:"], script)
        got = run_bytes([SHELL], script)
        check(f"{HEAP} sample types in .mode {mode} equal sqlite3's with the extension",
              got.stdout == want.stdout and want.stdout, (got.stdout[:300], want.stdout[:300], want.stderr))


def test_stdin_and_c(tmp):
    out = run([HEAP], "select count(*) from pprof_sample_types;\n")
    check("stdin: SQL from a pipe", out.returncode == 0 and out.stdout == "4\n", (out.stdout, out.stderr))
    n_samples = sql_value("select count(*) from pprof_samples", CPU)
    out = run([CPU], "select count(*)\n  from pprof_samples;\nselect count(*) from pprof_profiles\n")
    check("stdin: multi-line statement, and a last one without ';'", out.stdout == f"{n_samples}\n1\n", out.stdout)
    out = run([HEAP], ".mode csv\n.headers on\nselect type from pprof_sample_types where sample_index < 2;\n")
    check("stdin: dot-commands", out.stdout == "type\r\nalloc_objects\r\nalloc_space\r\n", repr(out.stdout))
    out = run([], "select 1;\nselect nope;\nselect 2;\n")
    check("stdin: an error names the line, the rest runs, exit status 1",
          out.stdout == "1\n2\n" and out.stderr == "Error: near line 2: no such column: nope\n" and out.returncode == 1,
          (out.stdout, out.stderr, out.returncode))
    out = run(["-bail"], "select 1;\nselect nope;\nselect 2;\n")
    check("stdin: -bail stops at the first error", out.stdout == "1\n" and out.returncode == 1, out.stdout)

    out = run([HEAP, "-c", "select 1; select count(*) from pprof_sample_types"])
    check("-c: several statements", out.stdout == "1\n4\n" and out.returncode == 0, (out.stdout, out.stderr))
    out = run(["-c", "select 1; select nope; select 2"])
    check("-c: stops at the first error, exit status 1",
          out.stdout == "1\n" and out.stderr == "Error: no such column: nope\n" and out.returncode == 1,
          (out.stdout, out.stderr))
    out = run([HEAP, "-mode", "csv", "-header", "-c", "select sample_index, type from pprof_sample_types limit 1"])
    check("-c with -mode csv -header", out.stdout == "sample_index,type\n0,alloc_objects\n", repr(out.stdout))
    out = run(["-header", "-separator", ";", "-c", "select 1 as a, 2 as b"])
    check("-c with -header -separator", out.stdout == "a;b\n1;2\n", repr(out.stdout))
    out = run(["-mode", "nope", "-c", "select 1"])
    check("-mode with an unknown mode is an error", out.returncode == 2 and "list" in out.stderr, out.stderr)
    out = run(["-c", ".mode json\nselect 1 as x"])
    check("-c: dot-commands", out.stdout == '[{"x":1}]\n', out.stdout)
    out = run(["no/such/profile.pb.gz", "-c", "select 1"])
    check("-c: a profile that does not load is an error", out.returncode == 1 and "no/such/profile.pb.gz" in out.stderr,
          out.stderr)

    # .output, .read, .print, .schema, .timer, unknown commands.
    path = os.path.join(tmp, "out.txt")
    script_path = os.path.join(tmp, "script.sql")
    with open(script_path, "w") as f:
        f.write(".mode csv\nselect 'from read', 2;\nselect nope;\n")
    out = run([], f"select 1;\n.output {path}\nselect 2;\n.print hello \"a b\"\n.output\nselect 3;\n"
                  f".read {script_path}\nselect 4;\n")
    written = open(path).read() if os.path.exists(path) else ""
    check(".output FILE and back to stdout", out.stdout.startswith("1\n3\n") and written == "2\nhello a b\n",
          (out.stdout, written))
    check(".read runs a file's SQL and dot-commands", out.stdout == '1\n3\n"from read",2\r\n4\r\n', repr(out.stdout))
    check(".read errors name the file and line", f"Error: {script_path}:3: no such column: nope" in out.stderr,
          out.stderr)
    out = run([], ".schema pprof_samples\n.schema pprof_top_text\n")
    check(".schema of an eponymous table", out.stdout.startswith(
        "CREATE TABLE pprof_samples(profile_id INTEGER, sample_id INTEGER, sample_index INTEGER"), out.stdout[:300])
    check(".schema of a view", "CREATE VIEW pprof_top_text" in out.stdout, out.stdout[:300])
    out = run([], "create table t(x);\n.schema t\n.tables t%\n")
    check(".schema and .tables show the user's tables", out.stdout == "CREATE TABLE t(x);\nt\n", repr(out.stdout))
    out = run([], ".timer on\nselect 1;\n")
    check(".timer on prints the run time", out.stdout.startswith("1\nRun Time: real "), out.stdout)
    out = run([], ".frobnicate\n.mode nope\n.headers maybe\nselect 1;\n")
    check("unknown dot-commands and bad arguments are errors; the rest runs",
          out.stdout == "1\n" and out.stderr.count("Error: ") == 3 and out.returncode == 1, (out.stdout, out.stderr))
    out = run([], ".help\n")
    check(".help lists the dot-commands", all(c in out.stdout for c in
                                              [".tables", ".schema", ".mode", ".headers", ".output", ".read", ".load",
                                               ".quit", ".exit", ".timer"]), out.stdout)
    out = run(["-help"])
    check("-help describes the shell and import", "-mode MODE" in out.stdout and "import DB" in out.stdout
          and "-top" in out.stdout, out.stdout[:200])


def test_import(tmp):
    out = run(["import"])
    check("import without arguments prints its usage (status 2)", out.returncode == 2 and "usage" in out.stderr,
          out.stderr)
    db = os.path.join(tmp, "missing-dir", "x.db")
    out = run(["import", db, CPU])
    check("import into an unwritable path fails (status 1)", out.returncode == 1 and out.stderr.startswith("pprof-sql: "),
          (out.returncode, out.stderr))
    out = run(["import", os.path.join(tmp, "y.db"), "no/such/profile.pb.gz"])
    check("import of a missing profile fails (status 1)", out.returncode == 1 and "no/such/profile.pb.gz" in out.stderr,
          out.stderr)
    db = os.path.join(tmp, "profiles.db")
    out = run(["import", "-source_path=samples/src/go", "-trim_path=/home/build", db, HEAP, CPU])
    lines = out.stdout.splitlines()
    check("import writes the profiles", out.returncode == 0 and lines[:1] == [f"imported 2 profiles into {db}"],
          (out.returncode, out.stdout, out.stderr))
    # Every goapp source file under the source root is stored; the Go runtime's are not there.
    go_files = sum(len([f for f in files if f.endswith(".go")])
                   for _, _, files in os.walk(os.path.join(ROOT, "samples/src/go")))
    check("import says which source files it stored",
          len(lines) > 1 and lines[1].startswith(f"source files: {go_files} stored, "), out.stdout)
    if out.returncode == 0:
        con = sqlite3.connect(db)
        try:
            tables = [r[0] for r in con.execute("select name from sqlite_schema where type = 'table'")]
            n = con.execute("select count(*) from pprof_profiles").fetchone()[0] if "pprof_profiles" in tables else None
        finally:
            con.close()
        check("the imported database is plain SQLite, with both profiles", n == 2, (tables, n))


def main():
    global SHELL
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    SHELL = os.path.join(build, "pprof-sql")
    with tempfile.TemporaryDirectory() as tmp:
        test_interactive(tmp)
        test_modes_against_sqlite3()
        test_profile_rows_against_sqlite3(build)
        test_stdin_and_c(tmp)
        test_import(tmp)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
