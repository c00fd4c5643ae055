/*
 * err.h — the error values every layer returns.
 *
 * Errors are values, not exits. A function that can fail returns a tx_err;
 * TX_OK is zero so `if (rc)` reads naturally. User errors (bad input, not
 * allowed, not found, conflict) are kept apart from system errors (I/O,
 * database, out of memory) so the HTTP layer can answer 4xx or 500 without
 * guessing. err_http_status() and err_code() map a value to the status and
 * the stable machine code of the JSON error envelope.
 */
#ifndef TX_BASE_ERR_H
#define TX_BASE_ERR_H

typedef enum tx_err {
	TX_OK = 0,
	TX_EINVAL,     /* 400 validation.failed: bad value in a well-formed request */
	TX_EMALFORMED, /* 400 request.malformed: not JSON, wrong shape */
	TX_EAUTH,      /* 401 auth.required */
	TX_EFORBIDDEN, /* 403 auth.forbidden */
	TX_ENOTFOUND,  /* 404 not_found: unknown or outside the caller's scope */
	TX_EMETHOD,    /* 405 method.not_allowed */
	TX_ECONFLICT,  /* 409 conflict: unique clash, stale version, in use */
	TX_ETOOBIG,    /* 413 request.too_large */
	TX_EMEDIA,     /* 415 request.media_type: a body that is not JSON */
	TX_ETHROTTLE,  /* 429 throttled */
	TX_ENOMEM,     /* 500 internal: out of memory */
	TX_EIO,        /* 500 internal: file or socket */
	TX_EDB,        /* 500 internal: database */
	TX_EINTERNAL,  /* 500 internal: a bug or an impossible state */
	TX_ERR__MAX
} tx_err;

/* The HTTP status for an error value (200 for TX_OK). */
int err_http_status(tx_err e);
/* The stable envelope code ("validation.failed", …). Static string. */
const char *err_code(tx_err e);
/* A short English description. Static string. */
const char *err_text(tx_err e);

#endif
