/*
 * cmd_db.c — init, migrate, demo and version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/keys.h"
#include "auth/password.h"
#include "auth/rbac.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/util.h"
#include "cli/cli.h"
#include "domain/demo.h"
#include "domain/unit.h"
#include "domain/user.h"
#include "model/model.h"
#include "model/validate.h"
#include "store/migrate.h"
#include "store/store.h"

#ifndef TONGXIN_VERSION
#define TONGXIN_VERSION "0.1.0"
#endif

int cmd_version(const struct command *cmd, config *cfg, int argc, char **argv)
{
	(void)cmd;
	(void)cfg;
	(void)argc;
	(void)argv;
	printf("tongxin %s (schema %d)\n", TONGXIN_VERSION, migrate_latest());
	return 0;
}

/* Migrate and seed roles; shared by init, migrate and demo. */
static int prepare_db(config *cfg, store **db)
{
	char *err = NULL;
	if (store_open(cfg->db, db, &err)) {
		cli_fail("%s", err ? err : "cannot open the database");
		free(err);
		return 1;
	}
	int applied = 0;
	if (migrate_up(*db, &applied, &err)) {
		cli_fail("%s", err);
		free(err);
		store_close(*db);
		return 1;
	}
	if (store_begin(*db) || rbac_seed(*db) || store_commit(*db)) {
		cli_fail("cannot write the built-in roles: %s", store_errmsg(*db));
		store_rollback(*db);
		store_close(*db);
		return 1;
	}
	return 0;
}

static int make_keys(config *cfg)
{
	int created = 0;
	char *err = NULL;
	if (keys_create(cfg->keys, &created, &err)) {
		cli_fail("%s", err);
		free(err);
		return 1;
	}
	if (created)
		fprintf(stderr, "tongxin: created %d key file(s) in %s — back this directory up apart from the database\n",
		        created, cfg->keys);
	return 0;
}

static int64_t root_unit(store *db)
{
	int64_t id = 0;
	if (store_query_int(db, "SELECT MIN(id) FROM unit WHERE parent_id IS NULL", &id))
		return 0;
	return id;
}

static int64_t count_users(store *db)
{
	int64_t n = 0;
	store_query_int(db, "SELECT COUNT(*) FROM app_user", &n);
	return n;
}

/*
 * The root unit and the three administrators, if the database has none.
 * Passwords: `fixed` for all three, or one random each. Prints sign-ins.
 */
static int bootstrap(store *db, const char *name, const char *code, const char *kind, const char *fixed,
                     int must_change, FILE *out, int with_role)
{
	if (count_users(db) > 0)
		return 0;
	int rc = store_begin(db);
	int64_t root = root_unit(db);
	if (!rc && !root)
		rc = unit_insert_raw(db, 0, name, kind, code, 0, 0, &root);
	static const struct {
		const char *username, *name, *role;
	} admins[] = {{"admin", "系统管理员", "sysadmin"}, {"secadmin", "安全管理员", "secadmin"}, {"auditor", "审计管理员", "auditor"}};
	char *pw[3] = {0};
	for (int i = 0; !rc && i < 3; i++) {
		const char *roles[] = {admins[i].role, NULL};
		pw[i] = fixed ? xstrdup(fixed) : password_generate();
		int64_t id;
		rc = user_insert_raw(db, admins[i].username, admins[i].name, root, roles, pw[i], must_change, 0, &id);
	}
	if (!rc)
		rc = store_commit(db);
	if (rc) {
		store_rollback(db);
		for (int i = 0; i < 3; i++)
			free(pw[i]);
		return cli_fail("cannot create the administrator accounts: %s", store_errmsg(db));
	}
	for (int i = 0; i < 3; i++) {
		if (with_role)
			fprintf(out, "%s\t%s\t%s\n", admins[i].username, pw[i], admins[i].role);
		else
			fprintf(out, "%s\t%s\n", admins[i].username, pw[i]);
		mem_wipe(pw[i], strlen(pw[i]));
		free(pw[i]);
	}
	return 0;
}

int cmd_init(const struct command *cmd, config *cfg, int argc, char **argv)
{
	const char *name = cli_opt(argc, argv, "name");
	const char *code = cli_opt(argc, argv, "code");
	const char *kind = cli_opt(argc, argv, "kind");
	if (!name)
		name = "本级";
	if (!kind)
		kind = "city";
	if (!model_dict_item("unit_kind", kind))
		return cli_usage(cmd, "--kind %s is not a unit kind", kind);
	if (code && validate_division_code(code))
		return cli_usage(cmd, "--code must be a 12-digit division code");
	if (!*name || strlen(name) > 192)
		return cli_usage(cmd, "--name must be 1–64 characters");
	char *fixed = NULL;
	if (cli_switch(argc, argv, "password-stdin")) {
		fixed = cli_read_stdin_line();
		if (!fixed || validate_password(fixed, cfg->password_min, cfg->password_classes)) {
			free(fixed);
			return cli_fail("the password from standard input does not meet the policy (%d characters, %d classes)",
			                cfg->password_min, cfg->password_classes);
		}
	}
	if (make_keys(cfg)) {
		free(fixed);
		return 1;
	}
	store *db;
	if (prepare_db(cfg, &db)) {
		free(fixed);
		return 1;
	}
	int rc = 0;
	if (count_users(db) > 0) {
		fprintf(stderr, "tongxin: %s is already initialised; nothing changed\n", cfg->db);
	} else {
		printf("# one-time passwords: shown once, to be changed at first sign-in\n");
		rc = bootstrap(db, name, code, kind, fixed, 1, stdout, 0);
	}
	if (fixed) {
		mem_wipe(fixed, strlen(fixed));
		free(fixed);
	}
	store_close(db);
	return rc;
}

int cmd_migrate(const struct command *cmd, config *cfg, int argc, char **argv)
{
	(void)cmd;
	(void)argv;
	if (argc)
		return cli_usage(cmd, "unexpected argument %s", argv[0]);
	store *db;
	if (prepare_db(cfg, &db))
		return 1;
	int v = 0;
	migrate_current(db, &v);
	printf("schema at version %d\n", v);
	store_close(db);
	return 0;
}

int cmd_demo(const struct command *cmd, config *cfg, int argc, char **argv)
{
	const char *given = cli_opt(argc, argv, "password");
	const char *people_s = cli_opt(argc, argv, "people");
	int64_t people = 30000;
	if (people_s && (util_parse_i64(people_s, &people) || people < 0 || people > 10000000))
		return cli_usage(cmd, "--people must be a number from 0 to 10000000");
	const char *cases_s = cli_opt(argc, argv, "cases");
	int64_t cases = 400;
	if (cases_s && (util_parse_i64(cases_s, &cases) || cases < 0 || cases > 1000000))
		return cli_usage(cmd, "--cases must be a number from 0 to 1000000");
	if (given && validate_password(given, cfg->password_min, cfg->password_classes))
		return cli_usage(cmd, "--password does not meet the policy (%d characters, %d of 4 classes)",
		                 cfg->password_min, cfg->password_classes);
	char *pw = given ? xstrdup(given) : password_generate();
	if (make_keys(cfg)) {
		free(pw);
		return 1;
	}
	store *db;
	if (prepare_db(cfg, &db)) {
		free(pw);
		return 1;
	}
	char *logins_path = xasprintf("%s.logins", cfg->db);
	char *membuf = NULL;
	size_t memlen = 0;
	FILE *mem = open_memstream(&membuf, &memlen);
	int rc = 0;
	int64_t children = 0, root0 = root_unit(db);
	store_stmt *cst;
	if (root0 && store_prepare(db, "SELECT COUNT(*) FROM unit WHERE parent_id = ?", &cst) == TX_OK) {
		store_bind_int(cst, 1, root0);
		if (store_step(cst) == STORE_ROW)
			children = store_col_int(cst, 0);
		store_finalize(cst);
	}
	if (children > 0) {
		fprintf(stderr, "tongxin: demo data is already present in %s; nothing changed\n", cfg->db);
		fclose(mem);
		free(membuf);
		free(logins_path);
		mem_wipe(pw, strlen(pw));
		free(pw);
		store_close(db);
		return 0;
	}
	int64_t fresh = count_users(db) == 0;
	if (fresh)
		rc = bootstrap(db, "海岳市", "370699000000", "city", pw, 0, mem, 1);
	else
		fprintf(stderr, "tongxin: %s already has accounts; the administrators' passwords stay as they are\n",
		        cfg->db);
	demo_stats st = {0};
	if (!rc) {
		int64_t root = root_unit(db);
		keys k;
		char *kerr = NULL;
		if (keys_load(cfg->keys, &k, &kerr)) {
			rc = cli_fail("%s", kerr);
			free(kerr);
		} else if (store_begin(db) == TX_OK) {
			rc = demo_build(db, &k, root, pw, (int)people, (int)cases, mem, &st);
			if (rc == TX_OK)
				rc = store_commit(db);
			else
				store_rollback(db);
			keys_wipe(&k);
		} else {
			keys_wipe(&k);
			rc = TX_EDB;
		}
	}
	if (rc == TX_ECONFLICT) {
		fprintf(stderr, "tongxin: demo data is already present in %s; nothing added\n", cfg->db);
		rc = 0;
	} else if (rc) {
		rc = cli_fail("could not build the demo city: %s", store_errmsg(db));
	} else {
		fprintf(stderr,
		        "tongxin: demo city 海岳市: %d units (%d towns, %d villages/communities, %d departments), %d demo accounts,"
		        " %d people, %d organisations, %d grid posts, %d cases\n",
		        st.units, st.towns, st.villages, st.departments, st.users, st.people, st.organisations, st.posts,
		        st.cases);
		/* Print and keep the sign-ins (0600) so `make run` can show them again. */
		fflush(mem);
		buf out = BUF_INIT;
		buf_puts(&out, "# demo sign-ins (username, password, role) — demo data only\n");
		buf_append(&out, membuf, memlen);
		fputs(out.data, stdout);
		if (!util_starts_with(cfg->db, "postgres") && util_write_file(logins_path, out.data, out.len, 0600, 0))
			fprintf(stderr, "tongxin: could not write %s\n", logins_path);
		mem_wipe(out.data, out.len);
		buf_free(&out);
	}
	fclose(mem);
	if (membuf) {
		mem_wipe(membuf, memlen);
		free(membuf);
	}
	free(logins_path);
	mem_wipe(pw, strlen(pw));
	free(pw);
	store_close(db);
	return rc ? 1 : 0;
}
