/*
 * req.h — one HTTP request as the pipeline and the handlers see it.
 *
 * The pipeline (server.c) fills the input side: the matched route, path
 * parameters, the parsed and validated JSON body, the signed-in actor and a
 * domain context bound to this worker's database connection. A handler
 * reads those, calls into domain/, and sets `resp` (a JSON value the
 * request then owns) and `status`; on failure it returns the error value
 * and the domain context says why. Handlers never check permissions,
 * parse bodies or write audit entries: the pipeline does.
 */
#ifndef TX_HTTP_REQ_H
#define TX_HTTP_REQ_H

#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "domain/domain.h"

struct MHD_Connection;
struct route;

#define REQ_MAX_PARAMS 4

typedef struct req {
	struct MHD_Connection *conn;
	const struct route *route;
	const char *method;
	const char *path;
	const char *params[REQ_MAX_PARAMS]; /* path captures, e.g. {id} */
	char pbuf[REQ_MAX_PARAMS][128];      /* their storage */
	int nparams;
	json_t *body; /* validated JSON object, or NULL */
	const struct model_entity *entity; /* R_ENTITY routes: the record entity */
	char audit_action[96];             /* R_ENTITY routes: "<entity>.<action>" */
	char ip[64];
	const char *user_agent;
	const char *token; /* the session token presented, or NULL */
	int via_cookie;
	actor actor;
	int signed_in;
	dctx dc;
	const char *upload;      /* R_UPLOAD routes: the raw body (owned by the connection) */
	size_t upload_len;
	const char *upload_type; /* its Content-Type */

	/* output */
	int status;
	json_t *resp;
	char *set_cookie; /* malloc'd Set-Cookie value, or NULL */
	char *raw;        /* non-JSON body (malloc'd), with raw_type */
	size_t raw_len;
	const char *raw_type;
	char *disposition; /* malloc'd Content-Disposition of a raw answer (a download), or NULL */
} req;

/* Answer 200 with JSON already written as text (a page written row by row); takes b's memory. */
void req_json_text(req *r, buf *b);
/* A query-string value, or NULL. */
const char *req_query(req *r, const char *name);
/* Path parameter i as a positive id; 0 when it is not one (→ 404). */
int64_t req_id(req *r, int i);
/* limit= within [1, 500], default 50. */
int req_limit(req *r);
/* All query parameters except the NULL-terminated `skip` list, as a new JSON object of strings. */
json_t *req_query_all(req *r, const char *const *skip);

#endif
