/*
 * postgres.c — the PostgreSQL (libpq) driver behind store.h.
 *
 * A connection is opened from a postgresql:// (or postgres://) URL and set
 * to UTF-8, UTC, standard-conforming strings and hex bytea output.
 *
 * Statements are not prepared on the server. store_prepare() only rewrites
 * the `?` placeholders into $1…$n; the first store_step() sends SQL and
 * parameters in one round trip (PQexecParams) and the whole result is
 * buffered in the client, so another statement may run on the same
 * connection while one is being iterated, as SQLite allows.
 *
 * Parameters: an int goes as decimal text typed bigint (so `? + 1` cannot
 * overflow int4 and overloaded functions resolve); text and NULL go untyped,
 * and the server infers their type from the context as for a literal; a
 * blob goes in binary, typed bytea. Results come back in text format; a
 * bytea column is unescaped by store_col_blob().
 *
 * Errors: SQLSTATE class 23 (integrity: unique, foreign key, …), 40001
 * (serialization) and 40P01 (deadlock) answer -TX_ECONFLICT from
 * store_step(); everything else -TX_EDB. Unlike SQLite, PostgreSQL aborts
 * the whole transaction on any error: the caller must roll back.
 */
#include "store/store_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__has_include)
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif
#else
#include <libpq-fe.h>
#endif

#include "base/mem.h"

/* Type OIDs from pg_type.dat (stable across releases). */
#define PG_OID_BOOL 16
#define PG_OID_BYTEA 17
#define PG_OID_INT8 20

typedef struct pg_db {
	struct store base;
	PGconn *conn;
	int64_t changes; /* rows changed by the last INSERT/UPDATE/DELETE/MERGE */
	char err[512];   /* last error message, "" when none */
} pg_db;

typedef struct pg_stmt {
	struct store_stmt base;
	char *sql;     /* rewritten SQL ($1…$n), owned */
	int nparams;   /* number of placeholders; the arrays below have this size */
	char **vals;   /* owned parameter values; NULL binds SQL NULL */
	int *lens;     /* byte lengths (used for binary values only) */
	int *fmts;     /* 0 text, 1 binary */
	Oid *types;    /* 0 lets the server infer the type */
	PGresult *res; /* result of the execution; NULL until the first step */
	int row;       /* current row of res, -1 before the first */
	int failed;    /* tx_err of a failed execution, answered again by step */
	unsigned char **blobs; /* per column: unescaped bytea of the current row */
	size_t *blob_lens;
	int nblobs; /* size of blobs/blob_lens (the column count), 0 if none */
} pg_stmt;

static void pg_set_err(pg_db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void pg_set_err(pg_db *db, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(db->err, sizeof db->err, fmt, ap);
	va_end(ap);
	size_t n = strlen(db->err);
	while (n > 0 && (db->err[n - 1] == '\n' || db->err[n - 1] == ' '))
		db->err[--n] = 0;
}

static void pg_notice_ignore(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* ---- opening ---------------------------------------------------------- */

static int pg_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..n) into a new string the caller frees. */
static char *pg_pct_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		int hi = s[i] == '%' && i + 2 < n ? pg_hexval(s[i + 1]) : -1;
		int lo = hi >= 0 ? pg_hexval(s[i + 2]) : -1;
		if (lo >= 0) {
			out[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[j++] = s[i];
		}
	}
	out[j] = 0;
	return out;
}

/*
 * Replace every occurrence of the string secret in msg by "***". Takes
 * ownership of msg (a malloc'd string) and returns a malloc'd string.
 */
static char *pg_redact(char *msg, const char *secret)
{
	size_t n = strlen(secret);
	if (n == 0)
		return msg;
	size_t hits = 0;
	for (const char *p = msg; (p = strstr(p, secret)); p += n)
		hits++;
	if (hits == 0)
		return msg;
	char *out = xmalloc(strlen(msg) + hits * 3 + 1);
	char *w = out;
	const char *p = msg;
	const char *hit;
	while ((hit = strstr(p, secret))) {
		memcpy(w, p, (size_t)(hit - p));
		w += hit - p;
		memcpy(w, "***", 3);
		w += 3;
		p = hit + n;
	}
	strcpy(w, p);
	free(msg);
	return out;
}

/* Redact one secret both as written in the URL and percent-decoded. */
static char *pg_redact_both(char *msg, const char *s, size_t n)
{
	char *raw = xstrndup(s, n);
	char *dec = pg_pct_decode(s, n);
	msg = pg_redact(msg, raw);
	msg = pg_redact(msg, dec);
	free(raw);
	free(dec);
	return msg;
}

/*
 * Remove from msg (malloc'd, ownership taken and returned) any password the
 * URL carries: `scheme://user:PASSWORD@host…` (parsed as libpq does) and a
 * `password=` query parameter.
 */
static char *pg_scrub(char *msg, const char *url)
{
	const char *start = strstr(url, "://");
	if (!start)
		return msg;
	start += 3;
	const char *p = start;
	while (*p && *p != '@' && *p != '/')
		p++;
	if (*p == '@') {
		const char *colon = memchr(start, ':', (size_t)(p - start));
		if (colon)
			msg = pg_redact_both(msg, colon + 1, (size_t)(p - colon - 1));
	}
	const char *q = strchr(url, '?');
	while (q) {
		q++;
		if (strncmp(q, "password=", 9) == 0) {
			const char *v = q + 9;
			size_t n = strcspn(v, "&");
			msg = pg_redact_both(msg, v, n);
		}
		q = strchr(q, '&');
	}
	return msg;
}

/* The session settings every connection gets; the caller clears the result. */
static PGresult *pg_configure(PGconn *conn)
{
	return PQexec(conn, "SET client_encoding TO 'UTF8';"
	                    "SET TIME ZONE 'UTC';"
	                    "SET standard_conforming_strings TO on;"
	                    "SET bytea_output TO 'hex'");
}

/* Set *errmsg (if errmsg is not NULL) to "what: libpq's message", scrubbed. */
static void pg_open_fail(char **errmsg, const char *what, PGconn *conn, const char *url)
{
	if (!errmsg)
		return;
	char *m = xasprintf("%s: %s", what, PQerrorMessage(conn));
	size_t n = strlen(m);
	while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
		m[--n] = 0;
	*errmsg = pg_scrub(m, url);
}

/*
 * Open a connection. On failure *errmsg (if not NULL) gets a malloc'd
 * message the caller frees; it never contains the password.
 */
static tx_err pg_open(const char *url, store **out, char **errmsg)
{
	*out = NULL;
	if (errmsg)
		*errmsg = NULL;
	if (!url || (strncmp(url, "postgresql://", 13) != 0 && strncmp(url, "postgres://", 11) != 0)) {
		if (errmsg)
			*errmsg = xstrdup("not a postgresql:// URL");
		return TX_EINVAL;
	}
	PGconn *conn = PQconnectdb(url);
	if (!conn) {
		if (errmsg)
			*errmsg = xstrdup("cannot connect to PostgreSQL: out of memory");
		return TX_ENOMEM;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		pg_open_fail(errmsg, "cannot connect to PostgreSQL", conn, url);
		PQfinish(conn);
		return TX_EDB;
	}
	PQsetNoticeProcessor(conn, pg_notice_ignore, NULL);
	PGresult *res = pg_configure(conn);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_open_fail(errmsg, "cannot configure the PostgreSQL session", conn, url);
		PQclear(res);
		PQfinish(conn);
		return TX_EDB;
	}
	PQclear(res);
	pg_db *db = xcalloc(1, sizeof *db);
	db->base.drv = &store_postgres_driver;
	db->base.kind = STORE_POSTGRES;
	db->conn = conn;
	*out = &db->base;
	return TX_OK;
}

static void pg_close(store *s)
{
	if (!s)
		return;
	pg_db *db = (pg_db *)s;
	PQfinish(db->conn);
	free(db);
}

static const char *pg_errmsg(store *s)
{
	return ((pg_db *)s)->err;
}

static int64_t pg_changes(store *s)
{
	return ((pg_db *)s)->changes;
}

/* ---- results and errors ----------------------------------------------- */

static tx_err pg_err_of_state(const char *state)
{
	if (!state)
		return TX_EDB;
	if (strncmp(state, "23", 2) == 0 || strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return TX_ECONFLICT;
	return TX_EDB;
}

/*
 * Record the error of a failed command (res may be NULL) in db->err and
 * return its tx_err. Does not free res.
 */
static tx_err pg_fail(pg_db *db, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (primary)
		pg_set_err(db, "%s (SQLSTATE %s)", primary, state ? state : "?????");
	else if (res && PQresultStatus(res) != PGRES_FATAL_ERROR)
		pg_set_err(db, "unexpected result: %s", PQresStatus(PQresultStatus(res)));
	else
		pg_set_err(db, "%s", PQerrorMessage(db->conn));
	return pg_err_of_state(state);
}

/* Note the row count of a successful INSERT/UPDATE/DELETE/MERGE. */
static void pg_note_changes(pg_db *db, PGresult *res)
{
	const char *tag = PQcmdStatus(res);
	if (strncmp(tag, "INSERT ", 7) == 0 || strncmp(tag, "UPDATE ", 7) == 0 ||
	    strncmp(tag, "DELETE ", 7) == 0 || strncmp(tag, "MERGE ", 6) == 0)
		db->changes = strtoll(PQcmdTuples(res), NULL, 10);
}

/*
 * A connection lost (server restart, network) is re-established before the
 * next command, but never inside a transaction: the transaction is gone,
 * so its remaining commands fail until store.c rolls back (which clears
 * in_tx before sending ROLLBACK).
 */
static void pg_revive(pg_db *db)
{
	if (PQstatus(db->conn) != CONNECTION_BAD || db->base.in_tx)
		return;
	PQreset(db->conn);
	if (PQstatus(db->conn) == CONNECTION_OK)
		PQclear(pg_configure(db->conn));
}

/* True when sql, after leading blanks, starts with word (any case). */
static int pg_starts_word(const char *sql, const char *word)
{
	while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r')
		sql++;
	size_t n = strlen(word);
	if (strncasecmp(sql, word, n) != 0)
		return 0;
	char c = sql[n];
	return c == 0 || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static tx_err pg_exec(store *s, const char *sql)
{
	pg_db *db = (pg_db *)s;
	pg_revive(db);
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType es = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	tx_err rc = TX_OK;
	if (es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK || es == PGRES_EMPTY_QUERY) {
		pg_note_changes(db, res);
		/* COMMIT of a transaction aborted by an earlier error "succeeds"
		 * with the tag ROLLBACK: that is a failure to the caller. */
		if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0 &&
		    (pg_starts_word(sql, "COMMIT") || pg_starts_word(sql, "END"))) {
			pg_set_err(db, "COMMIT rolled back: the transaction was aborted by an earlier error");
			rc = TX_EDB;
		}
	} else {
		pg_fail(db, res);
		rc = TX_EDB;
	}
	PQclear(res);
	return rc;
}

/* ---- placeholders ----------------------------------------------------- */

static int pg_ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '$' || c >= 0x80;
}

static int pg_tag_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

/* Output of pg_rewrite(): counts only when out is NULL. */
typedef struct pg_out {
	char *out;
	size_t len;
} pg_out;

static void pg_put(pg_out *o, const char *p, size_t n)
{
	if (o->out)
		memcpy(o->out + o->len, p, n);
	o->len += n;
}

/*
 * Copy sql into o with each `?` outside string literals ('…', E'…',
 * $tag$…$tag$), quoted identifiers ("…") and comments (-- to the end of
 * the line, and C-style block comments, which nest) replaced by $1, $2, …
 * (SQLite's ?NNN becomes $NNN); returns the number of parameters (the
 * largest index).
 * Unterminated quotes or comments run to the end (the server reports them).
 */
static int pg_rewrite(const char *sql, pg_out *o)
{
	int n = 0;
	size_t i = 0;
	while (sql[i]) {
		unsigned char c = (unsigned char)sql[i];
		size_t j = i + 1;
		if (c == '?') {
			/* ?NNN is parameter NNN; a bare ? is one more than the
			 * largest so far (SQLite's numbering). */
			long k = ++n;
			if (sql[j] >= '0' && sql[j] <= '9') {
				char *end;
				k = strtol(sql + j, &end, 10);
				j = (size_t)(end - sql);
				n--;
				if (k < 1 || k > 65535) { /* left as is: the server refuses it */
					pg_put(o, sql + i, j - i);
					i = j;
					continue;
				}
				if (k > n)
					n = (int)k;
			}
			char num[16];
			int len = snprintf(num, sizeof num, "$%ld", k);
			pg_put(o, num, (size_t)len);
			i = j;
			continue;
		}
		if (c == '\'') {
			/* E'…' takes backslash escapes; elsewhere '' is the quote. */
			int esc = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
			          (i < 2 || !pg_ident_char((unsigned char)sql[i - 2]));
			while (sql[j] && sql[j] != '\'') {
				if (esc && sql[j] == '\\' && sql[j + 1])
					j++;
				j++;
			}
			if (sql[j])
				j++;
		} else if (c == '"') {
			while (sql[j] && sql[j] != '"')
				j++;
			if (sql[j])
				j++;
		} else if (c == '-' && sql[j] == '-') {
			while (sql[j] && sql[j] != '\n')
				j++;
		} else if (c == '/' && sql[j] == '*') {
			int depth = 1;
			j++;
			while (sql[j] && depth > 0) {
				if (sql[j] == '/' && sql[j + 1] == '*') {
					depth++;
					j += 2;
				} else if (sql[j] == '*' && sql[j + 1] == '/') {
					depth--;
					j += 2;
				} else {
					j++;
				}
			}
		} else if (c == '$' && (i == 0 || !pg_ident_char((unsigned char)sql[i - 1]))) {
			/* Dollar quote: $$…$$ or $tag$…$tag$ ($1 is not one). */
			size_t t = j;
			if (pg_tag_start((unsigned char)sql[t]))
				while (pg_ident_char((unsigned char)sql[t]) && sql[t] != '$')
					t++;
			if (sql[t] == '$') {
				size_t taglen = t + 1 - i;
				const char *close = NULL;
				for (const char *p = sql + t + 1; (p = strchr(p, '$')); p++)
					if (strncmp(p, sql + i, taglen) == 0) {
						close = p;
						break;
					}
				j = close ? (size_t)(close - sql) + taglen : t + 1 + strlen(sql + t + 1);
			}
		}
		pg_put(o, sql + i, j - i);
		i = j;
	}
	return n;
}

static tx_err pg_prepare(store *s, const char *sql, store_stmt **out)
{
	pg_out o = {NULL, 0};
	int n = pg_rewrite(sql, &o);
	pg_stmt *st = xcalloc(1, sizeof *st);
	st->base.drv = &store_postgres_driver;
	st->base.db = s;
	st->sql = xmalloc(o.len + 1);
	o.out = st->sql;
	o.len = 0;
	pg_rewrite(sql, &o);
	st->sql[o.len] = 0;
	st->nparams = n;
	if (n > 0) {
		st->vals = xcalloc((size_t)n, sizeof *st->vals);
		st->lens = xcalloc((size_t)n, sizeof *st->lens);
		st->fmts = xcalloc((size_t)n, sizeof *st->fmts);
		st->types = xcalloc((size_t)n, sizeof *st->types);
	}
	st->row = -1;
	*out = &st->base;
	return TX_OK;
}

/* ---- binding ---------------------------------------------------------- */

/*
 * Check that parameter idx (1-based) may be bound now and free its old
 * value; returns the 0-based slot or -1 (with the error recorded).
 */
static int pg_slot(pg_stmt *st, int idx)
{
	pg_db *db = (pg_db *)st->base.db;
	if (st->res || st->failed) {
		pg_set_err(db, "bind on a statement already run (reset it first)");
		return -1;
	}
	if (idx < 1 || idx > st->nparams) {
		pg_set_err(db, "bind index %d out of range (statement has %d)", idx, st->nparams);
		return -1;
	}
	int k = idx - 1;
	free(st->vals[k]);
	st->vals[k] = NULL;
	st->lens[k] = 0;
	st->fmts[k] = 0;
	st->types[k] = 0;
	return k;
}

static tx_err pg_bind_int(store_stmt *s, int idx, int64_t v)
{
	pg_stmt *st = (pg_stmt *)s;
	int k = pg_slot(st, idx);
	if (k < 0)
		return TX_EDB;
	st->vals[k] = xasprintf("%lld", (long long)v);
	st->types[k] = PG_OID_INT8;
	return TX_OK;
}

static tx_err pg_bind_text(store_stmt *s, int idx, const char *v)
{
	pg_stmt *st = (pg_stmt *)s;
	int k = pg_slot(st, idx);
	if (k < 0)
		return TX_EDB;
	if (v)
		st->vals[k] = xstrdup(v);
	return TX_OK;
}

static tx_err pg_bind_blob(store_stmt *s, int idx, const void *p, size_t n)
{
	pg_stmt *st = (pg_stmt *)s;
	int k = pg_slot(st, idx);
	if (k < 0)
		return TX_EDB;
	if (!p) /* as sqlite3_bind_blob: a NULL pointer binds NULL */
		return TX_OK;
	if (n > 0x7fffffff) {
		pg_set_err((pg_db *)s->db, "blob of %zu bytes is too large", n);
		return TX_ETOOBIG;
	}
	st->vals[k] = xmalloc(n);
	memcpy(st->vals[k], p, n);
	st->lens[k] = (int)n;
	st->fmts[k] = 1;
	st->types[k] = PG_OID_BYTEA;
	return TX_OK;
}

static tx_err pg_bind_null(store_stmt *s, int idx)
{
	return pg_slot((pg_stmt *)s, idx) < 0 ? TX_EDB : TX_OK;
}

/* ---- stepping --------------------------------------------------------- */

/* Free the unescaped blobs of the current row (not the array). */
static void pg_free_blobs(pg_stmt *st)
{
	for (int i = 0; i < st->nblobs; i++) {
		if (st->blobs[i]) {
			PQfreemem(st->blobs[i]);
			st->blobs[i] = NULL;
		}
	}
}

/* Drop the result and blob buffers; keep the bindings. */
static void pg_clear_result(pg_stmt *st)
{
	pg_free_blobs(st);
	free(st->blobs);
	free(st->blob_lens);
	st->blobs = NULL;
	st->blob_lens = NULL;
	st->nblobs = 0;
	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->failed = 0;
}

static tx_err pg_reset(store_stmt *s)
{
	pg_stmt *st = (pg_stmt *)s;
	pg_clear_result(st);
	for (int k = 0; k < st->nparams; k++) {
		free(st->vals[k]);
		st->vals[k] = NULL;
		st->lens[k] = 0;
		st->fmts[k] = 0;
		st->types[k] = 0;
	}
	return TX_OK;
}

static int pg_step(store_stmt *s)
{
	pg_stmt *st = (pg_stmt *)s;
	pg_db *db = (pg_db *)s->db;
	pg_free_blobs(st);
	if (st->failed)
		return -st->failed;
	if (!st->res) {
		pg_revive(db);
		PGresult *res = PQexecParams(db->conn, st->sql, st->nparams, st->types,
		                             (const char *const *)st->vals, st->lens, st->fmts, 0);
		ExecStatusType es = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
		if (es != PGRES_TUPLES_OK && es != PGRES_COMMAND_OK && es != PGRES_EMPTY_QUERY) {
			st->failed = (int)pg_fail(db, res);
			PQclear(res);
			return -st->failed;
		}
		st->res = res;
		st->row = -1;
		pg_note_changes(db, res);
	}
	int nrows = PQntuples(st->res);
	if (st->row < nrows)
		st->row++;
	return st->row < nrows ? STORE_ROW : STORE_DONE;
}

static void pg_finalize(store_stmt *s)
{
	if (!s)
		return;
	pg_stmt *st = (pg_stmt *)s;
	pg_reset(s);
	free(st->vals);
	free(st->lens);
	free(st->fmts);
	free(st->types);
	free(st->sql);
	free(st);
}

/* ---- columns ---------------------------------------------------------- */

static int pg_col_count(store_stmt *s)
{
	pg_stmt *st = (pg_stmt *)s;
	return st->res ? PQnfields(st->res) : 0;
}

/* True when (current row, col) is a cell of the result. */
static int pg_cell(pg_stmt *st, int col)
{
	return st->res && st->row >= 0 && st->row < PQntuples(st->res) && col >= 0 &&
	       col < PQnfields(st->res);
}

static int pg_col_is_null(store_stmt *s, int col)
{
	pg_stmt *st = (pg_stmt *)s;
	return !pg_cell(st, col) || PQgetisnull(st->res, st->row, col);
}

/* As sqlite3_column_int64: leading integer of the text, 0 for NULL;
 * booleans are 1/0 and a decimal or float is truncated. */
static int64_t pg_col_int(store_stmt *s, int col)
{
	pg_stmt *st = (pg_stmt *)s;
	if (pg_col_is_null(s, col))
		return 0;
	const char *v = PQgetvalue(st->res, st->row, col);
	if (PQftype(st->res, col) == PG_OID_BOOL)
		return v[0] == 't';
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E') {
		double d = strtod(v, NULL);
		if (d != d)
			return 0;
		if (d >= 9223372036854775807.0)
			return INT64_MAX;
		if (d <= -9223372036854775808.0)
			return INT64_MIN;
		return (int64_t)d;
	}
	return n;
}

static const char *pg_col_text(store_stmt *s, int col)
{
	pg_stmt *st = (pg_stmt *)s;
	if (pg_col_is_null(s, col))
		return NULL;
	return PQgetvalue(st->res, st->row, col);
}

/*
 * A bytea column is unescaped from its text form into a buffer owned by the
 * statement (freed at the next step, reset or finalize); any other column
 * answers its text bytes. NULL with *len 0 for SQL NULL; an empty blob is a
 * non-NULL pointer with *len 0.
 */
static const void *pg_col_blob(store_stmt *s, int col, size_t *len)
{
	pg_stmt *st = (pg_stmt *)s;
	*len = 0;
	if (pg_col_is_null(s, col))
		return NULL;
	const char *v = PQgetvalue(st->res, st->row, col);
	if (PQftype(st->res, col) != PG_OID_BYTEA) {
		*len = (size_t)PQgetlength(st->res, st->row, col);
		return v;
	}
	if (!st->blobs) {
		st->nblobs = PQnfields(st->res);
		st->blobs = xcalloc((size_t)st->nblobs, sizeof *st->blobs);
		st->blob_lens = xcalloc((size_t)st->nblobs, sizeof *st->blob_lens);
	}
	if (!st->blobs[col]) {
		st->blobs[col] = PQunescapeBytea((const unsigned char *)v, &st->blob_lens[col]);
		if (!st->blobs[col]) { /* out of memory: abort, as mem.h's policy says */
			fprintf(stderr, "tongxin: out of memory unescaping a bytea of %d bytes\n",
			        PQgetlength(st->res, st->row, col));
			abort();
		}
	}
	*len = st->blob_lens[col];
	return st->blobs[col];
}

const struct store_driver store_postgres_driver = {
	.open = pg_open,
	.close = pg_close,
	.errmsg = pg_errmsg,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.reset = pg_reset,
	.step = pg_step,
	.col_count = pg_col_count,
	.col_is_null = pg_col_is_null,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.finalize = pg_finalize,
	.changes = pg_changes,
};
