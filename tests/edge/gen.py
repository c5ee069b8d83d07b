#!/usr/bin/env python3
"""Writes the edge-case profiles of tests/edge/profiles/: small profile.proto
files with what other tools' profiles hold and Go's never do (strings of any
bytes, NUL included; zero, negative and huge line numbers; start lines past
the lines; empty names; duplicate ids; no sample types; a drop_frames that
does not compile, ...). regen.sh records `go tool pprof`'s output for each.

The encoder is this file's own, written from profile.proto's field numbers
(github.com/google/pprof, proto/profile.proto):
  Profile   1 sample_type  2 sample  3 mapping  4 location  5 function
            6 string_table  7 drop_frames  8 keep_frames  9 time_nanos
            10 duration_nanos  11 period_type  12 period  13 comment
            14 default_sample_type
  ValueType 1 type  2 unit
  Sample    1 location_id (packed)  2 value (packed)  3 label
  Label     1 key  2 str  3 num  4 num_unit
  Mapping   1 id  2 memory_start  3 memory_limit  4 file_offset  5 filename
            6 build_id  7 has_functions  8 has_filenames  9 has_line_numbers
            10 has_inline_frames
  Location  1 id  2 mapping_id  3 address  4 line  5 is_folded
  Line      1 function_id  2 line
  Function  1 id  2 name  3 system_name  4 filename  5 start_line
Integers are varints, negative int64 as ten bytes (two's complement), as
protobuf encodes int64. Every file is deterministic (gzip with mtime 0).

usage: tests/edge/gen.py   (writes tests/edge/profiles/*.pb[.gz])
"""
import gzip
import os


def varint(v):
    if v < 0:
        v += 1 << 64
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def field_int(num, v):
    return b"" if v == 0 else varint(num << 3) + varint(v)


def field_bytes(num, b):
    return varint((num << 3) | 2) + varint(len(b)) + b


def field_packed(num, values):
    return field_bytes(num, b"".join(varint(v) for v in values)) if values else b""


class Profile:
    """A profile under construction; strings are bytes (or str, UTF-8)."""

    def __init__(self):
        self.strings = [b""]
        self.index = {b"": 0}
        self.body = []  # (field number, encoded message or scalar bytes), in order
        self.tail = b""

    def s(self, text):
        b = text.encode() if isinstance(text, str) else text
        if b not in self.index:
            self.index[b] = len(self.strings)
            self.strings.append(b)
        return self.index[b]

    def sample_type(self, typ, unit):
        self.body.append(field_bytes(1, field_int(1, self.s(typ)) + field_int(2, self.s(unit))))

    def sample(self, locs, values, labels=()):
        msg = field_packed(1, locs) + field_packed(2, values)
        for lab in labels:  # (key, str) or (key, None, num, unit)
            key, text = lab[0], lab[1]
            m = field_int(1, self.s(key))
            if text is not None:
                m += field_int(2, self.s(text))
            if len(lab) > 2:
                m += field_int(3, lab[2]) + field_int(4, self.s(lab[3]) if lab[3] else 0)
            msg += field_bytes(3, m)
        self.body.append(field_bytes(2, msg))

    def mapping(self, id, start, limit, filename="", build_id="", offset=0, flags=(True, True, True, False)):
        m = (field_int(1, id) + field_int(2, start) + field_int(3, limit) + field_int(4, offset) +
             field_int(5, self.s(filename)) + field_int(6, self.s(build_id)))
        for i, f in enumerate(flags):
            m += field_int(7 + i, 1 if f else 0)
        self.body.append(field_bytes(3, m))

    def location(self, id, lines, address=0, mapping=0, folded=False):
        """lines: [(function_id, line)], leaf (innermost inlined) first."""
        m = field_int(1, id) + field_int(2, mapping) + field_int(3, address)
        for fn, ln in lines:
            m += field_bytes(4, field_int(1, fn) + field_int(2, ln))
        m += field_int(5, 1 if folded else 0)
        self.body.append(field_bytes(4, m))

    def function(self, id, name, filename="", start_line=0, system_name=None):
        self.body.append(field_bytes(5, field_int(1, id) + field_int(2, self.s(name)) +
                                     field_int(3, self.s(name if system_name is None else system_name)) +
                                     field_int(4, self.s(filename)) + field_int(5, start_line)))

    def header(self, period_type=("cpu", "nanoseconds"), period=10000000, time_nanos=0, duration=0,
               drop="", keep="", comments=(), default_type=""):
        t = b""
        if drop:
            t += field_int(7, self.s(drop))
        if keep:
            t += field_int(8, self.s(keep))
        t += field_int(9, time_nanos) + field_int(10, duration)
        if period_type:
            t += field_bytes(11, field_int(1, self.s(period_type[0])) + field_int(2, self.s(period_type[1])))
        t += field_int(12, period)
        if comments:
            t += field_packed(13, [self.s(c) for c in comments])
        if default_type:
            t += field_int(14, self.s(default_type))
        self.tail = t

    def encode(self, strings=None):
        out = b"".join(self.body)
        for b in (self.strings if strings is None else strings):
            out += field_bytes(6, b)
        return out + self.tail


OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "profiles")
made = []


def write(name, data, gz=False):
    os.makedirs(OUT, exist_ok=True)
    fname = name + (".pb.gz" if gz else ".pb")
    with open(os.path.join(OUT, fname), "wb") as f:
        f.write(gzip.compress(data, mtime=0) if gz else data)
    made.append(fname)


def cpu():
    p = Profile()
    p.sample_type("samples", "count")
    p.sample_type("cpu", "nanoseconds")
    return p


def chain(p, names, file="/nonexistent/x.go", line0=10, start=0):
    """One function and one location per name (ids from 1), caller after callee."""
    for i, n in enumerate(names):
        p.function(i + 1, n, file, start)
        p.location(i + 1, [(i + 1, line0 + i)], address=0x1000 + 16 * i)
    return list(range(1, len(names) + 1))


def simple(name, names, file="/nonexistent/x.go", line0=10, start=0, gz=False, **hdr):
    p = cpu()
    locs = chain(p, names, file, line0, start)
    p.sample(locs, [3, 30000000])
    p.sample(locs[1:], [2, 20000000])
    p.sample(locs[:1], [1, 10000000])
    p.header(**hdr)
    write(name, p.encode(), gz)


# --- strings of any bytes -------------------------------------------------------
simple("nul_function", [b"pkg.a\x00hidden", "main.main"])
# Two functions whose names differ only after a NUL: cut at the NUL they would merge.
simple("nul_twins", [b"pkg.f\x00one", b"pkg.f\x00two", "main.main"])
simple("nul_only", [b"\x00", b"\x00\x00", "main.main"])
simple("nul_file", ["pkg.read", "main.main"], file=b"/nonexistent/src\x00.go")
simple("nul_comment", ["pkg.a", "main.main"], comments=[b"one\x00two", "plain"])
simple("invalid_utf8", [b"pkg.\xff\xfe\x80", b"main.\xc3(", "main.main"], file=b"/nonexistent/\xe9t\xe9.go")
simple("control_chars", [b"pkg.tab\there", b"pkg.cr\rx", b"pkg.nl\nnext", b"pkg.esc\x1b[31mred"])
simple("utf8_names", ["pkg.日本語", "main.Grüße", "main.main"], file="/nonexistent/ü.go")
simple("all_bytes", [bytes(range(1, 128)), bytes(range(128, 256)), "main.main"])
simple("long_name", ["pkg." + "x" * 5000, "main.main"])
simple("regexp_meta", ["pkg.(*T).f[x]+?", "a|b", "main.main"])

p = cpu()
chain(p, [b"pkg.f\x00x", "main.main"])
p.sample([1, 2], [1, 10000000], [(b"k\x00ey", b"v\x00al"), ("plain", b"a\x00b")])
p.sample([2], [2, 20000000], [(b"n\x00um", None, 7, b"by\x00tes"), ("plain", "ab")])
p.sample([1], [3, 30000000], [("plain", b"a\x00c")])
p.header()
write("nul_labels", p.encode())

p = Profile()
p.sample_type(b"sam\x00ples", b"co\x00unt")
p.sample_type("alloc", "bytes")
chain(p, ["pkg.f", "main.main"])
p.sample([1, 2], [5, 4096])
p.header(period_type=(b"sp\x00ace", b"by\x00tes"), default_type=b"sam\x00ples")
write("nul_sample_type", p.encode())

# Units and label keys of several bytes per character: Go pads by runes.
p = Profile()
p.sample_type("objects", "個")
p.sample_type("space", "bytes")
chain(p, ["pkg.f", "main.main"])
p.sample([1, 2], [5, 4096], [("ключ", "значение"), ("k", "ü")])
p.sample([2], [70000, 8], [("ключ", "v"), ("k", "üü")])
p.header(period_type=("space", "bytes"))
write("utf8_units", p.encode())

p = cpu()
p.mapping(1, 0x400000, 0x500000, b"/bin/a\x00pp", b"bu\x00ild", offset=0x1000)
p.function(1, "pkg.f", "/nonexistent/x.go")
p.location(1, [(1, 3)], address=0x400123, mapping=1)
p.location(2, [], address=0x400456, mapping=1)
p.sample([1, 2], [1, 10000000])
p.sample([2], [2, 20000000])
p.header()
write("nul_mapping", p.encode())

p = cpu()
p.function(1, b"pkg.inl\x00ined", "/nonexistent/x.go")
p.function(2, b"pkg.out\x00er", "/nonexistent/x.go")
p.function(3, "main.main", "/nonexistent/x.go")
p.location(1, [(1, 4), (2, 9)], address=0x10)
p.location(2, [(3, 20)], address=0x20)
p.sample([1, 2], [4, 40000000])
p.sample([2], [1, 10000000])
p.header()
write("nul_inline", p.encode())

p = cpu()
p.function(1, "pkg.f", "/nonexistent/x.go", system_name=b"_Z\x00sys")
p.function(2, "main.main", "/nonexistent/x.go", system_name="")
p.location(1, [(1, 3)])
p.location(2, [(2, 7)])
p.sample([1, 2], [1, 10000000])
p.header()
write("nul_system_name", p.encode())

# --- empty names ----------------------------------------------------------------
simple("empty_function_name", ["", "main.main"])
simple("empty_file", ["pkg.f", "main.main"], file="")
p = Profile()
p.sample_type("", "")
p.sample_type("cpu", "")
chain(p, ["pkg.f", "main.main"])
p.sample([1, 2], [5, 7])
p.header(period_type=("", ""))
write("empty_sample_type", p.encode())
p = cpu()
chain(p, ["pkg.f", "main.main"])
p.sample([1, 2], [1, 10000000], [("", ""), ("k", ""), ("", "v"), ("", None, 3, "")])
p.header()
write("empty_labels", p.encode())

# --- line numbers ----------------------------------------------------------------
simple("lines_zero", ["pkg.f", "main.main"], line0=0)
# All lines 0 and a start line above them: pprof's -list window is empty.
p = cpu()
p.function(1, "pkg.f", "/nonexistent/missing.go", 10)
p.function(2, "main.main", "/nonexistent/missing.go", 30)
p.location(1, [(1, 0)])
p.location(2, [(2, 0)])
p.sample([1, 2], [3, 30000000])
p.sample([2], [1, 10000000])
p.header()
write("lines_zero_start", p.encode())
# pprof remembers a file's open error: a function whose window is empty prints
# it when a function listed before it (by name) read the same file.
p = cpu()
p.function(1, "a.empty", "/nonexistent/missing.go", 10)
p.function(2, "b.read", "/nonexistent/missing.go", 0)
p.function(3, "c.empty", "/nonexistent/missing.go", 20)
p.location(1, [(1, 0)])
p.location(2, [(2, 3)])
p.location(3, [(3, 0)])
p.sample([1, 2, 3], [3, 30000000])
p.header()
write("lines_zero_start_shared", p.encode())
p = cpu()
p.function(1, "pkg.f", "/nonexistent/missing.go", -3)
p.function(2, "main.main", "/nonexistent/missing.go", 2)
p.location(1, [(1, -5)])
p.location(2, [(2, -1)])
p.sample([1, 2], [3, 30000000])
p.header()
write("lines_negative", p.encode())
p = cpu()
p.function(1, "pkg.f", "/nonexistent/missing.go", 0)
p.location(1, [(1, 1 << 40)])
p.location(2, [(1, (1 << 31) + 3)])
p.location(3, [(1, -(1 << 40))])
p.sample([1], [3, 30000000])
p.sample([2], [2, 20000000])
p.sample([3], [1, 10000000])
p.header()
write("lines_huge", p.encode())
# Start lines past the lines of the samples, and past the end of the file.
p = cpu()
p.function(1, "pkg.f", "src/ten.go", 50)
p.function(2, "pkg.g", "src/ten.go", 8)
p.function(3, "main.main", "src/ten.go", 1)
p.location(1, [(1, 12)])
p.location(2, [(2, 30)])
p.location(3, [(3, 3)])
p.sample([1, 3], [3, 30000000])
p.sample([2, 3], [2, 20000000])
p.header()
write("start_past_end", p.encode())
# A start line above the first sampled line, and another function of the same
# name in another file.
p = cpu()
p.function(1, "pkg.f", "src/ten.go", 7)
p.function(2, "pkg.f", "src/crlf.go", 0)
p.function(3, "main.main", "src/ten.go", 0)
p.location(1, [(1, 4), (3, 9)])
p.location(2, [(2, 2)])
p.location(3, [(1, 9)])
p.sample([1], [3, 30000000])
p.sample([2, 3], [2, 20000000])
p.header()
write("start_above", p.encode())
# Source text with odd bytes: CRLF ends, NUL, invalid UTF-8, no final newline.
p = cpu()
p.function(1, "pkg.crlf", "src/crlf.go", 0)
p.function(2, "pkg.bytes", "src/bytes.go", 0)
p.function(3, "pkg.noeol", "src/noeol.go", 0)
p.function(4, "pkg.longline", "src/longline.go", 0)
p.location(1, [(1, 3)])
p.location(2, [(2, 2)])
p.location(3, [(3, 4)])
p.location(4, [(4, 4)])
p.sample([1], [3, 30000000])
p.sample([2], [2, 20000000])
p.sample([3], [1, 10000000])
p.sample([4], [1, 10000000])
p.header()
write("source_bytes", p.encode())
# Same function name, same file, two start lines.
p = cpu()
p.function(1, "pkg.f", "src/ten.go", 2)
p.function(2, "pkg.f", "src/ten.go", 6)
p.location(1, [(1, 3)])
p.location(2, [(2, 8)])
p.sample([1], [3, 30000000])
p.sample([2], [2, 20000000])
p.header()
write("same_name_two_starts", p.encode())

# --- ids, sample types, values ----------------------------------------------------
for what in ("function", "location", "mapping"):
    p = cpu()
    p.mapping(1, 0x1000, 0x2000, "/bin/a")
    if what == "mapping":
        p.mapping(1, 0x3000, 0x4000, "/bin/b")
    p.function(1, "pkg.f", "/nonexistent/x.go")
    if what == "function":
        p.function(1, "pkg.g", "/nonexistent/x.go")
    p.location(1, [(1, 3)], address=0x1100, mapping=1)
    if what == "location":
        p.location(1, [(1, 4)], address=0x1200, mapping=1)
    p.sample([1], [1, 10000000])
    p.header()
    write("duplicate_" + what + "_id", p.encode())
p = cpu()
p.function(0, "pkg.f", "/nonexistent/x.go")
p.location(1, [(0, 3)])
p.sample([1], [1, 10000000])
p.header()
write("function_id_zero", p.encode())
p = cpu()
chain(p, ["pkg.f"])
p.sample([1, 9], [1, 10000000])
p.header()
write("missing_location", p.encode())
p = Profile()
p.header(period_type=None, period=0)
write("no_sample_types_empty", p.encode())
p = Profile()
chain(p, ["pkg.f"])
p.sample([1], [])
p.header()
write("no_sample_types", p.encode())
p = cpu()
chain(p, ["pkg.f"])
p.sample([1], [1, 2, 3])
p.header()
write("value_count_mismatch", p.encode())
p = cpu()
chain(p, ["pkg.f", "pkg.g", "main.main"])
p.sample([1, 3], [-2, -20000000])
p.sample([2, 3], [5, 50000000])
p.sample([1, 2, 3], [0, 0])
p.sample([], [4, 40000000])
p.header(time_nanos=-1000000000, duration=-5)
write("negative_values", p.encode())
p = cpu()
chain(p, ["pkg.f", "main.main"])
p.sample([1, 2], [1, 10000000])
p.header(default_type="nosuchtype")
write("default_type_unknown", p.encode())
p = cpu()
chain(p, ["pkg.f"])
p.sample([1], [1, 10000000])
p.header()
write("string_table_first_nonempty", p.encode(strings=[b"x"] + p.strings[1:]))
p = cpu()
p.function(1, "pkg.f", "/nonexistent/x.go")
p.body.append(field_bytes(5, field_int(1, 2) + field_int(2, 99)))  # name index out of range
p.location(1, [(1, 3), (2, 4)])
p.sample([1], [1, 10000000])
p.header()
write("string_index_out_of_range", p.encode())
p = cpu()
p.mapping(1, 0x1000, 0x2000, "/bin/a")
p.location(1, [], address=0x1100, mapping=1)
p.location(2, [], address=0x1200, mapping=1)
p.location(3, [], address=0x1300)
p.sample([1, 2], [1, 10000000])
p.sample([3, 2], [2, 20000000])
p.header()
write("no_lines", p.encode())

# --- drop_frames / keep_frames ----------------------------------------------------
simple("drop_frames_bad", ["pkg.f", "pkg.g", "main.main"], drop="pkg.(f")
simple("keep_frames_bad", ["pkg.f", "pkg.g", "main.main"], drop="pkg.*", keep="pkg.[g")
simple("drop_frames_nul", [b"pkg.f\x00x", "pkg.g", "main.main"], drop=b"pkg.f\x00x")
simple("drop_frames", ["pkg.f", "pkg.g", "main.main"], drop="pkg\\.f", gz=True)

# --- the source files the -list rows read (-source_path=.) ---------------------------
SRC = os.path.join(os.path.dirname(OUT), "src")
os.makedirs(SRC, exist_ok=True)
sources = {
    "ten.go": "".join(f"line {i} of ten\n" for i in range(1, 11)).encode(),
    "crlf.go": b"".join(b"crlf %d\r\n" % i for i in range(1, 6)),
    "bytes.go": b"one\n\x00two\x00nul\n\xff\xfe three\n\tfour\r\n",
    "noeol.go": b"a\nb\nc\nd-without-newline",
    # Go's bufio.Scanner (pprof's line reader) gives up at a line of 64 KiB.
    "longline.go": b"first\nsecond\n" + b"y" * 70000 + b"\nfourth\nfifth\n",
}
for fname, data in sources.items():
    with open(os.path.join(SRC, fname), "wb") as f:
        f.write(data)

print(f"wrote {len(made)} profiles to {OUT}")
