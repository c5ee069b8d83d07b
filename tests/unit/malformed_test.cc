// Bad input to pprof_load: every malformed, truncated, corrupted or oversized
// file must give a SQL error that starts with "pprof_load: ", names the file
// and says what is wrong -- never a crash or undefined behaviour (this suite
// also runs under AddressSanitizer and UBSan) -- and a failing load must leave
// the profiles loaded before it untouched.
//
// Most cases build a small, well-formed profile with the generated protobuf
// classes and break exactly one thing in it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "profile.pb.h"
#include "test_util.h"

namespace {

using pprof_test::Gunzip;

namespace pb = perftools::profiles;
using pprof_test::Db;
using pprof_test::Gzip;
using pprof_test::GzipRepeated;
using pprof_test::TempDir;
using pprof_test::Quote;
using pprof_test::Rows;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;




// ---- profiles ----

// A small, valid profile: two sample types, two samples with labels, two
// locations (one per function) in one mapping.
//   string_table: 0 "", 1 samples, 2 count, 3 cpu, 4 nanoseconds, 5 main.main,
//                 6 main.go, 7 main.foo, 8 /bin/prog, 9 key, 10 val, 11 bytes
pb::Profile ValidProfile() {
  pb::Profile p;
  for (const char* s : {"", "samples", "count", "cpu", "nanoseconds", "main.main", "main.go", "main.foo",
                        "/bin/prog", "key", "val", "bytes"}) {
    p.add_string_table(s);
  }
  auto* st = p.add_sample_type();
  st->set_type(1);
  st->set_unit(2);
  st = p.add_sample_type();
  st->set_type(3);
  st->set_unit(4);
  p.mutable_period_type()->set_type(3);
  p.mutable_period_type()->set_unit(4);
  p.set_period(10000000);
  p.set_time_nanos(1700000000000000000);
  p.set_duration_nanos(1000000000);

  auto* m = p.add_mapping();
  m->set_id(1);
  m->set_memory_start(0x400000);
  m->set_memory_limit(0x500000);
  m->set_filename(8);
  m->set_has_functions(true);

  for (uint64_t id : {1, 2}) {
    auto* f = p.add_function();
    f->set_id(id);
    f->set_name(id == 1 ? 5 : 7);
    f->set_system_name(id == 1 ? 5 : 7);
    f->set_filename(6);
    f->set_start_line(static_cast<int64_t>(10 * id));

    auto* l = p.add_location();
    l->set_id(id);
    l->set_mapping_id(1);
    l->set_address(0x400000 + 0x10 * id);
    auto* line = l->add_line();
    line->set_function_id(id);
    line->set_line(static_cast<int64_t>(10 * id + 1));
  }

  auto* s = p.add_sample();  // main.foo <- main.main
  s->add_location_id(2);
  s->add_location_id(1);
  s->add_value(3);
  s->add_value(30000000);
  auto* lab = s->add_label();
  lab->set_key(9);
  lab->set_str(10);
  lab = s->add_label();
  lab->set_key(9);
  lab->set_num(42);
  lab->set_num_unit(11);

  s = p.add_sample();  // main.main
  s->add_location_id(1);
  s->add_value(1);
  s->add_value(10000000);
  return p;
}

std::string Serialize(const pb::Profile& p) {
  std::string out;
  EXPECT_TRUE(p.SerializeToString(&out));
  return out;
}

std::string CorpusFile() { return pprof_test::CorpusDir() + "/go1.cpu.pb.gz"; }

// ---- loading ----

std::string LoadSql(const std::string& path) { return "SELECT pprof_load(" + Quote(path) + ")"; }

// Loads `path`; returns "" on success or the error message.
std::string TryLoad(Db& db, const std::string& path) { return db.Try(LoadSql(path)); }

// The error a load of `path` must give: it names the function, the file and
// the problem.
#define EXPECT_LOAD_ERROR(db, path, phrase)                                                             \
  do {                                                                                                  \
    const std::string _path = (path);                                                                   \
    std::string _err = TryLoad((db), _path);                                                            \
    EXPECT_THAT(_err, AllOf(StartsWith("pprof_load: "), HasSubstr(_path), HasSubstr(phrase)))          \
        << "loading " << _path;                                                                         \
  } while (0)

int64_t ProfileCount(Db& db) { return std::stoll(db.One("SELECT count(*) FROM pprof_profiles")); }

// Reads every column of every table for profile `id`: a profile that loads
// must also be safe to query.
void QueryEverything(Db& db, const std::string& id) {
  for (const char* t : {"pprof_profiles", "pprof_sample_types", "pprof_samples", "pprof_stacks", "pprof_locations",
                        "pprof_lines", "pprof_functions", "pprof_mappings", "pprof_labels", "pprof_frames",
                        "pprof_nodes", "pprof_node_edges", "pprof_node_stacks"}) {
    Rows rows;
    std::string err = db.Try(std::string("SELECT * FROM ") + t + " WHERE profile_id = " + id, &rows);
    EXPECT_EQ(err, "") << t << " of profile " << id;
  }
}

// Writes `profile` with `breakage` applied, loads it and expects an error
// containing `phrase`.
void ExpectBroken(const std::function<void(pb::Profile&)>& breakage, const std::string& phrase) {
  TempDir dir;
  Db db;
  pb::Profile p = ValidProfile();
  breakage(p);
  EXPECT_LOAD_ERROR(db, dir.Write("broken.pb", Serialize(p)), phrase);
  // The gzip-compressed form gives the same error.
  EXPECT_LOAD_ERROR(db, dir.Write("broken.pb.gz", Gzip(Serialize(p))), phrase);
  EXPECT_EQ(ProfileCount(db), 0);
}

// ---- sanity: the profile the other cases break is itself valid ----

TEST(Malformed, BaselineProfileLoads) {
  TempDir dir;
  Db db;
  std::string raw = dir.Write("ok.pb", Serialize(ValidProfile()));
  std::string gz = dir.Write("ok.pb.gz", Gzip(Serialize(ValidProfile())));
  EXPECT_EQ(db.One(LoadSql(raw)), "1");
  EXPECT_EQ(db.One(LoadSql(gz)), "2");
  EXPECT_EQ(db.One("SELECT sample_count || ',' || location_count || ',' || function_count || ',' || mapping_count "
                   "FROM pprof_profiles WHERE profile_id = 1"),
            "2,2,2,1");
  EXPECT_EQ(db.One("SELECT count(*) FROM pprof_labels WHERE profile_id = 2"), "2");
  QueryEverything(db, "1");
}

// ---- not a profile ----

TEST(Malformed, EmptyFile) {
  TempDir dir;
  Db db;
  EXPECT_LOAD_ERROR(db, dir.Write("empty.pb", ""), "empty input file");
  // A gzip stream of nothing decompresses to nothing.
  EXPECT_LOAD_ERROR(db, dir.Write("empty.pb.gz", Gzip("")), "empty input file");
}

TEST(Malformed, TextFile) {
  TempDir dir;
  Db db;
  EXPECT_LOAD_ERROR(db, dir.Write("notes.txt", "This is not a profile.\nJust some text, line two.\n"),
                    "not a pprof profile");
  EXPECT_LOAD_ERROR(db, dir.Write("hello.txt", "hello\n"), "not a pprof profile");
  // Text that no legacy format recognizes either: the proto reader's error.
  EXPECT_LOAD_ERROR(db, dir.Write("legacy.txt", "--- contentionz:\ncycles/second=3000000000\n"),
                    "not a pprof profile");
  // A contention profile's header alone is a (legacy) profile with no samples, as in pprof.
  EXPECT_EQ(db.One(LoadSql(dir.Write("contention.txt", "--- contention:\ncycles/second=3000000000\n"))), "1");
  EXPECT_EQ(db.One("SELECT group_concat(type, ',') FROM pprof_sample_types"), "contentions,delay");
  EXPECT_EQ(db.One("SELECT sample_count FROM pprof_profiles"), "0");
}

TEST(Malformed, RandomBytes) {
  TempDir dir;
  Db db;
  uint64_t x = 0x9E3779B97F4A7C15u;
  for (int n = 0; n < 20; n++) {
    std::string data(static_cast<size_t>(16 + n * 97), '\0');
    for (char& c : data) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      c = static_cast<char>(x >> 24);
    }
    if (n == 0) data[0] = 0x1f, data[1] = static_cast<char>(0x8b);  // random bytes behind a gzip magic
    std::string path = dir.Write("random" + std::to_string(n) + ".bin", data);
    std::string err = TryLoad(db, path);
    EXPECT_THAT(err, AllOf(StartsWith("pprof_load: "), HasSubstr(path))) << "random bytes #" << n;
    if (n == 0) {
      EXPECT_THAT(err, HasSubstr("decompressing profile: "));
    } else {
      EXPECT_THAT(err, HasSubstr("profile")) << "random bytes #" << n;
    }
  }
  EXPECT_EQ(ProfileCount(db), 0);
}

TEST(Malformed, ElfHeader) {
  TempDir dir;
  Db db;
  std::string elf("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0", 24);
  elf.append(200, '\0');
  EXPECT_LOAD_ERROR(db, dir.Write("a.out", elf), "not a pprof profile");
}

TEST(Malformed, PngHeader) {
  TempDir dir;
  Db db;
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1f\xf3\xff" "a", 33);
  EXPECT_LOAD_ERROR(db, dir.Write("image.png", png), "not a pprof profile");
}

// ---- damage to a real profile ----

TEST(Malformed, TruncatedRawProfile) {
  ASSERT_SHARED_EXISTS(CorpusFile());
  const std::string raw = Gunzip(pprof_test::ReadAll(CorpusFile()));
  ASSERT_GT(raw.size(), 1000u);
  TempDir dir;
  Db db;
  // The whole thing loads.
  EXPECT_EQ(TryLoad(db, dir.Write("whole.pb", raw)), "");
  int errors = 0, loaded = 0;
  const size_t kCuts = 200;
  for (size_t i = 0; i < kCuts; i++) {
    const size_t len = 1 + i * (raw.size() - 1) / kCuts;  // 1 .. size-1
    std::string path = dir.Write("trunc" + std::to_string(len) + ".pb", raw.substr(0, len));
    std::string err = TryLoad(db, path);
    if (err.empty()) {
      loaded++;  // cut on a field boundary: a valid (smaller) message
      continue;
    }
    errors++;
    EXPECT_THAT(err, AllOf(StartsWith("pprof_load: "), HasSubstr(path),
                           ::testing::AnyOf(HasSubstr("not a valid profile.proto message"),
                                            HasSubstr("malformed profile"))))
        << "truncated at " << len;
  }
  RecordProperty("errors", errors);
  RecordProperty("loaded", loaded);
  EXPECT_EQ(errors + loaded, static_cast<int>(kCuts));
  EXPECT_GE(errors, static_cast<int>(kCuts * 9 / 10)) << loaded << " truncations loaded";
  EXPECT_EQ(ProfileCount(db), 1 + loaded);
}

TEST(Malformed, TruncatedGzipProfile) {
  ASSERT_SHARED_EXISTS(CorpusFile());
  const std::string gz = pprof_test::ReadAll(CorpusFile());
  TempDir dir;
  Db db;
  const size_t kCuts = 50;
  for (size_t i = 0; i < kCuts; i++) {
    const size_t len = 1 + i * (gz.size() - 1) / kCuts;  // 1 .. size-1
    std::string path = dir.Write("trunc" + std::to_string(len) + ".pb.gz", gz.substr(0, len));
    std::string err = TryLoad(db, path);
    // Cutting a gzip file always loses its trailer, so every cut is an error.
    EXPECT_THAT(err, AllOf(StartsWith("pprof_load: "), HasSubstr(path))) << "truncated at " << len;
    // One byte (0x1f) is not even a gzip magic number; from two bytes on it is
    // a truncated gzip stream.
    if (len >= 2) {
      EXPECT_THAT(err, HasSubstr("unexpected end of gzip data (file truncated?)")) << len;
    }
  }
  // The last byte matters too.
  std::string path = dir.Write("minus1.pb.gz", gz.substr(0, gz.size() - 1));
  EXPECT_LOAD_ERROR(db, path, "file truncated?");
  EXPECT_EQ(ProfileCount(db), 0);
}

TEST(Malformed, FlippedBytesInRawProfile) {
  ASSERT_SHARED_EXISTS(CorpusFile());
  const std::string raw = Gunzip(pprof_test::ReadAll(CorpusFile()));
  TempDir dir;
  Db db;
  const unsigned char kMasks[] = {0x01, 0x80, 0xff, 0x40, 0x7f, 0x08, 0x55, 0x20};
  int errors = 0, loaded = 0;
  const size_t kVariants = 300;
  for (size_t i = 0; i < kVariants; i++) {
    // Evenly spread, plus a deterministic jitter so positions are not all
    // congruent modulo small field sizes.
    const size_t pos = (i * raw.size() / kVariants + (i * 7919) % 13) % raw.size();
    std::string data = raw;
    data[pos] = static_cast<char>(static_cast<unsigned char>(data[pos]) ^ kMasks[i % sizeof(kMasks)]);
    std::string path = dir.Write("flip" + std::to_string(i) + ".pb", data);
    Rows rows;
    std::string err = db.Try(LoadSql(path), &rows);
    if (err.empty()) {
      loaded++;
      // It loaded: querying it must be safe as well.
      ASSERT_EQ(rows.size(), 1u);
      QueryEverything(db, rows[0][0]);
      db.Query("SELECT pprof_unload(" + rows[0][0] + ")");
      continue;
    }
    errors++;
    EXPECT_THAT(err, AllOf(StartsWith("pprof_load: "), HasSubstr(path)))
        << "byte " << pos << " ^ " << int{kMasks[i % sizeof(kMasks)]};
  }
  RecordProperty("errors", errors);
  RecordProperty("loaded", loaded);
  EXPECT_EQ(errors + loaded, static_cast<int>(kVariants));
  EXPECT_GT(errors, 0);
  EXPECT_EQ(ProfileCount(db), 0);
}

TEST(Malformed, FlippedBytesInGzipProfile) {
  ASSERT_SHARED_EXISTS(CorpusFile());
  const std::string gz = pprof_test::ReadAll(CorpusFile());
  TempDir dir;
  Db db;
  const size_t kVariants = 100;
  int errors = 0;
  for (size_t i = 0; i < kVariants; i++) {
    const size_t pos = i * gz.size() / kVariants;
    std::string data = gz;
    data[pos] = static_cast<char>(static_cast<unsigned char>(data[pos]) ^ (i % 2 ? 0x01 : 0xa5));
    std::string path = dir.Write("flip" + std::to_string(i) + ".pb.gz", data);
    Rows rows;
    std::string err = db.Try(LoadSql(path), &rows);
    if (err.empty()) {  // e.g. a flip in the gzip header's mtime
      QueryEverything(db, rows[0][0]);
      db.Query("SELECT pprof_unload(" + rows[0][0] + ")");
      continue;
    }
    errors++;
    EXPECT_THAT(err, AllOf(StartsWith("pprof_load: "), HasSubstr(path))) << "byte " << pos;
  }
  RecordProperty("errors", errors);
  // The CRC-32 in the trailer catches nearly every flip in the compressed data.
  EXPECT_GE(errors, static_cast<int>(kVariants * 8 / 10));
  EXPECT_EQ(ProfileCount(db), 0);
}

TEST(Malformed, CorruptGzipData) {
  TempDir dir;
  Db db;
  const std::string gz = Gzip(Serialize(ValidProfile()));
  // A gzip header followed by no valid deflate data.
  EXPECT_LOAD_ERROR(db, dir.Write("garbage.pb.gz", gz.substr(0, 10) + std::string(40, '\xff')),
                    "decompressing profile: corrupt gzip data: ");
  // A wrong CRC-32 in the trailer.
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 8] = static_cast<char>(bad_crc[bad_crc.size() - 8] ^ 1);
  EXPECT_LOAD_ERROR(db, dir.Write("crc.pb.gz", bad_crc), "decompressing profile: corrupt gzip data: ");
  // A wrong length in the trailer.
  std::string bad_len = gz;
  bad_len[bad_len.size() - 4] = static_cast<char>(bad_len[bad_len.size() - 4] ^ 1);
  EXPECT_LOAD_ERROR(db, dir.Write("len.pb.gz", bad_len), "decompressing profile: corrupt gzip data: ");
  // Trailing bytes after the last member that are not another member.
  EXPECT_LOAD_ERROR(db, dir.Write("trailing.pb.gz", gz + "junk after the gzip stream"),
                    "decompressing profile: corrupt gzip data: ");
  // Gzip of something that is not a profile.
  EXPECT_LOAD_ERROR(db, dir.Write("text.gz", Gzip("hello, world\n")), "not a pprof profile");
  EXPECT_EQ(ProfileCount(db), 0);
}

// Two profiles in one file are one valid protobuf message (protobuf would
// merge them); pprof rejects them by the second time_nanos.
TEST(Malformed, ConcatenatedProfiles) {
  TempDir dir;
  Db db;
  const std::string raw = Serialize(ValidProfile());
  const std::string phrase = "parsing profile: concatenated profiles detected";
  EXPECT_LOAD_ERROR(db, dir.Write("cat.pb", raw + raw), phrase);
  // Two gzip members decode as one stream, as in Go.
  EXPECT_LOAD_ERROR(db, dir.Write("cat.pb.gz", Gzip(raw) + Gzip(raw)), phrase);
  EXPECT_LOAD_ERROR(db, dir.Write("cat2.pb.gz", Gzip(raw + raw)), phrase);
  // A real profile too.
  ASSERT_SHARED_EXISTS(CorpusFile());
  const std::string gz = pprof_test::ReadAll(CorpusFile());
  EXPECT_LOAD_ERROR(db, dir.Write("go.pb.gz", gz + gz), phrase);
  EXPECT_EQ(ProfileCount(db), 0);

  // A time_nanos after a zero one just overwrites it, as in Go: loads.
  pb::Profile first = ValidProfile();
  first.set_time_nanos(0);
  pb::Profile header;
  header.set_time_nanos(5);
  std::string ok = dir.Write("overwrite.pb", Serialize(first) + Serialize(header));
  EXPECT_EQ(TryLoad(db, ok), "");
  EXPECT_EQ(db.One("SELECT time_nanos FROM pprof_profiles"), "5");
  // Two gzip members that together make one profile also load.
  const std::string half1 = raw.substr(0, raw.size() / 2), half2 = raw.substr(raw.size() / 2);
  EXPECT_EQ(TryLoad(db, dir.Write("halves.pb.gz", Gzip(half1) + Gzip(half2))), "");
  EXPECT_EQ(ProfileCount(db), 2);
}

TEST(Malformed, NotARegularFile) {
  TempDir dir;
  Db db;
  // A FIFO with no writer: opening it for reading would block forever.
  std::string fifo = dir.path() + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_LOAD_ERROR(db, fifo, "not a regular file");
  EXPECT_LOAD_ERROR(db, "/dev/null", "not a regular file");
  EXPECT_EQ(ProfileCount(db), 0);
}

// ---- broken cross references ----

TEST(Malformed, StringIndexOutOfRangeInFunctionName) {
  ExpectBroken([](pb::Profile& p) { p.mutable_function(1)->set_name(12); },
               "a function's name refers to string 12 but the string table has 12 entries");
}

TEST(Malformed, StringIndexOutOfRangeInSampleType) {
  ExpectBroken([](pb::Profile& p) { p.mutable_sample_type(1)->set_type(1000000); },
               "a sample type refers to string 1000000");
}

TEST(Malformed, StringIndexOutOfRangeInLabelKey) {
  ExpectBroken([](pb::Profile& p) { p.mutable_sample(0)->mutable_label(1)->set_key(99); },
               "a label's key refers to string 99");
}

TEST(Malformed, NegativeStringIndex) {
  ExpectBroken([](pb::Profile& p) { p.mutable_mapping(0)->set_filename(-1); },
               "a mapping's filename refers to string -1");
  ExpectBroken([](pb::Profile& p) { p.mutable_sample(1)->add_label()->set_str(INT64_MIN); },
               "a label's value refers to string -9223372036854775808");
  ExpectBroken([](pb::Profile& p) { p.add_comment(-5); }, "a comment refers to string -5");
}

TEST(Malformed, StringIndexOutOfRangeInHeaderFields) {
  ExpectBroken([](pb::Profile& p) { p.mutable_period_type()->set_unit(12); }, "period_type's unit refers to string 12");
  ExpectBroken([](pb::Profile& p) { p.set_drop_frames(INT64_MAX); }, "drop_frames refers to string");
  ExpectBroken([](pb::Profile& p) { p.set_default_sample_type(40); }, "default_sample_type refers to string 40");
}

TEST(Malformed, SampleWithNilLocation) {
  ExpectBroken([](pb::Profile& p) { p.mutable_sample(1)->add_location_id(77); },
               "sample has nil location (sample 2 refers to location id 77");
}

TEST(Malformed, LocationLineWithNilFunction) {
  ExpectBroken([](pb::Profile& p) { p.mutable_location(0)->add_line()->set_function_id(5); },
               "location id: 1 has a line with nil function (function id 5");
  // A line with no function id at all refers to function 0, which cannot exist.
  ExpectBroken([](pb::Profile& p) { p.mutable_location(1)->add_line()->set_line(3); }, "nil function");
}

TEST(Malformed, WrongNumberOfValues) {
  ExpectBroken([](pb::Profile& p) { p.mutable_sample(1)->add_value(7); },
               "mismatch: sample 2 has 3 values vs. 2 types");
  ExpectBroken([](pb::Profile& p) { p.mutable_sample(0)->clear_value(); },
               "mismatch: sample 1 has 0 values vs. 2 types");
}

TEST(Malformed, SamplesWithoutSampleTypes) {
  ExpectBroken([](pb::Profile& p) { p.clear_sample_type(); }, "missing sample type information");
}

// Many sample types and many samples, each with no values: rejected as a
// mismatch without first reserving samples x types values (which would be
// terabytes).
TEST(Malformed, ManySampleTypesManySamples) {
  TempDir dir;
  Db db;
  pb::Profile p;
  p.add_string_table("");
  for (int i = 0; i < 200000; i++) p.add_sample_type();
  for (int i = 0; i < 200000; i++) p.add_sample();
  std::string path = dir.Write("wide.pb.gz", Gzip(Serialize(p)));
  EXPECT_LOAD_ERROR(db, path, "mismatch: sample 1 has 0 values vs. 200000 types");
}

TEST(Malformed, DuplicateIds) {
  ExpectBroken([](pb::Profile& p) { p.mutable_location(1)->set_id(1); }, "multiple locations with same id: 1");
  ExpectBroken([](pb::Profile& p) { p.mutable_function(0)->set_id(2); }, "multiple functions with same id: 2");
  ExpectBroken([](pb::Profile& p) { *p.add_mapping() = p.mapping(0); }, "multiple mappings with same id: 1");
}

TEST(Malformed, ReservedIdZero) {
  // The wording (ID / id) is pprof's own.
  ExpectBroken([](pb::Profile& p) { p.mutable_location(0)->set_id(0); }, "found location with reserved id=0");
  ExpectBroken([](pb::Profile& p) { p.mutable_function(0)->set_id(0); }, "found function with reserved ID=0");
  ExpectBroken([](pb::Profile& p) { p.mutable_mapping(0)->set_id(0); }, "found mapping with reserved ID=0");
}

TEST(Malformed, FirstStringNotEmpty) {
  ExpectBroken([](pb::Profile& p) { p.set_string_table(0, "oops"); }, "string_table[0] must be ''");
}

TEST(Malformed, NoStringTable) {
  ExpectBroken([](pb::Profile& p) { p.clear_string_table(); },
               "the string table is empty (entry 0 must be \"\"); is this a pprof profile?");
  // Bytes that happen to parse as a protobuf message (here time_nanos = 1
  // and a field 1 of the wrong wire type) but are no profile.
  TempDir dir;
  Db db;
  EXPECT_LOAD_ERROR(db, dir.Write("t1", std::string("\x48\x01", 2)), "is this a pprof profile?");
  // A known field with the wrong wire type is an error, as in pprof's decoder.
  EXPECT_LOAD_ERROR(db, dir.Write("t2", std::string("\x08\x01", 2)), "type mismatch");
}

// pprof's string table holds bytes, not necessarily UTF-8 (Go strings are
// byte strings; C/C++ profilers write file names as they find them), and
// go tool pprof reads such profiles. DISABLED: extension/proto/profile.proto
// declares `repeated string string_table` under proto3, so protobuf rejects
// the whole message ("not a valid profile.proto message") and logs to stderr;
// declaring it `bytes` (same wire format, same C++ API) fixes it.
TEST(Malformed, NonUtf8StringsLoad) {
  TempDir dir;
  Db db;
  pb::Profile p = ValidProfile();
  p.set_string_table(7, "main.f\xe9\xff");  // Latin-1 e-acute and a stray 0xff
  std::string path = dir.Write("latin1.pb", Serialize(p));
  EXPECT_EQ(TryLoad(db, path), "");
  EXPECT_EQ(db.One("SELECT hex(name) FROM pprof_functions WHERE function_id = 2"), "6D61696E2E66E9FF");
}

// ---- size limits ----

TEST(Malformed, GzipBomb) {
  TempDir dir;
  Db db;
  EXPECT_EQ(db.One("SELECT pprof_config('max_profile_bytes', 1048576)"), "1048576");
  // 64 MiB of zeros: a few tens of KiB compressed.
  std::string bomb = GzipRepeated(std::string(1 << 20, '\0'), 64);
  ASSERT_LT(bomb.size(), 1u << 20);
  std::string path = dir.Write("bomb.pb.gz", bomb);
  std::string err = TryLoad(db, path);
  EXPECT_THAT(err, AllOf(StartsWith("pprof_load: "), HasSubstr(path), HasSubstr("larger than the limit of 1 MiB"),
                         HasSubstr("pprof_config('max_profile_bytes', N)")));
  // The same bomb split over many gzip members.
  std::string members;
  for (int i = 0; i < 4; i++) members += GzipRepeated(std::string(1 << 20, '\0'), 1);
  EXPECT_LOAD_ERROR(db, dir.Write("members.pb.gz", members), "larger than the limit of 1 MiB");
  EXPECT_EQ(ProfileCount(db), 0);
}

TEST(Malformed, RawFileLargerThanLimit) {
  TempDir dir;
  Db db;
  db.Query("SELECT pprof_config('max_profile_bytes', 1048576)");
  // A valid profile, padded past the limit with a long comment.
  pb::Profile p = ValidProfile();
  p.add_string_table(std::string(2 << 20, 'x'));
  p.add_comment(p.string_table_size() - 1);
  std::string path = dir.Write("big.pb", Serialize(p));
  std::string err = TryLoad(db, path);
  EXPECT_THAT(err, AllOf(StartsWith("pprof_load: "), HasSubstr(path), HasSubstr("larger than the limit of 1048576"),
                         HasSubstr("pprof_config('max_profile_bytes', N)")));
  // Raising the limit lets it load.
  db.Query("SELECT pprof_config('max_profile_bytes', 4194304)");
  EXPECT_EQ(TryLoad(db, path), "");
  EXPECT_EQ(ProfileCount(db), 1);
}

TEST(Malformed, RaisingTheLimitLoadsALegitimateProfile) {
  ASSERT_SHARED_EXISTS(CorpusFile());
  const std::string gz = pprof_test::ReadAll(CorpusFile());
  const std::string raw = Gunzip(gz);
  TempDir dir;
  Db db;
  std::string gz_path = dir.Write("go1.cpu.pb.gz", gz);
  std::string raw_path = dir.Write("go1.cpu.pb", raw);

  // One byte too small: both forms fail, naming the limit.
  const std::string tight = std::to_string(raw.size() - 1);
  db.Query("SELECT pprof_config('max_profile_bytes', " + tight + ")");
  EXPECT_LOAD_ERROR(db, gz_path, "larger than the limit of " + tight + " bytes once decompressed");
  EXPECT_LOAD_ERROR(db, raw_path, "larger than the limit of " + tight);
  EXPECT_EQ(ProfileCount(db), 0);

  // Exactly the decompressed size: both load, and agree.
  db.Query("SELECT pprof_config('max_profile_bytes', " + std::to_string(raw.size()) + ")");
  EXPECT_EQ(TryLoad(db, gz_path), "");
  EXPECT_EQ(TryLoad(db, raw_path), "");
  EXPECT_EQ(db.One("SELECT count(DISTINCT sample_count || '/' || location_count) FROM pprof_profiles"), "1");
  EXPECT_NE(db.One("SELECT sample_count FROM pprof_profiles WHERE profile_id = 1"), "0");

  // Far below, then raised to the default: the gzip file loads again (as a new
  // profile, having been unloaded).
  db.Query("SELECT pprof_unload(1)");
  db.Query("SELECT pprof_config('max_profile_bytes', 100)");
  EXPECT_LOAD_ERROR(db, gz_path, "limit of 100 bytes");
  db.Query("SELECT pprof_config('max_profile_bytes', 1073741824)");
  EXPECT_EQ(TryLoad(db, gz_path), "");
  EXPECT_EQ(ProfileCount(db), 2);
}

// ---- a failing load changes nothing ----

TEST(Malformed, FailingLoadKeepsEarlierProfiles) {
  TempDir dir;
  Db db;
  std::string good = dir.Write("good.pb.gz", Gzip(Serialize(ValidProfile())));
  EXPECT_EQ(db.One(LoadSql(good)), "1");
  pb::Profile broken = ValidProfile();
  broken.mutable_sample(0)->add_location_id(99);
  EXPECT_LOAD_ERROR(db, dir.Write("bad.pb", Serialize(broken)), "nil location");
  EXPECT_LOAD_ERROR(db, dir.Write("empty.pb", ""), "empty input file");
  EXPECT_LOAD_ERROR(db, dir.path() + "/missing.pb", "No such file or directory");

  EXPECT_EQ(db.Query("SELECT profile_id, path FROM pprof_profiles"), (Rows{{"1", good}}));
  EXPECT_EQ(db.One("SELECT sum(value) FROM pprof_samples WHERE profile_id = 1 AND sample_index = 0"), "4");
  QueryEverything(db, "1");

  // The file loaded is overwritten with garbage and loaded again: the error
  // leaves the loaded profile as it was.
  pprof_test::WriteAll(good, "garbage, not a profile at all");
  EXPECT_LOAD_ERROR(db, good, "not a pprof profile");
  EXPECT_EQ(db.Query("SELECT profile_id, sample_count FROM pprof_profiles"), (Rows{{"1", "2"}}));
  QueryEverything(db, "1");
  // The next successful load gets a fresh id.
  EXPECT_EQ(db.One(LoadSql(dir.Write("good2.pb", Serialize(ValidProfile())))), "2");
}

TEST(Malformed, FailingDirectoryLoadLoadsNothing) {
  TempDir dir;
  Db db;
  std::string earlier = dir.Write("earlier.pb", Serialize(ValidProfile()));
  EXPECT_EQ(db.One(LoadSql(earlier)), "1");

  std::string sub = dir.Mkdir("profiles");
  dir.Write("profiles/a_good.pb.gz", Gzip(Serialize(ValidProfile())));
  pb::Profile broken = ValidProfile();
  broken.mutable_sample(0)->add_value(1);
  std::string bad = dir.Write("profiles/b_bad.pb", Serialize(broken));
  dir.Write("profiles/c_good.pb", Serialize(ValidProfile()));

  EXPECT_LOAD_ERROR(db, sub, "mismatch");
  // The message names the bad file, not just the directory.
  EXPECT_THAT(TryLoad(db, sub), HasSubstr(bad));
  // The same through a glob pattern.
  EXPECT_THAT(TryLoad(db, sub + "/*.pb*"), AllOf(StartsWith("pprof_load: "), HasSubstr(bad), HasSubstr("mismatch")));
  EXPECT_EQ(db.Query("SELECT profile_id FROM pprof_profiles"), (Rows{{"1"}}));

  // Once fixed, the directory loads whole.
  ASSERT_EQ(remove(bad.c_str()), 0);
  EXPECT_EQ(db.One(LoadSql(sub)), "2");
  EXPECT_EQ(ProfileCount(db), 3);
}

// ---- nothing to read ----

TEST(Malformed, NonExistentPath) {
  TempDir dir;
  Db db;
  EXPECT_LOAD_ERROR(db, dir.path() + "/no/such/file.pb.gz", "No such file or directory");
  EXPECT_LOAD_ERROR(db, dir.path() + "/nothing*.pb", "no file matches the pattern");
  EXPECT_THAT(db.Try("SELECT pprof_load(NULL)"), HasSubstr("pprof_load: path is NULL"));
  EXPECT_THAT(db.Try("SELECT pprof_load('')"), HasSubstr("pprof_load: path is empty"));
  EXPECT_EQ(ProfileCount(db), 0);
}

TEST(Malformed, DirectoryWithNoFiles) {
  TempDir dir;
  Db db;
  std::string empty = dir.Mkdir("empty");
  EXPECT_LOAD_ERROR(db, empty, "the directory holds no files");
  // Hidden files and subdirectories do not count.
  std::string hidden = dir.Mkdir("hidden");
  dir.Write("hidden/.profile.pb", Serialize(ValidProfile()));
  dir.Mkdir("hidden/sub");
  dir.Write("hidden/sub/inner.pb", Serialize(ValidProfile()));
  EXPECT_LOAD_ERROR(db, hidden, "the directory holds no files");
  EXPECT_EQ(ProfileCount(db), 0);
}

}  // namespace
