/*
 * cmd_audit.c — `tongxin audit verify`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "auth/audit.h"
#include "cli/cli.h"

int cmd_audit_verify(const struct command *cmd, config *cfg, int argc, char **argv)
{
	if (argc)
		return cli_usage(cmd, "unexpected argument %s", argv[0]);
	store *db;
	keys k;
	if (cli_open(cfg, &db, &k, 1))
		return 1;
	int64_t checked = 0, bad = 0;
	char *why = NULL;
	tx_err rc = audit_verify(db, &k, &checked, &bad, &why);
	keys_wipe(&k);
	store_close(db);
	if (rc == TX_OK) {
		/* The head, to be kept elsewhere: it anchors the chain against truncation. */
		int64_t head = 0;
		char hash[80] = "";
		store *db2;
		if (store_open(cfg->db, &db2, NULL) == TX_OK) {
			store_stmt *st;
			if (store_prepare(db2, "SELECT seq, hash FROM audit_head WHERE id = 1", &st) == TX_OK) {
				if (store_step(st) == STORE_ROW) {
					head = store_col_int(st, 0);
					snprintf(hash, sizeof hash, "%s", store_col_text(st, 1));
				}
				store_finalize(st);
			}
			store_close(db2);
		}
		printf("audit chain intact: %" PRId64 " entries; head seq %" PRId64 " hash %s\n", checked, head, hash);
		return 0;
	}
	if (rc == TX_ECONFLICT) {
		fprintf(stderr, "tongxin: audit chain BROKEN at seq %" PRId64 ": %s (%" PRId64 " entries before it verified)\n",
		        bad, why ? why : "", checked);
		free(why);
		return 1;
	}
	free(why);
	return cli_fail("could not read the audit log");
}
