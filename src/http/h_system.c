/*
 * h_system.c — audit log, model, API description, health and metrics.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "base/buf.h"
#include "base/util.h"
#include "domain/dict.h"
#include "http/handlers.h"
#include "http/metrics.h"
#include "http/routes.h"

void h_page(req *r, json_t *items, int64_t next)
{
	json_t *n = json_null();
	if (next) {
		char tmp[32];
		snprintf(tmp, sizeof tmp, "%lld", (long long)next);
		n = json_string(tmp);
	}
	r->resp = json_pack("{s:o, s:o}", "items", items, "next", n);
}

tx_err h_audit_list(req *r)
{
	/* actor= is a user id or a username. */
	int64_t actor_id = 0;
	const char *a = req_query(r, "actor"), *actor_name = NULL;
	if (a && (util_parse_i64(a, &actor_id) || actor_id < 0)) {
		actor_id = 0;
		actor_name = a;
	}
	json_t *items;
	int64_t next;
	tx_err rc = audit_list(r->dc.db, cursor_parse(req_query(r, "after")), req_limit(r), actor_id, actor_name,
	                       req_query(r, "action"), &items, &next);
	if (!rc)
		h_page(r, items, next);
	return rc;
}

tx_err h_meta(req *r)
{
	r->resp = model_meta_json();
	return dict_local_meta(r->dc.db, json_object_get(r->resp, "dictionaries"));
}

tx_err h_openapi(req *r)
{
	r->resp = routes_openapi();
	return TX_OK;
}

tx_err h_healthz(req *r)
{
	int64_t one = 0;
	if (store_query_int(r->dc.db, "SELECT 1", &one) || one != 1) {
		r->status = 503;
		r->resp = json_pack("{s:s}", "status", "database unavailable");
		return TX_OK;
	}
	r->resp = json_pack("{s:s}", "status", "ok");
	return TX_OK;
}

tx_err h_metrics(req *r)
{
	buf b = BUF_INIT;
	metrics_render(&b);
	r->raw_len = b.len;
	r->raw = buf_detach(&b);
	r->raw_type = "text/plain; version=0.0.4; charset=utf-8";
	return TX_OK;
}
