/*
 * jw.c — JSON text into a buf (see jw.h).
 */
#include "base/jw.h"

#include <string.h>

#include "base/util.h"

/* Escapes as jansson's dump writes them (uppercase hex for \u). */
static void put_escape(buf *b, unsigned c)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[7] = {'\\', 0};
	size_t n = 2;
	switch (c) {
	case '"':
	case '\\':
		e[1] = (char)c;
		break;
	case '\b':
		e[1] = 'b';
		break;
	case '\f':
		e[1] = 'f';
		break;
	case '\n':
		e[1] = 'n';
		break;
	case '\r':
		e[1] = 'r';
		break;
	case '\t':
		e[1] = 't';
		break;
	default:
		e[1] = 'u';
		e[2] = hex[(c >> 12) & 0xF];
		e[3] = hex[(c >> 8) & 0xF];
		e[4] = hex[(c >> 4) & 0xF];
		e[5] = hex[c & 0xF];
		n = 6;
	}
	buf_append(b, e, n);
}

/* A character written as it is: printable ASCII other than '"' and '\'. */
static int plain(unsigned c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/*
 * Characters are copied straight into room reserved for the string as it
 * is; an escape makes its own room. Stored text was checked as UTF-8 when
 * it came in; a byte that still does not start a valid sequence is
 * written as U+FFFD so the answer stays valid JSON.
 */
void jw_strn(buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	buf_reserve(b, n + 2);
	char *w = b->data + b->len;
	*w++ = '"';
	while (p < end) {
		unsigned c = *p;
		if (plain(c)) {
			*w++ = (char)*p++;
			continue;
		}
		size_t len = c >= 0x80 ? util_utf8_seq((const char *)p, (size_t)(end - p)) : 0;
		if (len) {
			memcpy(w, p, len);
			w += len;
			p += len;
			continue;
		}
		b->len = (size_t)(w - b->data);
		put_escape(b, c < 0x80 ? c : 0xFFFD);
		p++;
		buf_reserve(b, (size_t)(end - p) + 1);
		w = b->data + b->len;
	}
	*w++ = '"';
	*w = 0;
	b->len = (size_t)(w - b->data);
}

void jw_str(buf *b, const char *s)
{
	if (s)
		jw_strn(b, s, strlen(s));
	else
		jw_null(b);
}

void jw_int(buf *b, int64_t v)
{
	char d[24], *p = d + sizeof d;
	/* Digits of the magnitude, as unsigned: INT64_MIN has no positive int64. */
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	if (v < 0)
		*--p = '-';
	buf_append(b, p, (size_t)(d + sizeof d - p));
}

void jw_bool(buf *b, int v)
{
	if (v)
		buf_append(b, "true", 4);
	else
		buf_append(b, "false", 5);
}

void jw_null(buf *b)
{
	buf_append(b, "null", 4);
}

void jw_sep(buf *b)
{
	if (b->len && b->data[b->len - 1] != '{' && b->data[b->len - 1] != '[')
		buf_putc(b, ',');
}

/* Keys are field names (a row has 25): copied at once when every character is plain. */
void jw_key(buf *b, const char *key)
{
	size_t n = strlen(key);
	buf_reserve(b, n + 4);
	jw_sep(b);
	char *w = b->data + b->len;
	*w++ = '"';
	for (size_t i = 0; i < n; i++) {
		if (!plain((unsigned char)key[i])) {
			jw_strn(b, key, n);
			buf_putc(b, ':');
			return;
		}
		*w++ = key[i];
	}
	*w++ = '"';
	*w++ = ':';
	*w = 0;
	b->len = (size_t)(w - b->data);
}

void jw_reopen(buf *b)
{
	if (b->len && b->data[b->len - 1] == '}')
		b->data[--b->len] = 0;
}
