/*
 * migrations.c — every schema change, in order. Never edit a migration that
 * has shipped; add a new one.
 *
 * Common columns of editable tables: version (optimistic locking),
 * created_at/by, updated_at/by. Times are epoch seconds (UTC).
 * Unit paths are materialised as '/1/5/23/' (ids of the ancestors and the
 * unit itself); a subtree is the byte range [path, path with its last '/'
 * turned into '0'), which both backends answer from a plain btree index.
 */
#include "store/migrations.h"

static const char m1_core[] =
	"CREATE TABLE unit ("
	" id {{ID}},"
	" parent_id {{BIGINT}} REFERENCES unit(id),"
	" name TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" code TEXT,"
	" sort INTEGER NOT NULL DEFAULT 0,"
	" active INTEGER NOT NULL DEFAULT 1,"
	" path {{PATH}} NOT NULL,"
	" depth INTEGER NOT NULL,"
	" version INTEGER NOT NULL DEFAULT 1,"
	" created_at {{BIGINT}} NOT NULL,"
	" created_by {{BIGINT}},"
	" updated_at {{BIGINT}} NOT NULL,"
	" updated_by {{BIGINT}});"
	"CREATE INDEX unit_parent ON unit(parent_id, sort, id);"
	"CREATE UNIQUE INDEX unit_path ON unit(path);"
	"CREATE UNIQUE INDEX unit_code ON unit(code) WHERE code IS NOT NULL;"

	"CREATE TABLE role ("
	" code TEXT PRIMARY KEY,"
	" name_zh TEXT NOT NULL,"
	" name_en TEXT NOT NULL,"
	" scope TEXT NOT NULL,"
	" builtin INTEGER NOT NULL DEFAULT 0,"
	" version INTEGER NOT NULL DEFAULT 1);"
	"CREATE TABLE role_permission ("
	" role_code TEXT NOT NULL REFERENCES role(code) ON DELETE CASCADE,"
	" permission TEXT NOT NULL,"
	" PRIMARY KEY (role_code, permission));"

	"CREATE TABLE app_user ("
	" id {{ID}},"
	" username TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" unit_id {{BIGINT}} NOT NULL REFERENCES unit(id),"
	" password_hash TEXT NOT NULL,"
	" must_change_password INTEGER NOT NULL DEFAULT 1,"
	" password_changed_at {{BIGINT}},"
	" active INTEGER NOT NULL DEFAULT 1,"
	" failed_logins INTEGER NOT NULL DEFAULT 0,"
	" locked_until {{BIGINT}} NOT NULL DEFAULT 0,"
	" last_login_at {{BIGINT}},"
	" version INTEGER NOT NULL DEFAULT 1,"
	" created_at {{BIGINT}} NOT NULL,"
	" created_by {{BIGINT}},"
	" updated_at {{BIGINT}} NOT NULL,"
	" updated_by {{BIGINT}});"
	"CREATE UNIQUE INDEX app_user_username ON app_user(username);"
	"CREATE INDEX app_user_unit ON app_user(unit_id);"
	"CREATE TABLE user_role ("
	" user_id {{BIGINT}} NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,"
	" role_code TEXT NOT NULL REFERENCES role(code),"
	" PRIMARY KEY (user_id, role_code));"

	"CREATE TABLE session ("
	" token_hash TEXT PRIMARY KEY,"
	" user_id {{BIGINT}} NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,"
	" created_at {{BIGINT}} NOT NULL,"
	" last_seen {{BIGINT}} NOT NULL,"
	" expires_at {{BIGINT}} NOT NULL,"
	" ip TEXT,"
	" user_agent TEXT);"
	"CREATE INDEX session_by_user ON session(user_id);"

	"CREATE TABLE audit_log ("
	" seq {{BIGINT}} PRIMARY KEY,"
	" at {{BIGINT}} NOT NULL,"
	" actor_id {{BIGINT}},"
	" actor TEXT,"
	" ip TEXT,"
	" action TEXT NOT NULL,"
	" entity TEXT,"
	" entity_id TEXT,"
	" result TEXT NOT NULL,"
	" detail TEXT,"
	" prev_hash TEXT NOT NULL,"
	" hash TEXT NOT NULL);"
	"CREATE INDEX audit_log_actor ON audit_log(actor_id, seq);"
	"CREATE TABLE audit_head ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" seq {{BIGINT}} NOT NULL,"
	" hash TEXT NOT NULL);"
	"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');";

/* The audit log refuses UPDATE and DELETE inside the database as well; the
 * hash chain catches whoever goes around this. */
static const char m1_sqlite[] =
	"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
	" BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
	"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
	" BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;";

static const char m1_postgres[] =
	"CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;"
	"CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log"
	" FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();";

const struct migration migrations[] = {
	{1, "core: units, users, roles, sessions, audit", m1_core, m1_sqlite, m1_postgres},
};

const size_t migrations_count = sizeof migrations / sizeof migrations[0];
