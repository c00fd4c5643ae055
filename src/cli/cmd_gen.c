/*
 * cmd_gen.c — `tongxin gen`: benchmark data of a county or a province,
 * written through the record engine (domain/gen.c), with the time taken.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/audit.h"
#include "auth/keys.h"
#include "auth/password.h"
#include "auth/rbac.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/util.h"
#include "cli/cli.h"
#include "domain/gen.h"
#include "domain/record.h"
#include "domain/unit.h"
#include "model/validate.h"
#include "store/migrate.h"
#include "store/store.h"

int cmd_gen(const struct command *cmd, config *cfg, int argc, char **argv);

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(void *ctx, const char *phase, int64_t done, int64_t total, double secs)
{
	int64_t *last = ctx;
	/* One line per 100,000 people, and one at the end. */
	if (strcmp(phase, "people") != 0 || (done / 100000 == *last / 100000 && done != total))
		return;
	*last = done;
	fprintf(stderr, "tongxin: gen: %s %" PRId64 "/%" PRId64 " after %.1f s\n", phase, done, total, secs);
}

static int64_t count(store *db, const char *sql)
{
	int64_t n = 0;
	store_query_int(db, sql, &n);
	return n;
}

static tx_err audit_gen(store *db, const keys *k, const char *action, json_t *detail)
{
	char who[96];
	const char *login = getlogin();
	snprintf(who, sizeof who, "cli:%s", login ? login : "?");
	audit_entry e = {.actor = who, .ip = "local", .action = action, .result = "ok", .detail = detail};
	tx_err rc = store_begin(db);
	if (!rc)
		rc = audit_append(db, k, &e);
	if (!rc)
		rc = store_commit(db);
	if (rc)
		store_rollback(db);
	return rc;
}

static int gen_county_cmd(config *cfg, const gen_opts *o)
{
	store *db;
	keys k;
	if (cli_open(cfg, &db, &k, 1))
		return 1;
	int64_t root = count(db, "SELECT MIN(id) FROM unit WHERE parent_id IS NULL");
	gen_stats st;
	double t0 = mono();
	tx_err rc = store_begin(db);
	if (!rc)
		rc = gen_county(db, &k, root, o, &st);
	if (!rc)
		rc = store_commit(db);
	else
		store_rollback(db);
	double secs = mono() - t0;
	if (rc == TX_ENOTFOUND) {
		keys_wipe(&k);
		store_close(db);
		return cli_fail("%s holds no demo city: run `tongxin demo --db %s` first", cfg->db, cfg->db);
	}
	if (!rc) {
		json_t *d = json_pack("{s:s, s:I}", "size", "county", "organisations", (json_int_t)st.organisations);
		rc = audit_gen(db, &k, "gen.county", d);
		json_decref(d);
	}
	if (rc) {
		rc = cli_fail("could not generate: %s", store_errmsg(db));
	} else {
		fprintf(stderr, "tongxin: gen county: %" PRId64 " enterprises added (%" PRId64 " organisations in all) in %.2f s\n",
		        st.organisations, count(db, "SELECT COUNT(*) FROM organisation WHERE deleted = 0"), secs);
		printf("organisations_added\t%" PRId64 "\nseconds\t%.3f\n", st.organisations, secs);
	}
	keys_wipe(&k);
	store_close(db);
	return rc ? 1 : 0;
}

static int gen_province_cmd(const struct command *cmd, config *cfg, const gen_opts *o, const char *given)
{
	char *err = NULL;
	int created = 0;
	if (keys_create(cfg->keys, &created, &err)) {
		cli_fail("%s", err);
		free(err);
		return 1;
	}
	store *db;
	if (store_open(cfg->db, &db, &err)) {
		cli_fail("%s", err ? err : "cannot open the database");
		free(err);
		return 1;
	}
	int applied = 0;
	if (migrate_up(db, &applied, &err)) {
		cli_fail("%s", err);
		free(err);
		store_close(db);
		return 1;
	}
	if (count(db, "SELECT COUNT(*) FROM unit") > 0 || count(db, "SELECT COUNT(*) FROM app_user") > 0) {
		store_close(db);
		return cli_usage(cmd, "--size province needs a new, empty database; %s already holds data", cfg->db);
	}
	/* A large page cache while loading (this connection only). */
	if (store_kind_of(db) == STORE_SQLITE)
		store_exec(db, "PRAGMA cache_size = -1048576");
	keys k;
	if (keys_load(cfg->keys, &k, &err)) {
		cli_fail("%s", err);
		free(err);
		store_close(db);
		return 1;
	}
	int64_t root = 0;
	tx_err rc = store_begin(db);
	if (!rc)
		rc = rbac_seed(db);
	if (!rc)
		rc = unit_insert_raw(db, 0, "海岳省", "province", "370000000000", 0, 0, &root);
	if (!rc)
		rc = store_commit(db);
	else
		store_rollback(db);
	char *pw = given ? xstrdup(given) : password_generate();
	char *membuf = NULL;
	size_t memlen = 0;
	FILE *mem = open_memstream(&membuf, &memlen);
	gen_stats st;
	int64_t last = 0;
	gen_opts oo = *o;
	oo.progress = progress;
	oo.progress_ctx = &last;
	double t0 = mono();
	/* Millions of people: keep no rollups row by row, count them once at the end. */
	record_tally_defer(1);
	if (!rc)
		rc = gen_province(db, &k, root, pw, &oo, mem, &st);
	record_tally_defer(0);
	double tr = mono();
	if (!rc && !(rc = store_begin(db))) {
		rc = record_tally_rebuild(db);
		if (!rc)
			rc = store_commit(db);
		else
			store_rollback(db);
	}
	if (!rc)
		fprintf(stderr, "tongxin: gen: rollups counted in %.1f s\n", mono() - tr);
	double secs = mono() - t0;
	fclose(mem);
	if (!rc) {
		json_t *d = json_pack("{s:s, s:I, s:I}", "size", "province", "units", (json_int_t)st.units, "people",
		                      (json_int_t)st.people);
		rc = audit_gen(db, &k, "gen.province", d);
		json_decref(d);
	}
	if (rc) {
		rc = cli_fail("could not generate: %s", store_errmsg(db));
	} else {
		fprintf(stderr,
		        "tongxin: gen province 海岳省: %" PRId64 " units (%" PRId64 " cities, %" PRId64 " counties, %" PRId64
		        " towns, %" PRId64 " villages) in %.1f s; %" PRId64 " people (%" PRId64 " memberships, %" PRId64
		        " arrangements) in %.1f s (%.0f people/s), %" PRId64 " organisations, %" PRId64
		        " grid posts in %.1f s, %" PRId64 " accounts; %.1f s in all\n",
		        st.units + 1, st.cities, st.counties, st.towns, st.villages, st.units_secs, st.people,
		        st.memberships, st.arrangements, st.people_secs,
		        st.people_secs > 0 ? (double)st.people / st.people_secs : 0.0, st.organisations, st.posts,
		        st.grid_secs, st.users, secs);
		buf out = BUF_INIT;
		buf_puts(&out, "# benchmark sign-ins (username, password, role) — generated data only\n");
		buf_append(&out, membuf, memlen);
		fputs(out.data, stdout);
		printf("# units\t%" PRId64 "\n# people\t%" PRId64 "\n# units_seconds\t%.3f\n# people_seconds\t%.3f\n"
		       "# grid_seconds\t%.3f\n# seconds\t%.3f\n",
		       st.units + 1, st.people, st.units_secs, st.people_secs, st.grid_secs, secs);
		if (!util_starts_with(cfg->db, "postgres")) {
			char *path = xasprintf("%s.logins", cfg->db);
			if (util_write_file(path, out.data, out.len, 0600, 0))
				fprintf(stderr, "tongxin: could not write %s\n", path);
			free(path);
		}
		mem_wipe(out.data, out.len);
		buf_free(&out);
	}
	if (membuf) {
		mem_wipe(membuf, memlen);
		free(membuf);
	}
	mem_wipe(pw, strlen(pw));
	free(pw);
	keys_wipe(&k);
	store_close(db);
	return rc ? 1 : 0;
}

int cmd_gen(const struct command *cmd, config *cfg, int argc, char **argv)
{
	const char *size = cli_opt(argc, argv, "size");
	const char *people_s = cli_opt(argc, argv, "people");
	const char *orgs_s = cli_opt(argc, argv, "orgs");
	const char *batch_s = cli_opt(argc, argv, "batch");
	const char *seed_s = cli_opt(argc, argv, "seed");
	const char *given = cli_opt(argc, argv, "password");
	gen_opts o = {.people = 5000000, .orgs = 2000, .batch = 50000};
	int64_t seed = 0;
	if (!size || (strcmp(size, "county") != 0 && strcmp(size, "province") != 0))
		return cli_usage(cmd, "--size must be county or province");
	if (people_s && (util_parse_i64(people_s, &o.people) || o.people < 0 || o.people > 100000000))
		return cli_usage(cmd, "--people must be a number from 0 to 100000000");
	if (orgs_s && (util_parse_i64(orgs_s, &o.orgs) || o.orgs < 0 || o.orgs > 10000000))
		return cli_usage(cmd, "--orgs must be a number from 0 to 10000000");
	if (batch_s && (util_parse_i64(batch_s, &o.batch) || o.batch < 1))
		return cli_usage(cmd, "--batch must be a positive number");
	if (seed_s && util_parse_i64(seed_s, &seed))
		return cli_usage(cmd, "--seed must be a number");
	o.seed = (uint64_t)seed;
	if (given && validate_password(given, cfg->password_min, cfg->password_classes))
		return cli_usage(cmd, "--password does not meet the policy (%d characters, %d of 4 classes)",
		                 cfg->password_min, cfg->password_classes);
	if (strcmp(size, "county") == 0)
		return gen_county_cmd(cfg, &o);
	return gen_province_cmd(cmd, cfg, &o, given);
}
