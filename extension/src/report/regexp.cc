#include "report/regexp.h"

#include <re2/re2.h>

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
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

bool Regexp::FullMatch(std::string_view text) const {
  return re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

int Regexp::program_size() const { return re_->ProgramSize(); }

}  // namespace pprofsql
