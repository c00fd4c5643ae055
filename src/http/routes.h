/*
 * routes.h — the route table: one const array that the server dispatches
 * on, that the pipeline reads permissions and flags from, and that
 * produces GET /api/v1/openapi.json.
 */
#ifndef TX_HTTP_ROUTES_H
#define TX_HTTP_ROUTES_H

#include <stddef.h>

#include "base/err.h"
#include "http/req.h"

typedef tx_err (*route_fn)(req *r);

enum route_flags {
	R_PUBLIC = 1 << 0,   /* no sign-in needed */
	R_WRITE = 1 << 1,    /* runs in a transaction and is audited */
	R_PWGATE = 1 << 2,   /* allowed while a password change is pending */
	R_CREATE = 1 << 3,   /* body validated as a create (required fields) */
	R_RAW = 1 << 4,      /* answers raw text, not the JSON API */
	R_NO_AUDIT = 1 << 5, /* a write the handler audits itself */
	R_ENTITY = 1 << 6,   /* {entity} names a record entity of the model; perm is
	                        "<entity>:<action>" with the action in .perm (":read"),
	                        the body is that entity ("*"), the audit action
	                        "<entity>.<audit>" */
	R_UPLOAD = 1 << 7,   /* the body is a file (.xlsx or .csv, up to TRANSFER_MAX_UPLOAD
	                        bytes), handed to the handler as r->upload, not parsed */
	R_IMAGE = 1 << 8,    /* with R_UPLOAD: the body is a JPEG or PNG image (≤ 2 MiB) */
	R_FILE = 1 << 9,     /* with R_UPLOAD: the body is an attachment (≤ CASE_FILE_MAX), its type
	                        judged by content in the domain */
};

struct route {
	const char *method;
	const char *pattern; /* "/api/v1/units/{id}" */
	route_fn fn;
	const char *perm;   /* "unit:update", or NULL for any signed-in user */
	unsigned flags;
	const char *body;   /* model entity of the body, or NULL for none */
	const char *audit;  /* audit action, for R_WRITE routes */
	const char *entity; /* audit entity */
	const char *tag;    /* OpenAPI tag */
	const char *summary;
};

extern const struct route routes[];
extern const size_t routes_count;

/*
 * Match a method and path. Returns the route and fills params, or NULL;
 * *path_known is set when some route has this path with another method.
 */
const struct route *routes_match(const char *method, const char *path, req *r, int *path_known);

/* The OpenAPI 3.0 document (new reference). */
json_t *routes_openapi(void);

#endif
