/*
 * migrate.c — the migration runner (see migrate.h).
 */
#include "store/migrate.h"

#include <stdlib.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/util.h"
#include "store/migrations.h"

int migrate_latest(void)
{
	return migrations[migrations_count - 1].version;
}

/*
 * Only the commands that change the schema create the bookkeeping table:
 * a server may run as a database role that cannot create anything.
 */
static tx_err ensure_table(store *db)
{
	return store_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                      " version INTEGER PRIMARY KEY,"
	                      " name TEXT NOT NULL,"
	                      " applied_at BIGINT NOT NULL)");
}

tx_err migrate_current(store *db, int *version)
{
	int64_t v = 0;
	*version = 0;
	tx_err rc = store_query_int(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &v);
	*version = (int)v;
	return rc;
}

tx_err migrate_up(store *db, int *applied, char **errmsg)
{
	int cur = 0;
	*applied = 0;
	tx_err rc = ensure_table(db);
	if (!rc)
		rc = migrate_current(db, &cur);
	if (rc) {
		*errmsg = xasprintf("cannot read schema version: %s", store_errmsg(db));
		return rc;
	}
	if (cur > migrate_latest()) {
		*errmsg = xasprintf("database schema %d is newer than this binary (%d)", cur, migrate_latest());
		return TX_EINVAL;
	}
	for (size_t i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];
		if (m->version <= cur)
			continue;
		if ((rc = store_begin(db)))
			goto fail;
		if ((rc = store_exec_ddl(db, m->sql)))
			goto fail;
		const char *own = store_kind_of(db) == STORE_POSTGRES ? m->sql_postgres : m->sql_sqlite;
		if (own && (rc = store_exec_ddl(db, own)))
			goto fail;
		store_stmt *st;
		if ((rc = store_prepare(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		                        &st)))
			goto fail;
		store_bind_int(st, 1, m->version);
		store_bind_text(st, 2, m->name);
		store_bind_int(st, 3, util_now());
		int r = store_step(st);
		store_finalize(st);
		if (r != STORE_DONE) {
			rc = TX_EDB;
			goto fail;
		}
		if ((rc = store_commit(db)))
			goto fail;
		log_info("migration %d (%s) applied", m->version, m->name);
		(*applied)++;
		continue;
	fail:
		*errmsg = xasprintf("migration %d (%s) failed: %s", m->version, m->name, store_errmsg(db));
		store_rollback(db);
		return rc ? rc : TX_EDB;
	}
	return TX_OK;
}
