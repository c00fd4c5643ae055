/*
 * transfer.h — import and export of the registry's records as .xlsx and
 * .csv ("Excel in and out"), on top of the record engine (record.h).
 *
 * Import. A file is uploaded for one record entity with a duplicate mode
 * (skip | update | refuse, by ID number for people and by credit code for
 * organisations). It becomes an import job (table import_job, one running
 * job per user), and a worker thread with its own database connection
 * runs the dry run: every row is converted (header by Chinese label,
 * English label or field name; dictionary values by code or label;
 * booleans 是/否; several date forms and spreadsheet serials; lists
 * separated by 、,，; trimming and full-width to ASCII; the unit by name
 * path, 12-digit code or id, inside the caller's scope) and validated as
 * the API would (model_validate, the entity's check, record_check), and
 * each problem is listed as {row, column, value, reason} — nothing is
 * written. A clean dry run leaves the job "ready"; committing it runs the
 * same validation again and writes all rows in ONE transaction, together
 * with one audit entry "<entity>.import" carrying the counts, or writes
 * nothing. Jobs are visible only to their owner.
 *
 * Export. The records the caller sees (the list's scope and filters) as
 * .xlsx or .csv, masked; unmasked only with "<entity>:export_unmasked"
 * and a reason. Every export is audited ("<entity>.export", with the row
 * count, whether masked, and the reason).
 *
 * Template. An .xlsx with the header row of Chinese labels (required ones
 * marked *), a sheet of dictionary values and a sheet of instructions.
 *
 * Ownership: JSON handed out is a new reference the caller owns;
 * transfer_file contents are freed with transfer_file_free().
 */
#ifndef TX_DOMAIN_TRANSFER_H
#define TX_DOMAIN_TRANSFER_H

#include <stdatomic.h>
#include <stddef.h>

#include "base/buf.h"
#include "domain/domain.h"
#include "domain/record.h"

#define TRANSFER_MAX_UPLOAD ((size_t)50 << 20) /* bytes of an uploaded file */
#define TRANSFER_MAX_ERRORS 1000               /* errors listed per job (all are counted) */
#define TRANSFER_MAX_EXPORT 200000             /* rows of one export */
#define TRANSFER_MAX_WORKERS 4                 /* import threads running at once in one process */
#define TRANSFER_XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

typedef enum transfer_mode { TRANSFER_SKIP, TRANSFER_UPDATE, TRANSFER_REFUSE } transfer_mode;

/* "xlsx" or "csv" for an upload's Content-Type, NULL for anything else. */
const char *transfer_upload_format(const char *content_type);

/* What an import run found and did. */
typedef struct transfer_report {
	int64_t total;     /* data rows (in: known from an earlier run, or 0 to count them first) */
	int64_t processed; /* data rows handled so far */
	int64_t created, updated, skipped; /* done (commit) or planned (dry run) */
	int64_t nerrors;   /* all problems found */
	json_t *errors;    /* the first TRANSFER_MAX_ERRORS as [{row, column, value, reason}] (owned) */
	/* optional: called every few hundred rows, and a flag that stops the run */
	void (*progress)(void *ctx, const struct transfer_report *rep);
	void *progress_ctx;
	const atomic_int *stop;
	/* optional, commit only: called inside the transaction after the audit entry, before commit */
	tx_err (*finish)(dctx *c, const struct transfer_report *rep, void *ctx);
	void *finish_ctx;
	int64_t job; /* the job id named in the audit entry (0: none) */
	/*
	 * optional, the plan (see transfer_run): a dry run given an empty buf
	 * fills it when every row is clean; a commit given the dry run's plan
	 * writes its rows without reading the file again
	 */
	buf *plan;
} transfer_report;

void transfer_report_free(transfer_report *rep);

/*
 * Run an import synchronously (the worker's core; also for tests): with
 * commit = 0 validate only; with commit = 1 validate and write every row
 * in one transaction (begun and ended here; the caller holds none) with
 * the audit entry, or nothing when any row fails. Problems with the
 * rows are in rep (TX_OK is returned); an error value means the run
 * itself failed (database, permission).
 *
 * With rep->plan, a clean dry run leaves its plan there: every row as
 * converted and validated, with what to do with it. A commit given that
 * plan writes its rows and checks again only what can have changed since
 * (units still in scope, keys still free, records to skip or update still
 * there); if any of that no longer holds, it rolls back and runs on the
 * file with every check, as without a plan.
 */
tx_err transfer_run(dctx *c, const model_entity *e, const char *format, const void *data, size_t len,
                    transfer_mode mode, int commit, transfer_report *rep);

/*
 * Create an import job for a file and start its dry run in a worker
 * thread. mode: "skip" (default), "update", "refuse". *job: the job JSON.
 * 409 import.busy while the caller has a running job; 429 when all
 * workers are busy.
 */
tx_err transfer_import_start(dctx *c, const model_entity *e, const char *mode, const char *content_type,
                             const void *data, size_t len, json_t **job);
/* One of the caller's jobs (404 for anyone else's). */
tx_err transfer_import_get(dctx *c, int64_t id, json_t **job);
/* Start writing a ready job (409 when it is not ready or had errors). */
tx_err transfer_import_commit(dctx *c, int64_t id, json_t **job);

/* A generated file. */
typedef struct transfer_file {
	char *data;
	size_t len;
	const char *type; /* static */
	char *name;       /* UTF-8 file name */
	char *ascii_name; /* ASCII fallback */
} transfer_file;

void transfer_file_free(transfer_file *f);

/*
 * Export what q selects (as record_list: scope, unit, q, filters) as
 * format "xlsx" (default) or "csv". unmasked needs the permission and a
 * reason. Audited in a transaction of its own.
 */
tx_err transfer_export(dctx *c, const model_entity *e, const record_query *q, const char *format, int unmasked,
                       const char *reason, transfer_file *out);
tx_err transfer_template(dctx *c, const model_entity *e, transfer_file *out);

/* Stop the import workers of this process and wait for them (at server shutdown). */
void transfer_shutdown(void);

#endif
