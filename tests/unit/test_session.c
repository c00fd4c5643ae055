/*
 * test_session.c — unit tests of sign-in, lockout and sessions
 * (src/auth/session.c) on throw-away SQLite files in a temporary directory
 * under /tmp, removed at the end. Units and users are created with the
 * domain layer's *_insert_raw.
 *
 *   make build/unit/test_session && build/unit/test_session
 */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth/audit.h"
#include "auth/rbac.h"
#include "auth/session.h"
#include "base/log.h"
#include "base/util.h"
#include "domain/unit.h"
#include "domain/user.h"
#include "store/migrate.h"

#define PW "Correct#Horse1"

static char tmpdir[] = "/tmp/tongxin-test-session.XXXXXX";
static keys K; /* random audit key */
static const config cfg = {.session_idle = 1800, .session_max = 3600, .lock_threshold = 3, .lock_minutes = 30,
                           .password_min = 8, .password_classes = 3};

/* A new database file with the schema and the built-in roles. */
static store *open_fresh(const char *name)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	store *db = NULL;
	char *err = NULL;
	int applied = 0;
	if (store_open(p, &db, &err) != TX_OK || migrate_up(db, &applied, &err) != TX_OK)
		fail_msg("%s: %s", p, err);
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

static store *session_db(const char *name, int64_t *uid)
{
	static const char *const roles[] = {"dept_staff", NULL};
	store *db = open_fresh(name);
	int64_t unit = 0;
	assert_int_equal(store_begin(db), TX_OK);
	assert_int_equal(unit_insert_raw(db, 0, "市委统战部", "department", NULL, 0, 0, &unit), TX_OK);
	assert_int_equal(user_insert_raw(db, "alice", "Alice", unit, roles, PW, 0, 0, uid), TX_OK);
	assert_int_equal(store_commit(db), TX_OK);
	return db;
}

static login_result login(store *db, const char *user, const char *pw, char **token)
{
	login_result res = LOGIN_OK;
	char *tok = NULL;
	int64_t id = -1;
	assert_int_equal(session_login(db, &cfg, &K, user, pw, "10.0.0.1", "cmocka", &res, &tok, &id), TX_OK);
	assert_true(res == LOGIN_OK ? tok != NULL && id > 0 : tok == NULL && id == 0);
	if (token)
		*token = tok;
	else
		free(tok);
	return res;
}

static void test_session_lockout(void **state)
{
	(void)state;
	int64_t uid;
	store *db = session_db("lock.db", &uid);
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(login(db, "alice", "Wrong#Horse1", NULL), LOGIN_INVALID);
		assert_int_equal(q_int(db, "SELECT failed_logins FROM app_user"), i);
		if (i < 3)
			assert_int_equal(q_int(db, "SELECT locked_until FROM app_user"), 0);
	}
	int64_t until = q_int(db, "SELECT locked_until FROM app_user"), now = util_now();
	assert_true(until > now);
	assert_true(until <= now + 30 * 60);
	assert_int_equal(login(db, "alice", PW, NULL), LOGIN_LOCKED);
	assert_int_equal(login(db, "nobody", PW, NULL), LOGIN_INVALID);
	assert_int_equal(q_int(db, "SELECT count(*) FROM session"), 0);

	/* One entry per attempt, plus the lock itself; the chain holds. */
	assert_int_equal(q_int(db, "SELECT count(*) FROM audit_log WHERE action LIKE 'session.%'"), 5);
	assert_int_equal(q_int(db, "SELECT count(*) FROM audit_log WHERE action = 'session.fail'"
	                           " AND result = 'failed' AND actor = 'alice'"),
	                 3);
	assert_int_equal(q_int(db, "SELECT count(*) FROM audit_log WHERE result = 'denied'"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM audit_log WHERE actor = 'nobody' AND actor_id = 0"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM audit_log WHERE action = 'user.lock'"), 1);
	int64_t checked, bad;
	char *why = NULL;
	assert_int_equal(audit_verify(db, &K, &checked, &bad, &why), TX_OK);
	assert_int_equal(checked, 6);

	/* Once the lock has run out, the right password works and resets the count. */
	assert_int_equal(store_exec(db, "UPDATE app_user SET locked_until = locked_until - 3600"), TX_OK);
	assert_int_equal(login(db, "alice", PW, NULL), LOGIN_OK);
	assert_int_equal(q_int(db, "SELECT failed_logins FROM app_user"), 0);
	assert_int_equal(q_int(db, "SELECT locked_until FROM app_user"), 0);
	store_close(db);
}

static void test_session_lifecycle(void **state)
{
	(void)state;
	int64_t uid;
	store *db = session_db("session.db", &uid);
	char *tok = NULL;
	assert_int_equal(login(db, "alice", PW, &tok), LOGIN_OK);
	assert_int_equal(strlen(tok), 43);
	/* Only the token's hash is stored. */
	char th[65];
	session_token_hash(tok, th);
	store_stmt *st;
	assert_int_equal(store_prepare(db, "SELECT token_hash, expires_at - created_at FROM session", &st), TX_OK);
	assert_int_equal(store_step(st), STORE_ROW);
	assert_string_equal(store_col_text(st, 0), th);
	assert_int_equal(store_col_int(st, 1), 3600);
	store_finalize(st);

	actor a;
	assert_int_equal(session_lookup(db, &cfg, tok, &a, NULL), TX_OK);
	assert_int_equal(a.user_id, uid);
	assert_string_equal(a.username, "alice");
	assert_string_equal(a.unit_name, "市委统战部");
	assert_int_equal(a.nroles, 1);
	assert_string_equal(a.roles[0], "dept_staff");
	assert_int_equal(a.scope, SCOPE_SUBTREE);
	assert_true(actor_can(&a, "unit:read"));
	assert_false(actor_can(&a, "audit:read"));
	actor_free(&a);

	assert_int_equal(session_lookup(db, &cfg, "bogus", &a, NULL), TX_EAUTH);
	assert_int_equal(session_lookup(db, &cfg, "", &a, NULL), TX_EAUTH);
	assert_int_equal(session_lookup(db, &cfg, NULL, &a, NULL), TX_EAUTH);
	assert_int_equal(session_lookup(db, &cfg, th, &a, NULL), TX_EAUTH); /* the hash is not a token */

	assert_int_equal(session_end(db, tok), TX_OK);
	assert_int_equal(session_lookup(db, &cfg, tok, &a, NULL), TX_EAUTH);
	free(tok);

	/* Idle for two hours: refused and removed. */
	assert_int_equal(login(db, "alice", PW, &tok), LOGIN_OK);
	assert_int_equal(store_exec(db, "UPDATE session SET last_seen = last_seen - 7200"), TX_OK);
	assert_int_equal(session_lookup(db, &cfg, tok, &a, NULL), TX_EAUTH);
	assert_int_equal(q_int(db, "SELECT count(*) FROM session"), 0);
	free(tok);

	/* Past the absolute lifetime, however recently used. */
	assert_int_equal(login(db, "alice", PW, &tok), LOGIN_OK);
	assert_int_equal(store_exec(db, "UPDATE session SET expires_at = created_at - 1"), TX_OK);
	assert_int_equal(session_lookup(db, &cfg, tok, &a, NULL), TX_EAUTH);
	free(tok);

	/* A disabled user's session no longer loads, and they cannot sign in. */
	assert_int_equal(login(db, "alice", PW, &tok), LOGIN_OK);
	assert_int_equal(store_exec(db, "UPDATE app_user SET active = 0"), TX_OK);
	assert_int_equal(session_lookup(db, &cfg, tok, &a, NULL), TX_EAUTH);
	assert_int_equal(login(db, "alice", PW, NULL), LOGIN_INVALID);
	free(tok);
	store_close(db);
}

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
		cmocka_unit_test(test_session_lockout),
		cmocka_unit_test(test_session_lifecycle),
	};
	return cmocka_run_group_tests_name("session", tests, group_setup, group_teardown);
}
