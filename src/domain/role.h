/*
 * role.h — roles and their permissions (managed by the security admin).
 */
#ifndef TX_DOMAIN_ROLE_H
#define TX_DOMAIN_ROLE_H

#include "domain/domain.h"

tx_err role_list(dctx *c, json_t **items);
tx_err role_create(dctx *c, json_t *body, json_t **out);
tx_err role_update(dctx *c, const char *code, json_t *body, json_t **out);
tx_err role_delete(dctx *c, const char *code);

#endif
