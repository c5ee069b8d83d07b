#include "output.h"

#include <cstdint>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace pprof_shell {
namespace {

const struct {
  Mode mode;
  const char* name;
} kModes[] = {{Mode::kList, "list"},     {Mode::kTabs, "tabs"},   {Mode::kCsv, "csv"},
              {Mode::kJson, "json"},     {Mode::kLine, "line"},   {Mode::kColumn, "column"},
              {Mode::kTable, "table"},   {Mode::kBox, "box"},     {Mode::kMarkdown, "markdown"}};

// Box drawing, as sqlite3 -box prints it.
const char kBoxH[] = "\u2500";      // ─
const char kBoxV[] = "\u2502";      // │
const char kBoxTL[] = "\u250c";     // ┌
const char kBoxTR[] = "\u2510";     // ┐
const char kBoxBL[] = "\u2514";     // └
const char kBoxBR[] = "\u2518";     // ┘
const char kBoxL[] = "\u251c";      // ├
const char kBoxR[] = "\u2524";      // ┤
const char kBoxT[] = "\u252c";      // ┬
const char kBoxB[] = "\u2534";      // ┴
const char kBoxCross[] = "\u253c";  // ┼

// .mode column/table/box/markdown wrap values at this many characters, as
// sqlite3's do (its --wrap 60 default).
constexpr int kWrap = 60;

void Put(FILE* out, const std::string& s) { std::fwrite(s.data(), 1, s.size(), out); }

// The bytes that make sqlite3 quote a CSV field: control characters, space,
// '"', '\'', DEL and every non-ASCII byte.
bool NeedsCsvQuote(unsigned char c) { return c < 0x20 || c == ' ' || c == '"' || c == '\'' || c >= 0x7f; }

void PutCsv(FILE* out, const char* z, const OutputOptions& o) {
  if (z == nullptr) {
    Put(out, o.null_value);
    return;
  }
  bool quote = *z == '\0' || std::strstr(z, o.col_sep.c_str()) != nullptr;
  for (const char* p = z; !quote && *p; p++) quote = NeedsCsvQuote(static_cast<unsigned char>(*p));
  if (!quote) {
    std::fputs(z, out);
    return;
  }
  std::string s = "\"";
  for (const char* p = z; *p; p++) {
    if (*p == '"') s += '"';
    s += *p;
  }
  s += '"';
  Put(out, s);
}

void PutJsonString(FILE* out, const char* z, size_t n) {
  std::string s = "\"";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = static_cast<unsigned char>(z[i]);
    if (c == '\\' || c == '"') {
      s += '\\';
      s += static_cast<char>(c);
    } else if (c <= 0x1f) {
      s += '\\';
      switch (c) {
        case '\b': s += 'b'; break;
        case '\f': s += 'f'; break;
        case '\n': s += 'n'; break;
        case '\r': s += 'r'; break;
        case '\t': s += 't'; break;
        default: {
          char buf[8];
          std::snprintf(buf, sizeof buf, "u%04x", c);
          s += buf;
        }
      }
    } else {
      s += static_cast<char>(c);
    }
  }
  s += '"';
  Put(out, s);
}

void PutJsonValue(FILE* out, sqlite3_stmt* st, int i, int type) {
  switch (type) {
    case SQLITE_NULL:
      std::fputs("null", out);
      break;
    case SQLITE_FLOAT: {
      double r = sqlite3_column_double(st, i);
      uint64_t bits;
      std::memcpy(&bits, &r, sizeof bits);
      char buf[50];
      if (bits == 0x7ff0000000000000ULL) {
        std::fputs("1e999", out);
      } else if (bits == 0xfff0000000000000ULL) {
        std::fputs("-1e999", out);
      } else {
        sqlite3_snprintf(sizeof buf, buf, "%!.20g", r);
        std::fputs(buf, out);
      }
      break;
    }
    case SQLITE_BLOB:
      PutJsonString(out, static_cast<const char*>(sqlite3_column_blob(st, i)),
                    static_cast<size_t>(sqlite3_column_bytes(st, i)));
      break;
    case SQLITE_TEXT: {
      const char* t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      PutJsonString(out, t, t ? std::strlen(t) : 0);
      break;
    }
    default: {
      const unsigned char* t = sqlite3_column_text(st, i);
      std::fputs(t ? reinterpret_cast<const char*>(t) : "null", out);
    }
  }
}

// One display line of z for a columnar cell, as sqlite3 3.40's
// translateForDisplayAndDup (without word wrap): at most `width` characters,
// tabs expanded to the next multiple of 8, ending at a control character.
// *tail gets the rest (the next line of the cell), or null.
std::string DisplayLine(const unsigned char* z, const unsigned char** tail, int width) {
  if (width <= 0) width = 1000000;
  int i = 0, n = 0;
  while (n < width) {
    if (z[i] >= ' ') {
      n++;
      do i++;
      while ((z[i] & 0xc0) == 0x80);
      continue;
    }
    if (z[i] == '\t') {
      do n++;
      while ((n & 7) != 0 && n < width);
      i++;
      continue;
    }
    break;
  }
  const int end = i;
  if (n >= width && z[i] >= ' ') {
    *tail = &z[i];
  } else if (z[i] == '\r' && z[i + 1] == '\n') {
    *tail = z[i + 2] ? &z[i + 2] : nullptr;
  } else if (z[i] == 0 || z[i + 1] == 0) {
    *tail = nullptr;
  } else {
    *tail = &z[i + 1];
  }
  std::string out;
  i = n = 0;
  while (i < end) {
    if (z[i] >= ' ') {
      n++;
      do out += static_cast<char>(z[i++]);
      while ((z[i] & 0xc0) == 0x80);
      continue;
    }
    if (z[i] == '\t') {
      do {
        n++;
        out += ' ';
      } while ((n & 7) != 0 && n < width);
      i++;
      continue;
    }
    break;
  }
  return out;
}

// Characters (not bytes) of UTF-8 text.
int CharCount(const std::string& s) {
  int n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}

void Repeat(FILE* out, const char* s, int n) {
  std::string line;
  for (int i = 0; i < n; i++) line += s;
  Put(out, line);
}

void PutPadded(FILE* out, const std::string& s, int width) {
  Put(out, s);
  Repeat(out, " ", width - CharCount(s));
}

void PutCentered(FILE* out, const std::string& s, int width) {
  int pad = width - CharCount(s);
  Repeat(out, " ", pad / 2);
  Put(out, s);
  Repeat(out, " ", (pad + 1) / 2);
}

// +------+----+ (table) or |------|----| (markdown).
void Separator(FILE* out, const std::vector<int>& widths, const char* join) {
  for (int w : widths) {
    std::fputs(join, out);
    Repeat(out, "-", w + 2);
  }
  std::fputs(join, out);
  std::fputs("\n", out);
}

void BoxSeparator(FILE* out, const std::vector<int>& widths, const char* left, const char* mid, const char* right) {
  for (size_t i = 0; i < widths.size(); i++) {
    std::fputs(i == 0 ? left : mid, out);
    Repeat(out, kBoxH, widths[i] + 2);
  }
  std::fputs(right, out);
  std::fputs("\n", out);
}

// column, table, box and markdown: sqlite3's exec_prepared_stmt_columnar.
int PrintColumnar(sqlite3_stmt* st, const OutputOptions& o, FILE* out) {
  int rc = sqlite3_step(st);
  const int n = sqlite3_column_count(st);
  if (rc != SQLITE_ROW || n == 0) {
    while (rc == SQLITE_ROW) rc = sqlite3_step(st);
    return rc;
  }
  // Cells, row after row, the column names first; a value with several lines
  // takes several rows, and row_ends marks the rows that end a result row.
  std::vector<std::string> cells;
  std::vector<bool> row_ends;
  bool multi_line = false;
  const unsigned char* unused;
  for (int i = 0; i < n; i++) {
    const char* name = sqlite3_column_name(st, i);
    cells.push_back(DisplayLine(reinterpret_cast<const unsigned char*>(name ? name : ""), &unused, o.wrap));
  }
  std::vector<const unsigned char*> next(n, nullptr);
  const auto* empty = reinterpret_cast<const unsigned char*>("");
  const auto* null_value = reinterpret_cast<const unsigned char*>(o.null_value.c_str());
  bool more_lines = false;
  do {
    bool continuing = more_lines;
    more_lines = false;
    row_ends.push_back(true);
    for (int i = 0; i < n; i++) {
      const unsigned char* z;
      if (continuing) {
        z = next[i] ? next[i] : empty;
      } else {
        z = sqlite3_column_text(st, i);
        if (z == nullptr) z = null_value;
      }
      cells.push_back(DisplayLine(z, &next[i], o.wrap));
      if (next[i]) {
        more_lines = true;
        row_ends.back() = false;
        multi_line = true;
      }
    }
  } while (more_lines || (rc = sqlite3_step(st)) == SQLITE_ROW);

  std::vector<int> widths(n, 0);
  for (size_t i = 0; i < cells.size(); i++) {
    int& w = widths[i % n];
    w = std::max(w, CharCount(cells[i]));
  }
  const char* col_sep = "  ";
  std::string row_sep = "\n";
  switch (o.mode) {
    case Mode::kColumn:
      if (o.header) {
        for (int i = 0; i < n; i++) {
          PutPadded(out, cells[i], widths[i]);
          std::fputs(i == n - 1 ? "\n" : "  ", out);
        }
        for (int i = 0; i < n; i++) {
          Repeat(out, "-", widths[i]);
          std::fputs(i == n - 1 ? "\n" : "  ", out);
        }
      }
      break;
    case Mode::kTable:
    case Mode::kMarkdown:
      col_sep = " | ";
      row_sep = " |\n";
      if (o.mode == Mode::kTable) Separator(out, widths, "+");
      std::fputs("| ", out);
      for (int i = 0; i < n; i++) {
        PutCentered(out, cells[i], widths[i]);
        std::fputs(i == n - 1 ? " |\n" : " | ", out);
      }
      Separator(out, widths, o.mode == Mode::kTable ? "+" : "|");
      break;
    case Mode::kBox: {
      static const std::string box_col_sep = std::string(" ") + kBoxV + " ";
      col_sep = box_col_sep.c_str();
      row_sep = std::string(" ") + kBoxV + "\n";
      BoxSeparator(out, widths, kBoxTL, kBoxT, kBoxTR);
      std::fputs(kBoxV, out);
      std::fputs(" ", out);
      for (int i = 0; i < n; i++) {
        PutCentered(out, cells[i], widths[i]);
        Put(out, i == n - 1 ? row_sep : box_col_sep);
      }
      BoxSeparator(out, widths, kBoxL, kBoxCross, kBoxR);
      break;
    }
    default:
      break;
  }
  for (size_t i = n, j = 0; i < cells.size(); i++, j++) {
    if (j == 0 && o.mode != Mode::kColumn) {
      std::fputs(o.mode == Mode::kBox ? kBoxV : "|", out);
      std::fputs(" ", out);
    }
    PutPadded(out, cells[i], widths[j]);
    if (j + 1 < static_cast<size_t>(n)) {
      std::fputs(col_sep, out);
      continue;
    }
    Put(out, row_sep);
    if (multi_line && row_ends[i / n - 1] && i + 1 < cells.size()) {
      if (o.mode == Mode::kTable) Separator(out, widths, "+");
      if (o.mode == Mode::kBox) BoxSeparator(out, widths, kBoxL, kBoxCross, kBoxR);
      if (o.mode == Mode::kColumn) std::fputs("\n", out);
    }
    j = static_cast<size_t>(-1);
  }
  if (o.mode == Mode::kTable) Separator(out, widths, "+");
  if (o.mode == Mode::kBox) BoxSeparator(out, widths, kBoxBL, kBoxB, kBoxBR);
  return rc;
}

}  // namespace

bool ParseMode(const std::string& name, Mode* mode) {
  for (const auto& m : kModes) {
    if (name == m.name) {
      *mode = m.mode;
      return true;
    }
  }
  return false;
}

const char* ModeName(Mode mode) {
  for (const auto& m : kModes) {
    if (m.mode == mode) return m.name;
  }
  return "?";
}

const char* ModeNames() { return "list|tabs|csv|json|line|column|table|box|markdown"; }

void SetMode(OutputOptions& o, Mode mode, bool dot_command) {
  o.mode = mode;
  o.wrap = dot_command ? kWrap : 0;
  switch (mode) {
    case Mode::kList:
      o.col_sep = "|";
      o.row_sep = "\n";
      break;
    case Mode::kTabs:
      o.col_sep = "\t";
      o.row_sep = "\n";
      break;
    case Mode::kCsv:
      o.col_sep = ",";
      o.row_sep = dot_command ? "\r\n" : "\n";
      break;
    case Mode::kLine:
      o.row_sep = "\n";
      break;
    case Mode::kColumn:
      if (dot_command && !o.header_set) o.header = true;
      break;
    default:
      break;
  }
}

int PrintRows(sqlite3_stmt* st, const OutputOptions& o, FILE* out) {
  switch (o.mode) {
    case Mode::kColumn:
    case Mode::kTable:
    case Mode::kBox:
    case Mode::kMarkdown:
      return PrintColumnar(st, o, out);
    default:
      break;
  }
  const int n = sqlite3_column_count(st);
  std::vector<int> types(n);
  std::vector<const char*> values(n);
  size_t name_width = 5;  // line mode: the names' column
  for (int i = 0; i < n; i++) name_width = std::max(name_width, std::strlen(sqlite3_column_name(st, i)));
  long rows = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (n == 0) continue;
    // Types first: sqlite3_column_text converts the value.
    for (int i = 0; i < n; i++) types[i] = sqlite3_column_type(st, i);
    for (int i = 0; i < n; i++) values[i] = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
    switch (o.mode) {
      case Mode::kList:
      case Mode::kTabs:
        if (rows == 0 && o.header) {
          for (int i = 0; i < n; i++) {
            std::fputs(sqlite3_column_name(st, i), out);
            Put(out, i == n - 1 ? o.row_sep : o.col_sep);
          }
        }
        for (int i = 0; i < n; i++) {
          std::fputs(values[i] ? values[i] : o.null_value.c_str(), out);
          Put(out, i == n - 1 ? o.row_sep : o.col_sep);
        }
        break;
      case Mode::kCsv:
        if (rows == 0 && o.header) {
          for (int i = 0; i < n; i++) {
            PutCsv(out, sqlite3_column_name(st, i), o);
            if (i < n - 1) Put(out, o.col_sep);
          }
          Put(out, o.row_sep);
        }
        for (int i = 0; i < n; i++) {
          PutCsv(out, values[i], o);
          if (i < n - 1) Put(out, o.col_sep);
        }
        Put(out, o.row_sep);
        break;
      case Mode::kJson:
        std::fputs(rows == 0 ? "[{" : ",\n{", out);
        for (int i = 0; i < n; i++) {
          const char* name = sqlite3_column_name(st, i);
          PutJsonString(out, name, std::strlen(name));
          std::fputc(':', out);
          PutJsonValue(out, st, i, values[i] ? types[i] : SQLITE_NULL);
          if (i < n - 1) std::fputc(',', out);
        }
        std::fputc('}', out);
        break;
      case Mode::kLine:
        if (rows > 0) Put(out, o.row_sep);
        for (int i = 0; i < n; i++) {
          std::fprintf(out, "%*s = %s", static_cast<int>(name_width), sqlite3_column_name(st, i),
                       values[i] ? values[i] : o.null_value.c_str());
          Put(out, o.row_sep);
        }
        break;
      default:
        break;
    }
    rows++;
  }
  if (o.mode == Mode::kJson && rows > 0) std::fputs("]\n", out);
  return rc;
}

}  // namespace pprof_shell
