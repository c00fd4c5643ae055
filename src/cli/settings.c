/*
 * settings.c — the settings table and its parsers (see settings.h).
 */
#include "cli/settings.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/util.h"

enum stype { ST_STR, ST_INT, ST_BOOL };

struct setting {
	const char *name; /* flag --name, file key name, env TONGXIN_NAME */
	enum stype type;
	size_t off;
	size_t size; /* ST_STR buffer size */
	const char *def;
	unsigned group;
	int min, max;
	const char *help;
};

#define S(field, type) offsetof(config, field), sizeof(((config *)0)->field)

static const struct setting settings[] = {
	{"db", ST_STR, S(db, str), "", SG_DB, 0, 0, "database: a file path (SQLite) or postgresql://user@host/db"},
	{"keys", ST_STR, S(keys, str), "", SG_DB, 0, 0, "key directory (default: <db>.keys beside a file database, ./tongxin.keys otherwise)"},
	{"listen", ST_STR, S(listen, str), "127.0.0.1", SG_SERVE, 0, 0, "IPv4 address to listen on"},
	{"port", ST_INT, S(port, int), "8080", SG_SERVE, 1, 65535, "TCP port"},
	{"threads", ST_INT, S(threads, int), "0", SG_SERVE, 0, 256, "worker threads (0: two per core)"},
	{"body-limit", ST_INT, S(body_limit, int), "1048576", SG_SERVE, 1024, 64 << 20, "largest JSON request body, bytes"},
	{"access-log", ST_BOOL, S(access_log, int), "1", SG_SERVE, 0, 1, "log one line per request (1/0)"},
	{"cookie-secure", ST_BOOL, S(cookie_secure, int), "0", SG_SERVE, 0, 1, "mark the session cookie Secure (set 1 behind TLS)"},
	{"trust-proxy", ST_BOOL, S(trust_proxy, int), "0", SG_SERVE, 0, 1, "take the client address from the last X-Forwarded-For entry (set 1 only behind your own proxy)"},
	{"sqlite-cache-mb", ST_INT, S(sqlite_cache_mb, int), "16", SG_DB, 1, 4096, "SQLite page cache of each connection, MiB (private memory, per worker)"},
	{"sqlite-mmap-mb", ST_INT, S(sqlite_mmap_mb, int), "0", SG_DB, 0, 65536, "SQLite memory-mapped reads of the database file, MiB (0: off; helps read-only loads, but every write elsewhere unmaps and maps it again)"},
	{"sqlite-group-commit", ST_BOOL, S(sqlite_group_commit, int), "1", SG_SERVE, 0, 1, "SQLite: the server's writes share durable commits (group commit); 0 commits each request on its own (1/0)"},
	{"log-level", ST_INT, S(log_level, int), "1", SG_SERVE | SG_DB, 0, 3, "0 debug, 1 info, 2 warn, 3 error"},
	{"session-idle", ST_INT, S(session_idle, int), "1800", SG_POLICY, 60, 86400, "seconds of inactivity that end a session"},
	{"session-max", ST_INT, S(session_max, int), "43200", SG_POLICY, 300, 604800, "longest session, seconds"},
	{"lock-threshold", ST_INT, S(lock_threshold, int), "5", SG_POLICY, 1, 100, "wrong passwords before an account locks"},
	{"lock-minutes", ST_INT, S(lock_minutes, int), "30", SG_POLICY, 1, 10080, "minutes an account stays locked"},
	{"password-min", ST_INT, S(password_min, int), "8", SG_POLICY, 8, 64, "minimum password length"},
	{"password-classes", ST_INT, S(password_classes, int), "3", SG_POLICY, 1, 4, "character classes a password needs (upper, lower, digit, symbol)"},
};

#define NSETTINGS (sizeof settings / sizeof settings[0])

static int set_value(config *cfg, const struct setting *st, const char *v, const char *where)
{
	char *p = (char *)cfg + st->off;
	if (st->type == ST_STR) {
		if (strlen(v) >= st->size) {
			fprintf(stderr, "tongxin: %s: value of %s is too long\n", where, st->name);
			return -1;
		}
		memcpy(p, v, strlen(v) + 1);
		return 0;
	}
	int64_t n;
	if (util_parse_i64(v, &n) || n < st->min || n > st->max) {
		fprintf(stderr, "tongxin: %s: %s must be a whole number from %d to %d, not \"%s\"\n", where, st->name,
		        st->min, st->max, v);
		return -1;
	}
	*(int *)p = (int)n;
	return 0;
}

void settings_defaults(config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < NSETTINGS; i++)
		set_value(cfg, &settings[i], settings[i].def, "default");
}

static const struct setting *find(const char *name, size_t len)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strlen(settings[i].name) == len && strncmp(settings[i].name, name, len) == 0)
			return &settings[i];
	return NULL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static int load_file(config *cfg, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "tongxin: cannot read config file %s\n", path);
		return -1;
	}
	char line[2048];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			fprintf(stderr, "tongxin: %s:%d: expected name = value\n", path, lineno);
			rc = -1;
			break;
		}
		*eq = 0;
		char *name = trim(s), *val = trim(eq + 1);
		const struct setting *st = find(name, strlen(name));
		char where[1100];
		snprintf(where, sizeof where, "%s:%d", path, lineno);
		if (!st) {
			fprintf(stderr, "tongxin: %s: unknown setting %s\n", where, name);
			rc = -1;
			break;
		}
		if (set_value(cfg, st, val, where)) {
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

static int in_list(const char *const *list, const char *name, size_t len)
{
	for (; list && *list; list++)
		if (strlen(*list) == len && strncmp(*list, name, len) == 0)
			return 1;
	return 0;
}

int settings_parse(config *cfg, unsigned groups, int argc, char **argv, const char *const *extra, int *nrest,
                   char ***rest)
{
	*nrest = 0;
	*rest = xcalloc((size_t)argc + 1, sizeof(char *));
	/* Config file: --config FILE or TONGXIN_CONFIG. */
	const char *file = getenv("TONGXIN_CONFIG");
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			file = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			file = argv[i] + 9;
	}
	if (file && *file && load_file(cfg, file))
		return -1;
	for (size_t i = 0; i < NSETTINGS; i++) {
		char env[64] = "TONGXIN_";
		size_t k = 8;
		for (const char *p = settings[i].name; *p && k < sizeof env - 1; p++)
			env[k++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		env[k] = 0;
		const char *v = getenv(env);
		if (v && set_value(cfg, &settings[i], v, env))
			return -1;
	}
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0) {
			(*rest)[(*nrest)++] = argv[i];
			continue;
		}
		const char *name = a + 2;
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		if (len == 6 && strncmp(name, "config", 6) == 0) {
			if (!eq)
				i++;
			continue;
		}
		const struct setting *st = find(name, len);
		if (st && (st->group & groups)) {
			const char *v = eq ? eq + 1 : NULL;
			if (!v) {
				if (i + 1 >= argc) {
					fprintf(stderr, "tongxin: --%s needs a value\n", st->name);
					return -1;
				}
				v = argv[++i];
			}
			if (set_value(cfg, st, v, a))
				return -1;
			continue;
		}
		if (in_list(extra, name, len)) {
			(*rest)[(*nrest)++] = argv[i];
			continue;
		}
		fprintf(stderr, "tongxin: unknown option --%.*s (see --help)\n", (int)len, name);
		return -1;
	}
	if ((groups & SG_DB) && !cfg->db[0]) {
		fprintf(stderr, "tongxin: no database given (use --db FILE|URL or TONGXIN_DB)\n");
		return -1;
	}
	settings_resolve_keys(cfg);
	return 0;
}

void settings_resolve_keys(config *cfg)
{
	if (cfg->keys[0])
		return;
	if (util_starts_with(cfg->db, "postgres"))
		snprintf(cfg->keys, sizeof cfg->keys, "tongxin.keys");
	else
		snprintf(cfg->keys, sizeof cfg->keys, "%.1000s.keys", cfg->db);
}

void settings_help(FILE *out, unsigned groups)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *st = &settings[i];
		if (!(st->group & groups))
			continue;
		char env[64] = "TONGXIN_";
		size_t k = 8;
		for (const char *p = st->name; *p && k < sizeof env - 1; p++)
			env[k++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		env[k] = 0;
		char flag[64];
		snprintf(flag, sizeof flag, "--%s %s", st->name, st->type == ST_STR ? "TEXT" : "N");
		fprintf(out, "  %-26s %s\n  %-26s [%s%s%s]\n", flag, st->help, "", env, *st->def ? "; default " : "",
		        st->def);
	}
	fprintf(out, "  %-26s %s\n", "--config FILE", "read settings from FILE (lines: name = value) [TONGXIN_CONFIG]");
}
