/*
 * sqlite.c — the SQLite driver behind store.h.
 *
 * Each connection is opened with WAL journaling, foreign keys on, a busy
 * timeout, synchronous=FULL so a committed write survives power loss, a
 * page cache and a memory map sized by store_sqlite_tune().
 * Statements are cached per connection by SQL text: the same SQL is
 * prepared once per worker and reused (sqlite3_reset on finalize).
 */
#include "store/store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "base/mem.h"

#define SQ_CACHE 64

/* Set once at start-up (store_sqlite_tune), before any worker opens. */
/*
 * No memory map by default: a connection that finds the WAL changed since
 * its last read drops its page cache and unmaps the whole mapping, to map
 * it again and fault its pages back in. Under writes that was every request
 * of every worker: 1 munmap + 1 mmap of the file a request, and half the
 * durable writes a second (bench/NOTES.md, "Writes").
 */
static int tune_cache_mb = 16, tune_mmap_mb = 0;

void store_sqlite_tune(int cache_mb, int mmap_mb)
{
	if (cache_mb > 0)
		tune_cache_mb = cache_mb;
	if (mmap_mb >= 0)
		tune_mmap_mb = mmap_mb;
}

typedef struct sq_stmt {
	struct store_stmt base;
	sqlite3_stmt *st;
	int cached; /* index into the cache, or -1 */
} sq_stmt;

typedef struct sq_db {
	struct store base;
	sqlite3 *h;
	struct {
		char *sql; /* owned copy of the SQL text */
		uint64_t hash; /* of the text: most look-ups compare this only */
		sqlite3_stmt *st;
		int busy;
		sq_stmt handle; /* handed out while busy: no allocation per prepare */
	} cache[SQ_CACHE];
	int ncache;
	/* The read transaction's BEGIN and COMMIT, prepared once (sqlite3_exec parses anew each time). */
	sqlite3_stmt *rd_begin, *rd_commit;
} sq_db;

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
	/* Writers of this process queue on the store's write gate (store.c);
	 * this timeout is for writers in other processes (the CLI, a second node). */
	sqlite3_busy_timeout(h, 10000);
	const char *pragmas = "PRAGMA journal_mode=WAL;"
	                      "PRAGMA synchronous=FULL;"
	                      "PRAGMA foreign_keys=ON;"
	                      "PRAGMA temp_store=MEMORY;";
	char *err = NULL;
	/*
	 * A page cache beyond SQLite's 2 MB default, and reads through a
	 * shared mapping of the file instead of pread and a copy per page
	 * (bench/NOTES.md: the county list ran 4x faster). Mapped pages are
	 * the OS's cache, shared by every connection and reclaimable.
	 */
	char tune[160];
	snprintf(tune, sizeof tune, "PRAGMA cache_size=-%d;PRAGMA mmap_size=%lld;", tune_cache_mb * 1024,
	         (long long)tune_mmap_mb << 20);
	if (sqlite3_exec(h, tune, NULL, NULL, NULL) != SQLITE_OK) {
		/* Not fatal: the defaults still work. */
	}
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
	sqlite3_finalize(db->rd_begin);
	sqlite3_finalize(db->rd_commit);
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

/* FNV-1a: the cache's texts are ~1 KB and share long prefixes, so strcmp alone was slow. */
static uint64_t sql_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static tx_err sq_prepare(store *s, const char *sql, store_stmt **out)
{
	sq_db *db = (sq_db *)s;
	uint64_t h = sql_hash(sql);
	for (int i = 0; i < db->ncache; i++) {
		if (!db->cache[i].busy && db->cache[i].hash == h && strcmp(db->cache[i].sql, sql) == 0) {
			db->cache[i].busy = 1;
			*out = &db->cache[i].handle.base;
			return TX_OK;
		}
	}
	sqlite3_stmt *raw = NULL;
	if (sqlite3_prepare_v2(db->h, sql, -1, &raw, NULL) != SQLITE_OK)
		return TX_EDB;
	/* Cache the first SQ_CACHE distinct statements; later ones are one-shot. */
	sq_stmt *st;
	if (db->ncache < SQ_CACHE) {
		int i = db->ncache++;
		db->cache[i].sql = xstrdup(sql);
		db->cache[i].hash = h;
		db->cache[i].st = raw;
		db->cache[i].busy = 1;
		st = &db->cache[i].handle;
		st->cached = i;
	} else {
		st = xcalloc(1, sizeof *st);
		st->cached = -1;
	}
	st->base.drv = &store_sqlite_driver;
	st->base.db = s;
	st->st = raw;
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

/* Run a prepared statement of no rows once; prepare it on first use. */
static int sq_run_once(sqlite3 *h, sqlite3_stmt **st, const char *sql)
{
	if (!*st && sqlite3_prepare_v2(h, sql, -1, st, NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	int rc = sqlite3_step(*st);
	sqlite3_reset(*st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

tx_err store_sqlite_read_begin(store *s)
{
	sq_db *db = (sq_db *)s;
	/* DEFERRED: no lock until the first statement, which takes the read snapshot. */
	return sq_run_once(db->h, &db->rd_begin, "BEGIN DEFERRED") == SQLITE_OK ? TX_OK : TX_EDB;
}

void store_sqlite_read_end(store *s)
{
	sq_db *db = (sq_db *)s;
	if (sqlite3_get_autocommit(db->h))
		return;
	/* A read-only transaction commits even with reads still stepping (they go on). */
	if (sq_run_once(db->h, &db->rd_commit, "COMMIT") != SQLITE_OK || !sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

static int sq_step(store_stmt *s)
{
	sqlite3_stmt *stmt = ((sq_stmt *)s)->st;
	/*
	 * A write inside a read transaction would have to upgrade it, which
	 * fails at once (no busy wait) when another connection writes: end
	 * the read transaction first, so the write runs on its own as before.
	 */
	if (s->db->in_read && !sqlite3_stmt_busy(stmt) && !sqlite3_stmt_readonly(stmt))
		store_read_end(s->db);
	int rc = sqlite3_step(stmt);
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
		db->cache[st->cached].busy = 0; /* st is the cache's own handle */
	} else {
		sqlite3_finalize(st->st);
		free(st);
	}
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
