/*
 * role.c — roles and permissions (see role.h).
 *
 * Built-in roles can be read but not changed or deleted here: their
 * permissions are declared in auth/rbac.c and rewritten at every migrate,
 * so an edit would silently vanish. Local roles are fully editable.
 */
#include "domain/role.h"

#include <stdio.h>
#include <string.h>

static tx_err role_perms(store *db, const char *code, json_t **out)
{
	return query_strings(db, "SELECT permission FROM role_permission WHERE role_code = ? ORDER BY permission", 0, code,
	                     out);
}

static tx_err role_fetch(dctx *c, const char *code, json_t **out)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db, "SELECT code, name_zh, name_en, scope, builtin, version FROM role WHERE code = ?",
	                          &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, code);
	int s = store_step(st);
	if (s != STORE_ROW) {
		store_finalize(st);
		return s == STORE_DONE ? dctx_fail(c, TX_ENOTFOUND, "not_found", "角色不存在", "no such role") : TX_EDB;
	}
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:I}", "code", store_col_text(st, 0), "name_zh",
	                      store_col_text(st, 1), "name_en", store_col_text(st, 2), "scope", store_col_text(st, 3),
	                      "builtin", (int)store_col_int(st, 4), "version", (json_int_t)store_col_int(st, 5));
	store_finalize(st);
	json_t *perms;
	if ((rc = role_perms(c->db, code, &perms))) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(o, "permissions", perms);
	*out = o;
	return TX_OK;
}

tx_err role_list(dctx *c, json_t **items)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db, "SELECT code FROM role ORDER BY builtin DESC, code", &st);
	if (rc)
		return rc;
	json_t *codes = json_array();
	int s;
	while ((s = store_step(st)) == STORE_ROW)
		json_array_append_new(codes, json_string(store_col_text(st, 0)));
	store_finalize(st);
	if (s < 0) {
		json_decref(codes);
		return TX_EDB;
	}
	json_t *arr = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(codes, i, v)
	{
		json_t *o;
		if ((rc = role_fetch(c, json_string_value(v), &o))) {
			json_decref(codes);
			json_decref(arr);
			return rc;
		}
		json_array_append_new(arr, o);
	}
	json_decref(codes);
	*items = arr;
	return TX_OK;
}

/*
 * Permissions kept to the built-in administrator roles (三员分立): a local
 * role that combined them could undo the separation.
 */
static const char *const reserved_perms[] = {"audit:read", "user:grant", "role:write", "user:unlock"};

static tx_err check_perms(dctx *c, json_t *perms)
{
	static const msg2 m = {"审计、授权、角色管理和解锁权限只属于内置管理员角色",
	                       "audit, grant, role and unlock permissions belong to the built-in administrator roles"};
	size_t i;
	json_t *v;
	json_array_foreach(perms, i, v)
	{
		for (size_t k = 0; k < sizeof reserved_perms / sizeof reserved_perms[0]; k++)
			if (strcmp(json_string_value(v), reserved_perms[k]) == 0)
				return dctx_field(c, "permissions", &m);
	}
	return TX_OK;
}

static tx_err write_perms(store *db, const char *code, json_t *perms)
{
	store_stmt *st;
	tx_err rc = store_prepare(db, "DELETE FROM role_permission WHERE role_code = ?", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, code);
	int s = store_step(st);
	store_finalize(st);
	if (s != STORE_DONE)
		return TX_EDB;
	size_t i;
	json_t *v;
	json_array_foreach(perms, i, v)
	{
		if ((rc = store_prepare(db,
		                        "INSERT INTO role_permission (role_code, permission) VALUES (?, ?)"
		                        " ON CONFLICT DO NOTHING",
		                        &st)))
			return rc;
		store_bind_text(st, 1, code);
		store_bind_text(st, 2, json_string_value(v));
		s = store_step(st);
		store_finalize(st);
		if (s != STORE_DONE)
			return TX_EDB;
	}
	return TX_OK;
}

tx_err role_create(dctx *c, json_t *body, json_t **out)
{
	static const msg2 m_taken = {"角色代码已存在", "this role code exists"};
	const char *code = json_string_value(json_object_get(body, "code"));
	tx_err rc = check_perms(c, json_object_get(body, "permissions"));
	if (rc)
		return rc;
	store_stmt *st;
	rc = store_prepare(c->db, "INSERT INTO role (code, name_zh, name_en, scope, builtin) VALUES (?, ?, ?, ?, 0)",
	                          &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, code);
	store_bind_text(st, 2, json_string_value(json_object_get(body, "name_zh")));
	store_bind_text(st, 3, json_string_value(json_object_get(body, "name_en")));
	store_bind_text(st, 4, json_string_value(json_object_get(body, "scope")));
	int s = store_step(st);
	store_finalize(st);
	if (s == -TX_ECONFLICT) {
		dctx_field(c, "code", &m_taken);
		c->err_code = "conflict";
		return TX_ECONFLICT;
	}
	if (s != STORE_DONE)
		return TX_EDB;
	if ((rc = write_perms(c->db, code, json_object_get(body, "permissions"))))
		return rc;
	snprintf(c->audit_id, sizeof c->audit_id, "%s", code);
	c->audit_detail = json_pack("{s:O}", "created", body);
	return role_fetch(c, code, out);
}

static tx_err refuse_builtin(dctx *c, json_t *cur)
{
	if (json_is_true(json_object_get(cur, "builtin")))
		return dctx_fail(c, TX_ECONFLICT, "conflict", "内置角色不能修改或删除", "built-in roles cannot be changed");
	return TX_OK;
}

tx_err role_update(dctx *c, const char *code, json_t *body, json_t **out)
{
	json_t *cur;
	tx_err rc = role_fetch(c, code, &cur);
	if (rc)
		return rc;
	if ((rc = refuse_builtin(c, cur)))
		goto out;
	if (json_object_get(body, "permissions") && (rc = check_perms(c, json_object_get(body, "permissions"))))
		goto out;
	json_t *ver = json_object_get(body, "version");
	if (ver && json_integer_value(ver) != json_integer_value(json_object_get(cur, "version"))) {
		rc = dctx_stale(c);
		goto out;
	}
	const char *keys3[] = {"name_zh", "name_en", "scope"};
	const char *vals[3];
	for (int i = 0; i < 3; i++) {
		json_t *v = json_object_get(body, keys3[i]);
		vals[i] = json_string_value(v ? v : json_object_get(cur, keys3[i]));
	}
	store_stmt *st;
	if ((rc = store_prepare(c->db,
	                        "UPDATE role SET name_zh = ?, name_en = ?, scope = ?, version = version + 1 WHERE code = ?",
	                        &st)))
		goto out;
	for (int i = 0; i < 3; i++)
		store_bind_text(st, i + 1, vals[i]);
	store_bind_text(st, 4, code);
	int s = store_step(st);
	store_finalize(st);
	if (s != STORE_DONE) {
		rc = TX_EDB;
		goto out;
	}
	json_t *perms = json_object_get(body, "permissions");
	if (perms && (rc = write_perms(c->db, code, perms)))
		goto out;
	snprintf(c->audit_id, sizeof c->audit_id, "%s", code);
	dctx_changes(c, cur, body);
	rc = role_fetch(c, code, out);
out:
	json_decref(cur);
	return rc;
}

tx_err role_delete(dctx *c, const char *code)
{
	json_t *cur;
	tx_err rc = role_fetch(c, code, &cur);
	if (rc)
		return rc;
	if ((rc = refuse_builtin(c, cur)))
		goto out;
	store_stmt *st;
	if ((rc = store_prepare(c->db, "SELECT COUNT(*) FROM user_role WHERE role_code = ?", &st)))
		goto out;
	store_bind_text(st, 1, code);
	int64_t n = store_step(st) == STORE_ROW ? store_col_int(st, 0) : 0;
	store_finalize(st);
	if (n > 0) {
		rc = dctx_fail(c, TX_ECONFLICT, "conflict", "仍有用户持有该角色", "users still hold this role");
		goto out;
	}
	if ((rc = store_prepare(c->db, "DELETE FROM role WHERE code = ?", &st)))
		goto out;
	store_bind_text(st, 1, code);
	int s = store_step(st);
	store_finalize(st);
	rc = s == STORE_DONE ? TX_OK : TX_EDB;
	snprintf(c->audit_id, sizeof c->audit_id, "%s", code);
	c->audit_detail = json_pack("{s:O}", "deleted", cur);
out:
	json_decref(cur);
	return rc;
}
