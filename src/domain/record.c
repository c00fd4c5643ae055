/*
 * record.c — the generic record engine (see record.h).
 *
 * Stored form of a field, by type: text and dict values as TEXT; dates as
 * 'YYYY-MM-DD'; booleans 0/1; lists as ",a,b," (so one value is found
 * with LIKE '%,a,%'); sensitive values sealed with the field key, bound to
 * "<entity>.<field>", and for FF_INDEXED fields a keyed blind index in
 * <field>_bidx for equality look-ups and uniqueness.
 */
#include "domain/record.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/crypto.h"
#include "base/buf.h"
#include "base/jw.h"
#include "base/mem.h"
#include "base/util.h"


/* ---- the model seen as storage ---- */

const model_entity *record_entity(const char *name)
{
	const model_entity *e = name ? model_entity_find(name) : NULL;
	return e && (e->flags & ENTITY_RECORD) ? e : NULL;
}

/* Fields that are columns of the entity's own (id and version are special). */
static int stored(const model_field *f)
{
	return !(f->flags & FF_READONLY) && strcmp(f->name, "version") != 0 && strcmp(f->name, "unit_id") != 0;
}

/* "<entity>.<field>", the context a field is sealed under (without snprintf: a list page names 40). */
static void context_of(const model_entity *e, const model_field *f, char *out, size_t n)
{
	size_t el = strlen(e->name), fl = strlen(f->name);
	if (el + 1 + fl >= n) {
		snprintf(out, n, "%s.%s", e->name, f->name);
		return;
	}
	memcpy(out, e->name, el);
	out[el] = '.';
	memcpy(out + el + 1, f->name, fl + 1);
}

/* Which entity an FT_REF field points at (for existence and scope checks). */
static const char *ref_target(const model_entity *e, const model_field *f)
{
	if (e->parent_field && strcmp(f->name, e->parent_field) == 0)
		return e->parent;
	if (strcmp(f->name, "organisation_id") == 0 || strcmp(f->name, "parent_org_id") == 0 ||
	    strcmp(f->name, "enterprise_id") == 0)
		return "organisation";
	if (strcmp(f->name, "person_id") == 0)
		return "person";
	return NULL;
}

static const char SELECT_HEAD[] = "SELECT t.id, t.unit_id, t.unit_path, t.version, t.created_at, t.updated_at, u.name";
#define HEAD_COLS 7

static void select_cols(buf *sql, const model_entity *e)
{
	buf_puts(sql, SELECT_HEAD);
	for (size_t k = 0; k < e->nfields; k++) {
		if (stored(&e->fields[k])) {
			buf_puts(sql, ", t.");
			buf_puts(sql, e->fields[k].name);
		}
	}
	buf_puts(sql, " FROM ");
	buf_puts(sql, e->table);
	buf_puts(sql, " t JOIN unit u ON u.id = t.unit_id");
}

static void scope_where(buf *sql, sql_params *p, const actor *a)
{
	scope_range r;
	scope_range_of(a, &r);
	buf_puts(sql, " WHERE t.deleted = 0 AND t.unit_path >= ? AND t.unit_path < ? AND (? = 0 OR t.unit_id = ?)"
	              " AND (? = 0 OR t.created_by = ?)");
	p_text(p, r.lo);
	p_text(p, r.hi);
	p_int(p, r.unit_id);
	p_int(p, r.unit_id);
	p_int(p, r.user_id);
	p_int(p, r.user_id);
}

/*
 * The rows a query may read: the actor's scope narrowed to the subtree of
 * q->unit when one is given. The two ranges are intersected here, in C,
 * and one pair of bounds is bound: with two ranges on unit_path a planner
 * uses the first pair on the (unit_path, id) index and checks the second
 * row by row, so a wide scope walked all of it for a small unit.
 */
typedef struct qrange {
	char lo[256], hi[256];
	int64_t unit_id, user_id; /* as scope_range */
	int64_t root;             /* the unit whose subtree this is, 0: the scope's roots */
} qrange;

static tx_err resolve_range(dctx *c, const record_query *q, qrange *g)
{
	scope_range r;
	scope_range_of(c->a, &r);
	memset(g, 0, sizeof *g);
	snprintf(g->lo, sizeof g->lo, "%s", r.lo);
	snprintf(g->hi, sizeof g->hi, "%s", r.hi);
	g->unit_id = r.unit_id;
	g->user_id = r.user_id;
	g->root = c->a->scope == SCOPE_SUBTREE ? c->a->unit_id : 0;
	if (!q->unit)
		return TX_OK;
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "SELECT n.path FROM unit n WHERE n.id = ? AND n.path >= ? AND n.path < ?"
	                          " AND (? = 0 OR n.id = ?)",
	                          &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, q->unit);
	store_bind_text(st, 2, r.lo);
	store_bind_text(st, 3, r.hi);
	store_bind_int(st, 4, r.unit_id);
	store_bind_int(st, 5, r.unit_id);
	int s = store_step(st);
	char path[256] = "";
	if (s == STORE_ROW)
		snprintf(path, sizeof path, "%s", store_col_text(st, 0));
	store_finalize(st);
	if (s != STORE_ROW)
		return dctx_fail(c, TX_ENOTFOUND, "not_found", "单位不存在", "no such unit");
	/* The unit lies inside the scope (checked above): its subtree is the intersection. */
	char hi[256];
	path_range(path, hi, sizeof hi);
	if (strcmp(path, g->lo) > 0)
		snprintf(g->lo, sizeof g->lo, "%s", path);
	if (strcmp(hi, g->hi) < 0)
		snprintf(g->hi, sizeof g->hi, "%s", hi);
	g->root = q->unit;
	return TX_OK;
}

/* WHERE for a range; `lo` replaces g->lo when not NULL (a keyset cursor further on). */
static void range_where(buf *sql, sql_params *p, const qrange *g, const char *lo)
{
	buf_puts(sql, " WHERE t.deleted = 0 AND t.unit_path >= ? AND t.unit_path < ? AND (? = 0 OR t.unit_id = ?)"
	              " AND (? = 0 OR t.created_by = ?)");
	p_text(p, lo ? lo : g->lo);
	p_text(p, g->hi);
	p_int(p, g->unit_id);
	p_int(p, g->unit_id);
	p_int(p, g->user_id);
	p_int(p, g->user_id);
}

/*
 * Where a row goes: JSON text appended to `text` (the list and detail
 * answers, sent as they are), or members of the jansson object `obj` (for
 * the callers that inspect or change a record, and exports). Both get the
 * same members in the same order.
 */
typedef struct row_out {
	buf *text;
	json_t *obj;
} row_out;

static void put_str(row_out *o, const char *key, const char *v)
{
	if (o->obj) {
		json_object_set_new(o->obj, key, v ? json_string(v) : json_null());
		return;
	}
	jw_key(o->text, key);
	jw_str(o->text, v);
}

static void put_int(row_out *o, const char *key, int64_t v)
{
	if (o->obj) {
		json_object_set_new(o->obj, key, json_integer(v));
		return;
	}
	jw_key(o->text, key);
	jw_int(o->text, v);
}

static void put_bool(row_out *o, const char *key, int v)
{
	if (o->obj) {
		json_object_set_new(o->obj, key, json_boolean(v));
		return;
	}
	jw_key(o->text, key);
	jw_bool(o->text, v);
}

static void put_null(row_out *o, const char *key)
{
	if (o->obj) {
		json_object_set_new(o->obj, key, json_null());
		return;
	}
	jw_key(o->text, key);
	jw_null(o->text);
}

/* A list column (",a,b,"; NULL: none) as an array of its items. */
static void put_list(row_out *o, const char *key, const char *stored_list)
{
	json_t *arr = o->obj ? json_array() : NULL;
	if (!arr) {
		jw_key(o->text, key);
		buf_putc(o->text, '[');
	}
	for (const char *s = stored_list ? stored_list : ""; *s;) {
		size_t n = strcspn(s, ",");
		if (n && arr) {
			json_array_append_new(arr, json_stringn(s, n));
		} else if (n) {
			jw_sep(o->text);
			jw_strn(o->text, s, n);
		}
		s += n + (s[n] == ',');
	}
	if (arr)
		json_object_set_new(o->obj, key, arr);
	else
		buf_putc(o->text, ']');
}

/* A sensitive value as the row shows it: in clear (internal use), or masked. */
static void put_sealed(dctx *c, const model_entity *e, const model_field *f, const char *sealed, int clear, row_out *o)
{
	/* Shown only as *** when masked: nothing to decrypt (4 of a person's 6 sealed fields). */
	if (!clear && f->mask == MASK_ALL) {
		put_str(o, f->name, "***");
		return;
	}
	char ctx[96], *plain = NULL;
	context_of(e, f, ctx, sizeof ctx);
	if (crypto_open(c->k, ctx, sealed, &plain)) {
		put_str(o, f->name, "!");
		return;
	}
	if (clear) {
		put_str(o, f->name, plain);
	} else {
		char *m = f->mask == MASK_ID      ? mask_id_number(plain)
		          : f->mask == MASK_PHONE ? mask_phone(plain)
		          : f->mask == MASK_NAME  ? mask_text(plain)
		                                  : xstrdup("***");
		put_str(o, f->name, m);
		free(m);
	}
	mem_wipe(plain, strlen(plain));
	free(plain);
}

/*
 * One row's members. With `clear`, sensitive values are given as they are
 * (internal use only); otherwise they are masked.
 */
static void row_put(dctx *c, const model_entity *e, store_stmt *st, int clear, row_out *o)
{
	char ts[32];
	put_int(o, "id", store_col_int(st, 0));
	put_int(o, "unit_id", store_col_int(st, 1));
	put_str(o, "unit_name", store_col_text(st, 6));
	put_int(o, "version", store_col_int(st, 3));
	util_iso_time(store_col_int(st, 4), ts, sizeof ts);
	put_str(o, "created_at", ts);
	util_iso_time(store_col_int(st, 5), ts, sizeof ts);
	put_str(o, "updated_at", ts);
	if (clear)
		put_str(o, "unit_path", store_col_text(st, 2));
	int col = HEAD_COLS;
	for (size_t k = 0; k < e->nfields; k++) {
		const model_field *f = &e->fields[k];
		if (!stored(f))
			continue;
		int ci = col++, null = store_col_is_null(st, ci);
		if (null && f->type == FT_LIST)
			put_list(o, f->name, NULL);
		else if (null)
			put_null(o, f->name);
		else if (f->flags & FF_SENSITIVE)
			put_sealed(c, e, f, store_col_text(st, ci), clear, o);
		else if (f->type == FT_INT || f->type == FT_REF)
			put_int(o, f->name, store_col_int(st, ci));
		else if (f->type == FT_BOOL)
			put_bool(o, f->name, store_col_int(st, ci) != 0);
		else if (f->type == FT_LIST)
			put_list(o, f->name, store_col_text(st, ci));
		else
			put_str(o, f->name, store_col_text(st, ci));
	}
}

/* One row as a JSON object appended to out: the text json_dumps would give, without the tree (a page is 20). */
static void row_write(dctx *c, const model_entity *e, store_stmt *st, int clear, buf *out)
{
	row_out o = {out, NULL};
	buf_putc(out, '{');
	row_put(c, e, st, clear, &o);
	buf_putc(out, '}');
}

/* The same row as a jansson object. */
static json_t *row_json(dctx *c, const model_entity *e, store_stmt *st, int clear)
{
	row_out o = {NULL, json_object()};
	row_put(c, e, st, clear, &o);
	return o.obj;
}

/* One record in scope: JSON text appended to `text`, or else a jansson object; clear=1 decrypts (internal). */
static tx_err fetch_out(dctx *c, const model_entity *e, int64_t id, int clear, buf *text, json_t **obj)
{
	buf sql = BUF_INIT;
	sql_params p = {0};
	select_cols(&sql, e);
	scope_where(&sql, &p, c->a);
	buf_puts(&sql, " AND t.id = ?");
	p_int(&p, id);
	store_stmt *st;
	tx_err rc = store_prepare(c->db, sql.data, &st);
	buf_free(&sql);
	if (rc) {
		p_free(&p);
		return rc;
	}
	p_bind(st, &p);
	p_free(&p);
	int s = store_step(st);
	if (s == STORE_ROW && text)
		row_write(c, e, st, clear, text);
	else if (s == STORE_ROW)
		*obj = row_json(c, e, st, clear);
	store_finalize(st);
	if (s == STORE_ROW)
		return TX_OK;
	if (s != STORE_DONE)
		return TX_EDB;
	char zh[96], en[96];
	snprintf(zh, sizeof zh, "%s不存在", e->label_zh);
	snprintf(en, sizeof en, "no such %s", e->label_en);
	return dctx_fail(c, TX_ENOTFOUND, "not_found", zh, en);
}

static tx_err fetch(dctx *c, const model_entity *e, int64_t id, int clear, json_t **out)
{
	return fetch_out(c, e, id, clear, NULL, out);
}

tx_err record_get(dctx *c, const model_entity *e, int64_t id, json_t **out)
{
	return fetch(c, e, id, 0, out);
}

tx_err record_get_text(dctx *c, const model_entity *e, int64_t id, buf *out)
{
	return fetch_out(c, e, id, 0, out, NULL);
}

/* ---- filters ---- */

struct relation_filter {
	const char *entity;
	const char *param;
	field_type type;
	const char *dict;
	const char *sql; /* one placeholder */
};

static const struct relation_filter relation_filters[] = {
	{"person", "organisation", FT_REF, NULL,
	 " AND t.id IN (SELECT m.person_id FROM membership m WHERE m.organisation_id = ? AND m.deleted = 0)"},
	{"person", "arrangement", FT_DICT, "arrangement_kind",
	 " AND t.id IN (SELECT a.person_id FROM person_arrangement a WHERE a.kind = ? AND a.deleted = 0)"},
};

static const msg2 m_filter = {"不能按此字段筛选", "cannot filter by this field"};
static const msg2 m_value = {"筛选值无效", "invalid filter value"};

static tx_err add_filters(dctx *c, const model_entity *e, const record_query *q, buf *sql, sql_params *p)
{
	if (q->parent_id && e->parent_field) {
		buf_printf(sql, " AND t.%s = ?", e->parent_field);
		p_int(p, q->parent_id);
	}
	const char *key;
	json_t *v;
	json_object_foreach(q->filters, key, v)
	{
		const char *val = json_string_value(v);
		const struct relation_filter *rf = NULL;
		for (size_t i = 0; i < sizeof relation_filters / sizeof relation_filters[0]; i++)
			if (strcmp(relation_filters[i].entity, e->name) == 0 && strcmp(relation_filters[i].param, key) == 0)
				rf = &relation_filters[i];
		if (rf) {
			int64_t iv;
			if (rf->type == FT_REF && (util_parse_i64(val, &iv) || iv <= 0))
				return dctx_field(c, key, &m_value);
			if (rf->type == FT_DICT && !model_dict_item(rf->dict, val))
				return dctx_field(c, key, &m_value);
			buf_puts(sql, rf->sql);
			if (rf->type == FT_REF)
				p_int(p, iv);
			else
				p_text(p, val);
			continue;
		}
		if (strcmp(key, "unit_id") == 0) {
			int64_t iv;
			if (util_parse_i64(val, &iv) || iv <= 0)
				return dctx_field(c, key, &m_value);
			buf_puts(sql, " AND t.unit_id = ?");
			p_int(p, iv);
			continue;
		}
		const model_field *f = model_field_find(e, key);
		int indexed = f && (f->flags & FF_SENSITIVE) && (f->flags & FF_INDEXED);
		if (!f || !stored(f) || (f->type == FT_TEXT && !indexed) || f->type == FT_DATE || f->type == FT_PASSWORD ||
		    ((f->flags & FF_SENSITIVE) && !indexed))
			return dctx_field(c, key, &m_filter);
		if ((f->type == FT_DICT || (f->type == FT_LIST && f->dict)) && !model_dict_item(f->dict, val))
			return dctx_field(c, key, &m_value);
		if (f->flags & FF_SENSITIVE) {
			char ctx[96], bidx[65], norm[256];
			if (f->norm) {
				if (f->norm(val, norm, sizeof norm))
					return dctx_field(c, key, &m_value);
				val = norm;
			}
			context_of(e, f, ctx, sizeof ctx);
			crypto_blind_index(c->k, ctx, val, bidx);
			buf_printf(sql, " AND t.%s_bidx = ?", f->name);
			p_text(p, bidx);
		} else if (f->type == FT_LIST) {
			char *like = xasprintf("%%,%s,%%", val);
			buf_printf(sql, " AND t.%s LIKE ?", f->name);
			p_text(p, like);
			free(like);
		} else if (f->type == FT_BOOL) {
			int b = strcmp(val, "true") == 0 || strcmp(val, "1") == 0;
			if (!b && strcmp(val, "false") != 0 && strcmp(val, "0") != 0)
				return dctx_field(c, key, &m_value);
			buf_printf(sql, " AND t.%s = ?", f->name);
			p_int(p, b);
		} else if (f->type == FT_INT || f->type == FT_REF) {
			int64_t iv;
			if (util_parse_i64(val, &iv))
				return dctx_field(c, key, &m_value);
			buf_printf(sql, " AND t.%s = ?", f->name);
			p_int(p, iv);
		} else {
			buf_printf(sql, " AND t.%s = ?", f->name);
			p_text(p, val);
		}
	}
	if (q->q && *q->q) {
		char *like = sql_like_contains(q->q);
		int any = 0;
		buf_puts(sql, " AND (");
		for (size_t k = 0; k < e->nfields; k++) {
			const model_field *f = &e->fields[k];
			if (!stored(f))
				continue;
			if ((f->flags & FF_SEARCH) && !(f->flags & FF_SENSITIVE)) {
				buf_printf(sql, "%st.%s LIKE ? ESCAPE '\\'", any++ ? " OR " : "", f->name);
				p_text(p, like);
			} else if ((f->flags & FF_INDEXED) && f->norm) {
				/* An exact ID number (any accepted form) finds its person. */
				char norm[256];
				if (!f->norm(q->q, norm, sizeof norm)) {
					char ctx[96], bidx[65];
					context_of(e, f, ctx, sizeof ctx);
					crypto_blind_index(c->k, ctx, norm, bidx);
					buf_printf(sql, "%st.%s_bidx = ?", any++ ? " OR " : "", f->name);
					p_text(p, bidx);
				}
			}
		}
		if (!any)
			buf_puts(sql, "1 = 0");
		buf_putc(sql, ')');
		free(like);
	}
	return TX_OK;
}

/*
 * List cursors. Lists are ordered by (unit_path, id), the order of the
 * (unit_path, id) index every record table has, so a page reads about as
 * many index entries as it returns whatever the size of the subtree. The
 * cursor carries both keys as digits and dots: the unit path with '/'
 * turned into '.', then the id (".1.5.70.1234"). It is opaque to clients.
 * A bare id (a cursor from before) is still accepted: its row gives the path.
 */
static void cursor_make(const char *path, int64_t id, char **out)
{
	buf b = BUF_INIT;
	for (const char *s = path; *s; s++)
		buf_putc(&b, *s == '/' ? '.' : *s);
	buf_printf(&b, "%" PRId64, id);
	*out = xstrdup(b.data);
	buf_free(&b);
}

static const msg2 m_cursor = {"分页游标无效", "invalid page cursor"};

static tx_err cursor_read(dctx *c, const model_entity *e, const char *s, char *path, size_t n, int64_t *id)
{
	*id = 0;
	path[0] = 0;
	if (!s || !*s)
		return TX_OK;
	if (s[0] != '.') {
		if (util_parse_i64(s, id) || *id <= 0)
			return dctx_field(c, "after", &m_cursor);
		buf sql = BUF_INIT;
		buf_printf(&sql, "SELECT unit_path FROM %s WHERE id = ?", e->table);
		store_stmt *st;
		tx_err rc = store_prepare(c->db, sql.data, &st);
		buf_free(&sql);
		if (rc)
			return rc;
		store_bind_int(st, 1, *id);
		int r = store_step(st);
		if (r == STORE_ROW)
			snprintf(path, n, "%s", store_col_text(st, 0));
		store_finalize(st);
		if (r != STORE_ROW)
			return dctx_field(c, "after", &m_cursor);
		return TX_OK;
	}
	const char *dot = strrchr(s, '.');
	size_t plen = (size_t)(dot - s) + 1;
	if (plen >= n || util_parse_i64(dot + 1, id) || *id <= 0)
		return dctx_field(c, "after", &m_cursor);
	for (size_t i = 0; i < plen; i++) {
		if (s[i] != '.' && (s[i] < '0' || s[i] > '9'))
			return dctx_field(c, "after", &m_cursor);
		path[i] = s[i] == '.' ? '/' : s[i];
	}
	path[plen] = 0;
	return TX_OK;
}

/*
 * The SQL of one page of the range g in (unit_path, id) order after the
 * keyset cursor (cpath, cid) (cid 0: from the start), `limit` rows. One
 * pair of bounds on unit_path: the range, its lower end moved up to the
 * cursor's path; the row value then skips the cursor's own unit up to its
 * id (both backends seek the index on it).
 */
static tx_err page_sql(dctx *c, const model_entity *e, const record_query *q, const qrange *g, const char *cpath,
                       int64_t cid, int limit, buf *sql, sql_params *p)
{
	int cursor = cid && strcmp(cpath, g->lo) >= 0;
	select_cols(sql, e);
	range_where(sql, p, g, cursor ? cpath : NULL);
	tx_err rc = add_filters(c, e, q, sql, p);
	if (rc)
		return rc;
	if (cursor) {
		buf_puts(sql, " AND (t.unit_path, t.id) > (?, ?)");
		p_text(p, cpath);
		p_int(p, cid);
	}
	buf_puts(sql, " ORDER BY t.unit_path, t.id LIMIT ?");
	p_int(p, limit);
	return TX_OK;
}

tx_err record_list(dctx *c, const model_entity *e, const record_query *q, buf *items, char **next)
{
	buf sql = BUF_INIT;
	sql_params p = {0};
	qrange g;
	char cpath[256];
	int64_t cid;
	*next = NULL;
	tx_err rc = resolve_range(c, q, &g);
	if (!rc)
		rc = cursor_read(c, e, q->after, cpath, sizeof cpath, &cid);
	if (!rc)
		rc = page_sql(c, e, q, &g, cpath, cid, q->limit + 1, &sql, &p);
	if (rc)
		goto out;
	store_stmt *st;
	if ((rc = store_prepare(c->db, sql.data, &st)))
		goto out;
	p_bind(st, &p);
	size_t start = items->len;
	buf_putc(items, '[');
	int s, n = 0;
	char last_path[256] = "";
	int64_t last_id = 0;
	while ((s = store_step(st)) == STORE_ROW) {
		if (n == q->limit) {
			cursor_make(last_path, last_id, next);
			break;
		}
		jw_sep(items);
		row_write(c, e, st, 0, items);
		last_id = store_col_int(st, 0);
		snprintf(last_path, sizeof last_path, "%s", store_col_text(st, 2));
		n++;
	}
	store_finalize(st);
	if (s < 0) {
		items->len = start;
		items->data[start] = 0;
		free(*next);
		*next = NULL;
		rc = TX_EDB;
		goto out;
	}
	buf_putc(items, ']');
out:
	buf_free(&sql);
	p_free(&p);
	return rc;
}

/*
 * ---- rollups: person_tally ----
 *
 * One row per (unit, dim, value) holds the number of live people in the
 * unit *and its whole subtree*: dim '' (value '') is the total, dim
 * 'categories' one row per category code, and each tallied flag one row
 * with value 'true' (false = total − true). Every write that changes a
 * person adjusts the rows of each unit on its path in the same
 * transaction, so a grouped count of any subtree is one index look-up
 * (record_count). docs/architecture.md, "Rollups".
 */
static const char *const tally_fields[] = {"categories", "is_representative", "is_reserve_cadre"};
#define NTALLY (sizeof tally_fields / sizeof tally_fields[0])

static _Thread_local int tally_deferred;

void record_tally_defer(int on)
{
	tally_deferred = on;
}

static int tallied(const model_entity *e)
{
	return strcmp(e->name, "person") == 0;
}

/* n on (dim, value) of every unit on `path` ('/1/5/70/'). */
static tx_err tally_path(store *db, store_stmt *st, const char *path, const char *dim, const char *value, int64_t n)
{
	for (const char *s = path; *s;) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		int64_t id = strtoll(s, NULL, 10);
		while (*s && *s != '/')
			s++;
		store_reset(st);
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, dim);
		store_bind_text(st, 3, value);
		store_bind_int(st, 4, n);
		if (store_step(st) != STORE_DONE)
			return TX_EDB;
	}
	(void)db;
	return TX_OK;
}

static const char TALLY_UPSERT[] = "INSERT INTO person_tally (unit_id, dim, value, n) VALUES (?, ?, ?, ?)"
                                   " ON CONFLICT (unit_id, dim, value) DO UPDATE SET n = person_tally.n + excluded.n";

/*
 * On PostgreSQL every statement is a round trip: the whole change of one
 * person (each unit of its path × the total, its categories, its flags)
 * goes as one multi-row upsert. Its rows are distinct (a stored category
 * list holds each code once), as ON CONFLICT DO UPDATE requires. SQLite
 * runs the one cached single-row upsert instead: no round trips, and one
 * SQL text for the statement cache.
 */
typedef struct tally_batch {
	store *db;
	int pg;
	store_stmt *one; /* SQLite: the single-row upsert */
	buf sql;         /* PostgreSQL: the multi-row upsert */
	sql_params p;
	int rows;
} tally_batch;

/*
 * While collecting (an import's commit), changes are summed here by
 * "unit\tdim\tvalue" and written once by record_tally_flush(): on
 * PostgreSQL, updating the same row thousands of times in one transaction
 * slows every update down (each one walks the row's versions), and on both
 * backends the root's rows would be written once a person otherwise.
 */
static _Thread_local json_t *tally_pending;

static tx_err tally_add(tally_batch *b, const char *path, const char *dim, const char *value, int64_t n)
{
	if (tally_pending) {
		for (const char *s = path; *s;) {
			while (*s == '/')
				s++;
			if (!*s)
				break;
			long long id = strtoll(s, NULL, 10);
			while (*s && *s != '/')
				s++;
			char key[160];
			snprintf(key, sizeof key, "%lld\t%s\t%s", id, dim, value);
			json_t *cur = json_object_get(tally_pending, key);
			json_object_set_new(tally_pending, key, json_integer(json_integer_value(cur) + n));
		}
		return TX_OK;
	}
	if (!b->pg)
		return tally_path(b->db, b->one, path, dim, value, n);
	for (const char *s = path; *s;) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		int64_t id = strtoll(s, NULL, 10);
		while (*s && *s != '/')
			s++;
		buf_puts(&b->sql, b->rows++ ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)");
		p_int(&b->p, id);
		p_text(&b->p, dim);
		p_text(&b->p, value);
		p_int(&b->p, n);
	}
	return TX_OK;
}

static tx_err tally_begin(tally_batch *b, store *db)
{
	memset(b, 0, sizeof *b);
	b->db = db;
	b->pg = store_kind_of(db) == STORE_POSTGRES;
	if (tally_pending)
		b->pg = 1; /* nothing to prepare: tally_add only sums */
	if (!b->pg)
		return store_prepare(db, TALLY_UPSERT, &b->one);
	buf_puts(&b->sql, "INSERT INTO person_tally (unit_id, dim, value, n) VALUES ");
	return TX_OK;
}

/* Run what was gathered (PostgreSQL) and release; rc is the caller's so far. */
static tx_err tally_end(tally_batch *b, tx_err rc)
{
	if (!b->pg) {
		store_finalize(b->one);
		return rc;
	}
	if (!rc && b->rows) {
		buf_puts(&b->sql, " ON CONFLICT (unit_id, dim, value) DO UPDATE SET n = person_tally.n + excluded.n");
		store_stmt *st;
		if (!(rc = store_prepare(b->db, b->sql.data, &st))) {
			p_bind(st, &b->p);
			rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
			store_finalize(st);
		}
	}
	buf_free(&b->sql);
	p_free(&b->p);
	return rc;
}

void record_tally_collect(int on)
{
	json_decref(tally_pending);
	tally_pending = on ? json_object() : NULL;
}

tx_err record_tally_flush(store *db)
{
	json_t *pend = tally_pending;
	if (!pend)
		return TX_OK;
	tally_pending = NULL;
	tx_err rc = TX_OK;
	tally_batch b;
	int open = 0;
	const char *key;
	json_t *v;
	json_object_foreach(pend, key, v)
	{
		int64_t n = json_integer_value(v);
		if (!n)
			continue;
		char k[160], *dim, *value;
		snprintf(k, sizeof k, "%s", key);
		dim = strchr(k, '\t');
		value = dim ? strchr(dim + 1, '\t') : NULL;
		if (!value) {
			rc = TX_EINTERNAL;
			break;
		}
		*dim++ = 0;
		*value++ = 0;
		char path[168];
		snprintf(path, sizeof path, "/%s/", k);
		if (!open && (rc = tally_begin(&b, db)))
			break;
		open = 1;
		if ((rc = tally_add(&b, path, dim, value, n)))
			break;
		/* PostgreSQL: at most 1,000 rows (4,000 parameters) a statement. */
		if (b.pg && b.rows >= 1000) {
			rc = tally_end(&b, rc);
			open = 0;
			if (rc)
				break;
		}
	}
	if (open)
		rc = tally_end(&b, rc);
	json_decref(pend);
	return rc;
}

/* sign (+1/−1) on every unit of `path` for a person stored with these categories (",01,03,") and flags. */
static tx_err tally_stored(store *db, const char *path, const char *categories, const int flag[NTALLY - 1], int sign)
{
	if (tally_deferred)
		return TX_OK;
	char cats[256];
	snprintf(cats, sizeof cats, "%s", categories ? categories : "");
	tally_batch b;
	tx_err rc = tally_begin(&b, db);
	if (rc)
		return rc;
	rc = tally_add(&b, path, "", "", sign);
	for (char *v = cats; !rc && *v;) {
		while (*v == ',')
			v++;
		char *end = strchr(v, ',');
		if (!*v || !end)
			break;
		*end = 0;
		rc = tally_add(&b, path, tally_fields[0], v, sign);
		v = end + 1;
	}
	for (size_t i = 1; !rc && i < NTALLY; i++)
		if (flag[i - 1])
			rc = tally_add(&b, path, tally_fields[i], "true", sign);
	return tally_end(&b, rc);
}

/* sign (+1/−1) for person `id` as it is stored now, on every unit of its path (no read while deferred). */
static tx_err tally_row(store *db, int64_t id, int sign)
{
	if (tally_deferred)
		return TX_OK;
	store_stmt *st;
	tx_err rc = store_prepare(db, "SELECT unit_path, categories, is_representative, is_reserve_cadre FROM person"
	                              " WHERE id = ?",
	                          &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	char path[256] = "", cats[256] = "";
	int flag[NTALLY - 1] = {0, 0};
	int r = store_step(st);
	if (r == STORE_ROW) {
		snprintf(path, sizeof path, "%s", store_col_text(st, 0));
		if (!store_col_is_null(st, 1))
			snprintf(cats, sizeof cats, "%s", store_col_text(st, 1));
		flag[0] = store_col_int(st, 2) != 0;
		flag[1] = store_col_int(st, 3) != 0;
	}
	store_finalize(st);
	if (r != STORE_ROW)
		return r == STORE_DONE ? TX_OK : TX_EDB;
	return tally_stored(db, path, cats, flag, sign);
}

/* A unit subtree moved: its totals leave the old ancestors and join the new ones. */
static tx_err tally_unit_moved(store *db, const char *old_path, const char *new_path)
{
	/* The moved unit is the last id of its path; its ancestors are the rest. */
	char oldp[256], newp[256];
	snprintf(oldp, sizeof oldp, "%s", old_path);
	snprintf(newp, sizeof newp, "%s", new_path);
	size_t lo = strlen(oldp), ln = strlen(newp);
	if (lo < 2 || ln < 2)
		return TX_EINTERNAL;
	oldp[lo - 1] = 0;
	newp[ln - 1] = 0;
	char *so = strrchr(oldp, '/'), *sn = strrchr(newp, '/');
	int64_t moved = strtoll(so + 1, NULL, 10);
	so[1] = 0;
	sn[1] = 0;
	store_stmt *st;
	tx_err rc = store_prepare(db, "SELECT dim, value, n FROM person_tally WHERE unit_id = ? AND n <> 0", &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, moved);
	json_t *rows = json_array();
	int r;
	while ((r = store_step(st)) == STORE_ROW)
		json_array_append_new(rows, json_pack("[s, s, I]", store_col_text(st, 0), store_col_text(st, 1),
		                                      (json_int_t)store_col_int(st, 2)));
	store_finalize(st);
	if (r != STORE_DONE) {
		json_decref(rows);
		return TX_EDB;
	}
	/* Out of the old ancestors, then into the new ones (two batches: they may share units). */
	for (int pass = 0; pass < 2 && !rc; pass++) {
		tally_batch b;
		if ((rc = tally_begin(&b, db)))
			break;
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row)
		{
			const char *dim = json_string_value(json_array_get(row, 0));
			const char *val = json_string_value(json_array_get(row, 1));
			int64_t n = json_integer_value(json_array_get(row, 2));
			if ((rc = tally_add(&b, pass ? newp : oldp, dim, val, pass ? n : -n)))
				break;
		}
		rc = tally_end(&b, rc);
	}
	json_decref(rows);
	return rc;
}

tx_err record_tally_rebuild(store *db)
{
	/* Each unit's own people first, then every unit sums the units of its subtree. */
	const model_dict *d = model_dict_find("member_category");
	buf sql = BUF_INIT;
	buf_puts(&sql, "DELETE FROM person_tally;"
	               "CREATE TABLE person_tally_own (unit_id {{BIGINT}} NOT NULL, dim TEXT NOT NULL, value TEXT NOT NULL,"
	               " n {{BIGINT}} NOT NULL);"
	               "INSERT INTO person_tally_own (unit_id, dim, value, n)"
	               " SELECT unit_id, '', '', COUNT(*) FROM person WHERE deleted = 0 GROUP BY unit_id;");
	if (d && d->nitems) {
		buf_puts(&sql, "INSERT INTO person_tally_own (unit_id, dim, value, n)"
		               " SELECT p.unit_id, 'categories', c.v, COUNT(*) FROM person p JOIN (");
		for (size_t i = 0; i < d->nitems; i++)
			buf_printf(&sql, "%sSELECT '%s' AS v", i ? " UNION ALL " : "", d->items[i].value);
		buf_puts(&sql, ") c ON p.categories LIKE '%,' || c.v || ',%' WHERE p.deleted = 0 GROUP BY p.unit_id, c.v;");
	}
	for (size_t i = 1; i < NTALLY; i++)
		buf_printf(&sql,
		           "INSERT INTO person_tally_own (unit_id, dim, value, n) SELECT unit_id, '%s', 'true', COUNT(*)"
		           " FROM person WHERE deleted = 0 AND %s <> 0 GROUP BY unit_id;",
		           tally_fields[i], tally_fields[i]);
	buf_puts(&sql, "CREATE INDEX person_tally_own_unit ON person_tally_own(unit_id);"
	               "INSERT INTO person_tally (unit_id, dim, value, n)"
	               " SELECT a.id, o.dim, o.value, SUM(o.n) FROM unit a"
	               " JOIN unit d ON d.path >= a.path AND d.path < substr(a.path, 1, length(a.path) - 1) || '0'"
	               " JOIN person_tally_own o ON o.unit_id = d.id GROUP BY a.id, o.dim, o.value;"
	               "DROP TABLE person_tally_own;");
	tx_err rc = store_exec_ddl(db, sql.data);
	buf_free(&sql);
	return rc;
}

/*
 * A count answered from person_tally: person, no filter but the unit, a
 * scope of a whole subtree (or everything), and no group or a tallied one.
 * Returns 1 when it answered (*rc says how), 0 when the caller must scan.
 */
static int tally_count(dctx *c, const model_entity *e, const record_query *q, const qrange *rg, const model_field *g,
                       const model_dict *d, json_t **out, tx_err *rc)
{
	if (!tallied(e) || (q->q && *q->q) || (q->filters && json_object_size(q->filters)) || q->parent_id ||
	    rg->unit_id || rg->user_id || c->a->scope == SCOPE_NONE)
		return 0;
	size_t gi = NTALLY;
	if (g) {
		for (gi = 0; gi < NTALLY && strcmp(tally_fields[gi], g->name) != 0; gi++)
			;
		if (gi == NTALLY)
			return 0;
	}
	store_stmt *st;
	if (rg->root)
		*rc = store_prepare(c->db, "SELECT dim, value, n FROM person_tally WHERE unit_id = ? AND dim IN ('', ?)", &st);
	else
		*rc = store_prepare(c->db,
		                    "SELECT t.dim, t.value, SUM(t.n) FROM person_tally t JOIN unit u ON u.id = t.unit_id"
		                    " WHERE u.parent_id IS NULL AND t.dim IN ('', ?) GROUP BY t.dim, t.value",
		                    &st);
	if (*rc)
		return 1;
	int k = 1;
	if (rg->root)
		store_bind_int(st, k++, rg->root);
	store_bind_text(st, k, g ? g->name : "");
	int64_t total = 0;
	json_t *vals = json_object();
	int r;
	while ((r = store_step(st)) == STORE_ROW) {
		int64_t n = store_col_int(st, 2);
		if (!*store_col_text(st, 0))
			total = n;
		else if (n)
			json_object_set_new(vals, store_col_text(st, 1), json_integer(n));
	}
	store_finalize(st);
	if (r != STORE_DONE) {
		json_decref(vals);
		*rc = TX_EDB;
		return 1;
	}
	json_t *counts = json_object();
	if (g && g->type == FT_BOOL) {
		int64_t yes = json_integer_value(json_object_get(vals, "true"));
		if (total - yes)
			json_object_set_new(counts, "false", json_integer(total - yes));
		if (yes)
			json_object_set_new(counts, "true", json_integer(yes));
	} else if (g) {
		/* In the dictionary's order, as the scan answers. */
		for (size_t i = 0; d && i < d->nitems; i++) {
			json_t *n = json_object_get(vals, d->items[i].value);
			if (n)
				json_object_set(counts, d->items[i].value, n);
		}
	}
	json_decref(vals);
	*out = json_pack("{s:o, s:I}", "counts", counts, "total", (json_int_t)total);
	*rc = TX_OK;
	return 1;
}

tx_err record_count(dctx *c, const model_entity *e, const record_query *q, const char *group, json_t **out)
{
	const model_field *g = NULL;
	if (group) {
		g = model_field_find(e, group);
		if (!g || !stored(g) || !(g->type == FT_DICT || g->type == FT_BOOL || g->type == FT_LIST) ||
		    ((g->flags & FF_SENSITIVE) && !(g->flags & FF_INDEXED)))
			return dctx_field(c, "group", &m_filter);
	}
	/*
	 * One scan whatever the grouping: a plain field groups in SQL; a list
	 * field or a blind-indexed one sums one CASE per dictionary value.
	 */
	const model_dict *d = g && g->dict ? model_dict_find(g->dict) : NULL;
	qrange rg;
	tx_err rc = resolve_range(c, q, &rg);
	if (rc)
		return rc;
	if (tally_count(c, e, q, &rg, g, d, out, &rc))
		return rc;
	int per_value = g && d && (g->type == FT_LIST || (g->flags & FF_SENSITIVE));
	/* A flag is summed, not grouped: GROUP BY sorted every row of the range in memory. */
	int flag = g && g->type == FT_BOOL;
	buf sql = BUF_INIT;
	sql_params p = {0};
	if (!g) {
		buf_puts(&sql, "SELECT COUNT(*)");
	} else if (flag) {
		buf_printf(&sql, "SELECT COUNT(*), SUM(CASE WHEN t.%s <> 0 THEN 1 ELSE 0 END)", g->name);
	} else if (per_value) {
		buf_puts(&sql, "SELECT COUNT(*)");
		for (size_t i = 0; i < d->nitems; i++) {
			if (g->flags & FF_SENSITIVE) {
				char ctx[96], bidx[65];
				context_of(e, g, ctx, sizeof ctx);
				crypto_blind_index(c->k, ctx, d->items[i].value, bidx);
				buf_printf(&sql, ", SUM(CASE WHEN t.%s_bidx = ? THEN 1 ELSE 0 END)", g->name);
				p_text(&p, bidx);
			} else {
				char *like = xasprintf("%%,%s,%%", d->items[i].value);
				buf_printf(&sql, ", SUM(CASE WHEN t.%s LIKE ? THEN 1 ELSE 0 END)", g->name);
				p_text(&p, like);
				free(like);
			}
		}
	} else {
		buf_printf(&sql, "SELECT t.%s, COUNT(*)", g->name);
	}
	buf_printf(&sql, " FROM %s t", e->table);
	range_where(&sql, &p, &rg, NULL);
	rc = add_filters(c, e, q, &sql, &p);
	if (!rc && g && !per_value && !flag)
		buf_printf(&sql, " GROUP BY t.%s", g->name);
	json_t *counts = json_object();
	int64_t total = 0;
	store_stmt *st;
	if (!rc && !(rc = store_prepare(c->db, sql.data, &st))) {
		p_bind(st, &p);
		int s;
		while ((s = store_step(st)) == STORE_ROW) {
			if (flag) {
				total = store_col_int(st, 0);
				int64_t yes = store_col_int(st, 1);
				if (total - yes)
					json_object_set_new(counts, "false", json_integer(total - yes));
				if (yes)
					json_object_set_new(counts, "true", json_integer(yes));
				continue;
			}
			if (!g || per_value) {
				total = store_col_int(st, 0);
				for (size_t i = 0; per_value && i < d->nitems; i++)
					if (store_col_int(st, (int)i + 1))
						json_object_set_new(counts, d->items[i].value, json_integer(store_col_int(st, (int)i + 1)));
				continue;
			}
			int64_t n = store_col_int(st, 1);
			const char *key = store_col_is_null(st, 0) ? "" : store_col_text(st, 0);
			if (g->type == FT_BOOL)
				key = store_col_int(st, 0) ? "true" : "false";
			json_object_set_new(counts, key, json_integer(n));
			total += n;
		}
		store_finalize(st);
		if (s < 0)
			rc = TX_EDB;
	}
	buf_free(&sql);
	p_free(&p);
	if (rc) {
		json_decref(counts);
		return rc;
	}
	*out = json_pack("{s:o, s:I}", "counts", counts, "total", (json_int_t)total);
	return TX_OK;
}

/* ---- writing ---- */

static const msg2 m_ref = {"引用的记录不存在", "the referenced record does not exist"};
static const msg2 m_unique = {"已有相同的记录", "a record with this value exists"};
static const msg2 m_unit = {"单位不存在", "no such unit"};

/* Unit id → path, inside the actor's scope. */
static int unit_path_in_scope(dctx *c, int64_t unit, char *path, size_t n)
{
	scope_range r;
	scope_range_of(c->a, &r);
	store_stmt *st;
	if (store_prepare(c->db,
	                  "SELECT n.path FROM unit n WHERE n.id = ? AND n.path >= ? AND n.path < ? AND (? = 0 OR n.id = ?)",
	                  &st))
		return 0;
	store_bind_int(st, 1, unit);
	store_bind_text(st, 2, r.lo);
	store_bind_text(st, 3, r.hi);
	store_bind_int(st, 4, r.unit_id);
	store_bind_int(st, 5, r.unit_id);
	int ok = store_step(st) == STORE_ROW;
	if (ok)
		snprintf(path, n, "%s", store_col_text(st, 0));
	store_finalize(st);
	return ok;
}

/* Check the references of a body: targets must exist in scope. */
static tx_err check_refs(dctx *c, const model_entity *e, json_t *body)
{
	for (size_t k = 0; k < e->nfields; k++) {
		const model_field *f = &e->fields[k];
		json_t *v = json_object_get(body, f->name);
		if (f->type != FT_REF || !json_is_integer(v))
			continue;
		const char *target = ref_target(e, f);
		const model_entity *te = record_entity(target);
		if (!te)
			continue;
		json_t *o = NULL;
		dctx probe = *c;
		probe.err_fields = NULL;
		probe.audit_detail = NULL;
		if (fetch(&probe, te, json_integer_value(v), 0, &o) != TX_OK) {
			dctx_clear(&probe);
			return dctx_field(c, f->name, &m_ref);
		}
		json_decref(o);
	}
	return TX_OK;
}

/*
 * The stored form of one value into params (and its blind index when the
 * field has one). `v` has passed model validation. A sensitive value is
 * sealed with `nonce` (drawn by the caller for it alone), or NULL: a fresh one.
 */
static void stored_value(dctx *c, const model_entity *e, const model_field *f, json_t *v, sql_params *p,
                         sql_params *bidx, const unsigned char *nonce)
{
	if (!v || json_is_null(v)) {
		p_text(p, NULL);
		if (f->flags & FF_INDEXED)
			p_text(bidx, NULL);
		return;
	}
	switch (f->type) {
	case FT_INT:
	case FT_REF:
		p_int(p, json_integer_value(v));
		return;
	case FT_BOOL:
		p_int(p, json_is_true(v));
		return;
	case FT_LIST: {
		buf b = BUF_INIT;
		size_t i;
		json_t *it;
		json_array_foreach(v, i, it)
		{
			/* Keep each value once, in the given order. */
			char *needle = xasprintf(",%s,", json_string_value(it));
			if (!b.data || !strstr(b.data, needle))
				buf_printf(&b, "%s%s,", b.len ? "" : ",", json_string_value(it));
			free(needle);
		}
		p_text(p, b.len ? b.data : NULL);
		buf_free(&b);
		return;
	}
	default:
		break;
	}
	const char *s = json_string_value(v);
	char norm[256];
	if (f->norm && *s && !f->norm(s, norm, sizeof norm))
		s = norm;
	if (!*s && (f->flags & FF_NULLABLE)) {
		p_text(p, NULL);
		if (f->flags & FF_INDEXED)
			p_text(bidx, NULL);
		return;
	}
	if (f->flags & FF_SENSITIVE) {
		char ctx[96];
		context_of(e, f, ctx, sizeof ctx);
		char *sealed = nonce ? crypto_seal_with(c->k, ctx, s, nonce) : crypto_seal(c->k, ctx, s);
		p_text(p, sealed);
		free(sealed);
		if (f->flags & FF_INDEXED) {
			char bx[65];
			crypto_blind_index(c->k, ctx, s, bx);
			p_text(bidx, bx);
		}
		return;
	}
	p_text(p, s);
}

/* Refuse a value of an FF_UNIQUE field that another live record holds. */
static tx_err check_unique(dctx *c, const model_entity *e, json_t *body, int64_t self)
{
	for (size_t k = 0; k < e->nfields; k++) {
		const model_field *f = &e->fields[k];
		json_t *v = json_object_get(body, f->name);
		if (!(f->flags & FF_UNIQUE) || !json_is_string(v) || !*json_string_value(v))
			continue;
		char norm[256], ctx[96], bx[260];
		const char *s = json_string_value(v);
		if (f->norm && !f->norm(s, norm, sizeof norm))
			s = norm;
		int sensitive = (f->flags & FF_SENSITIVE) != 0;
		if (sensitive) {
			context_of(e, f, ctx, sizeof ctx);
			crypto_blind_index(c->k, ctx, s, bx);
		} else {
			snprintf(bx, sizeof bx, "%s", s);
		}
		buf sql = BUF_INIT;
		buf_printf(&sql, "SELECT id FROM %s WHERE %s%s = ? AND deleted = 0 AND id <> ?", e->table, f->name,
		           sensitive ? "_bidx" : "");
		store_stmt *st;
		tx_err rc = store_prepare(c->db, sql.data, &st);
		buf_free(&sql);
		if (rc)
			return rc;
		store_bind_text(st, 1, bx);
		store_bind_int(st, 2, self);
		int s2 = store_step(st);
		store_finalize(st);
		if (s2 == STORE_ROW) {
			dctx_field(c, f->name, &m_unique);
			c->err_code = "conflict";
			return TX_ECONFLICT;
		}
	}
	return TX_OK;
}

/* The audit form of a body: sensitive values never reach the audit log. */
static json_t *audit_form(const model_entity *e, json_t *body)
{
	json_t *o = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		const model_field *f = model_field_find(e, key);
		json_object_set_new(o, key, f && (f->flags & FF_SENSITIVE) ? json_string("***") : json_incref(v));
	}
	return o;
}

tx_err record_insert_raw(dctx *c, const model_entity *e, json_t *body, int64_t *id)
{
	int64_t unit = json_integer_value(json_object_get(body, "unit_id"));
	char path[256] = "";
	store_stmt *st;
	tx_err rc = store_prepare(c->db, "SELECT path FROM unit WHERE id = ?", &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, unit);
	if (store_step(st) == STORE_ROW)
		snprintf(path, sizeof path, "%s", store_col_text(st, 0));
	store_finalize(st);
	if (!path[0])
		return dctx_field(c, "unit_id", &m_unit);
	/* The SQL is the same for every row of an entity: put together without printf (imports insert 100,000s). */
	buf sql = BUF_INIT, vals = BUF_INIT;
	sql_params p = {0}, bidx = {0};
	buf_puts(&sql, "INSERT INTO ");
	buf_puts(&sql, e->table);
	buf_puts(&sql, " (unit_id, unit_path");
	buf_puts(&vals, "?, ?");
	p_int(&p, unit);
	p_text(&p, path);
	/* What the rollups count, as stored: categories (",01,03,") and the flags. */
	int tally_at[NTALLY] = {-1, -1, -1};
	/* A random nonce for each sealed field, all drawn in one call (one system call a row, not one a field). */
	size_t nsealed = 0;
	for (size_t k = 0; k < e->nfields; k++)
		nsealed += stored(&e->fields[k]) && (e->fields[k].flags & FF_SENSITIVE);
	unsigned char *nonces = xmalloc(nsealed * CRYPTO_NONCE_BYTES + 1);
	randombytes_buf(nonces, nsealed * CRYPTO_NONCE_BYTES);
	size_t ni = 0;
	for (size_t k = 0; k < e->nfields; k++) {
		const model_field *f = &e->fields[k];
		if (!stored(f))
			continue;
		json_t *v = json_object_get(body, f->name);
		if (!v && f->type == FT_BOOL)
			v = json_false();
		buf_puts(&sql, ", ");
		buf_puts(&sql, f->name);
		buf_puts(&vals, ", ?");
		for (size_t t = 0; t < NTALLY; t++)
			if (strcmp(f->name, tally_fields[t]) == 0)
				tally_at[t] = p.n;
		const unsigned char *nonce = NULL;
		if (f->flags & FF_SENSITIVE)
			nonce = nonces + CRYPTO_NONCE_BYTES * ni++;
		stored_value(c, e, f, v, &p, &bidx, nonce);
	}
	free(nonces);
	int bi = 0;
	for (size_t k = 0; k < e->nfields; k++) {
		const model_field *f = &e->fields[k];
		if (!stored(f) || !(f->flags & FF_INDEXED))
			continue;
		buf_puts(&sql, ", ");
		buf_puts(&sql, f->name);
		buf_puts(&sql, "_bidx");
		buf_puts(&vals, ", ?");
		param *b = &bidx.v[bi++];
		p_text(&p, b->s);
	}
	int64_t now = util_now();
	buf_puts(&sql, ", version, deleted, created_at, created_by, updated_at, updated_by) VALUES (");
	buf_puts(&sql, vals.data);
	buf_puts(&sql, ", 1, 0, ?, ?, ?, ?) RETURNING id");
	p_int(&p, now);
	p_int(&p, c->a ? c->a->user_id : 0);
	p_int(&p, now);
	p_int(&p, c->a ? c->a->user_id : 0);
	rc = store_prepare(c->db, sql.data, &st);
	if (!rc) {
		p_bind(st, &p);
		int s = store_step(st);
		*id = s == STORE_ROW ? store_col_int(st, 0) : 0;
		while (s == STORE_ROW)
			s = store_step(st);
		store_finalize(st);
		rc = s == STORE_DONE ? TX_OK : s == -TX_ECONFLICT ? TX_ECONFLICT : TX_EDB;
	}
	/* The rollups from the values just bound, not read back. */
	if (!rc && tallied(e)) {
		int flag[NTALLY - 1];
		for (size_t t = 1; t < NTALLY; t++)
			flag[t - 1] = tally_at[t] >= 0 && p.v[tally_at[t]].i != 0;
		rc = tally_stored(c->db, path, tally_at[0] >= 0 ? p.v[tally_at[0]].s : NULL, flag, 1);
	}
	buf_free(&sql);
	buf_free(&vals);
	p_free(&p);
	p_free(&bidx);
	return rc;
}

tx_err record_create(dctx *c, const model_entity *e, json_t *body, json_t **out)
{
	tx_err rc;
	json_t *rec = json_deep_copy(body);
	/* Where the record lives: its own unit, or its parent's. */
	if (e->parent) {
		json_t *parent = NULL;
		const model_entity *pe = record_entity(e->parent);
		dctx probe = *c;
		probe.err_fields = NULL;
		probe.audit_detail = NULL;
		if (!pe || fetch(&probe, pe, json_integer_value(json_object_get(body, e->parent_field)), 0, &parent)) {
			dctx_clear(&probe);
			json_decref(rec);
			return dctx_field(c, e->parent_field, &m_ref);
		}
		json_object_set(rec, "unit_id", json_object_get(parent, "unit_id"));
		json_decref(parent);
	} else {
		char path[256];
		if (!unit_path_in_scope(c, json_integer_value(json_object_get(body, "unit_id")), path, sizeof path)) {
			json_decref(rec);
			return dctx_field(c, "unit_id", &m_unit);
		}
	}
	if ((rc = check_refs(c, e, body)))
		goto out;
	if (e->check) {
		const char *field = NULL;
		const msg2 *m = e->check(rec, &field);
		if (m) {
			rc = dctx_field(c, field, m);
			goto out;
		}
	}
	if ((rc = check_unique(c, e, body, 0)))
		goto out;
	int64_t id = 0;
	rc = record_insert_raw(c, e, rec, &id);
	if (rc == TX_ECONFLICT) {
		rc = dctx_fail(c, TX_ECONFLICT, "conflict", "与已有记录冲突", "conflicts with an existing record");
		goto out;
	}
	if (rc)
		goto out;
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	c->audit_detail = json_pack("{s:o}", "created", audit_form(e, body));
	rc = fetch(c, e, id, 0, out);
out:
	json_decref(rec);
	return rc;
}

tx_err record_update(dctx *c, const model_entity *e, int64_t id, json_t *body, json_t **out)
{
	json_t *cur;
	tx_err rc = fetch(c, e, id, 1, &cur);
	if (rc)
		return rc;
	json_t *ver = json_object_get(body, "version");
	if (ver && json_integer_value(ver) != json_integer_value(json_object_get(cur, "version"))) {
		rc = dctx_stale(c);
		goto out;
	}
	/* The merged record, for cross-field checks. */
	json_t *merged = json_deep_copy(cur);
	json_object_update(merged, body);
	if (e->check) {
		const char *field = NULL;
		const msg2 *m = e->check(merged, &field);
		if (m) {
			json_decref(merged);
			rc = dctx_field(c, field, m);
			goto out;
		}
	}
	json_decref(merged);
	if ((rc = check_refs(c, e, body)) || (rc = check_unique(c, e, body, id)))
		goto out;
	buf sql = BUF_INIT;
	sql_params p = {0}, bidx = {0};
	buf_printf(&sql, "UPDATE %s SET version = version + 1, updated_at = ?, updated_by = ?", e->table);
	p_int(&p, util_now());
	p_int(&p, c->a->user_id);
	char newpath[256] = "";
	json_t *ju = json_object_get(body, "unit_id");
	if (ju && !e->parent) {
		if (!unit_path_in_scope(c, json_integer_value(ju), newpath, sizeof newpath)) {
			buf_free(&sql);
			p_free(&p);
			rc = dctx_field(c, "unit_id", &m_unit);
			goto out;
		}
		buf_puts(&sql, ", unit_id = ?, unit_path = ?");
		p_int(&p, json_integer_value(ju));
		p_text(&p, newpath);
	}
	for (size_t k = 0; k < e->nfields; k++) {
		const model_field *f = &e->fields[k];
		json_t *v = json_object_get(body, f->name);
		if (!v || !stored(f))
			continue;
		buf_printf(&sql, ", %s = ?", f->name);
		stored_value(c, e, f, v, &p, &bidx, NULL);
		if (f->flags & FF_INDEXED) {
			buf_printf(&sql, ", %s_bidx = ?", f->name);
			p_text(&p, bidx.v[bidx.n - 1].s);
		}
		json_t *old = json_object_get(cur, f->name);
		if (!old || !json_equal(old, v)) {
			if (f->flags & FF_SENSITIVE)
				dctx_change(c, f->name, json_string("***"), json_string("***"));
			else
				dctx_change(c, f->name, json_incref(old), json_incref(v));
		}
	}
	buf_puts(&sql, " WHERE id = ? AND version = ? AND deleted = 0");
	p_int(&p, id);
	p_int(&p, json_integer_value(json_object_get(cur, "version")));
	store_stmt *st;
	/* The rollups: out with the person as it was, in with it as it is (same transaction). */
	rc = tallied(e) ? tally_row(c->db, id, -1) : TX_OK;
	if (!rc)
		rc = store_prepare(c->db, sql.data, &st);
	if (!rc) {
		p_bind(st, &p);
		int s = store_step(st);
		store_finalize(st);
		rc = s == STORE_DONE ? TX_OK : s == -TX_ECONFLICT ? TX_ECONFLICT : TX_EDB;
		if (!rc && store_changes(c->db) != 1)
			rc = dctx_stale(c);
	}
	buf_free(&sql);
	p_free(&p);
	p_free(&bidx);
	if (!rc && tallied(e))
		rc = tally_row(c->db, id, 1);
	if (rc)
		goto out;
	/* Sub-records follow their parent to its new unit. */
	if (newpath[0]) {
		for (size_t i = 0; i < model_entities_count; i++) {
			const model_entity *ce = model_entities[i];
			if (!(ce->flags & ENTITY_RECORD) || !ce->parent || strcmp(ce->parent, e->name) != 0)
				continue;
			buf u = BUF_INIT;
			buf_printf(&u, "UPDATE %s SET unit_id = ?, unit_path = ? WHERE %s = ?", ce->table, ce->parent_field);
			if ((rc = store_prepare(c->db, u.data, &st)) == TX_OK) {
				store_bind_int(st, 1, json_integer_value(ju));
				store_bind_text(st, 2, newpath);
				store_bind_int(st, 3, id);
				rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
				store_finalize(st);
			}
			buf_free(&u);
			if (rc)
				goto out;
		}
	}
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	rc = fetch(c, e, id, 0, out);
out:
	json_decref(cur);
	return rc;
}

tx_err record_delete(dctx *c, const model_entity *e, int64_t id)
{
	json_t *cur;
	tx_err rc = fetch(c, e, id, 0, &cur);
	if (rc)
		return rc;
	json_decref(cur);
	/* An organisation with live members or branches stays. */
	if (strcmp(e->name, "organisation") == 0) {
		int64_t n = 0;
		store_stmt *st;
		if ((rc = store_prepare(c->db,
		                        "SELECT (SELECT COUNT(*) FROM membership WHERE organisation_id = ? AND deleted = 0)"
		                        " + (SELECT COUNT(*) FROM organisation WHERE parent_org_id = ? AND deleted = 0)",
		                        &st)))
			return rc;
		store_bind_int(st, 1, id);
		store_bind_int(st, 2, id);
		if (store_step(st) == STORE_ROW)
			n = store_col_int(st, 0);
		store_finalize(st);
		if (n)
			return dctx_fail(c, TX_ECONFLICT, "conflict.has_children", "该组织下还有成员或下级组织",
			                 "the organisation still has members or branches");
	}
	if (tallied(e) && (rc = tally_row(c->db, id, -1)))
		return rc;
	buf sql = BUF_INIT;
	buf_printf(&sql, "UPDATE %s SET deleted = 1, version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?",
	           e->table);
	store_stmt *st;
	rc = store_prepare(c->db, sql.data, &st);
	buf_free(&sql);
	if (rc)
		return rc;
	store_bind_int(st, 1, util_now());
	store_bind_int(st, 2, c->a->user_id);
	store_bind_int(st, 3, id);
	rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
	store_finalize(st);
	/* A person's sub-records go with it. */
	for (size_t i = 0; !rc && i < model_entities_count; i++) {
		const model_entity *ce = model_entities[i];
		if (!(ce->flags & ENTITY_RECORD) || !ce->parent || strcmp(ce->parent, e->name) != 0)
			continue;
		buf u = BUF_INIT;
		buf_printf(&u, "UPDATE %s SET deleted = 1 WHERE %s = ?", ce->table, ce->parent_field);
		if ((rc = store_prepare(c->db, u.data, &st)) == TX_OK) {
			store_bind_int(st, 1, id);
			rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
			store_finalize(st);
		}
		buf_free(&u);
	}
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	return rc;
}

tx_err record_reveal(dctx *c, const model_entity *e, int64_t id, const char *field, json_t **out)
{
	static const msg2 m_not = {"该字段不是敏感字段", "this field is not sensitive"};
	const model_field *f = model_field_find(e, field);
	if (!f || !(f->flags & FF_SENSITIVE))
		return dctx_field(c, "field", &m_not);
	json_t *cur;
	tx_err rc = fetch(c, e, id, 1, &cur);
	if (rc)
		return rc;
	*out = json_pack("{s:s, s:O}", "field", field, "value", json_object_get(cur, field));
	json_decref(cur);
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	return TX_OK;
}

tx_err record_count_in_unit(store *db, int64_t unit, int64_t *n)
{
	*n = 0;
	for (size_t i = 0; i < model_entities_count; i++) {
		const model_entity *e = model_entities[i];
		if (!(e->flags & ENTITY_RECORD))
			continue;
		buf sql = BUF_INIT;
		buf_printf(&sql, "SELECT COUNT(*) FROM %s WHERE unit_id = ? AND deleted = 0", e->table);
		store_stmt *st;
		tx_err rc = store_prepare(db, sql.data, &st);
		buf_free(&sql);
		if (rc)
			return rc;
		store_bind_int(st, 1, unit);
		if (store_step(st) == STORE_ROW)
			*n += store_col_int(st, 0);
		store_finalize(st);
	}
	return TX_OK;
}

tx_err record_units_moved(store *db, const char *old_path, const char *new_path)
{
	char hi[256];
	path_range(old_path, hi, sizeof hi);
	for (size_t i = 0; i < model_entities_count; i++) {
		const model_entity *e = model_entities[i];
		if (!(e->flags & ENTITY_RECORD))
			continue;
		buf sql = BUF_INIT;
		buf_printf(&sql,
		           "UPDATE %s SET unit_path = ? || substr(unit_path, CAST(? AS INTEGER))"
		           " WHERE unit_path >= ? AND unit_path < ?",
		           e->table);
		store_stmt *st;
		tx_err rc = store_prepare(db, sql.data, &st);
		buf_free(&sql);
		if (rc)
			return rc;
		store_bind_text(st, 1, new_path);
		store_bind_int(st, 2, (int64_t)strlen(old_path) + 1);
		store_bind_text(st, 3, old_path);
		store_bind_text(st, 4, hi);
		int s = store_step(st);
		store_finalize(st);
		if (s != STORE_DONE)
			return TX_EDB;
	}
	return tally_unit_moved(db, old_path, new_path);
}

/* ---- for import and export (transfer_import.c, transfer_export.c) ---- */

tx_err record_check(dctx *c, const model_entity *e, json_t *body, int64_t self, unsigned flags)
{
	tx_err rc;
	json_t *merged = NULL;
	char path[256];
	if (self) {
		if ((rc = fetch(c, e, self, 1, &merged)))
			return rc;
		json_object_update(merged, body);
		json_t *ju = json_object_get(body, "unit_id");
		if (ju && !e->parent && !(flags & RECORD_CHECKED_UNIT) &&
		    !unit_path_in_scope(c, json_integer_value(ju), path, sizeof path)) {
			rc = dctx_field(c, "unit_id", &m_unit);
			goto out;
		}
	} else if (e->parent) {
		json_t *parent = NULL;
		const model_entity *pe = record_entity(e->parent);
		dctx probe = *c;
		probe.err_fields = NULL;
		probe.audit_detail = NULL;
		if (!pe || fetch(&probe, pe, json_integer_value(json_object_get(body, e->parent_field)), 0, &parent)) {
			dctx_clear(&probe);
			return dctx_field(c, e->parent_field, &m_ref);
		}
		json_object_set(body, "unit_id", json_object_get(parent, "unit_id"));
		json_decref(parent);
		merged = json_deep_copy(body);
	} else {
		if (!(flags & RECORD_CHECKED_UNIT) &&
		    !unit_path_in_scope(c, json_integer_value(json_object_get(body, "unit_id")), path, sizeof path))
			return dctx_field(c, "unit_id", &m_unit);
		merged = json_deep_copy(body);
	}
	if ((rc = check_refs(c, e, body)))
		goto out;
	if (e->check) {
		const char *field = NULL;
		const msg2 *m = e->check(merged, &field);
		if (m) {
			rc = dctx_field(c, field, m);
			goto out;
		}
	}
	if (!(flags & RECORD_CHECKED_UNIQUE))
		rc = check_unique(c, e, body, self);
out:
	json_decref(merged);
	return rc;
}

tx_err record_find_by(dctx *c, const model_entity *e, const char *field, const char *value, int64_t *id,
                      int *in_scope)
{
	*id = 0;
	*in_scope = 0;
	const model_field *f = model_field_find(e, field);
	if (!f || !stored(f) || ((f->flags & FF_SENSITIVE) && !(f->flags & FF_INDEXED)))
		return TX_EINTERNAL;
	char norm[256], ctx[96], bx[65];
	const char *s = value;
	if (f->norm && !f->norm(value, norm, sizeof norm))
		s = norm;
	if (f->flags & FF_INDEXED) {
		context_of(e, f, ctx, sizeof ctx);
		crypto_blind_index(c->k, ctx, s, bx);
		s = bx;
	}
	/* Without printf: an import looks every row's key up. */
	buf sql = BUF_INIT;
	buf_puts(&sql, "SELECT t.id, t.unit_path, t.unit_id, t.created_by FROM ");
	buf_puts(&sql, e->table);
	buf_puts(&sql, " t WHERE t.deleted = 0 AND t.");
	buf_puts(&sql, f->name);
	buf_puts(&sql, (f->flags & FF_INDEXED) ? "_bidx = ? ORDER BY t.id LIMIT 1" : " = ? ORDER BY t.id LIMIT 1");
	store_stmt *st;
	tx_err rc = store_prepare(c->db, sql.data, &st);
	buf_free(&sql);
	if (rc)
		return rc;
	store_bind_text(st, 1, s);
	int r = store_step(st);
	if (r == STORE_ROW) {
		scope_range sr;
		scope_range_of(c->a, &sr);
		const char *path = store_col_text(st, 1);
		*id = store_col_int(st, 0);
		*in_scope = path && strcmp(path, sr.lo) >= 0 && strcmp(path, sr.hi) < 0 &&
		            (!sr.unit_id || store_col_int(st, 2) == sr.unit_id) &&
		            (!sr.user_id || store_col_int(st, 3) == sr.user_id);
	}
	store_finalize(st);
	return r == STORE_ROW || r == STORE_DONE ? TX_OK : TX_EDB;
}

tx_err record_each(dctx *c, const model_entity *e, const record_query *q, int clear,
                   tx_err (*fn)(void *ctx, json_t *row), void *ctx)
{
	enum { PAGE = 500 };
	qrange g;
	tx_err rc = resolve_range(c, q, &g);
	if (rc)
		return rc;
	/* Pages in the list's order, so each one seeks the (unit_path, id) index instead of sorting the subtree. */
	char cpath[256] = "";
	int64_t cid = 0;
	for (;;) {
		buf sql = BUF_INIT;
		sql_params p = {0};
		store_stmt *st = NULL;
		rc = page_sql(c, e, q, &g, cpath, cid, PAGE, &sql, &p);
		if (!rc)
			rc = store_prepare(c->db, sql.data, &st);
		buf_free(&sql);
		if (rc) {
			p_free(&p);
			return rc;
		}
		p_bind(st, &p);
		p_free(&p);
		int s, n = 0;
		while (!rc && (s = store_step(st)) == STORE_ROW) {
			json_t *row = row_json(c, e, st, clear);
			cid = store_col_int(st, 0);
			snprintf(cpath, sizeof cpath, "%s", store_col_text(st, 2));
			n++;
			rc = fn(ctx, row);
			json_decref(row);
		}
		store_finalize(st);
		if (rc)
			return rc;
		if (s != STORE_DONE)
			return TX_EDB;
		if (n < PAGE)
			return TX_OK;
	}
}
