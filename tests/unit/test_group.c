/*
 * test_group.c — group commit (src/store/group.c) and the write gate
 * (src/store/store.c) on a throw-away SQLite file under /tmp.
 *
 * Writer threads run work through one group while another thread writes
 * through a connection of its own, as the server's sign-ins do:
 *   - work that succeeds is on disk, seen by another connection, the moment
 *     store_group_run returns (a caller answers only after the commit);
 *   - work that fails — its own error after writing, or a unique clash —
 *     leaves nothing, and the work committed with it is kept;
 *   - commits carry several callers' work when callers overlap;
 *   - the lone writer's transactions all succeed beside the group.
 *
 *   make build/unit/test_group && build/unit/test_group
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"

#define WRITERS 6
#define RUNS 60 /* per writer */

static char dir[] = "/tmp/tongxin-test-group.XXXXXX";
static char path[300];

static store *open_db(void)
{
	store *db = NULL;
	char *err = NULL;
	if (store_open(path, &db, &err) != TX_OK)
		fail_msg("open %s: %s", path, err ? err : "?");
	return db;
}

static int64_t count(store *db, const char *sql)
{
	int64_t n = -1;
	if (store_query_int(db, sql, &n) != TX_OK)
		fail_msg("%s: %s", sql, store_errmsg(db));
	return n;
}

/* The work: insert key k with the writer's tag; fail after writing when asked. */
struct work {
	int64_t k;
	int fail_after; /* 1: write, then return TX_EINVAL */
};

static tx_err insert_work(store *db, void *arg)
{
	const struct work *w = arg;
	store_stmt *st;
	tx_err rc = store_prepare(db, "INSERT INTO t (k) VALUES (?)", &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, w->k);
	int r = store_step(st);
	store_finalize(st);
	if (r != STORE_DONE)
		return r == -TX_ECONFLICT ? TX_ECONFLICT : TX_EDB;
	usleep(500); /* long enough for the other writers to line up behind */
	return w->fail_after ? TX_EINVAL : TX_OK;
}

struct writer {
	store_group *g;
	int id;
	int ok, failed, clashed, invisible, errors;
};

static int64_t key_of(int id, int i)
{
	return (int64_t)id * 1000 + i;
}

static void *writer_main(void *arg)
{
	struct writer *wr = arg;
	store *mine = open_db(); /* to look from outside the group */
	for (int i = 0; i < RUNS; i++) {
		/* Every 5th fails after writing; every 7th repeats the previous key. */
		struct work w = {key_of(wr->id, i % 7 == 6 ? i - 1 : i), i % 5 == 4};
		tx_err rc = store_group_run(wr->g, insert_work, &w);
		if (rc == TX_OK) {
			wr->ok++;
			store_stmt *st;
			if (store_prepare(mine, "SELECT count(*) FROM t WHERE k = ?", &st) == TX_OK) {
				store_bind_int(st, 1, w.k);
				if (store_step(st) != STORE_ROW || store_col_int(st, 0) != 1)
					wr->invisible++;
				store_finalize(st);
			}
		} else if (rc == TX_EINVAL) {
			wr->failed++;
		} else if (rc == TX_ECONFLICT) {
			wr->clashed++;
		} else {
			wr->errors++;
		}
	}
	store_close(mine);
	return NULL;
}

/* A writer of its own beside the group: the gate must queue it, not fail it. */
static void *lone_main(void *arg)
{
	int *failures = arg;
	store *db = open_db();
	for (int i = 0; i < 40; i++) {
		if (store_begin(db) != TX_OK || store_exec(db, "UPDATE lone SET n = n + 1") != TX_OK ||
		    store_commit(db) != TX_OK) {
			(*failures)++;
			store_rollback(db);
		}
		usleep(1000);
	}
	store_close(db);
	return NULL;
}

static void test_group_commit(void **state)
{
	(void)state;
	store *db = open_db();
	assert_int_equal(store_exec(db, "CREATE TABLE t (k INTEGER NOT NULL UNIQUE);"
	                                "CREATE TABLE lone (n INTEGER NOT NULL); INSERT INTO lone VALUES (0);"),
	                 TX_OK);
	store_group *g = NULL;
	char *err = NULL;
	if (store_group_open(path, &g, &err) != TX_OK)
		fail_msg("group: %s", err ? err : "?");
	unsigned long long work0, commits0;
	store_group_counts(&work0, &commits0);

	struct writer w[WRITERS];
	pthread_t th[WRITERS], lone;
	int lone_failures = 0;
	assert_int_equal(pthread_create(&lone, NULL, lone_main, &lone_failures), 0);
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){.g = g, .id = i + 1};
		assert_int_equal(pthread_create(&th[i], NULL, writer_main, &w[i]), 0);
	}
	int ok = 0, failed = 0, clashed = 0;
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].errors, 0);
		assert_int_equal(w[i].invisible, 0);
		ok += w[i].ok;
		failed += w[i].failed;
		clashed += w[i].clashed;
	}
	pthread_join(lone, NULL);
	assert_int_equal(lone_failures, 0);

	/* What each writer should have seen, replayed alone: a repeated key
	 * clashes if its first run was kept; otherwise every 5th run fails. */
	int want_ok = 0, want_failed = 0, want_clash = 0, kept[RUNS] = {0};
	for (int i = 0; i < RUNS; i++) {
		int k = i % 7 == 6 ? i - 1 : i;
		if (kept[k])
			want_clash++;
		else if (i % 5 == 4)
			want_failed++;
		else
			kept[k] = 1, want_ok++;
	}
	assert_int_equal(ok, WRITERS * want_ok);
	assert_int_equal(failed, WRITERS * want_failed);
	assert_int_equal(clashed, WRITERS * want_clash);
	assert_int_equal(count(db, "SELECT count(*) FROM t"), ok);
	assert_int_equal(count(db, "SELECT n FROM lone"), 40);

	/* Exactly the kept keys are there: a failed run's key is absent. */
	for (int id = 1; id <= WRITERS; id++)
		for (int i = 0; i < RUNS; i++) {
			char sql[96];
			snprintf(sql, sizeof sql, "SELECT count(*) FROM t WHERE k = %lld", (long long)key_of(id, i));
			assert_int_equal(count(db, sql), kept[i]);
		}

	unsigned long long work, commits;
	store_group_counts(&work, &commits);
	work -= work0;
	commits -= commits0;
	assert_int_equal(work, WRITERS * RUNS);
	/* Overlapping callers share commits (each run holds the line 0.5 ms). */
	if (commits * 2 > work)
		fail_msg("%llu commits for %llu runs: callers did not share commits", commits, work);
	print_message("group commit: %llu runs in %llu commits\n", work, commits);

	store_group_close(g);
	store_close(db);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/group.db", dir);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_group_commit),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
