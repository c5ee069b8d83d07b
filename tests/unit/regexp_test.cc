// Tests for report/regexp.{h,cc} (Go-syntax regexps over RE2) and the SQL
// functions regexp() / pprof_match() (functions/regexp_functions.cc).
//
// The expected error texts were printed by Go 1.19.8's regexp.Compile (the Go
// that produced the corpus goldens) for the same patterns; the matching rules
// are those of Go's regexp package (MatchString is unanchored; ^ and $ match
// at the ends of the text only; `.` does not match \n).
#include "report/regexp.h"

#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace pprofsql {
namespace {

std::string CompileError(const std::string& pattern) {
  Result<Regexp> re = Regexp::Compile(pattern);
  return re.ok() ? "<compiled>" : re.status().message();
}

TEST(Regexp, CompileErrorsAreGoTexts) {
  const std::pair<const char*, const char*> cases[] = {
      {"(abc", "error parsing regexp: missing closing ): `(abc`"},
      {"abc)", "error parsing regexp: unexpected ): `abc)`"},
      {"a**", "error parsing regexp: invalid nested repetition operator: `**`"},
      {"a++", "error parsing regexp: invalid nested repetition operator: `++`"},
      {"*", "error parsing regexp: missing argument to repetition operator: `*`"},
      {"x{1001}", "error parsing regexp: invalid repeat count: `{1001}`"},
      {"x{2,1}", "error parsing regexp: invalid repeat count: `{2,1}`"},
      {"[z-a]", "error parsing regexp: invalid character class range: `z-a`"},
      {"[[:foo:]]", "error parsing regexp: invalid character class range: `[:foo:]`"},
      {"\\", "error parsing regexp: trailing backslash at end of expression: ``"},
      {"\\q", "error parsing regexp: invalid escape sequence: `\\q`"},
      {"(?P<>a)", "error parsing regexp: invalid named capture: `(?P<>`"},
      {"(?z)", "error parsing regexp: invalid or unsupported Perl syntax: `(?z`"},
      {"[a", "error parsing regexp: missing closing ]: `[a`"},
      {"((a)", "error parsing regexp: missing closing ): `((a)`"},
  };
  for (const auto& [pattern, want] : cases) EXPECT_EQ(CompileError(pattern), want) << pattern;
}

TEST(Regexp, SearchIsUnanchoredLikeMatchString) {
  Result<Regexp> re = Regexp::Compile("main\\.");
  ASSERT_TRUE(re.ok());
  EXPECT_TRUE(re->Search("main.main"));
  EXPECT_TRUE(re->Search("runtime/main.go main.x"));
  EXPECT_FALSE(re->Search("mainXmain"));
  EXPECT_FALSE(re->FullMatch("main.main"));
  EXPECT_EQ(re->pattern(), "main\\.");

  Result<Regexp> full = Regexp::Compile("main\\..*");
  ASSERT_TRUE(full.ok());
  EXPECT_TRUE(full->FullMatch("main.main"));
  EXPECT_FALSE(full->FullMatch("xmain.main"));
}

TEST(Regexp, GoSyntaxAndFlags) {
  auto match = [](const char* pattern, const std::string& text) {
    Result<Regexp> re = Regexp::Compile(pattern);
    EXPECT_TRUE(re.ok()) << pattern << ": " << (re.ok() ? "" : re.status().message());
    return re.ok() && re->Search(text);
  };
  EXPECT_FALSE(match("Main", "main.main"));        // case-sensitive
  EXPECT_TRUE(match("(?i)Main", "main.main"));     // unless asked
  EXPECT_FALSE(match("a.b", "a\nb"));              // . excludes \n
  EXPECT_TRUE(match("(?s)a.b", "a\nb"));
  EXPECT_FALSE(match("^b", "a\nb"));               // ^ and $: ends of the text
  EXPECT_TRUE(match("(?m)^b$", "a\nb\nc"));
  EXPECT_TRUE(match("^.$", "\xc3\xa9"));           // UTF-8: one character
  EXPECT_TRUE(match("\\pL+\\d", "caf\xc3\xa9" "7"));
  EXPECT_TRUE(match("[[:alpha:]]+[[:digit:]]", "kb32"));
  EXPECT_TRUE(match("\\Qa.b\\E", "xa.by"));
  EXPECT_FALSE(match("\\Qa.b\\E", "axb"));
  EXPECT_TRUE(match("^(runtime\\..*|x)$", "runtime.mallocgc"));
  EXPECT_TRUE(match("(?P<name>ab)+?", "abab"));
  EXPECT_TRUE(match("", "anything"));
  EXPECT_TRUE(match("a|", ""));
}

// Strings in profiles are any bytes. Go's regexp reads a byte that starts no
// valid UTF-8 sequence as U+FFFD; the expected values are what Go 1.19.8's
// regexp.MustCompile(re).MatchString(text) printed for the same pairs.
TEST(Regexp, InvalidUtf8MatchesAsGoReadsIt) {
  const struct {
    const char* re;
    std::string text;
    bool want;
  } cases[] = {
      {"^.$", "\xff", true},
      {"^...$", "\x80\xfe\xff", true},
      {"^a.b$", "a\xc3" "b", true},
      {"^\\x{FFFD}$", "\xed", true},
      {"^...$", "\xed\xa0\x80", true},  // a surrogate: three bytes, three runes
      {"^.$", "\xf4\x90\x80\x80", false},  // above U+10FFFF
      {"^....$", "\xf4\x90\x80\x80", true},
      {"^.$", "\xc0\xaf", false},  // overlong
      {"^..$", "\xc0\xaf", true},
      {"^.$", "\xc3\xa9", true},
      {"x\\x00y", std::string("ax\0yb", 5), true},
      {"^\xc3\xa9.$", "\xc3\xa9\xe9", true},
      {"\\.f$", "pkg.\xff.f", true},
      {"^[^a]$", "\xfe", true},
      {"^..$", "\xe2\x82", true},  // a cut sequence: each byte a rune
  };
  for (const auto& c : cases) {
    Result<Regexp> re = Regexp::Compile(c.re);
    ASSERT_TRUE(re.ok()) << c.re;
    EXPECT_EQ(re->Search(c.text), c.want) << c.re;
  }
  Result<Regexp> any = Regexp::Compile("pkg\\..*");
  ASSERT_TRUE(any.ok());
  EXPECT_TRUE(any->FullMatch("pkg.\xff\x80x"));  // drop_frames' anchored match
}

TEST(Regexp, CopiesShareTheProgram) {
  Result<Regexp> re = Regexp::Compile("x+");
  ASSERT_TRUE(re.ok());
  Regexp a = *re;
  Regexp b = a;
  EXPECT_TRUE(a.Search("axxb"));
  EXPECT_TRUE(b.Search("xx"));
  EXPECT_FALSE(b.Search("y"));
}

// ---------------------------------------------------------------------------
// SQL: regexp(pattern, text), `text REGEXP pattern`, pprof_match.

TEST(RegexpSql, OperatorAndFunctions) {
  pprof_test::Db db;
  EXPECT_EQ(db.One("SELECT 'main.main' REGEXP 'ain\\.m'"), "1");
  EXPECT_EQ(db.One("SELECT 'main.main' REGEXP '^ain'"), "0");
  EXPECT_EQ(db.One("SELECT regexp('^a.c$', 'abc')"), "1");
  EXPECT_EQ(db.One("SELECT pprof_match('runtime\\.', 'runtime.mallocgc')"), "1");
  EXPECT_EQ(db.One("SELECT pprof_match('Runtime', 'runtime.mallocgc')"), "0");
  // NULL in, NULL out.
  EXPECT_EQ(db.One("SELECT NULL REGEXP 'a'"), "NULL");
  EXPECT_EQ(db.One("SELECT 'a' REGEXP NULL"), "NULL");
  EXPECT_EQ(db.One("SELECT pprof_match(NULL, 'a')"), "NULL");
  // Non-text values are matched as their text.
  EXPECT_EQ(db.One("SELECT 1234 REGEXP '^\\d+$'"), "1");
}

TEST(RegexpSql, BadPatternIsAnError) {
  pprof_test::Db db;
  EXPECT_EQ(db.Try("SELECT 'x' REGEXP '('"), "regexp: error parsing regexp: missing closing ): `(`");
  EXPECT_EQ(db.Try("SELECT pprof_match('a**', 'x')"),
            "pprof_match: error parsing regexp: invalid nested repetition operator: `**`");
}

TEST(RegexpSql, ManyRowsAndVaryingPatterns) {
  pprof_test::Db db;
  db.Query("CREATE TABLE t(name TEXT, pat TEXT)");
  db.Query(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
      "INSERT INTO t SELECT 'fn' || i, CASE WHEN i % 2 THEN '1$' ELSE '^fn2' END FROM n");
  // A constant pattern (compiled once per statement, kept as auxdata).
  EXPECT_EQ(db.One("SELECT count(*) FROM t WHERE name REGEXP '7$'"), "100");
  // A pattern that changes from row to row.
  EXPECT_EQ(db.One("SELECT count(*) FROM t WHERE name REGEXP pat"),
            db.One("SELECT count(*) FROM t WHERE (name LIKE '%1' AND rowid % 2 = 1) OR "
                   "(name LIKE 'fn2%' AND rowid % 2 = 0)"));
}

// Issue 12: regexp() on two 100 KB blobs ran 90 s in one call, which
// sqlite3_interrupt cannot stop. RE2 was not compiling: it was searching, at
// pattern size x text length once its DFA gave up (100,000 NUL bytes against
// as many). Such a call is now an error, at once.
TEST(RegexpSql, PatternTimesTextIsBounded) {
  pprof_test::Db db;
  for (const char* sql : {"SELECT regexp(zeroblob(100000), zeroblob(100000))",
                          "SELECT zeroblob(100000) REGEXP zeroblob(100000)",
                          "SELECT pprof_match(zeroblob(100000), zeroblob(100000))"}) {
    const std::string err = db.Try(sql);
    EXPECT_NE(err.find("instructions against a text of 100000 bytes"), std::string::npos) << sql << ": " << err;
    EXPECT_NE(err.find("more than the limit of 268435456"), std::string::npos) << sql << ": " << err;
  }
  // The same pattern on a short text, and a short pattern on a long text, run.
  EXPECT_EQ(db.One("SELECT regexp(zeroblob(100000), 'x')"), "0");
  EXPECT_EQ(db.One("SELECT regexp('foo$', zeroblob(10000000) || 'foo')"), "1");
  // A cached (constant) pattern is checked against every row's text.
  EXPECT_NE(db.Try("WITH t(x) AS (VALUES ('a'), (zeroblob(100000))) SELECT count(*) FROM t "
                   "WHERE x REGEXP zeroblob(10000)"),
            "");
}

}  // namespace
}  // namespace pprofsql
