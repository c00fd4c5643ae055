/*
 * session.c — sign-in with lockout, session tokens (see session.h).
 */
#include "auth/session.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/audit.h"
#include "auth/password.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/util.h"

/* Refresh last_seen at most this often (seconds): fewer writes per request. */
#define SESSION_TOUCH_EVERY 30

void session_token_hash(const char *token, char out[65])
{
	unsigned char md[32];
	crypto_generichash(md, sizeof md, (const unsigned char *)token, strlen(token), NULL, 0);
	util_hex(md, sizeof md, out);
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char *dummy_hash;

static void dummy_init(void)
{
	unsigned char r[16];
	char hex[33];
	util_random(r, sizeof r);
	util_hex(r, sizeof r, hex);
	dummy_hash = password_hash(hex);
}

/* Equalise timing for unknown users with a real Argon2id verification. */
static void verify_dummy(const char *pw)
{
	pthread_once(&dummy_once, dummy_init);
	if (dummy_hash)
		password_verify(dummy_hash, pw);
}

static tx_err audit_login(store *db, const keys *k, int64_t uid, const char *who, const char *ip, const char *result,
                          const char *reason)
{
	json_t *d = reason ? json_pack("{s:s}", "reason", reason) : NULL;
	char idbuf[32];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)uid);
	audit_entry e = {.actor_id = uid,
	                 .actor = who,
	                 .ip = ip,
	                 .action = strcmp(result, "ok") == 0 ? "session.create" : "session.fail",
	                 .entity = "user",
	                 .entity_id = uid ? idbuf : NULL,
	                 .result = result,
	                 .detail = d};
	tx_err rc = audit_append(db, k, &e);
	json_decref(d);
	return rc;
}

tx_err session_login(store *db, const config *cfg, const keys *k, const char *username, const char *password,
                     const char *ip, const char *user_agent, login_result *res, char **token, int64_t *user_id)
{
	*res = LOGIN_INVALID;
	*token = NULL;
	*user_id = 0;
	/* What was typed is kept (truncated) in the audit so attacks can be seen. */
	char who[65];
	snprintf(who, sizeof who, "%s", username);
	if (!util_utf8_valid(who, strlen(who)))
		snprintf(who, sizeof who, "?");

	store_stmt *st;
	tx_err rc = store_prepare(db,
	                          "SELECT id, password_hash, active, locked_until FROM app_user WHERE username = ?",
	                          &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, username);
	int r = store_step(st);
	int64_t uid = 0, locked_until = 0;
	int active = 0;
	char *hash = NULL;
	if (r == STORE_ROW) {
		uid = store_col_int(st, 0);
		hash = xstrdup(store_col_text(st, 1));
		active = (int)store_col_int(st, 2);
		locked_until = store_col_int(st, 3);
	}
	store_finalize(st);
	if (r < 0)
		return TX_EDB;

	int64_t now = util_now();
	int ok = 0;
	const char *reason = NULL;
	if (!uid || !active) {
		verify_dummy(password);
		reason = uid ? "disabled" : "unknown user";
	} else if (locked_until > now) {
		*res = LOGIN_LOCKED;
		reason = "locked";
	} else {
		ok = password_verify(hash, password);
		if (!ok)
			reason = "wrong password";
	}
	free(hash);

	/* The password check above runs outside the transaction: it is slow. */
	if ((rc = store_begin(db)))
		return rc;
	if (ok) {
		unsigned char raw[32];
		util_random(raw, sizeof raw);
		char *tok = util_b64url(raw, sizeof raw);
		mem_wipe(raw, sizeof raw);
		char th[65];
		session_token_hash(tok, th);
		if ((rc = store_prepare(db,
		                        "UPDATE app_user SET failed_logins = 0, locked_until = 0, last_login_at = ?"
		                        " WHERE id = ?",
		                        &st)))
			goto fail_tok;
		store_bind_int(st, 1, now);
		store_bind_int(st, 2, uid);
		r = store_step(st);
		store_finalize(st);
		if (r != STORE_DONE) {
			rc = TX_EDB;
			goto fail_tok;
		}
		if ((rc = store_prepare(db,
		                        "INSERT INTO session (token_hash, user_id, created_at, last_seen, expires_at, ip,"
		                        " user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)",
		                        &st)))
			goto fail_tok;
		char ua[201];
		snprintf(ua, sizeof ua, "%s", user_agent ? user_agent : "");
		if (!util_utf8_valid(ua, strlen(ua)))
			ua[0] = 0;
		store_bind_text(st, 1, th);
		store_bind_int(st, 2, uid);
		store_bind_int(st, 3, now);
		store_bind_int(st, 4, now);
		store_bind_int(st, 5, now + cfg->session_max);
		store_bind_text(st, 6, ip);
		store_bind_text(st, 7, ua);
		r = store_step(st);
		store_finalize(st);
		if (r != STORE_DONE) {
			rc = TX_EDB;
			goto fail_tok;
		}
		if ((rc = audit_login(db, k, uid, who, ip, "ok", NULL)))
			goto fail_tok;
		if ((rc = store_commit(db)))
			goto fail_tok;
		*res = LOGIN_OK;
		*token = tok;
		*user_id = uid;
		return TX_OK;
	fail_tok:
		free(tok);
		store_rollback(db);
		return rc;
	}

	if (uid && active && *res != LOGIN_LOCKED) {
		/* Count the failure; the threshold-th one locks the account. A lock
		 * that has run out starts the count again. */
		if ((rc = store_prepare(db,
		                        "UPDATE app_user SET"
		                        " failed_logins = CASE WHEN locked_until > 0 AND locked_until <= ? THEN 1"
		                        "  ELSE failed_logins + 1 END,"
		                        " locked_until = CASE WHEN locked_until > 0 AND locked_until <= ? THEN 0"
		                        "  ELSE locked_until END"
		                        " WHERE id = ? RETURNING failed_logins",
		                        &st)))
			goto fail;
		store_bind_int(st, 1, now);
		store_bind_int(st, 2, now);
		store_bind_int(st, 3, uid);
		r = store_step(st);
		int64_t failed = r == STORE_ROW ? store_col_int(st, 0) : 0;
		while (r == STORE_ROW)
			r = store_step(st);
		store_finalize(st);
		if (r != STORE_DONE) {
			rc = TX_EDB;
			goto fail;
		}
		if ((rc = audit_login(db, k, uid, who, ip, "failed", reason)))
			goto fail;
		if (failed >= cfg->lock_threshold) {
			/* Only the failure that locks writes the lock: a burst past the
			 * threshold neither extends it nor audits it twice. */
			if ((rc = store_prepare(db, "UPDATE app_user SET locked_until = ? WHERE id = ? AND locked_until <= ?",
			                        &st)))
				goto fail;
			store_bind_int(st, 1, now + (int64_t)cfg->lock_minutes * 60);
			store_bind_int(st, 2, uid);
			store_bind_int(st, 3, now);
			r = store_step(st);
			store_finalize(st);
			if (r != STORE_DONE) {
				rc = TX_EDB;
				goto fail;
			}
		}
		if (failed >= cfg->lock_threshold && store_changes(db) == 1) {
			json_t *d = json_pack("{s:I, s:i}", "failed_logins", (json_int_t)failed, "minutes", cfg->lock_minutes);
			char idbuf[32];
			snprintf(idbuf, sizeof idbuf, "%lld", (long long)uid);
			audit_entry e = {.actor_id = uid, .actor = who, .ip = ip, .action = "user.lock", .entity = "user",
			                 .entity_id = idbuf, .result = "ok", .detail = d};
			rc = audit_append(db, k, &e);
			json_decref(d);
			if (rc)
				goto fail;
			log_warn("account %s locked after %lld failed sign-ins", who, (long long)failed);
		}
	} else {
		if ((rc = audit_login(db, k, uid, who, ip, *res == LOGIN_LOCKED ? "denied" : "failed", reason)))
			goto fail;
	}
	if ((rc = store_commit(db)))
		goto fail;
	return TX_OK;
fail:
	store_rollback(db);
	return rc;
}

tx_err session_lookup(store *db, const config *cfg, const char *token, actor *a, int *expired)
{
	memset(a, 0, sizeof *a);
	if (expired)
		*expired = 0;
	if (!token || !*token || strlen(token) > 128)
		return TX_EAUTH;
	char th[65];
	session_token_hash(token, th);
	/*
	 * The session, its user (active) and the user's roles in one statement:
	 * one row per role, the session and user columns repeated. No
	 * user columns (NULL) when the user is deactivated or gone. Read fresh
	 * on every request: nothing is cached between requests.
	 */
#define SESSION_SQL(AGG)                                                                                               \
	"SELECT s.user_id, s.last_seen, s.expires_at, " ACTOR_USER_COLS ", " ACTOR_ROLE_COLS(AGG) " FROM session s"    \
	" LEFT JOIN app_user u ON u.id = s.user_id AND u.active = 1"                                                   \
	" LEFT JOIN unit n ON n.id = u.unit_id"                                                                        \
	" LEFT JOIN user_role ur ON ur.user_id = u.id"                                                                 \
	" LEFT JOIN role r ON r.code = ur.role_code"                                                                   \
	" WHERE s.token_hash = ?"
	store_stmt *st;
	tx_err rc = store_prepare(
		db, store_kind_of(db) == STORE_POSTGRES ? SESSION_SQL("string_agg") : SESSION_SQL("group_concat"), &st);
#undef SESSION_SQL
	if (rc)
		return rc;
	store_bind_text(st, 1, th);
	int r = store_step(st);
	if (r != STORE_ROW) {
		store_finalize(st);
		return r == STORE_DONE ? TX_EAUTH : TX_EDB;
	}
	int64_t last = store_col_int(st, 1), exp = store_col_int(st, 2);
	int64_t now = util_now();
	if (now - last > cfg->session_idle || now >= exp) {
		store_finalize(st);
		session_end(db, token);
		if (expired)
			*expired = 1;
		return TX_EAUTH;
	}
	if (store_col_is_null(st, 3) || store_col_is_null(st, 3 + 5)) {
		store_finalize(st); /* the user is deactivated (or has no unit) */
		return TX_EAUTH;
	}
	actor_read_user(st, 3, a);
	do
		actor_read_role(st, 3 + ACTOR_USER_NCOLS, a);
	while ((r = store_step(st)) == STORE_ROW);
	store_finalize(st);
	if (r < 0) {
		actor_free(a);
		return TX_EDB;
	}
	actor_read_done(a);
	/* In a transaction of its own (unless the caller's is open), so it
	 * queues at the store's write gate instead of polling for the lock. */
	int own_tx = 0;
	if (now - last >= SESSION_TOUCH_EVERY && (store_in_tx(db) || (own_tx = store_begin(db) == TX_OK))) {
		if (store_prepare(db, "UPDATE session SET last_seen = ? WHERE token_hash = ?", &st) == TX_OK) {
			store_bind_int(st, 1, now);
			store_bind_text(st, 2, th);
			store_step(st);
			store_finalize(st);
		}
		if (own_tx && store_commit(db))
			log_warn("could not record a session's last activity: %s", store_errmsg(db));
	}
	return TX_OK;
}

tx_err session_end(store *db, const char *token)
{
	char th[65];
	session_token_hash(token, th);
	store_stmt *st;
	tx_err rc = store_prepare(db, "DELETE FROM session WHERE token_hash = ?", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, th);
	int r = store_step(st);
	store_finalize(st);
	return r == STORE_DONE ? TX_OK : TX_EDB;
}

tx_err session_end_user(store *db, int64_t user_id)
{
	store_stmt *st;
	tx_err rc = store_prepare(db, "DELETE FROM session WHERE user_id = ?", &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, user_id);
	int r = store_step(st);
	store_finalize(st);
	return r == STORE_DONE ? TX_OK : TX_EDB;
}
