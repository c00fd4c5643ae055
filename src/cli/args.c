/*
 * args.c — small helpers for the flags a command parses itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "cli/cli.h"

const char *cli_opt(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) || strncmp(a + 2, name, n))
			continue;
		if (a[2 + n] == '=')
			return a + 3 + n;
		if (a[2 + n] == 0 && i + 1 < argc)
			return argv[i + 1];
	}
	return NULL;
}

int cli_switch(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i] + 2, name) == 0)
			return 1;
	return 0;
}

const char *cli_positional(int argc, char **argv, int want, const char *const *valued)
{
	int k = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) == 0) {
			int takes = 0;
			for (const char *const *v = valued; v && *v; v++)
				if (strcmp(a + 2, *v) == 0)
					takes = 1;
			if (takes)
				i++;
			continue;
		}
		if (k++ == want)
			return a;
	}
	return NULL;
}

char *cli_read_stdin_line(void)
{
	char line[1024];
	if (!fgets(line, sizeof line, stdin))
		return NULL;
	line[strcspn(line, "\r\n")] = 0;
	char *p = xstrdup(line);
	memset(line, 0, sizeof line);
	return p;
}
