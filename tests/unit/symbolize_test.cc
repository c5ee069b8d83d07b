// Local symbolization (extension/src/symbolize/) against binutils' addr2line.
//
// The test builds the corpus's C++ program (tests/corpus/src/cpp/cppapp,
// gperftools headers) with g++ -O2 -g three ways (non-PIE executable, PIE
// executable, shared library), writes profile.proto files whose locations are
// addresses of the built code placed at run-time addresses the way the
// loader would map them, loads them with pprof_config('symbolize', 'local'),
// and compares every location's frames (function, file, line, inline chain)
// with `addr2line -a -f -i [-C] -e BINARY` on the ELF address: the
// independent oracle. Mapping offsets and segments come from `readelf -lW`,
// symbols from `nm`. Tools missing is a failure, never a skip
// (scripts/setup.sh installs binutils, g++, libgoogle-perftools-dev).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "profile.pb.h"
#include "symbolize/symbolize.h"
#include "test_util.h"

namespace {

using pprof_test::Db;
using pprof_test::Quote;
using pprof_test::TempDir;
using pprof_test::Rows;

// Runs a shell command; returns its standard output. Fails the test on a
// non-zero exit.
std::string Sh(const std::string& cmd, int* status_out = nullptr) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) {
    ADD_FAILURE() << "popen: " << cmd;
    return out;
  }
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  int st = pclose(f);
  int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
  if (status_out) {
    *status_out = code;
  } else {
    EXPECT_EQ(code, 0) << "command failed: " << cmd << "\n" << out;
  }
  return out;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string l;
  while (std::getline(in, l)) out.push_back(l);
  return out;
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

struct Segment {
  uint64_t offset, vaddr, filesz, memsz;
  bool exec;
};

// PT_LOAD segments, from readelf.
std::vector<Segment> Loads(const std::string& binary) {
  std::vector<Segment> out;
  for (const std::string& l : Lines(Sh("readelf -lW '" + binary + "'"))) {
    std::vector<std::string> w = Words(l);
    if (w.size() < 8 || w[0] != "LOAD") continue;
    bool exec = false;
    for (size_t i = 6; i + 1 < w.size(); i++) exec = exec || w[i].find('E') != std::string::npos;
    out.push_back({std::stoull(w[1], nullptr, 16), std::stoull(w[2], nullptr, 16), std::stoull(w[4], nullptr, 16),
                   std::stoull(w[5], nullptr, 16), exec});
  }
  EXPECT_FALSE(out.empty()) << binary;
  return out;
}

Segment ExecSegment(const std::string& binary) {
  for (const Segment& s : Loads(binary)) {
    if (s.exec) return s;
  }
  ADD_FAILURE() << "no executable segment in " << binary;
  return {};
}

std::string BuildId(const std::string& binary) {
  for (const std::string& l : Lines(Sh("readelf -nW '" + binary + "'"))) {
    size_t at = l.find("Build ID: ");
    if (at != std::string::npos) return Words(l.substr(at + 10))[0];
  }
  ADD_FAILURE() << "no build ID in " << binary;
  return "";
}

struct Symbol {
  uint64_t addr, size;
  std::string name;
};

// Defined functions with a size, from nm.
std::vector<Symbol> Functions(const std::string& binary) {
  std::vector<Symbol> out;
  for (const std::string& l : Lines(Sh("nm -S --defined-only '" + binary + "'"))) {
    std::vector<std::string> w = Words(l);
    if (w.size() != 4 || (w[2] != "T" && w[2] != "t" && w[2] != "W")) continue;
    uint64_t size = std::stoull(w[1], nullptr, 16);
    if (size > 0) out.push_back({std::stoull(w[0], nullptr, 16), size, w[3]});
  }
  return out;
}

struct Frame {
  std::string function, file;
  int64_t line;
  bool operator==(const Frame& o) const { return function == o.function && file == o.file && line == o.line; }
};
std::ostream& operator<<(std::ostream& os, const Frame& f) {
  return os << f.function << " @ " << f.file << ":" << f.line;
}
using Frames = std::vector<Frame>;

// addr2line -a -f -i [-C] for each ELF address: frames innermost first,
// "??" as "" and line "?" as 0, discriminators dropped.
//
// binutils names a C++ function that has no linkage name in its DWARF
// (internal linkage) after the ELF symbol at its entry, but decides that
// once per function, at the first address asked about, and remembers it: a
// first question inside a .cold part or an inlined callee settles another
// name. So each function's entry is asked about first (hot parts before
// .cold ones), which gives the answer every time; the priming answers are
// not used.
std::map<uint64_t, Frames> Addr2line(const std::string& binary, const std::vector<uint64_t>& addrs, bool demangle,
                                     const std::string& dir) {
  std::string input;
  char buf[32];
  std::vector<uint64_t> prime;
  for (bool cold : {false, true}) {
    for (const Symbol& s : Functions(binary)) {
      if ((s.name.find(".cold") != std::string::npos) == cold) prime.push_back(s.addr);
    }
  }
  for (uint64_t a : prime) {
    std::snprintf(buf, sizeof(buf), "%#llx\n", static_cast<unsigned long long>(a));
    input += buf;
  }
  const size_t skip = prime.size();
  for (uint64_t a : addrs) {
    std::snprintf(buf, sizeof(buf), "%#llx\n", static_cast<unsigned long long>(a));
    input += buf;
  }
  pprof_test::WriteAll(dir + "/addrs.txt", input);
  std::string out = Sh(std::string("addr2line -a -f -i ") + (demangle ? "-C " : "") + "-e '" + binary + "' < '" +
                       dir + "/addrs.txt'");
  std::map<uint64_t, Frames> result;
  std::vector<std::string> lines = Lines(out);
  Frames* cur = nullptr;
  Frames ignored;
  size_t answers = 0;
  for (size_t i = 0; i < lines.size(); i++) {
    const std::string& l = lines[i];
    if (l.rfind("0x", 0) == 0 && l.find(' ') == std::string::npos && l.size() == 18) {
      cur = answers++ < skip ? &ignored : &result[std::stoull(l, nullptr, 16)];
      cur->clear();
      continue;
    }
    if (cur == nullptr || i + 1 >= lines.size()) {
      ADD_FAILURE() << "unexpected addr2line output: " << l;
      break;
    }
    std::string loc = lines[++i];
    if (size_t d = loc.find(" (discriminator"); d != std::string::npos) loc = loc.substr(0, d);
    size_t colon = loc.rfind(':');
    std::string file = loc.substr(0, colon), line = loc.substr(colon + 1);
    cur->push_back({l == "??" ? "" : l, file == "??" ? "" : file, line == "?" ? 0 : std::stoll(line)});
  }
  return result;
}


// The built program, shared by the tests.
struct Build {
  TempDir tmp;
  std::string dir, nopie, pie, lib, shared_main;
};
Build* g_build = nullptr;

class SymbolizeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string src = pprof_test::CorpusDir() + "/src/cpp/cppapp";
    ASSERT_SHARED_EXISTS(src + "/main.cc");
    g_build = new Build();
    Build& b = *g_build;
    b.dir = b.tmp.path();
    b.nopie = b.dir + "/cppapp";
    b.pie = b.dir + "/cppapp-pie";
    b.lib = b.dir + "/libworkload.so";
    b.shared_main = b.dir + "/cppapp-shared";
    // Compiled once (in parallel), linked four ways.
    Sh("cd '" + b.dir + "' && (g++ -O2 -g -fPIC -c '" + src + "/workload.cc' -o workload.o & g++ -O2 -g -fPIE -c '" +
       src + "/main.cc' -o main.o & wait) && test -s workload.o && test -s main.o" +
       " && g++ -no-pie main.o workload.o -o cppapp -lprofiler -ltcmalloc" +
       " && g++ -pie main.o workload.o -o cppapp-pie -lprofiler -ltcmalloc" +
       " && g++ -shared workload.o -o libworkload.so" +
       " && g++ main.o -L. -lworkload -Wl,-rpath,'" + b.dir + "' -o cppapp-shared -lprofiler -ltcmalloc 2>&1");
    ASSERT_TRUE(pprof_test::Exists(b.shared_main)) << "building cppapp failed (g++, libgoogle-perftools-dev)";
  }
  static void TearDownTestSuite() {
    delete g_build;
    g_build = nullptr;
  }
};

struct MappingSpec {
  uint64_t start, limit, offset;
  std::string file, build_id;
  std::vector<uint64_t> addresses;  // run-time
};

// A CPU profile with one sample per address, location ids from 1 in order.
void WriteProfile(const std::string& path, const std::vector<MappingSpec>& mappings) {
  perftools::profiles::Profile p;
  p.add_string_table("");
  auto str = [&](const std::string& s) {
    p.add_string_table(s);
    return p.string_table_size() - 1;
  };
  auto* st = p.add_sample_type();
  st->set_type(str("samples"));
  st->set_unit(str("count"));
  uint64_t loc_id = 1;
  for (size_t i = 0; i < mappings.size(); i++) {
    const MappingSpec& m = mappings[i];
    auto* pm = p.add_mapping();
    pm->set_id(i + 1);
    pm->set_memory_start(m.start);
    pm->set_memory_limit(m.limit);
    pm->set_file_offset(m.offset);
    pm->set_filename(str(m.file));
    if (!m.build_id.empty()) pm->set_build_id(str(m.build_id));
    for (uint64_t a : m.addresses) {
      auto* l = p.add_location();
      l->set_id(loc_id);
      l->set_mapping_id(i + 1);
      l->set_address(a);
      auto* s = p.add_sample();
      s->add_location_id(loc_id);
      s->add_value(1);
      loc_id++;
    }
  }
  std::string bytes;
  ASSERT_TRUE(p.SerializeToString(&bytes));
  pprof_test::WriteAll(path, bytes);
}

// Every address of every function of `binary` whose name passes `keep`
// (every `step` bytes), as ELF addresses.
std::vector<uint64_t> CodeAddresses(const std::string& binary, uint64_t step) {
  std::set<uint64_t> out;
  for (const Symbol& s : Functions(binary)) {
    for (uint64_t a = s.addr; a < s.addr + s.size; a += step) out.insert(a);
    out.insert(s.addr + s.size - 1);
  }
  return {out.begin(), out.end()};
}

// location_id -> frames (line_index order) of a loaded profile.
std::map<int64_t, Frames> Symbolized(Db& db, int64_t id, bool system_names = false) {
  std::map<int64_t, Frames> out;
  std::string name = system_names ? "f.system_name" : "ln.function_name";
  for (const auto& r : db.Query("SELECT ln.location_id, " + name +
                                ", ln.filename, ln.line FROM pprof_lines ln JOIN pprof_functions f "
                                "USING (profile_id, function_id) WHERE profile_id = " +
                                std::to_string(id) + " ORDER BY ln.location_id, ln.line_index")) {
    out[std::stoll(r[0])].push_back({r[1], r[2], std::stoll(r[3])});
  }
  return out;
}

// Loads `profile` with local symbolization from `binary_path`; returns its id.
int64_t LoadSymbolized(Db& db, const std::string& profile, const std::string& binary_path) {
  db.Query("SELECT pprof_config('symbolize', 'local'), pprof_config('binary_path', " + Quote(binary_path) + ")");
  return std::stoll(db.One("SELECT pprof_load(" + Quote(profile) + ")"));
}

// 0: our frames (names g, system names gs) equal addr2line's (w, ws);
// 1: they differ only in one of binutils' known ways; 2: they differ.
int Agreement(const Frames& g, const Frames& gs, const Frames& w, const Frames& ws) {
  if (g == w && gs == ws) return 0;
  // Two known binutils 2.40 deviations are tolerated (and counted), frame
  // by frame, everything else must be equal: (1) the name of a function
  // whose DWARF has no linkage name (internal linkage: Mix, atoi,
  // __static_initialization_and_destruction_0), which binutils sometimes
  // replaces by the enclosing ELF symbol; (2) the file of the innermost
  // frame at the first rows of a line-table sequence, which binutils
  // takes from the wrong file entry (readelf's decoded line table agrees
  // with us there).
  bool tolerable = g.size() == w.size() && gs.size() == ws.size() && g.size() == gs.size();
  for (size_t k = 0; tolerable && k < g.size(); k++) {
    bool unmangled = gs[k].function.rfind("_Z", 0) != 0 || ws[k].function.rfind("_Z", 0) != 0;
    bool name_ok = (g[k].function == w[k].function && gs[k].function == ws[k].function) || unmangled;
    bool file_ok = g[k].file == w[k].file || k == 0;
    tolerable = name_ok && file_ok && g[k].line == w[k].line && gs[k].line == ws[k].line &&
                gs[k].file == g[k].file && ws[k].file == w[k].file;
  }
  return tolerable ? 1 : 2;
}

// Checks every location of mapping `mapping_index` (locations listed in
// order, ids from `first_loc`) against addr2line on the ELF addresses.
void ExpectMatchesAddr2line(Db& db, int64_t id, const std::string& binary, const std::vector<uint64_t>& elf_addrs,
                            int64_t first_loc, const std::string& dir) {
  auto want = Addr2line(binary, elf_addrs, true, dir);
  auto want_sys = Addr2line(binary, elf_addrs, false, dir);
  auto got = Symbolized(db, id);
  auto got_sys = Symbolized(db, id, true);
  size_t checked = 0, mismatched = 0, inlined = 0, tolerated = 0;
  for (size_t i = 0; i < elf_addrs.size(); i++) {
    int64_t loc = first_loc + static_cast<int64_t>(i);
    Frames w = want[elf_addrs[i]];
    // addr2line prints "??" for an address it knows nothing of; no lines then.
    if (w.size() == 1 && w[0] == Frame{"", "", 0}) w.clear();
    Frames ws = want_sys[elf_addrs[i]];
    if (ws.size() == 1 && ws[0] == Frame{"", "", 0}) ws.clear();
    checked++;
    inlined += w.size() > 1;
    const Frames &g = got[loc], &gs = got_sys[loc];
    int agreement = Agreement(g, gs, w, ws);
    if (agreement == 0) continue;
    bool tolerable = agreement == 1;
    if (tolerable) {
      tolerated++;
      continue;
    }
    {
      if (++mismatched <= (std::getenv("SYM_VERBOSE") ? 100000u : 5u)) {
        ADD_FAILURE() << binary << " address " << std::hex << elf_addrs[i] << std::dec << " (location " << loc
                      << "): addr2line says\n"
                      << ::testing::PrintToString(w) << "\n"
                      << ::testing::PrintToString(ws) << "\nwe say\n"
                      << ::testing::PrintToString(got[loc]) << "\n"
                      << ::testing::PrintToString(got_sys[loc]);
      }
    }
  }
  EXPECT_EQ(mismatched, 0u) << "of " << checked;
  EXPECT_LE(tolerated * 100, checked) << "more than 1% of the addresses differ from addr2line in a tolerated way";
  EXPECT_GT(checked, 300u);
  EXPECT_GT(inlined, 100u) << "the -O2 build should have inlined frames";
  std::printf("[ symbolize ] %s: %zu addresses checked against addr2line, %zu with inline frames, %zu differ, "
              "%zu in binutils' known ways\n",
              binary.c_str(), checked, inlined, mismatched, tolerated);
}

void NonPieExecutableMatchesAddr2line() {
  const Build& b = *g_build;
  Segment text = ExecSegment(b.nopie);
  std::vector<uint64_t> addrs = CodeAddresses(b.nopie, 2);
  // Non-PIE: the run-time address is the ELF address.
  const std::string prof = b.dir + "/nopie.pb";
  WriteProfile(prof, {{text.vaddr & ~0xfffULL, text.vaddr + text.memsz, text.offset & ~0xfffULL, b.nopie, "", addrs}});
  Db db;
  int64_t id = LoadSymbolized(db, prof, "");
  ExpectMatchesAddr2line(db, id, b.nopie, addrs, 1, b.dir);
  EXPECT_EQ(db.Query("SELECT has_functions, has_filenames, has_line_numbers, has_inline_frames FROM pprof_mappings"),
            (Rows{{"1", "1", "1", "1"}}));
  // The program's own functions, with their source files.
  Rows own = db.Query("SELECT DISTINCT name FROM pprof_functions WHERE filename LIKE '%/cppapp/workload.cc' "
                      "AND name IN ('workload::MatMul(int, unsigned int)', 'workload::Insert(workload::Node*, int)', "
                      "'workload::Fib(int)') ORDER BY 1");
  EXPECT_EQ(own, (Rows{{"workload::Fib(int)"}, {"workload::Insert(workload::Node*, int)"},
                       {"workload::MatMul(int, unsigned int)"}}));
  EXPECT_EQ(db.One("SELECT system_name FROM pprof_functions WHERE name = 'workload::MatMul(int, unsigned int)'"),
            "_ZN8workload6MatMulEij");
}

void PieExecutableMatchesAddr2line() {
  const Build& b = *g_build;
  Segment text = ExecSegment(b.pie);
  std::vector<uint64_t> addrs = CodeAddresses(b.pie, 3);
  const uint64_t base = 0x555555554000ULL;
  std::vector<uint64_t> runtime;
  for (uint64_t a : addrs) runtime.push_back(base + a);
  const std::string prof = b.dir + "/pie.pb";
  // As /proc/PID/maps shows the text segment: page-aligned start and offset.
  WriteProfile(prof, {{base + (text.vaddr & ~0xfffULL), base + text.vaddr + text.memsz, text.offset & ~0xfffULL,
                       b.pie, BuildId(b.pie), runtime}});
  Db db;
  int64_t id = LoadSymbolized(db, prof, "");
  ExpectMatchesAddr2line(db, id, b.pie, addrs, 1, b.dir);
}

void SharedLibraryMatchesAddr2line() {
  const Build& b = *g_build;
  Segment main_text = ExecSegment(b.shared_main), lib_text = ExecSegment(b.lib);
  std::vector<uint64_t> main_addrs = CodeAddresses(b.shared_main, 1);
  std::vector<uint64_t> lib_addrs = CodeAddresses(b.lib, 3);
  const uint64_t main_base = 0x555555554000ULL, lib_base = 0x7f3a12340000ULL;
  std::vector<uint64_t> main_rt, lib_rt;
  for (uint64_t a : main_addrs) main_rt.push_back(main_base + a);
  for (uint64_t a : lib_addrs) lib_rt.push_back(lib_base + a);
  const std::string prof = b.dir + "/shared.pb";
  WriteProfile(prof, {{main_base + (main_text.vaddr & ~0xfffULL), main_base + main_text.vaddr + main_text.memsz,
                       main_text.offset & ~0xfffULL, b.shared_main, "", main_rt},
                      {lib_base + (lib_text.vaddr & ~0xfffULL), lib_base + lib_text.vaddr + lib_text.memsz,
                       lib_text.offset & ~0xfffULL, b.lib, BuildId(b.lib), lib_rt}});
  Db db;
  int64_t id = LoadSymbolized(db, prof, "");
  ExpectMatchesAddr2line(db, id, b.shared_main, main_addrs, 1, b.dir);
  ExpectMatchesAddr2line(db, id, b.lib, lib_addrs, static_cast<int64_t>(main_addrs.size()) + 1, b.dir);
  // The library's functions come from the library's own DWARF.
  EXPECT_EQ(db.One("SELECT DISTINCT system_name FROM pprof_functions WHERE name = 'workload::MatMul(int, unsigned int)'"),
            "_ZN8workload6MatMulEij");
  EXPECT_EQ(db.Query("SELECT mapping_id, has_functions, has_filenames, has_line_numbers, has_inline_frames "
                     "FROM pprof_mappings ORDER BY 1"),
            (Rows{{"1", "1", "1", "1", "1"}, {"2", "1", "1", "1", "1"}}));
}

}  // namespace

namespace {

// A profile of a few MatMul addresses of the non-PIE build, its mapping
// naming `file` with `build_id`.
std::string SmallProfile(const std::string& name, const std::string& file, const std::string& build_id) {
  const Build& b = *g_build;
  Segment text = ExecSegment(b.nopie);
  std::vector<uint64_t> addrs;
  for (const Symbol& s : Functions(b.nopie)) {
    if (s.name == "_ZN8workload6MatMulEij") addrs = {s.addr, s.addr + s.size / 2, s.addr + s.size - 1};
  }
  EXPECT_EQ(addrs.size(), 3u);
  std::string path = b.dir + "/" + name;
  WriteProfile(path, {{text.vaddr & ~0xfffULL, text.vaddr + text.memsz, text.offset & ~0xfffULL, file, build_id, addrs}});
  return path;
}

std::string Log(Db& db, int64_t id, const std::string& what = "all") {
  return db.One("SELECT pprof_symbolize_log(" + std::to_string(id) + ", '" + what + "')");
}

int64_t LinesOf(Db& db, int64_t id) {
  return std::stoll(db.One("SELECT count(*) FROM pprof_lines WHERE profile_id = " + std::to_string(id)));
}

void BuildIdMustMatch() {
  const Build& b = *g_build;
  const std::string id = BuildId(b.nopie);
  ASSERT_EQ(id.size(), 40u);
  Db db;
  // The right build ID: symbolized from the mapping's own path.
  int64_t good = LoadSymbolized(db, SmallProfile("good.pb", b.nopie, id), "");
  EXPECT_GE(LinesOf(db, good), 3);
  EXPECT_NE(Log(db, good, "notes").find("3 of 3 locations symbolized from " + b.nopie), std::string::npos)
      << Log(db, good);
  // A wrong one: the file is not used, and the log says why.
  std::string wrong = id.substr(0, 39) + (id[39] == '0' ? "1" : "0");
  int64_t bad = LoadSymbolized(db, SmallProfile("bad.pb", b.nopie, wrong), "");
  EXPECT_EQ(LinesOf(db, bad), 0);
  EXPECT_EQ(db.One("SELECT has_functions || has_filenames || has_line_numbers || has_inline_frames FROM pprof_mappings "
                   "WHERE profile_id = " + std::to_string(bad)),
            "0000");
  std::string log = Log(db, bad, "warnings");
  EXPECT_NE(log.find("Ignoring local file " + b.nopie + ": build-id mismatch (" + wrong + " != " + id + ")"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("Local symbolization failed for cppapp (build ID " + wrong + "): build ID mismatch"),
            std::string::npos)
      << log;
}

void FindsBinariesByBuildIdAndName() {
  const Build& b = *g_build;
  const std::string id = BuildId(b.nopie);
  // The mapping names a path that does not exist here; the binary path has
  // the binary under DIR/.build-id/xx/rest.debug, then under DIR/NAME.
  TempDir bin;
  Sh("mkdir -p '" + bin.path() + "/.build-id/" + id.substr(0, 2) + "' && cp '" + b.nopie + "' '" + bin.path() +
     "/.build-id/" + id.substr(0, 2) + "/" + id.substr(2) + ".debug'");
  Db db;
  int64_t p1 = LoadSymbolized(db, SmallProfile("byid.pb", "/opt/elsewhere/cppapp", id), bin.path());
  EXPECT_GE(LinesOf(db, p1), 3);
  EXPECT_NE(Log(db, p1).find(".build-id/" + id.substr(0, 2) + "/" + id.substr(2) + ".debug"), std::string::npos)
      << Log(db, p1);
  TempDir bin2;
  Sh("cp '" + b.nopie + "' '" + bin2.path() + "/cppapp'");
  int64_t p2 = LoadSymbolized(db, SmallProfile("byname.pb", "/opt/elsewhere/cppapp", ""), "/nonexistent:" + bin2.path());
  EXPECT_GE(LinesOf(db, p2), 3);
  // A stripped binary at the mapping's path, its DWARF in a separate debug
  // file: by build ID under a directory of the binary path...
  TempDir split;
  Sh("cd '" + split.path() + "' && objcopy --only-keep-debug '" + b.nopie + "' cppapp.debug && strip -g '" + b.nopie +
     "' -o cppapp && objcopy --add-gnu-debuglink=cppapp.debug cppapp && mkdir -p dbg/.build-id/" + id.substr(0, 2) +
     " && cp cppapp.debug dbg/.build-id/" + id.substr(0, 2) + "/" + id.substr(2) + ".debug");
  EXPECT_EQ(Sh("readelf -S '" + split.path() + "/cppapp' | grep -c debug_info || true"), "0\n");
  auto expect_dwarf = [&](int64_t p) {
    EXPECT_EQ(db.One("SELECT count(*) FROM pprof_lines WHERE profile_id = " + std::to_string(p) +
                     " AND function_name = 'workload::MatMul(int, unsigned int)' AND filename LIKE '%/workload.cc'"),
              "3");
  };
  int64_t p3 = LoadSymbolized(db, SmallProfile("split.pb", split.path() + "/cppapp", ""), split.path() + "/dbg");
  expect_dwarf(p3);
  EXPECT_NE(Log(db, p3).find("from " + split.path() + "/cppapp (debug info from " + split.path() + "/dbg/.build-id/"),
            std::string::npos)
      << Log(db, p3);
  // ... and by .gnu_debuglink beside the binary.
  int64_t p4 = LoadSymbolized(db, SmallProfile("split2.pb", split.path() + "/cppapp", ""), "/nonexistent");
  expect_dwarf(p4);
  EXPECT_NE(Log(db, p4).find("(debug info from " + split.path() + "/cppapp.debug)"), std::string::npos) << Log(db, p4);
  // Without its debug file, the stripped binary still names functions from its symbol table.
  Sh("rm '" + split.path() + "/cppapp.debug'");
  int64_t p5 = LoadSymbolized(db, SmallProfile("split3.pb", split.path() + "/cppapp", ""), "/nonexistent");
  EXPECT_EQ(db.Query("SELECT DISTINCT function_name, filename, line FROM pprof_lines WHERE profile_id = " +
                     std::to_string(p5)),
            (Rows{{"workload::MatMul(int, unsigned int)", "", "0"}}));
  EXPECT_EQ(db.Query("SELECT has_functions, has_filenames, has_line_numbers, has_inline_frames FROM pprof_mappings "
                     "WHERE profile_id = " + std::to_string(p5)),
            (Rows{{"1", "0", "0", "0"}}));
}

void MissingBinaryIsReported() {
  Db db;
  int64_t id = LoadSymbolized(db, SmallProfile("missing.pb", "/nonexistent/dir/cppapp", ""), "/nonexistent/bin");
  EXPECT_EQ(LinesOf(db, id), 0);
  std::string log = Log(db, id, "warnings");
  EXPECT_NE(log.find("Local symbolization failed for cppapp: /nonexistent/dir/cppapp: no such file, here or in the "
                     "binary path (/nonexistent/bin)"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("Try setting PPROF_BINARY_PATH"), std::string::npos) << log;
  // Without symbolization there is no log.
  Db db2;
  int64_t plain = std::stoll(db2.One("SELECT pprof_load(" + Quote(g_build->dir + "/missing.pb") + ")"));
  EXPECT_EQ(db2.One("SELECT pprof_symbolize_log(" + std::to_string(plain) + ") IS NULL"), "1");
}

void CorruptElfFilesAreErrorsNotCrashes() {
  const Build& b = *g_build;
  const std::string bin = pprof_test::ReadAll(b.nopie);
  ASSERT_GT(bin.size(), 100000u);
  TempDir dir;
  // Truncated at many lengths, then garbage after a valid header, then not ELF at all.
  std::vector<std::pair<std::string, std::string>> files;
  for (size_t len : {size_t{0}, size_t{4}, size_t{63}, size_t{64}, size_t{200}, size_t{4096}, bin.size() / 3,
                     bin.size() / 2, bin.size() - 4096, bin.size() - 1}) {
    files.push_back({"trunc" + std::to_string(len), bin.substr(0, len)});
  }
  std::string garbage = bin;
  for (size_t i = 64; i < garbage.size(); i += 7) garbage[i] = static_cast<char>(garbage[i] * 31 + 7);
  files.push_back({"garbage", garbage});
  files.push_back({"text", "this is not an ELF file\n"});
  Db db;
  for (const auto& [name, data] : files) {
    std::string path = dir.path() + "/" + name + "/cppapp";
    Sh("mkdir -p '" + dir.path() + "/" + name + "'");
    pprof_test::WriteAll(path, data);
    int64_t id = LoadSymbolized(db, SmallProfile(name + ".pb", path, ""), "");
    std::string log = Log(db, id);
    if (data.size() < bin.size() / 2 || name == "text") {
      // Nothing usable: a message that names the file and the problem.
      EXPECT_EQ(LinesOf(db, id), 0) << name;
      EXPECT_NE(log.find("Local symbolization failed for cppapp: " + path + ": "), std::string::npos)
          << name << ": " << log;
    }
  }
  EXPECT_NE(Log(db, 1).find(": not an ELF file"), std::string::npos) << Log(db, 1);
  EXPECT_NE(Log(db, static_cast<int64_t>(files.size())).find(": not an ELF file"), std::string::npos);
}

void SettingsReloadAndExplicitSymbolize() {
  const Build& b = *g_build;
  std::string prof = SmallProfile("reload.pb", b.nopie, "");
  Db db;
  EXPECT_EQ(db.One("SELECT pprof_config('symbolize')"), "none");
  int64_t id = std::stoll(db.One("SELECT pprof_load(" + Quote(prof) + ")"));
  EXPECT_EQ(LinesOf(db, id), 0);
  // Changing the setting and loading the unchanged file again symbolizes it, under the same id.
  db.Query("SELECT pprof_config('symbolize', 'local')");
  EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(prof) + ")"), std::to_string(id));
  EXPECT_GE(LinesOf(db, id), 3);
  db.Query("SELECT pprof_config('symbolize', 'none')");
  EXPECT_EQ(db.One("SELECT pprof_load(" + Quote(prof) + ")"), std::to_string(id));
  EXPECT_EQ(LinesOf(db, id), 0);
  // pprof_symbolize: now, in place, returning the number of locations symbolized.
  EXPECT_EQ(db.One("SELECT pprof_symbolize(" + std::to_string(id) + ")"), "3");
  EXPECT_GE(LinesOf(db, id), 3);
  EXPECT_EQ(db.One("SELECT pprof_symbolize(" + std::to_string(id) + ")"), "0");  // already symbolized
  EXPECT_EQ(db.One("SELECT pprof_symbolize(" + std::to_string(id) + ", 'local:force')"), "3");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_functions WHERE profile_id = " + std::to_string(id) +
                   " AND name = '_ZN8workload6MatMulEij'"),
            "0");
  EXPECT_EQ(db.One("SELECT pprof_symbolize(" + std::to_string(id) + ", 'local:force:demangle=none') > 0"), "1");
  EXPECT_EQ(db.One("SELECT count(*) > 0 FROM pprof_lines WHERE profile_id = " + std::to_string(id) +
                   " AND function_name = '_ZN8workload6MatMulEij'"),
            "1");
  // Clear errors for what is not supported.
  EXPECT_NE(db.Try("SELECT pprof_config('symbolize', 'remote')").find("'remote' is not supported"), std::string::npos);
  EXPECT_NE(db.Try("SELECT pprof_config('symbolize', 'bogus')").find("unknown symbolization mode 'bogus'"),
            std::string::npos);
  EXPECT_NE(db.Try("SELECT pprof_symbolize(99)").find("no such profile"), std::string::npos);
  // binary_path: set, read back, NULL restores the default.
  EXPECT_EQ(db.One("SELECT pprof_config('binary_path', '/a:/b')"), "/a:/b");
  EXPECT_EQ(db.One("SELECT pprof_config('binary_path', NULL)"), pprofsql::DefaultBinaryPath());
}

void LocationsWithLinesAreKeptUnlessForced() {
  const Build& b = *g_build;
  Segment text = ExecSegment(b.nopie);
  uint64_t matmul = 0;
  for (const Symbol& s : Functions(b.nopie)) {
    if (s.name == "_ZN8workload6MatMulEij") matmul = s.addr + 8;
  }
  ASSERT_NE(matmul, 0u);
  perftools::profiles::Profile p;
  for (const char* s : {"", "samples", "count", b.nopie.c_str(), "kept_function"}) p.add_string_table(s);
  auto* st = p.add_sample_type();
  st->set_type(1);
  st->set_unit(2);
  auto* m = p.add_mapping();
  m->set_id(1);
  m->set_memory_start(text.vaddr & ~0xfffULL);
  m->set_memory_limit(text.vaddr + text.memsz);
  m->set_file_offset(text.offset & ~0xfffULL);
  m->set_filename(3);
  auto* f = p.add_function();
  f->set_id(7);
  f->set_name(4);
  for (int i = 1; i <= 2; i++) {
    auto* l = p.add_location();
    l->set_id(i);
    l->set_mapping_id(1);
    l->set_address(matmul);
    if (i == 1) l->add_line()->set_function_id(7);
    auto* smp = p.add_sample();
    smp->add_location_id(i);
    smp->add_value(1);
  }
  std::string bytes;
  ASSERT_TRUE(p.SerializeToString(&bytes));
  const std::string path = b.dir + "/kept.pb";
  pprof_test::WriteAll(path, bytes);
  Db db;
  int64_t id = LoadSymbolized(db, path, "");
  Rows names = db.Query("SELECT location_id, function_name FROM pprof_lines WHERE profile_id = " + std::to_string(id) +
                        " AND line_index = 0 ORDER BY 1");
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0], (std::vector<std::string>{"1", "kept_function"}));
  EXPECT_NE(names[1][1], "kept_function");
  EXPECT_EQ(db.One("SELECT pprof_symbolize(" + std::to_string(id) + ", 'local:force')"), "2");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_lines WHERE function_name = 'kept_function'"), "0");
  // The old function stays (as pprof keeps it), the new ones get new ids.
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_functions WHERE function_id = 7"), "1");
}

TEST(SymbolizeDemangle, AsCxxFilt) {
  for (const char* mangled : {"_ZN8workload6MatMulEij", "_ZN12_GLOBAL__N_15PhaseEji", "_ZN8workload9MakeWordsB5cxx11Emj",
                              "_ZL3Mixj.constprop.0", "_ZNSt6vectorIiSaIiEE9push_backERKi"}) {
    std::string want = Sh(std::string("c++filt '") + mangled + "'");
    EXPECT_EQ(pprofsql::Demangle(mangled) + "\n", want);
  }
  EXPECT_EQ(pprofsql::Demangle("main"), "main");
  EXPECT_EQ(pprofsql::Demangle("i"), "i");  // not a mangled name, although __cxa_demangle reads it as a type
}

}  // namespace

namespace {

// The real thing: cppapp run under gperftools' CPU profiler writes a legacy
// binary profile; pprof_load reads it and symbolizes it from the binary at
// the mapping's path. Every location of the program's mapping is checked
// against addr2line (the reader has already made non-leaf addresses point
// into the call instruction, as pprof does).
void GperftoolsCpuProfile() {
  const Build& b = *g_build;
  Sh("cd '" + b.dir + "' && CPUPROFILE_FREQUENCY=1000 ./cppapp cpu '" + b.dir + "' 7 1 >/dev/null 2>&1");
  ASSERT_TRUE(pprof_test::Exists(b.dir + "/cpu.prof"));
  Db db;
  int64_t id = LoadSymbolized(db, b.dir + "/cpu.prof", "");
  const std::string pid = std::to_string(id);
  std::string mapping = db.One("SELECT mapping_id FROM pprof_mappings WHERE profile_id = " + pid +
                               " AND filename = " + Quote(b.nopie));
  EXPECT_EQ(db.One("SELECT has_functions || has_filenames || has_line_numbers || has_inline_frames FROM "
                   "pprof_mappings WHERE profile_id = " + pid + " AND mapping_id = " + mapping),
            "1111");
  Rows locs = db.Query("SELECT location_id, address FROM pprof_locations WHERE profile_id = " + pid +
                       " AND mapping_id = " + mapping + " ORDER BY location_id");
  ASSERT_GT(locs.size(), 20u);
  std::vector<uint64_t> addrs;
  for (const auto& r : locs) addrs.push_back(std::stoull(r[1]));
  auto want = Addr2line(b.nopie, addrs, true, b.dir);
  auto want_sys = Addr2line(b.nopie, addrs, false, b.dir);
  auto got = Symbolized(db, id);
  auto got_sys = Symbolized(db, id, true);
  size_t same = 0, tolerated = 0;
  for (size_t i = 0; i < locs.size(); i++) {
    int64_t loc = std::stoll(locs[i][0]);
    EXPECT_FALSE(got[loc].empty()) << "location " << loc << " not symbolized";
    int a = Agreement(got[loc], got_sys[loc], want[addrs[i]], want_sys[addrs[i]]);
    EXPECT_NE(a, 2) << std::hex << addrs[i] << ": addr2line says " << ::testing::PrintToString(want[addrs[i]])
                    << ", we say " << ::testing::PrintToString(got[loc]);
    same += a == 0;
    tolerated += a == 1;
  }
  EXPECT_GE(same * 10, locs.size() * 9);
  std::printf("[ symbolize ] gperftools CPU profile: %zu locations of cppapp, %zu equal to addr2line, %zu in "
              "binutils' known ways\n",
              locs.size(), same, tolerated);
  // The program's own functions, with their files and lines, in the reports.
  // (HashAll: a quarter of the run, so its samples never miss; MatMul, at
  // 2%, sometimes gets none in so short a run.)
  EXPECT_EQ(db.One("SELECT count(DISTINCT name) FROM pprof_functions WHERE profile_id = " + pid +
                   " AND (name LIKE 'workload::HashAll(%' OR name IN ('(anonymous namespace)::Phase(unsigned int, "
                   "int)', 'main')) AND filename LIKE '%/cppapp/%.cc'"),
            "3");
  EXPECT_EQ(db.One("SELECT count(*) > 0 FROM pprof_lines WHERE profile_id = " + pid +
                   " AND function_name LIKE 'workload::HashAll(%' AND line BETWEEN 57 AND 63"),
            "1");
  // pprof's -list of HashAll: its source file's lines, read through the file
  // names DWARF gave, each numbered line equal to that line of workload.cc.
  const std::string source = pprof_test::ReadAll(pprof_test::CorpusDir() + "/src/cpp/cppapp/workload.cc");
  std::vector<std::string> source_lines;
  for (size_t at = 0; at < source.size();) {
    size_t nl = source.find('\n', at);
    if (nl == std::string::npos) nl = source.size();
    source_lines.push_back(source.substr(at, nl - at));
    at = nl + 1;
  }
  // The search path is the build's temporary folder, not the current one: with
  // no trim_path, pprof cuts a file name after the first "/<search path's base
  // name>/" in it, and ctest runs this in build/tests while the source is under
  // tests/corpus, so "/tests/" would cut it to a relative name that is not there.
  db.Query("SELECT pprof_config('source_path', " + Quote(b.dir) + ")");
  Rows listing = db.Query("SELECT text FROM pprof_list_text WHERE profile_id = " + pid +
                          " AND options = '' AND symbol = '^workload::HashAll' ORDER BY line_no");
  ASSERT_FALSE(listing.empty());
  EXPECT_EQ(listing[0][0].rfind("Total: ", 0), 0u) << listing[0][0];
  ASSERT_GT(listing.size(), 1u);
  EXPECT_THAT(listing[1][0], ::testing::MatchesRegex("ROUTINE =+ workload::HashAll\\(.*\\) in .*/cppapp/workload.cc"));
  std::string whole;
  for (const auto& row : listing) whole += row[0] + "\n";
  SCOPED_TRACE(whole);
  size_t numbered = 0, with_samples = 0;
  for (const auto& row : listing) {
    const std::string& text = row[0];
    // "      flat        cum     NN:source text": two 10-wide columns, then the line number.
    const size_t colon = text.find(':', 21);
    if (text.rfind("ROUTINE", 0) == 0 || colon == std::string::npos ||
        text.substr(21, colon - 21).find_first_not_of(" 0123456789") != std::string::npos) {
      continue;
    }
    const int line = std::atoi(text.substr(21, colon - 21).c_str());
    ASSERT_GE(line, 1) << text;
    ASSERT_LE(static_cast<size_t>(line), source_lines.size()) << text;
    EXPECT_EQ(text.substr(colon + 1), source_lines[static_cast<size_t>(line) - 1]) << text;
    numbered++;
    with_samples += text.substr(0, 21).find_first_not_of(" .") != std::string::npos;
  }
  EXPECT_GT(numbered, 5u);
  EXPECT_GT(with_samples, 0u) << "no line of HashAll has samples";
  std::printf("[ symbolize ] -list of workload::HashAll: %zu source lines, %zu with samples\n", numbered, with_samples);
}

// The corpus's cpp1.*.sym.pb.gz were symbolized with addr2line from the
// same program built elsewhere: the functions of the program's own frames
// there (files under /src/cppapp) must be among the functions our
// symbolization finds in our build of the same source, with the same file.
void SameFunctionsAsCorpusSymFiles() {
  const Build& b = *g_build;
  std::vector<uint64_t> addrs = CodeAddresses(b.nopie, 1);
  Segment text = ExecSegment(b.nopie);
  const std::string prof = b.dir + "/all.pb";
  WriteProfile(prof, {{text.vaddr & ~0xfffULL, text.vaddr + text.memsz, text.offset & ~0xfffULL, b.nopie, "", addrs}});
  Db db;
  int64_t id = LoadSymbolized(db, prof, "");
  std::set<std::pair<std::string, std::string>> ours;
  for (const auto& r : db.Query("SELECT name, filename FROM pprof_functions WHERE profile_id = " + std::to_string(id) +
                                " AND filename LIKE '%/cppapp/%'")) {
    ours.insert({r[0], r[1].substr(r[1].rfind('/') + 1)});
  }
  size_t compared = 0;
  for (const char* ref : {"cpp1.cpu.sym.pb.gz", "cpp1.heap.sym.pb.gz"}) {
    const std::string path = pprof_test::CorpusDir() + "/" + ref;
    ASSERT_SHARED_EXISTS(path);
    Db rdb;
    std::string rid = rdb.One("SELECT pprof_load(" + Quote(path) + ")");
    for (const auto& r : rdb.Query("SELECT DISTINCT name, filename FROM pprof_functions WHERE profile_id = " + rid +
                                   " AND filename LIKE '/src/cppapp/%'")) {
      compared++;
      EXPECT_TRUE(ours.count({r[0], r[1].substr(r[1].rfind('/') + 1)})) << ref << ": " << r[0] << " in " << r[1];
    }
  }
  EXPECT_GT(compared, 10u);
  std::printf("[ symbolize ] %zu functions of cppapp's own frames in cpp1.*.sym.pb.gz, all found by us\n", compared);
}

}  // namespace

namespace {

// Few tests, each building on the one compiled program: ctest runs every
// test in its own process, and each would compile it again.
TEST_F(SymbolizeTest, MatchesAddr2line) {
  {
    SCOPED_TRACE("GperftoolsCpuProfile");
    GperftoolsCpuProfile();
  }
  {
    SCOPED_TRACE("SameFunctionsAsCorpusSymFiles");
    SameFunctionsAsCorpusSymFiles();
  }
  {
    SCOPED_TRACE("NonPieExecutableMatchesAddr2line");
    NonPieExecutableMatchesAddr2line();
  }
  {
    SCOPED_TRACE("PieExecutableMatchesAddr2line");
    PieExecutableMatchesAddr2line();
  }
  {
    SCOPED_TRACE("SharedLibraryMatchesAddr2line");
    SharedLibraryMatchesAddr2line();
  }
}

TEST_F(SymbolizeTest, BinariesSettingsAndErrors) {
  {
    SCOPED_TRACE("BuildIdMustMatch");
    BuildIdMustMatch();
  }
  {
    SCOPED_TRACE("FindsBinariesByBuildIdAndName");
    FindsBinariesByBuildIdAndName();
  }
  {
    SCOPED_TRACE("MissingBinaryIsReported");
    MissingBinaryIsReported();
  }
  {
    SCOPED_TRACE("CorruptElfFilesAreErrorsNotCrashes");
    CorruptElfFilesAreErrorsNotCrashes();
  }
  {
    SCOPED_TRACE("SettingsReloadAndExplicitSymbolize");
    SettingsReloadAndExplicitSymbolize();
  }
  {
    SCOPED_TRACE("LocationsWithLinesAreKeptUnlessForced");
    LocationsWithLinesAreKeptUnlessForced();
  }
}

}  // namespace
