/*
 * case_core.h — what cases.c (the engine: create, read, act, attachments)
 * shares with case_views.c (lists, figures, inbox, similar titles). Not a
 * public interface: other modules use cases.h.
 */
#ifndef TX_DOMAIN_CASE_CORE_H
#define TX_DOMAIN_CASE_CORE_H

#include "base/buf.h"
#include "domain/cases.h"
#include "domain/flows.h"

/* The columns of a case row, read by kase_row_json(). */
#define CASE_COLS                                                                                                      \
	"c.id, c.type, c.no, c.title, c.content, c.state, c.unit_id, u.name, "                                         \
	"c.unit_path, c.submitter_id, su.name,"                                                                        \
	" c.org_id, c.enterprise_id, c.person_id, c.visit_id, c.channel, c.mode, "                                     \
	"c.lead_unit_id, lu.name,"                                                                                     \
	" c.lead_unit_path, c.deadline, c.extended, c.round, c.result_class, "                                         \
	"c.answer, c.rating, c.reason,"                                                                                \
	" c.merged_into, c.submitted_at, c.registered_at, c.assigned_at, "                                             \
	"c.answered_at, c.closed_at, c.created_at,"                                                                    \
	" c.updated_at, c.version, c.answered_date, og.name, en.name"
#define CASE_FROM                                                                                                      \
	" FROM cases c JOIN unit u ON u.id = c.unit_id JOIN app_user su ON su.id = "                                   \
	"c.submitter_id"                                                                                               \
	" LEFT JOIN unit lu ON lu.id = c.lead_unit_id LEFT JOIN organisation og ON "                                   \
	"og.id = c.org_id"                                                                                             \
	" LEFT JOIN organisation en ON en.id = c.enterprise_id"

/* One party of a case: a leader, signer, co-handling unit or merged submitter.
 */
typedef struct party {
	char role[16];
	int64_t user_id, unit_id;
	char path[256];
	int done;
} party;

/* A case as the engine reasons about it; strings point into j. */
typedef struct kase {
	json_t *j;
	const flow_type *ft;
	int64_t id, version, submitter_id, unit_id, lead_unit_id, assigned_at, answered_at, round;
	int extended;
	const char *type, *state, *unit_path, *lead_unit_path, *deadline, *mode, *no, *title;
	party *parties;
	int nparties;
} kase;

static inline int64_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static inline const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Seconds of 00:00 CST of a YYYY-MM-DD date; -1 when it is not one. */
int64_t case_date_start(const char *s);
/* Does the actor's scope cover a unit path? */
int case_covers(const actor *a, const char *path);
/* Which cases the actor may see, as SQL over alias c, its values appended to p.
 */
void case_sql_visible(buf *s, sql_params *p, const actor *a);
/* The 404 of a case. */
tx_err case_not_found(dctx *c);

/* A row of CASE_COLS as JSON (new reference). */
json_t *kase_row_json(store_stmt *st);
/* Fill k from a row's JSON (k takes the reference). */
void kase_from_json(kase *k, json_t *j);
tx_err kase_load_parties(dctx *c, kase *k);
void kase_free(kase *k);
/* The actor's roles on a case (enum case_role). */
unsigned kase_roles(const actor *a, const kase *k);
int kase_overdue(const kase *k, const char *today);
/* The case as the API shows it (takes over k->j). */
json_t *kase_out(dctx *c, kase *k, int with_parties);

#endif
