/*
 * sqlite.c — the SQLite driver behind store.h.
 *
 * Each connection is opened with WAL journaling, foreign keys on, a busy
 * timeout, and synchronous=FULL so a committed write survives power loss.
 * Statements are cached per connection by SQL text: the same SQL is
 * prepared once per worker and reused (sqlite3_reset on finalize).
 */
#include "store/store_impl.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/mem.h"

#define SQ_CACHE 64

typedef struct sq_db {
	struct store base;
	sqlite3 *h;
	struct {
		char *sql; /* owned copy of the SQL text */
		sqlite3_stmt *st;
		int busy;
	} cache[SQ_CACHE];
	int ncache;
} sq_db;

typedef struct sq_stmt {
	struct store_stmt base;
	sqlite3_stmt *st;
	int cached; /* index into the cache, or -1 */
} sq_stmt;

static tx_err sq_open(const char *url, store **out, char **errmsg)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(url, &h,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
	                             SQLITE_OPEN_EXRESCODE,
	                         NULL);
	if (rc != SQLITE_OK) {
		if (errmsg)
			*errmsg = xasprintf("cannot open %s: %s", url, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return TX_EDB;
	}
	sqlite3_busy_timeout(h, 10000);
	const char *pragmas = "PRAGMA journal_mode=WAL;"
	                      "PRAGMA synchronous=FULL;"
	                      "PRAGMA foreign_keys=ON;"
	                      "PRAGMA temp_store=MEMORY;";
	char *err = NULL;
	if (sqlite3_exec(h, pragmas, NULL, NULL, &err) != SQLITE_OK) {
		if (errmsg)
			*errmsg = xasprintf("cannot configure %s: %s", url, err ? err : "?");
		sqlite3_free(err);
		sqlite3_close(h);
		return TX_EDB;
	}
	sq_db *db = xcalloc(1, sizeof *db);
	db->base.drv = &store_sqlite_driver;
	db->base.kind = STORE_SQLITE;
	db->h = h;
	*out = &db->base;
	return TX_OK;
}

static void sq_close(store *s)
{
	sq_db *db = (sq_db *)s;
	for (int i = 0; i < db->ncache; i++) {
		sqlite3_finalize(db->cache[i].st);
		free(db->cache[i].sql);
	}
	sqlite3_close(db->h);
	free(db);
}

static const char *sq_errmsg(store *s)
{
	return sqlite3_errmsg(((sq_db *)s)->h);
}

static tx_err sq_exec(store *s, const char *sql)
{
	return sqlite3_exec(((sq_db *)s)->h, sql, NULL, NULL, NULL) == SQLITE_OK ? TX_OK : TX_EDB;
}

static tx_err sq_prepare(store *s, const char *sql, store_stmt **out)
{
	sq_db *db = (sq_db *)s;
	sq_stmt *st = xcalloc(1, sizeof *st);
	st->base.drv = &store_sqlite_driver;
	st->base.db = s;
	st->cached = -1;
	for (int i = 0; i < db->ncache; i++) {
		if (!db->cache[i].busy && strcmp(db->cache[i].sql, sql) == 0) {
			db->cache[i].busy = 1;
			st->st = db->cache[i].st;
			st->cached = i;
			*out = &st->base;
			return TX_OK;
		}
	}
	if (sqlite3_prepare_v2(db->h, sql, -1, &st->st, NULL) != SQLITE_OK) {
		free(st);
		return TX_EDB;
	}
	/* Cache the first SQ_CACHE distinct statements; later ones are one-shot. */
	if (db->ncache < SQ_CACHE) {
		int i = db->ncache++;
		db->cache[i].sql = xstrdup(sql);
		db->cache[i].st = st->st;
		db->cache[i].busy = 1;
		st->cached = i;
	}
	*out = &st->base;
	return TX_OK;
}

static tx_err sq_rc(int rc)
{
	return rc == SQLITE_OK ? TX_OK : TX_EDB;
}

static tx_err sq_bind_int(store_stmt *s, int idx, int64_t v)
{
	return sq_rc(sqlite3_bind_int64(((sq_stmt *)s)->st, idx, v));
}

static tx_err sq_bind_text(store_stmt *s, int idx, const char *v)
{
	return sq_rc(sqlite3_bind_text(((sq_stmt *)s)->st, idx, v, -1, SQLITE_TRANSIENT));
}

static tx_err sq_bind_blob(store_stmt *s, int idx, const void *p, size_t n)
{
	return sq_rc(sqlite3_bind_blob64(((sq_stmt *)s)->st, idx, p, n, SQLITE_TRANSIENT));
}

static tx_err sq_bind_null(store_stmt *s, int idx)
{
	return sq_rc(sqlite3_bind_null(((sq_stmt *)s)->st, idx));
}

static tx_err sq_reset(store_stmt *s)
{
	sqlite3_stmt *st = ((sq_stmt *)s)->st;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return TX_OK;
}

static int sq_step(store_stmt *s)
{
	int rc = sqlite3_step(((sq_stmt *)s)->st);
	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return STORE_DONE;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return -TX_ECONFLICT;
	return -TX_EDB;
}

static int sq_col_count(store_stmt *s)
{
	return sqlite3_column_count(((sq_stmt *)s)->st);
}

static int sq_col_is_null(store_stmt *s, int col)
{
	return sqlite3_column_type(((sq_stmt *)s)->st, col) == SQLITE_NULL;
}

static int64_t sq_col_int(store_stmt *s, int col)
{
	return sqlite3_column_int64(((sq_stmt *)s)->st, col);
}

static const char *sq_col_text(store_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(((sq_stmt *)s)->st, col);
}

static const void *sq_col_blob(store_stmt *s, int col, size_t *len)
{
	sqlite3_stmt *st = ((sq_stmt *)s)->st;
	const void *p = sqlite3_column_blob(st, col);
	*len = (size_t)sqlite3_column_bytes(st, col);
	return p;
}

static void sq_finalize(store_stmt *s)
{
	sq_stmt *st = (sq_stmt *)s;
	if (st->cached >= 0) {
		sq_db *db = (sq_db *)s->db;
		sqlite3_reset(st->st);
		sqlite3_clear_bindings(st->st);
		db->cache[st->cached].busy = 0;
	} else {
		sqlite3_finalize(st->st);
	}
	free(st);
}

static int64_t sq_changes(store *s)
{
	return sqlite3_changes64(((sq_db *)s)->h);
}

const struct store_driver store_sqlite_driver = {
	.open = sq_open,
	.close = sq_close,
	.errmsg = sq_errmsg,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.reset = sq_reset,
	.step = sq_step,
	.col_count = sq_col_count,
	.col_is_null = sq_col_is_null,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.finalize = sq_finalize,
	.changes = sq_changes,
};
