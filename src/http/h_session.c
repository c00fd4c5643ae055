/*
 * h_session.c — sign-in, sign-out and the signed-in user.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "base/mem.h"
#include "domain/user.h"
#include "http/handlers.h"

static char *cookie_value(const req *r, const char *token, int max_age)
{
	return xasprintf("tx_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s", token, max_age,
	                 r->dc.cfg->cookie_secure ? "; Secure" : "");
}

tx_err h_session_create(req *r)
{
	const char *username = json_string_value(json_object_get(r->body, "username"));
	const char *password = json_string_value(json_object_get(r->body, "password"));
	login_result res;
	char *token = NULL;
	int64_t uid = 0;
	tx_err rc = session_login(r->dc.db, r->dc.cfg, r->dc.k, username, password, r->ip, r->user_agent, &res, &token,
	                          &uid);
	if (rc)
		return rc;
	if (res == LOGIN_LOCKED)
		return dctx_fail(&r->dc, TX_EAUTH, "auth.locked", "账号已锁定，请稍后再试或联系安全管理员",
		                 "the account is locked; try later or ask the security administrator");
	if (res != LOGIN_OK)
		return dctx_fail(&r->dc, TX_EAUTH, "auth.invalid", "用户名或密码错误", "wrong username or password");
	actor a;
	if ((rc = actor_load(r->dc.db, uid, &a))) {
		free(token);
		return rc;
	}
	r->resp = json_pack("{s:s, s:o}", "token", token, "user", actor_json(&a));
	r->set_cookie = cookie_value(r, token, r->dc.cfg->session_max);
	actor_free(&a);
	free(token);
	r->status = 200;
	return TX_OK;
}

tx_err h_session_delete(req *r)
{
	tx_err rc = session_end(r->dc.db, r->token);
	if (rc)
		return rc;
	snprintf(r->dc.audit_id, sizeof r->dc.audit_id, "%lld", (long long)r->actor.user_id);
	r->set_cookie = cookie_value(r, "", 0);
	r->status = 204;
	return TX_OK;
}

tx_err h_me(req *r)
{
	r->resp = actor_json(&r->actor);
	return TX_OK;
}

tx_err h_me_password(req *r)
{
	tx_err rc = user_change_own_password(&r->dc, r->body);
	if (rc == TX_OK)
		r->status = 204;
	return rc;
}
