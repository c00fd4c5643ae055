/*
 * xlsx.c — .xlsx reading (libzip + expat, streaming) and writing
 * (libxlsxwriter); see xlsx.h for what is read and which limits apply.
 *
 * The reader takes the parts in this order: _rels/.rels (where the
 * workbook is), the workbook (date system, first sheet), the workbook's
 * relationships (the sheet's part, shared strings, styles), the styles
 * (which cell formats are dates), the shared strings, then the sheet,
 * streamed through expat in 64 KiB pieces. Element names are compared
 * without their namespace prefix ("x:row" is "row").
 */
#include "io/xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <expat.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/util.h"

#define MAX_ENTRIES 10000
#define RATIO_FLOOR (1u << 20) /* entries below 1 MiB are not ratio-checked */
#define CHUNK 65536

static const msg2 m_not_xlsx = {"不是有效的 xlsx 文件", "not a valid .xlsx file"};
static const msg2 m_no_sheet = {"工作簿中没有工作表", "the workbook has no sheet"};
static const msg2 m_too_big = {"文件解压后过大", "the file is too large when uncompressed"};
static const msg2 m_bomb = {"文件压缩比异常（疑似压缩炸弹）", "the file's compression ratio is abnormal (a zip bomb?)"};
static const msg2 m_entries = {"压缩包内文件过多", "the archive holds too many entries"};
static const msg2 m_encrypted = {"不支持加密的文件", "encrypted files are not supported"};
static const msg2 m_xml = {"文件内容不是有效的 XML", "the file holds invalid XML"};
static const msg2 m_doctype = {"文件包含不允许的 DOCTYPE 声明", "the file holds a DOCTYPE declaration, which is not allowed"};
static const msg2 m_rows = {"行数超出上限", "too many rows"};
static const msg2 m_cols = {"列数超出上限", "too many columns"};
static const msg2 m_cell = {"单元格内容过长", "a cell is too long"};
static const msg2 m_order = {"行号顺序错误", "rows are out of order"};
static const msg2 m_sst = {"共享字符串索引无效", "invalid shared string index"};

/* ---- zip entries with limits ---- */

typedef struct xr {
	zip_t *z;
	const sheet_limits *lim;
	size_t used; /* uncompressed bytes inflated so far */
	size_t kept; /* bytes of shared strings held, with their bookkeeping */
	sheet_err *err;
	int failed;
} xr;

static int fail(xr *x, const msg2 *m, int64_t row)
{
	if (!x->failed) {
		x->failed = 1;
		x->err->m = m;
		x->err->row = row;
	}
	return -1;
}

/* Every XML parser's user data starts with this. */
typedef struct xbase {
	XML_Parser p;
	xr *x;
	int64_t row; /* for error reports */
} xbase;

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	xbase *b = ud;
	fail(b->x, &m_doctype, 0);
	XML_StopParser(b->p, XML_FALSE);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value, int len,
                              const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid,
                              const XML_Char *notation)
{
	(void)name;
	(void)is_param;
	(void)value;
	(void)len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	xbase *b = ud;
	fail(b->x, &m_doctype, 0);
	XML_StopParser(b->p, XML_FALSE);
}

static XML_Parser xml_new(xbase *b, xr *x, XML_StartElementHandler s, XML_EndElementHandler e,
                          XML_CharacterDataHandler cd)
{
	XML_Parser p = XML_ParserCreate(NULL);
	if (!p)
		abort(); /* out of memory: the policy of base/mem.h */
	b->p = p;
	b->x = x;
	XML_SetUserData(p, b);
	XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	XML_SetEntityDeclHandler(p, on_entity);
	XML_SetElementHandler(p, s, e);
	if (cd)
		XML_SetCharacterDataHandler(p, cd);
	return p;
}

/*
 * Inflate entry `name` and feed it to parser p. Returns 0, 1 when there is
 * no such entry, 2 when a handler stopped the parser, -1 when refused
 * (x->err set).
 */
static int parse_entry(xr *x, const char *name, XML_Parser p)
{
	zip_int64_t idx = zip_name_locate(x->z, name, 0);
	if (idx < 0)
		return 1;
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_stat_index(x->z, (zip_uint64_t)idx, 0, &st) || !(st.valid & ZIP_STAT_SIZE))
		return fail(x, &m_not_xlsx, 0);
	zip_file_t *f = zip_fopen_index(x->z, (zip_uint64_t)idx, 0);
	if (!f)
		return fail(x, &m_not_xlsx, 0);
	char *chunk = xmalloc(CHUNK);
	zip_uint64_t got = 0;
	int rc = 0;
	for (;;) {
		zip_int64_t n = zip_fread(f, chunk, CHUNK);
		if (n < 0) {
			rc = fail(x, &m_not_xlsx, 0);
			break;
		}
		got += (zip_uint64_t)n;
		x->used += (size_t)n;
		/* Checked while inflating too: the declared size may lie. */
		if (got > st.size || x->used > x->lim->max_bytes) {
			rc = fail(x, &m_too_big, 0);
			break;
		}
		if (XML_Parse(p, chunk, (int)n, n == 0) != XML_STATUS_OK) {
			if (!x->failed && XML_GetErrorCode(p) == XML_ERROR_ABORTED)
				rc = 2; /* stopped by the row callback */
			else
				rc = fail(x, &m_xml, ((xbase *)XML_GetUserData(p))->row);
			break;
		}
		if (x->failed) {
			rc = -1;
			break;
		}
		if (n == 0)
			break;
	}
	free(chunk);
	zip_fclose(f);
	return x->failed ? -1 : rc;
}

/* ---- small XML helpers ---- */

static const char *local(const char *n)
{
	const char *c = strrchr(n, ':');
	return c ? c + 1 : n;
}

static const char *attr(const XML_Char **atts, const char *name)
{
	for (int i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

/* "worksheets/sheet1.xml" relative to dir "xl/", or "/xl/…" absolute → "xl/worksheets/sheet1.xml". */
static char *resolve(const char *dir, const char *target)
{
	if (target[0] == '/')
		return xstrdup(target + 1);
	buf b = BUF_INIT;
	buf_puts(&b, dir);
	while (strncmp(target, "../", 3) == 0) {
		target += 3;
		/* drop the last directory of b */
		if (b.len && b.data[b.len - 1] == '/')
			b.data[--b.len] = 0;
		char *slash = strrchr(b.data ? b.data : "", '/');
		b.len = slash ? (size_t)(slash - b.data) + 1 : 0;
		if (b.data)
			b.data[b.len] = 0;
	}
	buf_puts(&b, target);
	return buf_detach(&b);
}

/* ---- relationships ---- */

typedef struct rels {
	xbase b;
	const char *want_id; /* the sheet's r:id, or NULL */
	char *office;        /* officeDocument target */
	char *sheet;         /* target of want_id */
	char *strings;       /* sharedStrings target */
	char *styles;        /* styles target */
} rels;

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	rels *r = ud;
	if (strcmp(local(name), "Relationship") != 0)
		return;
	const char *type = attr(atts, "Type"), *target = attr(atts, "Target"), *id = attr(atts, "Id");
	if (!type || !target)
		return;
	if (ends_with(type, "/officeDocument") && !r->office)
		r->office = xstrdup(target);
	else if (ends_with(type, "/sharedStrings") && !r->strings)
		r->strings = xstrdup(target);
	else if (ends_with(type, "/styles") && !r->styles)
		r->styles = xstrdup(target);
	if (r->want_id && id && strcmp(id, r->want_id) == 0 && !r->sheet)
		r->sheet = xstrdup(target);
}

static void XMLCALL ignore_end(void *ud, const XML_Char *name)
{
	(void)ud;
	(void)name;
}

static void rels_free(rels *r)
{
	free(r->office);
	free(r->sheet);
	free(r->strings);
	free(r->styles);
}

/* ---- workbook ---- */

typedef struct workbook {
	xbase b;
	int date1904;
	char *first_rid;
} workbook;

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	workbook *w = ud;
	const char *n = local(name);
	if (strcmp(n, "workbookPr") == 0) {
		const char *v = attr(atts, "date1904");
		w->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(n, "sheet") == 0 && !w->first_rid) {
		const char *id = attr(atts, "id");
		if (id)
			w->first_rid = xstrdup(id);
	}
}

/* ---- styles: which cell formats are dates ---- */

typedef struct styles {
	xbase b;
	int in_xfs;
	int *custom_ids; /* numFmtId of custom date formats */
	int ncustom;
	unsigned char *xf_date; /* per cellXfs index */
	int nxf;
} styles;

static int builtin_date(int id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/* A format code shows a date or time when, outside quotes, escapes and [..], it has d, m, y, h or s. */
static int format_is_date(const char *code)
{
	for (const char *s = code; *s; s++) {
		char ch = *s;
		if (ch == '"') {
			const char *e = strchr(s + 1, '"');
			if (!e)
				return 0;
			s = e;
		} else if (ch == '\\' || ch == '_' || ch == '*') {
			if (s[1])
				s++;
		} else if (ch == '[') {
			const char *e = strchr(s + 1, ']');
			if (!e)
				return 0;
			/* [h], [mm], [ss]: elapsed time */
			if (strchr("hHmMsS", s[1]))
				return 1;
			s = e;
		} else if (strchr("dDmMyYhHsS", ch)) {
			return 1;
		} else if (ch == ';') {
			return 0; /* only the first section matters */
		}
	}
	return 0;
}

static void XMLCALL st_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	styles *s = ud;
	const char *n = local(name);
	if (strcmp(n, "numFmt") == 0) {
		const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
		if (id && code && format_is_date(code)) {
			s->custom_ids = xrealloc(s->custom_ids, sizeof(int) * (size_t)(s->ncustom + 1));
			s->custom_ids[s->ncustom++] = atoi(id);
		}
	} else if (strcmp(n, "cellXfs") == 0) {
		s->in_xfs = 1;
	} else if (strcmp(n, "xf") == 0 && s->in_xfs) {
		const char *id = attr(atts, "numFmtId");
		int fid = id ? atoi(id) : 0, date = builtin_date(fid);
		for (int i = 0; i < s->ncustom && !date; i++)
			date = s->custom_ids[i] == fid;
		if (s->nxf < 65536) {
			s->xf_date = xrealloc(s->xf_date, (size_t)s->nxf + 1);
			s->xf_date[s->nxf++] = (unsigned char)date;
		}
	}
}

static void XMLCALL st_end(void *ud, const XML_Char *name)
{
	styles *s = ud;
	if (strcmp(local(name), "cellXfs") == 0)
		s->in_xfs = 0;
}

/* ---- shared strings ---- */

typedef struct sst {
	xbase b;
	char **v;
	size_t n, cap;
	int in_si, in_t, in_rph;
	buf text;
	int too_long;
} sst;

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	(void)atts;
	sst *s = ud;
	const char *n = local(name);
	if (strcmp(n, "si") == 0) {
		s->in_si = 1;
		buf_clear(&s->text);
	} else if (strcmp(n, "t") == 0 && s->in_si) {
		s->in_t = 1;
	} else if (strcmp(n, "rPh") == 0) {
		s->in_rph = 1;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	sst *s = ud;
	const char *n = local(name);
	if (strcmp(n, "t") == 0) {
		s->in_t = 0;
	} else if (strcmp(n, "rPh") == 0) {
		s->in_rph = 0;
	} else if (strcmp(n, "si") == 0 && s->in_si) {
		s->in_si = 0;
		/* Many tiny strings cost more memory than bytes read: count both against the budget. */
		s->b.x->kept += s->text.len + 48;
		if (s->b.x->kept > s->b.x->lim->max_bytes) {
			fail(s->b.x, &m_too_big, 0);
			XML_StopParser(s->b.p, XML_FALSE);
			return;
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 256;
			s->v = xrealloc(s->v, sizeof(char *) * s->cap);
		}
		s->v[s->n++] = xstrdup(s->text.data ? s->text.data : "");
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *t, int len)
{
	sst *s = ud;
	if (!s->in_si || !s->in_t || s->in_rph)
		return;
	if (s->text.len + (size_t)len > s->b.x->lim->max_cell) {
		fail(s->b.x, &m_cell, 0);
		XML_StopParser(s->b.p, XML_FALSE);
		return;
	}
	buf_append(&s->text, t, (size_t)len);
}

static void sst_free(sst *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	buf_free(&s->text);
}

/* ---- dates ---- */

/* Days since 1970-01-01 → civil date (H. Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

int xlsx_serial_date(double serial, int date1904, char out[24])
{
	if (!(serial >= 0) || serial > 2958465.0 || (!date1904 && serial < 1))
		return -1;
	double whole = floor(serial);
	/* Round the time to the second; 0.5 s up. */
	int64_t secs = (int64_t)floor((serial - whole) * 86400.0 + 0.5);
	int64_t day = (int64_t)whole;
	if (secs >= 86400) {
		secs -= 86400;
		day++;
	}
	int y, m, d;
	if (date1904) {
		/* 1904-01-01 is day 0; 1904-01-01 is 24107 days before 1970-01-01. */
		civil_from_days(day - 24107, &y, &m, &d);
	} else if (day == 60) {
		y = 1900, m = 2, d = 29; /* Excel's phantom leap day */
	} else {
		/* Serial 1 is 1900-01-01; from 61 on, the phantom day shifts the count by one (25569 is 1970-01-01). */
		civil_from_days(day - (day < 60 ? 25568 : 25569), &y, &m, &d);
	}
	if (y < 1900 || y > 9999)
		return -1;
	if (secs)
		snprintf(out, 24, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
		         (int)(secs % 60));
	else
		snprintf(out, 24, "%04d-%02d-%02d", y, m, d);
	return 0;
}

/* ---- the sheet ---- */

enum cell_type { CT_NUMBER, CT_SHARED, CT_INLINE, CT_STR, CT_BOOL, CT_ERROR, CT_DATE };

typedef struct sheet {
	xbase b;
	const sst *strings;
	const styles *styles;
	int date1904;
	sheet_row_fn fn;
	void *ctx;
	int stopped;
	int in_data, in_row, in_cell, in_v, in_is, in_t, in_rph;
	int64_t prev_row;
	int64_t rows_out;
	int prev_col;
	int col;
	enum cell_type type;
	int is_date;
	buf text;
	char **cells;
	int ncells, cap;
	int64_t *last_row; /* optional: the row <dimension ref="A1:T100001"> ends at */
} sheet;

static void row_reset(sheet *s)
{
	for (int i = 0; i < s->ncells; i++) {
		free(s->cells[i]);
		s->cells[i] = NULL;
	}
	s->ncells = 0;
}

static void sheet_stop(sheet *s, const msg2 *m)
{
	fail(s->b.x, m, s->b.row);
	XML_StopParser(s->b.p, XML_FALSE);
}

/* "AB12" → column 27 (0-based), -1 when there are no letters. */
static int ref_col(const char *r)
{
	int c = 0, any = 0;
	for (; *r >= 'A' && *r <= 'Z'; r++) {
		c = c * 26 + (*r - 'A' + 1);
		any = 1;
		if (c > 16384)
			return 16384;
	}
	return any ? c - 1 : -1;
}

static void XMLCALL sh_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	sheet *s = ud;
	const char *n = local(name);
	if (strcmp(n, "sheetData") == 0) {
		s->in_data = 1;
	} else if (!s->in_data) {
		const char *ref = s->last_row && strcmp(n, "dimension") == 0 ? attr(atts, "ref") : NULL;
		const char *end = ref ? strrchr(ref, ':') : NULL;
		end = end ? end + 1 : ref;
		while (end && *end >= 'A' && *end <= 'Z')
			end++;
		int64_t last = 0;
		if (end && !util_parse_i64(end, &last) && last > 0 && last <= 1048576)
			*s->last_row = last;
		return;
	} else if (strcmp(n, "row") == 0) {
		const char *r = attr(atts, "r");
		int64_t rn = s->prev_row + 1;
		if (r && (util_parse_i64(r, &rn) || rn < 1 || rn > 1048576)) {
			sheet_stop(s, &m_order);
			return;
		}
		if (rn <= s->prev_row) {
			s->b.row = rn;
			sheet_stop(s, &m_order);
			return;
		}
		s->b.row = rn;
		s->in_row = 1;
		s->prev_col = -1;
		row_reset(s);
	} else if (strcmp(n, "c") == 0 && s->in_row) {
		const char *r = attr(atts, "r"), *t = attr(atts, "t"), *st = attr(atts, "s");
		int c = r ? ref_col(r) : -1;
		s->col = c >= 0 ? c : s->prev_col + 1;
		s->prev_col = s->col;
		s->type = !t                          ? CT_NUMBER
		          : strcmp(t, "s") == 0        ? CT_SHARED
		          : strcmp(t, "inlineStr") == 0 ? CT_INLINE
		          : strcmp(t, "str") == 0      ? CT_STR
		          : strcmp(t, "b") == 0        ? CT_BOOL
		          : strcmp(t, "e") == 0        ? CT_ERROR
		          : strcmp(t, "d") == 0        ? CT_DATE
		                                       : CT_NUMBER;
		int xf = st ? atoi(st) : 0;
		s->is_date = s->styles && xf >= 0 && xf < s->styles->nxf && s->styles->xf_date[xf];
		s->in_cell = 1;
		buf_clear(&s->text);
	} else if (s->in_cell && strcmp(n, "v") == 0) {
		s->in_v = 1;
	} else if (s->in_cell && strcmp(n, "is") == 0) {
		s->in_is = 1;
	} else if (s->in_is && strcmp(n, "t") == 0) {
		s->in_t = 1;
	} else if (s->in_is && strcmp(n, "rPh") == 0) {
		s->in_rph = 1;
	}
}

/* Integral numbers without ".0" or exponent; others with at most 15 significant digits. */
static char *number_text(const char *v)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end)
		return xstrdup(v);
	if (d == floor(d) && fabs(d) < 9007199254740992.0)
		return xasprintf("%.0f", d);
	return xasprintf("%.15g", d);
}

static char *cell_value(sheet *s)
{
	const char *v = s->text.data ? s->text.data : "";
	switch (s->type) {
	case CT_SHARED: {
		int64_t i;
		if (!*v)
			return xstrdup("");
		if (util_parse_i64(v, &i) || i < 0 || (size_t)i >= s->strings->n) {
			sheet_stop(s, &m_sst);
			return NULL;
		}
		return xstrdup(s->strings->v[i]);
	}
	case CT_BOOL:
		return xstrdup(!*v ? "" : strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ? "TRUE" : "FALSE");
	case CT_DATE: {
		char *d = xstrdup(v);
		char *t = strchr(d, 'T');
		if (t && strcmp(t, "T00:00:00") == 0)
			*t = 0;
		else if (t)
			*t = ' ';
		return d;
	}
	case CT_NUMBER: {
		if (!*v)
			return xstrdup("");
		if (s->is_date) {
			char *end;
			double d = strtod(v, &end);
			char out[24];
			if (end != v && !*end && xlsx_serial_date(d, s->date1904, out) == 0)
				return xstrdup(out);
		}
		return number_text(v);
	}
	case CT_INLINE:
	case CT_STR:
	case CT_ERROR:
		break;
	}
	return xstrdup(v);
}

static void XMLCALL sh_end(void *ud, const XML_Char *name)
{
	sheet *s = ud;
	const char *n = local(name);
	if (!s->in_data)
		return;
	if (strcmp(n, "sheetData") == 0) {
		s->in_data = 0;
	} else if (strcmp(n, "v") == 0) {
		s->in_v = 0;
	} else if (strcmp(n, "t") == 0) {
		s->in_t = 0;
	} else if (strcmp(n, "rPh") == 0) {
		s->in_rph = 0;
	} else if (strcmp(n, "is") == 0) {
		s->in_is = 0;
	} else if (strcmp(n, "c") == 0 && s->in_cell) {
		s->in_cell = s->in_v = s->in_is = s->in_t = s->in_rph = 0;
		char *val = cell_value(s);
		if (!val)
			return;
		if (!*val) {
			free(val);
			return;
		}
		if (s->col >= s->b.x->lim->max_cols) {
			free(val);
			sheet_stop(s, &m_cols);
			return;
		}
		if (s->col >= s->cap) {
			int ncap = s->col + 16;
			s->cells = xrealloc(s->cells, sizeof(char *) * (size_t)ncap);
			for (int i = s->cap; i < ncap; i++)
				s->cells[i] = NULL;
			s->cap = ncap;
		}
		free(s->cells[s->col]);
		s->cells[s->col] = val;
		if (s->col + 1 > s->ncells)
			s->ncells = s->col + 1;
	} else if (strcmp(n, "row") == 0 && s->in_row) {
		s->in_row = 0;
		s->prev_row = s->b.row;
		if (s->ncells == 0)
			return;
		if ((size_t)++s->rows_out > s->b.x->lim->max_rows) {
			sheet_stop(s, &m_rows);
			return;
		}
		for (int i = 0; i < s->ncells; i++)
			if (!s->cells[i])
				s->cells[i] = xstrdup("");
		if (s->fn(s->ctx, s->b.row, s->cells, s->ncells)) {
			s->stopped = 1;
			XML_StopParser(s->b.p, XML_FALSE);
		}
		row_reset(s);
	}
}

static void XMLCALL sh_text(void *ud, const XML_Char *t, int len)
{
	sheet *s = ud;
	if (!s->in_cell || !(s->in_v || (s->in_is && s->in_t && !s->in_rph)))
		return;
	if (s->text.len + (size_t)len > s->b.x->lim->max_cell) {
		sheet_stop(s, &m_cell);
		return;
	}
	buf_append(&s->text, t, (size_t)len);
}

/* ---- the whole read ---- */

/* Check the archive's directory before inflating anything. */
static int check_entries(xr *x)
{
	zip_int64_t n = zip_get_num_entries(x->z, 0);
	if (n <= 0)
		return fail(x, &m_not_xlsx, 0);
	if (n > MAX_ENTRIES)
		return fail(x, &m_entries, 0);
	zip_uint64_t total = 0;
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		zip_stat_init(&st);
		if (zip_stat_index(x->z, (zip_uint64_t)i, 0, &st) || !(st.valid & ZIP_STAT_SIZE) ||
		    !(st.valid & ZIP_STAT_COMP_SIZE))
			return fail(x, &m_not_xlsx, 0);
		if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
			return fail(x, &m_encrypted, 0);
		total += st.size;
		if (st.size > x->lim->max_bytes || total > x->lim->max_bytes)
			return fail(x, &m_too_big, 0);
		zip_uint64_t comp = st.comp_size ? st.comp_size : 1;
		if (st.size > RATIO_FLOOR && st.size / comp > x->lim->max_ratio)
			return fail(x, &m_bomb, 0);
	}
	return 0;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? xstrndup(path, (size_t)(slash - path) + 1) : xstrdup("");
}

int xlsx_read(const void *data, size_t len, const sheet_limits *lim, sheet_row_fn fn, void *ctx, sheet_err *err)
{
	return xlsx_read_claimed(data, len, lim, fn, ctx, err, NULL);
}

int xlsx_read_claimed(const void *data, size_t len, const sheet_limits *lim, sheet_row_fn fn, void *ctx, sheet_err *err,
                      int64_t *last_row)
{
	if (last_row)
		*last_row = 0;
	sheet_limits dl = SHEET_LIMITS_DEFAULT;
	xr x = {.lim = lim ? lim : &dl, .err = err};
	err->m = NULL;
	err->row = 0;
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return fail(&x, &m_not_xlsx, 0);
	}
	x.z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	zip_error_fini(&ze);
	if (!x.z) {
		zip_source_free(src);
		return fail(&x, &m_not_xlsx, 0);
	}
	int rc = check_entries(&x);
	rels top = {0}, wbr = {0};
	workbook wb = {0};
	styles sty = {0};
	sst ss = {0};
	sheet sh = {0};
	char *wb_path = NULL, *wb_dir = NULL, *wb_rels = NULL, *sheet_path = NULL;
	if (rc)
		goto out;

	/* Where the workbook is. */
	XML_Parser p = xml_new(&top.b, &x, rels_start, ignore_end, NULL);
	rc = parse_entry(&x, "_rels/.rels", p);
	XML_ParserFree(p);
	if (rc < 0)
		goto out;
	wb_path = top.office ? resolve("", top.office) : xstrdup("xl/workbook.xml");
	wb_dir = dir_of(wb_path);

	p = xml_new(&wb.b, &x, wb_start, ignore_end, NULL);
	rc = parse_entry(&x, wb_path, p);
	XML_ParserFree(p);
	if (rc) {
		if (rc > 0)
			rc = fail(&x, &m_not_xlsx, 0);
		goto out;
	}
	if (!wb.first_rid) {
		rc = fail(&x, &m_no_sheet, 0);
		goto out;
	}

	/* The workbook's parts. */
	const char *base = strrchr(wb_path, '/');
	wb_rels = xasprintf("%s_rels/%s.rels", wb_dir, base ? base + 1 : wb_path);
	wbr.want_id = wb.first_rid;
	p = xml_new(&wbr.b, &x, rels_start, ignore_end, NULL);
	rc = parse_entry(&x, wb_rels, p);
	XML_ParserFree(p);
	if (rc) {
		if (rc > 0)
			rc = fail(&x, &m_not_xlsx, 0);
		goto out;
	}
	if (!wbr.sheet) {
		rc = fail(&x, &m_no_sheet, 0);
		goto out;
	}
	sheet_path = resolve(wb_dir, wbr.sheet);

	if (wbr.styles) {
		char *path = resolve(wb_dir, wbr.styles);
		p = xml_new(&sty.b, &x, st_start, st_end, NULL);
		rc = parse_entry(&x, path, p);
		XML_ParserFree(p);
		free(path);
		if (rc < 0)
			goto out;
	}
	if (wbr.strings) {
		char *path = resolve(wb_dir, wbr.strings);
		p = xml_new(&ss.b, &x, sst_start, sst_end, sst_text);
		rc = parse_entry(&x, path, p);
		XML_ParserFree(p);
		free(path);
		if (rc < 0)
			goto out;
	}

	sh.strings = &ss;
	sh.styles = &sty;
	sh.date1904 = wb.date1904;
	sh.fn = fn;
	sh.ctx = ctx;
	sh.last_row = last_row;
	p = xml_new(&sh.b, &x, sh_start, sh_end, sh_text);
	rc = parse_entry(&x, sheet_path, p);
	XML_ParserFree(p);
	if (rc == 1)
		rc = fail(&x, &m_no_sheet, 0);
	else if (rc == 2)
		rc = 1;
out:
	row_reset(&sh);
	free(sh.cells);
	buf_free(&sh.text);
	sst_free(&ss);
	free(sty.custom_ids);
	free(sty.xf_date);
	free(wb.first_rid);
	rels_free(&top);
	rels_free(&wbr);
	free(wb_path);
	free(wb_dir);
	free(wb_rels);
	free(sheet_path);
	zip_discard(x.z);
	if (x.failed)
		return -1;
	return rc;
}

/* ---- writing ---- */

struct xlsx_writer {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	lxw_format *text;
	lxw_row_t row;
	char path[256];
};

xlsx_writer *xlsx_writer_new(void)
{
	const char *tmp = getenv("TMPDIR");
	xlsx_writer *w = xcalloc(1, sizeof *w);
	snprintf(w->path, sizeof w->path, "%s/tongxin-xlsx-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(w->path);
	if (fd < 0) {
		free(w);
		return NULL;
	}
	close(fd);
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
	w->wb = workbook_new_opt(w->path, &opt);
	if (!w->wb) {
		unlink(w->path);
		free(w);
		return NULL;
	}
	w->bold = workbook_add_format(w->wb);
	format_set_bold(w->bold);
	w->text = workbook_add_format(w->wb);
	format_set_num_format(w->text, "@");
	return w;
}

int xlsx_writer_sheet(xlsx_writer *w, const char *name)
{
	w->ws = workbook_add_worksheet(w->wb, name);
	w->row = 0;
	return w->ws ? 0 : -1;
}

void xlsx_writer_widths(xlsx_writer *w, const double *widths, const unsigned char *text, int n)
{
	for (int i = 0; w->ws && i < n; i++)
		worksheet_set_column(w->ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], text && text[i] ? w->text : NULL);
}

int xlsx_writer_row(xlsx_writer *w, const xlsx_cell *cells, int n, int header)
{
	if (!w->ws || w->row >= LXW_ROW_MAX)
		return -1;
	for (int i = 0; i < n && i < LXW_COL_MAX; i++) {
		const char *t = cells[i].text;
		if (!t || !*t)
			continue;
		lxw_error e;
		char *end;
		double d = cells[i].number ? strtod(t, &end) : 0;
		if (cells[i].number && end != t && !*end)
			e = worksheet_write_number(w->ws, w->row, (lxw_col_t)i, d, header ? w->bold : NULL);
		else
			e = worksheet_write_string(w->ws, w->row, (lxw_col_t)i, t, header ? w->bold : NULL);
		if (e != LXW_NO_ERROR)
			return -1;
	}
	if (header && w->row == 0)
		worksheet_freeze_panes(w->ws, 1, 0);
	w->row++;
	return 0;
}

int xlsx_writer_finish(xlsx_writer *w, char **data, size_t *len)
{
	lxw_error e = workbook_close(w->wb);
	w->wb = NULL;
	int rc = -1;
	if (e == LXW_NO_ERROR && util_read_file(w->path, data, len) == 0)
		rc = 0;
	unlink(w->path);
	free(w);
	return rc;
}

void xlsx_writer_free(xlsx_writer *w)
{
	if (!w)
		return;
	if (w->wb)
		lxw_workbook_free(w->wb);
	unlink(w->path);
	free(w);
}
