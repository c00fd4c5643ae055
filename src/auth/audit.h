/*
 * audit.h — the append-only, hash-chained audit log.
 *
 * Each entry's hash is a keyed BLAKE2b-256 (key: audit.key, outside the
 * database) over the previous entry's hash and every column of the entry,
 * so altering, deleting or inserting a row anywhere breaks the chain at
 * that row, and nobody without the key can rebuild it. Entries are
 * numbered 1, 2, 3… without gaps; audit_head holds the last number and
 * hash and is locked by each append, which serialises appends across
 * nodes.
 *
 * audit_append() must run inside the caller's transaction: the action and
 * its audit entry commit together or not at all.
 */
#ifndef TX_AUTH_AUDIT_H
#define TX_AUTH_AUDIT_H

#include <stdint.h>

#include <jansson.h>

#include "auth/keys.h"
#include "store/store.h"

typedef struct audit_entry {
	int64_t actor_id;      /* 0 when nobody is signed in */
	const char *actor;     /* username or what was typed at sign-in */
	const char *ip;
	const char *action;    /* "session.create", "unit.update", … */
	const char *entity;    /* "unit", "user", … or NULL */
	const char *entity_id; /* or NULL */
	const char *result;    /* "ok", "denied", "failed" */
	json_t *detail;        /* borrowed; may be NULL */
} audit_entry;

tx_err audit_append(store *db, const keys *k, const audit_entry *e);

/*
 * Walk the whole chain. Returns TX_OK when intact; otherwise TX_ECONFLICT
 * with *bad_seq the first entry that fails and *why (malloc'd) saying how.
 * *checked counts the entries read.
 */
tx_err audit_verify(store *db, const keys *k, int64_t *checked, int64_t *bad_seq, char **why);

/* Audit entries as JSON for the auditor's API, newest first. */
tx_err audit_list(store *db, int64_t before_seq, int limit, int64_t actor_id, const char *actor_name,
                  const char *action, json_t **items, int64_t *next);

#endif
