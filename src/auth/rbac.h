/*
 * rbac.h — roles, permissions, data scope and the signed-in actor.
 *
 * Roles are rows (role, role_permission); the built-in ones are declared in
 * rbac.c and written by rbac_seed() at init and migrate. A permission is
 * "entity:action". A user's permissions are the union of their roles'; the
 * data scope is the widest of their roles' scopes.
 *
 * Scope is turned into a unit-path range that every scoped query binds
 * (see scope_range): the data layer asks for rows inside the range, so a
 * row outside it is simply not found.
 */
#ifndef TX_AUTH_RBAC_H
#define TX_AUTH_RBAC_H

#include <stdint.h>

#include <jansson.h>

#include "store/store.h"

typedef enum scope_kind { SCOPE_NONE = 0, SCOPE_SELF, SCOPE_UNIT, SCOPE_SUBTREE, SCOPE_ALL } scope_kind;

typedef struct actor {
	int64_t user_id;
	char *username;
	char *name;
	int64_t unit_id;
	char *unit_name;
	char *unit_path;
	scope_kind scope;
	char **roles;
	int nroles;
	char **perms;
	int nperms;
	int must_change_password;
	int64_t version;
	int64_t created_at;
	char ip[64];
} actor;

/*
 * The rows a scope admits, as bind values: unit path in [lo, hi), and when
 * unit_id is non-zero only that unit, and when user_id is non-zero only
 * records owned by that user. lo/hi point into the actor or static text.
 */
typedef struct scope_range {
	const char *lo;
	char hi[256];
	int64_t unit_id;
	int64_t user_id;
} scope_range;

/* Load a user's actor from the database (TX_ENOTFOUND if no such active user). */
tx_err actor_load(store *db, int64_t user_id, actor *a);
/*
 * actor_load's two queries as columns, for a query that joins them to
 * something else (session_lookup reads the session, the user and the
 * roles in one statement): the user's from app_user u and unit n, the
 * role's from role r, one row a role, with its permissions joined by
 * commas (permission codes are "entity:action" values of the permission
 * dictionary) by AGG, the store's string aggregate: group_concat on
 * SQLite, string_agg on PostgreSQL. One row a role rather than one a
 * permission: the session's statement takes 8 us instead of 12 bare.
 * actor_read_user() fills the user from the columns starting at col,
 * actor_read_role() adds one role (nothing when r.code is NULL),
 * actor_read_done() sorts.
 */
#define ACTOR_USER_COLS                                                                                                \
	"u.id, u.username, u.name, u.unit_id, n.name, n.path, u.must_change_password, u.version, u.created_at"
#define ACTOR_USER_NCOLS 9
#define ACTOR_ROLE_COLS(AGG)                                                                                           \
	"r.code, r.scope, (SELECT " AGG "(p.permission, ',') FROM role_permission p WHERE p.role_code = r.code)"
void actor_read_user(store_stmt *st, int col, actor *a);
void actor_read_role(store_stmt *st, int col, actor *a);
void actor_read_done(actor *a);
void actor_free(actor *a);
/* Does the actor hold this permission? ("unit:read"; "unit:*" and "*" match) */
int actor_can(const actor *a, const char *perm);
int actor_has_role(const actor *a, const char *role);
/* The user JSON of /me (new reference). */
json_t *actor_json(const actor *a);

void scope_range_of(const actor *a, scope_range *r);
/*
 * Bind a scope range to the placeholders of "path >= ? AND path < ? AND
 * (? = 0 OR unit = ?)" from index idx, and with `by_user` two more for
 * "(? = 0 OR owner = ?)". Returns the next index.
 */
int scope_bind(store_stmt *st, int idx, const scope_range *r, int by_user);

/* The [lo, hi) range of a subtree given its path ("/1/5/" → "/1/5/", "/1/50"). */
void path_range(const char *path, char *hi, size_t n);

scope_kind scope_parse(const char *s);
const char *scope_name(scope_kind k);

/* Write the built-in roles and their permissions (idempotent). */
tx_err rbac_seed(store *db);

/* The three roles of 三员分立: no account may hold two of them. */
int rbac_is_admin_role(const char *role);
/* 0 when this set of roles is allowed together, -1 otherwise. */
int rbac_check_separation(json_t *roles);

#endif
