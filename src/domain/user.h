/*
 * user.h — user accounts within the actor's scope.
 *
 * A user belongs to one unit; the unit decides which scope-limited actors
 * can see the account. Passwords are set through here (hashed with
 * Argon2id) and never returned. Returned JSON is owned by the caller.
 */
#ifndef TX_DOMAIN_USER_H
#define TX_DOMAIN_USER_H

#include "domain/domain.h"

tx_err user_list(dctx *c, int64_t unit, const char *q, int64_t after, int limit, json_t **items, int64_t *next);
tx_err user_get(dctx *c, int64_t id, json_t **out);
tx_err user_create(dctx *c, json_t *body, json_t **out);
tx_err user_update(dctx *c, int64_t id, json_t *body, json_t **out);
tx_err user_delete(dctx *c, int64_t id);
tx_err user_reset_password(dctx *c, int64_t id, json_t *body);
tx_err user_unlock(dctx *c, int64_t id);
tx_err user_set_roles(dctx *c, int64_t id, json_t *body, json_t **out);
/* The signed-in user changes their own password. */
tx_err user_change_own_password(dctx *c, json_t *body);

/*
 * Insert a user without scope checks (init, demo, CLI), inside the caller's
 * transaction. roles is a NULL-terminated list of role codes.
 */
tx_err user_insert_raw(store *db, const char *username, const char *name, int64_t unit, const char *const *roles,
                       const char *password, int must_change, int64_t by, int64_t *id);
/* Set a password without checks (CLI `user passwd`). */
tx_err user_set_password_raw(store *db, int64_t id, const char *password, int must_change);

#endif
