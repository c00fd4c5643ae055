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
	" FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();"
	"CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log"
	" FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();";


/* Columns every registry record has; the model's fields come between. */
#define REC_HEAD " id {{ID}}, unit_id {{BIGINT}} NOT NULL REFERENCES unit(id), unit_path {{PATH}} NOT NULL,"
#define REC_TAIL                                                                                                     \
	" version INTEGER NOT NULL DEFAULT 1, deleted INTEGER NOT NULL DEFAULT 0,"                                    \
	" created_at {{BIGINT}} NOT NULL, created_by {{BIGINT}}, updated_at {{BIGINT}} NOT NULL, updated_by {{BIGINT}}"
#define SUB_HEAD REC_HEAD " person_id {{BIGINT}} NOT NULL REFERENCES person(id),"
#define SCOPE_INDEX(t) "CREATE INDEX " t "_scope ON " t "(unit_path, id);"
#define PERSON_INDEX(t) "CREATE INDEX " t "_person ON " t "(person_id);"

static const char m2_registry[] =
	"ALTER TABLE unit ADD COLUMN quota INTEGER;"
	"ALTER TABLE unit ADD COLUMN actual_staff INTEGER;"

	"CREATE TABLE person (" REC_HEAD
	" name TEXT NOT NULL, gender TEXT, birth_date TEXT,"
	" id_number TEXT, id_number_bidx TEXT,"
	" ethnicity TEXT, ethnicity_bidx TEXT, political TEXT, political_bidx TEXT,"
	" party TEXT, party_bidx TEXT, religion TEXT, religion_bidx TEXT,"
	" education TEXT, categories TEXT, new_class_group TEXT, workplace TEXT, job_title TEXT,"
	" phone TEXT, address TEXT, is_representative INTEGER NOT NULL DEFAULT 0,"
	" is_reserve_cadre INTEGER NOT NULL DEFAULT 0, cadre_rank TEXT, notes TEXT," REC_TAIL ");"
	SCOPE_INDEX("person")
	"CREATE UNIQUE INDEX person_id_number ON person(id_number_bidx) WHERE deleted = 0 AND id_number_bidx IS NOT NULL;"
	"CREATE INDEX person_name ON person(name);"
	"CREATE INDEX person_party ON person(party_bidx, unit_path);"

	"CREATE TABLE person_arrangement (" SUB_HEAD
	" kind TEXT NOT NULL, level TEXT, body TEXT, sector TEXT, start_date TEXT, end_date TEXT, notes TEXT,"
	REC_TAIL ");" SCOPE_INDEX("person_arrangement") PERSON_INDEX("person_arrangement")

	"CREATE TABLE person_post (" SUB_HEAD
	" organisation TEXT NOT NULL, post TEXT NOT NULL, level TEXT, is_head INTEGER NOT NULL DEFAULT 0,"
	" start_date TEXT, end_date TEXT," REC_TAIL ");" SCOPE_INDEX("person_post") PERSON_INDEX("person_post")

	"CREATE TABLE person_training (" SUB_HEAD
	" title TEXT NOT NULL, organiser TEXT, start_date TEXT, end_date TEXT, hours {{BIGINT}},"
	REC_TAIL ");" SCOPE_INDEX("person_training") PERSON_INDEX("person_training")

	"CREATE TABLE person_temp_post (" SUB_HEAD
	" organisation TEXT NOT NULL, post TEXT NOT NULL, start_date TEXT, end_date TEXT,"
	REC_TAIL ");" SCOPE_INDEX("person_temp_post") PERSON_INDEX("person_temp_post")

	"CREATE TABLE person_rotation (" SUB_HEAD
	" from_post TEXT, to_post TEXT NOT NULL, date TEXT," REC_TAIL ");"
	SCOPE_INDEX("person_rotation") PERSON_INDEX("person_rotation")

	"CREATE TABLE person_resume (" SUB_HEAD
	" start_date TEXT, end_date TEXT, organisation TEXT NOT NULL, post TEXT," REC_TAIL ");"
	SCOPE_INDEX("person_resume") PERSON_INDEX("person_resume")

	"CREATE TABLE person_award (" SUB_HEAD
	" title TEXT NOT NULL, level TEXT, date TEXT," REC_TAIL ");"
	SCOPE_INDEX("person_award") PERSON_INDEX("person_award")

	"CREATE TABLE person_family (" SUB_HEAD
	" relation TEXT NOT NULL, name TEXT NOT NULL, workplace TEXT, political TEXT," REC_TAIL ");"
	SCOPE_INDEX("person_family") PERSON_INDEX("person_family")

	"CREATE TABLE organisation (" REC_HEAD
	" name TEXT NOT NULL, kind TEXT NOT NULL, party TEXT, chamber_kind TEXT, enterprise_kind TEXT,"
	" credit_code TEXT, parent_org_id {{BIGINT}} REFERENCES organisation(id), address TEXT, contact_name TEXT,"
	" contact_phone TEXT, founded_date TEXT, member_count {{BIGINT}}, area {{BIGINT}}, investment {{BIGINT}},"
	" notes TEXT," REC_TAIL ");"
	SCOPE_INDEX("organisation")
	"CREATE INDEX organisation_kind ON organisation(kind, unit_path);"
	"CREATE UNIQUE INDEX organisation_credit_code ON organisation(credit_code) WHERE deleted = 0 AND credit_code IS NOT NULL;"

	"CREATE TABLE membership (" SUB_HEAD
	" organisation_id {{BIGINT}} NOT NULL REFERENCES organisation(id), role TEXT, start_date TEXT, end_date TEXT,"
	REC_TAIL ");" SCOPE_INDEX("membership") PERSON_INDEX("membership")
	"CREATE INDEX membership_org ON membership(organisation_id);"

	"CREATE TABLE grid_post (" REC_HEAD
	" kind TEXT NOT NULL, holder_name TEXT NOT NULL, person_id {{BIGINT}} REFERENCES person(id),"
	" user_id {{BIGINT}} REFERENCES app_user(id), phone TEXT, start_date TEXT, end_date TEXT," REC_TAIL ");"
	SCOPE_INDEX("grid_post")
	"CREATE INDEX grid_post_unit ON grid_post(unit_id, kind);";

/*
 * Import jobs (transfer.c): one row per uploaded file, with its progress,
 * the first errors found (JSON) and the counts. The file itself is kept
 * sealed (XChaCha20-Poly1305 under a key derived from the field key) only
 * until the job ends. At most one job per user is running at a time.
 */
static const char m3_import_job[] =
	"CREATE TABLE import_job ("
	" id {{ID}},"
	" entity TEXT NOT NULL,"
	" user_id {{BIGINT}} NOT NULL REFERENCES app_user(id),"
	" unit_path {{PATH}} NOT NULL,"
	" mode TEXT NOT NULL,"
	" format TEXT NOT NULL,"
	" lang TEXT NOT NULL,"
	" status TEXT NOT NULL,"
	" total_rows {{BIGINT}} NOT NULL DEFAULT 0,"
	" processed_rows {{BIGINT}} NOT NULL DEFAULT 0,"
	" error_count {{BIGINT}} NOT NULL DEFAULT 0,"
	" errors TEXT,"
	" planned TEXT,"
	" result TEXT,"
	" message TEXT,"
	" file {{BLOB}},"
	" file_size {{BIGINT}} NOT NULL DEFAULT 0,"
	" created_at {{BIGINT}} NOT NULL,"
	" updated_at {{BIGINT}} NOT NULL,"
	" finished_at {{BIGINT}});"
	"CREATE INDEX import_job_user ON import_job(user_id, id);"
	"CREATE UNIQUE INDEX import_job_running ON import_job(user_id) WHERE status IN ('validating', 'committing');";

/* A person's photo: sealed like every piece of personal data. */
static const char m4_photo[] =
	"CREATE TABLE person_photo ("
	" person_id {{BIGINT}} PRIMARY KEY REFERENCES person(id),"
	" content_type TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" data TEXT NOT NULL,"
	" updated_at {{BIGINT}} NOT NULL,"
	" updated_by {{BIGINT}});";

/* Dictionaries that staff add themselves (a town's own checklist items …). */
static const char m5_local_dict[] =
	"CREATE TABLE local_dict ("
	" code TEXT PRIMARY KEY,"
	" name_zh TEXT NOT NULL,"
	" name_en TEXT,"
	" unit_id {{BIGINT}} NOT NULL REFERENCES unit(id),"
	" unit_path {{PATH}} NOT NULL,"
	" version INTEGER NOT NULL DEFAULT 1,"
	" created_at {{BIGINT}} NOT NULL, created_by {{BIGINT}}, updated_at {{BIGINT}} NOT NULL, updated_by {{BIGINT}});"
	"CREATE TABLE local_dict_item ("
	" dict_code TEXT NOT NULL REFERENCES local_dict(code) ON DELETE CASCADE,"
	" value TEXT NOT NULL,"
	" label_zh TEXT NOT NULL,"
	" label_en TEXT,"
	" sort INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (dict_code, value));";

const struct migration migrations[] = {
	{1, "core: units, users, roles, sessions, audit", m1_core, m1_sqlite, m1_postgres},
	{2, "registry: people, sub-records, organisations, memberships, grid posts", m2_registry, NULL, NULL},
	{3, "import jobs", m3_import_job, NULL, NULL},
	{4, "person photos", m4_photo, NULL, NULL},
	{5, "local dictionaries", m5_local_dict, NULL, NULL},
};

const size_t migrations_count = sizeof migrations / sizeof migrations[0];
