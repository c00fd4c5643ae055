/*
 * unit.c — the unit tree (see unit.h).
 *
 * Paths are materialised ('/1/5/23/'); subtree reads are byte ranges over
 * the path index, a move rewrites the moved subtree's paths in one UPDATE.
 */
#include "domain/unit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/util.h"
#include "domain/record.h"
#include "model/validate.h"

#define UNIT_COLS                                                                                                    \
	"u.id, u.parent_id, u.name, u.kind, u.code, u.sort, u.active, u.path, u.depth, u.version, u.created_at,"      \
	" u.updated_at, (SELECT COUNT(*) FROM unit c WHERE c.parent_id = u.id), u.quota, u.actual_staff"

/* The scope condition every unit query ends with (5 bound values). */
#define UNIT_SCOPE " u.path >= ? AND u.path < ? AND (? = 0 OR u.id = ?)"

static int bind_scope(store_stmt *st, int idx, const scope_range *r)
{
	return scope_bind(st, idx, r, 0);
}

static json_t *unit_row(store_stmt *st)
{
	char ca[32], ua[32];
	util_iso_time(store_col_int(st, 10), ca, sizeof ca);
	util_iso_time(store_col_int(st, 11), ua, sizeof ua);
	json_t *o = json_pack("{s:I, s:s, s:s, s:s?, s:I, s:b, s:s, s:I, s:I, s:s, s:s, s:I}", "id",
	                      (json_int_t)store_col_int(st, 0), "name", store_col_text(st, 2), "kind",
	                      store_col_text(st, 3), "code", store_col_text(st, 4), "sort",
	                      (json_int_t)store_col_int(st, 5), "active", (int)store_col_int(st, 6), "path",
	                      store_col_text(st, 7), "depth", (json_int_t)store_col_int(st, 8), "version",
	                      (json_int_t)store_col_int(st, 9), "created_at", ca, "updated_at", ua, "child_count",
	                      (json_int_t)store_col_int(st, 12));
	json_object_set_new(o, "parent_id",
	                    store_col_is_null(st, 1) ? json_null() : json_integer(store_col_int(st, 1)));
	json_object_set_new(o, "quota", store_col_is_null(st, 13) ? json_null() : json_integer(store_col_int(st, 13)));
	json_object_set_new(o, "actual_staff",
	                    store_col_is_null(st, 14) ? json_null() : json_integer(store_col_int(st, 14)));
	return o;
}

static tx_err collect(store_stmt *st, json_t **items, int limit, int64_t *next)
{
	json_t *arr = json_array();
	int r, n = 0;
	if (next)
		*next = 0;
	while ((r = store_step(st)) == STORE_ROW) {
		if (limit && n == limit) {
			if (next)
				*next = json_integer_value(json_object_get(json_array_get(arr, (size_t)n - 1), "id"));
			break;
		}
		json_array_append_new(arr, unit_row(st));
		n++;
	}
	store_finalize(st);
	if (r < 0) {
		json_decref(arr);
		return TX_EDB;
	}
	*items = arr;
	return TX_OK;
}

tx_err unit_in_scope(dctx *c, int64_t id, char *path, size_t n)
{
	scope_range r;
	scope_range_of(c->a, &r);
	store_stmt *st;
	tx_err rc = store_prepare(c->db, "SELECT u.path FROM unit u WHERE u.id = ? AND" UNIT_SCOPE, &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	bind_scope(st, 2, &r);
	int s = store_step(st);
	if (s == STORE_ROW && path)
		snprintf(path, n, "%s", store_col_text(st, 0));
	store_finalize(st);
	if (s == STORE_ROW)
		return TX_OK;
	return s == STORE_DONE ? dctx_fail(c, TX_ENOTFOUND, "not_found", "单位不存在", "no such unit") : TX_EDB;
}

tx_err unit_children(dctx *c, int64_t parent, json_t **items)
{
	scope_range r;
	scope_range_of(c->a, &r);
	store_stmt *st;
	tx_err rc;
	if (parent) {
		if ((rc = unit_in_scope(c, parent, NULL, 0)))
			return rc;
		rc = store_prepare(c->db,
		                   "SELECT " UNIT_COLS " FROM unit u WHERE u.parent_id = ? AND" UNIT_SCOPE
		                   " ORDER BY u.sort, u.id",
		                   &st);
		if (rc)
			return rc;
		store_bind_int(st, 1, parent);
		bind_scope(st, 2, &r);
	} else if (c->a->scope == SCOPE_ALL) {
		rc = store_prepare(c->db, "SELECT " UNIT_COLS " FROM unit u WHERE u.parent_id IS NULL ORDER BY u.sort, u.id",
		                   &st);
		if (rc)
			return rc;
	} else {
		rc = store_prepare(c->db, "SELECT " UNIT_COLS " FROM unit u WHERE u.id = ? AND" UNIT_SCOPE, &st);
		if (rc)
			return rc;
		store_bind_int(st, 1, c->a->unit_id);
		bind_scope(st, 2, &r);
	}
	return collect(st, items, 0, NULL);
}

tx_err unit_search(dctx *c, int64_t root, const char *q, const char *kind, int64_t after, int limit,
                   json_t **items, int64_t *next)
{
	scope_range r;
	scope_range_of(c->a, &r);
	char path[256], hi[256];
	tx_err rc;
	if (root) {
		if ((rc = unit_in_scope(c, root, path, sizeof path)))
			return rc;
	} else {
		snprintf(path, sizeof path, "%s", r.lo);
	}
	path_range(path, hi, sizeof hi);
	if (!root)
		snprintf(hi, sizeof hi, "%s", r.hi);
	/* The free-text filter is a substring match; % and _ in it are literal. */
	char *like = sql_like_contains(q);
	store_stmt *st;
	rc = store_prepare(c->db,
	                   "SELECT " UNIT_COLS " FROM unit u WHERE u.path >= ? AND u.path < ? AND u.id > ?"
	                   " AND (? = '' OR u.name LIKE ? ESCAPE '\\') AND (? = '' OR u.kind = ?) AND" UNIT_SCOPE
	                   " ORDER BY u.id LIMIT ?",
	                   &st);
	if (rc) {
		free(like);
		return rc;
	}
	store_bind_text(st, 1, path);
	store_bind_text(st, 2, hi);
	store_bind_int(st, 3, after);
	store_bind_text(st, 4, q ? q : "");
	store_bind_text(st, 5, like);
	store_bind_text(st, 6, kind ? kind : "");
	store_bind_text(st, 7, kind ? kind : "");
	int idx = bind_scope(st, 8, &r);
	store_bind_int(st, idx, limit + 1);
	free(like);
	return collect(st, items, limit, next);
}

/* Fetch one unit row inside scope as JSON. */
static tx_err unit_fetch(dctx *c, int64_t id, json_t **out)
{
	scope_range r;
	scope_range_of(c->a, &r);
	store_stmt *st;
	tx_err rc = store_prepare(c->db, "SELECT " UNIT_COLS " FROM unit u WHERE u.id = ? AND" UNIT_SCOPE, &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	bind_scope(st, 2, &r);
	int s = store_step(st);
	if (s != STORE_ROW) {
		store_finalize(st);
		return s == STORE_DONE ? dctx_fail(c, TX_ENOTFOUND, "not_found", "单位不存在", "no such unit") : TX_EDB;
	}
	*out = unit_row(st);
	store_finalize(st);
	return TX_OK;
}

tx_err unit_get(dctx *c, int64_t id, json_t **out)
{
	tx_err rc = unit_fetch(c, id, out);
	if (rc)
		return rc;
	/* Names of the ancestors, for breadcrumbs (only those in scope). */
	const char *path = json_string_value(json_object_get(*out, "path"));
	json_t *names = json_array();
	char *copy = xstrdup(path), *save = NULL;
	for (char *tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		int64_t aid;
		if (util_parse_i64(tok, &aid) || aid == id)
			continue;
		json_t *anc = NULL;
		dctx probe = *c;
		probe.err_fields = NULL;
		probe.audit_detail = NULL;
		if (unit_fetch(&probe, aid, &anc) == TX_OK) {
			json_array_append_new(names, json_pack("{s:O, s:O}", "id", json_object_get(anc, "id"), "name",
			                                       json_object_get(anc, "name")));
			json_decref(anc);
		}
	}
	free(copy);
	json_object_set_new(*out, "path_names", names);
	return TX_OK;
}

/* The code of the nearest ancestor-or-self of `path` that has one (malloc'd) or NULL. */
static char *nearest_code(store *db, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;
	int64_t ids[UNIT_MAX_DEPTH + 2];
	int n = 0;
	for (char *tok = strtok_r(copy, "/", &save); tok && n < UNIT_MAX_DEPTH + 2; tok = strtok_r(NULL, "/", &save))
		if (util_parse_i64(tok, &ids[n]) == 0)
			n++;
	free(copy);
	char *code = NULL;
	for (int i = n - 1; i >= 0 && !code; i--) {
		store_stmt *st;
		if (store_prepare(db, "SELECT code FROM unit WHERE id = ? AND code IS NOT NULL", &st))
			break;
		store_bind_int(st, 1, ids[i]);
		if (store_step(st) == STORE_ROW)
			code = xstrdup(store_col_text(st, 0));
		store_finalize(st);
	}
	return code;
}

static const msg2 m_code_parent = {"区划代码须以上级单位的区划代码开头且层级更低",
                                   "the code must start with the parent's code and be one level deeper or more"};
static const msg2 m_name_taken = {"同一上级下已有同名单位", "a sibling unit already has this name"};
static const msg2 m_code_taken = {"该区划代码已被其他单位使用", "another unit already has this code"};
static const msg2 m_too_deep = {"层级过深", "the tree is too deep here"};

static tx_err check_code(dctx *c, const char *parent_path, const char *code)
{
	if (!code || !*code)
		return TX_OK;
	char *pc = nearest_code(c->db, parent_path);
	int ok = !pc || division_code_within(pc, code);
	free(pc);
	return ok ? TX_OK : dctx_field(c, "code", &m_code_parent);
}

static tx_err check_sibling_name(dctx *c, int64_t parent, const char *name, int64_t self)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db, "SELECT 1 FROM unit WHERE parent_id = ? AND name = ? AND id <> ?", &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, parent);
	store_bind_text(st, 2, name);
	store_bind_int(st, 3, self);
	int s = store_step(st);
	store_finalize(st);
	if (s == STORE_ROW) {
		dctx_field(c, "name", &m_name_taken);
		c->err_code = "conflict";
		return TX_ECONFLICT;
	}
	return s == STORE_DONE ? TX_OK : TX_EDB;
}

static tx_err code_conflict(dctx *c)
{
	dctx_field(c, "code", &m_code_taken);
	c->err_code = "conflict";
	return TX_ECONFLICT;
}

tx_err unit_insert_raw(store *db, int64_t parent, const char *name, const char *kind, const char *code, int sort,
                       int64_t by, int64_t *id)
{
	char ppath[256] = "/";
	int depth = 0;
	store_stmt *st;
	tx_err rc;
	if (parent) {
		if ((rc = store_prepare(db, "SELECT path, depth FROM unit WHERE id = ?", &st)))
			return rc;
		store_bind_int(st, 1, parent);
		if (store_step(st) != STORE_ROW) {
			store_finalize(st);
			return TX_ENOTFOUND;
		}
		snprintf(ppath, sizeof ppath, "%s", store_col_text(st, 0));
		depth = (int)store_col_int(st, 1);
		store_finalize(st);
	}
	unsigned char rnd[8];
	char tmp[32];
	util_random(rnd, sizeof rnd);
	util_hex(rnd, sizeof rnd, tmp + 1);
	tmp[0] = '#';
	int64_t now = util_now();
	if ((rc = store_prepare(db,
	                        "INSERT INTO unit (parent_id, name, kind, code, sort, active, path, depth, version,"
	                        " created_at, created_by, updated_at, updated_by)"
	                        " VALUES (?, ?, ?, ?, ?, 1, ?, ?, 1, ?, ?, ?, ?) RETURNING id",
	                        &st)))
		return rc;
	if (parent)
		store_bind_int(st, 1, parent);
	else
		store_bind_null(st, 1);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, kind);
	store_bind_text(st, 4, code && *code ? code : NULL);
	store_bind_int(st, 5, sort);
	store_bind_text(st, 6, tmp);
	store_bind_int(st, 7, depth + 1);
	store_bind_int(st, 8, now);
	if (by)
		store_bind_int(st, 9, by);
	else
		store_bind_null(st, 9);
	store_bind_int(st, 10, now);
	if (by)
		store_bind_int(st, 11, by);
	else
		store_bind_null(st, 11);
	int s = store_step(st);
	int64_t nid = s == STORE_ROW ? store_col_int(st, 0) : 0;
	while (s == STORE_ROW)
		s = store_step(st);
	store_finalize(st);
	if (s != STORE_DONE)
		return s == -TX_ECONFLICT ? TX_ECONFLICT : TX_EDB;
	char path[288];
	snprintf(path, sizeof path, "%s%" PRId64 "/", ppath, nid);
	if ((rc = store_prepare(db, "UPDATE unit SET path = ? WHERE id = ?", &st)))
		return rc;
	store_bind_text(st, 1, path);
	store_bind_int(st, 2, nid);
	s = store_step(st);
	store_finalize(st);
	if (s != STORE_DONE)
		return TX_EDB;
	*id = nid;
	return TX_OK;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

tx_err unit_create(dctx *c, json_t *body, json_t **out)
{
	int64_t parent = json_integer_value(json_object_get(body, "parent_id"));
	const char *name = jstr(body, "name"), *kind = jstr(body, "kind"), *code = jstr(body, "code");
	int sort = (int)json_integer_value(json_object_get(body, "sort"));
	char ppath[256];
	tx_err rc;
	if ((rc = unit_in_scope(c, parent, ppath, sizeof ppath))) {
		/* A parent the caller cannot see is a bad reference, not a 404 route. */
		if (rc == TX_ENOTFOUND) {
			static const msg2 m = {"上级单位不存在", "no such parent unit"};
			c->err_msg[0] = 0;
			return dctx_field(c, "parent_id", &m);
		}
		return rc;
	}
	int depth = 0;
	for (const char *p = ppath; *p; p++)
		depth += *p == '/';
	if (depth > UNIT_MAX_DEPTH)
		return dctx_field(c, "parent_id", &m_too_deep);
	if ((rc = check_code(c, ppath, code)))
		return rc;
	if ((rc = check_sibling_name(c, parent, name, 0)))
		return rc;
	int64_t id;
	rc = unit_insert_raw(c->db, parent, name, kind, code, sort, c->a->user_id, &id);
	if (rc == TX_ECONFLICT)
		return code_conflict(c);
	if (rc)
		return rc;
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	c->audit_detail = json_pack("{s:O}", "created", body);
	return unit_fetch(c, id, out);
}

tx_err unit_update(dctx *c, int64_t id, json_t *body, json_t **out)
{
	json_t *cur;
	tx_err rc = unit_fetch(c, id, &cur);
	if (rc)
		return rc;
	json_t *ver = json_object_get(body, "version");
	if (ver && json_integer_value(ver) != json_integer_value(json_object_get(cur, "version"))) {
		json_decref(cur);
		return dctx_stale(c);
	}
	const char *name = jstr(body, "name") ? jstr(body, "name") : jstr(cur, "name");
	const char *kind = jstr(body, "kind") ? jstr(body, "kind") : jstr(cur, "kind");
	json_t *jcode = json_object_get(body, "code");
	const char *code = jcode ? json_string_value(jcode) : jstr(cur, "code");
	int64_t sort = json_object_get(body, "sort") ? json_integer_value(json_object_get(body, "sort"))
	                                             : json_integer_value(json_object_get(cur, "sort"));
	int active = json_object_get(body, "active") ? json_is_true(json_object_get(body, "active"))
	                                             : json_is_true(json_object_get(cur, "active"));
	json_t *parent = json_object_get(cur, "parent_id");
	json_t *jq = json_object_get(body, "quota") ? json_object_get(body, "quota") : json_object_get(cur, "quota");
	json_t *ja = json_object_get(body, "actual_staff") ? json_object_get(body, "actual_staff")
	                                                   : json_object_get(cur, "actual_staff");
	if ((json_is_integer(jq) && json_integer_value(jq) < 0) || (json_is_integer(ja) && json_integer_value(ja) < 0)) {
		static const msg2 m_neg = {"不能为负数", "must not be negative"};
		rc = dctx_field(c, json_is_integer(jq) && json_integer_value(jq) < 0 ? "quota" : "actual_staff", &m_neg);
		goto out;
	}
	if (jcode && code && *code) {
		/* Check against the parent's chain, not the unit's own old code. */
		char pp[256] = "/";
		const char *path = jstr(cur, "path");
		snprintf(pp, sizeof pp, "%s", path);
		size_t len = strlen(pp);
		if (len >= 2) {
			pp[len - 1] = 0;
			char *slash = strrchr(pp, '/');
			if (slash)
				slash[1] = 0;
		}
		if ((rc = check_code(c, pp, code)))
			goto out;
	}
	if (json_is_integer(parent) && jstr(body, "name") && (rc = check_sibling_name(c, json_integer_value(parent), name, id)))
		goto out;
	store_stmt *st;
	if ((rc = store_prepare(c->db,
	                        "UPDATE unit SET name = ?, kind = ?, code = ?, sort = ?, active = ?, quota = ?,"
	                        " actual_staff = ?, version = version + 1, updated_at = ?, updated_by = ?"
	                        " WHERE id = ? AND version = ?",
	                        &st)))
		goto out;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, kind);
	store_bind_text(st, 3, code && *code ? code : NULL);
	store_bind_int(st, 4, sort);
	store_bind_int(st, 5, active);
	if (json_is_integer(jq))
		store_bind_int(st, 6, json_integer_value(jq));
	else
		store_bind_null(st, 6);
	if (json_is_integer(ja))
		store_bind_int(st, 7, json_integer_value(ja));
	else
		store_bind_null(st, 7);
	store_bind_int(st, 8, util_now());
	store_bind_int(st, 9, c->a->user_id);
	store_bind_int(st, 10, id);
	store_bind_int(st, 11, json_integer_value(json_object_get(cur, "version")));
	int s = store_step(st);
	store_finalize(st);
	if (s == -TX_ECONFLICT) {
		rc = code_conflict(c);
		goto out;
	}
	if (s != STORE_DONE) {
		rc = TX_EDB;
		goto out;
	}
	if (store_changes(c->db) != 1) {
		rc = dctx_stale(c);
		goto out;
	}
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	dctx_changes(c, cur, body);
	rc = unit_fetch(c, id, out);
out:
	json_decref(cur);
	return rc;
}

tx_err unit_move(dctx *c, int64_t id, json_t *body, json_t **out)
{
	int64_t np = json_integer_value(json_object_get(body, "parent_id"));
	json_t *cur;
	tx_err rc = unit_fetch(c, id, &cur);
	if (rc)
		return rc;
	char nppath[256];
	static const msg2 m_cycle = {"不能移动到自身或其下级单位之下", "a unit cannot move under itself or its descendants"};
	static const msg2 m_parent = {"目标上级单位不存在", "no such target parent"};
	json_t *ver = json_object_get(body, "version");
	if (ver && json_integer_value(ver) != json_integer_value(json_object_get(cur, "version"))) {
		rc = dctx_stale(c);
		goto out;
	}
	if (unit_in_scope(c, np, nppath, sizeof nppath)) {
		c->err_msg[0] = 0;
		rc = dctx_field(c, "parent_id", &m_parent);
		goto out;
	}
	const char *old_path = jstr(cur, "path");
	if (util_starts_with(nppath, old_path)) {
		rc = dctx_field(c, "parent_id", &m_cycle);
		goto out;
	}
	int new_depth = 0;
	for (const char *p = nppath; *p; p++)
		new_depth += *p == '/';
	/* Depth of the deepest unit in the moved subtree must stay within bounds. */
	char hi[256];
	path_range(old_path, hi, sizeof hi);
	int64_t max_depth = 0;
	store_stmt *st;
	if ((rc = store_prepare(c->db, "SELECT MAX(depth) FROM unit WHERE path >= ? AND path < ?", &st)))
		goto out;
	store_bind_text(st, 1, old_path);
	store_bind_text(st, 2, hi);
	if (store_step(st) == STORE_ROW)
		max_depth = store_col_int(st, 0);
	store_finalize(st);
	int64_t cur_depth = json_integer_value(json_object_get(cur, "depth"));
	int64_t delta = new_depth - (cur_depth - 1);
	if (max_depth + delta > UNIT_MAX_DEPTH) {
		rc = dctx_field(c, "parent_id", &m_too_deep);
		goto out;
	}
	const char *code = jstr(cur, "code");
	if (code && check_code(c, nppath, code)) {
		/* Report the problem on the field the caller sent. */
		dctx_clear(c);
		rc = dctx_field(c, "parent_id", &m_code_parent);
		goto out;
	}
	if ((rc = check_sibling_name(c, np, jstr(cur, "name"), id)))
		goto out;
	/* Old parent path = old path minus the last "<id>/". */
	size_t plen = strlen(old_path);
	char idseg[32];
	int seglen = snprintf(idseg, sizeof idseg, "%" PRId64 "/", id);
	size_t old_parent_len = plen - (size_t)seglen;
	if ((rc = store_prepare(c->db,
	                        "UPDATE unit SET path = ? || substr(path, CAST(? AS INTEGER)), depth = depth + ?"
	                        " WHERE path >= ? AND path < ?",
	                        &st)))
		goto out;
	store_bind_text(st, 1, nppath);
	store_bind_int(st, 2, (int64_t)old_parent_len + 1);
	store_bind_int(st, 3, delta);
	store_bind_text(st, 4, old_path);
	store_bind_text(st, 5, hi);
	int s = store_step(st);
	store_finalize(st);
	if (s != STORE_DONE) {
		rc = TX_EDB;
		goto out;
	}
	{
		/* Records held by the moved units follow them. */
		char new_path[288];
		snprintf(new_path, sizeof new_path, "%s%" PRId64 "/", nppath, id);
		if ((rc = record_units_moved(c->db, old_path, new_path)))
			goto out;
	}
	if ((rc = store_prepare(c->db,
	                        "UPDATE unit SET parent_id = ?, version = version + 1, updated_at = ?, updated_by = ?"
	                        " WHERE id = ?",
	                        &st)))
		goto out;
	store_bind_int(st, 1, np);
	store_bind_int(st, 2, util_now());
	store_bind_int(st, 3, c->a->user_id);
	store_bind_int(st, 4, id);
	s = store_step(st);
	store_finalize(st);
	if (s != STORE_DONE) {
		rc = TX_EDB;
		goto out;
	}
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	dctx_change(c, "parent_id", json_incref(json_object_get(cur, "parent_id")), json_integer(np));
	rc = unit_fetch(c, id, out);
out:
	json_decref(cur);
	return rc;
}

tx_err unit_delete(dctx *c, int64_t id)
{
	json_t *cur;
	tx_err rc = unit_fetch(c, id, &cur);
	if (rc)
		return rc;
	int64_t users = 0;
	store_stmt *st;
	if ((rc = store_prepare(c->db, "SELECT COUNT(*) FROM app_user WHERE unit_id = ?", &st)))
		goto out;
	store_bind_int(st, 1, id);
	if (store_step(st) == STORE_ROW)
		users = store_col_int(st, 0);
	store_finalize(st);
	int64_t records = 0;
	if ((rc = record_count_in_unit(c->db, id, &records)))
		goto out;
	if (json_integer_value(json_object_get(cur, "child_count")) > 0 || users > 0 || records > 0) {
		rc = dctx_fail(c, TX_ECONFLICT, "conflict.has_children", "该单位下还有下级单位、用户或记录，不能删除",
		               "the unit still has child units, users or records");
		goto out;
	}
	if ((rc = store_prepare(c->db, "DELETE FROM unit WHERE id = ?", &st)))
		goto out;
	store_bind_int(st, 1, id);
	int s = store_step(st);
	store_finalize(st);
	if (s == -TX_ECONFLICT) {
		rc = dctx_fail(c, TX_ECONFLICT, "conflict.has_children", "该单位仍被其他记录引用，不能删除",
		               "the unit is still referenced by other records");
		goto out;
	}
	if (s != STORE_DONE) {
		rc = TX_EDB;
		goto out;
	}
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	c->audit_detail = json_pack("{s:O}", "deleted", cur);
out:
	json_decref(cur);
	return rc;
}
