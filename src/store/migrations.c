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
 * Import jobs (transfer_import.c): one row per uploaded file, with its progress,
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

/*
 * Cases (suggestions, proposals, enterprise requests, petitions, mediation):
 * one table for every type, its parties (leaders, signers, handling units,
 * submitters of merged cases), an append-only timeline, attachments,
 * in-app notices with an outbox for the sending interface, and the number
 * sequence. The flows themselves are code tables (src/domain/flows.c).
 */
static const char m6_cases[] =
	"CREATE TABLE cases ("
	" id {{ID}},"
	" type TEXT NOT NULL,"
	" no TEXT NOT NULL,"
	" title TEXT NOT NULL,"
	" content TEXT NOT NULL,"
	" state TEXT NOT NULL,"
	" unit_id {{BIGINT}} NOT NULL REFERENCES unit(id),"
	" unit_path {{PATH}} NOT NULL,"
	" submitter_id {{BIGINT}} NOT NULL REFERENCES app_user(id),"
	" org_id {{BIGINT}} REFERENCES organisation(id),"
	" enterprise_id {{BIGINT}} REFERENCES organisation(id),"
	" person_id {{BIGINT}} REFERENCES person(id),"
	" visit_id {{BIGINT}},"
	" channel TEXT,"
	" mode TEXT,"
	" lead_unit_id {{BIGINT}} REFERENCES unit(id),"
	" lead_unit_path {{PATH}},"
	" deadline TEXT,"
	" extended INTEGER NOT NULL DEFAULT 0,"
	" round INTEGER NOT NULL DEFAULT 1,"
	" result_class TEXT,"
	" answer TEXT,"
	" rating TEXT,"
	" reason TEXT,"
	" merged_into {{BIGINT}} REFERENCES cases(id),"
	" submitted_at {{BIGINT}},"
	" registered_at {{BIGINT}},"
	" assigned_at {{BIGINT}},"
	" answered_at {{BIGINT}},"
	" answered_date TEXT,"
	" closed_at {{BIGINT}},"
	" version INTEGER NOT NULL DEFAULT 1,"
	" deleted INTEGER NOT NULL DEFAULT 0,"
	" created_at {{BIGINT}} NOT NULL,"
	" updated_at {{BIGINT}} NOT NULL);"
	"CREATE UNIQUE INDEX cases_no ON cases(no);"
	"CREATE INDEX cases_scope ON cases(unit_path, id);"
	"CREATE INDEX cases_lead ON cases(lead_unit_path, id);"
	"CREATE INDEX cases_submitter ON cases(submitter_id, id);"
	"CREATE INDEX cases_type ON cases(type, state);"

	"CREATE TABLE case_party ("
	" id {{ID}},"
	" case_id {{BIGINT}} NOT NULL REFERENCES cases(id),"
	" role TEXT NOT NULL,"
	" user_id {{BIGINT}} REFERENCES app_user(id),"
	" unit_id {{BIGINT}} REFERENCES unit(id),"
	" unit_path {{PATH}},"
	" done INTEGER NOT NULL DEFAULT 0,"
	" answer TEXT,"
	" done_at {{BIGINT}});"
	"CREATE INDEX case_party_case ON case_party(case_id, role);"
	"CREATE INDEX case_party_user ON case_party(user_id);"
	"CREATE INDEX case_party_unit ON case_party(unit_path);"

	"CREATE TABLE case_event ("
	" id {{ID}},"
	" case_id {{BIGINT}} NOT NULL REFERENCES cases(id),"
	" at {{BIGINT}} NOT NULL,"
	" actor_id {{BIGINT}} REFERENCES app_user(id),"
	" actor_name TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" from_state TEXT,"
	" to_state TEXT NOT NULL,"
	" comment TEXT,"
	" detail TEXT,"
	" file_ids TEXT);"
	"CREATE INDEX case_event_case ON case_event(case_id, id);"

	"CREATE TABLE case_file ("
	" id {{ID}},"
	" case_id {{BIGINT}} NOT NULL REFERENCES cases(id),"
	" name TEXT NOT NULL,"
	" mime TEXT NOT NULL,"
	" size {{BIGINT}} NOT NULL,"
	" sha256 TEXT NOT NULL,"
	" data {{BLOB}} NOT NULL,"
	" event_id {{BIGINT}},"
	" created_by {{BIGINT}} NOT NULL REFERENCES app_user(id),"
	" created_at {{BIGINT}} NOT NULL);"
	"CREATE INDEX case_file_case ON case_file(case_id, id);"

	"CREATE TABLE case_seq ("
	" type TEXT NOT NULL,"
	" year INTEGER NOT NULL,"
	" n INTEGER NOT NULL,"
	" PRIMARY KEY (type, year));"

	"CREATE TABLE notice ("
	" id {{ID}},"
	" user_id {{BIGINT}} NOT NULL REFERENCES app_user(id),"
	" case_id {{BIGINT}} REFERENCES cases(id),"
	" kind TEXT NOT NULL,"
	" title TEXT NOT NULL,"
	" body TEXT,"
	" created_at {{BIGINT}} NOT NULL,"
	" read_at {{BIGINT}});"
	"CREATE INDEX notice_user ON notice(user_id, id);"
	"CREATE TABLE notice_outbox ("
	" notice_id {{BIGINT}} NOT NULL REFERENCES notice(id),"
	" sink TEXT NOT NULL,"
	" sent_at {{BIGINT}},"
	" error TEXT,"
	" PRIMARY KEY (notice_id, sink));"

	/* Leaders paired with enterprises (联系服务) and their visits. */
	"CREATE TABLE leader_link (" REC_HEAD
	" leader_name TEXT NOT NULL, leader_post TEXT, enterprise_id {{BIGINT}} NOT NULL REFERENCES organisation(id),"
	" rhythm TEXT, start_date TEXT, note TEXT," REC_TAIL ");"
	SCOPE_INDEX("leader_link")
	"CREATE TABLE enterprise_visit (" REC_HEAD
	" enterprise_id {{BIGINT}} NOT NULL REFERENCES organisation(id), leader_name TEXT NOT NULL, visit_date TEXT NOT NULL,"
	" participants TEXT, content TEXT, problems TEXT," REC_TAIL ");"
	SCOPE_INDEX("enterprise_visit");

static const char m6_sqlite[] =
	"CREATE TRIGGER case_event_no_update BEFORE UPDATE ON case_event"
	" BEGIN SELECT RAISE(ABORT, 'case_event is append-only'); END;"
	"CREATE TRIGGER case_event_no_delete BEFORE DELETE ON case_event"
	" BEGIN SELECT RAISE(ABORT, 'case_event is append-only'); END;";

static const char m6_postgres[] =
	"CREATE FUNCTION case_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN RAISE EXCEPTION 'case_event is append-only'; END $$;"
	"CREATE TRIGGER case_event_no_change BEFORE UPDATE OR DELETE ON case_event"
	" FOR EACH ROW EXECUTE FUNCTION case_event_append_only();"
	"CREATE TRIGGER case_event_no_truncate BEFORE TRUNCATE ON case_event"
	" FOR EACH STATEMENT EXECUTE FUNCTION case_event_append_only();";


/*
 * Rollups of people (record.c, "rollups"): for each unit the live people
 * of the unit and its whole subtree — in all (dim ''), per category (dim
 * 'categories', value the code) and per flag (value 'true') — kept in the
 * transaction of every write that changes a person, so a grouped count of
 * any subtree is one index look-up instead of a scan. No foreign key: a
 * row may outlive its unit at n = 0. Filled here from what is there: each
 * unit's own people first, then every unit sums its subtree's units.
 */
static const char m7_person_tally[] =
	"CREATE TABLE person_tally ("
	" unit_id {{BIGINT}} NOT NULL,"
	" dim TEXT NOT NULL,"
	" value TEXT NOT NULL,"
	" n {{BIGINT}} NOT NULL,"
	" PRIMARY KEY (unit_id, dim, value));"
	"CREATE TABLE person_tally_own (unit_id {{BIGINT}} NOT NULL, dim TEXT NOT NULL, value TEXT NOT NULL,"
	" n {{BIGINT}} NOT NULL);"
	"INSERT INTO person_tally_own (unit_id, dim, value, n)"
	" SELECT unit_id, '', '', COUNT(*) FROM person WHERE deleted = 0 GROUP BY unit_id;"
	"INSERT INTO person_tally_own (unit_id, dim, value, n)"
	" SELECT p.unit_id, 'categories', c.v, COUNT(*) FROM person p JOIN ("
	"SELECT '01' AS v UNION ALL SELECT '02' UNION ALL SELECT '03' UNION ALL SELECT '04' UNION ALL SELECT '05'"
	" UNION ALL SELECT '06' UNION ALL SELECT '07' UNION ALL SELECT '08' UNION ALL SELECT '09' UNION ALL SELECT '10'"
	" UNION ALL SELECT '11' UNION ALL SELECT '12'"
	") c ON p.categories LIKE '%,' || c.v || ',%' WHERE p.deleted = 0 GROUP BY p.unit_id, c.v;"
	"INSERT INTO person_tally_own (unit_id, dim, value, n) SELECT unit_id, 'is_representative', 'true', COUNT(*)"
	" FROM person WHERE deleted = 0 AND is_representative <> 0 GROUP BY unit_id;"
	"INSERT INTO person_tally_own (unit_id, dim, value, n) SELECT unit_id, 'is_reserve_cadre', 'true', COUNT(*)"
	" FROM person WHERE deleted = 0 AND is_reserve_cadre <> 0 GROUP BY unit_id;"
	"CREATE INDEX person_tally_own_unit ON person_tally_own(unit_id);"
	"INSERT INTO person_tally (unit_id, dim, value, n)"
	" SELECT a.id, o.dim, o.value, SUM(o.n) FROM unit a"
	" JOIN unit d ON d.path >= a.path AND d.path < substr(a.path, 1, length(a.path) - 1) || '0'"
	" JOIN person_tally_own o ON o.unit_id = d.id GROUP BY a.id, o.dim, o.value;"
	"DROP TABLE person_tally_own;";

/*
 * A clean dry run's plan for its commit: the rows as checked (converted,
 * validated, what to do with each), deflated and sealed like the file
 * (domain/transfer_import.c, "the plan").
 */
static const char m8_import_plan[] = "ALTER TABLE import_job ADD COLUMN plan {{BLOB}};";

const struct migration migrations[] = {
	{1, "core: units, users, roles, sessions, audit", m1_core, m1_sqlite, m1_postgres},
	{2, "registry: people, sub-records, organisations, memberships, grid posts", m2_registry, NULL, NULL},
	{3, "import jobs", m3_import_job, NULL, NULL},
	{4, "person photos", m4_photo, NULL, NULL},
	{5, "local dictionaries", m5_local_dict, NULL, NULL},
	{6, "cases: workflow, timeline, files, notices; leader links and visits", m6_cases, m6_sqlite, m6_postgres},
	{7, "rollups: people per unit subtree by category and flag", m7_person_tally, NULL, NULL},
	{8, "import jobs keep their dry run's plan", m8_import_plan, NULL, NULL},
};

const size_t migrations_count = sizeof migrations / sizeof migrations[0];
