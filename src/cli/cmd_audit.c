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
		printf("audit chain intact: %" PRId64 " entries\n", checked);
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
