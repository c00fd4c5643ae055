/*
 * cases.h — the case workflow engine (docs/cases.md): create, read, list,
 * act, attachments, inbox, figures, similar titles.
 *
 * The engine knows no case type: it reads the flow tables of flows.h.
 * Visibility is checked on every call; a case the actor may not see
 * answers TX_ENOTFOUND, as for every record.
 */
#ifndef TX_DOMAIN_CASES_H
#define TX_DOMAIN_CASES_H

#include "domain/domain.h"

#define CASE_FILE_MAX (10 * 1024 * 1024)
#define CASE_FILES_PER_CASE 30

typedef struct case_query {
	const char *type;
	const char *state;
	const char *figure; /* a figure name of docs/cases.md: only the cases it counts */
	int64_t unit; /* subtree of the case's unit */
	int64_t lead_unit; /* one lead handling unit */
	const char *from; /* submitted on or after (YYYY-MM-DD) */
	const char *to; /* submitted on or before */
	const char *q; /* number, title or content contains */
	int mine; /* only cases the actor submitted or is a party to */
	int64_t after; /* keyset: ids below this (newest first) */
	int limit;
} case_query;

tx_err case_create(dctx *c, json_t *body, json_t **out);
tx_err case_get(dctx *c, int64_t id, json_t **out);
tx_err case_update(dctx *c, int64_t id, json_t *body, json_t **out);
/* Take an action; *out gets the case as it is now (out may be NULL when the caller needs no answer). */
tx_err case_act(dctx *c, int64_t id, json_t *body, json_t **out);
tx_err case_list(dctx *c, const case_query *q, json_t **items, int64_t *next);
tx_err case_figures(dctx *c, const case_query *q, json_t **out);
tx_err case_inbox(dctx *c, json_t **out);
tx_err case_similar(dctx *c, const char *type, const char *q, json_t **out);
tx_err case_addressees(dctx *c, const char *kind, const char *q, json_t **out);

/* Attachments: the raw bytes; the type is judged by content. */
tx_err case_file_add(dctx *c, int64_t id, const char *name, const void *data, size_t len, json_t **out);
tx_err case_file_get(dctx *c, int64_t id, int64_t fid, char **data, size_t *len, const char **mime, char **name);

/* Today's date in China Standard Time ("YYYY-MM-DD") for the time t. */
void case_date(int64_t t, char out[11]);

#endif
