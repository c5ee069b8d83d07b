// The corpus of real profiles and `go tool pprof` outputs (../shared/corpus/dev):
// its manifest, which files are profile.proto, and parsers of the goldens that
// several tests check against. Expected numbers come from these goldens, never
// from our code.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "test_util.h"

namespace pprof_corpus {

using pprof_test::CorpusDir;
using pprof_test::ReadAll;

using pprof_test::CorpusManifest;
using pprof_test::CorpusPath;
using pprof_test::ManifestRow;

inline std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = Split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// Whitespace-separated words.
inline std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') i++;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') j++;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

inline bool StartsWith(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }
inline bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
inline bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Splits a shell command into words: '...' and "..." group, a backslash
// outside quotes escapes the next character. (Enough for MANIFEST.tsv.)
inline std::vector<std::string> ShellWords(const std::string& s) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(cur);
      cur.clear();
      in_word = false;
    } else if (c == '\'') {
      in_word = true;
      for (i++; i < s.size() && s[i] != '\''; i++) cur += s[i];
    } else if (c == '"') {
      in_word = true;
      for (i++; i < s.size() && s[i] != '"'; i++) {
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) i++;
        cur += s[i];
      }
    } else if (c == '\\' && i + 1 < s.size()) {
      in_word = true;
      cur += s[++i];
    } else {
      in_word = true;
      cur += c;
    }
  }
  if (in_word) words.push_back(cur);
  return words;
}

// profile.proto, decided from the bytes: gzip-compressed (every legacy file in
// the corpus is uncompressed), or binary that does not start with the zero
// words of a legacy CPU profile.
inline bool LooksLikeProto(const std::string& path) {
  std::string bytes = ReadAll(path);
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
      static_cast<unsigned char>(bytes[1]) == 0x8b) {
    return true;
  }
  if (bytes.empty() || bytes[0] == '\0') return false;
  size_t n = std::min<size_t>(bytes.size(), 64);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (!(c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f))) return true;
  }
  return false;  // text: a legacy heap, contention or thread profile
}

// The distinct profile.proto files the manifest lists, in manifest order.
inline std::vector<std::string> ProtoProfiles() {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const ManifestRow& r : CorpusManifest()) {
    if (!seen.insert(r.profile).second) continue;
    if (LooksLikeProto(r.ProfilePath())) out.push_back(r.profile);
  }
  return out;
}

// Every distinct profile the manifest lists, proto and legacy, in manifest order.
inline std::vector<std::string> AllProfiles() {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const ManifestRow& r : CorpusManifest()) {
    if (seen.insert(r.profile).second) out.push_back(r.profile);
  }
  return out;
}

inline const ManifestRow* FindGolden(const std::vector<ManifestRow>& rows, const std::string& profile,
                              const std::string& must_contain) {
  for (const ManifestRow& r : rows) {
    if (r.profile != profile || !Contains(r.command, must_contain)) continue;
    if (Contains(r.command, "-diff_base") || Contains(r.command, "-base") || Contains(r.command, "-sample_index")) {
      continue;
    }
    return &r;
  }
  return nullptr;
}


// ---------------------------------------------------------------------------
// -top golden

struct TopRow {
  std::string flat;  // as printed, e.g. 1.24s
  std::string name;  // without " (inline)" / " (partial-inline)"
  std::string line;
  std::string cum;           // as printed
  std::string inline_label;  // "(inline)", "(partial-inline)" or ""
};

struct TopGolden {
  std::string type;   // from `Type: `
  std::string total;  // from `... of X total`
  std::vector<TopRow> rows;
};

inline ::testing::AssertionResult ParseTop(const std::string& text, TopGolden* out) {
  std::vector<std::string> lines = Lines(text);
  size_t i = 0;
  for (; i < lines.size(); i++) {
    const std::string& l = lines[i];
    if (StartsWith(l, "Type: ")) out->type = l.substr(6);
    if (StartsWith(l, "Showing nodes accounting for ")) {
      size_t of = l.rfind(" of ");
      size_t total = l.rfind(" total");
      if (of == std::string::npos || total == std::string::npos || total < of) {
        return ::testing::AssertionFailure() << "bad `Showing` line: " << l;
      }
      out->total = l.substr(of + 4, total - of - 4);
    }
    if (l == "      flat  flat%   sum%        cum   cum%") break;
  }
  if (i == lines.size()) return ::testing::AssertionFailure() << "no `flat  flat%` header row";
  for (i++; i < lines.size(); i++) {
    const std::string& l = lines[i];
    // Five columns separated by runs of spaces, then two spaces and the name.
    size_t p = 0;
    std::vector<std::string> cols;
    for (int c = 0; c < 5; c++) {
      while (p < l.size() && l[p] == ' ') p++;
      size_t q = p;
      while (q < l.size() && l[q] != ' ') q++;
      if (q == p) return ::testing::AssertionFailure() << "short top row: " << l;
      cols.push_back(l.substr(p, q - p));
      p = q;
    }
    if (l.compare(p, 2, "  ") != 0 || p + 2 >= l.size()) {
      return ::testing::AssertionFailure() << "no name after the columns: " << l;
    }
    std::string name = l.substr(p + 2), label;
    for (const std::string suffix : {" (inline)", " (partial-inline)"}) {
      if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        name.resize(name.size() - suffix.size());
        label = suffix.substr(1);
        break;
      }
    }
    out->rows.push_back({cols[0], name, l, cols[3], label});
  }
  if (out->type.empty()) return ::testing::AssertionFailure() << "no `Type:` line";
  return ::testing::AssertionSuccess();
}

// pprof's measurement units (internal/measurement/measurement.go, vendored in
// Go 1.19): memory and time.
struct UnitDef {
  const char* canonical;
  std::vector<std::string> aliases;
  double factor;
};
inline const std::vector<UnitDef>& MemoryUnits() {
  static const std::vector<UnitDef> u = {{"B", {"b", "byte"}, 1},
                                         {"kB", {"kb", "kbyte", "kilobyte"}, double(1ull << 10)},
                                         {"MB", {"mb", "mbyte", "megabyte"}, double(1ull << 20)},
                                         {"GB", {"gb", "gbyte", "gigabyte"}, double(1ull << 30)},
                                         {"TB", {"tb", "tbyte", "terabyte"}, double(1ull << 40)},
                                         {"PB", {"pb", "pbyte", "petabyte"}, double(1ull << 50)}};
  return u;
}
inline const std::vector<UnitDef>& TimeUnits() {
  static const std::vector<UnitDef> u = {{"ns", {"ns", "nanosecond"}, 1},
                                         {"us", {"us", "microsecond"}, 1e3},
                                         {"ms", {"ms", "millisecond"}, 1e6},
                                         {"s", {"s", "sec", "second"}, 1e9},
                                         {"hrs", {"hour", "hr"}, 3600e9}};
  return u;
}
// measurement.sniffUnit: lower-cased, a trailing "s" dropped when longer than 2.
inline const UnitDef* Sniff(const std::vector<UnitDef>& units, std::string unit) {
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit.size() > 2 && unit.back() == 's') unit.pop_back();
  for (const UnitDef& u : units) {
    for (const std::string& a : u.aliases) {
      if (a == unit) return &u;
    }
  }
  return nullptr;
}
inline const UnitDef* ByCanonical(const std::vector<UnitDef>& units, const std::string& name) {
  for (const UnitDef& u : units) {
    if (name == u.canonical) return &u;
  }
  return nullptr;
}

// Formats `value` (in `sample_unit`) the way pprof printed `golden` (a
// ScaledLabel in the report's unit): the unit suffix is taken from `golden`.
// Returns false with *why set when the golden's unit cannot be used.
inline bool FormatLike(long long value, const std::string& sample_unit, const std::string& golden, std::string* out,
                std::string* why) {
  size_t end = golden.size();
  while (end > 0 && std::isalpha(static_cast<unsigned char>(golden[end - 1]))) end--;
  std::string suffix = golden.substr(end);
  double scaled = static_cast<double>(value);
  if (!suffix.empty()) {
    const UnitDef* from = nullptr;
    const UnitDef* to = nullptr;
    for (const auto* units : {&MemoryUnits(), &TimeUnits()}) {
      if ((from = Sniff(*units, sample_unit)) != nullptr) {
        to = ByCanonical(*units, suffix);
        break;
      }
    }
    if (!from || !to) {
      *why = "cannot convert sample unit `" + sample_unit + "` to the golden's unit `" + suffix + "`";
      return false;
    }
    scaled = static_cast<double>(value) * from->factor / to->factor;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", scaled);
  std::string s = buf;
  if (s.size() > 3 && s.compare(s.size() - 3, 3, ".00") == 0) s.resize(s.size() - 3);
  if (s == "0" || s == "-0") {
    *out = "0";
  } else {
    *out = s + suffix;
  }
  return true;
}


inline std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string s;
  for (char c : info.param) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s;
}

}  // namespace pprof_corpus
