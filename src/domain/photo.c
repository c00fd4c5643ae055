/*
 * photo.c — person photos (see photo.h).
 *
 * The bytes are checked by their signature, not by the name or the type
 * the client claims, then base64-encoded and sealed with crypto_seal()
 * under the context "person.photo".
 */
#include "domain/photo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/crypto.h"
#include "base/mem.h"
#include "base/util.h"
#include "domain/record.h"

const char *photo_type_of(const void *data, size_t len)
{
	const unsigned char *p = data;
	if (len >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return "image/jpeg";
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	return NULL;
}

/* The person must be in scope (404 otherwise, like any record). */
static tx_err person_visible(dctx *c, int64_t person)
{
	json_t *o = NULL;
	tx_err rc = record_get(c, record_entity("person"), person, &o);
	json_decref(o);
	return rc;
}

tx_err photo_put(dctx *c, int64_t person, const void *data, size_t len)
{
	static const msg2 m_type = {"照片应为 JPEG 或 PNG 图片", "the photo must be a JPEG or PNG image"};
	static const msg2 m_size = {"照片不能超过 2 MB", "the photo must not exceed 2 MB"};
	tx_err rc = person_visible(c, person);
	if (rc)
		return rc;
	const char *type = photo_type_of(data, len);
	if (!type)
		return dctx_field(c, "photo", &m_type);
	if (len > PHOTO_MAX_BYTES)
		return dctx_field(c, "photo", &m_size);
	char *b64 = util_b64url(data, len);
	char *sealed = crypto_seal(c->k, "person.photo", b64);
	mem_wipe(b64, strlen(b64));
	free(b64);
	store_stmt *st;
	rc = store_prepare(c->db,
	                   "INSERT INTO person_photo (person_id, content_type, size, data, updated_at, updated_by)"
	                   " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET"
	                   " content_type = excluded.content_type, size = excluded.size, data = excluded.data,"
	                   " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
	                   &st);
	if (!rc) {
		store_bind_int(st, 1, person);
		store_bind_text(st, 2, type);
		store_bind_int(st, 3, (int64_t)len);
		store_bind_text(st, 4, sealed);
		store_bind_int(st, 5, util_now());
		store_bind_int(st, 6, c->a->user_id);
		rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
		store_finalize(st);
	}
	free(sealed);
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, person);
	c->audit_detail = json_pack("{s:s, s:I}", "type", type, "bytes", (json_int_t)len);
	return rc;
}

tx_err photo_get(dctx *c, int64_t person, char **data, size_t *len, const char **type)
{
	tx_err rc = person_visible(c, person);
	if (rc)
		return rc;
	store_stmt *st;
	if ((rc = store_prepare(c->db, "SELECT content_type, data FROM person_photo WHERE person_id = ?", &st)))
		return rc;
	store_bind_int(st, 1, person);
	int s = store_step(st);
	char *plain = NULL;
	const char *t = NULL;
	if (s == STORE_ROW) {
		t = strcmp(store_col_text(st, 0), "image/png") == 0 ? "image/png" : "image/jpeg";
		if (crypto_open(c->k, "person.photo", store_col_text(st, 1), &plain))
			plain = NULL;
	}
	store_finalize(st);
	if (s != STORE_ROW)
		return s == STORE_DONE ? dctx_fail(c, TX_ENOTFOUND, "not_found", "没有照片", "no photo") : TX_EDB;
	if (!plain)
		return TX_EINTERNAL;
	size_t cap = strlen(plain), n = 0;
	char *bin = xmalloc(cap + 1);
	int bad = sodium_base642bin((unsigned char *)bin, cap, plain, strlen(plain), NULL, &n, NULL,
	                            sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(plain);
	if (bad) {
		free(bin);
		return TX_EINTERNAL;
	}
	*data = bin;
	*len = n;
	*type = t;
	return TX_OK;
}

tx_err photo_delete(dctx *c, int64_t person)
{
	tx_err rc = person_visible(c, person);
	if (rc)
		return rc;
	store_stmt *st;
	if ((rc = store_prepare(c->db, "DELETE FROM person_photo WHERE person_id = ?", &st)))
		return rc;
	store_bind_int(st, 1, person);
	rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
	store_finalize(st);
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, person);
	return rc;
}

int photo_exists(store *db, int64_t person)
{
	store_stmt *st;
	if (store_prepare(db, "SELECT 1 FROM person_photo WHERE person_id = ?", &st))
		return 0;
	store_bind_int(st, 1, person);
	int yes = store_step(st) == STORE_ROW;
	store_finalize(st);
	return yes;
}
