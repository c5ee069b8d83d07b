// pprof-sql import: profiles into a plain SQLite database (pprof_import).
#ifndef PPROF_SHELL_IMPORT_H_
#define PPROF_SHELL_IMPORT_H_

namespace pprof_shell {

extern const char kImportUsage[];

// `pprof-sql import [-source_path=DIRS] [-trim_path=PREFIXES] DB PROFILE...|DIR`;
// args are what follows "import". Returns the exit status.
int RunImport(int argc, char** argv);

}  // namespace pprof_shell

#endif  // PPROF_SHELL_IMPORT_H_
