/*
 * domain.h — the context every domain operation runs in.
 *
 * A dctx carries the connection, the signed-in actor (whose scope every
 * query applies), the keys and settings, and the language of messages. An
 * operation that fails returns an error value and may fill err_code (a
 * more specific envelope code such as "conflict.version"), err_msg and
 * err_fields. A write fills audit_id and audit_detail; the request
 * pipeline appends the audit entry in the same transaction.
 */
#ifndef TX_DOMAIN_H
#define TX_DOMAIN_H

#include <stdint.h>

#include <jansson.h>

#include "auth/keys.h"
#include "auth/rbac.h"
#include "base/config.h"
#include "model/model.h"
#include "store/store.h"

typedef struct dctx {
	store *db;
	const actor *a;
	const keys *k;
	const config *cfg;
	const char *lang;  /* "zh" or "en" */
	const char *token; /* the caller's session token, or NULL */
	int64_t now;       /* the time operations record; 0: the clock (demo data sets past times) */
	/* out: error details */
	const char *err_code;
	char err_msg[256];
	json_t *err_fields;
	/* out: audit details of a write */
	char audit_id[32];
	char audit_action[64]; /* when set, replaces the route's audit action ("case.register") */
	json_t *audit_detail;
} dctx;

/* Record an error with a message in both languages; returns e. */
tx_err dctx_fail(dctx *c, tx_err e, const char *code, const char *zh, const char *en);
/* Record a validation error on one field; returns TX_EINVAL. */
tx_err dctx_field(dctx *c, const char *field, const msg2 *m);
/* The time of this operation: c->now when set, else the clock. */
int64_t dctx_now(const dctx *c);
/* Release what the context holds. */
void dctx_clear(dctx *c);

/* Set "changes": {field: [old, new]} in the audit detail. */
void dctx_change(dctx *c, const char *field, json_t *old_v, json_t *new_v);
/* Record every field of `body` (but version) whose value differs in `cur`. */
void dctx_changes(dctx *c, json_t *cur, json_t *body);
/* The answer to a stale version or a lost race: 409 conflict.version. */
tx_err dctx_stale(dctx *c);
/* Rows of a one-column query with one bound id, as a JSON array of strings. */
tx_err query_strings(store *db, const char *sql, int64_t id, const char *text, json_t **out);

/*
 * Bound parameters collected while SQL is assembled from constant pieces:
 * p_int/p_text append one value per '?', p_bind binds them in order.
 */
typedef struct param {
	int is_int;
	int64_t i;
	char *s; /* owned */
} param;

typedef struct sql_params {
	param *v;
	int n;
	int cap; /* slots allocated (grown by doubling) */
} sql_params;

void p_int(sql_params *p, int64_t v);
void p_text(sql_params *p, const char *s); /* NULL binds SQL NULL */
void p_bind(store_stmt *st, const sql_params *p);
void p_free(sql_params *p);

/*
 * The LIKE pattern "%q%" for a "contains" search, with %, _ and \ escaped
 * (use with ESCAPE '\'). Returns a new string.
 */
char *sql_like_contains(const char *q);

/* Cursor encoding for keyset pagination ("<int>"). */
int64_t cursor_parse(const char *s);

#endif
