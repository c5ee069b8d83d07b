#include "report/regexp.h"

#include <re2/re2.h>

#include <string>

namespace pprofsql {
namespace {

// Go's regexp/syntax ErrorCode texts for the RE2 error codes.
const char* GoErrorText(re2::RE2::ErrorCode code) {
  switch (code) {
    case re2::RE2::ErrorBadEscape: return "invalid escape sequence";
    case re2::RE2::ErrorBadCharClass: return "invalid character class";
    case re2::RE2::ErrorBadCharRange: return "invalid character class range";
    case re2::RE2::ErrorMissingBracket: return "missing closing ]";
    case re2::RE2::ErrorMissingParen: return "missing closing )";
    case re2::RE2::ErrorUnexpectedParen: return "unexpected )";
    case re2::RE2::ErrorTrailingBackslash: return "trailing backslash at end of expression";
    case re2::RE2::ErrorRepeatArgument: return "missing argument to repetition operator";
    case re2::RE2::ErrorRepeatSize: return "invalid repeat count";
    case re2::RE2::ErrorRepeatOp: return "invalid nested repetition operator";
    case re2::RE2::ErrorBadPerlOp: return "invalid or unsupported Perl syntax";
    case re2::RE2::ErrorBadUTF8: return "invalid UTF-8";
    case re2::RE2::ErrorBadNamedCapture: return "invalid named capture";
    case re2::RE2::ErrorPatternTooLarge: return "expression too large";
    default: return "regexp/syntax: internal error";
  }
}

// The length of the valid UTF-8 sequence at the start of `s`, or 0 when its
// first byte starts none: Go's utf8.DecodeRuneInString rules (no overlong
// forms, no surrogates, nothing above U+10FFFF; unicode/utf8's accept ranges).
size_t ValidRuneLength(std::string_view s) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || s.size() < n) return 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c == 0xE0) lo = 0xA0;
  if (c == 0xED) hi = 0x9F;
  if (c == 0xF0) lo = 0x90;
  if (c == 0xF4) hi = 0x8F;
  if (b(1) < lo || b(1) > hi) return 0;
  for (size_t i = 2; i < n; i++) {
    if (b(i) < 0x80 || b(i) > 0xBF) return 0;
  }
  return n;
}

// Go's regexp reads a string rune by rune and takes every byte that starts no
// valid UTF-8 sequence as U+FFFD (so `.` matches it); RE2 in UTF-8 mode
// matches no invalid byte at all. Profile strings are any bytes, so text with
// such bytes is matched as the same text with each of them replaced by U+FFFD.
// Returns `text` itself when it is valid UTF-8 (the usual case: no copy).
std::string_view AsGoRunes(std::string_view text, std::string* buf) {
  size_t i = 0;
  while (i < text.size()) {
    size_t n = ValidRuneLength(text.substr(i));
    if (n == 0) break;
    i += n;
  }
  if (i == text.size()) return text;
  buf->assign(text.substr(0, i));
  while (i < text.size()) {
    size_t n = ValidRuneLength(text.substr(i));
    if (n == 0) {
      *buf += "\xEF\xBF\xBD";
      i++;
    } else {
      buf->append(text.substr(i, n));
      i += n;
    }
  }
  return *buf;
}

}  // namespace

Result<Regexp> Regexp::Compile(std::string_view pattern) {
  re2::RE2::Options opts;
  opts.set_encoding(re2::RE2::Options::EncodingUTF8);
  opts.set_literal(false);
  opts.set_case_sensitive(true);
  opts.set_log_errors(false);
  // Go has no program-size limit; give RE2 room for large alternations.
  opts.set_max_mem(int64_t{64} << 20);
  auto re = std::make_shared<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!re->ok()) {
    std::string arg = re->error_code() == re2::RE2::ErrorTrailingBackslash ? "" : re->error_arg();
    return Status::Error(std::string("error parsing regexp: ") + GoErrorText(re->error_code()) + ": `" + arg + "`");
  }
  return Regexp(std::move(re), std::string(pattern));
}

bool Regexp::Search(std::string_view text) const {
  std::string buf;
  text = AsGoRunes(text, &buf);
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

bool Regexp::FullMatch(std::string_view text) const {
  std::string buf;
  text = AsGoRunes(text, &buf);
  return re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

int Regexp::program_size() const { return re_->ProgramSize(); }

}  // namespace pprofsql
