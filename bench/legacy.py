#!/usr/bin/env python3
"""Benchmark of the legacy-format readers: sqlite-pprof beside `go tool pprof` on big
gperftools profiles (a binary CPU profile and a text heap profile), same files, same run.

    python3 bench/legacy.py [--scale N] [--reps N] [--reports top,traces,raw] [--cache-dir DIR] [--no-build]

The profiles are generated here, deterministically (a fixed seed; --scale multiplies
their size): unsymbolized addresses drawn from a few "binaries" listed in a memory
map, stacks of 8-40 frames, as gperftools writes them. For each file and each report
(-top, -traces, -raw) both tools run with -symbolize=none; their outputs must be
identical (exit 1 and a diff otherwise), and the table gives wall time and peak RSS
with the ratio ours / pprof. Like bench/run.py, a benchmark, not a test: it never
fails on a time. Measuring uses bench/run.py's `measure` (os.wait4, ru_maxrss).
"""
import argparse
import difflib
import filecmp
import random
import statistics
import struct
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as common  # noqa: E402  (bench/run.py: measure, ensure_go, ensure_build)

ROOT = Path(__file__).resolve().parent.parent

# Where the generated code lives: (start, limit, offset, path), as in /proc/self/maps.
MAPS = [
    (0x00400000, 0x02400000, 0, "/opt/app/bin/server"),
    (0x7f0000000000, 0x7f0000400000, 0x1000, "/usr/lib/x86_64-linux-gnu/libc.so.6"),
    (0x7f0000800000, 0x7f0000c00000, 0x2000, "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30"),
    (0x7f0001000000, 0x7f0001100000, 0, "/usr/lib/libtcmalloc.so.4"),
]


def address_pool(rng, n):
    """n distinct addresses, most in the main binary."""
    pool = set()
    while len(pool) < n:
        start, limit, _, _ = MAPS[0] if rng.random() < 0.7 else rng.choice(MAPS[1:])
        pool.add(rng.randrange(start, limit))
    return sorted(pool)


def stacks(rng, pool, samples):
    """Call stacks, leaf first, from a few hundred 'paths' so that they repeat as real ones do."""
    roots = [[rng.choice(pool) for _ in range(rng.randint(4, 12))] for _ in range(400)]
    for _ in range(samples):
        base = rng.choice(roots)
        tail = [rng.choice(pool) for _ in range(rng.randint(4, 28))]
        yield tail + base


def maps_text():
    lines = []
    for start, limit, offset, path in MAPS:
        lines.append(f"{start:08x}-{limit:08x} r-xp {offset:08x} 00:00 1234 {path}")
    return "\n".join(lines) + "\n"


def write_cpu(path, samples, seed):
    """gperftools' CPU profile: 64-bit little-endian words, header, samples, end marker, maps."""
    rng = random.Random(seed)
    pool = address_pool(rng, 60000)
    out = [struct.pack("<5Q", 0, 3, 0, 4000, 0)]
    for st in stacks(rng, pool, samples):
        out.append(struct.pack(f"<{2 + len(st)}Q", rng.randint(1, 5), len(st), *st))
    out.append(struct.pack("<3Q", 0, 1, 0))
    out.append(maps_text().encode())
    Path(path).write_bytes(b"".join(out))


def write_heap(path, samples, seed):
    """A gperftools heap profile (heap_v2, sampled every 512 KiB) with alloc and inuse columns."""
    rng = random.Random(seed)
    pool = address_pool(rng, 40000)
    lines = []
    tot = [0, 0, 0, 0]
    for st in stacks(rng, pool, samples):
        n_alloc = rng.randint(1, 50)
        size = rng.choice([16, 32, 64, 256, 4096, 65536])
        n_inuse = rng.randint(0, n_alloc)
        row = [n_inuse, n_inuse * size, n_alloc, n_alloc * size]
        tot = [a + b for a, b in zip(tot, row)]
        lines.append(f"{row[0]:6d}: {row[1]:8d} [{row[2]:6d}: {row[3]:8d}] @ " + " ".join(f"0x{a:016x}" for a in st))
    head = f"heap profile: {tot[0]:6d}: {tot[1]:8d} [{tot[2]:6d}: {tot[3]:8d}] @ heap_v2/524288"
    Path(path).write_text(head + "\n" + "\n".join(lines) + "\n\nMAPPED_LIBRARIES:\n" + maps_text())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies the sample counts (default 1: "
                    "300,000 CPU samples, 200,000 heap samples)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--cache-dir", default="/tmp/pprof-bench")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--no-build", action="store_true", help="measure build/pprof-sql as it is")
    ap.add_argument("--reports", default="top,traces,raw", help="comma-separated: top, traces, raw")
    a = ap.parse_args()
    common.ensure_go()
    if not a.no_build:
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(ROOT / "build"), "-DCMAKE_BUILD_TYPE=Release"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", str(ROOT / "build"), "-j2"], check=True, stdout=subprocess.DEVNULL)
    ours_bin = str(ROOT / "build" / "pprof-sql")
    cache = Path(a.cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    files = {
        "cpu": (cache / f"legacy-cpu-{a.scale:g}.prof", write_cpu, int(300000 * a.scale), 11),
        "heap": (cache / f"legacy-heap-{a.scale:g}.heap", write_heap, int(200000 * a.scale), 12),
    }
    rows, mismatches = [], 0
    for kind, (path, write, samples, seed) in files.items():
        if not path.exists():
            common.say(f"generating {path} ({samples} samples)")
            write(path, samples, seed)
        size_mb = path.stat().st_size / 1e6
        for report in ["-" + r for r in a.reports.split(",")]:
            results = {}
            for tool, argv in [("pprof", ["go", "tool", "pprof", "-symbolize=none", report, str(path)]),
                               ("ours", [ours_bin, "-symbolize=none", report, str(path)])]:
                out = cache / f"legacy-{kind}{report}.{tool}.txt"
                rs = []
                for rep in range(a.reps):
                    r = common.measure([argv], a.timeout, stdout=str(out))
                    if not r.ok:
                        common.loud(f"FAILED: {tool} {report} {path.name}: {r.why()}")
                        return 1
                    common.say(f"  {kind} {report} {tool} [{rep + 1}/{a.reps}]: {r.wall:.3f} s, {r.mib:.0f} MiB")
                    rs.append(r)
                results[tool] = (statistics.median(r.wall for r in rs), max(r.mib for r in rs), out)
            # Compared without reading them whole into this process: a child's peak RSS
            # counts the pages it shares with this process when forked.
            same = filecmp.cmp(results["pprof"][2], results["ours"][2], shallow=False)
            if not same:
                mismatches += 1
                common.loud(f"OUTPUT MISMATCH: {kind} {report}")
                with open(results["pprof"][2]) as w, open(results["ours"][2]) as g:
                    diff = difflib.unified_diff(w.readlines(), g.readlines(), "pprof", "ours", n=1)
                    for line in list(diff)[:20]:
                        common.say("    " + line.rstrip("\n"))
            (pw, pm, _), (ow, om, _) = results["pprof"], results["ours"]
            rows.append(f"| {kind} ({size_mb:.0f} MB) | `{report}` | {pw:.2f} / {pm:.0f} | {ow:.2f} / {om:.0f} | "
                        f"{ow / pw:.3f}x | {om / pm:.3f}x | {'yes' if same else 'NO'} |")
    common.say("\n| profile | report | pprof s / MiB | ours s / MiB | time | memory | same output |")
    common.say("|---|---|---|---|---|---|---|")
    for r in rows:
        common.say(r)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
