// Finding source files as `go tool pprof -list` does (report/source.h) and the
// pprof_source table / pprof_source_error function on top of it. Expected
// error texts are what go1.19.8's `go tool pprof -list` printed after
// " Error: " for the same settings, run from the corpus directory.
#include "report/source.h"

#include <gmock/gmock.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <regex>

#include "test_util.h"

using pprof_test::Db;
using pprof_test::Quote;
using pprof_test::Rows;
using pprofsql::CleanPath;
using pprofsql::SourceReader;
using pprofsql::TrimPath;

namespace {

// Runs the test body from another directory (pprof's goldens were made from
// the corpus directory with relative -source_path values), with $PWD unset
// so that the current directory is getcwd()'s.
class ScopedChdir {
 public:
  explicit ScopedChdir(const std::string& dir) {
    char buf[PATH_MAX];
    EXPECT_NE(getcwd(buf, sizeof buf), nullptr);
    old_ = buf;
    if (const char* pwd = getenv("PWD")) old_pwd_ = pwd;
    unsetenv("PWD");
    EXPECT_EQ(chdir(dir.c_str()), 0) << dir;
  }
  ~ScopedChdir() {
    EXPECT_EQ(chdir(old_.c_str()), 0);
    if (!old_pwd_.empty()) setenv("PWD", old_pwd_.c_str(), 1);
  }

 private:
  std::string old_, old_pwd_;
};

std::string RealPath(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) ? buf : p;
}

std::string TempDir() {
  std::string t = testing::TempDir() + "pprof_source_XXXXXX";
  EXPECT_NE(mkdtemp(&t[0]), nullptr);
  return t;
}

TEST(TrimPath, CorpusSettings) {
  // -trim_path=/opt/go/src:/home/build: the first prefix that matches is cut.
  const char* trim = "/opt/go/src:/home/build";
  EXPECT_EQ(TrimPath("/home/build/goapp/mathx/mathx.go", trim, "src/go"), "goapp/mathx/mathx.go");
  EXPECT_EQ(TrimPath("/opt/go/src/runtime/malloc.go", trim, "src/go"), "runtime/malloc.go");
  EXPECT_EQ(TrimPath("/opt/go/src/runtime/malloc.go", "/src", "src/cpp"), "/opt/go/src/runtime/malloc.go");
  EXPECT_EQ(TrimPath("/src/cppapp/workload.cc", "/src", "src/cpp"), "cppapp/workload.cc");
  // A prefix must match whole directories: "/home/build" does not cut "/home/builder/x".
  EXPECT_EQ(TrimPath("/home/builder/x.go", trim, "src/go"), "/home/builder/x.go");
  // Relative names are left alone.
  EXPECT_EQ(TrimPath("pkg001/handler_1.go", "", "src/syn1-cpu"), "pkg001/handler_1.go");
}

TEST(TrimPath, BaseNameHeuristicWithoutTrimPath) {
  // The spec's example: the search directory's name found in the path.
  EXPECT_EQ(TrimPath("/some/remote/path/my-project/foo/bar.c", "", "/my/local/path/my-project"), "foo/bar.c");
  // -source_path=src/go without -trim_path: "/go/" first occurs in /opt/go/src
  // (pprof printed "could not find file src/runtime/malloc.go on path src/go").
  EXPECT_EQ(TrimPath("/opt/go/src/runtime/malloc.go", "", "src/go"), "src/runtime/malloc.go");
  // The first occurrence wins, and the first search directory that matches.
  EXPECT_EQ(TrimPath("/a/go/b/go/c.go", "", "x/go"), "b/go/c.go");
  EXPECT_EQ(TrimPath("/a/one/two/c.go", "", "/x/two:/y/one"), "c.go");
  EXPECT_EQ(TrimPath("/a/one/two/c.go", "", "/y/one:/x/two"), "two/c.go");
  // Trailing slashes do not change a directory's name; "" is ".", "/" is "/".
  EXPECT_EQ(TrimPath("/a/go/c.go", "", "src/go/"), "c.go");
  EXPECT_EQ(TrimPath("/a/./c.go", "", ":"), "c.go");
  EXPECT_EQ(TrimPath("/a///c.go", "", "/"), "c.go");
  // The working directory is the default search path, so the heuristic uses
  // its name: run from .../corpus/dev, "/dev/null" is looked up as "null".
  EXPECT_EQ(TrimPath("/dev/null", "", "/work/shared/corpus/dev"), "null");
  // With a trim path the heuristic is off, even when no prefix matches.
  EXPECT_EQ(TrimPath("/a/go/c.go", "/nomatch", "src/go"), "/a/go/c.go");
  // No match at all: unchanged.
  EXPECT_EQ(TrimPath("/a/b/c.go", "", "src/go"), "/a/b/c.go");
  EXPECT_EQ(TrimPath("/a/b/c.go", "", ""), "/a/b/c.go");
}

TEST(TrimPath, ProcSelfCwdAndPrefixRules) {
  EXPECT_EQ(TrimPath("/proc/self/cwd/./pkg/a.go", "", ""), "pkg/a.go");
  EXPECT_EQ(TrimPath("/proc/self/cwd/pkg/a.go", "", ""), "pkg/a.go");
  EXPECT_EQ(TrimPath("/proc/self/cwd/pkg/a.go", "/other", "src"), "pkg/a.go");
  // Configured prefixes come first; a trailing '/' is optional.
  EXPECT_EQ(TrimPath("/proc/self/cwd/pkg/a.go", "/proc/self", ""), "cwd/pkg/a.go");
  EXPECT_EQ(TrimPath("/b/a.go", "/b/", ""), "a.go");
  // The heuristic runs before the built-in prefixes: the search directory
  // "src/self" matches "/self/" first.
  EXPECT_EQ(TrimPath("/proc/self/cwd/a.go", "", "src/self"), "cwd/a.go");
  // An empty entry in the list becomes "/", which makes absolute paths relative.
  EXPECT_EQ(TrimPath("/b/a.go", "/nomatch:", ""), "b/a.go");
  EXPECT_EQ(TrimPath("/b/a.go", ":/b", ""), "b/a.go");
  // The path itself is not cleaned.
  EXPECT_EQ(TrimPath("/b//a.go", "/b", ""), "/a.go");
  EXPECT_EQ(TrimPath("/b/../a.go", "/b", ""), "../a.go");
}

TEST(CleanPath, MatchesGoFilepathClean) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "."},
      {".", "."},
      {"/", "/"},
      {"//", "/"},
      {"abc", "abc"},
      {"abc/def", "abc/def"},
      {"a/b/c", "a/b/c"},
      {"..", ".."},
      {"../..", "../.."},
      {"../../abc", "../../abc"},
      {"/abc", "/abc"},
      {"abc/", "abc"},
      {"/abc/def/", "/abc/def"},
      {"abc//def//ghi", "abc/def/ghi"},
      {"//abc", "/abc"},
      {"abc/./def", "abc/def"},
      {"/./abc/def", "/abc/def"},
      {"abc/.", "abc"},
      {"abc/def/ghi/../jkl", "abc/def/jkl"},
      {"abc/def/../ghi/../jkl", "abc/jkl"},
      {"abc/def/..", "abc"},
      {"abc/def/../..", "."},
      {"/abc/def/../..", "/"},
      {"abc/def/../../..", ".."},
      {"/abc/def/../../..", "/"},
      {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},
      {"/../abc", "/abc"},
      {"abc/./../def", "def"},
      {"abc//./../def", "def"},
      {"abc/../../././../def", "../../def"},
      {"./a.go", "a.go"},
      {"...", "..."},
      {".../..", "."},
      {"..a/b", "..a/b"},
      {"a/..b", "a/..b"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(CleanPath(in), want) << "Clean(" << in << ")";
}

TEST(PathHelpers, BaseDirJoinSplitList) {
  EXPECT_EQ(pprofsql::BasePath(""), ".");
  EXPECT_EQ(pprofsql::BasePath("/"), "/");
  EXPECT_EQ(pprofsql::BasePath("src/go/"), "go");
  EXPECT_EQ(pprofsql::DirPath("src/go"), "src");
  EXPECT_EQ(pprofsql::DirPath("src"), ".");
  EXPECT_EQ(pprofsql::DirPath("."), ".");
  EXPECT_EQ(pprofsql::DirPath("/a"), "/");
  EXPECT_EQ(pprofsql::DirPath("/"), "/");
  EXPECT_EQ(pprofsql::DirPath("a//b//"), "a/b");
  EXPECT_EQ(pprofsql::JoinPath("src/go", "goapp/main.go"), "src/go/goapp/main.go");
  EXPECT_EQ(pprofsql::JoinPath("", "a/../b"), "b");
  EXPECT_EQ(pprofsql::JoinPath("a", ""), "a");
  EXPECT_EQ(pprofsql::JoinPath("", ""), "");
  EXPECT_EQ(pprofsql::JoinPath("/x/y", "../z"), "/x/z");
  EXPECT_EQ(pprofsql::SplitPathList(""), std::vector<std::string>{});
  EXPECT_EQ(pprofsql::SplitPathList("a::b:"), (std::vector<std::string>{"a", "", "b", ""}));
}

TEST(ScanLines, LikeBufioScanner) {
  using V = std::vector<std::string>;
  EXPECT_EQ(pprofsql::ScanLines(""), V{});
  EXPECT_EQ(pprofsql::ScanLines("\n"), V{""});
  EXPECT_EQ(pprofsql::ScanLines("a"), V{"a"});
  EXPECT_EQ(pprofsql::ScanLines("a\n"), V{"a"});
  EXPECT_EQ(pprofsql::ScanLines("a\n\nb"), (V{"a", "", "b"}));
  // One trailing '\r' per line is dropped, also on a last line without '\n'.
  EXPECT_EQ(pprofsql::ScanLines("a\r\nb\r\r\n\rc\r"), (V{"a", "b\r", "\rc"}));
  // Lines up to 65535 bytes are fine; one of 65536 or more (not counting the
  // '\n', counting a '\r') silently ends the file.
  const std::string ok(65535, 'x'), too_long(65536, 'y');
  EXPECT_EQ(pprofsql::ScanLines("a\n" + ok + "\nb"), (V{"a", ok, "b"}));
  EXPECT_EQ(pprofsql::ScanLines("a\n" + ok), (V{"a", ok}));
  EXPECT_EQ(pprofsql::ScanLines("a\n" + too_long + "\nb\n"), V{"a"});
  EXPECT_EQ(pprofsql::ScanLines("a\n" + too_long), V{"a"});
  EXPECT_EQ(pprofsql::ScanLines("a\n" + ok + "\r\nb"), V{"a"});
  EXPECT_EQ(pprofsql::ScanLines("a\n" + std::string(65534, 'z') + "\r\nb"), (V{"a", std::string(65534, 'z'), "b"}));
}

TEST(SourceReader, FindsCorpusFilesLikePprof) {
  ASSERT_SHARED_EXISTS(pprof_test::CorpusDir() + "/src/go/goapp/main.go");
  ScopedChdir cd(pprof_test::CorpusDir());
  SourceReader reader("src/go", "/opt/go/src:/home/build");
  auto lines = reader.Lines("/home/build/goapp/mathx/mathx.go");
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  EXPECT_FALSE((*lines)->empty());
  EXPECT_EQ(*reader.ResolvedPath("/home/build/goapp/mathx/mathx.go"), "src/go/goapp/mathx/mathx.go");
  // Already-trimmed names (as the ROUTINE lines print them) are found too.
  EXPECT_EQ(*reader.ResolvedPath("goapp/mathx/mathx.go"), "src/go/goapp/mathx/mathx.go");
  EXPECT_EQ(*reader.ResolvedPath("runtime/malloc.go"), "src/go/runtime/malloc.go");
  // Cached: the same vector comes back.
  EXPECT_EQ(*reader.Lines("/home/build/goapp/mathx/mathx.go"), *lines);
}

TEST(SourceReader, SearchesParentDirectories) {
  ASSERT_SHARED_EXISTS(pprof_test::CorpusDir() + "/src/go/goapp/main.go");
  const std::string go = pprof_test::CorpusDir() + "/src/go";
  // From .../goapp/mathx: tries mathx/goapp/main.go, goapp/goapp/main.go, then go/goapp/main.go.
  SourceReader reader(go + "/goapp/mathx", "");
  EXPECT_EQ(*reader.ResolvedPath("goapp/main.go"), CleanPath(go + "/goapp/main.go"));
  // Each directory of the list in order, each with its parents.
  SourceReader two("/nonexistent/dir:" + go + "/runtime", "");
  EXPECT_EQ(*two.ResolvedPath("sync/mutex.go"), CleanPath(go + "/sync/mutex.go"));
  // A relative directory climbs only up to ".".
  ScopedChdir cd(go + "/goapp");
  SourceReader rel("mathx", "/x");
  EXPECT_EQ(*rel.ResolvedPath("kv/kv.go"), "kv/kv.go");
  EXPECT_EQ(rel.Error("goapp/kv/kv.go"), "could not find file goapp/kv/kv.go on path mathx");
}

TEST(SourceReader, ErrorTextsAsPprofPrintsThem) {
  ASSERT_SHARED_EXISTS(pprof_test::CorpusDir() + "/go1.cpu.pb.gz");
  ScopedChdir cd(pprof_test::CorpusDir());
  // -source_path=nonexist -trim_path=/opt/go/src:/home/build
  EXPECT_EQ(SourceReader("nonexist", "/opt/go/src:/home/build").Error("goapp/mathx/mathx.go"),
            "could not find file goapp/mathx/mathx.go on path nonexist");
  // -source_path=src/go (no -trim_path): the ROUTINE line says src/runtime/malloc.go.
  EXPECT_EQ(SourceReader("src/go", "").Error("src/runtime/malloc.go"),
            "could not find file src/runtime/malloc.go on path src/go");
  // No flags: the absolute path is opened as is, and the OS error printed Go's way.
  EXPECT_EQ(SourceReader("", "").Error("/home/build/goapp/mathx/mathx.go"),
            "open /home/build/goapp/mathx/mathx.go: no such file or directory");
  // No -source_path: the working directory is the search path.
  EXPECT_EQ(SourceReader("", "").Error("pkg001/handler_1.go"),
            "could not find file pkg001/handler_1.go on path " + RealPath(pprof_test::CorpusDir()));
  // Found: no error.
  EXPECT_EQ(SourceReader("src/syn1-cpu", "").Error("pkg001/handler_1.go"), std::nullopt);
  // Absolute paths: other OS errors, and a NUL byte (EINVAL in Go).
  EXPECT_EQ(SourceReader("src/go", "").Error("/etc/passwd/x.go"), "open /etc/passwd/x.go: not a directory");
  EXPECT_EQ(SourceReader("src/go", "").Error(std::string("/a\0b", 4)),
            std::string("open /a\0b: invalid argument", 27));
}

TEST(SourceReader, DirectoriesAndRereads) {
  const std::string dir = TempDir();
  pprof_test::WriteAll(dir + "/a.go", "one\r\ntwo\n");
  SourceReader reader(dir, "");
  auto lines = reader.SharedLines("a.go");
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ(**lines, (std::vector<std::string>{"one", "two"}));
  // A changed file is read again; the old lines stay valid for their holder.
  pprof_test::WriteAll(dir + "/a.go", "one\ntwo\nthree, longer\n");
  auto again = reader.SharedLines("a.go");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->size(), 3u);
  EXPECT_EQ((*lines)->size(), 2u);
  // A file that appears after a failed lookup is found.
  EXPECT_TRUE(reader.Error("b.go").has_value());
  pprof_test::WriteAll(dir + "/b.go", "b\n");
  EXPECT_EQ(reader.Error("b.go"), std::nullopt);
  // As in pprof, a directory "opens": found, with no lines, and no error.
  mkdir((dir + "/sub").c_str(), 0755);
  EXPECT_EQ(reader.Error("sub"), std::nullopt);
  EXPECT_TRUE((*reader.Lines("sub"))->empty());
  // A line of 64 KiB or more silently ends the file (checked against go tool
  // pprof: -list then prints the ROUTINE header and no lines, no error).
  pprof_test::WriteAll(dir + "/long.go", "1\n2\n" + std::string(70000, 'x') + "\n4\n");
  EXPECT_EQ(**reader.Lines("long.go"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(reader.Error("long.go"), std::nullopt);
  // /dev/null and the PWD kludge: a $PWD naming the current directory
  // through a symlink is the search path as given.
  EXPECT_TRUE((*SourceReader("/nonexistent", "").Lines("/dev/null"))->empty());
  ASSERT_EQ(symlink(dir.c_str(), (dir + "-link").c_str()), 0);
  {
    ScopedChdir cd(dir);
    setenv("PWD", (dir + "-link").c_str(), 1);
    EXPECT_EQ(SourceReader("", "").search_path(), dir + "-link");
    setenv("PWD", "/", 1);
    EXPECT_EQ(SourceReader("", "").search_path(), RealPath(dir));
  }
  std::filesystem::remove(dir + "-link");
  std::filesystem::remove_all(dir);
}

// Every source line printed by the corpus's -list goldens, read back through
// pprof_source with the golden's -source_path and -trim_path.
TEST(PprofSource, MatchesListGoldens) {
  const std::string corpus = pprof_test::CorpusDir();
  ASSERT_SHARED_EXISTS(corpus + "/MANIFEST.tsv");
  ScopedChdir cd(corpus);
  std::istringstream manifest(pprof_test::ReadAll("MANIFEST.tsv"));
  const std::regex source_re("-source_path=(\\S+)"), trim_re("-trim_path=(\\S+)");
  const std::regex routine_re("^ROUTINE =+ .* in (.*)$"), line_re("^ *\\S+ +\\S+ +(\\d+):(.*)$");
  std::string row;
  int goldens = 0, checked = 0;
  while (std::getline(manifest, row)) {
    std::vector<std::string> f;
    std::istringstream fields(row);
    for (std::string x; std::getline(fields, x, '\t');) f.push_back(x);
    if (f.size() < 4 || f[2].find("-list=") == std::string::npos) continue;
    std::smatch m;
    std::string source = std::regex_search(f[2], m, source_re) ? m[1].str() : "";
    std::string trim = std::regex_search(f[2], m, trim_re) ? m[1].str() : "";
    Db db;
    db.Query("SELECT pprof_config('source_path', " + Quote(source) + "), pprof_config('trim_path', " +
             Quote(trim) + ")");
    goldens++;
    std::istringstream golden(pprof_test::ReadAll(f[3]));
    std::string file;
    for (std::string l; std::getline(golden, l);) {
      if (std::regex_match(l, m, routine_re)) {
        file = m[1];
        EXPECT_EQ(db.One("SELECT pprof_source_error(" + Quote(file) + ") IS NULL"), "1") << f[3] << ": " << file;
      } else if (l.rfind(" Error: ", 0) == 0) {
        EXPECT_EQ(db.One("SELECT pprof_source_error(" + Quote(file) + ")"), l.substr(8)) << f[3];
      } else if (!file.empty() && std::regex_match(l, m, line_re)) {
        Rows r = db.Query("SELECT text FROM pprof_source(" + Quote(file) + ") WHERE line = " + m[1].str());
        ASSERT_EQ(r.size(), 1u) << f[3] << ": " << file << ":" << m[1];
        EXPECT_EQ(r[0][0], m[2].str()) << f[3] << ": " << file << ":" << m[1];
        checked++;
      }
    }
  }
  EXPECT_GE(goldens, 20);
  EXPECT_GE(checked, 300);
}

TEST(PprofSource, ReadsLinesWithNumbers) {
  const std::string go = pprof_test::CorpusDir() + "/src/go";
  ASSERT_SHARED_EXISTS(go + "/goapp/main.go");
  Db db;
  db.Query("SELECT pprof_config('source_path', " + Quote(go) + ")");
  // All lines, numbered from 1, both as a table-valued function and with WHERE.
  std::vector<std::string> want = pprofsql::ScanLines(pprof_test::ReadAll(go + "/goapp/main.go"));
  ASSERT_EQ(want.size(), 270u);
  Rows rows = db.Query("SELECT file, line, text FROM pprof_source('goapp/main.go')");
  ASSERT_EQ(rows.size(), want.size());
  for (size_t i = 0; i < rows.size(); i++) {
    EXPECT_EQ(rows[i], (std::vector<std::string>{"goapp/main.go", std::to_string(i + 1), want[i]}));
  }
  EXPECT_EQ(db.Query("SELECT * FROM pprof_source WHERE file = 'goapp/main.go'"), rows);
  EXPECT_EQ(db.One("SELECT text FROM pprof_source WHERE file = 'goapp/main.go' AND line = 5"),
            "//\tgoapp -seed 1 -size 1 -out DIR [-memrate 1]");
  // The hidden column takes the argument and reads back as the file.
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_source WHERE file_arg = 'goapp/main.go' AND file = 'goapp/main.go'"),
            "270");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_source('goapp/main.go') WHERE file = 'goapp/other.go'"), "0");
  // Line ranges, pushed down and still exact for odd values.
  EXPECT_EQ(db.One("SELECT group_concat(line) FROM pprof_source('goapp/main.go') WHERE line BETWEEN 3 AND 6"),
            "3,4,5,6");
  EXPECT_EQ(db.One("SELECT group_concat(line) FROM pprof_source('goapp/main.go') WHERE line > 2.5 AND line < 5.5"),
            "3,4,5");
  EXPECT_EQ(db.One("SELECT group_concat(line) FROM pprof_source('goapp/main.go') WHERE line >= 268"), "268,269,270");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_source('goapp/main.go') WHERE line = 2.5"), "0");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_source('goapp/main.go') WHERE line = '7'"), "1");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_source('goapp/main.go') WHERE line < 'abc'"), "270");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_source('goapp/main.go') WHERE line > NULL"), "0");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_source('goapp/main.go') WHERE line = 0 OR line = 271"), "0");
  EXPECT_THAT(db.Query("EXPLAIN QUERY PLAN SELECT * FROM pprof_source('goapp/main.go') WHERE line > 3 AND line <= 9")
                  .at(0)
                  .back(),
              ::testing::HasSubstr("file=,line>,line<="));
  // IN lists and joins.
  const std::string mutex_lines =
      std::to_string(pprofsql::ScanLines(pprof_test::ReadAll(go + "/sync/mutex.go")).size());
  EXPECT_EQ(db.Query("SELECT file, count(*) FROM pprof_source WHERE file IN ('goapp/main.go', 'sync/mutex.go',"
                     " 'nope.go') GROUP BY file ORDER BY file"),
            (Rows{{"goapp/main.go", "270"}, {"sync/mutex.go", mutex_lines}}));
  // One file comes out in line order; ORDER BY line costs nothing.
  EXPECT_EQ(db.One("SELECT group_concat(line) FROM (SELECT line FROM pprof_source('goapp/main.go')"
                   " WHERE line < 4 ORDER BY line)"),
            "1,2,3");
  EXPECT_EQ(db.One("SELECT group_concat(line) FROM (SELECT line FROM pprof_source('goapp/main.go')"
                   " WHERE line < 4 ORDER BY line DESC)"),
            "3,2,1");
  EXPECT_EQ(db.One("WITH f(name) AS (VALUES ('goapp/main.go'), ('sync/mutex.go'))"
                   " SELECT count(DISTINCT s.file) FROM f JOIN pprof_source s ON s.file = f.name WHERE s.line = 1"),
            "2");
  // Not found: no rows, and the error says why.
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_source('goapp/nope.go')"), "0");
  EXPECT_EQ(db.One("SELECT pprof_source_error('goapp/nope.go')"),
            "could not find file goapp/nope.go on path " + go);
  EXPECT_EQ(db.One("SELECT pprof_source_error('goapp/main.go') IS NULL"), "1");
  EXPECT_EQ(db.One("SELECT pprof_source_error(NULL) IS NULL"), "1");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_source(NULL)"), "0");
}

TEST(PprofSource, FollowsSettings) {
  ASSERT_SHARED_EXISTS(pprof_test::CorpusDir() + "/src/go/goapp/main.go");
  Db db;
  const std::string go = pprof_test::CorpusDir() + "/src/go";
  db.Query("SELECT pprof_config('source_path', '/nonexistent')");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_source('/home/build/goapp/main.go')"), "0");
  EXPECT_EQ(db.One("SELECT pprof_source_error('/home/build/goapp/main.go')"),
            "open /home/build/goapp/main.go: no such file or directory");
  db.Query("SELECT pprof_config('source_path', " + Quote(go) + "), pprof_config('trim_path', '/home/build')");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_source('/home/build/goapp/main.go')"), "270");
  EXPECT_EQ(db.One("SELECT pprof_source_error('/home/build/goapp/main.go') IS NULL"), "1");
  // The default search path is the working directory, followed across chdir().
  db.Query("SELECT pprof_config('source_path', ''), pprof_config('trim_path', '')");
  {
    ScopedChdir cd(go);
    EXPECT_EQ(db.One("SELECT count(*) FROM pprof_source('goapp/main.go')"), "270");
  }
  {
    ScopedChdir cd("/");
    EXPECT_EQ(db.One("SELECT pprof_source_error('goapp/main.go')"), "could not find file goapp/main.go on path /");
  }
}

TEST(PprofSource, RequiresAFile) {
  Db db;
  EXPECT_EQ(db.Try("SELECT * FROM pprof_source"), "pprof_source: a file is required, e.g. WHERE file = 'main.go'");
  EXPECT_EQ(db.Try("SELECT * FROM pprof_source WHERE line = 1"),
            "pprof_source: a file is required, e.g. WHERE file = 'main.go'");
  EXPECT_EQ(db.Try("SELECT * FROM pprof_source WHERE file LIKE 'a%'"),
            "pprof_source: a file is required, e.g. WHERE file = 'main.go'");
  // Read-only and eponymous-only.
  EXPECT_NE(db.Try("CREATE VIRTUAL TABLE s USING pprof_source"), "");
  EXPECT_NE(db.Try("DELETE FROM pprof_source WHERE file = 'a'"), "");
}

TEST(PprofSource, DirectOnly) {
  Db db;
  // A view or trigger in the database file must not read files.
  ASSERT_EQ(db.Try("CREATE VIEW main.v AS SELECT * FROM pprof_source('/etc/hostname')"), "");
  EXPECT_THAT(db.Try("SELECT * FROM v"), ::testing::HasSubstr("unsafe use"));
  ASSERT_EQ(db.Try("CREATE VIEW main.e AS SELECT pprof_source_error('/etc/hostname')"), "");
  EXPECT_THAT(db.Try("SELECT * FROM e"), ::testing::HasSubstr("unsafe use"));
  // TEMP views (like the bundled ones) may use them.
  ASSERT_EQ(db.Try("CREATE TEMP VIEW t AS SELECT pprof_source_error('/nonexistent/x') AS e"), "");
  EXPECT_EQ(db.One("SELECT e FROM t"), "open /nonexistent/x: no such file or directory");
}

}  // namespace
