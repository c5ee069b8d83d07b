// pprof-sql's SQL shell: the interactive prompt (libedit), scripts from
// standard input, -c and .read, and the dot-commands.
#ifndef PPROF_SHELL_REPL_H_
#define PPROF_SHELL_REPL_H_

#include <sqlite3.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "output.h"

namespace pprof_shell {

class LineSource;

class Shell {
 public:
  Shell(sqlite3* db, const OutputOptions& options);
  ~Shell();
  Shell(const Shell&) = delete;
  Shell& operator=(const Shell&) = delete;

  // Runs SQL and dot-commands from text (-c), stopping at the first error.
  // Returns the number of errors.
  int RunText(const std::string& text);
  // Runs a script (standard input when it is not a terminal); goes on after
  // an error unless bail. Errors name the line (and the file unless it is "").
  int RunScript(FILE* in, const std::string& file, bool bail);
  // The prompt: line editing, history, a banner. Errors do not end it.
  void RunInteractive();

  // The status .exit asked for (0 for .quit or none).
  int exit_code() const { return exit_code_; }

 private:
  struct Where {
    std::string file;   // for error messages: the .read file, "" otherwise
    bool interactive;   // the prompt
    bool bail;          // stop at the first error
    bool line_numbers;  // name the line in errors
    int depth;          // .read nesting
  };
  using Args = std::vector<std::string>;
  struct Command {
    const char* name;
    const char* usage;
    const char* help;
    bool (Shell::*run)(const Args&, const Where&);
  };
  static const Command kCommands[];

  int Process(LineSource& lines, const Where& where);
  int ProcessLines(LineSource& lines, const Where& where);
  // SQLite's limit on the length of a statement: the longest line or
  // statement a script may hold.
  size_t MaxStatementBytes() const;
  bool RunSql(const std::string& sql, const Where& where, int first_line);
  bool DotCommand(const std::string& line, const Where& where, int line_no);
  void Error(const Where& where, int line, const std::string& message);
  FILE* out() const { return out_ ? out_.get() : stdout; }

  bool Exit(const Args& args, const Where& where);
  bool Headers(const Args& args, const Where& where);
  bool Help(const Args& args, const Where& where);
  bool Load(const Args& args, const Where& where);
  bool SetMode(const Args& args, const Where& where);
  bool NullValue(const Args& args, const Where& where);
  bool Output(const Args& args, const Where& where);
  bool Print(const Args& args, const Where& where);
  bool Quit(const Args& args, const Where& where);
  bool Read(const Args& args, const Where& where);
  bool Schema(const Args& args, const Where& where);
  bool Separator(const Args& args, const Where& where);
  bool Tables(const Args& args, const Where& where);
  bool Timer(const Args& args, const Where& where);

  sqlite3* db_;
  OutputOptions options_;
  using FileCloser = int (*)(FILE*);
  std::unique_ptr<FILE, FileCloser> out_{nullptr, nullptr};  // .output FILE; null for stdout
  bool timer_ = false;
  bool quit_ = false;
  int exit_code_ = 0;
  std::string error_;            // a dot-command's error message
  bool error_reported_ = false;  // ... or it printed its errors itself (.read)
};

}  // namespace pprof_shell

#endif  // PPROF_SHELL_REPL_H_
