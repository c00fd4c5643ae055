/*
 * h_record.c — the generic record routes: /api/v1/{entity}[/{id}[/reveal]].
 *
 * The pipeline has already resolved {entity} to a record entity of the
 * model (404 otherwise), checked "<entity>:<action>" and validated the
 * body against that entity.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/grid.h"
#include "domain/photo.h"
#include "domain/record.h"
#include "http/handlers.h"

#include "base/jw.h"
#include "base/util.h"

/* Query parameters with their own meaning; every other one is a filter. */
static const char *const reserved[] = {"unit", "q", "after", "limit", "parent", "group", "sort", NULL};

static tx_err read_query(req *r, record_query *q)
{
	memset(q, 0, sizeof *q);
	const char *u = req_query(r, "unit"), *pa = req_query(r, "parent");
	if ((u && (util_parse_i64(u, &q->unit) || q->unit <= 0)) || (pa && (util_parse_i64(pa, &q->parent_id) || q->parent_id <= 0)))
		return dctx_fail(&r->dc, TX_EINVAL, "validation.failed", "参数应为正整数", "ids must be positive integers");
	q->q = req_query(r, "q");
	q->after = req_query(r, "after");
	q->limit = req_limit(r);
	q->filters = req_query_all(r, reserved);
	return TX_OK;
}

tx_err h_record_list(req *r)
{
	record_query q;
	tx_err rc = read_query(r, &q);
	if (rc)
		return rc;
	buf page = BUF_INIT;
	char *next = NULL;
	buf_puts(&page, "{\"items\":");
	rc = record_list(&r->dc, r->entity, &q, &page, &next);
	json_decref(q.filters);
	if (!rc) {
		jw_key(&page, "next");
		jw_str(&page, next);
		buf_putc(&page, '}');
		req_json_text(r, &page);
	}
	buf_free(&page);
	free(next);
	return rc;
}

tx_err h_record_count(req *r)
{
	record_query q;
	tx_err rc = read_query(r, &q);
	if (rc)
		return rc;
	const char *group = req_query(r, "group");
	rc = record_count(&r->dc, r->entity, &q, group && *group ? group : NULL, &r->resp);
	json_decref(q.filters);
	return rc;
}

tx_err h_record_get(req *r)
{
	buf rec = BUF_INIT;
	tx_err rc = record_get_text(&r->dc, r->entity, req_id(r, 1), &rec);
	if (!rc && strcmp(r->entity->name, "person") == 0) {
		jw_reopen(&rec);
		jw_key(&rec, "has_photo");
		jw_bool(&rec, photo_exists(r->dc.db, req_id(r, 1)));
		buf_putc(&rec, '}');
	}
	if (!rc)
		req_json_text(r, &rec);
	buf_free(&rec);
	return rc;
}

tx_err h_record_create(req *r)
{
	tx_err rc = record_create(&r->dc, r->entity, r->body, &r->resp);
	if (!rc)
		r->status = 201;
	return rc;
}

tx_err h_record_update(req *r)
{
	return record_update(&r->dc, r->entity, req_id(r, 1), r->body, &r->resp);
}

tx_err h_record_delete(req *r)
{
	tx_err rc = record_delete(&r->dc, r->entity, req_id(r, 1));
	if (!rc)
		r->status = 204;
	return rc;
}

tx_err h_record_reveal(req *r)
{
	const char *field = json_string_value(json_object_get(r->body, "field"));
	const char *reason = json_string_value(json_object_get(r->body, "reason"));
	tx_err rc = record_reveal(&r->dc, r->entity, req_id(r, 1), field, &r->resp);
	if (!rc)
		r->dc.audit_detail = json_pack("{s:s, s:s}", "field", field, "reason", reason);
	return rc;
}

tx_err h_grid(req *r)
{
	const char *u = req_query(r, "unit");
	int64_t unit = 0;
	if (u && (util_parse_i64(u, &unit) || unit <= 0))
		return dctx_fail(&r->dc, TX_EINVAL, "validation.failed", "参数应为正整数", "ids must be positive integers");
	return grid_report(&r->dc, unit, &r->resp);
}

tx_err h_photo_get(req *r)
{
	const char *type;
	tx_err rc = photo_get(&r->dc, req_id(r, 0), &r->raw, &r->raw_len, &type);
	if (!rc)
		r->raw_type = type;
	return rc;
}

tx_err h_photo_put(req *r)
{
	tx_err rc = photo_put(&r->dc, req_id(r, 0), r->upload, r->upload_len);
	if (!rc)
		r->status = 204;
	return rc;
}

tx_err h_photo_delete(req *r)
{
	tx_err rc = photo_delete(&r->dc, req_id(r, 0));
	if (!rc)
		r->status = 204;
	return rc;
}
