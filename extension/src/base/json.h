// A JSON string literal from any bytes: what SQL's json_each() splits back.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace pprofsql {

// Escapes '"', '\' and the control bytes; other bytes pass as they are
// (profile strings may hold any bytes; SQLite's JSON functions keep them).
inline void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

}  // namespace pprofsql
