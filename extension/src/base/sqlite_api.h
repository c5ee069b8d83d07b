// Every SQLite-facing file includes this instead of <sqlite3.h>. In pprof.so
// the calls go through the API table SQLite hands to sqlite3_pprof_init
// (sqlite3ext.h); in pprof-sql and the tests the same objects are linked
// against libsqlite3 directly, because those builds define
// PPROF_STATIC_SQLITE.
#pragma once

#ifdef PPROF_STATIC_SQLITE
#include <sqlite3.h>
#else
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#endif
