/*
 * photo.h — a person's photo (证件照): JPEG or PNG up to PHOTO_MAX_BYTES,
 * checked by content, sealed at rest with the field key, within the
 * person's scope.
 */
#ifndef TX_DOMAIN_PHOTO_H
#define TX_DOMAIN_PHOTO_H

#include <stddef.h>

#include "domain/domain.h"

#define PHOTO_MAX_BYTES (2 * 1024 * 1024)

/* The image type of these bytes ("image/jpeg", "image/png") or NULL. */
const char *photo_type_of(const void *data, size_t len);
tx_err photo_put(dctx *c, int64_t person, const void *data, size_t len);
/* *data is malloc'd; *type static. TX_ENOTFOUND when the person has none. */
tx_err photo_get(dctx *c, int64_t person, char **data, size_t *len, const char **type);
tx_err photo_delete(dctx *c, int64_t person);
/* Does the person have a photo? (no scope check: for a record already fetched) */
int photo_exists(store *db, int64_t person);

#endif
