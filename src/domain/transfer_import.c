/*
 * transfer_import.c — import of records from .xlsx and .csv: the run, the
 * dry run's plan and the jobs (see transfer.h; export is transfer_export.c).
 *
 * A dry run reads the file once to handle its rows (a CSV, or an .xlsx
 * without a <dimension>, once more before to count them for progress).
 * Each data row becomes a JSON body for the record engine; its problems
 * are gathered per row and reported with the row number and header text
 * the user sees. Rows are never all held in memory; only the duplicate
 * keys seen and small caches (units by the text in the cell, unit names)
 * are. A clean dry run leaves a plan that its commit writes without
 * reading the file again ("the plan" below).
 *
 * Jobs live in table import_job. The uploaded file is kept there sealed
 * with XChaCha20-Poly1305 under a key derived from the field key (it holds
 * personal data) until the job ends. Live progress of the jobs this
 * process runs is kept in a small table in memory (a commit runs in one
 * transaction, which on SQLite holds the write lock, so its progress
 * cannot be written to the database meanwhile).
 */
#include "domain/transfer.h"

#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>
#include <zlib.h>

#include "auth/audit.h"
#include "auth/crypto.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/util.h"
#include "domain/transfer_common.h"
#include "io/csv.h"
#include "io/xlsx.h"

/* ---- messages ---- */

static const msg2 m_unknown_col = {"无法识别的列名", "unknown column"};
static const msg2 m_dup_col = {"列重复", "the column appears twice"};
static const msg2 m_missing_col = {"缺少必填列", "a required column is missing"};
static const msg2 m_empty = {"文件中没有内容（缺少表头行）", "the file is empty (no header row)"};
static const msg2 m_no_rows = {"文件中没有数据行", "the file has no data rows"};
static const msg2 m_int = {"应为整数", "must be a whole number"};
static const msg2 m_bool = {"应为“是”或“否”", "must be 是/否 (yes/no)"};
static const msg2 m_dict = {"不是有效的选项（可填代码或名称，见模板“字典”页）",
                            "not a valid choice (a code or a label, see the template's dictionary sheet)"};
static const msg2 m_date = {"日期格式应为 YYYY-MM-DD、YYYY/M/D 或 YYYY年M月D日",
                            "a date is YYYY-MM-DD, YYYY/M/D or YYYY年M月D日"};
static const msg2 m_unit_nf = {"单位不存在或不在您的管辖范围内", "no such unit within your scope"};
static const msg2 m_unit_amb = {"单位名称不唯一，请写出上级单位（如 东城街道/和平社区）或填写区划代码",
                                "the unit name is ambiguous: name its parents (e.g. 东城街道/和平社区) or give its code"};
static const msg2 m_ref_nf = {"引用的记录不存在或不在您的管辖范围内", "the referenced record does not exist within your scope"};
static const msg2 m_exists = {"已登记（重复记录按“拒绝”处理）", "already registered (duplicates are refused)"};
static const msg2 m_exists_out = {"已由您管辖范围以外的单位登记，不能更新", "registered outside your scope; it cannot be updated"};
static const msg2 m_conflict = {"与已有记录冲突", "conflicts with an existing record"};
static const msg2 m_mode = {"应为 skip、update 或 refuse", "must be skip, update or refuse"};

/* ---- small helpers ---- */

/* Which entity an FT_REF field points at (as the record engine sees it). */
static const char *ref_target(const model_entity *e, const model_field *f)
{
	if (e->parent_field && strcmp(f->name, e->parent_field) == 0)
		return e->parent;
	if (strcmp(f->name, "organisation_id") == 0 || strcmp(f->name, "parent_org_id") == 0)
		return "organisation";
	if (strcmp(f->name, "person_id") == 0)
		return "person";
	return NULL;
}

/* The field duplicates are recognised by: the ID number, the credit code, or the first unique field. */
static const model_field *dedupe_key(const model_entity *e)
{
	if (strcmp(e->name, "organisation") == 0)
		return model_field_find(e, "credit_code");
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].flags & FF_UNIQUE)
			return &e->fields[i];
	return NULL;
}

static int is_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* ---- units ---- */

static int path_in_scope(const scope_range *r, const char *path, int64_t unit)
{
	return strcmp(path, r->lo) >= 0 && strcmp(path, r->hi) < 0 && (!r->unit_id || unit == r->unit_id);
}

/*
 * The unit named in a cell, inside the caller's scope: an id, a 12-digit
 * division code, or a name with as many of its parents as it takes to be
 * unique ("和平社区", "东城街道/和平社区", "海岳市/东城街道/和平社区").
 * Results are cached by the cell's text.
 */
static const msg2 *resolve_unit(dctx *c, smap *cache, smap *names, const char *text, int64_t *id, tx_err *fatal)
{
	sent *se = smap_get(cache, text, 1);
	if (se->v || se->m) {
		*id = se->v;
		return se->m;
	}
	scope_range r;
	scope_range_of(c->a, &r);
	store_stmt *st;
	if (is_digits(text)) {
		int code = strlen(text) == 12;
		int64_t v = 0;
		if (!code && (strlen(text) > 15 || util_parse_i64(text, &v))) {
			se->m = &m_unit_nf;
			return se->m;
		}
		if ((*fatal = store_prepare(c->db, code ? "SELECT id, path FROM unit WHERE code = ?" : "SELECT id, path FROM unit WHERE id = ?",
		                            &st)))
			return &m_unit_nf;
		if (code)
			store_bind_text(st, 1, text);
		else
			store_bind_int(st, 1, v);
		if (store_step(st) == STORE_ROW && path_in_scope(&r, store_col_text(st, 1), store_col_int(st, 0)))
			se->v = store_col_int(st, 0);
		store_finalize(st);
		if (!se->v)
			se->m = &m_unit_nf;
		*id = se->v;
		return se->m;
	}
	/* A name path: the last part is the unit, the others its nearest ancestors. */
	char *copy = xstrdup(text);
	char *parts[16];
	int np = 0;
	for (char *save = NULL, *tok = strtok_r(copy, "/\\>", &save); tok && np < 16; tok = strtok_r(NULL, "/\\>", &save)) {
		char *t = transfer_clean(tok, 0);
		if (*t)
			parts[np++] = t;
		else
			free(t);
	}
	free(copy);
	int matches = 0;
	int64_t found = 0;
	if (np && !(*fatal = store_prepare(c->db,
	                                   "SELECT id, path FROM unit WHERE name = ? AND path >= ? AND path < ?"
	                                   " AND (? = 0 OR id = ?) ORDER BY id LIMIT 100",
	                                   &st))) {
		store_bind_text(st, 1, parts[np - 1]);
		store_bind_text(st, 2, r.lo);
		store_bind_text(st, 3, r.hi);
		store_bind_int(st, 4, r.unit_id);
		store_bind_int(st, 5, r.unit_id);
		/* Collect candidates first: names are read with other statements. */
		int64_t cand[100];
		char *cpath[100];
		int nc = 0;
		while (nc < 100 && store_step(st) == STORE_ROW) {
			cand[nc] = store_col_int(st, 0);
			cpath[nc++] = xstrdup(store_col_text(st, 1));
		}
		store_finalize(st);
		for (int k = 0; k < nc; k++) {
			int64_t ids[32];
			int n = transfer_path_ids(cpath[k], ids, 32), ok = n >= np;
			for (int j = 1; ok && j < np; j++)
				ok = strcmp(transfer_unit_name(c, names, ids[n - 1 - j]), parts[np - 1 - j]) == 0;
			if (ok) {
				matches++;
				found = cand[k];
			}
			free(cpath[k]);
		}
	}
	for (int k = 0; k < np; k++)
		free(parts[k]);
	if (matches == 1)
		se->v = found;
	else
		se->m = matches ? &m_unit_amb : &m_unit_nf;
	*id = se->v;
	return se->m;
}

/* ---- values ---- */

/* A dictionary value by code, Chinese or English label, or a code without its leading zeros ("1" → "01"). */
static const char *dict_value(const char *dict, const char *s)
{
	const model_dict *d = model_dict_find(dict);
	if (!d)
		return NULL;
	for (size_t i = 0; i < d->nitems; i++)
		if (strcmp(d->items[i].value, s) == 0 || strcmp(d->items[i].label_zh, s) == 0)
			return d->items[i].value;
	for (size_t i = 0; i < d->nitems; i++)
		if (strcasecmp(d->items[i].label_en, s) == 0 || strcasecmp(d->items[i].value, s) == 0)
			return d->items[i].value;
	if (is_digits(s) && strlen(s) < 8) {
		for (size_t i = 0; i < d->nitems; i++) {
			const char *v = d->items[i].value;
			size_t lv = strlen(v), ls = strlen(s);
			if (is_digits(v) && lv > ls && strspn(v, "0") >= lv - ls && strcmp(v + (lv - ls), s) == 0)
				return v;
		}
	}
	return NULL;
}

static int valid_ymd(int y, int m, int d)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1800 || y > 2199 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

/* Digits with at most one decimal point ("45356", "45356.5"). */
static int is_decimal(const char *s)
{
	int dots = 0, digits = 0;
	for (; *s; s++) {
		if (*s == '.')
			dots++;
		else if (*s >= '0' && *s <= '9')
			digits++;
		else
			return 0;
	}
	return digits && dots <= 1;
}

/*
 * A date as YYYY-MM-DD from "2024-03-05", "2024/3/5", "2024.3.5",
 * "2024年3月5日", "20240305", a spreadsheet serial ("45356", 1900 system),
 * any of them followed by a time of day after a space or "T". 0 or -1.
 */
static int parse_date(const char *s, char out[11])
{
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%s", s);
	char *cut = strpbrk(tmp, " T");
	if (cut)
		*cut = 0;
	int y, m, d, n = 0;
	if (strlen(tmp) == 8 && is_digits(tmp)) {
		y = (tmp[0] - '0') * 1000 + (tmp[1] - '0') * 100 + (tmp[2] - '0') * 10 + (tmp[3] - '0');
		m = (tmp[4] - '0') * 10 + (tmp[5] - '0');
		d = (tmp[6] - '0') * 10 + (tmp[7] - '0');
	} else if (is_decimal(tmp) && strlen(tmp) <= 16) {
		/* A serial day number: a date cell that reached us as a number. Up to 2199-12-31. */
		char iso[24];
		double v = strtod(tmp, NULL);
		if (v < 1 || v > 109574 || xlsx_serial_date(v, 0, iso))
			return -1;
		memcpy(out, iso, 10);
		out[10] = 0;
		return 0;
	} else if (sscanf(tmp, "%4d年%2d月%2d%n", &y, &m, &d, &n) == 3) {
		if (tmp[n] && strcmp(tmp + n, "日") != 0)
			return -1;
	} else {
		char s1, s2;
		if (sscanf(tmp, "%4d%c%2d%c%2d%n", &y, &s1, &m, &s2, &d, &n) != 5 || tmp[n] || s1 != s2 ||
		    !strchr("-/.", s1))
			return -1;
	}
	if (!valid_ymd(y, m, d))
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	return 0;
}

/* ---- one import run ---- */

enum col_kind { COL_NONE, COL_FIELD, COL_IGNORE };

typedef struct xcolumn {
	enum col_kind kind;
	const model_field *f;
	char *header;
} xcolumn;

typedef struct imp {
	dctx *c;
	const model_entity *e;
	transfer_mode mode;
	int commit;
	transfer_report *rep;
	int counting;
	int64_t count;
	int have_header;
	int64_t header_row;
	int header_bad;
	xcolumn *cols;
	int ncols;
	const model_field *key;
	int unique_is_key; /* the key is the entity's only FF_UNIQUE field */
	smap seen;       /* duplicate key → first row */
	smap units;      /* unit cell text → id */
	smap names;      /* unit id → name */
	smap plan_units; /* commit from a plan: unit id → 1 in scope, -1 not */
	tx_err fatal;    /* stop: database error, stopped */
	int write_failed; /* a write failed: the transaction is lost, stop */
	int64_t last_progress;
	struct plan_w *plan; /* dry run: the plan being written, NULL once a row failed or without one */
	int reading;         /* dry run: inside its read transaction */
	/* A dry run of an .xlsx counts its rows when it meets the header (see on_row), from: */
	int count_at_header;
	int64_t claimed; /* the last row the sheet's <dimension> claims, 0: none */
	const char *format;
	const void *data;
	size_t len;
} imp;

/*
 * ---- the plan: a clean dry run's rows, for its commit ----
 *
 * The dry run converts and validates every row; it writes down what it
 * found — the record as the record engine takes it and what to do with it
 * (create; update or skip the record found by the key) — one line a row
 * (plan_add), deflated as it goes (a 100,000-row plan is a few MB). The job keeps it sealed beside the file.
 * The commit then writes those rows instead of reading, converting and
 * checking the file again, and checks only what can change between the
 * two (plan_apply). Only for entities whose rows depend on nothing else
 * in the database than their unit and their key (no parent, no other
 * references); the others re-run the file at commit as before.
 */

#define PLAN_CHUNK 65536

typedef struct plan_w {
	z_stream z;
	buf *out;
	buf line; /* the row being written */
} plan_w;

static int plannable(const model_entity *e)
{
	if (e->parent)
		return 0;
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].type == FT_REF && strcmp(e->fields[i].name, "unit_id") != 0)
			return 0;
	return 1;
}

/* Deflate n bytes into the plan (finish: and end the stream). -1 on a zlib failure. */
static int plan_deflate(plan_w *w, const void *p, size_t n, int finish)
{
	w->z.next_in = (Bytef *)p;
	w->z.avail_in = (uInt)n;
	for (;;) {
		buf_reserve(w->out, PLAN_CHUNK);
		w->z.next_out = (Bytef *)w->out->data + w->out->len;
		w->z.avail_out = PLAN_CHUNK;
		int r = deflate(&w->z, finish ? Z_FINISH : Z_NO_FLUSH);
		w->out->len += PLAN_CHUNK - w->z.avail_out;
		w->out->data[w->out->len] = 0;
		if (r == Z_STREAM_ERROR)
			return -1;
		if (w->z.avail_out && (!finish || r == Z_STREAM_END))
			return 0;
	}
}

static int plan_begin(plan_w *w, buf *out)
{
	memset(w, 0, sizeof *w);
	w->out = out;
	buf_clear(out);
	/* Level 1: the lines repeat their keys, so even the fastest level shrinks them about fivefold. */
	return deflateInit(&w->z, 1) == Z_OK ? 0 : -1;
}

/* Text into a plan line with its backslashes, tabs, newlines and NULs escaped (tabs separate, newlines end). */
static void plan_put_text(buf *b, const char *s, size_t n)
{
	const char *end = s + n;
	while (s < end) {
		size_t run = strcspn(s, "\\\t\n");
		if (run > (size_t)(end - s))
			run = (size_t)(end - s);
		buf_append(b, s, run);
		s += run;
		if (s < end) {
			buf_putc(b, '\\');
			buf_putc(b, *s == '\t' ? 't' : *s == '\n' ? 'n' : *s == '\0' ? '0' : '\\');
			s++;
		}
	}
}

/*
 * One row of the plan: "row, action (c, u or s), existing id", then each
 * field of the record as its name and a typed value — s text, i integer,
 * t / f, n null, aN and N texts (a list) — all separated by tabs. Written
 * and read here without a JSON parser: jansson's dump and load of every
 * row cost more than a tenth of a whole import. -1: a value of another
 * type (the plan is then dropped and the commit reads the file).
 */
static int plan_add(plan_w *w, int64_t row, char what, int64_t existing, json_t *body)
{
	buf *b = &w->line;
	buf_clear(b);
	buf_printf(b, "%" PRId64 "\t%c\t%" PRId64, row, what, existing);
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		buf_putc(b, '\t');
		buf_puts(b, key);
		buf_putc(b, '\t');
		if (json_is_string(v)) {
			buf_putc(b, 's');
			plan_put_text(b, json_string_value(v), json_string_length(v));
		} else if (json_is_integer(v)) {
			buf_printf(b, "i%" JSON_INTEGER_FORMAT, json_integer_value(v));
		} else if (json_is_boolean(v) || json_is_null(v)) {
			buf_putc(b, json_is_true(v) ? 't' : json_is_false(v) ? 'f' : 'n');
		} else if (json_is_array(v)) {
			buf_printf(b, "a%zu", json_array_size(v));
			size_t i;
			json_t *it;
			json_array_foreach(v, i, it)
			{
				if (!json_is_string(it))
					return -1;
				buf_putc(b, '\t');
				plan_put_text(b, json_string_value(it), json_string_length(it));
			}
		} else {
			return -1;
		}
	}
	buf_putc(b, '\n');
	return plan_deflate(w, b->data, b->len, 0);
}

/* End the plan: keep it (ok) or drop it. */
static void plan_end(plan_w *w, int ok)
{
	if (ok && plan_deflate(w, "", 0, 1))
		ok = 0;
	deflateEnd(&w->z);
	if (w->line.data)
		sodium_memzero(w->line.data, w->line.cap);
	buf_free(&w->line);
	if (!ok)
		buf_clear(w->out);
}

/* Reading a plan back a line at a time. */
typedef struct plan_r {
	z_stream z;
	buf pend; /* inflated, not yet read */
	size_t pos;
	int end;
	buf tok; /* the field being read, unescaped */
} plan_r;

static int plan_open(plan_r *r, const buf *plan)
{
	memset(r, 0, sizeof *r);
	r->z.next_in = (Bytef *)plan->data;
	r->z.avail_in = (uInt)plan->len;
	return inflateInit(&r->z) == Z_OK ? 0 : -1;
}

/* The next row as a JSON array (new reference): 1, 0 at the end, -1 when the plan is damaged. */
/* The next field of a line into r->tok, unescaped; *p moves past it (NULL after the last). -1: none left. */
static int plan_token(plan_r *r, const char **p, const char *end)
{
	const char *s = *p;
	if (!s)
		return -1;
	const char *tab = memchr(s, '\t', (size_t)(end - s));
	const char *stop = tab ? tab : end;
	buf_clear(&r->tok);
	for (const char *q = s; q < stop; q++) {
		if (*q == '\\' && q + 1 < stop) {
			q++;
			buf_putc(&r->tok, *q == 't' ? '\t' : *q == 'n' ? '\n' : *q == '0' ? '\0' : *q);
		} else {
			buf_putc(&r->tok, *q);
		}
	}
	if (!r->tok.data)
		buf_reserve(&r->tok, 0);
	*p = tab ? tab + 1 : NULL;
	return 0;
}

/* A line as plan_add wrote it → [row, action, existing, {record}] (new), or NULL when it is damaged. */
static json_t *plan_parse(plan_r *r, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	int64_t row, existing;
	char what[2] = "", key[64];
	if (plan_token(r, &p, end) || util_parse_i64(r->tok.data, &row) || plan_token(r, &p, end) || r->tok.len != 1)
		return NULL;
	what[0] = r->tok.data[0];
	if (plan_token(r, &p, end) || util_parse_i64(r->tok.data, &existing))
		return NULL;
	json_t *body = json_object();
	int bad = 0;
	while (p && !bad) {
		/* The field's name, then its typed value. */
		if (plan_token(r, &p, end) || r->tok.len == 0 || r->tok.len >= sizeof key) {
			bad = 1;
			break;
		}
		memcpy(key, r->tok.data, r->tok.len + 1);
		if (plan_token(r, &p, end) || r->tok.len == 0) {
			bad = 1;
			break;
		}
		const char *t = r->tok.data + 1;
		size_t tn = r->tok.len - 1;
		int64_t iv, count;
		json_t *v = NULL;
		switch (r->tok.data[0]) {
		case 's':
			/* Checked as UTF-8 when the dry run made it, and sealed since. */
			v = json_stringn_nocheck(t, tn);
			break;
		case 'i':
			v = util_parse_i64(t, &iv) ? NULL : json_integer(iv);
			break;
		case 't':
			v = json_true();
			break;
		case 'f':
			v = json_false();
			break;
		case 'n':
			v = json_null();
			break;
		case 'a':
			if (util_parse_i64(t, &count) || count < 0)
				break;
			v = json_array();
			for (int64_t i = 0; i < count && v; i++) {
				if (plan_token(r, &p, end)) {
					json_decref(v);
					v = NULL;
				} else {
					json_array_append_new(v, json_stringn_nocheck(r->tok.data, r->tok.len));
				}
			}
			break;
		default:
			break;
		}
		if (!v)
			bad = 1;
		else
			json_object_set_new(body, key, v);
	}
	if (bad) {
		json_decref(body);
		return NULL;
	}
	return json_pack("[I, s, I, o]", (json_int_t)row, what, (json_int_t)existing, body);
}

static int plan_next(plan_r *r, json_t **row)
{
	*row = NULL;
	for (;;) {
		char *nl = r->pend.len > r->pos ? memchr(r->pend.data + r->pos, '\n', r->pend.len - r->pos) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - (r->pend.data + r->pos));
			*row = plan_parse(r, r->pend.data + r->pos, n);
			r->pos += n + 1;
			return *row ? 1 : -1;
		}
		if (r->end)
			return r->pos == r->pend.len ? 0 : -1;
		/* Move the partial line to the front, then inflate more after it. */
		if (r->pos) {
			memmove(r->pend.data, r->pend.data + r->pos, r->pend.len - r->pos);
			r->pend.len -= r->pos;
			r->pos = 0;
		}
		buf_reserve(&r->pend, PLAN_CHUNK);
		r->z.next_out = (Bytef *)r->pend.data + r->pend.len;
		r->z.avail_out = PLAN_CHUNK;
		int z = inflate(&r->z, Z_NO_FLUSH);
		r->pend.len += PLAN_CHUNK - r->z.avail_out;
		if (z == Z_STREAM_END)
			r->end = 1;
		else if (z != Z_OK)
			return -1;
	}
}

static void plan_close(plan_r *r)
{
	inflateEnd(&r->z);
	if (r->pend.data)
		sodium_memzero(r->pend.data, r->pend.cap);
	if (r->tok.data)
		sodium_memzero(r->tok.data, r->tok.cap);
	buf_free(&r->pend);
	buf_free(&r->tok);
}

static void report_error(transfer_report *rep, int64_t row, const char *column, const char *value, const char *reason)
{
	rep->nerrors++;
	if (json_array_size(rep->errors) < TRANSFER_MAX_ERRORS)
		json_array_append_new(rep->errors, json_pack("{s:I, s:s, s:s, s:s}", "row", (json_int_t)row, "column",
		                                             column ? column : "", "value", value ? value : "", "reason",
		                                             reason ? reason : ""));
}

/* The value shown in an error: sensitive values masked. */
static char *shown(const model_field *f, const char *v)
{
	if (!f || !(f->flags & FF_SENSITIVE) || !v || !*v)
		return xstrdup(v ? v : "");
	return f->mask == MASK_ID      ? mask_id_number(v)
	       : f->mask == MASK_PHONE ? mask_phone(v)
	       : f->mask == MASK_NAME  ? mask_text(v)
	                               : xstrdup("***");
}

/* Find a field by a header: Chinese label, then field name, then English label. */
static const model_field *header_field(const model_entity *e, const char *h)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].label_zh, h) == 0)
			return &e->fields[i];
	for (size_t i = 0; i < e->nfields; i++)
		if (strcasecmp(e->fields[i].name, h) == 0)
			return &e->fields[i];
	for (size_t i = 0; i < e->nfields; i++)
		if (strcasecmp(e->fields[i].label_en, h) == 0)
			return &e->fields[i];
	return NULL;
}

static void map_header(imp *m, int64_t row, char **cells, int n)
{
	dctx *c = m->c;
	m->have_header = 1;
	m->header_row = row;
	m->ncols = n;
	m->cols = xcalloc((size_t)(n ? n : 1), sizeof(xcolumn));
	for (int i = 0; i < n; i++) {
		xcolumn *col = &m->cols[i];
		char *h = transfer_clean(cells[i], 1);
		/* The template marks required columns with a star. */
		size_t len = strlen(h);
		while (len && (h[len - 1] == '*' || h[len - 1] == ' '))
			h[--len] = 0;
		size_t lead = strspn(h, "* ");
		memmove(h, h + lead, strlen(h + lead) + 1);
		col->header = h;
		if (!*h)
			continue;
		const model_field *f = header_field(m->e, h);
		if (!f || f->type == FT_PASSWORD) {
			report_error(m->rep, row, h, h, pick(&m_unknown_col, c));
			m->header_bad = 1;
			continue;
		}
		if (!transfer_io_field(f)) {
			col->kind = COL_IGNORE;
			continue;
		}
		for (int j = 0; j < i; j++)
			if (m->cols[j].kind == COL_FIELD && m->cols[j].f == f) {
				report_error(m->rep, row, h, h, pick(&m_dup_col, c));
				m->header_bad = 1;
				f = NULL;
				break;
			}
		if (!f)
			continue;
		col->kind = COL_FIELD;
		col->f = f;
	}
	for (size_t k = 0; k < m->e->nfields; k++) {
		const model_field *f = &m->e->fields[k];
		if (!(f->flags & FF_REQUIRED) || !transfer_io_field(f))
			continue;
		int have = 0;
		for (int i = 0; i < n && !have; i++)
			have = m->cols[i].kind == COL_FIELD && m->cols[i].f == f;
		if (!have) {
			report_error(m->rep, row, f->label_zh, "", pick(&m_missing_col, c));
			m->header_bad = 1;
		}
	}
}

/* The JSON value of a cleaned, non-empty cell, or NULL with *why. */
static json_t *convert(imp *m, const model_field *f, const char *v, const msg2 **why)
{
	dctx *c = m->c;
	switch (f->type) {
	case FT_TEXT:
	case FT_PASSWORD:
		return json_string(v);
	case FT_INT: {
		char tmp[64];
		size_t k = 0;
		for (const char *s = v; *s && k < sizeof tmp - 1; s++)
			if (*s != ',')
				tmp[k++] = *s;
		tmp[k] = 0;
		/* "12.0" is how a spreadsheet may write 12. */
		char *dot = strchr(tmp, '.');
		if (dot && dot[1] && strspn(dot + 1, "0") == strlen(dot + 1))
			*dot = 0;
		int64_t iv;
		if (util_parse_i64(tmp, &iv)) {
			*why = &m_int;
			return NULL;
		}
		return json_integer(iv);
	}
	case FT_BOOL: {
		static const char *const yes[] = {"是", "true", "1", "yes", "y", "√", "✓"};
		static const char *const no[] = {"否", "false", "0", "no", "n", "×", "✗"};
		for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
			if (strcasecmp(v, yes[i]) == 0)
				return json_true();
			if (strcasecmp(v, no[i]) == 0)
				return json_false();
		}
		*why = &m_bool;
		return NULL;
	}
	case FT_DICT: {
		const char *dv = dict_value(f->dict, v);
		if (!dv) {
			*why = &m_dict;
			return NULL;
		}
		return json_string(dv);
	}
	case FT_LIST: {
		/* Split on 、 ， ； and their ASCII forms, keeping each separator. */
		char *parts[64], *seps[64];
		int np = 0;
		buf part = BUF_INIT;
		for (const char *p = v; np < 64; p++) {
			size_t skip = 0;
			if (*p == ',' || *p == ';' || *p == 0)
				skip = *p ? 1 : 0;
			else if (strncmp(p, "、", 3) == 0 || strncmp(p, "，", 3) == 0 || strncmp(p, "；", 3) == 0)
				skip = 3;
			if (*p && !skip) {
				buf_putc(&part, *p);
				continue;
			}
			parts[np] = buf_detach(&part);
			seps[np++] = xstrndup(p, skip);
			if (!*p)
				break;
			p += skip - 1;
		}
		buf_free(&part);
		json_t *arr = json_array();
		/* A label may itself hold a separator ("香港同胞、澳门同胞"): take the longest run that is a value. */
		for (int i = 0; i < np && arr;) {
			int took = 0;
			for (int j = np - 1; j >= i && !took; j--) {
				buf cand = BUF_INIT;
				for (int k = i; k <= j; k++)
					buf_printf(&cand, "%s%s", parts[k], k < j ? seps[k] : "");
				char *item = transfer_clean(cand.data ? cand.data : "", 0);
				buf_free(&cand);
				const char *dv = !*item ? "" : f->dict ? dict_value(f->dict, item) : item;
				if (dv && (j == i || *dv)) {
					if (*dv)
						json_array_append_new(arr, json_string(dv));
					took = 1;
					i = j + 1;
				}
				free(item);
			}
			if (!took) {
				json_decref(arr);
				arr = NULL;
				*why = &m_dict;
			}
		}
		for (int i = 0; i < np; i++) {
			free(parts[i]);
			free(seps[i]);
		}
		return arr;
	}
	case FT_DATE: {
		char d[11];
		if (parse_date(v, d)) {
			*why = &m_date;
			return NULL;
		}
		return json_string(d);
	}
	case FT_REF: {
		if (strcmp(f->name, "unit_id") == 0 && !m->e->parent) {
			int64_t id = 0;
			*why = resolve_unit(c, &m->units, &m->names, v, &id, &m->fatal);
			return *why ? NULL : json_integer(id);
		}
		int64_t id;
		if (is_digits(v) && strlen(v) <= 12 && !util_parse_i64(v, &id) && id > 0)
			return json_integer(id);
		/* A person by ID number, an organisation by credit code. */
		const char *target = ref_target(m->e, f);
		const char *field = !target                              ? NULL
		                    : strcmp(target, "person") == 0       ? "id_number"
		                    : strcmp(target, "organisation") == 0 ? "credit_code"
		                                                          : NULL;
		const model_entity *te = target ? record_entity(target) : NULL;
		if (!field || !te) {
			*why = &m_int;
			return NULL;
		}
		int in_scope = 0;
		id = 0;
		tx_err rc = record_find_by(c, te, field, v, &id, &in_scope);
		if (rc && rc != TX_EINTERNAL)
			m->fatal = rc;
		if (!id || !in_scope) {
			*why = &m_ref_nf;
			return NULL;
		}
		return json_integer(id);
	}
	case FT_OBJECTS: /* not a record field type */
	case FT_IDS:
	case FT__MAX:
		break;
	}
	*why = &m_int;
	return NULL;
}

/* The header of the column of field `name`, or its Chinese label when there is none. */
static const char *column_of(imp *m, const char *name)
{
	for (int i = 0; i < m->ncols; i++)
		if (m->cols[i].kind == COL_FIELD && strcmp(m->cols[i].f->name, name) == 0)
			return m->cols[i].header;
	const model_field *f = model_field_find(m->e, name);
	return f ? (strcmp(m->c->lang, "en") == 0 ? f->label_en : f->label_zh) : name;
}

/* Take the error details a record-engine call left in the context. */
static void take_errors(imp *m, json_t *row_errs, json_t *texts, tx_err rc)
{
	dctx *c = m->c;
	const char *key;
	json_t *v;
	if (c->err_fields && json_object_size(c->err_fields)) {
		json_object_foreach(c->err_fields, key, v)
		{
			const model_field *f = model_field_find(m->e, key);
			char *val = shown(f, json_string_value(json_object_get(texts, key)));
			json_array_append_new(row_errs, json_pack("{s:s, s:s, s:s}", "column", column_of(m, key), "value", val,
			                                          "reason", json_string_value(v)));
			free(val);
		}
	} else {
		const char *msg = c->err_msg[0] ? c->err_msg : pick(rc == TX_ECONFLICT ? &m_conflict : &m_ref_nf, c);
		json_array_append_new(row_errs, json_pack("{s:s, s:s, s:s}", "column", "", "value", "", "reason", msg));
	}
	json_decref(c->err_fields);
	c->err_fields = NULL;
	c->err_msg[0] = 0;
	c->err_code = NULL;
}

static void row_err(imp *m, json_t *row_errs, const model_field *f, const char *column, const char *value,
                    const msg2 *why)
{
	char *val = shown(f, value);
	json_array_append_new(row_errs,
	                      json_pack("{s:s, s:s, s:s}", "column", column, "value", val, "reason", pick(why, m->c)));
	free(val);
}

static void process_row(imp *m, int64_t row, char **cells, int n)
{
	dctx *c = m->c;
	json_t *body = json_object(), *texts = json_object(), *bad = json_object(), *errs = json_array();
	for (int i = 0; i < m->ncols && !m->fatal; i++) {
		xcolumn *col = &m->cols[i];
		if (col->kind != COL_FIELD)
			continue;
		const model_field *f = col->f;
		char *v = transfer_clean(i < n ? cells[i] : "", f->type != FT_TEXT || f->norm);
		if (*v) {
			const msg2 *why = NULL;
			json_t *jv = convert(m, f, v, &why);
			json_object_set_new(texts, f->name, json_string(v));
			if (jv) {
				json_object_set_new(body, f->name, jv);
			} else if (!m->fatal) {
				row_err(m, errs, f, col->header, v, why);
				json_object_set_new(bad, f->name, json_true());
			}
		}
		free(v);
	}
	int64_t existing = 0;
	int skip = 0;
	validate_mode vm = VALIDATE_CREATE;
	/* Duplicates: within the file, then against the registry. */
	json_t *kv = m->key ? json_object_get(body, m->key->name) : NULL;
	if (!m->fatal && json_is_string(kv)) {
		const char *ks = json_string_value(kv);
		char norm[256];
		if (!m->key->norm || !m->key->norm(ks, norm, sizeof norm)) {
			const char *nk = m->key->norm ? norm : ks;
			sent *se = smap_get(&m->seen, nk, 1);
			if (se->v) {
				char reason[160];
				snprintf(reason, sizeof reason,
				         strcmp(c->lang, "en") == 0 ? "the same as row %" PRId64 " of the file" : "与文件第 %" PRId64 " 行重复",
				         se->v);
				char *val = shown(m->key, ks);
				json_array_append_new(errs, json_pack("{s:s, s:s, s:s}", "column", column_of(m, m->key->name),
				                                      "value", val, "reason", reason));
				free(val);
			} else {
				se->v = row;
				int in_scope = 0;
				tx_err rc = record_find_by(c, m->e, m->key->name, ks, &existing, &in_scope);
				if (rc)
					m->fatal = rc;
				else if (existing && m->mode == TRANSFER_SKIP)
					skip = 1;
				else if (existing && m->mode == TRANSFER_REFUSE)
					row_err(m, errs, m->key, column_of(m, m->key->name), ks, &m_exists);
				else if (existing && !in_scope)
					row_err(m, errs, m->key, column_of(m, m->key->name), ks, &m_exists_out);
				else if (existing)
					vm = VALIDATE_UPDATE;
			}
		}
	}
	if (!m->fatal && !skip) {
		json_t *fields = NULL;
		const char *summary = NULL;
		if (model_validate(m->e, body, vm, c->lang, &fields, &summary)) {
			const char *key;
			json_t *v;
			json_object_foreach(fields, key, v)
			{
				if (json_object_get(bad, key))
					continue;
				const model_field *f = model_field_find(m->e, key);
				char *val = shown(f, json_string_value(json_object_get(texts, key)));
				json_array_append_new(errs, json_pack("{s:s, s:s, s:s}", "column", column_of(m, key), "value", val,
				                                      "reason", json_string_value(v)));
				free(val);
			}
			json_decref(fields);
		}
	}
	if (!m->fatal && !skip && json_array_size(errs) == 0) {
		/* The unit was resolved inside the scope; the unique key was looked up above. */
		unsigned flags = RECORD_CHECKED_UNIT | (m->unique_is_key && json_is_string(kv) ? RECORD_CHECKED_UNIQUE : 0);
		tx_err rc = record_check(c, m->e, body, vm == VALIDATE_UPDATE ? existing : 0, flags);
		if (rc == TX_EINVAL || rc == TX_ECONFLICT || rc == TX_ENOTFOUND || rc == TX_EFORBIDDEN)
			take_errors(m, errs, texts, rc);
		else if (rc)
			m->fatal = rc;
	}
	if (!m->fatal && json_array_size(errs) == 0) {
		if (skip)
			m->rep->skipped++;
		else if (vm == VALIDATE_UPDATE)
			m->rep->updated++;
		else
			m->rep->created++;
		char what = skip ? 's' : vm == VALIDATE_UPDATE ? 'u' : 'c';
		if (m->plan && plan_add(m->plan, row, what, existing, skip ? NULL : body))
			m->plan = NULL;
		/* Write while the whole run is still clean; after a problem, only validate. */
		if (m->commit && !skip && m->rep->nerrors == 0) {
			tx_err rc;
			if (vm == VALIDATE_UPDATE) {
				json_t *out = NULL;
				rc = record_update(c, m->e, existing, body, &out);
				json_decref(out);
				json_decref(c->audit_detail);
				c->audit_detail = NULL;
			} else {
				int64_t id = 0;
				rc = record_insert_raw(c, m->e, body, &id);
			}
			if (rc == TX_EINVAL || rc == TX_ECONFLICT || rc == TX_ENOTFOUND) {
				take_errors(m, errs, texts, rc);
				m->write_failed = 1;
			} else if (rc) {
				m->fatal = rc;
			}
		}
	}
	if (json_array_size(errs))
		m->plan = NULL; /* a dry run with errors cannot be committed: no plan */
	size_t i;
	json_t *e;
	json_array_foreach(errs, i, e)
	{
		report_error(m->rep, row, json_string_value(json_object_get(e, "column")),
		             json_string_value(json_object_get(e, "value")), json_string_value(json_object_get(e, "reason")));
	}
	json_decref(body);
	json_decref(texts);
	json_decref(bad);
	json_decref(errs);
}

static void progress(imp *m, int force)
{
	transfer_report *rep = m->rep;
	if (!rep->progress)
		return;
	int64_t now = util_mono_us();
	if (force || now - m->last_progress > 200000) {
		m->last_progress = now;
		rep->progress(rep->progress_ctx, rep);
		/* The callback may write (a heartbeat), which ends a read transaction: the dry run's goes on. */
		if (m->reading)
			store_read_begin(m->c->db);
	}
}

static int on_count(void *ctx, int64_t row, char **cells, int n)
{
	(void)row;
	(void)cells;
	(void)n;
	imp *m = ctx;
	m->count++;
	return m->rep->stop && atomic_load(m->rep->stop);
}

/* claimed: see xlsx_read_claimed (NULL: not wanted; CSV claims nothing). */
static int read_file(const char *format, const void *data, size_t len, sheet_row_fn fn, void *ctx, sheet_err *err,
                     int64_t *claimed)
{
	sheet_limits lim = SHEET_LIMITS_DEFAULT;
	if (strcmp(format, "xlsx") == 0)
		return xlsx_read_claimed(data, len, &lim, fn, ctx, err, claimed);
	return csv_read(data, len, &lim, fn, ctx, err);
}

/* The data rows of a file (rows after the first non-empty one), for progress: a reading pass of its own. */
static int count_rows(const char *format, const void *data, size_t len, transfer_report *rep, sheet_err *se)
{
	imp cnt = {.rep = rep, .counting = 1};
	int r = read_file(format, data, len, on_count, &cnt, se, NULL);
	if (r >= 0)
		rep->total = cnt.count > 0 ? cnt.count - 1 : 0;
	return r;
}

static int on_row(void *ctx, int64_t row, char **cells, int n)
{
	imp *m = ctx;
	if (m->rep->stop && atomic_load(m->rep->stop)) {
		m->fatal = TX_EIO;
		return 1;
	}
	if (!m->have_header) {
		map_header(m, row, cells, n);
		/*
		 * An .xlsx says how far its rows go (<dimension>) before the first
		 * one: that is the progress bar's total, made exact at the end. Only
		 * without that claim is the file read once more just to count.
		 */
		if (m->count_at_header && m->claimed > row) {
			m->rep->total = m->claimed - row;
		} else if (m->count_at_header) {
			sheet_err se;
			count_rows(m->format, m->data, m->len, m->rep, &se);
		}
		return m->header_bad;
	}
	process_row(m, row, cells, n);
	m->rep->processed++;
	progress(m, 0);
	return m->fatal || m->write_failed;
}

void transfer_report_free(transfer_report *rep)
{
	json_decref(rep->errors);
	rep->errors = NULL;
}

const char *transfer_upload_format(const char *ct)
{
	if (!ct)
		return NULL;
	size_t n = strcspn(ct, "; ");
	if (n == strlen(TRANSFER_XLSX_TYPE) && strncasecmp(ct, TRANSFER_XLSX_TYPE, n) == 0)
		return "xlsx";
	if ((n == 8 && strncasecmp(ct, "text/csv", 8) == 0) || (n == 15 && strncasecmp(ct, "application/csv", 15) == 0))
		return "csv";
	return NULL;
}

static tx_err audit_import(dctx *c, const model_entity *e, const char *format, transfer_mode mode,
                           const transfer_report *rep)
{
	static const char *const modes[] = {"skip", "update", "refuse"};
	char action[96], id[32];
	snprintf(action, sizeof action, "%s.import", e->name);
	snprintf(id, sizeof id, "%" PRId64, rep->job);
	json_t *d = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "format", format, "mode", modes[mode], "rows",
	                      (json_int_t)rep->total, "created", (json_int_t)rep->created, "updated",
	                      (json_int_t)rep->updated, "skipped", (json_int_t)rep->skipped);
	if (rep->job)
		json_object_set_new(d, "job", json_integer(rep->job));
	audit_entry ae = {.actor_id = c->a->user_id,
	                  .actor = c->a->username,
	                  .ip = c->a->ip[0] ? c->a->ip : NULL,
	                  .action = action,
	                  .entity = e->name,
	                  .entity_id = rep->job ? id : NULL,
	                  .result = "ok",
	                  .detail = d};
	tx_err rc = audit_append(c->db, c->k, &ae);
	json_decref(d);
	return rc;
}

/* Every data row of the file through process_row; the file's own problems reported. */
static tx_err read_rows(imp *m, const char *format, const void *data, size_t len)
{
	dctx *c = m->c;
	transfer_report *rep = m->rep;
	sheet_err se;
	int r = read_file(format, data, len, on_row, m, &se, &m->claimed);
	if (r < 0)
		report_error(rep, se.row, "", "", pick(se.m, c));
	else if (!m->have_header)
		report_error(rep, 0, "", "", pick(&m_empty, c));
	else if (!m->header_bad && !m->fatal && rep->processed == 0)
		report_error(rep, m->header_row, "", "", pick(&m_no_rows, c));
	return m->fatal;
}

static tx_err stopped(dctx *c)
{
	return dctx_fail(c, TX_EIO, "import.stopped", "服务正在停止，导入已中止",
	                 "the server is stopping; the import was stopped");
}

/* Drop what a failed record-engine call left in the context (the commit re-runs the file to report it). */
static void forget_errors(dctx *c)
{
	json_decref(c->err_fields);
	json_decref(c->audit_detail);
	c->err_fields = NULL;
	c->audit_detail = NULL;
	c->err_msg[0] = 0;
	c->err_code = NULL;
}

/* Is this unit (still) in the actor's scope? Cached by id for the run. */
static int plan_unit_ok(imp *m, int64_t unit)
{
	char key[32];
	snprintf(key, sizeof key, "%" PRId64, unit);
	sent *se = smap_get(&m->plan_units, key, 1);
	if (!se->v) {
		scope_range r;
		scope_range_of(m->c->a, &r);
		store_stmt *st;
		se->v = -1;
		if (store_prepare(m->c->db, "SELECT id, path FROM unit WHERE id = ?", &st) == TX_OK) {
			store_bind_int(st, 1, unit);
			if (store_step(st) == STORE_ROW && path_in_scope(&r, store_col_text(st, 1), unit))
				se->v = 1;
			store_finalize(st);
		}
	}
	return se->v == 1;
}

/* Is the record a planned skip found still there (live)? */
static int plan_still_there(imp *m, int64_t id)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE id = ? AND deleted = 0", m->e->table);
	store_stmt *st;
	if (store_prepare(m->c->db, sql, &st))
		return 0;
	store_bind_int(st, 1, id);
	int there = store_step(st) == STORE_ROW;
	store_finalize(st);
	return there;
}

/*
 * Write the rows of the dry run's plan (inside the commit's transaction).
 * What the dry run checked that can change meanwhile is checked again:
 * a new record's unit must still be in the actor's scope (looked up once a
 * unit), its key still free (the unique index on the key's blind index
 * refuses the insert otherwise: person.id_number, organisation.credit_code),
 * a record to skip still there, a record to update still updatable
 * (record_update checks scope, version, cross-field rules and uniqueness
 * itself). Everything else the dry run did depends only on the file and
 * the model. *stale says something no longer holds: the caller rolls
 * back and runs the file with every check instead.
 */
static tx_err plan_apply(imp *m, const buf *plan, int *stale)
{
	dctx *c = m->c;
	transfer_report *rep = m->rep;
	plan_r r;
	*stale = 1;
	if (plan_open(&r, plan))
		return TX_OK;
	json_t *row;
	int got;
	tx_err rc = TX_OK;
	int fresh = 1;
	while (fresh && !rc && (got = plan_next(&r, &row)) == 1) {
		if (rep->stop && atomic_load(rep->stop)) {
			json_decref(row);
			rc = stopped(c);
			break;
		}
		const char *what = json_string_value(json_array_get(row, 1));
		int64_t id = json_integer_value(json_array_get(row, 2));
		json_t *body = json_array_get(row, 3);
		if (what && *what == 's') {
			fresh = plan_still_there(m, id);
			rep->skipped++;
		} else if (what && *what == 'u' && json_is_object(body)) {
			json_t *out = NULL;
			fresh = record_update(c, m->e, id, body, &out) == TX_OK;
			json_decref(out);
			rep->updated++;
		} else if (what && *what == 'c' && json_is_object(body)) {
			int64_t nid = 0;
			fresh = plan_unit_ok(m, json_integer_value(json_object_get(body, "unit_id"))) &&
			        record_insert_raw(c, m->e, body, &nid) == TX_OK;
			rep->created++;
		} else {
			fresh = 0;
		}
		forget_errors(c);
		json_decref(row);
		rep->processed++;
		progress(m, 0);
	}
	plan_close(&r);
	if (!rc && fresh && got == 0 && rep->processed == rep->total)
		*stale = 0;
	return rc;
}

/*
 * One commit: begin, write the rows — from the plan, or from the file with
 * every check — then the audit entry, the job's end and the rollups, and
 * commit; or roll all of it back. *stale: the plan no longer held (nothing
 * was written).
 */
static tx_err commit_rows(imp *m, const char *format, const void *data, size_t len, const buf *plan, int *stale)
{
	dctx *c = m->c;
	transfer_report *rep = m->rep;
	*stale = 0;
	tx_err rc = store_begin(c->db);
	if (rc)
		return rc;
	/* The rollups of people: summed over the rows, written once before the commit. */
	record_tally_collect(1);
	rc = plan ? plan_apply(m, plan, stale) : read_rows(m, format, data, len);
	if (rc == TX_EIO && !c->err_msg[0])
		stopped(c);
	int clean = !rc && !*stale && !rep->nerrors;
	/* Every row is counted before the job's end is written. */
	if (clean)
		progress(m, 1);
	if (clean)
		rc = audit_import(c, m->e, format, m->mode, rep);
	if (clean && !rc && rep->finish)
		rc = rep->finish(c, rep, rep->finish_ctx);
	if (clean && !rc)
		rc = record_tally_flush(c->db);
	if (clean && !rc)
		rc = store_commit(c->db);
	record_tally_collect(0);
	if (!clean || rc) {
		store_rollback(c->db);
		rep->created = rep->updated = rep->skipped = 0;
	}
	return rc;
}

tx_err transfer_run(dctx *c, const model_entity *e, const char *format, const void *data, size_t len,
                    transfer_mode mode, int commit, transfer_report *rep)
{
	if (!transfer_can(c, e, "create") || (mode == TRANSFER_UPDATE && !transfer_can(c, e, "update")))
		return dctx_fail(c, TX_EFORBIDDEN, "auth.forbidden", "没有权限执行此操作", "you are not allowed to do this");
	if (!rep->errors)
		rep->errors = json_array();
	json_array_clear(rep->errors);
	rep->processed = rep->created = rep->updated = rep->skipped = rep->nerrors = 0;
	imp m = {.c = c, .e = e, .mode = mode, .commit = commit, .rep = rep, .key = dedupe_key(e)};
	int nunique = 0;
	for (size_t i = 0; i < e->nfields; i++)
		nunique += (e->fields[i].flags & FF_UNIQUE) != 0;
	m.unique_is_key = m.key && (m.key->flags & FF_UNIQUE) && nunique == 1;
	const buf *plan = commit && rep->plan && rep->plan->len && plannable(e) && rep->total > 0 ? rep->plan : NULL;
	/* The rows of a file are counted first for the progress bar; an .xlsx's dry run counts them at its header. */
	m.count_at_header = !commit && rep->total <= 0 && strcmp(format, "xlsx") == 0;
	m.format = format;
	m.data = data;
	m.len = len;
	sheet_err se;
	if (rep->total <= 0 && !m.count_at_header && count_rows(format, data, len, rep, &se) < 0) {
		report_error(rep, se.row, "", "", pick(se.m, c));
		return TX_OK;
	}
	progress(&m, 1);
	tx_err rc;
	if (commit) {
		int stale = 0;
		rc = commit_rows(&m, format, data, len, plan, &stale);
		if (!rc && stale) {
			/* Something changed since the dry run: every check again, on the file. */
			log_info("import job %" PRId64 ": data changed since the dry run; checking the file again",
			         rep->job);
			rep->processed = 0;
			rc = commit_rows(&m, format, data, len, NULL, &stale);
		}
	} else {
		plan_w pw;
		int planning = rep->plan && plannable(e) && !plan_begin(&pw, rep->plan);
		m.plan = planning ? &pw : NULL;
		/* One snapshot and one shared lock for the run's look-ups (SQLite), not one each; the commit checks again. */
		store_read_begin(c->db);
		m.reading = 1;
		rc = read_rows(&m, format, data, len);
		m.reading = 0;
		store_read_end(c->db);
		/* Read to the end: the rows handled are the total (a claimed one was an estimate). */
		if (!rc && m.have_header && !m.header_bad)
			rep->total = rep->processed;
		if (rc == TX_EIO)
			stopped(c);
		if (planning)
			plan_end(&pw, m.plan && !rc && !rep->nerrors);
		progress(&m, 1);
	}
	progress(&m, 1);
	for (int i = 0; i < m.ncols; i++)
		free(m.cols[i].header);
	free(m.cols);
	smap_free(&m.seen);
	smap_free(&m.units);
	smap_free(&m.names);
	smap_free(&m.plan_units);
	return rc;
}

/* ---- jobs: the sealed file ---- */

static const char FILE_AD[] = "tongxin import_job file v1";

static void file_key(const keys *k, unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES])
{
	crypto_generichash(key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES, (const unsigned char *)FILE_AD,
	                   sizeof FILE_AD - 1, k->field, sizeof k->field);
}

/* nonce || ciphertext || tag, malloc'd. */
static unsigned char *file_seal(const keys *k, const void *data, size_t len, size_t *out_len)
{
	unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	file_key(k, key);
	size_t nb = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	unsigned char *out = xmalloc(nb + len + crypto_aead_xchacha20poly1305_ietf_ABYTES);
	randombytes_buf(out, nb);
	unsigned long long clen = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + nb, &clen, data, len, (const unsigned char *)FILE_AD,
	                                           sizeof FILE_AD - 1, NULL, out, key);
	sodium_memzero(key, sizeof key);
	*out_len = nb + (size_t)clen;
	return out;
}

static char *file_open(const keys *k, const void *sealed, size_t len, size_t *out_len)
{
	size_t nb = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, ab = crypto_aead_xchacha20poly1305_ietf_ABYTES;
	if (len < nb + ab)
		return NULL;
	unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	file_key(k, key);
	char *out = xmalloc(len - nb - ab + 1);
	unsigned long long mlen = 0;
	const unsigned char *s = sealed;
	int bad = crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)out, &mlen, NULL, s + nb, len - nb, (const unsigned char *)FILE_AD,
	                                                     sizeof FILE_AD - 1, s, key);
	sodium_memzero(key, sizeof key);
	if (bad) {
		free(out);
		return NULL;
	}
	out[mlen] = 0;
	*out_len = (size_t)mlen;
	return out;
}

/* ---- jobs: the workers of this process ---- */

#define STALE_SECONDS 900 /* a running job of another process silent this long has died */

struct live {
	int used;
	int64_t job;
	int64_t processed, total;
};

static pthread_mutex_t jobs_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_cv = PTHREAD_COND_INITIALIZER;
static struct live live[TRANSFER_MAX_WORKERS];
static atomic_int stopping;

static int slot_reserve(void)
{
	int slot = -1;
	pthread_mutex_lock(&jobs_mu);
	for (int i = 0; i < TRANSFER_MAX_WORKERS && slot < 0 && !atomic_load(&stopping); i++)
		if (!live[i].used) {
			live[i] = (struct live){1, 0, 0, 0};
			slot = i;
		}
	pthread_mutex_unlock(&jobs_mu);
	return slot;
}

static void slot_release(int slot)
{
	pthread_mutex_lock(&jobs_mu);
	live[slot].used = 0;
	live[slot].job = 0;
	pthread_cond_broadcast(&jobs_cv);
	pthread_mutex_unlock(&jobs_mu);
}

static void slot_set(int slot, int64_t job, int64_t processed, int64_t total)
{
	pthread_mutex_lock(&jobs_mu);
	live[slot].job = job;
	live[slot].processed = processed;
	live[slot].total = total;
	pthread_mutex_unlock(&jobs_mu);
}

/* Is the job running in this process? Its progress then. */
static int live_find(int64_t job, int64_t *processed, int64_t *total)
{
	int found = 0;
	pthread_mutex_lock(&jobs_mu);
	for (int i = 0; i < TRANSFER_MAX_WORKERS && !found; i++)
		if (live[i].used && live[i].job == job) {
			found = 1;
			*processed = live[i].processed;
			*total = live[i].total;
		}
	pthread_mutex_unlock(&jobs_mu);
	return found;
}

void transfer_shutdown(void)
{
	atomic_store(&stopping, 1);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&jobs_mu);
	for (;;) {
		int busy = 0;
		for (int i = 0; i < TRANSFER_MAX_WORKERS; i++)
			busy |= live[i].used;
		if (!busy || pthread_cond_timedwait(&jobs_cv, &jobs_mu, &until) != 0)
			break;
	}
	pthread_mutex_unlock(&jobs_mu);
}

/* ---- jobs: rows ---- */

static const char *const mode_names[] = {"skip", "update", "refuse"};

static int mode_parse(const char *s, transfer_mode *m)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, mode_names[i]) == 0) {
			*m = (transfer_mode)i;
			return 0;
		}
	return -1;
}

static tx_err job_exec(store *db, const char *sql, const char *text, int64_t id)
{
	store_stmt *st;
	tx_err rc = store_prepare(db, sql, &st);
	if (rc)
		return rc;
	int k = 1;
	if (text)
		store_bind_text(st, k++, text);
	store_bind_int(st, k, id);
	rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
	store_finalize(st);
	return rc;
}

/* Running jobs of a user that died with their process are marked failed. */
static tx_err reap_stale(store *db, int64_t user)
{
	store_stmt *st;
	tx_err rc = store_prepare(db,
	                          "SELECT id, updated_at FROM import_job WHERE user_id = ?"
	                          " AND status IN ('validating', 'committing')",
	                          &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, user);
	int64_t dead[16];
	int nd = 0;
	while (nd < 16 && store_step(st) == STORE_ROW) {
		int64_t p, t;
		if (!live_find(store_col_int(st, 0), &p, &t) && store_col_int(st, 1) < util_now() - STALE_SECONDS)
			dead[nd++] = store_col_int(st, 0);
	}
	store_finalize(st);
	for (int i = 0; i < nd && !rc; i++)
		rc = job_exec(db,
		              "UPDATE import_job SET status = 'failed', message = ?, file = NULL, plan = NULL"
		              " WHERE id = ? AND status IN ('validating', 'committing')",
		              "interrupted", dead[i]);
	return rc;
}

static json_t *json_or(const char *text, json_t *dflt)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	if (j) {
		json_decref(dflt);
		return j;
	}
	return dflt;
}

static tx_err job_json(dctx *c, int64_t id, json_t **out)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "SELECT id, entity, mode, format, status, total_rows, processed_rows, error_count, errors,"
	                          " planned, result, message, created_at, updated_at, finished_at, file_size"
	                          " FROM import_job WHERE id = ? AND user_id = ?",
	                          &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, c->a->user_id);
	int s = store_step(st);
	if (s != STORE_ROW) {
		store_finalize(st);
		if (s != STORE_DONE)
			return TX_EDB;
		return dctx_fail(c, TX_ENOTFOUND, "not_found", "导入任务不存在", "no such import job");
	}
	char created[32], updated[32], finished[32];
	util_iso_time(store_col_int(st, 12), created, sizeof created);
	util_iso_time(store_col_int(st, 13), updated, sizeof updated);
	int done = !store_col_is_null(st, 14);
	if (done)
		util_iso_time(store_col_int(st, 14), finished, sizeof finished);
	int64_t total = store_col_int(st, 5), processed = store_col_int(st, 6), nerr = store_col_int(st, 7);
	json_t *errors = json_or(store_col_text(st, 8), json_array());
	const char *msg = store_col_text(st, 11);
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:b, s:o, s:o, s:s, s:s, s:I}", "id",
	                      (json_int_t)store_col_int(st, 0), "entity", store_col_text(st, 1), "mode",
	                      store_col_text(st, 2), "format", store_col_text(st, 3), "status", store_col_text(st, 4),
	                      "total", (json_int_t)total, "processed", (json_int_t)processed, "error_count",
	                      (json_int_t)nerr, "errors", errors, "errors_truncated",
	                      nerr > (int64_t)json_array_size(errors), "planned",
	                      json_or(store_col_text(st, 9), json_object()), "result",
	                      json_or(store_col_text(st, 10), json_object()), "created_at", created, "updated_at", updated,
	                      "file_size", (json_int_t)store_col_int(st, 15));
	json_object_set_new(o, "finished_at", done ? json_string(finished) : json_null());
	json_object_set_new(o, "message", msg ? json_string(msg) : json_null());
	store_finalize(st);
	int64_t lp, lt;
	/*
	 * The live counter of a running job (the row is written about once a
	 * second, or only at the end for a commit). Once the row says the job
	 * has finished its own counts are final: the slot may still hold the
	 * last throttled progress (a commit read 99,553 of 100,000 when done).
	 */
	if (!done && live_find(id, &lp, &lt)) {
		json_object_set_new(o, "processed", json_integer(lp));
		if (lt)
			json_object_set_new(o, "total", json_integer(lt));
	}
	*out = o;
	return TX_OK;
}

/* ---- jobs: the worker ---- */

struct wargs {
	int slot;
	int64_t job;
	int commit;
	config cfg;
	keys k;
	char ip[64];
};

struct wctx {
	store *db;
	struct wargs *w;
	int64_t last_db;
};

static void on_progress(void *ctx, const transfer_report *rep)
{
	struct wctx *x = ctx;
	slot_set(x->w->slot, x->w->job, rep->processed, rep->total);
	/* A heartbeat other nodes can see, outside the commit's transaction only;
	 * in a transaction of its own, so it queues at the store's write gate. */
	if (!x->w->commit && util_mono_us() - x->last_db > 1000000 && store_begin(x->db) == TX_OK) {
		x->last_db = util_mono_us();
		store_stmt *st;
		if (store_prepare(x->db,
		                  "UPDATE import_job SET processed_rows = ?, total_rows = ?, updated_at = ? WHERE id = ?",
		                  &st) == TX_OK) {
			store_bind_int(st, 1, rep->processed);
			store_bind_int(st, 2, rep->total);
			store_bind_int(st, 3, util_now());
			store_bind_int(st, 4, x->w->job);
			store_step(st);
			store_finalize(st);
		}
		if (store_commit(x->db))
			log_warn("import job %lld: could not record its progress", (long long)x->w->job);
	}
}

/* {created, updated, skipped} of a commit, or {create, update, skip} planned by a dry run. */
static char *counts_text(const transfer_report *rep, int done)
{
	json_t *j = done ? json_pack("{s:I, s:I, s:I}", "created", (json_int_t)rep->created, "updated",
	                             (json_int_t)rep->updated, "skipped", (json_int_t)rep->skipped)
	                 : json_pack("{s:I, s:I, s:I}", "create", (json_int_t)rep->created, "update",
	                             (json_int_t)rep->updated, "skip", (json_int_t)rep->skipped);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

/*
 * Record the end of a run: status, counts, errors; the file goes unless the
 * job is ready, when the dry run's sealed plan (or NULL) is kept beside it.
 */
static tx_err job_finish(store *db, int64_t job, const char *status, const transfer_report *rep, const char *message,
                         int commit, const unsigned char *plan, size_t plan_len)
{
	char *errors = json_dumps(rep->errors ? rep->errors : json_array(), JSON_COMPACT);
	char *counts = counts_text(rep, commit);
	int ready = strcmp(status, "ready") == 0;
	store_stmt *st;
	tx_err rc = store_prepare(db,
	                          commit ? "UPDATE import_job SET status = ?, total_rows = ?, processed_rows = ?, error_count = ?,"
	                                   " errors = ?, result = ?, message = ?, updated_at = ?, finished_at = ?, file = NULL,"
	                                   " plan = NULL WHERE id = ?"
	                                 : ready ? "UPDATE import_job SET status = ?, total_rows = ?, processed_rows = ?, error_count = ?,"
	                                           " errors = ?, planned = ?, message = ?, updated_at = ?, finished_at = ?, plan = ?"
	                                           " WHERE id = ?"
	                                         : "UPDATE import_job SET status = ?, total_rows = ?, processed_rows = ?, error_count = ?,"
	                                           " errors = ?, planned = ?, message = ?, updated_at = ?, finished_at = ?, file = NULL,"
	                                           " plan = NULL WHERE id = ?",
	                          &st);
	if (!rc) {
		int64_t now = util_now();
		int k = 10;
		store_bind_text(st, 1, status);
		store_bind_int(st, 2, rep->total);
		store_bind_int(st, 3, rep->processed);
		store_bind_int(st, 4, rep->nerrors);
		store_bind_text(st, 5, errors);
		store_bind_text(st, 6, counts);
		store_bind_text(st, 7, message);
		store_bind_int(st, 8, now);
		if (ready) {
			store_bind_null(st, 9);
			if (plan)
				store_bind_blob(st, k++, plan, plan_len);
			else
				store_bind_null(st, k++);
		} else {
			store_bind_int(st, 9, now);
		}
		store_bind_int(st, k, job);
		rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
		store_finalize(st);
	}
	free(errors);
	free(counts);
	return rc;
}

/* The plan is sealed for its job alone: one job's plan cannot stand in for another's. */
static void plan_context(int64_t job, char *out, size_t n)
{
	snprintf(out, n, "import_job.plan.%" PRId64, job);
}

static tx_err finish_done(dctx *c, const transfer_report *rep, void *ctx)
{
	return job_finish(c->db, *(int64_t *)ctx, "done", rep, NULL, 1, NULL, 0);
}

static void job_run(store *db, struct wargs *w)
{
	transfer_report rep = {0};
	const char *fail_msg = NULL;
	store_stmt *st;
	char entity[64] = "", mode_s[16] = "skip", format[8] = "csv", lang[4] = "zh";
	int64_t user = 0;
	char *file = NULL;
	size_t flen = 0;
	buf plan = BUF_INIT;
	char pctx[64];
	plan_context(w->job, pctx, sizeof pctx);
	actor a;
	int have_actor = 0;
	if (store_prepare(db,
	                  "SELECT entity, user_id, mode, format, lang, file, total_rows, plan FROM import_job"
	                  " WHERE id = ?",
	                  &st) == TX_OK) {
		store_bind_int(st, 1, w->job);
		if (store_step(st) == STORE_ROW) {
			snprintf(entity, sizeof entity, "%s", store_col_text(st, 0));
			user = store_col_int(st, 1);
			snprintf(mode_s, sizeof mode_s, "%s", store_col_text(st, 2));
			snprintf(format, sizeof format, "%s", store_col_text(st, 3));
			snprintf(lang, sizeof lang, "%s", store_col_text(st, 4));
			size_t blen = 0;
			const void *blob = store_col_blob(st, 5, &blen);
			if (blob)
				file = file_open(&w->k, blob, blen, &flen);
			if (w->commit)
				rep.total = store_col_int(st, 6);
			unsigned char *opened = NULL;
			size_t olen = 0;
			blob = w->commit ? store_col_blob(st, 7, &blen) : NULL;
			/* A plan that does not open is as none: the commit then checks the file again. */
			if (blob && !crypto_open_bytes(&w->k, pctx, blob, blen, &opened, &olen))
				plan = (buf){(char *)opened, olen, olen + 1};
		}
		store_finalize(st);
	}
	const model_entity *e = record_entity(entity);
	transfer_mode mode = TRANSFER_SKIP;
	mode_parse(mode_s, &mode);
	if (!e || !file) {
		fail_msg = "the uploaded file could not be read";
	} else if (actor_load(db, user, &a) != TX_OK) {
		fail_msg = "the account is no longer active";
	} else {
		have_actor = 1;
		snprintf(a.ip, sizeof a.ip, "%s", w->ip);
		dctx c = {.db = db, .a = &a, .k = &w->k, .cfg = &w->cfg, .lang = strcmp(lang, "en") == 0 ? "en" : "zh"};
		struct wctx x = {db, w, util_mono_us()};
		rep.progress = on_progress;
		rep.progress_ctx = &x;
		rep.stop = &stopping;
		rep.job = w->job;
		rep.plan = &plan;
		if (w->commit) {
			rep.finish = finish_done;
			rep.finish_ctx = &w->job;
		}
		tx_err rc = transfer_run(&c, e, format, file, flen, mode, w->commit, &rep);
		if (rc) {
			fail_msg = c.err_msg[0] ? c.err_msg : "internal error; see the server log";
			if (rc != TX_EFORBIDDEN && rc != TX_EIO)
				log_error("import job %" PRId64 " failed: %s (%s)", w->job, err_text(rc), store_errmsg(db));
		}
		if (rc || rep.nerrors || !w->commit) {
			const char *status = !rc && !rep.nerrors ? "ready" : "failed";
			unsigned char *sealed = NULL;
			size_t slen = 0;
			if (!w->commit && plan.len)
				crypto_seal_bytes(&w->k, pctx, plan.data, plan.len, &sealed, &slen);
			if (job_finish(db, w->job, status, &rep, rc ? fail_msg : NULL, w->commit, sealed, slen))
				log_error("import job %" PRId64 ": could not record its end: %s", w->job, store_errmsg(db));
			free(sealed);
		}
		dctx_clear(&c);
		fail_msg = NULL;
	}
	if (fail_msg && job_finish(db, w->job, "failed", &rep, fail_msg, w->commit, NULL, 0))
		log_error("import job %" PRId64 ": could not record its end: %s", w->job, store_errmsg(db));
	if (have_actor)
		actor_free(&a);
	if (file) {
		sodium_memzero(file, flen);
		free(file);
	}
	if (plan.data)
		sodium_memzero(plan.data, plan.len);
	buf_free(&plan);
	transfer_report_free(&rep);
}

static void *worker(void *arg)
{
	struct wargs *w = arg;
	store *db = NULL;
	char *err = NULL;
	if (store_open(w->cfg.db, &db, &err) == TX_OK) {
		job_run(db, w);
		store_close(db);
	} else {
		log_error("import job %" PRId64 ": cannot open the database: %s", w->job, err ? err : "?");
		free(err);
	}
	keys_wipe(&w->k);
	int slot = w->slot;
	free(w);
	slot_release(slot);
	return NULL;
}

static tx_err start_worker(dctx *c, int slot, int64_t job, int commit)
{
	struct wargs *w = xcalloc(1, sizeof *w);
	w->slot = slot;
	w->job = job;
	w->commit = commit;
	w->cfg = *c->cfg;
	w->k = *c->k;
	snprintf(w->ip, sizeof w->ip, "%s", c->a->ip);
	slot_set(slot, job, 0, 0);
	pthread_t t;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	int bad = pthread_create(&t, &at, worker, w);
	pthread_attr_destroy(&at);
	if (bad) {
		keys_wipe(&w->k);
		free(w);
		slot_release(slot);
		job_exec(c->db,
		         "UPDATE import_job SET status = 'failed', message = ?, file = NULL, plan = NULL WHERE id = ?",
		         "could not start a worker", job);
		return dctx_fail(c, TX_ETHROTTLE, "throttled", "服务器繁忙，请稍后再试", "the server is busy; try again later");
	}
	return TX_OK;
}

static tx_err busy(dctx *c)
{
	return dctx_fail(c, TX_ETHROTTLE, "throttled", "导入任务过多，请稍后再试", "too many imports are running; try again later");
}

tx_err transfer_import_start(dctx *c, const model_entity *e, const char *mode_s, const char *content_type,
                             const void *data, size_t len, json_t **job)
{
	transfer_mode mode = TRANSFER_SKIP;
	if (mode_s && mode_parse(mode_s, &mode))
		return dctx_field(c, "mode", &m_mode);
	const char *format = transfer_upload_format(content_type);
	if (!format)
		return dctx_fail(c, TX_EMEDIA, "request.media_type", "请上传 .xlsx 或 .csv 文件", "upload an .xlsx or .csv file");
	if (len == 0)
		return dctx_fail(c, TX_EINVAL, "validation.failed", "文件为空", "the file is empty");
	if (len > TRANSFER_MAX_UPLOAD)
		return dctx_fail(c, TX_ETOOBIG, "request.too_large", "文件过大", "the file is too large");
	if (!transfer_can(c, e, "create") || (mode == TRANSFER_UPDATE && !transfer_can(c, e, "update")))
		return dctx_fail(c, TX_EFORBIDDEN, "auth.forbidden", "没有权限执行此操作", "you are not allowed to do this");
	int slot = slot_reserve();
	if (slot < 0)
		return busy(c);
	size_t slen = 0;
	unsigned char *sealed = file_seal(c->k, data, len, &slen);
	int64_t now = util_now(), id = 0;
	tx_err rc = store_begin(c->db);
	if (!rc)
		rc = reap_stale(c->db, c->a->user_id);
	/* A new upload replaces the caller's dry runs waiting for a commit; old jobs are dropped after a week. */
	if (!rc)
		rc = job_exec(c->db,
		              "UPDATE import_job SET status = 'failed', message = ?, file = NULL, plan = NULL,"
		              " finished_at = updated_at"
		              " WHERE user_id = ? AND status = 'ready'",
		              "superseded", c->a->user_id);
	/* Anyone's dry runs left uncommitted for a day lose their file. */
	store_stmt *st;
	if (!rc && !(rc = store_prepare(c->db,
	                                "UPDATE import_job SET status = 'failed', message = 'expired', file = NULL,"
	                                " plan = NULL, finished_at = ? WHERE status = 'ready' AND updated_at < ?",
	                                &st))) {
		store_bind_int(st, 1, now);
		store_bind_int(st, 2, now - 86400);
		rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
		store_finalize(st);
	}
	if (!rc && !(rc = store_prepare(c->db, "DELETE FROM import_job WHERE user_id = ? AND created_at < ?"
	                                       " AND status IN ('done', 'failed')",
	                                &st))) {
		store_bind_int(st, 1, c->a->user_id);
		store_bind_int(st, 2, now - 7 * 86400);
		rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
		store_finalize(st);
	}
	if (!rc && !(rc = store_prepare(c->db,
	                                "INSERT INTO import_job (entity, user_id, unit_path, mode, format, lang, status, file,"
	                                " file_size, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'validating', ?, ?, ?, ?)"
	                                " RETURNING id",
	                                &st))) {
		store_bind_text(st, 1, e->name);
		store_bind_int(st, 2, c->a->user_id);
		store_bind_text(st, 3, c->a->unit_path);
		store_bind_text(st, 4, mode_names[mode]);
		store_bind_text(st, 5, format);
		store_bind_text(st, 6, c->lang && strcmp(c->lang, "en") == 0 ? "en" : "zh");
		store_bind_blob(st, 7, sealed, slen);
		store_bind_int(st, 8, (int64_t)len);
		store_bind_int(st, 9, now);
		store_bind_int(st, 10, now);
		int s = store_step(st);
		if (s == STORE_ROW)
			id = store_col_int(st, 0);
		while (s == STORE_ROW)
			s = store_step(st);
		store_finalize(st);
		rc = s == STORE_DONE ? TX_OK : s == -TX_ECONFLICT ? TX_ECONFLICT : TX_EDB;
	}
	free(sealed);
	if (!rc)
		rc = store_commit(c->db);
	if (rc) {
		store_rollback(c->db);
		slot_release(slot);
		if (rc == TX_ECONFLICT)
			return dctx_fail(c, TX_ECONFLICT, "import.busy", "您已有一个正在进行的导入任务，请等待其完成",
			                 "you have an import running; wait for it to finish");
		return rc;
	}
	if ((rc = start_worker(c, slot, id, 0)))
		return rc;
	return job_json(c, id, job);
}

tx_err transfer_import_get(dctx *c, int64_t id, json_t **job)
{
	tx_err rc = reap_stale(c->db, c->a->user_id);
	return rc ? rc : job_json(c, id, job);
}

tx_err transfer_import_commit(dctx *c, int64_t id, json_t **job)
{
	json_t *cur = NULL;
	tx_err rc = job_json(c, id, &cur);
	if (rc)
		return rc;
	char status[16];
	snprintf(status, sizeof status, "%s", json_string_value(json_object_get(cur, "status")));
	const model_entity *e = record_entity(json_string_value(json_object_get(cur, "entity")));
	transfer_mode mode = TRANSFER_SKIP;
	mode_parse(json_string_value(json_object_get(cur, "mode")), &mode);
	int64_t nerr = json_integer_value(json_object_get(cur, "error_count"));
	json_decref(cur);
	if (strcmp(status, "validating") == 0 || strcmp(status, "committing") == 0)
		return dctx_fail(c, TX_ECONFLICT, "import.not_ready", "导入任务尚未校验完成", "the import is still being checked");
	if (strcmp(status, "done") == 0)
		return dctx_fail(c, TX_ECONFLICT, "import.done", "该导入任务已完成", "this import is already done");
	if (strcmp(status, "ready") != 0 || nerr)
		return dctx_fail(c, TX_ECONFLICT, "import.has_errors", "校验未通过的导入任务不能提交，请修改文件后重新上传",
		                 "an import whose check found problems cannot be committed; fix the file and upload it again");
	if (!e || !transfer_can(c, e, "create") || (mode == TRANSFER_UPDATE && !transfer_can(c, e, "update")))
		return dctx_fail(c, TX_EFORBIDDEN, "auth.forbidden", "没有权限执行此操作", "you are not allowed to do this");
	int slot = slot_reserve();
	if (slot < 0)
		return busy(c);
	store_stmt *st;
	if ((rc = store_prepare(c->db,
	                        "UPDATE import_job SET status = 'committing', processed_rows = 0, updated_at = ?"
	                        " WHERE id = ? AND user_id = ? AND status = 'ready'",
	                        &st))) {
		slot_release(slot);
		return rc;
	}
	store_bind_int(st, 1, util_now());
	store_bind_int(st, 2, id);
	store_bind_int(st, 3, c->a->user_id);
	int s = store_step(st);
	store_finalize(st);
	if (s != STORE_DONE || store_changes(c->db) != 1) {
		slot_release(slot);
		if (s == STORE_DONE || s == -TX_ECONFLICT)
			return dctx_fail(c, TX_ECONFLICT, "import.busy", "该导入任务正在处理或您已有其他导入任务在进行",
			                 "this import is being handled, or you have another import running");
		return TX_EDB;
	}
	if ((rc = start_worker(c, slot, id, 1)))
		return rc;
	return job_json(c, id, job);
}
