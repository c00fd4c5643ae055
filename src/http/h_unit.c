/*
 * h_unit.c — the unit tree routes.
 */
#include "domain/unit.h"
#include "http/handlers.h"

#include "base/util.h"

static int64_t query_id(req *r, const char *name, int *bad)
{
	const char *s = req_query(r, name);
	int64_t v = 0;
	if (s && (util_parse_i64(s, &v) || v <= 0))
		*bad = 1;
	return v;
}

tx_err h_unit_list(req *r)
{
	int bad = 0;
	int64_t parent = query_id(r, "parent", &bad), subtree = query_id(r, "subtree", &bad);
	if (bad)
		return dctx_fail(&r->dc, TX_EINVAL, "validation.failed", "参数应为正整数", "ids must be positive integers");
	const char *q = req_query(r, "q"), *kind = req_query(r, "kind");
	json_t *items;
	tx_err rc;
	if (subtree || q || kind || req_query(r, "after")) {
		int64_t next;
		rc = unit_search(&r->dc, subtree, q, kind, cursor_parse(req_query(r, "after")), req_limit(r), &items, &next);
		if (!rc)
			h_page(r, items, next);
		return rc;
	}
	rc = unit_children(&r->dc, parent, &items);
	if (!rc)
		h_page(r, items, 0);
	return rc;
}

tx_err h_unit_get(req *r)
{
	return unit_get(&r->dc, req_id(r, 0), &r->resp);
}

tx_err h_unit_create(req *r)
{
	tx_err rc = unit_create(&r->dc, r->body, &r->resp);
	if (!rc)
		r->status = 201;
	return rc;
}

tx_err h_unit_update(req *r)
{
	return unit_update(&r->dc, req_id(r, 0), r->body, &r->resp);
}

tx_err h_unit_move(req *r)
{
	return unit_move(&r->dc, req_id(r, 0), r->body, &r->resp);
}

tx_err h_unit_delete(req *r)
{
	tx_err rc = unit_delete(&r->dc, req_id(r, 0));
	if (!rc)
		r->status = 204;
	return rc;
}
