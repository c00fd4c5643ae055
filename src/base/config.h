/*
 * config.h — the settings of a running instance.
 *
 * Filled once at start-up from defaults, an optional config file,
 * environment variables and flags (in that order; later wins; see
 * cli/settings.c for the table that names them), then read-only.
 */
#ifndef TX_BASE_CONFIG_H
#define TX_BASE_CONFIG_H

typedef struct config {
	char db[1024];        /* file path or postgresql:// URL */
	char keys[1024];      /* key directory */
	char listen[64];      /* address to bind */
	int port;             /* TCP port */
	int threads;          /* worker threads (0: number of cores) */
	int session_idle;     /* seconds of inactivity that end a session */
	int session_max;      /* absolute session lifetime, seconds */
	int lock_threshold;   /* wrong passwords before lockout */
	int lock_minutes;     /* lockout duration */
	int password_min;     /* minimum password length */
	int password_classes; /* character classes required (1–4) */
	int body_limit;       /* maximum JSON body, bytes */
	int log_level;        /* 0 debug … 3 error */
	int access_log;       /* one line per request */
	int cookie_secure;    /* mark the session cookie Secure (behind TLS) */
	int trust_proxy;      /* take the client address from X-Forwarded-For */
	int sqlite_cache_mb;  /* SQLite page cache per connection, MiB */
	int sqlite_mmap_mb;   /* SQLite memory-mapped I/O window, MiB (0: off) */
	int sqlite_group_commit; /* the server's SQLite writes share commits (store/group.c) */
} config;

#endif
