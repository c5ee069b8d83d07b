#!/usr/bin/env python3
"""Issue 12, "no memory bomb before the limits", at the default limits, with
the process's resources capped (RLIMIT_AS for memory, RLIMIT_CPU for time:
CPU seconds, not wall time, so a busy machine does not fail it; a process over
the CPU cap is killed by SIGXCPU):

- a 500 MB gzip-compressed sample (packed values, then labels) is refused by
  pprof_load with its own error in 1 GiB of address space (the values alone
  were 4 GB of int64s before the limits applied, and decompressing 500 MB
  took 1.5 GB by doubling its buffer);
- `pprof-sql -c '.read /dev/zero'` and standard input without newlines end
  with an error and status 1, never abort (status 134) on std::bad_alloc;
- 5 MB of lines without a ';' on standard input read in linear time;
- `-raw` of a profile with 80,000 labels on one sample, or 80,000 comments,
  takes seconds of CPU, not minutes (pprof: 0.5 s and 0.1 s). The label line is pprof's format
  (`key:[v1 v2 ...]`, Profile.String); the whole output was compared with
  `go tool pprof -raw` by hand when this test was written (identical).

The profiles are built here, on the wire, so nothing is stored. Not run under
the sanitizers: ASan reserves terabytes of address space, so RLIMIT_AS
cannot be used there (the same limits run under them in
tests/unit/memory_bomb_test.cc, at lower settings).

usage: test_memory.py --build DIR
Standard library only. Prints `N passed, M failed`; exits 1 on any failure."""
import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import ROOT, check, summary  # noqa: E402

SHELL = None
MIB = 1 << 20


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def field(number, payload):
    """A length-delimited field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def int_field(number, v):
    return varint(number << 3) + varint(v)


# Strings "", samples, count, k, v; one sample type; location 1 (no lines).
HEADER = (b"".join(field(6, s) for s in [b"", b"samples", b"count", b"k", b"v"]) +
          field(1, int_field(1, 1) + int_field(2, 2)) + field(4, int_field(1, 1)))


def write_bomb(path, body, filler, times):
    """A profile whose one sample is `body` then `filler` x `times`, gzipped
    as a stream (the uncompressed bytes never sit in memory)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    sample_len = len(body) + len(filler) * times
    with open(path, "wb") as f:
        f.write(z.compress(HEADER + varint(2 << 3 | 2) + varint(sample_len) + body))
        for _ in range(times):
            f.write(z.compress(filler))
        f.write(z.flush())


def limits(address_space=None, cpu_seconds=None):
    def apply():
        if address_space:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        if cpu_seconds:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    return apply


def run(args, stdin=subprocess.DEVNULL, feed=None, **caps):
    """pprof-sql ARGS under the caps; `feed` is a generator of stdin chunks."""
    p = subprocess.Popen([SHELL] + args, cwd=ROOT, stdin=subprocess.PIPE if feed else stdin,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=limits(**caps))
    if feed:
        # The thread owns the pipe: communicate() would close it at once.
        pipe, p.stdin = p.stdin, None

        def writer():
            try:
                for chunk in feed:
                    pipe.write(chunk)
                pipe.close()
            except (BrokenPipeError, ValueError):
                pass  # the shell stopped reading: what the test wants
        t = threading.Thread(target=writer, daemon=True)
        t.start()
    out, err = p.communicate(timeout=600)
    return p.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def status(rc):
    return f"killed by {signal.Signals(-rc).name}" if rc < 0 else f"exit {rc}"


def main():
    global SHELL
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    SHELL = os.path.join(os.path.abspath(ap.parse_args().build), "pprof-sql")
    gib = 1 << 30

    with tempfile.TemporaryDirectory() as tmp:
        # 500 Mi packed values (one byte each) for one sample type.
        values = os.path.join(tmp, "values.pb.gz")
        write_bomb(values, int_field(1, 1) + varint(2 << 3 | 2) + varint(500 * MIB), b"\x01" * MIB, 500)
        check("the values bomb is small", os.path.getsize(values) < MIB, os.path.getsize(values))
        rc, out, err = run([values, "-c", "SELECT 1"], address_space=gib)
        check("500 MB of packed values: pprof's mismatch error in 1 GiB (500 MB decompressed, once)",
              rc == 1 and "mismatch: sample 1 has 524288000 values vs. 1 types" in err and values in err,
              f"{status(rc)}: {err}")

        # Labels k=v, 6 bytes each, for 500 MB.
        labels = os.path.join(tmp, "labels.pb.gz")
        label = field(3, int_field(1, 3) + int_field(2, 4))
        chunk = label * (MIB // len(label))
        write_bomb(labels, int_field(1, 1) + int_field(2, 1), chunk, 500)
        rc, out, err = run([labels, "-c", "SELECT 1"], address_space=gib)
        check("500 MB of labels: the labels limit in 1 GiB",
              rc == 1 and "the number of labels of a sample is 100001, more than the limit of 100000" in err,
              f"{status(rc)}: {err}")

        # -raw with 80,000 labels on one sample (same key).
        raw = os.path.join(tmp, "raw.pb.gz")
        write_bomb(raw, int_field(1, 1) + int_field(2, 7), label, 80000)
        rc, out, err = run(["-raw", "-symbolize=none", raw], cpu_seconds=20)
        line = "                k:[" + " ".join(["v"] * 80000) + "]"
        check("-raw of 80,000 labels on one sample within 20 s of CPU",
              rc == 0 and line in out.split("\n"), f"{status(rc)}: {err[:500]}")

        # -raw with 80,000 comments (the same view cut them by recursion).
        comments = os.path.join(tmp, "comments.pb.gz")
        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        with open(comments, "wb") as f:
            f.write(z.compress(HEADER + field(2, int_field(1, 1) + int_field(2, 1))))
            f.write(z.compress(b"".join(field(6, b"comment %d" % i) for i in range(80000))))
            f.write(z.compress(field(13, b"".join(varint(5 + i) for i in range(80000)))))
            f.write(z.flush())
        rc, out, err = run(["-raw", "-symbolize=none", comments], cpu_seconds=20)
        lines = out.split("\n")
        check("-raw of 80,000 comments within 20 s of CPU",
              rc == 0 and lines[:2] == ["Comment: comment 0", "Comment: comment 1"] and
              sum(1 for x in lines if x.startswith("Comment: ")) == 80000, f"{status(rc)}: {err[:500]}")

    rc, out, err = run(["-c", ".read /dev/zero"], address_space=gib // 2)
    check(".read /dev/zero: an error, not an abort",
          rc == 1 and "/dev/zero:1: the input holds a NUL byte" in err, f"{status(rc)}: {err}")

    with open("/dev/zero", "rb") as zero:
        rc, out, err = run([], stdin=zero, address_space=gib // 2)
    check("standard input of NUL bytes: an error", rc == 1 and "NUL byte" in err, f"{status(rc)}: {err}")

    rc, out, err = run([], feed=(b"x" * MIB for _ in range(1200)), address_space=gib // 2)
    check("1.2 GB on one line in 512 MiB: out of memory is an error, not an abort",
          rc == 1 and "Error: out of memory" in err, f"{status(rc)}: {err}")

    rc, out, err = run([], feed=(b"select 1\n" * (MIB // 9) for _ in range(5)), cpu_seconds=20)
    check("5 MB of lines without ';' in linear time (then SQLite's syntax error)",
          rc == 1 and "syntax error" in err, f"{status(rc)}: {err[:500]}")

    return summary()


if __name__ == "__main__":
    sys.exit(main())
