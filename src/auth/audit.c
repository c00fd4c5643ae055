/*
 * audit.c — append, verify and list the audit chain (see audit.h).
 */
#include "auth/audit.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/mem.h"
#include "base/util.h"

#define HASH_BYTES 32

/* Feed one length-prefixed field, so "ab"+"c" never hashes like "a"+"bc". */
static void feed(crypto_generichash_state *h, const char *s)
{
	uint64_t n = s ? strlen(s) : UINT64_MAX;
	unsigned char len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	crypto_generichash_update(h, len, sizeof len);
	if (s)
		crypto_generichash_update(h, (const unsigned char *)s, strlen(s));
}

static void feed_int(crypto_generichash_state *h, int64_t v)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%" PRId64, v);
	feed(h, tmp);
}

static void entry_hash(const keys *k, int64_t seq, int64_t at, int64_t actor_id, const char *actor, const char *ip,
                       const char *action, const char *entity, const char *entity_id, const char *result,
                       const char *detail, const char *prev, char out[HASH_BYTES * 2 + 1])
{
	crypto_generichash_state h;
	unsigned char md[HASH_BYTES];
	crypto_generichash_init(&h, k->audit, sizeof k->audit, sizeof md);
	feed(&h, "tongxin-audit-v1");
	feed(&h, prev);
	feed_int(&h, seq);
	feed_int(&h, at);
	feed_int(&h, actor_id);
	feed(&h, actor);
	feed(&h, ip);
	feed(&h, action);
	feed(&h, entity);
	feed(&h, entity_id);
	feed(&h, result);
	feed(&h, detail);
	crypto_generichash_final(&h, md, sizeof md);
	util_hex(md, sizeof md, out);
}

tx_err audit_append(store *db, const keys *k, const audit_entry *e)
{
	if (!store_in_tx(db))
		return TX_EINTERNAL;
	const char *head_sql = store_kind_of(db) == STORE_POSTGRES
	                           ? "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"
	                           : "SELECT seq, hash FROM audit_head WHERE id = 1";
	store_stmt *st = NULL;
	tx_err rc = store_prepare(db, head_sql, &st);
	if (rc)
		return rc;
	if (store_step(st) != STORE_ROW) {
		store_finalize(st);
		return TX_EDB;
	}
	int64_t seq = store_col_int(st, 0) + 1;
	char prev[HASH_BYTES * 2 + 1];
	snprintf(prev, sizeof prev, "%s", store_col_text(st, 1) ? store_col_text(st, 1) : "");
	store_finalize(st);

	int64_t at = util_now();
	char *detail = e->detail ? json_dumps(e->detail, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : NULL;
	char hash[HASH_BYTES * 2 + 1];
	entry_hash(k, seq, at, e->actor_id, e->actor, e->ip, e->action, e->entity, e->entity_id, e->result, detail,
	           prev, hash);

	rc = store_prepare(db,
	                   "INSERT INTO audit_log (seq, at, actor_id, actor, ip, action, entity, entity_id, result,"
	                   " detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                   &st);
	if (rc)
		goto out;
	store_bind_int(st, 1, seq);
	store_bind_int(st, 2, at);
	store_bind_int(st, 3, e->actor_id);
	store_bind_text(st, 4, e->actor);
	store_bind_text(st, 5, e->ip);
	store_bind_text(st, 6, e->action);
	store_bind_text(st, 7, e->entity);
	store_bind_text(st, 8, e->entity_id);
	store_bind_text(st, 9, e->result);
	store_bind_text(st, 10, detail);
	store_bind_text(st, 11, prev);
	store_bind_text(st, 12, hash);
	int r = store_step(st);
	store_finalize(st);
	if (r != STORE_DONE) {
		rc = TX_EDB;
		goto out;
	}
	rc = store_prepare(db, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", &st);
	if (rc)
		goto out;
	store_bind_int(st, 1, seq);
	store_bind_text(st, 2, hash);
	r = store_step(st);
	store_finalize(st);
	rc = r == STORE_DONE ? TX_OK : TX_EDB;
out:
	free(detail);
	return rc;
}

tx_err audit_verify(store *db, const keys *k, int64_t *checked, int64_t *bad_seq, char **why)
{
	store_stmt *st;
	*checked = 0;
	*bad_seq = 0;
	*why = NULL;
	tx_err rc = store_prepare(db,
	                          "SELECT seq, at, actor_id, actor, ip, action, entity, entity_id, result, detail,"
	                          " prev_hash, hash FROM audit_log ORDER BY seq",
	                          &st);
	if (rc)
		return rc;
	char prev[HASH_BYTES * 2 + 1] = "";
	int64_t expect = 1;
	int r;
	while ((r = store_step(st)) == STORE_ROW) {
		int64_t seq = store_col_int(st, 0);
		const char *stored_prev = store_col_text(st, 10);
		const char *stored_hash = store_col_text(st, 11);
		char h[HASH_BYTES * 2 + 1];
		if (seq != expect) {
			*bad_seq = expect;
			*why = xasprintf("entry %" PRId64 " is missing (next entry is %" PRId64 ")", expect, seq);
			break;
		}
		if (!stored_prev || strcmp(stored_prev, prev) != 0) {
			*bad_seq = seq;
			*why = xasprintf("entry %" PRId64 " does not link to the entry before it", seq);
			break;
		}
		entry_hash(k, seq, store_col_int(st, 1), store_col_int(st, 2), store_col_text(st, 3),
		           store_col_text(st, 4), store_col_text(st, 5), store_col_text(st, 6), store_col_text(st, 7),
		           store_col_text(st, 8), store_col_text(st, 9), prev, h);
		if (!stored_hash || strlen(stored_hash) != strlen(h) || !util_ct_equal(h, stored_hash, strlen(h))) {
			*bad_seq = seq;
			*why = xasprintf("entry %" PRId64 " was altered (its hash does not match its content)", seq);
			break;
		}
		memcpy(prev, h, sizeof prev);
		expect++;
		(*checked)++;
	}
	store_finalize(st);
	if (r < 0)
		return TX_EDB;
	if (*bad_seq)
		return TX_ECONFLICT;
	/* The head must point at the last entry: catches rows cut off the end. */
	rc = store_prepare(db, "SELECT seq, hash FROM audit_head WHERE id = 1", &st);
	if (rc)
		return rc;
	if (store_step(st) == STORE_ROW) {
		int64_t hseq = store_col_int(st, 0);
		const char *hh = store_col_text(st, 1);
		if (hseq != expect - 1 || !hh || strcmp(hh, prev) != 0) {
			*bad_seq = hseq > expect - 1 ? expect : hseq;
			*why = xasprintf("the chain ends at entry %" PRId64 " but the head records entry %" PRId64,
			                 expect - 1, hseq);
		}
	}
	store_finalize(st);
	return *bad_seq ? TX_ECONFLICT : TX_OK;
}

tx_err audit_list(store *db, int64_t before_seq, int limit, int64_t actor_id, const char *actor_name,
                  const char *action, json_t **items, int64_t *next)
{
	store_stmt *st;
	tx_err rc = store_prepare(db,
	                          "SELECT seq, at, actor_id, actor, ip, action, entity, entity_id, result, detail, hash"
	                          " FROM audit_log WHERE seq < ? AND (? = 0 OR actor_id = ?) AND (? = '' OR actor = ?)"
	                          " AND (? = '' OR action = ?) ORDER BY seq DESC LIMIT ?",
	                          &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, before_seq > 0 ? before_seq : INT64_MAX);
	store_bind_int(st, 2, actor_id);
	store_bind_int(st, 3, actor_id);
	store_bind_text(st, 4, actor_name ? actor_name : "");
	store_bind_text(st, 5, actor_name ? actor_name : "");
	store_bind_text(st, 6, action ? action : "");
	store_bind_text(st, 7, action ? action : "");
	store_bind_int(st, 8, limit + 1);
	json_t *arr = json_array();
	int n = 0, r;
	*next = 0;
	while ((r = store_step(st)) == STORE_ROW) {
		int64_t seq = store_col_int(st, 0);
		if (n == limit) {
			*next = seq + 1;
			break;
		}
		char at[32];
		util_iso_time(store_col_int(st, 1), at, sizeof at);
		json_t *detail = NULL;
		if (store_col_text(st, 9))
			detail = json_loads(store_col_text(st, 9), 0, NULL);
		json_t *o = json_pack("{s:I, s:s, s:I, s:s?, s:s?, s:s, s:s?, s:s?, s:s, s:o, s:s}", "seq", (json_int_t)seq,
		                      "at", at, "actor_id", (json_int_t)store_col_int(st, 2), "actor", store_col_text(st, 3),
		                      "ip", store_col_text(st, 4), "action", store_col_text(st, 5), "entity",
		                      store_col_text(st, 6), "entity_id", store_col_text(st, 7), "result",
		                      store_col_text(st, 8), "detail", detail ? detail : json_null(), "hash",
		                      store_col_text(st, 10));
		json_array_append_new(arr, o);
		n++;
	}
	store_finalize(st);
	if (r < 0) {
		json_decref(arr);
		return TX_EDB;
	}
	*items = arr;
	return TX_OK;
}
