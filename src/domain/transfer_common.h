/*
 * transfer_common.h — the bits import (transfer_import.c) and export
 * (transfer_export.c) share. Internal to those files.
 */
#ifndef TX_DOMAIN_TRANSFER_COMMON_H
#define TX_DOMAIN_TRANSFER_COMMON_H

#include <stdint.h>

#include "domain/transfer.h"

static inline const char *pick(const msg2 *m, const dctx *c)
{
	return msg_pick(m, c->lang);
}

/* The permission "<entity>:<action>", sub-records under their parent's update. */
int transfer_can(const dctx *c, const model_entity *e, const char *action);
/* Fields that are columns of import, export and the template. */
int transfer_io_field(const model_field *f);
/*
 * A cell as the import reads it (new string): spaces trimmed at both ends
 * (ASCII, no-break and ideographic), full-width digits and letters as ASCII
 * (with `all`, every full-width ASCII character, e.g. "－" and "／"), and
 * the apostrophe the CSV export puts before = + - @ taken off again.
 */
char *transfer_clean(const char *in, int all);

/* A small string-keyed hash table (open addressing): an entry holds a number, a message and/or a string. */
typedef struct sent {
	char *key;
	int64_t v;
	const msg2 *m;
	char *s;
} sent;

typedef struct smap {
	sent *e;
	size_t cap, n;
} smap;

/* The entry for key, or NULL; with `create`, a new zeroed entry when missing. */
sent *smap_get(smap *m, const char *key, int create);
void smap_free(smap *m);

/* A unit's name by id (cached in `names`). */
const char *transfer_unit_name(dctx *c, smap *names, int64_t id);
/* Ids of a materialised path "/1/5/23/" → up to max ids. */
int transfer_path_ids(const char *path, int64_t *ids, int max);

#endif
