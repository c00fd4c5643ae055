/*
 * migrations.h — the table of schema migrations (see migrate.h).
 */
#ifndef TX_STORE_MIGRATIONS_H
#define TX_STORE_MIGRATIONS_H

#include <stddef.h>

struct migration {
	int version;
	const char *name;
	const char *sql;          /* both backends, DDL tokens allowed */
	const char *sql_sqlite;   /* SQLite only, or NULL */
	const char *sql_postgres; /* PostgreSQL only, or NULL */
};

extern const struct migration migrations[];
extern const size_t migrations_count;

#endif
