#include "repl.h"

#include <editline/readline.h>
#include <sys/resource.h>
#include <unistd.h>

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <new>
#include <stdexcept>

#include "common.h"

namespace pprof_shell {

// Where the lines of SQL and dot-commands come from.
class LineSource {
 public:
  // kCancel: Ctrl-C at the prompt, drop the pending statement. kError: the
  // input cannot be SQL (error() says why); reading it stops.
  enum Result { kLine, kEnd, kCancel, kError };
  virtual ~LineSource() = default;
  virtual Result Next(bool continuation, std::string* line) = 0;
  const std::string& error() const { return error_; }

 protected:
  std::string error_;
};

namespace {

constexpr char kPrompt[] = "pprof> ";
constexpr char kContinuation[] = "   ...> ";
constexpr int kMaxReadDepth = 16;
constexpr int kHistorySize = 2000;

// -c SQL.
class TextLines : public LineSource {
 public:
  explicit TextLines(const std::string& text) : text_(text) {}
  Result Next(bool, std::string* line) override {
    if (pos_ >= text_.size()) return kEnd;
    size_t nl = text_.find('\n', pos_);
    if (nl == std::string::npos) nl = text_.size();
    *line = text_.substr(pos_, nl - pos_);
    pos_ = nl + 1;
    return kLine;
  }

 private:
  const std::string& text_;
  size_t pos_ = 0;
};

// Standard input or a .read file. A line may be as long as the longest
// statement SQLite takes (`max_bytes`), no longer: a file without newlines
// (/dev/zero, a binary file) would otherwise grow the line until memory runs
// out. A NUL byte stops reading at once: SQL text has none (SQLite would end
// the statement there), so the input is not SQL.
class FileLines : public LineSource {
 public:
  FileLines(FILE* in, size_t max_bytes) : in_(in), max_bytes_(max_bytes) {}
  Result Next(bool, std::string* line) override {
    line->clear();
    int c;
    while ((c = std::getc(in_)) != EOF && c != '\n') {
      if (c == '\0') {
        error_ = "the input holds a NUL byte: it is not SQL text (reading it stopped)";
        return kError;
      }
      if (line->size() >= max_bytes_) {
        error_ = "a line is longer than " + std::to_string(max_bytes_) +
                 " bytes, SQLite's limit on a statement (reading it stopped)";
        return kError;
      }
      *line += static_cast<char>(c);
    }
    if (c == EOF && line->empty()) return kEnd;
    if (!line->empty() && line->back() == '\r') line->pop_back();
    return kLine;
  }

 private:
  FILE* in_;
  size_t max_bytes_;
};

// Ctrl-C: interrupts the running statement; at the prompt, drops the line.
volatile std::sig_atomic_t g_interrupted = 0;
sqlite3* g_interrupt_db = nullptr;

extern "C" void OnInterrupt(int) {
  g_interrupted = 1;
  if (g_interrupt_db) sqlite3_interrupt(g_interrupt_db);
}

// The prompt, with libedit's line editing and history.
class EditLines : public LineSource {
 public:
  Result Next(bool continuation, std::string* line) override {
    g_interrupted = 0;
    char* raw = readline(continuation ? kContinuation : kPrompt);
    if (raw == nullptr) {
      if (g_interrupted) {
        std::fputs("\n", stdout);
        return kCancel;
      }
      std::fputs("\n", stdout);
      return kEnd;
    }
    std::unique_ptr<char, decltype(&std::free)> owned(raw, &std::free);
    *line = raw;
    if (line->find_first_not_of(" \t") != std::string::npos) add_history(raw);
    return kLine;
  }
};

// True if sql is only whitespace and complete comments.
bool OnlyComments(const std::string& sql) {
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      i++;
    } else if (sql.compare(i, 2, "--") == 0) {
      size_t nl = sql.find('\n', i);
      if (nl == std::string::npos) return true;
      i = nl + 1;
    } else if (sql.compare(i, 2, "/*") == 0) {
      size_t end = sql.find("*/", i + 2);
      if (end == std::string::npos) return false;
      i = end + 2;
    } else {
      return false;
    }
  }
  return true;
}

// Splits a dot-command into words as sqlite3 does: 'single quoted' words
// verbatim, "double quoted" ones with backslash escapes.
std::vector<std::string> SplitWords(const std::string& line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) i++;
    if (i >= line.size()) break;
    std::string w;
    char q = line[i];
    if (q == '\'' || q == '"') {
      i++;
      while (i < line.size() && line[i] != q) {
        if (q == '"' && line[i] == '\\' && i + 1 < line.size()) w += line[i++];
        w += line[i++];
      }
      i++;
      if (q == '"') {
        std::string resolved;
        for (size_t k = 0; k < w.size(); k++) {
          if (w[k] != '\\' || k + 1 == w.size()) {
            resolved += w[k];
            continue;
          }
          switch (w[++k]) {
            case 'n': resolved += '\n'; break;
            case 't': resolved += '\t'; break;
            case 'r': resolved += '\r'; break;
            default: resolved += w[k];
          }
        }
        w = resolved;
      }
    } else {
      while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) w += line[i++];
    }
    words.push_back(w);
  }
  return words;
}

// \t, \n, \r and \\ in a separator given bare (.separator \t).
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
  }
  return out;
}

bool ParseBool(const std::string& s, bool* value) {
  static const char* const kTrue[] = {"on", "yes", "true", "1"};
  static const char* const kFalse[] = {"off", "no", "false", "0"};
  for (const char* t : kTrue) {
    if (strcasecmp(s.c_str(), t) == 0) return *value = true, true;
  }
  for (const char* f : kFalse) {
    if (strcasecmp(s.c_str(), f) == 0) return *value = false, true;
  }
  return false;
}

double Seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec * 1e-6; }

// .timer: the real, user and system time of a statement, as sqlite3 prints it.
class StatementTimer {
 public:
  explicit StatementTimer(bool on) : on_(on) {
    if (!on_) return;
    clock_gettime(CLOCK_MONOTONIC, &wall_);
    getrusage(RUSAGE_SELF, &usage_);
  }
  void Print() const {
    if (!on_) return;
    timespec wall;
    rusage usage;
    clock_gettime(CLOCK_MONOTONIC, &wall);
    getrusage(RUSAGE_SELF, &usage);
    double real = static_cast<double>(wall.tv_sec - wall_.tv_sec) + (wall.tv_nsec - wall_.tv_nsec) * 1e-9;
    std::printf("Run Time: real %.3f user %f sys %f\n", real, Seconds(usage.ru_utime) - Seconds(usage_.ru_utime),
                Seconds(usage.ru_stime) - Seconds(usage_.ru_stime));
  }

 private:
  bool on_;
  timespec wall_{};
  rusage usage_{};
};

std::string HistoryPath() {
  if (const char* env = std::getenv("PPROF_SQL_HISTORY")) return env;  // "" turns history off
  const char* home = std::getenv("HOME");
  return home && *home ? std::string(home) + "/.pprof_sql_history" : "";
}

// Quotes an identifier if SQL needs it.
std::string Identifier(const std::string& name) {
  bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
               !sqlite3_keyword_check(name.data(), static_cast<int>(name.size()));
  for (char c : name) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

const Shell::Command Shell::kCommands[] = {
    {"exit", "?CODE?", "Exit with status CODE (default 0)", &Shell::Exit},
    {"headers", "on|off", "Print column names in list, tabs, csv and column modes", &Shell::Headers},
    {"help", "", "Show this message", &Shell::Help},
    {"load", "PROFILE ?NAME?", "Load a profile, directory or glob (pprof_load)", &Shell::Load},
    {"mode", "?MODE?", "Set the output mode: list|tabs|csv|json|line|column|table|box|markdown", &Shell::SetMode},
    {"nullvalue", "TEXT", "Print NULL as TEXT (default: nothing)", &Shell::NullValue},
    {"output", "?FILE?", "Send output to FILE ('|COMMAND' pipes it), or back to stdout", &Shell::Output},
    {"print", "TEXT...", "Print the words of TEXT", &Shell::Print},
    {"quit", "", "Exit", &Shell::Quit},
    {"read", "FILE", "Run the SQL and dot-commands of FILE", &Shell::Read},
    {"schema", "?PATTERN?", "Show the CREATE statements of tables and views (LIKE PATTERN)", &Shell::Schema},
    {"separator", "COL ?ROW?", "Column (and row) separators of list and csv modes", &Shell::Separator},
    {"tables", "?PATTERN?", "List the tables and views (LIKE PATTERN)", &Shell::Tables},
    {"timer", "on|off", "Print how long each statement took", &Shell::Timer},
};

Shell::Shell(sqlite3* db, const OutputOptions& options) : db_(db), options_(options) {}

Shell::~Shell() = default;

int Shell::RunText(const std::string& text) {
  TextLines lines(text);
  return Process(lines, Where{"", false, true, false, 0});
}

size_t Shell::MaxStatementBytes() const {
  return static_cast<size_t>(std::max(0, sqlite3_limit(db_, SQLITE_LIMIT_SQL_LENGTH, -1)));
}

int Shell::RunScript(FILE* in, const std::string& file, bool bail) {
  FileLines lines(in, MaxStatementBytes());
  return Process(lines, Where{file, false, bail, true, 0});
}

void Shell::RunInteractive() {
  const int profiles = ProfileCount(db_);
  std::printf("pprof-sql %s (SQLite %s), %d profile%s loaded\n", PPROF_VERSION, sqlite3_libversion(), profiles,
              profiles == 1 ? "" : "s");
  std::printf("Enter \".help\" for usage hints, \".tables\" for the tables and views.\n");
  std::fflush(stdout);

  rl_readline_name = const_cast<char*>("pprof-sql");
  using_history();
  stifle_history(kHistorySize);
  const std::string history = HistoryPath();
  if (!history.empty()) read_history(history.c_str());

  struct sigaction action {}, previous{};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  g_interrupt_db = db_;
  sigaction(SIGINT, &action, &previous);

  EditLines lines;
  Process(lines, Where{"", true, false, false, 0});

  sigaction(SIGINT, &previous, nullptr);
  g_interrupt_db = nullptr;
  if (!history.empty() && write_history(history.c_str()) != 0) {
    std::fprintf(stderr, "pprof-sql: cannot write the history to %s: %s\n", history.c_str(), std::strerror(errno));
  }
}

int Shell::Process(LineSource& lines, const Where& where) {
  // Out of memory (a huge result, a huge line) ends this input with an
  // error, not the process: nothing else may throw here.
  try {
    return ProcessLines(lines, where);
  } catch (const std::bad_alloc&) {
    Error(where, 0, "out of memory (reading this input stopped)");
  } catch (const std::exception& e) {
    Error(where, 0, std::string(e.what()) + " (reading this input stopped)");
  }
  return 1;
}

int Shell::ProcessLines(LineSource& lines, const Where& where) {
  int errors = 0;
  std::string sql, line;
  int line_no = 0, first_line = 0;
  while (!quit_) {
    LineSource::Result r = lines.Next(!sql.empty(), &line);
    if (r == LineSource::kEnd) break;
    if (r == LineSource::kCancel) {
      sql.clear();
      continue;
    }
    line_no++;
    if (r == LineSource::kError) {
      Error(where, line_no, lines.error());
      return errors + 1;
    }
    if (sql.size() + line.size() >= MaxStatementBytes()) {
      // Lines without a ';' add up too.
      Error(where, first_line,
            "a statement is longer than " + std::to_string(MaxStatementBytes()) +
                " bytes, SQLite's limit (reading this input stopped)");
      return errors + 1;
    }
    if (sql.empty()) {
      size_t start = line.find_first_not_of(" \t\r\f\v");
      if (start == std::string::npos) continue;
      if (line[start] == '.') {
        if (!DotCommand(line.substr(start), where, line_no)) {
          errors++;
          if (where.bail) break;
        }
        continue;
      }
      first_line = line_no;
    }
    sql += line;
    sql += '\n';
    if (OnlyComments(sql)) {
      sql.clear();
    } else if ((line.find(';') != std::string::npos || line.find("*/") != std::string::npos) &&
               sqlite3_complete(sql.c_str())) {
      // Only a ';' (or the end of a comment after one) can complete a
      // statement: checking the whole pending text on every line would be
      // quadratic in a long input without semicolons.
      if (!RunSql(sql, where, first_line)) {
        errors++;
        if (where.bail) return errors;
      }
      sql.clear();
    }
  }
  // A last statement without its semicolon.
  if (!quit_ && !sql.empty() && !OnlyComments(sql) && !RunSql(sql, where, first_line)) errors++;
  return errors;
}

bool Shell::RunSql(const std::string& sql, const Where& where, int first_line) {
  const char* begin = sql.c_str();
  const char* tail = begin;
  while (*tail) {
    // The line the statement starts on, for errors.
    const char* start = tail;
    while (*start && std::isspace(static_cast<unsigned char>(*start))) start++;
    int line = first_line;
    for (const char* p = begin; p < start; p++) line += *p == '\n';
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_, tail, -1, &raw, &tail) != SQLITE_OK) {
      Error(where, line, sqlite3_errmsg(db_));
      return false;
    }
    Stmt st(raw);
    if (!st) continue;  // whitespace or a comment
    StatementTimer timer(timer_);
    int rc = PrintRows(st.get(), options_, out());
    if (where.interactive || out_) std::fflush(out());
    if (rc != SQLITE_DONE) {
      Error(where, line, sqlite3_errmsg(db_));
      return false;
    }
    timer.Print();
  }
  return true;
}

void Shell::Error(const Where& where, int line, const std::string& message) {
  std::fflush(stdout);
  if (!where.line_numbers || (line <= 0 && where.file.empty())) {
    std::fprintf(stderr, "Error: %s\n", message.c_str());
  } else if (line <= 0) {
    std::fprintf(stderr, "Error: %s: %s\n", where.file.c_str(), message.c_str());
  } else if (where.file.empty()) {
    std::fprintf(stderr, "Error: near line %d: %s\n", line, message.c_str());
  } else {
    std::fprintf(stderr, "Error: %s:%d: %s\n", where.file.c_str(), line, message.c_str());
  }
}

bool Shell::DotCommand(const std::string& line, const Where& where, int line_no) {
  Args args = SplitWords(line.substr(1));
  if (args.empty()) {
    Error(where, line_no, "empty command; enter \".help\" for the commands");
    return false;
  }
  if (args[0] == "header") args[0] = "headers";  // sqlite3 takes both
  const Command* found = nullptr;
  int matches = 0;
  for (const Command& c : kCommands) {
    if (args[0] == c.name) {
      found = &c;
      matches = 1;
      break;
    }
    if (std::strncmp(c.name, args[0].c_str(), args[0].size()) == 0) {
      found = &c;
      matches++;
    }
  }
  if (matches != 1) {
    Error(where, line_no,
          std::string(matches ? "ambiguous" : "unknown") + " command \"." + args[0] +
              "\"; enter \".help\" for the commands");
    return false;
  }
  error_.clear();
  error_reported_ = false;
  args.erase(args.begin());
  if ((this->*found->run)(args, where)) return true;
  if (error_reported_) return false;
  if (error_.empty()) error_ = std::string("usage: .") + found->name + " " + found->usage;
  Error(where, line_no, error_);
  return false;
}

bool Shell::Exit(const Args& args, const Where&) {
  if (args.size() > 1) return false;
  exit_code_ = args.empty() ? 0 : std::atoi(args[0].c_str());
  quit_ = true;
  return true;
}

bool Shell::Quit(const Args& args, const Where&) {
  if (!args.empty()) return false;
  quit_ = true;
  return true;
}

bool Shell::Headers(const Args& args, const Where&) {
  bool on;
  if (args.size() != 1 || !ParseBool(args[0], &on)) return false;
  options_.header = on;
  options_.header_set = true;
  return true;
}

bool Shell::Help(const Args& args, const Where&) {
  if (!args.empty()) return false;
  std::string text;
  for (const Command& c : kCommands) {
    std::string head = std::string(".") + c.name + (*c.usage ? " " : "") + c.usage;
    head.resize(std::max<size_t>(head.size() + 1, 22), ' ');
    text += head + c.help + "\n";
  }
  text +=
      "\nSQL statements end with ';' and may span lines. The tables (pprof_profiles,\n"
      "pprof_samples, pprof_frames, ...) and report views (pprof_top, pprof_list, ...)\n"
      "are described in docs/SCHEMA.md; Ctrl-C interrupts a running statement.\n";
  std::fputs(text.c_str(), out());
  return true;
}

bool Shell::Load(const Args& args, const Where& where) {
  if (args.empty() || args.size() > 2) return false;
  std::string ids;
  if (!LoadSource(db_, args[0], &ids, args.size() > 1 ? args[1] : "", &error_)) return false;
  if (where.interactive) {
    bool several = ids.find(',') != std::string::npos;
    std::printf("loaded %s %s: %s\n", several ? "profiles" : "profile", ids.empty() ? "(none)" : ids.c_str(),
                args[0].c_str());
  }
  return true;
}

bool Shell::SetMode(const Args& args, const Where&) {
  if (args.empty()) {
    std::fprintf(out(), "current output mode: %s\n", ModeName(options_.mode));
    return true;
  }
  Mode mode;
  if (args.size() != 1 || !ParseMode(args[0], &mode)) {
    error_ = std::string("mode should be one of: ") + ModeNames();
    return false;
  }
  pprof_shell::SetMode(options_, mode, /*dot_command=*/true);
  return true;
}

bool Shell::NullValue(const Args& args, const Where&) {
  if (args.size() != 1) return false;
  options_.null_value = args[0];
  return true;
}

bool Shell::Output(const Args& args, const Where&) {
  if (args.size() > 1) return false;
  if (out_) std::fflush(out_.get());
  out_.reset();
  if (args.empty() || args[0] == "stdout" || args[0] == "-") return true;
  std::fflush(stdout);
  if (args[0][0] == '|') {
    FILE* pipe = popen(args[0].c_str() + 1, "w");
    if (!pipe) {
      error_ = "cannot run " + args[0].substr(1) + ": " + std::strerror(errno);
      return false;
    }
    out_ = std::unique_ptr<FILE, FileCloser>(pipe, &pclose);
    return true;
  }
  FILE* file = std::fopen(args[0].c_str(), "w");
  if (!file) {
    error_ = "cannot open " + args[0] + ": " + std::strerror(errno);
    return false;
  }
  out_ = std::unique_ptr<FILE, FileCloser>(file, &std::fclose);
  return true;
}

bool Shell::Print(const Args& args, const Where&) {
  std::string text;
  for (size_t i = 0; i < args.size(); i++) text += (i ? " " : "") + args[i];
  text += "\n";
  std::fputs(text.c_str(), out());
  return true;
}

bool Shell::Read(const Args& args, const Where& where) {
  if (args.size() != 1) return false;
  if (where.depth >= kMaxReadDepth) {
    error_ = "too many nested .read";
    return false;
  }
  std::unique_ptr<FILE, FileCloser> in(std::fopen(args[0].c_str(), "r"), &std::fclose);
  if (!in) {
    error_ = "cannot open " + args[0] + ": " + std::strerror(errno);
    return false;
  }
  FileLines lines(in.get(), MaxStatementBytes());
  if (Process(lines, Where{args[0], false, where.bail, true, where.depth + 1}) == 0) return true;
  error_reported_ = true;  // each with its file and line
  return false;
}

bool Shell::Schema(const Args& args, const Where&) {
  if (args.size() > 1) return false;
  const std::string pattern = args.empty() ? "" : args[0];
  Stmt schema = Prepare(db_,
                        "SELECT o, sql FROM (SELECT 1 AS o, rowid AS r, name, sql FROM sqlite_schema"
                        " UNION ALL SELECT 2, rowid, name, sql FROM sqlite_temp_schema)"
                        " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                        " AND (?1 = '' OR name LIKE ?1) ORDER BY o, r",
                        {pattern});
  Stmt modules = Prepare(db_,
                         "SELECT m.name, x.name, x.type, x.hidden FROM pragma_module_list m,"
                         " pragma_table_xinfo(m.name) x"
                         " WHERE m.name LIKE 'pprof\\_%' ESCAPE '\\' AND (?1 = '' OR m.name LIKE ?1)"
                         " ORDER BY m.name, x.cid",
                         {pattern});
  if (!schema || !modules) {
    error_ = sqlite3_errmsg(db_);
    return false;
  }
  auto text_of = [](sqlite3_stmt* st, int i) {
    const unsigned char* t = sqlite3_column_text(st, i);
    return std::string(t ? reinterpret_cast<const char*>(t) : "");
  };
  // The database's own objects, then the extension's eponymous tables (which
  // have no CREATE statement: one is made from their columns), then the TEMP
  // report views.
  std::string main_text, tables_text, temp_text;
  int rc;
  while ((rc = sqlite3_step(schema.get())) == SQLITE_ROW) {
    (sqlite3_column_int(schema.get(), 0) == 1 ? main_text : temp_text) += text_of(schema.get(), 1) + ";\n";
  }
  if (rc != SQLITE_DONE) {
    error_ = sqlite3_errmsg(db_);
    return false;
  }
  std::string table, columns;
  auto flush = [&]() {
    if (!table.empty()) {
      tables_text += "CREATE TABLE " + Identifier(table) + "(" + columns + "); /* eponymous virtual table */\n";
    }
    table.clear();
    columns.clear();
  };
  while ((rc = sqlite3_step(modules.get())) == SQLITE_ROW) {
    std::string name = text_of(modules.get(), 0);
    if (name != table) {
      flush();
      table = name;
    }
    std::string type = text_of(modules.get(), 2);
    columns += (columns.empty() ? "" : ", ") + Identifier(text_of(modules.get(), 1)) +
               (type.empty() ? "" : " " + type) + (sqlite3_column_int(modules.get(), 3) ? " HIDDEN" : "");
  }
  flush();
  if (rc != SQLITE_DONE) {
    error_ = sqlite3_errmsg(db_);
    return false;
  }
  std::fputs((main_text + tables_text + temp_text).c_str(), out());
  return true;
}

bool Shell::Separator(const Args& args, const Where&) {
  if (args.empty() || args.size() > 2) return false;
  options_.col_sep = Unescape(args[0]);
  if (args.size() > 1) options_.row_sep = Unescape(args[1]);
  return true;
}

bool Shell::Tables(const Args& args, const Where&) {
  if (args.size() > 1) return false;
  // User tables and views, the extension's eponymous tables and its report
  // views; the views' internal helpers (_pprof_*) only when asked for by name.
  Stmt st = Prepare(db_,
                    "SELECT name FROM ("
                    " SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')"
                    " UNION SELECT name FROM sqlite_temp_schema WHERE type IN ('table', 'view')"
                    " UNION SELECT m.name FROM pragma_module_list m WHERE m.name LIKE 'pprof\\_%' ESCAPE '\\'"
                    "   AND EXISTS (SELECT 1 FROM pragma_table_xinfo(m.name)))"
                    " WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND"
                    " CASE WHEN ?1 = '' THEN name NOT LIKE '\\_pprof\\_%' ESCAPE '\\' ELSE name LIKE ?1 END"
                    " ORDER BY 1",
                    {args.empty() ? "" : args[0]});
  if (!st) {
    error_ = sqlite3_errmsg(db_);
    return false;
  }
  std::vector<std::string> names;
  int rc;
  size_t width = 0;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0)));
    width = std::max(width, names.back().size());
  }
  if (rc != SQLITE_DONE) {
    error_ = sqlite3_errmsg(db_);
    return false;
  }
  // In columns down the page, 80 characters wide, as sqlite3 prints them.
  size_t columns = std::max<size_t>(1, 80 / (width + 2));
  size_t rows = (names.size() + columns - 1) / columns;
  std::string text;
  for (size_t r = 0; r < rows; r++) {
    for (size_t j = r; j < names.size(); j += rows) {
      std::string cell = (j < rows ? "" : "  ") + names[j];
      cell.resize(cell.size() + width - names[j].size(), ' ');
      text += cell;
    }
    text += "\n";
  }
  std::fputs(text.c_str(), out());
  return true;
}

bool Shell::Timer(const Args& args, const Where&) {
  bool on;
  if (args.size() != 1 || !ParseBool(args[0], &on)) return false;
  timer_ = on;
  return true;
}

}  // namespace pprof_shell
