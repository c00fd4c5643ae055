/*
 * h_case.c — handlers of the case routes (docs/cases.md): thin calls into
 * domain/cases.c and domain/notify.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "domain/cases.h"
#include "domain/flows.h"
#include "domain/notify.h"
#include "http/handlers.h"
#include "io/filetype.h"

static tx_err bad_id(req *r, const char *name)
{
	static const msg2 m = {"应为正整数", "must be a positive integer"};
	dctx_field(&r->dc, name, &m);
	return dctx_fail(&r->dc, TX_EINVAL, "validation.failed", "查询参数有误", "invalid query parameters");
}

/* An optional positive id from the query string into *out; -1 (after failing r) when malformed. */
static int query_id(req *r, const char *name, int64_t *out)
{
	const char *v = req_query(r, name);
	*out = 0;
	if (!v)
		return 0;
	if (util_parse_i64(v, out) || *out <= 0) {
		bad_id(r, name);
		return -1;
	}
	return 0;
}

static tx_err parse_query(req *r, case_query *q)
{
	memset(q, 0, sizeof *q);
	q->type = req_query(r, "type");
	q->state = req_query(r, "state");
	q->figure = req_query(r, "figure");
	q->from = req_query(r, "from");
	q->to = req_query(r, "to");
	q->q = req_query(r, "q");
	const char *mine = req_query(r, "mine");
	q->mine = mine && strcmp(mine, "1") == 0;
	q->limit = req_limit(r);
	if (query_id(r, "unit", &q->unit) || query_id(r, "lead_unit", &q->lead_unit))
		return TX_EINVAL;
	const char *after = req_query(r, "after");
	q->after = after ? cursor_parse(after) : 0;
	if (after && q->after <= 0)
		return bad_id(r, "after");
	return TX_OK;
}

tx_err h_case_types(req *r)
{
	r->resp = flow_types_json();
	return TX_OK;
}

tx_err h_case_list(req *r)
{
	case_query q;
	tx_err rc = parse_query(r, &q);
	if (rc)
		return rc;
	json_t *items;
	int64_t next;
	if (!(rc = case_list(&r->dc, &q, &items, &next)))
		h_page(r, items, next);
	return rc;
}

tx_err h_case_figures(req *r)
{
	case_query q;
	tx_err rc = parse_query(r, &q);
	if (rc)
		return rc;
	return case_figures(&r->dc, &q, &r->resp);
}

tx_err h_case_create(req *r)
{
	tx_err rc = case_create(&r->dc, r->body, &r->resp);
	if (!rc)
		r->status = 201;
	return rc;
}

tx_err h_case_get(req *r)
{
	return case_get(&r->dc, req_id(r, 0), &r->resp);
}

tx_err h_case_update(req *r)
{
	return case_update(&r->dc, req_id(r, 0), r->body, &r->resp);
}

tx_err h_case_act(req *r)
{
	return case_act(&r->dc, req_id(r, 0), r->body, &r->resp);
}

tx_err h_case_inbox(req *r)
{
	return case_inbox(&r->dc, &r->resp);
}

tx_err h_case_similar(req *r)
{
	return case_similar(&r->dc, req_query(r, "type"), req_query(r, "q"), &r->resp);
}

tx_err h_case_addressees(req *r)
{
	return case_addressees(&r->dc, req_query(r, "kind"), req_query(r, "q"), &r->resp);
}

tx_err h_case_file_add(req *r)
{
	tx_err rc = case_file_add(&r->dc, req_id(r, 0), req_query(r, "name"), r->upload, r->upload_len, &r->resp);
	if (!rc)
		r->status = 201;
	return rc;
}

tx_err h_case_file_get(req *r)
{
	char *name = NULL;
	const char *mime;
	tx_err rc = case_file_get(&r->dc, req_id(r, 0), req_id(r, 1), &r->raw, &r->raw_len, &mime, &name);
	if (rc)
		return rc;
	r->raw_type = mime;
	/* Images may show in the page; everything else downloads. */
	r->disposition = filetype_disposition(name, strncmp(mime, "image/", 6) == 0);
	free(name);
	return TX_OK;
}

tx_err h_notice_list(req *r)
{
	int64_t after = 0, next = 0, unread = 0;
	const char *a = req_query(r, "after");
	if (a && (after = cursor_parse(a)) <= 0)
		return bad_id(r, "after");
	const char *u = req_query(r, "unread");
	json_t *items;
	tx_err rc = notice_list(&r->dc, u && strcmp(u, "1") == 0, after, req_limit(r), &items, &next, &unread);
	if (!rc) {
		h_page(r, items, next);
		json_object_set_new(r->resp, "unread", json_integer(unread));
	}
	return rc;
}

tx_err h_notice_read(req *r)
{
	tx_err rc = notice_read(&r->dc, req_id(r, 0));
	if (!rc)
		r->status = 204;
	return rc;
}

tx_err h_notice_read_all(req *r)
{
	tx_err rc = notice_read_all(&r->dc);
	if (!rc)
		r->status = 204;
	return rc;
}
