/*
 * record.h — the generic record engine behind every ENTITY_RECORD of the
 * model: list, get, create, update, delete, reveal and count, with data
 * scope, validation, encryption of sensitive fields, blind indexes,
 * optimistic locking and audit details — written once for all entities.
 *
 * SQL is assembled only from the model's constant names (tables, columns)
 * and placeholders; every value from a request is a bound parameter.
 * Returned JSON is owned by the caller.
 */
#ifndef TX_DOMAIN_RECORD_H
#define TX_DOMAIN_RECORD_H

#include "base/buf.h"
#include "domain/domain.h"

typedef struct record_query {
	int64_t unit;      /* subtree root (0: the whole scope) */
	const char *q;     /* free text over FF_SEARCH fields */
	json_t *filters;   /* {field: "value"}: equality on dict/bool/ref fields, containment for lists */
	int64_t parent_id; /* sub-records of this parent (0: any) */
	const char *after; /* keyset cursor as record_list returned it (opaque), or NULL */
	int limit;
} record_query;

/* Record entity by name, or NULL (forms and system entities are not records). */
const model_entity *record_entity(const char *name);

/*
 * One page in (unit_path, id) order: the records of a unit together, units
 * in path order, appended to `items` as a JSON array (text: a page goes
 * out as it is, no tree is built). *next is a malloc'd cursor for
 * q->after, or NULL on the last page.
 */
tx_err record_list(dctx *c, const model_entity *e, const record_query *q, buf *items, char **next);
tx_err record_get(dctx *c, const model_entity *e, int64_t id, json_t **out);
/* record_get's object as JSON text appended to out (the detail answer, sent as it is). */
tx_err record_get_text(dctx *c, const model_entity *e, int64_t id, buf *out);
tx_err record_create(dctx *c, const model_entity *e, json_t *body, json_t **out);
tx_err record_update(dctx *c, const model_entity *e, int64_t id, json_t *body, json_t **out);
tx_err record_delete(dctx *c, const model_entity *e, int64_t id);
/* One sensitive value in clear, for an actor with <entity>:reveal; audited by the caller. */
tx_err record_reveal(dctx *c, const model_entity *e, int64_t id, const char *field, json_t **out);
/* Counts grouped by a dict/bool field (or total when group is NULL), within scope and filters. */
tx_err record_count(dctx *c, const model_entity *e, const record_query *q, const char *group, json_t **out);

/* Live records of any entity held by unit `unit` (for unit deletion). */
tx_err record_count_in_unit(store *db, int64_t unit, int64_t *n);
/*
 * After a unit subtree moved from old_path to new_path, rewrite unit_path
 * in every record table and move the subtree's rollups (person_tally) from
 * the old ancestors to the new ones.
 */
tx_err record_units_moved(store *db, const char *old_path, const char *new_path);

/*
 * The rollups of people (person_tally: live people of each unit and its
 * subtree, in all, by category and by flag), kept by every write of this
 * file. record_tally_defer(1) stops the upkeep on this thread (bulk loads:
 * tongxin gen), record_tally_rebuild() recomputes the table from person
 * inside the caller's transaction.
 */
void record_tally_defer(int on);
tx_err record_tally_rebuild(store *db);
/*
 * record_tally_collect(1) makes this thread's writes sum their rollup
 * changes in memory; record_tally_flush() writes the sums (call it inside
 * the transaction, before the commit) and ends the collecting;
 * record_tally_collect(0) drops what was collected (after a rollback).
 */
void record_tally_collect(int on);
tx_err record_tally_flush(store *db);

/*
 * Insert without scope checks (demo data, import) inside the caller's
 * transaction; `body` must already be valid. *id receives the new id.
 */
tx_err record_insert_raw(dctx *c, const model_entity *e, json_t *body, int64_t *id);

/*
 * The checks record_create (self = 0) or record_update (self = the id)
 * makes before writing, without writing (import dry runs): the unit or
 * parent in scope, references in scope, the entity's cross-field check on
 * the merged record, unique values. `body` must already be valid; for a
 * new sub-record its parent's "unit_id" is set in body, ready for
 * record_insert_raw. Flags say what the caller has checked already:
 * RECORD_CHECKED_UNIT (body's unit_id is in the actor's scope),
 * RECORD_CHECKED_UNIQUE (no other live record holds body's unique values).
 */
enum { RECORD_CHECKED_UNIT = 1 << 0, RECORD_CHECKED_UNIQUE = 1 << 1 };
tx_err record_check(dctx *c, const model_entity *e, json_t *body, int64_t self, unsigned flags);

/*
 * The live record whose `field` (a stored, non-sensitive or blind-indexed
 * field) equals `value` after the field's normalisation, in any scope:
 * *id = 0 when there is none; *in_scope says whether the actor may see it.
 */
tx_err record_find_by(dctx *c, const model_entity *e, const char *field, const char *value, int64_t *id,
                      int *in_scope);

/*
 * Every record in scope matching q (q->after and q->limit are ignored), in
 * record_list's (unit_path, id) order, read in pages: fn gets each row as record_get shows it, or
 * with `clear` sensitive values in clear (for an unmasked export; the
 * caller checks the permission and audits). A non-zero return from fn
 * stops and is returned.
 */
tx_err record_each(dctx *c, const model_entity *e, const record_query *q, int clear,
                   tx_err (*fn)(void *ctx, json_t *row), void *ctx);

#endif
