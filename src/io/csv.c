/*
 * csv.c — CSV reading (with encoding detection) and writing; see csv.h.
 */
#include "io/csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/util.h"

static const msg2 m_too_big = {"文件过大", "the file is too large"};
static const msg2 m_encoding = {"无法识别文件编码（应为 UTF-8 或 GBK/GB18030）",
                                "the file's encoding is not recognised (UTF-8 or GBK/GB18030 expected)"};
static const msg2 m_quote = {"引号未闭合", "a quoted field is not closed"};
static const msg2 m_rows = {"行数超出上限", "too many rows"};
static const msg2 m_cols = {"列数超出上限", "too many columns"};
static const msg2 m_cell = {"单元格内容过长", "a cell is too long"};

/* Convert with iconv into a new NUL-terminated buffer; NULL when the input is not in `from`. */
static char *convert(const char *from, const char *data, size_t len, size_t *out_len)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return NULL;
	size_t cap = len * 2 + 16;
	char *out = xmalloc(cap);
	char *in = (char *)data, *o = out;
	size_t inleft = len, oleft = cap - 1;
	while (inleft) {
		if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1)
			continue;
		if (errno != E2BIG) {
			free(out);
			iconv_close(cd);
			return NULL;
		}
		size_t used = (size_t)(o - out);
		cap *= 2;
		out = xrealloc(out, cap);
		o = out + used;
		oleft = cap - used - 1;
	}
	/* Flush any shift state. */
	iconv(cd, NULL, NULL, &o, &oleft);
	iconv_close(cd);
	*o = 0;
	*out_len = (size_t)(o - out);
	return out;
}

typedef struct rowbuf {
	char **cells;
	int n, cap;
} rowbuf;

static void row_push(rowbuf *r, char *cell)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->cells = xrealloc(r->cells, sizeof(char *) * (size_t)r->cap);
	}
	r->cells[r->n++] = cell;
}

static void row_clear(rowbuf *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->cells[i]);
	r->n = 0;
}

static int parse(const char *p, size_t n, const sheet_limits *lim, sheet_row_fn fn, void *ctx, sheet_err *err)
{
	/* A tab-separated file: the first line has tabs and no commas. */
	char delim = ',';
	const char *nl = memchr(p, '\n', n);
	size_t first = nl ? (size_t)(nl - p) : n;
	if (memchr(p, '\t', first) && !memchr(p, ',', first))
		delim = '\t';

	rowbuf row = {0};
	buf field = BUF_INIT;
	size_t i = 0;
	int64_t record = 0, delivered = 0;
	int rc = 0;
	while (i < n && rc == 0) {
		record++;
		row_clear(&row);
		for (;;) {
			buf_clear(&field);
			if (i < n && p[i] == '"') {
				i++;
				for (;;) {
					if (i >= n) {
						err->m = &m_quote;
						err->row = record;
						rc = -1;
						break;
					}
					if (p[i] == '"') {
						if (i + 1 < n && p[i + 1] == '"') {
							buf_putc(&field, '"');
							i += 2;
							continue;
						}
						i++;
						break;
					}
					buf_putc(&field, p[i++]);
				}
				if (rc)
					break;
			}
			/* Unquoted text, or what follows a closing quote (kept, as spreadsheets do). */
			while (i < n && p[i] != delim && p[i] != '\n' && p[i] != '\r')
				buf_putc(&field, p[i++]);
			if (field.len > lim->max_cell) {
				err->m = &m_cell;
				err->row = record;
				rc = -1;
				break;
			}
			if (row.n >= lim->max_cols) {
				if (field.len) {
					err->m = &m_cols;
					err->row = record;
					rc = -1;
					break;
				}
			} else {
				row_push(&row, xstrdup(field.data ? field.data : ""));
			}
			if (i < n && p[i] == delim) {
				i++;
				continue;
			}
			if (i < n && p[i] == '\r')
				i++;
			if (i < n && p[i] == '\n')
				i++;
			break;
		}
		if (rc)
			break;
		int any = 0;
		for (int k = 0; k < row.n && !any; k++)
			any = row.cells[k][0] != 0;
		if (!any)
			continue;
		if ((size_t)++delivered > lim->max_rows) {
			err->m = &m_rows;
			err->row = record;
			rc = -1;
			break;
		}
		/* Drop trailing empty cells. */
		int nc = row.n;
		while (nc > 0 && !row.cells[nc - 1][0])
			nc--;
		if (fn(ctx, record, row.cells, nc))
			rc = 1;
	}
	row_clear(&row);
	free(row.cells);
	buf_free(&field);
	return rc;
}

int csv_read(const char *data, size_t len, const sheet_limits *lim, sheet_row_fn fn, void *ctx, sheet_err *err)
{
	sheet_limits dl = SHEET_LIMITS_DEFAULT;
	if (!lim)
		lim = &dl;
	err->m = NULL;
	err->row = 0;
	if (len > lim->max_bytes) {
		err->m = &m_too_big;
		return -1;
	}
	const unsigned char *u = (const unsigned char *)data;
	char *conv = NULL;
	size_t clen = 0;
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		data += 3;
		len -= 3;
		if (!util_utf8_valid(data, len)) {
			err->m = &m_encoding;
			return -1;
		}
	} else if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		conv = convert(u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE", data + 2, len - 2, &clen);
		if (!conv || !util_utf8_valid(conv, clen)) {
			free(conv);
			err->m = &m_encoding;
			return -1;
		}
	} else if (!util_utf8_valid(data, len)) {
		conv = convert("GB18030", data, len, &clen);
		if (!conv || !util_utf8_valid(conv, clen)) {
			free(conv);
			err->m = &m_encoding;
			return -1;
		}
	}
	int rc = conv ? parse(conv, clen, lim, fn, ctx, err) : parse(data, len, lim, fn, ctx, err);
	free(conv);
	return rc;
}

void csv_write_bom(buf *b)
{
	buf_append(b, "\xEF\xBB\xBF", 3);
}

void csv_write_row(buf *b, const char *const *cells, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		const char *s = cells[i] ? cells[i] : "";
		size_t len = strlen(s);
		int guard = len && strchr("=+-@\t\r", s[0]);
		int quote = strpbrk(s, ",\"\r\n") || (len && (s[0] == ' ' || s[len - 1] == ' '));
		if (quote)
			buf_putc(b, '"');
		if (guard)
			buf_putc(b, '\'');
		for (const char *c = s; *c; c++) {
			if (*c == '"')
				buf_putc(b, '"');
			buf_putc(b, *c);
		}
		if (quote)
			buf_putc(b, '"');
	}
	buf_puts(b, "\r\n");
}
