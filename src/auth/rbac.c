/*
 * rbac.c — built-in roles, actor loading and scope ranges (see rbac.h).
 */
#include "auth/rbac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/util.h"

struct builtin_role {
	const char *code;
	const char *name_zh;
	const char *name_en;
	const char *scope;
	const char *perms; /* space-separated */
};

/*
 * The everyday permissions on a record entity. Built-in roles list their
 * permissions one by one (no "entity:*"), so that a stronger permission
 * added later — such as export_unmasked — is never granted by accident.
 */
#define RECORD_PERMS(e) e ":read " e ":create " e ":update " e ":delete " e ":reveal"

static const struct builtin_role builtin_roles[] = {
	{"sysadmin", "系统管理员", "system administrator", "all",
	 "unit:read unit:create unit:update unit:delete user:read user:create user:update user:delete role:read"},
	{"secadmin", "安全管理员", "security administrator", "all",
	 "user:read user:unlock user:grant role:read role:write"},
	{"auditor", "审计管理员", "auditor", "all", "audit:read"},
	{"dept_staff", "统战部工作人员", "department staff", "subtree",
	 "unit:read unit:create unit:update unit:delete user:read role:read dict:write " RECORD_PERMS("person") " "
	 RECORD_PERMS("organisation") " " RECORD_PERMS("grid_post") " " RECORD_PERMS("leader_link") " "
	 RECORD_PERMS("enterprise_visit")
	 " person:export_unmasked organisation:export_unmasked grid_post:export_unmasked"
	 " case:read case:submit case:manage"},
	{"town_officer", "镇街统战干事", "town officer", "subtree",
	 "unit:read unit:create unit:update user:read user:update dict:write " RECORD_PERMS("person") " "
	 RECORD_PERMS("organisation") " " RECORD_PERMS("grid_post") " " RECORD_PERMS("enterprise_visit")
	 " leader_link:read case:read case:submit case:handle"},
	{"village_liaison", "村居联络员", "village liaison", "unit",
	 "unit:read person:read person:create grid_post:read case:submit"},
	{"dept_liaison", "部门联络人", "department liaison", "unit", "unit:read case:read case:handle"},
	{"leader", "市领导", "leader", "subtree",
	 "unit:read user:read person:read organisation:read grid_post:read leader_link:read enterprise_visit:read"
	 " case:read"},
	{"representative", "党外代表人士", "representative", "self", "case:submit"},
};

int rbac_is_admin_role(const char *role)
{
	return strcmp(role, "sysadmin") == 0 || strcmp(role, "secadmin") == 0 || strcmp(role, "auditor") == 0;
}

int rbac_check_separation(json_t *roles)
{
	int n = 0;
	size_t i;
	json_t *v;
	json_array_foreach(roles, i, v)
	{
		if (json_is_string(v) && rbac_is_admin_role(json_string_value(v)))
			n++;
	}
	return n > 1 ? -1 : 0;
}

int scope_bind(store_stmt *st, int idx, const scope_range *r, int by_user)
{
	store_bind_text(st, idx++, r->lo);
	store_bind_text(st, idx++, r->hi);
	store_bind_int(st, idx++, r->unit_id);
	store_bind_int(st, idx++, r->unit_id);
	if (by_user) {
		store_bind_int(st, idx++, r->user_id);
		store_bind_int(st, idx++, r->user_id);
	}
	return idx;
}

scope_kind scope_parse(const char *s)
{
	if (!s)
		return SCOPE_NONE;
	if (strcmp(s, "all") == 0)
		return SCOPE_ALL;
	if (strcmp(s, "subtree") == 0)
		return SCOPE_SUBTREE;
	if (strcmp(s, "unit") == 0)
		return SCOPE_UNIT;
	if (strcmp(s, "self") == 0)
		return SCOPE_SELF;
	return SCOPE_NONE;
}

const char *scope_name(scope_kind k)
{
	static const char *const names[] = {"none", "self", "unit", "subtree", "all"};
	return names[k];
}

tx_err rbac_seed(store *db)
{
	for (size_t i = 0; i < sizeof builtin_roles / sizeof builtin_roles[0]; i++) {
		const struct builtin_role *r = &builtin_roles[i];
		store_stmt *st;
		tx_err rc = store_prepare(db,
		                          "INSERT INTO role (code, name_zh, name_en, scope, builtin) VALUES (?, ?, ?, ?, 1)"
		                          " ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh,"
		                          " name_en = excluded.name_en, scope = excluded.scope, builtin = 1",
		                          &st);
		if (rc)
			return rc;
		store_bind_text(st, 1, r->code);
		store_bind_text(st, 2, r->name_zh);
		store_bind_text(st, 3, r->name_en);
		store_bind_text(st, 4, r->scope);
		int s = store_step(st);
		store_finalize(st);
		if (s != STORE_DONE)
			return TX_EDB;
		if ((rc = store_prepare(db, "DELETE FROM role_permission WHERE role_code = ?", &st)))
			return rc;
		store_bind_text(st, 1, r->code);
		s = store_step(st);
		store_finalize(st);
		if (s != STORE_DONE)
			return TX_EDB;
		char *perms = xstrdup(r->perms), *save = NULL;
		for (char *p = strtok_r(perms, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
			if ((rc = store_prepare(db, "INSERT INTO role_permission (role_code, permission) VALUES (?, ?)",
			                        &st))) {
				free(perms);
				return rc;
			}
			store_bind_text(st, 1, r->code);
			store_bind_text(st, 2, p);
			s = store_step(st);
			store_finalize(st);
			if (s != STORE_DONE) {
				free(perms);
				return TX_EDB;
			}
		}
		free(perms);
	}
	return TX_OK;
}

/*
 * Append a copy of s's len bytes; strv_done removes repeats once sorted
 * (two roles may share a permission). Room doubles whenever n reaches a
 * power of two.
 */
static void strv_push(char ***v, int *n, const char *s, size_t len)
{
	if ((*n & (*n - 1)) == 0)
		*v = xrealloc(*v, sizeof(char *) * (size_t)(*n ? *n * 2 : 1));
	(*v)[(*n)++] = xstrndup(s, len);
}

static int strv_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort (one role's permissions come sorted from their index) and drop repeats. */
static void strv_done(char **v, int *n)
{
	if (*n < 2)
		return;
	int sorted = 1;
	for (int i = 1; i < *n && sorted; i++)
		sorted = strcmp(v[i - 1], v[i]) <= 0;
	if (!sorted)
		qsort(v, (size_t)*n, sizeof(char *), strv_cmp);
	int w = 1;
	for (int i = 1; i < *n; i++) {
		if (strcmp(v[i], v[w - 1]) == 0)
			free(v[i]);
		else
			v[w++] = v[i];
	}
	*n = w;
}

void actor_read_user(store_stmt *st, int col, actor *a)
{
	a->user_id = store_col_int(st, col);
	a->username = xstrdup(store_col_text(st, col + 1));
	a->name = xstrdup(store_col_text(st, col + 2));
	a->unit_id = store_col_int(st, col + 3);
	a->unit_name = xstrdup(store_col_text(st, col + 4));
	a->unit_path = xstrdup(store_col_text(st, col + 5));
	a->must_change_password = (int)store_col_int(st, col + 6);
	a->version = store_col_int(st, col + 7);
	a->created_at = store_col_int(st, col + 8);
}

void actor_read_role(store_stmt *st, int col, actor *a)
{
	const char *code = store_col_text(st, col);
	if (!code)
		return; /* no role (a LEFT JOIN's empty row) */
	strv_push(&a->roles, &a->nroles, code, strlen(code));
	scope_kind k = scope_parse(store_col_text(st, col + 1));
	if (k > a->scope)
		a->scope = k;
	const char *p = store_col_text(st, col + 2); /* NULL: a role without permissions */
	while (p && *p) {
		size_t len = strcspn(p, ",");
		if (len)
			strv_push(&a->perms, &a->nperms, p, len);
		p += len + (p[len] == ',');
	}
}

void actor_read_done(actor *a)
{
	strv_done(a->roles, &a->nroles);
	strv_done(a->perms, &a->nperms);
}

tx_err actor_load(store *db, int64_t user_id, actor *a)
{
	memset(a, 0, sizeof *a);
	store_stmt *st;
	tx_err rc = store_prepare(db,
	                          "SELECT " ACTOR_USER_COLS " FROM app_user u JOIN unit n ON n.id = u.unit_id"
	                          " WHERE u.id = ? AND u.active = 1",
	                          &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, user_id);
	int r = store_step(st);
	if (r != STORE_ROW) {
		store_finalize(st);
		return r == STORE_DONE ? TX_ENOTFOUND : TX_EDB;
	}
	actor_read_user(st, 0, a);
	store_finalize(st);

#define ROLES_SQL(AGG)                                                                                                 \
	"SELECT " ACTOR_ROLE_COLS(AGG) " FROM user_role ur JOIN role r ON r.code = ur.role_code WHERE ur.user_id = ?"
	rc = store_prepare(db,
	                   store_kind_of(db) == STORE_POSTGRES ? ROLES_SQL("string_agg") : ROLES_SQL("group_concat"),
	                   &st);
#undef ROLES_SQL
	if (rc) {
		actor_free(a);
		return rc;
	}
	store_bind_int(st, 1, user_id);
	while ((r = store_step(st)) == STORE_ROW)
		actor_read_role(st, 0, a);
	store_finalize(st);
	if (r < 0) {
		actor_free(a);
		return TX_EDB;
	}
	actor_read_done(a);
	return TX_OK;
}

void actor_free(actor *a)
{
	free(a->username);
	free(a->name);
	free(a->unit_name);
	free(a->unit_path);
	for (int i = 0; i < a->nroles; i++)
		free(a->roles[i]);
	for (int i = 0; i < a->nperms; i++)
		free(a->perms[i]);
	free(a->roles);
	free(a->perms);
	memset(a, 0, sizeof *a);
}

int actor_can(const actor *a, const char *perm)
{
	const char *colon = strchr(perm, ':');
	size_t elen = colon ? (size_t)(colon - perm) : strlen(perm);
	for (int i = 0; i < a->nperms; i++) {
		const char *p = a->perms[i];
		if (strcmp(p, perm) == 0 || strcmp(p, "*") == 0)
			return 1;
		if (strncmp(p, perm, elen) == 0 && strcmp(p + elen, ":*") == 0)
			return 1;
	}
	return 0;
}

int actor_has_role(const actor *a, const char *role)
{
	for (int i = 0; i < a->nroles; i++)
		if (strcmp(a->roles[i], role) == 0)
			return 1;
	return 0;
}

json_t *actor_json(const actor *a)
{
	json_t *roles = json_array(), *perms = json_array();
	for (int i = 0; i < a->nroles; i++)
		json_array_append_new(roles, json_string(a->roles[i]));
	for (int i = 0; i < a->nperms; i++)
		json_array_append_new(perms, json_string(a->perms[i]));
	char created[32];
	util_iso_time(a->created_at, created, sizeof created);
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:o, s:o, s:s, s:b, s:b, s:b, s:s, s:I}", "id",
	                 (json_int_t)a->user_id, "username", a->username, "name", a->name, "unit_id",
	                 (json_int_t)a->unit_id, "unit_name", a->unit_name, "roles", roles, "permissions", perms, "scope",
	                 scope_name(a->scope), "active", 1, "locked", 0, "must_change_password",
	                 a->must_change_password, "created_at", created, "version", (json_int_t)a->version);
}

void path_range(const char *path, char *hi, size_t n)
{
	snprintf(hi, n, "%s", path);
	size_t len = strlen(hi);
	/* '/' + 1 == '0': every path that starts with `path` sorts below this. */
	if (len && hi[len - 1] == '/')
		hi[len - 1] = '0';
}

void scope_range_of(const actor *a, scope_range *r)
{
	memset(r, 0, sizeof *r);
	switch (a->scope) {
	case SCOPE_ALL:
		r->lo = "/";
		snprintf(r->hi, sizeof r->hi, "0");
		break;
	case SCOPE_SUBTREE:
		r->lo = a->unit_path;
		path_range(a->unit_path, r->hi, sizeof r->hi);
		break;
	case SCOPE_UNIT:
		r->lo = a->unit_path;
		path_range(a->unit_path, r->hi, sizeof r->hi);
		r->unit_id = a->unit_id;
		break;
	case SCOPE_SELF:
		r->lo = a->unit_path;
		path_range(a->unit_path, r->hi, sizeof r->hi);
		r->unit_id = a->unit_id;
		r->user_id = a->user_id;
		break;
	case SCOPE_NONE:
		/* An empty range: nothing is in scope. */
		r->lo = "0";
		snprintf(r->hi, sizeof r->hi, "0");
		break;
	}
}
