/*
 * cmd_serve.c — `tongxin serve`.
 */
#include <stdio.h>
#include <stdlib.h>

#include "auth/keys.h"
#include "base/log.h"
#include "cli/cli.h"
#include "http/server.h"
#include "store/store.h"

int cmd_serve(const struct command *cmd, config *cfg, int argc, char **argv)
{
	if (argc)
		return cli_usage(cmd, "unexpected argument %s", argv[0]);
	store *db;
	keys k;
	if (cli_open(cfg, &db, &k, 1))
		return 1;
	store_close(db);
	char *err = NULL;
	tx_err rc = server_run(cfg, &k, &err);
	keys_wipe(&k);
	if (rc) {
		cli_fail("%s", err ? err : "the server failed");
		free(err);
		return 1;
	}
	return 0;
}
