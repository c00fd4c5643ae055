/*
 * h_transfer.c — import and export routes: POST /{entity}/import,
 * GET /imports/{id}, POST /imports/{id}/commit, GET /{entity}/export and
 * GET /{entity}/template (see domain/transfer.h).
 *
 * The pipeline has resolved {entity}, checked "<entity>:create" or
 * ":read", and for the upload checked its Content-Type and size. Files go
 * back as raw answers with a Content-Disposition naming them in UTF-8
 * (RFC 5987 filename*) and in ASCII for old clients.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "domain/transfer.h"
#include "http/handlers.h"

/* Query parameters with their own meaning; every other one is a filter. */
static const char *const reserved[] = {"unit",   "q",      "after",  "limit", "parent", "group",
                                       "sort",   "format", "unmasked", "reason", NULL};

/* attachment; filename="ascii"; filename*=UTF-8''percent-encoded */
static char *disposition(const char *name, const char *ascii)
{
	buf b = BUF_INIT;
	buf_puts(&b, "attachment; filename=\"");
	for (const char *s = ascii; *s; s++) {
		char ch = *s;
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		         ch == '-' || ch == '_';
		buf_putc(&b, ok ? ch : '_');
	}
	buf_puts(&b, "\"; filename*=UTF-8''");
	for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    strchr("!#$&+-.^_`|~", *s))
			buf_putc(&b, (char)*s);
		else
			buf_printf(&b, "%%%02X", *s);
	}
	return buf_detach(&b);
}

static void send_file(req *r, transfer_file *f)
{
	r->raw = f->data;
	r->raw_len = f->len;
	r->raw_type = f->type;
	r->disposition = disposition(f->name, f->ascii_name);
	f->data = NULL;
	transfer_file_free(f);
}

tx_err h_import_start(req *r)
{
	tx_err rc = transfer_import_start(&r->dc, r->entity, req_query(r, "mode"), r->upload_type, r->upload,
	                                  r->upload_len, &r->resp);
	if (!rc)
		r->status = 202;
	return rc;
}

tx_err h_import_get(req *r)
{
	int64_t id = req_id(r, 0);
	if (!id)
		return dctx_fail(&r->dc, TX_ENOTFOUND, "not_found", "导入任务不存在", "no such import job");
	return transfer_import_get(&r->dc, id, &r->resp);
}

tx_err h_import_commit(req *r)
{
	int64_t id = req_id(r, 0);
	if (!id)
		return dctx_fail(&r->dc, TX_ENOTFOUND, "not_found", "导入任务不存在", "no such import job");
	tx_err rc = transfer_import_commit(&r->dc, id, &r->resp);
	if (!rc)
		r->status = 202;
	return rc;
}

tx_err h_export(req *r)
{
	record_query q;
	memset(&q, 0, sizeof q);
	const char *u = req_query(r, "unit"), *pa = req_query(r, "parent"), *um = req_query(r, "unmasked");
	if ((u && (util_parse_i64(u, &q.unit) || q.unit <= 0)) ||
	    (pa && (util_parse_i64(pa, &q.parent_id) || q.parent_id <= 0)))
		return dctx_fail(&r->dc, TX_EINVAL, "validation.failed", "参数应为正整数", "ids must be positive integers");
	int unmasked = um && (strcmp(um, "1") == 0 || strcmp(um, "true") == 0);
	q.q = req_query(r, "q");
	q.filters = req_query_all(r, reserved);
	transfer_file f;
	tx_err rc = transfer_export(&r->dc, r->entity, &q, req_query(r, "format"), unmasked, req_query(r, "reason"), &f);
	json_decref(q.filters);
	if (!rc)
		send_file(r, &f);
	return rc;
}

tx_err h_template(req *r)
{
	transfer_file f;
	tx_err rc = transfer_template(&r->dc, r->entity, &f);
	if (!rc)
		send_file(r, &f);
	return rc;
}
