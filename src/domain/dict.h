/*
 * dict.h — local dictionaries: code tables that staff add without a code
 * change (a town's own checklist items, local activity types …), owned by
 * a unit and editable within scope. Built-in dictionaries (model/dicts.c)
 * stay read-only.
 */
#ifndef TX_DOMAIN_DICT_H
#define TX_DOMAIN_DICT_H

#include "domain/domain.h"

/* Every dictionary, built-in ones first, as /meta lists them. */
tx_err dict_list(dctx *c, json_t **items);
/* Local dictionaries only, in the /meta form (for the meta document). */
tx_err dict_local_meta(store *db, json_t *into);
tx_err dict_create(dctx *c, json_t *body, json_t **out);
tx_err dict_update(dctx *c, const char *code, json_t *body, json_t **out);
tx_err dict_delete(dctx *c, const char *code);

#endif
