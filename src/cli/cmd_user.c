/*
 * cmd_user.c — `tongxin user add|passwd|lock|unlock|list`.
 *
 * Changes made here are audited like those made over the API, with the
 * operating-system user as the actor ("cli:<login>").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/audit.h"
#include "auth/password.h"
#include "auth/session.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "domain/user.h"
#include "model/validate.h"

static const char *const valued[] = {"username", "name", "unit", "role", "db", "keys", "config", NULL};

static int audit_cli(store *db, const keys *k, const char *action, int64_t uid, json_t *detail)
{
	char who[96], idbuf[32];
	const char *login = getlogin();
	snprintf(who, sizeof who, "cli:%s", login ? login : "?");
	snprintf(idbuf, sizeof idbuf, "%" PRId64, uid);
	audit_entry e = {.actor = who, .ip = "local", .action = action, .entity = "user", .entity_id = idbuf, .result = "ok", .detail = detail};
	return audit_append(db, k, &e);
}

static int64_t find_user(store *db, const char *username)
{
	store_stmt *st;
	int64_t id = 0;
	if (store_prepare(db, "SELECT id FROM app_user WHERE username = ?", &st))
		return 0;
	store_bind_text(st, 1, username);
	if (store_step(st) == STORE_ROW)
		id = store_col_int(st, 0);
	store_finalize(st);
	return id;
}

static char *get_password(config *cfg, int argc, char **argv, int *generated)
{
	*generated = 0;
	if (cli_switch(argc, argv, "password-stdin")) {
		char *pw = cli_read_stdin_line();
		if (!pw || validate_password(pw, cfg->password_min, cfg->password_classes)) {
			free(pw);
			cli_fail("the password does not meet the policy (%d characters, %d of 4 classes)", cfg->password_min,
			         cfg->password_classes);
			return NULL;
		}
		return pw;
	}
	*generated = 1;
	return password_generate();
}

static int user_list_cmd(store *db)
{
	store_stmt *st;
	if (store_prepare(db,
	                  "SELECT u.username, u.name, n.name, u.active, u.locked_until,"
	                  " (SELECT MIN(role_code) FROM user_role r WHERE r.user_id = u.id),"
	                  " (SELECT COUNT(*) FROM user_role r WHERE r.user_id = u.id)"
	                  " FROM app_user u JOIN unit n ON n.id = u.unit_id ORDER BY u.id",
	                  &st))
		return cli_fail("cannot list users");
	printf("%-16s %-8s %-20s %s\n", "username", "state", "roles", "name / unit");
	while (store_step(st) == STORE_ROW) {
		const char *state = !store_col_int(st, 3) ? "disabled" : store_col_int(st, 4) > time(NULL) ? "locked" : "active";
		char roles[64];
		snprintf(roles, sizeof roles, "%s%s", store_col_text(st, 5) ? store_col_text(st, 5) : "-",
		         store_col_int(st, 6) > 1 ? ",…" : "");
		printf("%-16s %-8s %-20s %s / %s\n", store_col_text(st, 0), state, roles, store_col_text(st, 1),
		       store_col_text(st, 2));
	}
	store_finalize(st);
	return 0;
}

int cmd_user(const struct command *cmd, config *cfg, int argc, char **argv)
{
	store *db;
	keys k;
	if (cli_open(cfg, &db, &k, 1))
		return 1;
	int rc = 0;
	const char *sub = cmd->sub;
	if (strcmp(sub, "list") == 0) {
		rc = argc ? cli_usage(cmd, "unexpected argument %s", argv[0]) : user_list_cmd(db);
		goto out;
	}
	if (strcmp(sub, "add") == 0) {
		const char *username = cli_opt(argc, argv, "username"), *name = cli_opt(argc, argv, "name");
		const char *unit_s = cli_opt(argc, argv, "unit"), *role = cli_opt(argc, argv, "role");
		char *end = NULL;
		long long unit = unit_s ? strtoll(unit_s, &end, 10) : 0;
		if (!username || !name || !unit_s || !role) {
			rc = cli_usage(cmd, "--username, --name, --unit and --role are required");
			goto out;
		}
		const msg2 *bad = validate_username(username);
		if (bad) {
			rc = cli_usage(cmd, "%s", bad->en);
			goto out;
		}
		if (unit <= 0 || *end) {
			rc = cli_usage(cmd, "--unit must be a unit id");
			goto out;
		}
		int generated;
		char *pw = get_password(cfg, argc, argv, &generated);
		if (!pw) {
			rc = 1;
			goto out;
		}
		const char *roles[] = {role, NULL};
		int64_t id = 0;
		tx_err e = store_begin(db);
		if (!e)
			e = user_insert_raw(db, username, name, unit, roles, pw, 1, 0, &id);
		json_t *d = json_pack("{s:s, s:s, s:I, s:[s]}", "username", username, "name", name, "unit_id", (json_int_t)unit, "roles", role);
		if (!e)
			e = audit_cli(db, &k, "user.create", id, d);
		json_decref(d);
		if (!e)
			e = store_commit(db);
		if (e) {
			store_rollback(db);
			rc = cli_fail(e == TX_ECONFLICT ? "username %s is taken, or unit %lld or role %s does not exist"
			                                : "cannot add user %s (unit %lld, role %s)",
			              username, unit, role);
		} else if (generated)
			printf("%s\t%s\t(one-time password; must be changed at first sign-in)\n", username, pw);
		else
			printf("user %s added\n", username);
		mem_wipe(pw, strlen(pw));
		free(pw);
		goto out;
	}
	const char *username = cli_positional(argc, argv, 0, valued);
	if (!username) {
		rc = cli_usage(cmd, "which user?");
		goto out;
	}
	int64_t id = find_user(db, username);
	if (!id) {
		rc = cli_fail("no user %s", username);
		goto out;
	}
	tx_err e = store_begin(db);
	char *pw = NULL;
	int generated = 0;
	if (strcmp(sub, "passwd") == 0) {
		pw = get_password(cfg, argc, argv, &generated);
		if (!pw) {
			store_rollback(db);
			rc = 1;
			goto out;
		}
		if (!e)
			e = user_set_password_raw(db, id, pw, 1);
		if (!e)
			e = session_end_user(db, id);
		if (!e)
			e = audit_cli(db, &k, "user.password_reset", id, NULL);
	} else {
		int lock = strcmp(sub, "lock") == 0;
		store_stmt *st;
		if (!e)
			e = store_prepare(db,
			                  lock ? "UPDATE app_user SET active = 0, version = version + 1 WHERE id = ?"
			                       : "UPDATE app_user SET active = 1, failed_logins = 0, locked_until = 0,"
			                         " version = version + 1 WHERE id = ?",
			                  &st);
		if (!e) {
			store_bind_int(st, 1, id);
			e = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
			store_finalize(st);
		}
		if (!e && lock)
			e = session_end_user(db, id);
		if (!e)
			e = audit_cli(db, &k, lock ? "user.deactivate" : "user.unlock", id, NULL);
	}
	if (!e)
		e = store_commit(db);
	if (e) {
		store_rollback(db);
		rc = cli_fail("could not change user %s", username);
	} else if (generated)
		printf("%s\t%s\t(one-time password; must be changed at next sign-in)\n", username, pw);
	else
		printf("user %s: %s done\n", username, sub);
	if (pw) {
		mem_wipe(pw, strlen(pw));
		free(pw);
	}
out:
	keys_wipe(&k);
	store_close(db);
	return rc;
}
