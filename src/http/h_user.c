/*
 * h_user.c — users and roles routes.
 */
#include "domain/role.h"
#include "domain/user.h"
#include "http/handlers.h"

#include "base/util.h"

tx_err h_user_list(req *r)
{
	const char *u = req_query(r, "unit");
	int64_t unit = 0;
	if (u && (util_parse_i64(u, &unit) || unit <= 0))
		return dctx_fail(&r->dc, TX_EINVAL, "validation.failed", "参数应为正整数", "ids must be positive integers");
	json_t *items;
	int64_t next;
	tx_err rc = user_list(&r->dc, unit, req_query(r, "q"), cursor_parse(req_query(r, "after")), req_limit(r), &items,
	                      &next);
	if (!rc)
		h_page(r, items, next);
	return rc;
}

tx_err h_user_get(req *r)
{
	return user_get(&r->dc, req_id(r, 0), &r->resp);
}

tx_err h_user_create(req *r)
{
	tx_err rc = user_create(&r->dc, r->body, &r->resp);
	if (!rc)
		r->status = 201;
	return rc;
}

tx_err h_user_update(req *r)
{
	return user_update(&r->dc, req_id(r, 0), r->body, &r->resp);
}

tx_err h_user_delete(req *r)
{
	tx_err rc = user_delete(&r->dc, req_id(r, 0));
	if (!rc)
		r->status = 204;
	return rc;
}

tx_err h_user_password(req *r)
{
	tx_err rc = user_reset_password(&r->dc, req_id(r, 0), r->body);
	if (!rc)
		r->status = 204;
	return rc;
}

tx_err h_user_unlock(req *r)
{
	tx_err rc = user_unlock(&r->dc, req_id(r, 0));
	if (!rc)
		r->status = 204;
	return rc;
}

tx_err h_user_roles(req *r)
{
	return user_set_roles(&r->dc, req_id(r, 0), r->body, &r->resp);
}

tx_err h_role_list(req *r)
{
	json_t *items;
	tx_err rc = role_list(&r->dc, &items);
	if (!rc)
		h_page(r, items, 0);
	return rc;
}

tx_err h_role_create(req *r)
{
	tx_err rc = role_create(&r->dc, r->body, &r->resp);
	if (!rc)
		r->status = 201;
	return rc;
}

tx_err h_role_update(req *r)
{
	return role_update(&r->dc, r->params[0], r->body, &r->resp);
}

tx_err h_role_delete(req *r)
{
	tx_err rc = role_delete(&r->dc, r->params[0]);
	if (!rc)
		r->status = 204;
	return rc;
}
