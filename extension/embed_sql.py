#!/usr/bin/env python3
"""Bundles sql/*.sql into the extension, expanding the SQL macros of sql/00_format.sql.

SQLite has no SQL-defined functions, so pprof's formatting rules (written in
plain SQL in sql/00_format.sql) are shared by the views as build-time macros:
a view writes `@percentage(flat, total)` and this script replaces the call with
the macro's SQL expression. The installed TEMP views and the views written into
an imported database (functions/views.cc) therefore hold plain SQL that any
SQLite 3.40 runs with no extension loaded.

Syntax (see the header of sql/00_format.sql):
  definition:  a line `-- @define name(p1, p2)`, then the body (one SQL
               expression) up to a line `-- @end`; the body names its
               parameters `$p1`, `$p2`.
  call:        `@name(arg1, arg2)` anywhere outside quotes and comments;
               arguments may hold calls themselves.
Each `$p` becomes `(arg)`, then the result is expanded again. Comments in
bodies are dropped and the body is put on one line.

Usage:
  embed_sql.py bundle SQL_DIR OUT.cc      C++ file with every expanded sql/*.sql
                                          but the definition file (functions/views.cc)
  embed_sql.py header SQL_DIR IN.sql OUT.h  IN.sql expanded, as `kExpandedSql`
                                          (tests that run the macros without the extension)
  embed_sql.py expand SQL_DIR IN.sql      IN.sql expanded, to stdout
"""
import os
import re
import sys

DEFINITIONS = "00_format.sql"
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_DEPTH = 64


class MacroError(Exception):
    pass


def skip_quoted(text, i):
    """If text[i] opens a string, quoted identifier or comment, returns the index
    just past it; otherwise returns i."""
    c = text[i]
    if c in "'\"`[":
        close = "]" if c == "[" else c
        j = i + 1
        while True:
            j = text.find(close, j)
            if j < 0:
                raise MacroError("unterminated quote starting %r" % text[i:i + 40])
            if close != "]" and text.startswith(close * 2, j):
                j += 2  # doubled quote inside the string
                continue
            return j + 1
    if text.startswith("--", i):
        j = text.find("\n", i)
        return len(text) if j < 0 else j
    if text.startswith("/*", i):
        j = text.find("*/", i + 2)
        if j < 0:
            raise MacroError("unterminated comment")
        return j + 2
    return i


def strip_comments(body):
    """The body without comments, on one line, whitespace runs made one space
    (outside quotes)."""
    out = []
    i = 0
    while i < len(body):
        j = skip_quoted(body, i)
        if j != i and body[i] not in "-/":
            out.append(body[i:j])
            i = j
            continue
        if j != i or body[i].isspace():
            if out and out[-1] != " ":
                out.append(" ")
            i = max(j, i + 1)
            continue
        out.append(body[i])
        i += 1
    return fold_literals("".join(out).strip())


def fold_literals(body):
    """Joins `'a' || 'b'` into `'ab'`: SQLite does not hoist constant
    expressions out of CASE branches, so a long literal written on several
    lines for readability would otherwise be concatenated again per row."""
    out = []  # pieces; a string literal is one piece
    i = 0
    while i < len(body):
        j = skip_quoted(body, i)
        if j != i and body[i] == "'":
            lit = body[i:j]
            # Previous pieces: "'...'", " ", "||", " " (comments are gone).
            k = len(out) - 1
            while k >= 0 and out[k] == " ":
                k -= 1
            if k >= 1 and out[k] == "||":
                m = k - 1
                while m >= 0 and out[m] == " ":
                    m -= 1
                if m >= 0 and out[m].startswith("'"):
                    out[m:] = [out[m][:-1] + lit[1:]]
                    i = j
                    continue
            out.append(lit)
            i = j
        elif body.startswith("||", i):
            out.append("||")
            i += 2
        else:
            out.append(body[i:j] if j != i else body[i])
            i = max(j, i + 1)
    return "".join(out)


def parse_definitions(text, path):
    macros = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"--\s*@define\s+([A-Za-z_]\w*)\s*\(([^)]*)\)\s*$", lines[i])
        if not m:
            if re.match(r"--\s*@define", lines[i]):
                raise MacroError("%s:%d: malformed @define line" % (path, i + 1))
            i += 1
            continue
        name = m.group(1)
        params = [p.strip() for p in m.group(2).split(",") if p.strip()]
        start = i + 1
        i += 1
        while i < len(lines) and not re.match(r"--\s*@end\s*$", lines[i]):
            i += 1
        if i == len(lines):
            raise MacroError("%s:%d: @define %s has no -- @end" % (path, start, name))
        body = strip_comments("\n".join(lines[start:i]))
        for p in re.findall(r"\$(\w+)", body):
            if p not in params:
                raise MacroError("%s: @define %s uses $%s, which is not a parameter" % (path, name, p))
        if name in macros:
            raise MacroError("%s: @define %s twice" % (path, name))
        macros[name] = (params, body)
        i += 1
    return macros


def split_args(text, i):
    """text[i] is '('. Returns (arguments, index past the closing ')')."""
    depth = 0
    args = []
    start = i + 1
    j = i
    while j < len(text):
        k = skip_quoted(text, j)
        if k != j:
            j = k
            continue
        c = text[j]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append(text[start:j].strip())
                return ([] if args == [""] else args), j + 1
        elif c == "," and depth == 1:
            args.append(text[start:j].strip())
            start = j + 1
        j += 1
    raise MacroError("unbalanced parentheses in macro call %r" % text[i - 20:i + 40])


def substitute(body, params, args):
    """The body with each $param replaced by (argument)."""
    values = dict(zip(params, args))
    out = []
    i = 0
    while i < len(body):
        j = skip_quoted(body, i)
        if j != i:
            out.append(body[i:j])
            i = j
            continue
        if body[i] == "$":
            m = IDENT.match(body, i + 1)
            out.append("(" + values[m.group(0)] + ")")
            i = m.end()
            continue
        out.append(body[i])
        i += 1
    return "".join(out)


def expand(text, macros, depth=0):
    if depth > MAX_DEPTH:
        raise MacroError("macros nested more than %d deep (recursive definition?)" % MAX_DEPTH)
    out = []
    i = 0
    while i < len(text):
        j = skip_quoted(text, i)
        if j != i:
            out.append(text[i:j])
            i = j
            continue
        if text[i] == "@":
            m = IDENT.match(text, i + 1)
            if not m or m.end() >= len(text) or text[m.end()] != "(":
                raise MacroError("'@' not followed by a macro call: %r" % text[i:i + 40])
            name = m.group(0)
            if name not in macros:
                raise MacroError("unknown macro @%s" % name)
            params, body = macros[name]
            args, end = split_args(text, m.end())
            if len(args) != len(params):
                raise MacroError("@%s takes %d arguments (%s), got %d: %r" %
                                 (name, len(params), ", ".join(params), len(args), text[i:end]))
            out.append(expand(substitute(body, params, args), macros, depth + 1))
            i = end
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def load_macros(sql_dir):
    path = os.path.join(sql_dir, DEFINITIONS)
    with open(path, encoding="utf-8") as f:
        return parse_definitions(f.read(), path)


def expand_file(path, macros):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return expand(text, macros)
    except MacroError as e:
        raise MacroError("%s: %s" % (path, e))


def raw_string(text):
    if ")pprofsql\"" in text:
        raise MacroError("SQL text contains the raw string delimiter")
    return 'R"pprofsql(' + text + ')pprofsql"'


def write_if_changed(path, content):
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            if f.read() == content:
                return
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(content)
    os.replace(tmp, path)


def bundle(sql_dir, out):
    macros = load_macros(sql_dir)
    files = sorted(f for f in os.listdir(sql_dir) if f.endswith(".sql") and f != DEFINITIONS)
    body = ["// Generated from sql/*.sql by extension/embed_sql.py. Do not edit.",
            "namespace pprofsql {",
            "struct SqlFile { const char* name; const char* text; };",
            "extern const SqlFile kSqlFiles[];",
            "extern const int kSqlFileCount;",
            "const SqlFile kSqlFiles[] = {"]
    for name in files:
        text = expand_file(os.path.join(sql_dir, name), macros)
        body.append('  {"%s", %s},' % (name, raw_string(text)))
    if not files:
        body.append('  {"", ""},')
    body += ["};", "const int kSqlFileCount = %d;" % len(files), "}  // namespace pprofsql", ""]
    write_if_changed(out, "\n".join(body))


def header(sql_dir, src, out):
    text = expand_file(src, load_macros(sql_dir))
    write_if_changed(out, "// Generated from %s by extension/embed_sql.py. Do not edit.\n"
                          "#pragma once\nstatic const char* const kExpandedSql = %s;\n"
                     % (os.path.basename(src), raw_string(text)))


def main(argv):
    try:
        if len(argv) == 4 and argv[1] == "bundle":
            bundle(argv[2], argv[3])
        elif len(argv) == 5 and argv[1] == "header":
            header(argv[2], argv[3], argv[4])
        elif len(argv) == 4 and argv[1] == "expand":
            sys.stdout.write(expand_file(argv[3], load_macros(argv[2])))
        else:
            sys.stderr.write(__doc__)
            return 2
    except (MacroError, OSError) as e:
        sys.stderr.write("embed_sql.py: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
