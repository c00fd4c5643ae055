/*
 * cli.h — the command table and its dispatcher.
 *
 * Every command is a row (name, optional subcommand, function, usage,
 * summary, settings groups, extra flags); the same table drives dispatch,
 * `tongxin help`, each command's --help, and the README's CLI section.
 */
#ifndef TX_CLI_H
#define TX_CLI_H

#include "base/config.h"

struct command;

/* A command receives the parsed settings and the arguments left over. */
typedef int (*command_fn)(const struct command *cmd, config *cfg, int argc, char **argv);

struct command {
	const char *name;
	const char *sub; /* "add" for `user add`, or NULL */
	command_fn fn;
	const char *usage;   /* arguments after the name */
	const char *summary; /* one line */
	unsigned groups;     /* settings groups accepted (settings.h) */
	const char *const *extra; /* flags the command parses itself */
	const char *help;    /* more text for --help, or NULL */
};

int cli_main(int argc, char **argv);

/* Shared by commands: print "tongxin: msg" to stderr and return 1 / 2. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage(const struct command *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Command functions (cmd_*.c). */
int cmd_init(const struct command *cmd, config *cfg, int argc, char **argv);
int cmd_migrate(const struct command *cmd, config *cfg, int argc, char **argv);
int cmd_demo(const struct command *cmd, config *cfg, int argc, char **argv);
int cmd_serve(const struct command *cmd, config *cfg, int argc, char **argv);
int cmd_user(const struct command *cmd, config *cfg, int argc, char **argv);
int cmd_audit_verify(const struct command *cmd, config *cfg, int argc, char **argv);
int cmd_version(const struct command *cmd, config *cfg, int argc, char **argv);

/* Open the database and load the keys; migrations must be current. */
struct store;
struct keys;
int cli_open(config *cfg, struct store **db, struct keys *k, int need_keys);



/* Helpers over the arguments a command receives (flags it parses itself). */
/* Value of --name V or --name=V, or NULL. */
const char *cli_opt(int argc, char **argv, const char *name);
/* Is --name present (a switch without a value)? */
int cli_switch(int argc, char **argv, const char *name);
/* The i-th argument that is neither a flag nor a flag's value. */
const char *cli_positional(int argc, char **argv, int i, const char *const *valued);
/* Read one line (a password) from standard input; malloc'd, or NULL. */
char *cli_read_stdin_line(void);
#endif
