/*
 * err.c — status, code and text of each error value.
 *
 * One table indexed by the enum, filled with designated initialisers, so a
 * new error value without its row is caught by the static assertion below.
 */
#include "base/err.h"

static const struct {
	int status;
	const char *code;
	const char *text;
} err_table[TX_ERR__MAX] = {
	[TX_OK] = {200, "ok", "ok"},
	[TX_EINVAL] = {400, "validation.failed", "invalid input"},
	[TX_EMALFORMED] = {400, "request.malformed", "malformed request"},
	[TX_EAUTH] = {401, "auth.required", "sign-in required"},
	[TX_EFORBIDDEN] = {403, "auth.forbidden", "not allowed"},
	[TX_ENOTFOUND] = {404, "not_found", "not found"},
	[TX_EMETHOD] = {405, "method.not_allowed", "method not allowed"},
	[TX_ECONFLICT] = {409, "conflict", "conflict"},
	[TX_ETOOBIG] = {413, "request.too_large", "request too large"},
	[TX_EMEDIA] = {415, "request.media_type", "the body must be application/json"},
	[TX_ETHROTTLE] = {429, "throttled", "too many requests"},
	[TX_ENOMEM] = {500, "internal", "out of memory"},
	[TX_EIO] = {500, "internal", "input/output error"},
	[TX_EDB] = {500, "internal", "database error"},
	[TX_EINTERNAL] = {500, "internal", "internal error"},
};

_Static_assert(sizeof err_table / sizeof err_table[0] == TX_ERR__MAX, "err_table must cover every tx_err");

static int err_valid(tx_err e)
{
	return (int)e >= 0 && e < TX_ERR__MAX && err_table[e].code != 0;
}

int err_http_status(tx_err e)
{
	return err_valid(e) ? err_table[e].status : 500;
}

const char *err_code(tx_err e)
{
	return err_valid(e) ? err_table[e].code : "internal";
}

const char *err_text(tx_err e)
{
	return err_valid(e) ? err_table[e].text : "internal error";
}
