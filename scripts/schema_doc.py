#!/usr/bin/env python3
"""Rewrites the column tables of docs/SCHEMA.md from the table declarations in
extension/src/tables/*.cc (each table is declared once, as data, with a doc
string per column). Prose and examples in SCHEMA.md are left alone; only the
text between `<!-- columns:NAME -->` and `<!-- /columns -->` is replaced.
tests/unit/schema_doc_test.cc checks that the result matches the extension.

usage: scripts/schema_doc.py"""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STR = r'"((?:[^"\\]|\\.|"\s*\n\s*")*)"'


def join(s):
    return re.sub(r'"\s*\n\s*"', "", s)


def tables():
    out = {}
    for name in sorted(os.listdir(os.path.join(ROOT, "extension/src/tables"))):
        src = open(os.path.join(ROOT, "extension/src/tables", name)).read()
        named = {m.group(1): (m.group(2), m.group(3), join(m.group(4))) for m in re.finditer(
            r'const ColumnSpec (k\w+) = \{"(\w+)", "(\w+)",\s*' + STR, src)}
        starts = [m for m in re.finditer(r't\.push_back\(\s*\{"(pprof_\w+)",\s*' + STR, src)]
        for i, m in enumerate(starts):
            block = src[m.end(): starts[i + 1].start() if i + 1 < len(starts) else len(src)]
            rows = [("profile_id", "INTEGER", "Id returned by pprof_load (or pprof_prepare).")]
            # Columns declared in place, or by a name (const ColumnSpec kName = {...}).
            for c in re.finditer(r'\{"(\w+)", "(\w+)",\s*' + STR + r'|\b(k[A-Z]\w*)\b', block):
                if c.group(4):
                    if c.group(4) in named and named[c.group(4)][0] != "profile_id":
                        rows.append(named[c.group(4)])
                else:
                    rows.append((c.group(1), c.group(2), join(c.group(3))))
            spec = re.search(r"&(k\w+Spec)", block)
            if spec:
                decl = re.search(r"ComputedSpec " + spec.group(1) + r' = \{"\w+", \{([^}]*)\}', src)
                for p in re.findall(r'"(\w+)"', decl.group(1)):
                    rows.append((p, "TEXT HIDDEN", "Parameter (see the table's description)."))
            out[m.group(1)] = rows
    return out


def main():
    path = os.path.join(ROOT, "docs/SCHEMA.md")
    doc = open(path).read()
    for name, rows in tables().items():
        table = "| column | type | meaning |\n|---|---|---|\n" + "\n".join(
            f"| {c} | {t} | {d} |" for c, t, d in rows)
        block = f"<!-- columns:{name} -->\n{table}\n<!-- /columns -->"
        pattern = re.compile(rf"<!-- columns:{name} -->.*?<!-- /columns -->", re.S)
        if pattern.search(doc):
            doc = pattern.sub(lambda _: block, doc)
        else:
            # First run: replace the table right after the section heading.
            doc = re.sub(rf"(## {name}\n\n(?:.*\n)*?\n)\| column \| type \| meaning \|\n\|---\|---\|---\|\n(?:\|.*\|\n)+",
                         lambda m: m.group(1) + block + "\n", doc, count=1)
    open(path, "w").write(doc)


if __name__ == "__main__":
    main()
