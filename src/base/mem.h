/*
 * mem.h — allocation with one out-of-memory policy.
 *
 * Policy (written down once, here): running out of memory is not a
 * recoverable condition for a server of this size; the x* allocators log
 * and abort(), like Redis and SQLite's shell. Nothing else in the code base
 * checks malloc's result, and nothing calls malloc directly.
 */
#ifndef TX_BASE_MEM_H
#define TX_BASE_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new malloc'd string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Zero memory in a way the compiler will not remove (for secrets). */
void mem_wipe(void *p, size_t n);

#endif
