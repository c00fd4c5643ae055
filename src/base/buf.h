/*
 * buf.h — an owning, growable byte/string buffer.
 *
 * A buf always keeps a NUL after its data so buf.data can be used as a C
 * string. The buffer owns its memory; buf_free() releases it and
 * buf_detach() hands it to the caller.
 */
#ifndef TX_BASE_BUF_H
#define TX_BASE_BUF_H

#include <stddef.h>

typedef struct buf {
	char *data;
	size_t len;
	size_t cap;
} buf;

#define BUF_INIT {0, 0, 0}

void buf_reserve(buf *b, size_t extra);
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_clear(buf *b);
/* Return the malloc'd string (never NULL) and reset b to empty. */
char *buf_detach(buf *b);
void buf_free(buf *b);

/* One character; inline, as JSON and SQL are written a character at a time in places. */
static inline void buf_putc(buf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->data[b->len++] = c;
		b->data[b->len] = 0;
		return;
	}
	buf_append(b, &c, 1);
}

#endif
