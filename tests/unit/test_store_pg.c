/*
 * test_store_pg.c — tests of the PostgreSQL store driver (src/store/postgres.c)
 * against a live server.
 *
 * Set TONGXIN_TEST_PG_URL (e.g. from `tests/pg.sh start DIR PORT`); without
 * it the test prints a skip and passes. All tables are TEMP, so runs do not
 * collide and leave nothing behind. The driver is called through
 * store_postgres_driver directly, so only postgres.c is linked:
 *
 *   cc -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc \
 *      tests/unit/test_store_pg.c src/store/postgres.c -lpq -lcmocka
 *
 * The mem.h allocators postgres.c uses are provided by a shim below (so do
 * not also link src/base/mem.c, which needs libsodium).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/mem.h"
#include "store/store_impl.h"

/* ---- mem.h shim (abort on out of memory, as src/base/mem.c) ---------- */

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		abort();
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		abort();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		abort();
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	char *p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void mem_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

/* ---- helpers ---------------------------------------------------------- */

static const struct store_driver *D = &store_postgres_driver;

static store *db_of(void **state)
{
	return *state;
}

static void exec_ok(store *db, const char *sql)
{
	tx_err rc = D->exec(db, sql);
	if (rc != TX_OK)
		fail_msg("exec failed (%d): %s\n  SQL: %s", (int)rc, D->errmsg(db), sql);
}

static store_stmt *prep(store *db, const char *sql)
{
	store_stmt *st = NULL;
	assert_int_equal(D->prepare(db, sql, &st), TX_OK);
	assert_non_null(st);
	return st;
}

/* Run sql with no parameters and answer column 0 of its single row. */
static int64_t query_int(store *db, const char *sql)
{
	store_stmt *st = prep(db, sql);
	int r = D->step(st);
	if (r != STORE_ROW)
		fail_msg("no row (%d): %s\n  SQL: %s", r, D->errmsg(db), sql);
	int64_t v = D->col_int(st, 0);
	assert_int_equal(D->step(st), STORE_DONE);
	D->finalize(st);
	return v;
}

static int group_setup(void **state)
{
	const char *url = getenv("TONGXIN_TEST_PG_URL");
	store *db = NULL;
	char *err = NULL;
	if (D->open(url, &db, &err) != TX_OK) {
		fprintf(stderr, "cannot open %s: %s\n", url, err ? err : "?");
		free(err);
		return -1;
	}
	assert_null(err);
	*state = db;
	return 0;
}

static int group_teardown(void **state)
{
	D->close(*state);
	return 0;
}

/* ---- tests ------------------------------------------------------------ */

static void test_open_errors(void **state)
{
	(void)state;
	store *db = (store *)1;
	char *err = NULL;
	assert_int_equal(D->open("/tmp/x.db", &db, &err), TX_EINVAL);
	assert_null(db);
	assert_non_null(err);
	free(err);

	/* Nothing listens on port 1: the message must not carry the password. */
	static const char *const urls[] = {
		"postgresql://alice:Sup3rSecretPw@127.0.0.1:1/x",
		"postgres://alice:bad%zzSecretPw@127.0.0.1:1/x",
		"postgresql://alice:Pct%41SecretPw@127.0.0.1:1/x",
		"postgresql://127.0.0.1:1/x?user=alice&password=QuerySecret9&connect_timeout=2",
		"postgresql://127.0.0.1:1/x?password=bad%zzQuerySecret",
	};
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		err = NULL;
		db = (store *)1;
		assert_int_not_equal(D->open(urls[i], &db, &err), TX_OK);
		assert_null(db);
		assert_non_null(err);
		assert_null(strstr(err, "Secret"));
		assert_null(strstr(err, "PctA"));
		free(err);
	}
	/* A NULL errmsg is allowed. */
	assert_int_equal(D->open(urls[0], &db, NULL), TX_EDB);
}

static void test_exec(void **state)
{
	store *db = db_of(state);
	exec_ok(db, "DROP TABLE IF EXISTS ex1; CREATE TEMP TABLE ex1(a BIGINT);"
	            "INSERT INTO ex1 VALUES (1), (2)");
	assert_int_equal(D->changes(db), 2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM ex1"), 2);
	assert_int_equal(D->exec(db, "SELEKT 1"), TX_EDB);
	assert_non_null(strstr(D->errmsg(db), "42601"));
	assert_int_equal(D->exec(db, ""), TX_OK);
	/* Settings made at open. */
	store_stmt *st = prep(db, "SELECT current_setting('TimeZone'), current_setting('client_encoding')");
	assert_int_equal(D->step(st), STORE_ROW);
	assert_string_equal(D->col_text(st, 0), "UTC");
	assert_string_equal(D->col_text(st, 1), "UTF8");
	D->finalize(st);
}

static void test_placeholders(void **state)
{
	store *db = db_of(state);
	exec_ok(db, "DROP TABLE IF EXISTS items;"
	            "CREATE TEMP TABLE items(id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	            " name TEXT NOT NULL UNIQUE, \"odd?col\" TEXT, note TEXT, n BIGINT)");
	const char *sql = "INSERT INTO items(name, \"odd?col\", note, n) -- what? \n"
	                  "VALUES (?, E'it\\'s ?', 'why? ''?'' ' || ? /* is? /* nested? */ ok? */, ?)\n"
	                  "RETURNING id, \"odd?col\", note, n, $$?$$, $t$ ? $t$";
	store_stmt *st = prep(db, sql);
	assert_int_equal(D->col_count(st), 0); /* not run yet */
	assert_int_equal(D->bind_text(st, 1, "first"), TX_OK);
	assert_int_equal(D->bind_text(st, 2, "b"), TX_OK);
	assert_int_equal(D->bind_int(st, 3, 42), TX_OK);
	assert_int_equal(D->bind_int(st, 4, 7), TX_EDB); /* only 3 placeholders */
	int r = D->step(st);
	if (r != STORE_ROW)
		fail_msg("step %d: %s", r, D->errmsg(db));
	assert_int_equal(D->col_count(st), 6);
	int64_t id1 = D->col_int(st, 0);
	assert_true(id1 >= 1);
	assert_string_equal(D->col_text(st, 1), "it's ?");
	assert_string_equal(D->col_text(st, 2), "why? '?' b");
	assert_int_equal(D->col_int(st, 3), 42);
	assert_string_equal(D->col_text(st, 4), "?");
	assert_string_equal(D->col_text(st, 5), " ? ");
	assert_int_equal(D->step(st), STORE_DONE);
	assert_int_equal(D->step(st), STORE_DONE);
	assert_int_equal(D->changes(db), 1);

	/* Run again after reset: RETURNING gives the next id. */
	assert_int_equal(D->reset(st), TX_OK);
	assert_int_equal(D->bind_text(st, 1, "second"), TX_OK);
	assert_int_equal(D->bind_text(st, 2, "c"), TX_OK);
	assert_int_equal(D->bind_int(st, 3, -5), TX_OK);
	assert_int_equal(D->step(st), STORE_ROW);
	assert_int_equal(D->col_int(st, 0), id1 + 1);
	assert_int_equal(D->col_int(st, 3), -5);
	assert_int_equal(D->step(st), STORE_DONE);
	D->finalize(st);

	/* A ? after a dollar-quoted string and next to identifiers is still a
	 * placeholder. */
	/* SQLite's numbered ?NNN. */
	st = prep(db, "SELECT ?2 || ?1, ?");
	assert_int_equal(D->bind_text(st, 1, "a"), TX_OK);
	assert_int_equal(D->bind_text(st, 2, "b"), TX_OK);
	assert_int_equal(D->bind_text(st, 3, "c"), TX_OK);
	assert_int_equal(D->step(st), STORE_ROW);
	assert_string_equal(D->col_text(st, 0), "ba");
	assert_string_equal(D->col_text(st, 1), "c");
	D->finalize(st);

	st = prep(db, "SELECT name FROM items WHERE n=? AND name<>$x$?$x$ ORDER BY id");
	assert_int_equal(D->bind_int(st, 1, 42), TX_OK);
	assert_int_equal(D->step(st), STORE_ROW);
	assert_string_equal(D->col_text(st, 0), "first");
	assert_int_equal(D->step(st), STORE_DONE);
	D->finalize(st);
}

static void test_unicode(void **state)
{
	store *db = db_of(state);
	exec_ok(db, "DROP TABLE IF EXISTS u; CREATE TEMP TABLE u(s TEXT)");
	const char *text = "中文 and 𠮷 ?";
	store_stmt *st = prep(db, "INSERT INTO u(s) VALUES (?)");
	assert_int_equal(D->bind_text(st, 1, text), TX_OK);
	assert_int_equal(D->step(st), STORE_DONE);
	D->finalize(st);

	st = prep(db, "SELECT s, length(s), octet_length(s), s = ? FROM u WHERE s = ?");
	assert_int_equal(D->bind_text(st, 1, text), TX_OK);
	assert_int_equal(D->bind_text(st, 2, text), TX_OK);
	assert_int_equal(D->step(st), STORE_ROW);
	assert_string_equal(D->col_text(st, 0), text);
	assert_int_equal(D->col_int(st, 1), 10);            /* code points */
	assert_int_equal(D->col_int(st, 2), strlen(text)); /* bytes */
	assert_int_equal(D->col_int(st, 3), 1);            /* boolean t */
	assert_int_equal(D->step(st), STORE_DONE);
	D->finalize(st);
}

static void test_blob(void **state)
{
	store *db = db_of(state);
	exec_ok(db, "DROP TABLE IF EXISTS b; CREATE TEMP TABLE b(k BIGINT, d BYTEA, e BYTEA)");
	static const unsigned char bytes[] = {0, 1, 0, 255, 'x', 0, '\\', 'x', '\'', 0};
	size_t big_n = 1 << 20;
	unsigned char *big = xmalloc(big_n);
	for (size_t i = 0; i < big_n; i++)
		big[i] = (unsigned char)(i * 131 + (i >> 8));

	store_stmt *st = prep(db, "INSERT INTO b(k, d, e) VALUES (?, ?, ?)");
	assert_int_equal(D->bind_int(st, 1, 1), TX_OK);
	assert_int_equal(D->bind_blob(st, 2, bytes, sizeof bytes), TX_OK);
	assert_int_equal(D->bind_blob(st, 3, "", 0), TX_OK); /* empty, not NULL */
	assert_int_equal(D->step(st), STORE_DONE);
	assert_int_equal(D->reset(st), TX_OK);
	assert_int_equal(D->bind_int(st, 1, 2), TX_OK);
	assert_int_equal(D->bind_blob(st, 2, big, big_n), TX_OK);
	assert_int_equal(D->bind_blob(st, 3, NULL, 0), TX_OK); /* NULL */
	assert_int_equal(D->step(st), STORE_DONE);
	D->finalize(st);

	st = prep(db, "SELECT d, e, length(d), k FROM b ORDER BY k");
	assert_int_equal(D->step(st), STORE_ROW);
	size_t n1 = 99, n2 = 99;
	const void *p1 = D->col_blob(st, 0, &n1);
	const void *p2 = D->col_blob(st, 1, &n2);
	assert_non_null(p1);
	assert_int_equal(n1, sizeof bytes);
	assert_memory_equal(p1, bytes, sizeof bytes);
	assert_non_null(p2); /* both stay valid until the next step */
	assert_int_equal(n2, 0);
	assert_false(D->col_is_null(st, 1));
	assert_ptr_equal(D->col_blob(st, 0, &n1), p1); /* same buffer again */
	assert_int_equal(D->col_int(st, 2), sizeof bytes);
	/* A non-bytea column read as a blob answers its text. */
	assert_ptr_not_equal(D->col_blob(st, 3, &n1), NULL);
	assert_int_equal(n1, 1);

	assert_int_equal(D->step(st), STORE_ROW);
	p1 = D->col_blob(st, 0, &n1);
	assert_int_equal(n1, big_n);
	assert_memory_equal(p1, big, big_n);
	assert_null(D->col_blob(st, 1, &n2));
	assert_int_equal(n2, 0);
	assert_true(D->col_is_null(st, 1));
	assert_int_equal(D->step(st), STORE_DONE);
	D->finalize(st);
	free(big);

	/* A blob compared server-side. */
	st = prep(db, "SELECT k FROM b WHERE d = ?");
	assert_int_equal(D->bind_blob(st, 1, bytes, sizeof bytes), TX_OK);
	assert_int_equal(D->step(st), STORE_ROW);
	assert_int_equal(D->col_int(st, 0), 1);
	D->finalize(st); /* before DONE: frees the result */
}

static void test_nulls(void **state)
{
	store *db = db_of(state);
	store_stmt *st = prep(db, "SELECT ?::text, ?::bigint, ?::bytea, ?::text, 'x'");
	assert_int_equal(D->bind_null(st, 1), TX_OK);
	assert_int_equal(D->bind_text(st, 2, NULL), TX_OK);
	assert_int_equal(D->bind_blob(st, 3, NULL, 5), TX_OK);
	/* 4 left unbound: NULL, as in SQLite */
	assert_int_equal(D->step(st), STORE_ROW);
	for (int c = 0; c < 4; c++) {
		size_t n = 7;
		assert_true(D->col_is_null(st, c));
		assert_null(D->col_text(st, c));
		assert_int_equal(D->col_int(st, c), 0);
		assert_null(D->col_blob(st, c, &n));
		assert_int_equal(n, 0);
	}
	assert_false(D->col_is_null(st, 4));
	/* Out-of-range columns read as NULL. */
	assert_true(D->col_is_null(st, 5));
	assert_true(D->col_is_null(st, -1));
	assert_null(D->col_text(st, 9));
	D->finalize(st);
}

static void test_conflict(void **state)
{
	store *db = db_of(state);
	exec_ok(db, "DROP TABLE IF EXISTS kid; DROP TABLE IF EXISTS par;"
	            "CREATE TEMP TABLE par(id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	            " name TEXT UNIQUE);"
	            "CREATE TEMP TABLE kid(par BIGINT REFERENCES par(id))");
	store_stmt *st = prep(db, "INSERT INTO par(name) VALUES (?) RETURNING id");
	assert_int_equal(D->bind_text(st, 1, "dup"), TX_OK);
	assert_int_equal(D->step(st), STORE_ROW);
	int64_t id = D->col_int(st, 0);
	assert_int_equal(D->reset(st), TX_OK);
	assert_int_equal(D->bind_text(st, 1, "dup"), TX_OK);
	assert_int_equal(D->step(st), -TX_ECONFLICT);
	assert_non_null(strstr(D->errmsg(db), "23505"));
	assert_int_equal(D->step(st), -TX_ECONFLICT); /* sticky until reset */
	assert_int_equal(D->bind_text(st, 1, "x"), TX_EDB);
	D->finalize(st);

	st = prep(db, "INSERT INTO kid(par) VALUES (?)");
	assert_int_equal(D->bind_int(st, 1, id + 1000), TX_OK);
	assert_int_equal(D->step(st), -TX_ECONFLICT);
	assert_non_null(strstr(D->errmsg(db), "23503"));
	assert_int_equal(D->reset(st), TX_OK);
	assert_int_equal(D->bind_int(st, 1, id), TX_OK);
	assert_int_equal(D->step(st), STORE_DONE);
	D->finalize(st);

	/* Other failures are TX_EDB. */
	st = prep(db, "SELECT 1 / ?");
	assert_int_equal(D->bind_int(st, 1, 0), TX_OK);
	assert_int_equal(D->step(st), -TX_EDB);
	assert_non_null(strstr(D->errmsg(db), "22012"));
	D->finalize(st);
	st = prep(db, "SELEKT ?");
	assert_int_equal(D->step(st), -TX_EDB);
	D->finalize(st);
}

static void test_changes(void **state)
{
	store *db = db_of(state);
	exec_ok(db, "DROP TABLE IF EXISTS c; CREATE TEMP TABLE c(a BIGINT)");
	store_stmt *st = prep(db, "INSERT INTO c(a) SELECT g FROM generate_series(1, ?) g");
	assert_int_equal(D->bind_int(st, 1, 5), TX_OK);
	assert_int_equal(D->step(st), STORE_DONE);
	D->finalize(st);
	assert_int_equal(D->changes(db), 5);

	st = prep(db, "UPDATE c SET a = a + 1 WHERE a > ?");
	assert_int_equal(D->bind_int(st, 1, 2), TX_OK);
	assert_int_equal(D->step(st), STORE_DONE);
	D->finalize(st);
	assert_int_equal(D->changes(db), 3);

	/* A SELECT leaves the count alone (as sqlite3_changes). */
	assert_int_equal(query_int(db, "SELECT count(*) FROM c"), 5);
	assert_int_equal(D->changes(db), 3);

	st = prep(db, "DELETE FROM c WHERE a > ? RETURNING a");
	assert_int_equal(D->bind_int(st, 1, 4), TX_OK);
	assert_int_equal(D->step(st), STORE_ROW);
	assert_int_equal(D->changes(db), 2);
	assert_int_equal(D->step(st), STORE_ROW);
	assert_int_equal(D->step(st), STORE_DONE);
	D->finalize(st);

	st = prep(db, "DELETE FROM c WHERE a > ?");
	assert_int_equal(D->bind_int(st, 1, 1000), TX_OK);
	assert_int_equal(D->step(st), STORE_DONE);
	D->finalize(st);
	assert_int_equal(D->changes(db), 0);
}

static void test_ints(void **state)
{
	store *db = db_of(state);
	store_stmt *st = prep(db, "SELECT ?, ?, ? + 1, ? = 1, 2.9::numeric, -2.5e3::float8, 'f'::boolean, "
	                          "abs(?), ?");
	assert_int_equal(D->bind_int(st, 1, INT64_MAX), TX_OK);
	assert_int_equal(D->bind_int(st, 2, INT64_MIN), TX_OK);
	assert_int_equal(D->bind_int(st, 3, 4294967296), TX_OK); /* beyond int4 */
	assert_int_equal(D->bind_int(st, 4, 1), TX_OK);
	assert_int_equal(D->bind_int(st, 5, -3), TX_OK);
	assert_int_equal(D->bind_text(st, 6, "17"), TX_OK);
	int r = D->step(st);
	if (r != STORE_ROW)
		fail_msg("step %d: %s", r, D->errmsg(db));
	assert_true(D->col_int(st, 0) == INT64_MAX);
	assert_true(D->col_int(st, 1) == INT64_MIN);
	assert_int_equal(D->col_int(st, 2), 4294967297);
	assert_int_equal(D->col_int(st, 3), 1);
	assert_int_equal(D->col_int(st, 4), 2);
	assert_int_equal(D->col_int(st, 5), -2500);
	assert_int_equal(D->col_int(st, 6), 0);
	assert_int_equal(D->col_int(st, 7), 3);
	assert_int_equal(D->col_int(st, 8), 17);
	assert_string_equal(D->col_text(st, 8), "17");
	D->finalize(st);
}

static void test_many_params(void **state)
{
	store *db = db_of(state);
	enum { N = 300 };
	char *sql = xmalloc(16 + N * 4);
	strcpy(sql, "SELECT 0");
	for (int i = 0; i < N; i++)
		strcat(sql, " + ?");
	store_stmt *st = prep(db, sql);
	free(sql);
	for (int i = 1; i <= N; i++)
		assert_int_equal(D->bind_int(st, i, i), TX_OK);
	assert_int_equal(D->step(st), STORE_ROW);
	assert_int_equal(D->col_int(st, 0), N * (N + 1) / 2);
	D->finalize(st);
}

static void test_bind_misuse(void **state)
{
	store *db = db_of(state);
	store_stmt *st = prep(db, "SELECT ?::bigint");
	assert_int_equal(D->bind_int(st, 0, 1), TX_EDB);
	assert_int_equal(D->bind_int(st, 2, 1), TX_EDB);
	assert_int_equal(D->bind_int(st, 1, 5), TX_OK);
	assert_int_equal(D->bind_int(st, 1, 6), TX_OK); /* rebinding replaces */
	assert_int_equal(D->step(st), STORE_ROW);
	assert_int_equal(D->col_int(st, 0), 6);
	assert_int_equal(D->bind_int(st, 1, 7), TX_EDB); /* run: reset first */
	assert_int_equal(D->reset(st), TX_OK);
	assert_int_equal(D->step(st), STORE_ROW); /* reset cleared the binding */
	assert_true(D->col_is_null(st, 0));
	D->finalize(st);
	D->finalize(NULL);
}

static void test_nested_and_tx(void **state)
{
	store *db = db_of(state);
	exec_ok(db, "DROP TABLE IF EXISTS t; CREATE TEMP TABLE t(id BIGINT PRIMARY KEY, v TEXT);"
	            "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
	/* Another statement may run while one is being iterated. */
	store_stmt *sel = prep(db, "SELECT id FROM t ORDER BY id");
	store_stmt *upd = prep(db, "UPDATE t SET v = v || '!' WHERE id = ?");
	int rows = 0;
	int r;
	while ((r = D->step(sel)) == STORE_ROW) {
		assert_int_equal(D->reset(upd), TX_OK);
		assert_int_equal(D->bind_int(upd, 1, D->col_int(sel, 0)), TX_OK);
		assert_int_equal(D->step(upd), STORE_DONE);
		rows++;
	}
	assert_int_equal(r, STORE_DONE);
	assert_int_equal(rows, 3);
	D->finalize(sel);
	D->finalize(upd);
	assert_int_equal(query_int(db, "SELECT count(*) FROM t WHERE v LIKE '_!'"), 3);

	/* A commit after a failed statement is refused, and nothing is kept. */
	exec_ok(db, "BEGIN");
	store_stmt *ins = prep(db, "INSERT INTO t VALUES (?, ?)");
	assert_int_equal(D->bind_int(ins, 1, 10), TX_OK);
	assert_int_equal(D->bind_text(ins, 2, "new"), TX_OK);
	assert_int_equal(D->step(ins), STORE_DONE);
	assert_int_equal(D->reset(ins), TX_OK);
	assert_int_equal(D->bind_int(ins, 1, 1), TX_OK);
	assert_int_equal(D->step(ins), -TX_ECONFLICT);
	D->finalize(ins);
	assert_int_equal(D->exec(db, "COMMIT"), TX_EDB);
	assert_non_null(strstr(D->errmsg(db), "rolled back"));
	exec_ok(db, "ROLLBACK"); /* a warning only, and silenced */
	assert_int_equal(query_int(db, "SELECT count(*) FROM t"), 3);

	exec_ok(db, "BEGIN");
	exec_ok(db, "INSERT INTO t VALUES (11, 'kept')");
	exec_ok(db, "COMMIT");
	assert_int_equal(query_int(db, "SELECT count(*) FROM t"), 4);
}

/* Runs last: a new session loses the TEMP tables. */
static void test_reconnect(void **state)
{
	store *db = db_of(state);
	int64_t pid = query_int(db, "SELECT pg_backend_pid()");
	store *other = NULL;
	assert_int_equal(D->open(getenv("TONGXIN_TEST_PG_URL"), &other, NULL), TX_OK);
	store_stmt *st = prep(other, "SELECT pg_terminate_backend(?::int)");
	assert_int_equal(D->bind_int(st, 1, pid), TX_OK);
	assert_int_equal(D->step(st), STORE_ROW);
	assert_int_equal(D->col_int(st, 0), 1);
	D->finalize(st);
	D->close(other);

	/* The first command notices the loss; the next one reconnects. */
	st = prep(db, "SELECT 1");
	assert_int_equal(D->step(st), -TX_EDB);
	D->finalize(st);
	assert_int_not_equal(query_int(db, "SELECT pg_backend_pid()"), pid);
	st = prep(db, "SELECT current_setting('TimeZone')");
	assert_int_equal(D->step(st), STORE_ROW);
	assert_string_equal(D->col_text(st, 0), "UTC");
	D->finalize(st);
}

int main(void)
{
	const char *url = getenv("TONGXIN_TEST_PG_URL");
	if (!url || !*url) {
		printf("SKIP test_store_pg: TONGXIN_TEST_PG_URL is not set\n");
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_unicode),
		cmocka_unit_test(test_blob),
		cmocka_unit_test(test_nulls),
		cmocka_unit_test(test_conflict),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_ints),
		cmocka_unit_test(test_many_params),
		cmocka_unit_test(test_bind_misuse),
		cmocka_unit_test(test_nested_and_tx),
		cmocka_unit_test(test_reconnect),
	};
	return cmocka_run_group_tests_name("store_pg", tests, group_setup, group_teardown);
}
