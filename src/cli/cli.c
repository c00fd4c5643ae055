/*
 * cli.c — the command table, help, and dispatch (see cli.h).
 */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/keys.h"
#include "base/log.h"
#include "base/mem.h"
#include "cli/settings.h"
#include "store/migrate.h"
#include "store/store.h"

static const char *const init_extra[] = {"password-stdin", "name", "code", "kind", NULL};
static const char *const demo_extra[] = {"password", "people", "cases", NULL};
static const char *const user_add_extra[] = {"username", "name", "unit", "role", "password-stdin", NULL};
static const char *const user_passwd_extra[] = {"password-stdin", NULL};
static const char *const gen_extra[] = {"size", "people", "orgs", "password", "batch", "seed", NULL};
int cmd_gen(const struct command *cmd, config *cfg, int argc, char **argv); /* cmd_gen.c */

/* clang-format off */
static const struct command commands[] = {
	{"init", NULL, cmd_init, "[--name NAME] [--code CODE] [--kind KIND] [--password-stdin]",
	 "create the schema, the keys and the three administrator accounts", SG_DB, init_extra,
	 "Creates the database schema, the key directory (mode 0700, key files 0600) and the root unit,\n"
	 "then the accounts admin (system administrator), secadmin (security administrator) and auditor,\n"
	 "each with a one-time password printed once that must be changed at first sign-in.\n"
	 "With --password-stdin the one-time password is read from standard input instead.\n"
	 "Running init again on an initialised database changes nothing and says so."},
	{"serve", NULL, cmd_serve, "", "serve the web UI and the API", SG_DB | SG_SERVE | SG_POLICY, NULL,
	 "Stops cleanly on SIGTERM or SIGINT: requests in flight finish, the database is closed, exit 0."},
	{"migrate", NULL, cmd_migrate, "", "apply pending schema migrations", SG_DB, NULL, NULL},
	{"demo", NULL, cmd_demo, "[--password P] [--people N] [--cases N]", "create the fictional demo city with one account per role", SG_DB,
	 demo_extra,
	 "Initialises the database if needed, then builds 海岳市 (14 towns, ~1,000 villages, departments,\n"
	 "parties, chambers), N people on record (default 30000) with organisations and the grid's posts\n"
	 "(a few gaps on purpose), N cases (default 400) walked through their flows with past dates, and\n"
	 "one account per role. Without --password a random one is made.\n"
	 "The sign-ins are printed and kept in <db>.logins (mode 0600). Demo data only: never in production."},
	{"gen", NULL, cmd_gen, "--size county|province [--people N] [--orgs N] [--password P] [--batch N] [--seed N]",
	 "generate benchmark data (a county's organisations, or a whole province) and time it", SG_DB, gen_extra,
	 "--size county tops up a demo database (`tongxin demo`) with enterprises to --orgs organisations\n"
	 "(default 2000). --size province builds a fictional province in a new database: 16 cities, ~140\n"
	 "counties, ~1,800 towns, ~70,000 villages, --people people (default 5000000) with memberships,\n"
	 "political arrangements, organisations and the grid's posts, and the accounts staff, city1, county1,\n"
	 "town1 and admin (sign-ins printed and kept in <db>.logins). Every record is checked against the model\n"
	 "and written by the record engine (sealed fields, blind indexes), --batch rows per transaction\n"
	 "(default 50000). The same --seed gives the same data. Benchmarks only: never in production."},
	{"user", "add", cmd_user, "--username U --name NAME --unit ID --role ROLE [--password-stdin]",
	 "add a user (the password must be changed at first sign-in)", SG_DB, user_add_extra, NULL},
	{"user", "passwd", cmd_user, "USERNAME [--password-stdin]", "set a user's password (must be changed at next sign-in)",
	 SG_DB, user_passwd_extra, NULL},
	{"user", "lock", cmd_user, "USERNAME", "disable an account and end its sessions", SG_DB, NULL, NULL},
	{"user", "unlock", cmd_user, "USERNAME", "enable an account and clear its lockout", SG_DB, NULL, NULL},
	{"user", "list", cmd_user, "", "list accounts with their roles", SG_DB, NULL, NULL},
	{"audit", "verify", cmd_audit_verify, "", "check the audit chain; exit 1 naming the first broken entry", SG_DB, NULL,
	 NULL},
	{"version", NULL, cmd_version, "", "print the version", 0, NULL, NULL},
};
/* clang-format on */

#define NCOMMANDS (sizeof commands / sizeof commands[0])

int cli_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("tongxin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int cli_usage(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs("tongxin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: tongxin %s%s%s %s\n", cmd->name, cmd->sub ? " " : "", cmd->sub ? cmd->sub : "",
	        cmd->usage);
	return 2;
}

static void print_overview(FILE *out)
{
	fprintf(out, "tongxin — 同心 基层统战工作平台: server, command line and administration tool\n\n"
	             "usage: tongxin COMMAND [options]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char name[64];
		snprintf(name, sizeof name, "%s%s%s", commands[i].name, commands[i].sub ? " " : "",
		         commands[i].sub ? commands[i].sub : "");
		fprintf(out, "  %-16s %s\n", name, commands[i].summary);
	}
	fprintf(out, "\nEvery command takes --help. Settings come from flags, TONGXIN_* environment variables\n"
	             "and an optional --config file; `tongxin serve --help` lists them all.\n");
}

static void print_command_help(const struct command *c, FILE *out)
{
	fprintf(out, "usage: tongxin %s%s%s %s\n\n%s.\n", c->name, c->sub ? " " : "", c->sub ? c->sub : "", c->usage,
	        c->summary);
	if (c->help)
		fprintf(out, "\n%s\n", c->help);
	if (c->groups) {
		fprintf(out, "\nsettings:\n");
		settings_help(out, c->groups);
	}
}

int cli_open(config *cfg, store **db, keys *k, int need_keys)
{
	char *err = NULL;
	if (store_open(cfg->db, db, &err)) {
		cli_fail("%s", err ? err : "cannot open the database");
		free(err);
		return 1;
	}
	int cur = 0;
	if (migrate_current(*db, &cur)) {
		cli_fail("cannot read the schema version of %s: %s (a new database needs `tongxin init`)", cfg->db,
		         store_errmsg(*db));
		store_close(*db);
		*db = NULL;
		return 1;
	}
	if (cur != migrate_latest()) {
		cli_fail("the database schema is at version %d, this binary needs %d: run `tongxin %s`", cur,
		         migrate_latest(), cur == 0 ? "init" : "migrate");
		store_close(*db);
		*db = NULL;
		return 1;
	}
	if (need_keys && keys_load(cfg->keys, k, &err)) {
		cli_fail("%s", err);
		free(err);
		store_close(*db);
		*db = NULL;
		return 1;
	}
	return 0;
}

int cli_main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return cli_fail("libsodium failed to initialise");
	if (argc < 2) {
		print_overview(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		if (argc > 2 && argv[2][0] != '-') {
			for (size_t i = 0; i < NCOMMANDS; i++)
				if (strcmp(commands[i].name, argv[2]) == 0 &&
				    (!commands[i].sub || argc < 4 || strcmp(commands[i].sub, argv[3]) == 0)) {
					print_command_help(&commands[i], stdout);
					return 0;
				}
			return cli_fail("no command %s (see tongxin help)", argv[2]);
		}
		print_overview(stdout);
		return 0;
	}
	if (strcmp(name, "--version") == 0)
		name = "version";
	const struct command *cmd = NULL;
	int has_sub = 0;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name) != 0)
			continue;
		if (!commands[i].sub) {
			cmd = &commands[i];
			break;
		}
		has_sub = 1;
		if (argc > 2 && strcmp(commands[i].sub, argv[2]) == 0) {
			cmd = &commands[i];
			break;
		}
	}
	if (!cmd) {
		if (has_sub) {
			if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
				for (size_t i = 0; i < NCOMMANDS; i++)
					if (strcmp(commands[i].name, name) == 0)
						print_command_help(&commands[i], stdout), fputc('\n', stdout);
				return 0;
			}
			return cli_fail("%s needs a subcommand: %s (see tongxin help %s)", name,
			                argc > 2 ? "this one is unknown" : "none given", name);
		}
		cli_fail("unknown command %s", name);
		print_overview(stderr);
		return 2;
	}
	int first = cmd->sub ? 3 : 2;
	for (int i = first; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_command_help(cmd, stdout);
			return 0;
		}
	config cfg;
	settings_defaults(&cfg);
	int nrest;
	char **rest;
	if (settings_parse(&cfg, cmd->groups ? cmd->groups : 0, argc - first, argv + first, cmd->extra, &nrest, &rest)) {
		free(rest);
		return 2;
	}
	log_set_level((log_level)cfg.log_level);
	store_sqlite_tune(cfg.sqlite_cache_mb, cfg.sqlite_mmap_mb);
	int rc = cmd->fn(cmd, &cfg, nrest, rest);
	free(rest);
	return rc;
}
