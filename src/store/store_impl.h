/*
 * store_impl.h — the driver vtable behind store.h; only store/ includes it.
 *
 * store.c dispatches each public call through the connection's driver and
 * keeps what is common to both backends (transactions, DDL tokens).
 */
#ifndef TX_STORE_IMPL_H
#define TX_STORE_IMPL_H

#include "store/store.h"

struct store_driver {
	tx_err (*open)(const char *url, store **out, char **errmsg);
	void (*close)(store *db);
	const char *(*errmsg)(store *db);
	tx_err (*exec)(store *db, const char *sql);
	tx_err (*prepare)(store *db, const char *sql, store_stmt **out);
	tx_err (*bind_int)(store_stmt *st, int idx, int64_t v);
	tx_err (*bind_text)(store_stmt *st, int idx, const char *s);
	tx_err (*bind_blob)(store_stmt *st, int idx, const void *p, size_t n);
	tx_err (*bind_null)(store_stmt *st, int idx);
	tx_err (*reset)(store_stmt *st);
	int (*step)(store_stmt *st);
	int (*col_count)(store_stmt *st);
	int (*col_is_null)(store_stmt *st, int col);
	int64_t (*col_int)(store_stmt *st, int col);
	const char *(*col_text)(store_stmt *st, int col);
	const void *(*col_blob)(store_stmt *st, int col, size_t *len);
	void (*finalize)(store_stmt *st);
	int64_t (*changes)(store *db);
};

/* Every concrete connection struct starts with this header. */
struct store {
	const struct store_driver *drv;
	store_kind kind;
	int in_tx;
	int in_read; /* SQLite: a read transaction of store_read_begin is open */
	int gated;   /* SQLite: this connection holds the process's write gate (store.c) */
};

/* Every concrete statement struct starts with this header. */
struct store_stmt {
	const struct store_driver *drv;
	store *db;
};

extern const struct store_driver store_sqlite_driver;
/* The read transaction of store_read_begin: BEGIN DEFERRED; COMMIT, or ROLLBACK if it stays open (sqlite.c). */
tx_err store_sqlite_read_begin(store *db);
void store_sqlite_read_end(store *db);
extern const struct store_driver store_postgres_driver;

#endif
