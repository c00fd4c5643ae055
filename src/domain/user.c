/*
 * user.c — user accounts (see user.h).
 */
#include "domain/user.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"
#include "auth/session.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/util.h"
#include "model/validate.h"

#define USER_COLS                                                                                                    \
	"u.id, u.username, u.name, u.unit_id, n.name, u.active, u.locked_until, u.must_change_password,"             \
	" u.created_at, u.version, u.last_login_at"

#define USER_SCOPE " n.path >= ? AND n.path < ? AND (? = 0 OR n.id = ?) AND (? = 0 OR u.id = ?)"

static int bind_scope(store_stmt *st, int idx, const scope_range *r)
{
	return scope_bind(st, idx, r, 1);
}

static tx_err user_roles_json(store *db, int64_t id, json_t **out)
{
	return query_strings(db, "SELECT role_code FROM user_role WHERE user_id = ? ORDER BY role_code", id, NULL, out);
}

static json_t *user_row(store_stmt *st)
{
	char ca[32], ll[32] = "";
	util_iso_time(store_col_int(st, 8), ca, sizeof ca);
	if (!store_col_is_null(st, 10))
		util_iso_time(store_col_int(st, 10), ll, sizeof ll);
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:b, s:b, s:b, s:s, s:I, s:s?}", "id",
	                 (json_int_t)store_col_int(st, 0), "username", store_col_text(st, 1), "name",
	                 store_col_text(st, 2), "unit_id", (json_int_t)store_col_int(st, 3), "unit_name",
	                 store_col_text(st, 4), "active", (int)store_col_int(st, 5), "locked",
	                 store_col_int(st, 6) > util_now(), "must_change_password", (int)store_col_int(st, 7),
	                 "created_at", ca, "version", (json_int_t)store_col_int(st, 9), "last_login_at",
	                 ll[0] ? ll : NULL);
}

static tx_err add_roles(store *db, json_t *items)
{
	size_t i;
	json_t *u;
	json_array_foreach(items, i, u)
	{
		json_t *roles;
		tx_err rc = user_roles_json(db, json_integer_value(json_object_get(u, "id")), &roles);
		if (rc)
			return rc;
		json_object_set_new(u, "roles", roles);
	}
	return TX_OK;
}

tx_err user_list(dctx *c, int64_t unit, const char *q, int64_t after, int limit, json_t **items, int64_t *next)
{
	scope_range r;
	scope_range_of(c->a, &r);
	char path[256], hi[256];
	snprintf(path, sizeof path, "%s", r.lo);
	snprintf(hi, sizeof hi, "%s", r.hi);
	if (unit) {
		store_stmt *st;
		tx_err rc = store_prepare(c->db,
		                          "SELECT n.path FROM unit n WHERE n.id = ? AND n.path >= ? AND n.path < ?"
		                          " AND (? = 0 OR n.id = ?)",
		                          &st);
		if (rc)
			return rc;
		store_bind_int(st, 1, unit);
		store_bind_text(st, 2, r.lo);
		store_bind_text(st, 3, r.hi);
		store_bind_int(st, 4, r.unit_id);
		store_bind_int(st, 5, r.unit_id);
		int s = store_step(st);
		if (s == STORE_ROW)
			snprintf(path, sizeof path, "%s", store_col_text(st, 0));
		store_finalize(st);
		if (s != STORE_ROW)
			return s == STORE_DONE ? dctx_fail(c, TX_ENOTFOUND, "not_found", "单位不存在", "no such unit")
			                       : TX_EDB;
		path_range(path, hi, sizeof hi);
	}
	char *like = sql_like_contains(q);
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "SELECT " USER_COLS " FROM app_user u JOIN unit n ON n.id = u.unit_id"
	                          " WHERE n.path >= ? AND n.path < ? AND u.id > ?"
	                          " AND (? = '' OR u.name LIKE ? ESCAPE '\\' OR u.username LIKE ? ESCAPE '\\') AND" USER_SCOPE
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
	store_bind_text(st, 6, like);
	int idx = bind_scope(st, 7, &r);
	store_bind_int(st, idx, limit + 1);
	free(like);
	json_t *arr = json_array();
	int s, n = 0;
	*next = 0;
	while ((s = store_step(st)) == STORE_ROW) {
		if (n == limit) {
			*next = json_integer_value(json_object_get(json_array_get(arr, (size_t)n - 1), "id"));
			break;
		}
		json_array_append_new(arr, user_row(st));
		n++;
	}
	store_finalize(st);
	if (s < 0 || (rc = add_roles(c->db, arr))) {
		json_decref(arr);
		return rc ? rc : TX_EDB;
	}
	*items = arr;
	return TX_OK;
}

static tx_err user_fetch(dctx *c, int64_t id, json_t **out)
{
	scope_range r;
	scope_range_of(c->a, &r);
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "SELECT " USER_COLS " FROM app_user u JOIN unit n ON n.id = u.unit_id"
	                          " WHERE u.id = ? AND" USER_SCOPE,
	                          &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	bind_scope(st, 2, &r);
	int s = store_step(st);
	if (s != STORE_ROW) {
		store_finalize(st);
		return s == STORE_DONE ? dctx_fail(c, TX_ENOTFOUND, "not_found", "用户不存在", "no such user") : TX_EDB;
	}
	json_t *o = user_row(st);
	store_finalize(st);
	json_t *roles;
	if ((rc = user_roles_json(c->db, id, &roles))) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(o, "roles", roles);
	*out = o;
	return TX_OK;
}

tx_err user_get(dctx *c, int64_t id, json_t **out)
{
	return user_fetch(c, id, out);
}

static tx_err insert_roles(store *db, int64_t id, json_t *roles)
{
	size_t i;
	json_t *v;
	json_array_foreach(roles, i, v)
	{
		store_stmt *st;
		tx_err rc = store_prepare(db, "INSERT INTO user_role (user_id, role_code) VALUES (?, ?)", &st);
		if (rc)
			return rc;
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, json_string_value(v));
		int s = store_step(st);
		store_finalize(st);
		if (s != STORE_DONE)
			return s == -TX_ECONFLICT ? TX_ECONFLICT : TX_EDB;
	}
	return TX_OK;
}

static const msg2 m_role_unknown = {"角色不存在", "no such role"};
static const msg2 m_separation = {"系统管理员、安全管理员、审计管理员三种角色不能由同一账号兼任",
                                  "no account may hold two of system, security and audit administrator"};
static const msg2 m_grant = {"无权分配管理员角色", "not allowed to grant administrator roles"};

/* Roles must exist, respect 三员分立, and admin roles need user:grant. */
static tx_err check_roles(dctx *c, json_t *roles)
{
	if (rbac_check_separation(roles))
		return dctx_field(c, "roles", &m_separation);
	size_t i;
	json_t *v;
	json_array_foreach(roles, i, v)
	{
		const char *code = json_string_value(v);
		if (rbac_is_admin_role(code) && !actor_can(c->a, "user:grant")) {
			dctx_field(c, "roles", &m_grant);
			c->err_code = "auth.forbidden";
			return TX_EFORBIDDEN;
		}
		store_stmt *st;
		tx_err rc = store_prepare(c->db, "SELECT 1 FROM role WHERE code = ?", &st);
		if (rc)
			return rc;
		store_bind_text(st, 1, code);
		int s = store_step(st);
		store_finalize(st);
		if (s != STORE_ROW)
			return s == STORE_DONE ? dctx_field(c, "roles", &m_role_unknown) : TX_EDB;
	}
	return TX_OK;
}

/* Is the unit inside the actor's scope? */
static int unit_visible(dctx *c, int64_t unit)
{
	scope_range r;
	scope_range_of(c->a, &r);
	store_stmt *st;
	if (store_prepare(c->db,
	                  "SELECT 1 FROM unit n WHERE n.id = ? AND n.path >= ? AND n.path < ? AND (? = 0 OR n.id = ?)",
	                  &st))
		return 0;
	store_bind_int(st, 1, unit);
	store_bind_text(st, 2, r.lo);
	store_bind_text(st, 3, r.hi);
	store_bind_int(st, 4, r.unit_id);
	store_bind_int(st, 5, r.unit_id);
	int s = store_step(st);
	store_finalize(st);
	return s == STORE_ROW;
}

/*
 * Privilege containment, so that managing accounts never becomes a way to
 * gain powers:
 * - an administrator role (system, security, audit) held by the target
 *   must be held by the actor too: the system administrator cannot take
 *   over the auditor's or the security administrator's account;
 * - an actor who is not the system administrator (the account manager of
 *   三员分立) may manage only accounts whose every permission is also its
 *   own: a town officer cannot take over a city-level account.
 * Self-management goes through /me instead.
 */
static tx_err check_containment(dctx *c, int64_t target)
{
	if (target == c->a->user_id)
		return TX_OK;
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "SELECT ur.role_code, p.permission FROM user_role ur"
	                          " LEFT JOIN role_permission p ON p.role_code = ur.role_code WHERE ur.user_id = ?",
	                          &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, target);
	int s, ok = 1, manager = actor_has_role(c->a, "sysadmin");
	while ((s = store_step(st)) == STORE_ROW) {
		const char *role = store_col_text(st, 0), *perm = store_col_text(st, 1);
		if (rbac_is_admin_role(role) && !actor_has_role(c->a, role))
			ok = 0;
		if (!manager && perm && !actor_can(c->a, perm))
			ok = 0;
	}
	store_finalize(st);
	if (s < 0)
		return TX_EDB;
	return ok ? TX_OK
	          : dctx_fail(c, TX_EFORBIDDEN, "auth.forbidden", "不能管理权限高于自己的账号",
	                      "you cannot manage an account that holds powers you do not have");
}

static tx_err check_password(dctx *c, const char *field, const char *pw)
{
	const msg2 *m = validate_password(pw, c->cfg->password_min, c->cfg->password_classes);
	return m ? dctx_field(c, field, m) : TX_OK;
}

tx_err user_insert_raw(store *db, const char *username, const char *name, int64_t unit, const char *const *roles,
                       const char *password, int must_change, int64_t by, int64_t *id)
{
	char *hash = password_hash(password);
	if (!hash)
		return TX_EINTERNAL;
	int64_t now = util_now();
	store_stmt *st;
	tx_err rc = store_prepare(db,
	                          "INSERT INTO app_user (username, name, unit_id, password_hash, must_change_password,"
	                          " password_changed_at, active, created_at, created_by, updated_at, updated_by)"
	                          " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id",
	                          &st);
	if (rc) {
		free(hash);
		return rc;
	}
	store_bind_text(st, 1, username);
	store_bind_text(st, 2, name);
	store_bind_int(st, 3, unit);
	store_bind_text(st, 4, hash);
	store_bind_int(st, 5, must_change);
	store_bind_int(st, 6, now);
	store_bind_int(st, 7, now);
	if (by)
		store_bind_int(st, 8, by);
	else
		store_bind_null(st, 8);
	store_bind_int(st, 9, now);
	if (by)
		store_bind_int(st, 10, by);
	else
		store_bind_null(st, 10);
	int s = store_step(st);
	int64_t nid = s == STORE_ROW ? store_col_int(st, 0) : 0;
	while (s == STORE_ROW)
		s = store_step(st);
	store_finalize(st);
	free(hash);
	if (s != STORE_DONE)
		return s == -TX_ECONFLICT ? TX_ECONFLICT : TX_EDB;
	json_t *jr = json_array();
	for (const char *const *r = roles; r && *r; r++)
		json_array_append_new(jr, json_string(*r));
	rc = insert_roles(db, nid, jr);
	json_decref(jr);
	if (rc)
		return rc;
	*id = nid;
	return TX_OK;
}

tx_err user_set_password_raw(store *db, int64_t id, const char *password, int must_change)
{
	char *hash = password_hash(password);
	if (!hash)
		return TX_EINTERNAL;
	store_stmt *st;
	tx_err rc = store_prepare(db,
	                          "UPDATE app_user SET password_hash = ?, must_change_password = ?,"
	                          " password_changed_at = ?, failed_logins = 0, locked_until = 0,"
	                          " version = version + 1, updated_at = ? WHERE id = ?",
	                          &st);
	if (!rc) {
		store_bind_text(st, 1, hash);
		store_bind_int(st, 2, must_change);
		store_bind_int(st, 3, util_now());
		store_bind_int(st, 4, util_now());
		store_bind_int(st, 5, id);
		int s = store_step(st);
		store_finalize(st);
		rc = s == STORE_DONE ? (store_changes(db) == 1 ? TX_OK : TX_ENOTFOUND) : TX_EDB;
	}
	mem_wipe(hash, strlen(hash));
	free(hash);
	return rc;
}

tx_err user_create(dctx *c, json_t *body, json_t **out)
{
	static const msg2 m_unit = {"单位不存在", "no such unit"};
	static const msg2 m_taken = {"用户名已被使用", "this username is taken"};
	const char *username = json_string_value(json_object_get(body, "username"));
	const char *name = json_string_value(json_object_get(body, "name"));
	const char *pw = json_string_value(json_object_get(body, "password"));
	int64_t unit = json_integer_value(json_object_get(body, "unit_id"));
	json_t *roles = json_object_get(body, "roles");
	tx_err rc;
	if (!unit_visible(c, unit))
		return dctx_field(c, "unit_id", &m_unit);
	if (roles && (rc = check_roles(c, roles)))
		return rc;
	if ((rc = check_password(c, "password", pw)))
		return rc;
	const char *none[] = {NULL};
	int64_t id;
	rc = user_insert_raw(c->db, username, name, unit, none, pw, 1, c->a->user_id, &id);
	if (rc == TX_ECONFLICT) {
		dctx_field(c, "username", &m_taken);
		c->err_code = "conflict";
		return TX_ECONFLICT;
	}
	if (rc)
		return rc;
	if (roles && (rc = insert_roles(c->db, id, roles)))
		return rc;
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	c->audit_detail = json_pack("{s:s, s:s, s:I, s:O?}", "username", username, "name", name, "unit_id",
	                            (json_int_t)unit, "roles", roles);
	return user_fetch(c, id, out);
}

tx_err user_update(dctx *c, int64_t id, json_t *body, json_t **out)
{
	static const msg2 m_unit = {"单位不存在", "no such unit"};
	static const msg2 m_self = {"不能停用自己的账号", "you cannot deactivate your own account"};
	json_t *cur;
	tx_err rc = user_fetch(c, id, &cur);
	if (rc)
		return rc;
	if ((rc = check_containment(c, id)))
		goto out;
	json_t *ver = json_object_get(body, "version");
	if (ver && json_integer_value(ver) != json_integer_value(json_object_get(cur, "version"))) {
		rc = dctx_stale(c);
		goto out;
	}
	json_t *ju = json_object_get(body, "unit_id");
	if (ju && !unit_visible(c, json_integer_value(ju))) {
		rc = dctx_field(c, "unit_id", &m_unit);
		goto out;
	}
	json_t *ja = json_object_get(body, "active");
	if (ja && !json_is_true(ja) && id == c->a->user_id) {
		rc = dctx_field(c, "active", &m_self);
		goto out;
	}
	const char *name = json_object_get(body, "name") ? json_string_value(json_object_get(body, "name"))
	                                                 : json_string_value(json_object_get(cur, "name"));
	int64_t unit = ju ? json_integer_value(ju) : json_integer_value(json_object_get(cur, "unit_id"));
	int active = ja ? json_is_true(ja) : json_is_true(json_object_get(cur, "active"));
	store_stmt *st;
	if ((rc = store_prepare(c->db,
	                        "UPDATE app_user SET name = ?, unit_id = ?, active = ?, version = version + 1,"
	                        " updated_at = ?, updated_by = ? WHERE id = ? AND version = ?",
	                        &st)))
		goto out;
	store_bind_text(st, 1, name);
	store_bind_int(st, 2, unit);
	store_bind_int(st, 3, active);
	store_bind_int(st, 4, util_now());
	store_bind_int(st, 5, c->a->user_id);
	store_bind_int(st, 6, id);
	store_bind_int(st, 7, json_integer_value(json_object_get(cur, "version")));
	int s = store_step(st);
	store_finalize(st);
	if (s != STORE_DONE) {
		rc = TX_EDB;
		goto out;
	}
	if (store_changes(c->db) != 1) {
		rc = dctx_stale(c);
		goto out;
	}
	if (!active && (rc = session_end_user(c->db, id)))
		goto out;
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	dctx_changes(c, cur, body);
	rc = user_fetch(c, id, out);
out:
	json_decref(cur);
	return rc;
}

tx_err user_delete(dctx *c, int64_t id)
{
	json_t *body = json_pack("{s:b}", "active", 0), *out = NULL;
	tx_err rc = user_update(c, id, body, &out);
	json_decref(body);
	json_decref(out);
	return rc;
}

tx_err user_reset_password(dctx *c, int64_t id, json_t *body)
{
	json_t *cur;
	tx_err rc = user_fetch(c, id, &cur);
	if (rc)
		return rc;
	json_decref(cur);
	if ((rc = check_containment(c, id)))
		return rc;
	const char *pw = json_string_value(json_object_get(body, "password"));
	if ((rc = check_password(c, "password", pw)))
		return rc;
	if ((rc = user_set_password_raw(c->db, id, pw, 1)))
		return rc;
	if ((rc = session_end_user(c->db, id)))
		return rc;
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	c->audit_detail = json_pack("{s:b}", "must_change_password", 1);
	return TX_OK;
}

tx_err user_unlock(dctx *c, int64_t id)
{
	json_t *cur;
	tx_err rc = user_fetch(c, id, &cur);
	if (rc)
		return rc;
	json_decref(cur);
	store_stmt *st;
	if ((rc = store_prepare(c->db, "UPDATE app_user SET failed_logins = 0, locked_until = 0 WHERE id = ?", &st)))
		return rc;
	store_bind_int(st, 1, id);
	int s = store_step(st);
	store_finalize(st);
	if (s != STORE_DONE)
		return TX_EDB;
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	return TX_OK;
}

tx_err user_set_roles(dctx *c, int64_t id, json_t *body, json_t **out)
{
	static const msg2 m_own = {"不能修改自己的角色", "you cannot change your own roles"};
	json_t *cur;
	tx_err rc = user_fetch(c, id, &cur);
	if (rc)
		return rc;
	json_t *roles = json_object_get(body, "roles");
	if (id == c->a->user_id) {
		rc = dctx_field(c, "roles", &m_own);
		goto out;
	}
	if ((rc = check_roles(c, roles)))
		goto out;
	store_stmt *st;
	if ((rc = store_prepare(c->db, "DELETE FROM user_role WHERE user_id = ?", &st)))
		goto out;
	store_bind_int(st, 1, id);
	int s = store_step(st);
	store_finalize(st);
	if (s != STORE_DONE) {
		rc = TX_EDB;
		goto out;
	}
	if ((rc = insert_roles(c->db, id, roles)))
		goto out;
	/* Changed permissions take effect at once: sessions reload the actor per request. */
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	dctx_change(c, "roles", json_incref(json_object_get(cur, "roles")), json_incref(roles));
	rc = user_fetch(c, id, out);
out:
	json_decref(cur);
	return rc;
}

tx_err user_change_own_password(dctx *c, json_t *body)
{
	static const msg2 m_old = {"原密码不正确", "the current password is wrong"};
	static const msg2 m_same = {"新密码不能与原密码相同", "the new password must differ from the current one"};
	const char *old_pw = json_string_value(json_object_get(body, "old_password"));
	const char *new_pw = json_string_value(json_object_get(body, "new_password"));
	store_stmt *st;
	tx_err rc = store_prepare(c->db, "SELECT password_hash FROM app_user WHERE id = ?", &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, c->a->user_id);
	char *hash = NULL;
	if (store_step(st) == STORE_ROW)
		hash = xstrdup(store_col_text(st, 0));
	store_finalize(st);
	int ok = hash && password_verify(hash, old_pw);
	free(hash);
	if (!ok)
		return dctx_field(c, "old_password", &m_old);
	if (strcmp(old_pw, new_pw) == 0)
		return dctx_field(c, "new_password", &m_same);
	if ((rc = check_password(c, "new_password", new_pw)))
		return rc;
	if ((rc = user_set_password_raw(c->db, c->a->user_id, new_pw, 0)))
		return rc;
	/* Other sessions of this account end; the current one goes on. */
	store_stmt *st2;
	if ((rc = store_prepare(c->db, "DELETE FROM session WHERE user_id = ? AND token_hash <> ?", &st2)))
		return rc;
	char th[65];
	session_token_hash(c->token ? c->token : "", th);
	store_bind_int(st2, 1, c->a->user_id);
	store_bind_text(st2, 2, th);
	int s2 = store_step(st2);
	store_finalize(st2);
	if (s2 != STORE_DONE)
		return TX_EDB;
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, c->a->user_id);
	return TX_OK;
}
