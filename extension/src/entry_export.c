/* pprof.so is pprof_core plus this file: the linker pulls in the entry
   point (entry.cc) through this reference, and pprof.map exports it alone. */
extern int sqlite3_pprof_init(void*, char**, const void*);
int (*const pprof_keep_entry)(void*, char**, const void*) = sqlite3_pprof_init;
