/*
 * server.c — libmicrohttpd glue and the one request pipeline.
 *
 * Every request goes through the same steps, in this order, before and
 * after its handler:
 *   route match → body size limit → authenticate → password-change gate →
 *   authorise (permission) → CSRF check (cookie sessions) → parse and
 *   validate the body against the model → handler (writes inside a
 *   transaction) → audit entry in that transaction → commit → response
 *   with security headers → metrics and access log.
 * Data scope is not checked here: the domain layer applies it in every
 * query it builds for the actor.
 *
 * Threads: MHD's thread pool runs the handlers. Each worker thread opens
 * its own database connection on first use (thread-specific data, closed
 * when the thread ends). Nothing else is shared but atomic counters.
 */
#include "http/server.h"

#include <ctype.h>
#include <errno.h>
#include <stdatomic.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include "auth/audit.h"
#include "auth/session.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/util.h"
#include "http/assets.h"
#include "http/metrics.h"
#include "http/routes.h"
#include "domain/cases.h"
#include "domain/notify.h"
#include "domain/photo.h"
#include "domain/record.h"
#include "domain/transfer.h"
#include "store/store.h"

#if MHD_VERSION < 0x00097002
typedef int MHD_RESULT;
#else
typedef enum MHD_Result MHD_RESULT;
#endif

static const char CSP[] = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
                          " img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self';"
                          " object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

static const char JSON_TYPE[] = "application/json; charset=utf-8";

struct server {
	const config *cfg;
	const keys *k;
	pthread_key_t db_key;
	store_group *group; /* SQLite with sqlite-group-commit: the writes' shared connection */
	atomic_int in_flight; /* requests begun and not yet completed */
};

/* Per-connection state between the calls MHD makes for one request. */
struct conn_state {
	buf body;
	int too_big;
	int64_t start_us;
	size_t limit; /* largest body: body-limit, or TRANSFER_MAX_UPLOAD for R_UPLOAD routes */
};

static void db_destroy(void *p)
{
	store_close(p);
}

/* This worker's connection, opened on first use. */
static store *worker_db(struct server *s)
{
	store *db = pthread_getspecific(s->db_key);
	if (db)
		return db;
	char *err = NULL;
	if (store_open(s->cfg->db, &db, &err)) {
		log_error("cannot open database: %s", err ? err : "?");
		free(err);
		return NULL;
	}
	pthread_setspecific(s->db_key, db);
	return db;
}

void req_json_text(req *r, buf *b)
{
	r->raw_len = b->len;
	r->raw = buf_detach(b);
	r->raw_type = JSON_TYPE;
}

const char *req_query(req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int64_t req_id(req *r, int i)
{
	int64_t v;
	if (i >= r->nparams || util_parse_i64(r->params[i], &v) || v <= 0)
		return 0;
	return v;
}

struct qa_ctx {
	json_t *o;
	const char *const *skip;
};

static MHD_RESULT collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct qa_ctx *q = cls;
	for (const char *const *s = q->skip; s && *s; s++)
		if (strcmp(*s, key) == 0)
			return MHD_YES;
	if (value && util_utf8_valid(key, strlen(key)) && util_utf8_valid(value, strlen(value)))
		json_object_set_new(q->o, key, json_string(value));
	return MHD_YES;
}

json_t *req_query_all(req *r, const char *const *skip)
{
	struct qa_ctx q = {json_object(), skip};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
	return q.o;
}

int req_limit(req *r)
{
	int64_t v;
	const char *s = req_query(r, "limit");
	if (!s || util_parse_i64(s, &v))
		return 50;
	return v < 1 ? 1 : v > 500 ? 500 : (int)v;
}

static void add_common_headers(struct MHD_Response *resp, int api)
{
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	if (api)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
}

/* A download: a raw answer with its Content-Disposition. */
static MHD_RESULT send_file(struct MHD_Connection *conn, int status, char *data, size_t len, const char *type,
                            const char *disposition)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(data);
		return MHD_NO;
	}
	add_common_headers(resp, 1);
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Content-Disposition", disposition);
	MHD_RESULT ret = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static int is_safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

/* Routes flagged R_UPLOAD take a file as the body, with a larger limit than JSON (none is a GET or HEAD). */
static size_t upload_limit(const char *method, const char *url)
{
	if (is_safe_method(method))
		return 0;
	req tmp;
	int known;
	memset(&tmp, 0, sizeof tmp);
	const struct route *rt = routes_match(method, url, &tmp, &known);
	if (!rt || !(rt->flags & R_UPLOAD))
		return 0;
	return (rt->flags & R_IMAGE) ? PHOTO_MAX_BYTES : (rt->flags & R_FILE) ? CASE_FILE_MAX : TRANSFER_MAX_UPLOAD;
}

static MHD_RESULT send_buf(struct MHD_Connection *conn, int status, char *data, size_t len, const char *type,
                           int api, const char *cookie, const char *cache)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(data);
		return MHD_NO;
	}
	add_common_headers(resp, api);
	MHD_add_response_header(resp, "Content-Type", type);
	if (cookie)
		MHD_add_response_header(resp, "Set-Cookie", cookie);
	if (cache)
		MHD_add_response_header(resp, "Cache-Control", cache);
	MHD_RESULT ret = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The JSON error envelope. */
static char *error_body(const char *code, const char *message, json_t *fields, size_t *len)
{
	json_t *e = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (fields && json_object_size(fields))
		json_object_set(e, "fields", fields);
	json_t *root = json_pack("{s:o}", "error", e);
	char *s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	*len = strlen(s);
	return s;
}

static const char *lang_of(struct MHD_Connection *conn)
{
	const char *al = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Language");
	return (al && (al[0] == 'e' || al[0] == 'E') && (al[1] == 'n' || al[1] == 'N')) ? "en" : "zh";
}

/*
 * The client's address: the TCP peer, or — when the server is told it sits
 * behind its own proxy — the last address that proxy appended to
 * X-Forwarded-For (earlier entries come from the client and prove nothing).
 */
static void client_ip(struct MHD_Connection *conn, int trust_proxy, char *out, size_t n)
{
	if (trust_proxy) {
		const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
		if (xff) {
			const char *last = strrchr(xff, ',');
			last = last ? last + 1 : xff;
			while (*last == ' ')
				last++;
			char tmp[64];
			snprintf(tmp, sizeof tmp, "%s", last);
			tmp[strcspn(tmp, " ")] = 0;
			unsigned char bin[16];
			if (inet_pton(AF_INET, tmp, bin) == 1 || inet_pton(AF_INET6, tmp, bin) == 1) {
				snprintf(out, n, "%s", tmp);
				return;
			}
		}
	}
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

/* The session token: Authorization: Bearer first, then the cookie. */
static const char *find_token(struct MHD_Connection *conn, int *via_cookie)
{
	*via_cookie = 0;
	const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		return auth + 7;
	const char *c = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "tx_session");
	if (c && *c) {
		*via_cookie = 1;
		return c;
	}
	return NULL;
}

/* Audit a refused write (403) in its own transaction; failures are logged. */
static void audit_denied(req *r, const char *why)
{
	if (!r->route->audit || !r->signed_in)
		return;
	json_t *d = json_pack("{s:s, s:s}", "reason", why, "path", r->path);
	int ent = (r->route->flags & R_ENTITY) && r->entity;
	audit_entry e = {.actor_id = r->actor.user_id,
	                 .actor = r->actor.username,
	                 .ip = r->ip,
	                 .action = ent ? r->audit_action : r->route->audit,
	                 .entity = ent ? r->entity->name : r->route->entity,
	                 .entity_id = ent ? (r->nparams > 1 ? r->params[1] : NULL) : (r->nparams ? r->params[0] : NULL),
	                 .result = "denied",
	                 .detail = d};
	if (store_begin(r->dc.db) == TX_OK) {
		if (audit_append(r->dc.db, r->dc.k, &e) || store_commit(r->dc.db)) {
			store_rollback(r->dc.db);
			log_error("could not audit a denied request");
		}
	}
	json_decref(d);
}

/*
 * A write route's work inside its transaction: the handler, then its audit
 * entry, on db — the group's connection (store/group.c) or the worker's.
 */
static tx_err write_work(store *db, void *arg)
{
	req *r = arg;
	const struct route *rt = r->route;
	store *own = r->dc.db;
	r->dc.db = db;
	tx_err rc = rt->fn(r);
	if (rc == TX_OK && rt->audit && !(rt->flags & R_NO_AUDIT)) {
		int ent = (rt->flags & R_ENTITY) != 0;
		audit_entry e = {.actor_id = r->actor.user_id,
		                 .actor = r->actor.username,
		                 .ip = r->ip,
		                 .action = r->dc.audit_action[0] ? r->dc.audit_action : ent ? r->audit_action : rt->audit,
		                 .entity = ent ? r->entity->name : rt->entity,
		                 .entity_id = r->dc.audit_id[0]  ? r->dc.audit_id
		                              : ent && r->nparams > 1 ? r->params[1]
		                              : !ent && r->nparams   ? r->params[0]
		                                                     : NULL,
		                 .result = "ok",
		                 .detail = r->dc.audit_detail};
		rc = audit_append(db, r->dc.k, &e);
		if (rc)
			log_error("audit append failed; the action is rolled back: %s", store_errmsg(db));
	} else if (err_http_status(rc) >= 500 && db != own) {
		/* The group's connection: on_request's log line names the worker's. */
		log_error("%s %s: %s", r->method, r->path, store_errmsg(db));
	}
	r->dc.db = own;
	return rc;
}

/* Run the pipeline for an API request; fills r and returns the error value. */
static tx_err pipeline(struct server *s, req *r, struct conn_state *cs)
{
	const struct route *rt = r->route;
	if (cs->too_big)
		return dctx_fail(&r->dc, TX_ETOOBIG, "request.too_large", "请求体过大", "the request body is too large");
	r->dc.db = worker_db(s);
	if (!r->dc.db)
		return TX_EDB;
	/* A read runs its statements (session and actor included) in one read
	 * transaction on SQLite: one shared lock a request, not one a statement.
	 * A write inside ends it first (store.h); on_request ends it after. */
	if (!(rt->flags & R_WRITE))
		store_read_begin(r->dc.db);

	/* Generic record routes: {entity} must be a record entity of the model. */
	char perm[96];
	const char *need = rt->perm;
	const char *body_entity = rt->body;
	if (rt->flags & R_ENTITY) {
		r->entity = record_entity(r->params[0]);
		if (!r->entity)
			return dctx_fail(&r->dc, TX_ENOTFOUND, "not_found", "接口不存在", "no such endpoint");
		/* Sub-records are read and changed under their parent's permissions. */
		const char *base = r->entity->parent ? r->entity->parent : r->entity->name;
		const char *action = rt->perm + 1;
		if (r->entity->parent && strcmp(action, "read") != 0 && strcmp(action, "reveal") != 0)
			action = "update";
		snprintf(perm, sizeof perm, "%s:%s", base, action);
		need = perm;
		if (body_entity && strcmp(body_entity, "*") == 0)
			body_entity = r->entity->name;
		snprintf(r->audit_action, sizeof r->audit_action, "%s.%s", r->entity->name, rt->audit ? rt->audit : "");
	}

	/* Authenticate. */
	if (!(rt->flags & R_PUBLIC)) {
		r->token = find_token(r->conn, &r->via_cookie);
		if (!r->token)
			return dctx_fail(&r->dc, TX_EAUTH, "auth.required", "请先登录", "please sign in");
		int expired = 0;
		tx_err rc = session_lookup(r->dc.db, s->cfg, r->token, &r->actor, &expired);
		if (rc == TX_EAUTH && expired)
			return dctx_fail(&r->dc, TX_EAUTH, "auth.expired", "登录已超时，请重新登录",
			                 "the session timed out; please sign in again");
		if (rc == TX_EAUTH)
			return dctx_fail(&r->dc, TX_EAUTH, "auth.required", "登录已失效，请重新登录",
			                 "the session has ended; please sign in again");
		if (rc)
			return rc;
		r->signed_in = 1;
		r->dc.a = &r->actor;
		r->dc.token = r->token;
		snprintf(r->actor.ip, sizeof r->actor.ip, "%s", r->ip);
		if (r->actor.must_change_password && !(rt->flags & R_PWGATE))
			return dctx_fail(&r->dc, TX_EFORBIDDEN, "auth.password_change_required", "请先修改初始密码",
			                 "change your password first");
		/* Authorise. */
		if (need && !actor_can(&r->actor, need)) {
			audit_denied(r, "permission");
			return dctx_fail(&r->dc, TX_EFORBIDDEN, "auth.forbidden", "没有权限执行此操作",
			                 "you are not allowed to do this");
		}
		/* CSRF: a cookie alone never authorises a state change. */
		if (r->via_cookie && !is_safe_method(r->method)) {
			const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Tongxin-CSRF");
			if (!h || strcmp(h, "1") != 0)
				return dctx_fail(&r->dc, TX_EFORBIDDEN, "auth.csrf", "缺少防跨站请求头",
				                 "missing the X-Tongxin-CSRF header");
		}
	}

	/* A file upload must say it is .xlsx or .csv (types a cross-site form cannot send either). */
	if (rt->flags & R_IMAGE) {
		const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
		if (!ct || (strncasecmp(ct, "image/jpeg", 10) != 0 && strncasecmp(ct, "image/png", 9) != 0))
			return dctx_fail(&r->dc, TX_EMEDIA, "request.media_type", "请上传 JPEG 或 PNG 图片",
			                 "upload a JPEG or PNG image (Content-Type image/jpeg or image/png)");
		r->upload = cs->body.data ? cs->body.data : "";
		r->upload_len = cs->body.len;
		r->upload_type = ct;
	} else if (rt->flags & R_FILE) {
		/* Any declared type but the ones a cross-site form can send; the content decides. */
		const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
		if (!ct || strncasecmp(ct, "multipart/", 10) == 0 || strncasecmp(ct, "text/plain", 10) == 0 ||
		    strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
			return dctx_fail(&r->dc, TX_EMEDIA, "request.media_type", "请直接上传文件内容",
			                 "send the file's bytes as the body with its own Content-Type");
		r->upload = cs->body.data ? cs->body.data : "";
		r->upload_len = cs->body.len;
		r->upload_type = ct;
	} else if (rt->flags & R_UPLOAD) {
		const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
		if (!transfer_upload_format(ct))
			return dctx_fail(&r->dc, TX_EMEDIA, "request.media_type", "请上传 .xlsx 或 .csv 文件",
			                 "upload an .xlsx or .csv file (Content-Type " TRANSFER_XLSX_TYPE " or text/csv)");
		r->upload = cs->body.data ? cs->body.data : "";
		r->upload_len = cs->body.len;
		r->upload_type = ct;
	} else if (cs->body.len > 0) {
		/* A body must say it is JSON: a cross-site form cannot send that type. */
		const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
		if (!ct || strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';' && ct[16] != ' '))
			return dctx_fail(&r->dc, TX_EMEDIA, "request.media_type", "请求体应为 application/json",
			                 "the body must be sent as application/json");
	}

	/* Parse and validate the body. */
	if (body_entity) {
		if (cs->body.len == 0)
			return dctx_fail(&r->dc, TX_EMALFORMED, "request.malformed", "请求体应为 JSON 对象",
			                 "the body must be a JSON object");
		json_error_t jerr;
		r->body = json_loadb(cs->body.data, cs->body.len, JSON_REJECT_DUPLICATES, &jerr);
		if (!r->body || !json_is_object(r->body))
			return dctx_fail(&r->dc, TX_EMALFORMED, "request.malformed", "请求体不是有效的 JSON 对象",
			                 "the body is not a valid JSON object");
		const model_entity *e = model_entity_find(body_entity);
		json_t *fields = NULL;
		const char *summary = NULL;
		if (!e)
			return TX_EINTERNAL;
		if (model_validate(e, r->body, (rt->flags & R_CREATE) ? VALIDATE_CREATE : VALIDATE_UPDATE, r->dc.lang,
		                   &fields, &summary)) {
			r->dc.err_fields = fields;
			return dctx_fail(&r->dc, TX_EINVAL, "validation.failed",
			                 r->dc.lang[0] == 'e' ? "some fields are invalid" : "提交的数据有误",
			                 "some fields are invalid");
		}
	} else if (cs->body.len > 0 && !is_safe_method(r->method) && !(rt->flags & R_UPLOAD)) {
		/* A body where none is expected must still be empty JSON at most. */
		json_t *j = json_loadb(cs->body.data, cs->body.len, 0, NULL);
		int ok = j && json_is_object(j) && json_object_size(j) == 0;
		json_decref(j);
		if (!ok)
			return dctx_fail(&r->dc, TX_EMALFORMED, "request.malformed", "此请求不接受请求体",
			                 "this request takes no body");
	}

	/* Handler; writes commit together with their audit entry. */
	if (!(rt->flags & R_WRITE))
		return rt->fn(r);
	tx_err rc;
	if (s->group) {
		rc = store_group_run(s->group, write_work, r);
	} else if ((rc = store_begin(r->dc.db)) == TX_OK) {
		rc = write_work(r->dc.db, r);
		rc = rc ? rc : store_commit(r->dc.db);
		if (rc)
			store_rollback(r->dc.db);
	}
	if (rc == TX_EFORBIDDEN)
		audit_denied(r, r->dc.err_msg);
	return rc;
}

static MHD_RESULT serve_static(struct MHD_Connection *conn, const char *url, int *status)
{
	const struct asset *a = assets_find(url);
	if (!a) {
		size_t len;
		char *b = error_body("not_found", "not found", NULL, &len);
		*status = 404;
		return send_buf(conn, 404, b, len, JSON_TYPE, 1, NULL, NULL);
	}
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(a->len, (void *)a->data, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	add_common_headers(resp, 0);
	MHD_add_response_header(resp, "Content-Type", a->type);
	MHD_add_response_header(resp, "Cache-Control",
	                        a->immutable ? "public, max-age=31536000, immutable" : "no-cache");
	*status = 200;
	MHD_RESULT ret = MHD_queue_response(conn, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

static MHD_RESULT on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                             const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	(void)version;
	struct conn_state *cs = *con_cls;
	if (!cs) {
		/* First call: remember the request, answer on a later call (libmicrohttpd answers "Connection: close" otherwise). */
		cs = xcalloc(1, sizeof *cs);
		cs->start_us = util_mono_us();
		/* A file upload may be large, but only from a request that presents a session. */
		int via_cookie;
		size_t up = upload_limit(method, url);
		cs->limit = up && find_token(conn, &via_cookie) ? up : (size_t)s->cfg->body_limit;
		*con_cls = cs;
		atomic_fetch_add(&s->in_flight, 1);
		return MHD_YES;
	}
	if (*upload_size) {
		if (!cs->too_big && cs->body.len + *upload_size <= cs->limit)
			buf_append(&cs->body, upload_data, *upload_size);
		else {
			cs->too_big = 1;
			buf_free(&cs->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}

	int status = 500;
	MHD_RESULT ret;
	int path_known = 0;
	req r;
	memset(&r, 0, sizeof r);
	r.conn = conn;
	r.method = method;
	r.path = url;
	r.dc.cfg = s->cfg;
	r.dc.k = s->k;
	r.dc.lang = lang_of(conn);
	client_ip(conn, s->cfg->trust_proxy, r.ip, sizeof r.ip);
	r.user_agent = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "User-Agent");
	int route_index = -2;
	int api = util_starts_with(url, "/api/") || strcmp(url, "/healthz") == 0 || strcmp(url, "/metrics") == 0;

	if (!api) {
		if (!is_safe_method(method)) {
			size_t len;
			char *b = error_body("method.not_allowed", "method not allowed", NULL, &len);
			status = 405;
			ret = send_buf(conn, 405, b, len, JSON_TYPE, 1, NULL, NULL);
		} else {
			ret = serve_static(conn, url, &status);
		}
		route_index = -1;
		goto done;
	}

	r.route = routes_match(method, url, &r, &path_known);
	tx_err rc;
	if (!r.route) {
		rc = path_known ? dctx_fail(&r.dc, TX_EMETHOD, "method.not_allowed", "不支持该请求方法", "method not allowed")
		                : dctx_fail(&r.dc, TX_ENOTFOUND, "not_found", "接口不存在", "no such endpoint");
	} else {
		route_index = (int)(r.route - routes);
		r.status = 200;
		rc = pipeline(s, &r, cs);
		if (r.dc.db)
			store_read_end(r.dc.db);
	}

	if (rc == TX_OK && r.raw && r.disposition) {
		status = r.status ? r.status : 200;
		ret = send_file(conn, status, r.raw, r.raw_len, r.raw_type, r.disposition);
		r.raw = NULL;
	} else if (rc == TX_OK && r.raw) {
		status = r.status ? r.status : 200;
		ret = send_buf(conn, status, r.raw, r.raw_len, r.raw_type, 1, NULL, NULL);
		r.raw = NULL;
	} else if (rc == TX_OK) {
		status = r.status ? r.status : 200;
		char *body = r.resp && status != 204 ? json_dumps(r.resp, JSON_COMPACT) : xstrdup("");
		ret = send_buf(conn, status, body, strlen(body), JSON_TYPE, 1, r.set_cookie, NULL);
	} else {
		status = err_http_status(rc);
		const char *code = r.dc.err_code ? r.dc.err_code : err_code(rc);
		const char *msg = r.dc.err_msg[0] ? r.dc.err_msg : err_text(rc);
		if (status >= 500) {
			log_error("%s %s failed: %s (%s)", method, url, err_text(rc),
			          r.dc.db ? store_errmsg(r.dc.db) : "no database");
			code = "internal";
			msg = strcmp(r.dc.lang, "en") == 0 ? "internal error; see the server log" : "服务器内部错误";
		}
		size_t len;
		char *b = error_body(code, msg, r.dc.err_fields, &len);
		ret = send_buf(conn, status, b, len, JSON_TYPE, 1, NULL, NULL);
	}

done:;
	int64_t us = util_mono_us() - cs->start_us;
	metrics_observe(route_index, status, us);
	if (s->cfg->access_log)
		log_access("%s %s %s %d %.1fms user=%s", r.ip, method, url, status, (double)us / 1000.0,
		           r.signed_in ? r.actor.username : "-");
	json_decref(r.body);
	json_decref(r.resp);
	free(r.set_cookie);
	free(r.raw);
	free(r.disposition);
	dctx_clear(&r.dc);
	if (r.signed_in)
		actor_free(&r.actor);
	return ret;
}

/*
 * Percent-decoding of the URL path that leaves "%00" as it is: a NUL
 * would cut the path short and let "/api/v1/units%00…" reach a route.
 */
static size_t unescape_path(void *cls, struct MHD_Connection *conn, char *uri)
{
	(void)cls;
	(void)conn;
	char *w = uri;
	for (const char *r = uri; *r;) {
		if (r[0] == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
			char hex[3] = {r[1], r[2], 0};
			char c = (char)strtol(hex, NULL, 16);
			if (c) {
				*w++ = c;
				r += 3;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = 0;
	return (size_t)(w - uri);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	(void)conn;
	(void)toe;
	struct conn_state *cs = *con_cls;
	if (cs) {
		atomic_fetch_sub(&s->in_flight, 1);
		buf_free(&cs->body);
		free(cs);
		*con_cls = NULL;
	}
}

tx_err server_run(const config *cfg, const keys *k, char **errmsg)
{
	struct server s = {.cfg = cfg, .k = k};
	if (pthread_key_create(&s.db_key, db_destroy)) {
		*errmsg = xstrdup("cannot create thread key");
		return TX_EINTERNAL;
	}
	/* Check the database once before accepting anything. */
	store *probe;
	if (store_open(cfg->db, &probe, errmsg))
		return TX_EDB;
	int sqlite = store_kind_of(probe) == STORE_SQLITE;
	store_close(probe);
	if (sqlite && cfg->sqlite_group_commit && store_group_open(cfg->db, &s.group, errmsg))
		return TX_EDB;

	struct sockaddr_in addr;
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)cfg->port);
	if (inet_pton(AF_INET, cfg->listen, &addr.sin_addr) != 1) {
		*errmsg = xasprintf("--listen must be an IPv4 address, not %s", cfg->listen);
		store_group_close(s.group);
		return TX_EINVAL;
	}

	/* Signals go to sigwait below, not to worker threads. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	int threads = cfg->threads > 0 ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN) * 2;
	if (threads < 2)
		threads = 2;
	/*
	 * Each connection's memory pool holds the request's header lines and
	 * the answer's. libmicrohttpd zeroes the whole pool at every request of
	 * a kept-alive connection: 64 KiB cost ~100,000 instructions a request
	 * (a fifth of a detail's). 32 KiB (libmicrohttpd's default) still takes
	 * ~30 KB of headers; beyond that the answer is 431. Bodies are copied
	 * out as they arrive (conn_state), so they do not live in the pool.
	 */
	size_t conn_pool = 32 * 1024;
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ITC, (uint16_t)cfg->port, NULL, NULL,
		on_request, &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)60, MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)512, MHD_OPTION_CONNECTION_MEMORY_LIMIT, conn_pool, MHD_OPTION_LISTENING_ADDRESS_REUSE,
		1, MHD_OPTION_UNESCAPE_CALLBACK, unescape_path, NULL, MHD_OPTION_END);
	if (!d) {
		*errmsg = xasprintf("cannot listen on %s:%d (in use, or not allowed)", cfg->listen, cfg->port);
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		store_group_close(s.group);
		return TX_EIO;
	}
	log_info("tongxin serving on http://%s:%d with %d threads", cfg->listen, cfg->port, threads);
	notify_start(cfg->db); /* only when a deployment registered a sink */
	/* Buffered access lines go out at least every 200 ms. */
	struct timespec tick = {0, 200 * 1000 * 1000};
	int sig;
	while ((sig = sigtimedwait(&set, NULL, &tick)) < 0)
		log_flush();
	log_info("signal %d: finishing requests in flight", sig);
	MHD_quiesce_daemon(d);
	/* Idle keep-alive connections do not hold us up; requests do (≤ 10 s). */
	for (int i = 0; i < 1000 && atomic_load(&s.in_flight) > 0; i++)
		usleep(10 * 1000);
	MHD_stop_daemon(d);
	/* Import jobs running in their own threads stop at their next row (and are marked failed). */
	transfer_shutdown();
	notify_stop();
	store_group_close(s.group);
	pthread_key_delete(s.db_key);
	log_info("stopped"); /* after the last access lines */
	return TX_OK;
}
