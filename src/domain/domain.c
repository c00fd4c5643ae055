/*
 * domain.c — the domain context helpers (see domain.h).
 */
#include "domain/domain.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/util.h"

tx_err dctx_fail(dctx *c, tx_err e, const char *code, const char *zh, const char *en)
{
	c->err_code = code;
	snprintf(c->err_msg, sizeof c->err_msg, "%s", (c->lang && strcmp(c->lang, "en") == 0) ? en : zh);
	return e;
}

int64_t dctx_now(const dctx *c)
{
	return c->now ? c->now : util_now();
}

tx_err dctx_field(dctx *c, const char *field, const msg2 *m)
{
	if (!c->err_fields)
		c->err_fields = json_object();
	json_object_set_new(c->err_fields, field, json_string(msg_pick(m, c->lang)));
	if (!c->err_msg[0])
		snprintf(c->err_msg, sizeof c->err_msg, "%s: %s", field, msg_pick(m, c->lang));
	c->err_code = "validation.failed";
	return TX_EINVAL;
}

void dctx_clear(dctx *c)
{
	json_decref(c->err_fields);
	json_decref(c->audit_detail);
	c->err_fields = NULL;
	c->audit_detail = NULL;
	c->err_code = NULL;
	c->err_msg[0] = 0;
	c->audit_id[0] = 0;
}

void dctx_change(dctx *c, const char *field, json_t *old_v, json_t *new_v)
{
	if (!c->audit_detail)
		c->audit_detail = json_object();
	json_t *ch = json_object_get(c->audit_detail, "changes");
	if (!ch) {
		ch = json_object();
		json_object_set_new(c->audit_detail, "changes", ch);
	}
	json_object_set_new(ch, field, json_pack("[o, o]", old_v ? old_v : json_null(), new_v ? new_v : json_null()));
}

int64_t cursor_parse(const char *s)
{
	int64_t v;
	if (!s || util_parse_i64(s, &v) || v < 0)
		return 0;
	return v;
}

void dctx_changes(dctx *c, json_t *cur, json_t *body)
{
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v)
	{
		if (strcmp(k, "version") == 0)
			continue;
		json_t *old = json_object_get(cur, k);
		if (!old || !json_equal(old, v))
			dctx_change(c, k, json_incref(old), json_incref(v));
	}
}

tx_err dctx_stale(dctx *c)
{
	return dctx_fail(c, TX_ECONFLICT, "conflict.version", "数据已被他人修改，请刷新后重试",
	                 "this was changed by someone else; reload and try again");
}

tx_err query_strings(store *db, const char *sql, int64_t id, const char *text, json_t **out)
{
	store_stmt *st;
	tx_err rc = store_prepare(db, sql, &st);
	if (rc)
		return rc;
	if (text)
		store_bind_text(st, 1, text);
	else
		store_bind_int(st, 1, id);
	json_t *arr = json_array();
	int s;
	while ((s = store_step(st)) == STORE_ROW)
		json_array_append_new(arr, json_string(store_col_text(st, 0)));
	store_finalize(st);
	if (s < 0) {
		json_decref(arr);
		return TX_EDB;
	}
	*out = arr;
	return TX_OK;
}

/* ---- bound parameters (see domain.h) ---- */

/* Room for one more (a record's insert binds some thirty: one realloc each was a hot spot of imports). */
static param *p_next(sql_params *p)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = xrealloc(p->v, sizeof(param) * (size_t)p->cap);
	}
	return &p->v[p->n++];
}

void p_int(sql_params *p, int64_t v)
{
	*p_next(p) = (param){1, v, NULL};
}

void p_text(sql_params *p, const char *s)
{
	*p_next(p) = (param){0, 0, s ? xstrdup(s) : NULL};
}

void p_bind(store_stmt *st, const sql_params *p)
{
	for (int k = 0; k < p->n; k++) {
		if (p->v[k].is_int)
			store_bind_int(st, k + 1, p->v[k].i);
		else if (p->v[k].s)
			store_bind_text(st, k + 1, p->v[k].s);
		else
			store_bind_null(st, k + 1);
	}
}

void p_free(sql_params *p)
{
	for (int k = 0; k < p->n; k++)
		free(p->v[k].s);
	free(p->v);
	p->v = NULL;
	p->n = 0;
	p->cap = 0;
}

char *sql_like_contains(const char *q)
{
	buf like = BUF_INIT;
	buf_putc(&like, '%');
	for (const char *x = q ? q : ""; *x; x++) {
		if (*x == '%' || *x == '_' || *x == '\\')
			buf_putc(&like, '\\');
		buf_putc(&like, *x);
	}
	buf_putc(&like, '%');
	return buf_detach(&like);
}
