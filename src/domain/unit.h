/*
 * unit.h — the unit tree: city, towns, villages, departments, parties…
 *
 * Every operation applies the actor's data scope: a unit outside it is
 * reported as not found, exactly like a unit that does not exist.
 * Returned JSON objects are new references owned by the caller.
 */
#ifndef TX_DOMAIN_UNIT_H
#define TX_DOMAIN_UNIT_H

#include "domain/domain.h"

/* Deepest allowed tree (province → … → village is 5; room to spare). */
#define UNIT_MAX_DEPTH 12

/* Children of `parent`, or the roots of the actor's scope when parent is 0. */
tx_err unit_children(dctx *c, int64_t parent, json_t **items);
/* The subtree of `root` (the actor's scope root when 0), filtered; paged by id. */
tx_err unit_search(dctx *c, int64_t root, const char *q, const char *kind, int64_t after, int limit,
                   json_t **items, int64_t *next);
tx_err unit_get(dctx *c, int64_t id, json_t **out);
tx_err unit_create(dctx *c, json_t *body, json_t **out);
tx_err unit_update(dctx *c, int64_t id, json_t *body, json_t **out);
tx_err unit_move(dctx *c, int64_t id, json_t *body, json_t **out);
tx_err unit_delete(dctx *c, int64_t id);

/*
 * Insert a unit without scope checks (demo data, init); *id receives the
 * new id. The caller runs it inside a transaction.
 */
tx_err unit_insert_raw(store *db, int64_t parent, const char *name, const char *kind, const char *code, int sort,
                       int64_t by, int64_t *id);

/* Is unit `id` inside the actor's scope? Fills its path (≥ 256 bytes) if so. */
tx_err unit_in_scope(dctx *c, int64_t id, char *path, size_t n);

#endif
