// Go-compatible regular expressions, as pprof uses them for -focus, -ignore,
// -hide, -show, -show_from, -tagfocus, -prune_from, drop_frames and the SQL
// REGEXP operator. A thin wrapper over RE2, whose syntax is Go's regexp
// syntax (regexp/syntax with the Perl flags: one-line ^ and $, `.` not
// matching \n, \d \w \s, non-greedy operators, (?flags), \pN, [[:alpha:]]).
//
// Text that is not valid UTF-8 matches as in Go: each byte that starts no
// valid sequence is read as U+FFFD (RE2 alone would match none of them).
//
// Known differences from Go 1.19's regexp that this wrapper does not paper
// over: RE2 accepts \C (any byte), which Go rejects; Go's "expression nests
// too deeply" limit (nesting > 1000) is reported differently by RE2.
//
// Nothing is cached globally: each Regexp owns its compiled program (shared
// between copies, immutable, safe to use from several threads).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace pprofsql {

class Regexp {
 public:
  // Compiles `pattern` (Go RE2 syntax, UTF-8, case-sensitive). On failure
  // the status message is Go's regexp.Compile error text:
  //   error parsing regexp: missing closing ): `(abc`
  static Result<Regexp> Compile(std::string_view pattern);

  // Unanchored: true when `text` contains a match (Go's MatchString).
  bool Search(std::string_view text) const;
  // Anchored at both ends: true when the whole of `text` matches.
  bool FullMatch(std::string_view text) const;

  const std::string& pattern() const { return pattern_; }
  // The size of the compiled program (RE2's ProgramSize): a search costs at
  // worst about this many steps per byte of text.
  int program_size() const;

 private:
  Regexp(std::shared_ptr<const re2::RE2> re, std::string pattern) : re_(std::move(re)), pattern_(std::move(pattern)) {}
  std::shared_ptr<const re2::RE2> re_;
  std::string pattern_;
};

}  // namespace pprofsql
