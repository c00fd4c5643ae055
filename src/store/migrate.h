/*
 * migrate.h — versioned, transactional schema migrations for both backends.
 *
 * Migrations are a const table in migrations.c: each has a version, a name
 * and SQL for both backends (common SQL with the DDL tokens of store.h,
 * plus optional backend-only SQL for triggers and the like). Each runs in
 * its own transaction together with its row in schema_migrations, so a
 * failed migration leaves the database as it was.
 */
#ifndef TX_STORE_MIGRATE_H
#define TX_STORE_MIGRATE_H

#include "store/store.h"

/* Apply every migration not yet applied. *applied counts those run now. */
tx_err migrate_up(store *db, int *applied, char **errmsg);
/* The highest applied version; an error when the database has no schema yet. */
tx_err migrate_current(store *db, int *version);
/* The highest version this binary knows. */
int migrate_latest(void);

#endif
