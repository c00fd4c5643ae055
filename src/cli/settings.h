/*
 * settings.h — the settings table: every configurable value with its
 * flag, environment variable, default and help, in one place. The table
 * drives parsing of flags, environment and config file, and the help text.
 */
#ifndef TX_CLI_SETTINGS_H
#define TX_CLI_SETTINGS_H

#include <stdio.h>

#include "base/config.h"

enum setting_group {
	SG_DB = 1 << 0,     /* --db, --keys: every command that opens a database */
	SG_SERVE = 1 << 1,  /* listening and HTTP */
	SG_POLICY = 1 << 2, /* sessions, lockout, passwords */
};

/* Fill cfg with the defaults. */
void settings_defaults(config *cfg);
/*
 * Apply a config file (lines `name = value`, # comments), then TONGXIN_*
 * environment variables, then flags from argv (`--name value` or
 * `--name=value`) of the given groups. Unknown flags are errors unless
 * listed in `extra` (NULL-terminated, flags the command parses itself;
 * those are left in *rest in order). Returns 0, or -1 with a message
 * printed to stderr.
 */
int settings_parse(config *cfg, unsigned groups, int argc, char **argv, const char *const *extra, int *nrest,
                   char ***rest);
/* Print the settings of the given groups as help lines. */
void settings_help(FILE *out, unsigned groups);
/* The key directory for cfg: --keys, or <db>.keys beside a file database. */
void settings_resolve_keys(config *cfg);

#endif
