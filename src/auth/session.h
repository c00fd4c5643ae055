/*
 * session.h — sign-in, sessions and lockout.
 *
 * A session token is 32 random bytes (base64url) given to the client once;
 * the database keeps only its BLAKE2b hash, so a copy of the database
 * cannot be replayed as sessions. A session ends after `session_idle`
 * seconds without use or `session_max` seconds after sign-in, at sign-out,
 * and when the user is disabled or their password reset.
 */
#ifndef TX_AUTH_SESSION_H
#define TX_AUTH_SESSION_H

#include "auth/keys.h"
#include "auth/rbac.h"
#include "base/config.h"
#include "store/store.h"

typedef enum login_result { LOGIN_OK, LOGIN_INVALID, LOGIN_LOCKED } login_result;

/*
 * Check a username and password and open a session. Every attempt is
 * audited in the same transaction as its effect on the failure counter.
 * On LOGIN_OK, *token is a malloc'd token and *user_id set.
 */
tx_err session_login(store *db, const config *cfg, const keys *k, const char *username, const char *password,
                     const char *ip, const char *user_agent, login_result *res, char **token, int64_t *user_id);

/*
 * Find the live session of a token and load its actor; TX_EAUTH if none.
 * *expired (may be NULL) is set when the session existed but ran out.
 */
tx_err session_lookup(store *db, const config *cfg, const char *token, actor *a, int *expired);
/* End one session. */
tx_err session_end(store *db, const char *token);
/* End every session of a user (disable, password reset). */
tx_err session_end_user(store *db, int64_t user_id);

/* Hex BLAKE2b-256 of a token (what the database stores). */
void session_token_hash(const char *token, char out[65]);

#endif
