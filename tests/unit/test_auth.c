/*
 * test_auth.c — unit tests of src/auth: passwords, keys, the audit chain
 * and RBAC, on throw-away SQLite files in a temporary directory under /tmp,
 * removed at the end. Sign-in and sessions are in test_session.c.
 *
 *   make build/unit/test_auth && build/unit/test_auth
 */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "auth/audit.h"
#include "auth/keys.h"
#include "auth/password.h"
#include "auth/rbac.h"
#include "base/log.h"
#include "base/util.h"
#include "model/validate.h"
#include "store/migrate.h"

#define PW "Correct#Horse1"

static char tmpdir[] = "/tmp/tongxin-test-auth.XXXXXX";
static keys K; /* random audit key for the chains written here */

static void path_of(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmpdir, name);
}

static store *reopen(const char *name)
{
	char p[256];
	path_of(p, sizeof p, name);
	store *db = NULL;
	char *err = NULL;
	if (store_open(p, &db, &err) != TX_OK)
		fail_msg("store_open %s: %s", p, err);
	return db;
}

/* A new database file with the schema and the built-in roles. */
static store *open_fresh(const char *name)
{
	store *db = reopen(name);
	char *err = NULL;
	int applied = 0;
	if (migrate_up(db, &applied, &err) != TX_OK)
		fail_msg("migrate_up: %s", err);
	assert_int_equal(applied, migrate_latest());
	assert_int_equal(rbac_seed(db), TX_OK);
	return db;
}

static int64_t q_int(store *db, const char *sql)
{
	int64_t v = -1;
	if (store_query_int(db, sql, &v) != TX_OK)
		fail_msg("query failed: %s (%s)", sql, store_errmsg(db));
	return v;
}

/* ---- passwords -------------------------------------------------------- */

static void test_password(void **state)
{
	(void)state;
	char *h = password_hash(PW);
	assert_non_null(h);
	assert_true(util_starts_with(h, "$argon2id$"));
	assert_true(password_verify(h, PW));
	assert_false(password_verify(h, "Correct#Horse2"));
	assert_false(password_verify(h, "") || password_verify(h, NULL) || password_verify(NULL, PW) ||
	             password_verify("not a hash", PW));
	char *h2 = password_hash(PW); /* salted: never the same twice */
	assert_string_not_equal(h, h2);
	assert_true(password_verify(h2, PW));
	free(h);
	free(h2);
	h = password_hash("统一战线Ab1!");
	assert_true(password_verify(h, "统一战线Ab1!"));
	assert_false(password_verify(h, "统一战线Ab1"));
	free(h);

	char *prev = NULL;
	for (int i = 0; i < 50; i++) {
		char *pw = password_generate();
		assert_int_equal(strlen(pw), 16);
		const msg2 *m = validate_password(pw, 8, 3);
		if (m)
			fail_msg("generated %s: %s", pw, m->en);
		if (prev)
			assert_string_not_equal(pw, prev);
		free(prev);
		prev = pw;
	}
	free(prev);
}

/* ---- keys ------------------------------------------------------------- */

static void test_keys(void **state)
{
	(void)state;
	static const char *const names[] = {"audit.key", "field.key", "index.key"};
	char dir[256], p[300];
	path_of(dir, sizeof dir, "keys");
	int created = -1;
	char *err = NULL;
	assert_int_equal(keys_create(dir, &created, &err), TX_OK);
	assert_int_equal(created, 3);
	struct stat sb;
	assert_int_equal(stat(dir, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		assert_int_equal(stat(p, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
		assert_int_equal(sb.st_size, 65); /* 64 hex digits and a newline */
	}
	assert_int_equal(keys_create(dir, &created, &err), TX_OK);
	assert_int_equal(created, 0); /* existing keys are never replaced */

	keys k, zero;
	memset(&zero, 0, sizeof zero);
	assert_int_equal(keys_load(dir, &k, &err), TX_OK);
	assert_memory_not_equal(k.audit, k.field, KEY_BYTES);
	assert_memory_not_equal(k.field, k.index, KEY_BYTES);

	/* Readable by others: refused, and nothing is left in k. */
	snprintf(p, sizeof p, "%s/audit.key", dir);
	for (int mode = 0644; mode >= 0640; mode -= 4) { /* 0644, 0640 */
		assert_int_equal(chmod(p, (mode_t)mode), 0);
		assert_int_equal(keys_load(dir, &k, &err), TX_EIO);
		assert_non_null(strstr(err, "audit.key"));
		assert_memory_equal(&k, &zero, sizeof k);
		free(err);
	}
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(keys_load(dir, &k, &err), TX_OK);

	/* Corrupt contents: not hex, too short, too long. */
	static const char *const corrupt[] = {"not hex at all\n", "00112233445566778899aabbccddeeff\n",
	                                      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00\n"};
	snprintf(p, sizeof p, "%s/index.key", dir);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(util_write_file(p, corrupt[i], strlen(corrupt[i]), 0600, 0), 0);
		err = NULL;
		assert_int_equal(keys_load(dir, &k, &err), TX_EIO);
		assert_non_null(strstr(err, "index.key"));
		free(err);
	}
	/* A missing directory names the file. */
	err = NULL;
	assert_int_equal(keys_load("/nonexistent/tongxin-keys", &k, &err), TX_EIO);
	assert_non_null(strstr(err, "audit.key"));
	free(err);
}

/* ---- audit chain ------------------------------------------------------ */

static void append_n(store *db, int n)
{
	for (int i = 1; i <= n; i++) {
		char id[16];
		snprintf(id, sizeof id, "%d", i);
		json_t *d = json_pack("{s:i, s:s}", "n", i, "name", "城关镇");
		audit_entry e = {.actor_id = i, .actor = "alice", .ip = "127.0.0.1", .action = "unit.update",
		                 .entity = i % 2 ? "unit" : NULL, .entity_id = i % 2 ? id : NULL,
		                 .result = "ok", .detail = i == 4 ? NULL : d};
		assert_int_equal(store_begin(db), TX_OK);
		assert_int_equal(audit_append(db, &K, &e), TX_OK);
		assert_int_equal(store_commit(db), TX_OK);
		json_decref(d);
	}
}

/* A closed database of five entries. */
static void make_audit_db(const char *name)
{
	store *db = open_fresh(name);
	append_n(db, 5);
	store_close(db);
}

/* Change the file as an attacker with file access would. */
static void tamper(const char *name, const char *sql)
{
	char p[256];
	path_of(p, sizeof p, name);
	sqlite3 *h = NULL;
	char *err = NULL;
	assert_int_equal(sqlite3_open(p, &h), SQLITE_OK);
	if (sqlite3_exec(h, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete", 0, 0, &err) ||
	    sqlite3_exec(h, sql, 0, 0, &err))
		fail_msg("tamper: %s", err);
	assert_int_equal(sqlite3_changes(h), 1);
	sqlite3_close(h);
}

static tx_err verify(const char *name, const keys *k, int64_t *checked, int64_t *bad)
{
	store *db = reopen(name);
	char *why = NULL;
	tx_err rc = audit_verify(db, k, checked, bad, &why);
	assert_true(rc == TX_OK ? why == NULL : why != NULL);
	free(why);
	store_close(db);
	return rc;
}

static void test_audit_chain(void **state)
{
	(void)state;
	int64_t checked, bad;
	make_audit_db("audit.db");
	assert_int_equal(verify("audit.db", &K, &checked, &bad), TX_OK);
	assert_int_equal(checked, 5);
	assert_int_equal(bad, 0);

	/* The stored rows link up and the head names the last one. */
	store *db = reopen("audit.db");
	assert_int_equal(q_int(db, "SELECT count(*) FROM audit_log a JOIN audit_log b ON b.seq = a.seq + 1"
	                           " WHERE b.prev_hash = a.hash"),
	                 4);
	assert_int_equal(q_int(db, "SELECT seq FROM audit_head"), 5);

	/* The triggers refuse UPDATE and DELETE. */
	assert_int_equal(store_exec(db, "UPDATE audit_log SET result = 'denied' WHERE seq = 1"), TX_EDB);
	assert_non_null(strstr(store_errmsg(db), "append-only"));
	assert_int_equal(store_exec(db, "DELETE FROM audit_log WHERE seq = 5"), TX_EDB);
	assert_non_null(strstr(store_errmsg(db), "append-only"));
	assert_int_equal(q_int(db, "SELECT count(*) FROM audit_log"), 5);

	/* Outside a transaction an append is a bug. */
	audit_entry e = {.actor = "x", .action = "unit.update", .result = "ok"};
	assert_int_equal(audit_append(db, &K, &e), TX_EINTERNAL);
	assert_int_equal(q_int(db, "SELECT count(*) FROM audit_log"), 5);
	store_close(db);

	/* Another key cannot confirm the chain. */
	keys other = K;
	other.audit[0] ^= 1;
	assert_int_equal(verify("audit.db", &other, &checked, &bad), TX_ECONFLICT);
	assert_int_equal(bad, 1);
	assert_int_equal(checked, 0);
}

static void test_audit_tamper(void **state)
{
	(void)state;
	int64_t checked, bad;
	make_audit_db("upd.db");
	tamper("upd.db", "UPDATE audit_log SET detail = '{\"n\":33}' WHERE seq = 3");
	assert_int_equal(verify("upd.db", &K, &checked, &bad), TX_ECONFLICT);
	assert_int_equal(bad, 3);
	assert_int_equal(checked, 2);

	make_audit_db("del.db");
	tamper("del.db", "DELETE FROM audit_log WHERE seq = 2");
	assert_int_equal(verify("del.db", &K, &checked, &bad), TX_ECONFLICT);
	assert_int_equal(bad, 2);

	/* Cutting off the end leaves a valid chain, but not the head's. */
	make_audit_db("tail.db");
	tamper("tail.db", "DELETE FROM audit_log WHERE seq = 5");
	assert_int_equal(verify("tail.db", &K, &checked, &bad), TX_ECONFLICT);
	assert_int_equal(checked, 4);
	assert_int_equal(bad, 5);

	/* Rewriting the stored hashes without the key does not help. */
	make_audit_db("rehash.db");
	tamper("rehash.db", "UPDATE audit_log SET actor = 'mallory', hash = prev_hash WHERE seq = 4");
	assert_int_equal(verify("rehash.db", &K, &checked, &bad), TX_ECONFLICT);
	assert_int_equal(bad, 4);
}

/* ---- rbac ------------------------------------------------------------- */

static void test_rbac_can(void **state)
{
	(void)state;
	char *exact[] = {"unit:read", "user:read"}, *wild[] = {"unit:*"}, *all[] = {"*"};
	static const struct {
		int set; /* 0 none, 1 exact, 2 "unit:*", 3 "*" */
		const char *perm;
		int can;
	} cases[] = {
		{0, "unit:read", 0},  {1, "unit:read", 1},   {1, "user:read", 1},   {1, "unit:update", 0},
		{1, "unit:rea", 0},   {1, "audit:read", 0},  {2, "unit:read", 1},   {2, "unit:delete", 1},
		{2, "user:read", 0},  {2, "units:read", 0},  {2, "uni:read", 0},    {3, "audit:read", 1},
		{3, "role:write", 1},
	};
	char **sets[] = {NULL, exact, wild, all};
	static const int counts[] = {0, 2, 1, 1};
	actor a;
	memset(&a, 0, sizeof a);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		a.perms = sets[cases[i].set];
		a.nperms = counts[cases[i].set];
		if (actor_can(&a, cases[i].perm) != cases[i].can)
			fail_msg("set %d, %s: expected %d", cases[i].set, cases[i].perm, cases[i].can);
	}
}

static int in_range(const scope_range *r, const char *path)
{
	return strcmp(path, r->lo) >= 0 && strcmp(path, r->hi) < 0;
}

static int separation(const char *roles)
{
	json_t *j = json_loads(roles, 0, NULL);
	int r = rbac_check_separation(j);
	json_decref(j);
	return r;
}

static void test_rbac_scope(void **state)
{
	(void)state;
	char hi[64];
	path_range("/1/5/", hi, sizeof hi);
	assert_string_equal(hi, "/1/50");
	path_range("/", hi, sizeof hi);
	assert_string_equal(hi, "0");

	actor a;
	memset(&a, 0, sizeof a);
	a.unit_path = "/1/5/";
	a.unit_id = 5;
	a.user_id = 7;
	scope_range r;
	static const struct {
		scope_kind k;
		const char *lo, *hi;
		int64_t unit, user;
	} want[] = {
		{SCOPE_ALL, "/", "0", 0, 0},           {SCOPE_SUBTREE, "/1/5/", "/1/50", 0, 0},
		{SCOPE_UNIT, "/1/5/", "/1/50", 5, 0},  {SCOPE_SELF, "/1/5/", "/1/50", 5, 7},
		{SCOPE_NONE, "0", "0", 0, 0},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		a.scope = want[i].k;
		scope_range_of(&a, &r);
		assert_string_equal(r.lo, want[i].lo);
		assert_string_equal(r.hi, want[i].hi);
		assert_int_equal(r.unit_id, want[i].unit);
		assert_int_equal(r.user_id, want[i].user);
		assert_int_equal(scope_parse(scope_name(want[i].k)), want[i].k);
	}
	a.scope = SCOPE_SUBTREE;
	scope_range_of(&a, &r);
	assert_true(in_range(&r, "/1/5/"));
	assert_true(in_range(&r, "/1/5/23/99/"));
	assert_false(in_range(&r, "/1/50/"));
	assert_false(in_range(&r, "/1/6/"));
	assert_false(in_range(&r, "/1/"));
	a.scope = SCOPE_NONE;
	scope_range_of(&a, &r);
	assert_false(in_range(&r, "/1/5/"));
	assert_false(in_range(&r, "/"));

	assert_int_equal(separation("[\"sysadmin\", \"auditor\"]"), -1);
	assert_int_equal(separation("[\"sysadmin\", \"dept_staff\"]"), 0);
	assert_int_equal(separation("[\"leader\", \"secadmin\", \"auditor\"]"), -1);
}

/* ---- main ------------------------------------------------------------- */

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int group_setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	util_random(&K, sizeof K);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	keys_wipe(&K);
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password),    cmocka_unit_test(test_keys),
		cmocka_unit_test(test_audit_chain), cmocka_unit_test(test_audit_tamper),
		cmocka_unit_test(test_rbac_can),    cmocka_unit_test(test_rbac_scope),
	};
	return cmocka_run_group_tests_name("auth", tests, group_setup, group_teardown);
}
