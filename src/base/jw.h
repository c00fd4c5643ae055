/*
 * jw.h — JSON text written straight into a buf.
 *
 * For answers built row by row (record lists and details): one growing
 * buffer instead of a jansson tree of small allocations that is then
 * dumped and freed. The text is what json_dumps(…, JSON_COMPACT) writes
 * for the same values: no spaces, strings escaped as jansson escapes them.
 *
 * Separators are implied: jw_key and jw_sep write a comma unless the
 * buffer ends with the '{' or '[' that opened the object or array.
 */
#ifndef TX_BASE_JW_H
#define TX_BASE_JW_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* A string value: quoted; '"', '\' and control characters escaped, other UTF-8 as it is. NULL writes null. */
void jw_str(buf *b, const char *s);
void jw_strn(buf *b, const char *s, size_t n);
void jw_int(buf *b, int64_t v);
void jw_bool(buf *b, int v);
void jw_null(buf *b);
/* The comma before an array element (none after the opening '['). */
void jw_sep(buf *b);
/* A member's key and colon, after a comma unless the object has just opened. */
void jw_key(buf *b, const char *key);
/* Take back the '}' that ends b, so that members can be added to the object it closed. */
void jw_reopen(buf *b);

#endif
