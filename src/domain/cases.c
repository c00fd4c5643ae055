/*
 * cases.c — the case workflow engine (see cases.h, flows.h, docs/cases.md):
 * visibility, roles, create, read, edit, act and attachments. Lists,
 * figures and the inbox are in case_views.c.
 *
 * A transition is one conditional UPDATE: the state and version the actor
 * saw must still be there (`WHERE id = ? AND version = ?`), so of two
 * people acting at once exactly one wins and the other gets 409; the
 * timeline entry, party changes, notices and the audit entry are written
 * in the same transaction, or not at all.
 */
#include "domain/cases.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/crypto.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/util.h"
#include "domain/case_core.h"
#include "domain/flows.h"
#include "domain/notify.h"
#include "domain/record.h"
#include "domain/unit.h"
#include "io/filetype.h"

#define CST_OFFSET (8 * 3600)

/* ---- dates (China Standard Time, no daylight saving) ---- */

void case_date(int64_t t, char out[11])
{
	time_t tt = (time_t)(t + CST_OFFSET);
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int days_in_month(int year, int mon0)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return d[mon0] + (mon0 == 1 && leap);
}

/* The date `months` months after time t (the day clamped to the month's end).
 */
static void date_plus_months(int64_t t, int months, char out[11])
{
	time_t tt = (time_t)(t + CST_OFFSET);
	struct tm tm;
	gmtime_r(&tt, &tm);
	int m = tm.tm_mon + months;
	tm.tm_year += m / 12;
	tm.tm_mon = m % 12;
	int dim = days_in_month(tm.tm_year + 1900, tm.tm_mon);
	if (tm.tm_mday > dim)
		tm.tm_mday = dim;
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Seconds of 00:00 CST of a YYYY-MM-DD date; -1 when it is not one. */
int64_t case_date_start(const char *s)
{
	int y, m, d;
	char tail;
	if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen(s) != 10 || y < 1900 || m < 1 ||
	    m > 12 || d < 1 || d > days_in_month(y, m - 1))
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	return (int64_t)timegm(&tm) - CST_OFFSET;
}

/* ---- scope ---- */

/* Does the actor's scope cover a unit path? */
int case_covers(const actor *a, const char *path)
{
	if (!path || !*path)
		return 0;
	switch (a->scope) {
	case SCOPE_ALL:
		return 1;
	case SCOPE_SUBTREE:
		return util_starts_with(path, a->unit_path);
	case SCOPE_UNIT:
		return strcmp(path, a->unit_path) == 0;
	default:
		return 0;
	}
}

/* The same as case_covers(), in SQL over column `col`. */
static void sql_cover(buf *s, sql_params *p, const actor *a, const char *col)
{
	char hi[256];
	const char *lo = "0", *exact = "";
	snprintf(hi, sizeof hi, "0");
	if (a->scope == SCOPE_ALL) {
		lo = "/";
	} else if (a->scope == SCOPE_SUBTREE || a->scope == SCOPE_UNIT) {
		lo = a->unit_path;
		path_range(a->unit_path, hi, sizeof hi);
		if (a->scope == SCOPE_UNIT)
			exact = a->unit_path;
	}
	buf_printf(s, "(%s >= ? AND %s < ? AND (? = '' OR %s = ?))", col, col, col);
	p_text(p, lo);
	p_text(p, hi);
	p_text(p, exact);
	p_text(p, exact);
}

/*
 * Which cases the actor may see, as SQL over alias c (see docs/cases.md):
 * own and party cases always; drafts to nobody else; others by scope.
 */
void case_sql_visible(buf *s, sql_params *p, const actor *a)
{
	buf_puts(s, "(c.submitter_id = ? OR EXISTS (SELECT 1 FROM case_party vp "
	            "WHERE vp.case_id = c.id AND"
	            " vp.user_id = ?)");
	p_int(p, a->user_id);
	p_int(p, a->user_id);
	int rd = actor_can(a, "case:read"), hd = actor_can(a, "case:handle");
	if (rd || hd) {
		buf_puts(s, " OR (c.state <> 'draft' AND (1 = 0");
		if (rd) {
			buf_puts(s, " OR ");
			sql_cover(s, p, a, "c.unit_path");
		}
		if (hd) {
			buf_puts(s, " OR ");
			sql_cover(s, p, a, "c.lead_unit_path");
			buf_puts(s, " OR EXISTS (SELECT 1 FROM case_party cp WHERE cp.case_id = "
			            "c.id AND cp.role = 'co' AND ");
			sql_cover(s, p, a, "cp.unit_path");
			buf_puts(s, ")");
		}
		buf_puts(s, "))");
	}
	buf_puts(s, ")");
}

/* ---- reading cases ---- */

/* The columns of CASE_COLS as JSON keys: i = integer, s = text, b = flag; NULL stays null. */
static const struct {
	const char *key;
	char kind;
} case_cols[] = {
        {"id", 'i'},
        {"type", 's'},
        {"no", 's'},
        {"title", 's'},
        {"content", 's'},
        {"state", 's'},
        {"unit_id", 'i'},
        {"unit_name", 's'},
        {"unit_path", 's'},
        {"submitter_id", 'i'},
        {"submitter_name", 's'},
        {"org_id", 'i'},
        {"enterprise_id", 'i'},
        {"person_id", 'i'},
        {"visit_id", 'i'},
        {"channel", 's'},
        {"mode", 's'},
        {"lead_unit_id", 'i'},
        {"lead_unit_name", 's'},
        {"lead_unit_path", 's'},
        {"deadline", 's'},
        {"extended", 'b'},
        {"round", 'i'},
        {"result_class", 's'},
        {"answer", 's'},
        {"rating", 's'},
        {"reason", 's'},
        {"merged_into", 'i'},
        {"submitted_at", 'i'},
        {"registered_at", 'i'},
        {"assigned_at", 'i'},
        {"answered_at", 'i'},
        {"closed_at", 'i'},
        {"created_at", 'i'},
        {"updated_at", 'i'},
        {"version", 'i'},
        {"answered_date", 's'},
        {"org_name", 's'},
        {"enterprise_name", 's'},
};
#define NCOLS (sizeof case_cols / sizeof case_cols[0])

void kase_free(kase *k)
{
	json_decref(k->j);
	free(k->parties);
	memset(k, 0, sizeof *k);
}

json_t *kase_row_json(store_stmt *st)
{
	json_t *o = json_object();
	for (size_t i = 0; i < NCOLS; i++) {
		json_t *v;
		if (store_col_is_null(st, (int)i))
			v = json_null();
		else if (case_cols[i].kind == 'i')
			v = json_integer(store_col_int(st, (int)i));
		else if (case_cols[i].kind == 'b')
			v = json_boolean(store_col_int(st, (int)i) != 0);
		else
			v = json_string(store_col_text(st, (int)i));
		json_object_set_new(o, case_cols[i].key, v);
	}
	return o;
}

/* Is a text missing or only white space (ASCII or the ideographic space)? */
static int blank(const char *v)
{
	if (!v)
		return 1;
	while (*v) {
		if (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
			v++;
		else if (strncmp(v, "\xE3\x80\x80", 3) == 0)
			v += 3;
		else
			return 0;
	}
	return 1;
}

tx_err kase_load_parties(dctx *c, kase *k)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "SELECT role, user_id, unit_id, unit_path, done "
	                          "FROM case_party WHERE case_id = ?"
	                          " ORDER BY id",
	                          &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, k->id);
	int s;
	while ((s = store_step(st)) == STORE_ROW) {
		k->parties = xrealloc(k->parties, sizeof(party) * (size_t)(k->nparties + 1));
		party *pt = &k->parties[k->nparties++];
		memset(pt, 0, sizeof *pt);
		snprintf(pt->role, sizeof pt->role, "%s", store_col_text(st, 0));
		pt->user_id = store_col_is_null(st, 1) ? 0 : store_col_int(st, 1);
		pt->unit_id = store_col_is_null(st, 2) ? 0 : store_col_int(st, 2);
		snprintf(pt->path, sizeof pt->path, "%s", store_col_text(st, 3) ? store_col_text(st, 3) : "");
		pt->done = (int)store_col_int(st, 4);
	}
	store_finalize(st);
	return s == STORE_DONE ? TX_OK : TX_EDB;
}

void kase_from_json(kase *k, json_t *j)
{
	k->j = j;
	k->id = jint(j, "id");
	k->version = jint(j, "version");
	k->submitter_id = jint(j, "submitter_id");
	k->unit_id = jint(j, "unit_id");
	k->lead_unit_id = jint(j, "lead_unit_id");
	k->assigned_at = jint(j, "assigned_at");
	k->answered_at = jint(j, "answered_at");
	k->round = jint(j, "round");
	k->extended = json_is_true(json_object_get(j, "extended"));
	k->type = jstr(j, "type");
	k->state = jstr(j, "state");
	k->unit_path = jstr(j, "unit_path");
	k->lead_unit_path = jstr(j, "lead_unit_path");
	k->deadline = jstr(j, "deadline");
	k->mode = jstr(j, "mode");
	k->no = jstr(j, "no");
	k->title = jstr(j, "title");
	k->ft = flow_type_find(k->type);
}

tx_err case_not_found(dctx *c)
{
	return dctx_fail(c, TX_ENOTFOUND, "not_found", "案件不存在", "no such case");
}

static int kase_visible(const actor *a, const kase *k)
{
	if (k->submitter_id == a->user_id)
		return 1;
	for (int i = 0; i < k->nparties; i++)
		if (k->parties[i].user_id == a->user_id)
			return 1;
	if (strcmp(k->state, "draft") == 0)
		return 0;
	if (actor_can(a, "case:read") && case_covers(a, k->unit_path))
		return 1;
	if (actor_can(a, "case:handle")) {
		if (case_covers(a, k->lead_unit_path))
			return 1;
		for (int i = 0; i < k->nparties; i++)
			if (strcmp(k->parties[i].role, "co") == 0 && case_covers(a, k->parties[i].path))
				return 1;
	}
	return 0;
}

/*
 * Load a live case the actor may see (TX_ENOTFOUND otherwise). With
 * `lock`, inside a write transaction, the case row is locked first: on
 * PostgreSQL a concurrent action on the same case waits here until the
 * first commits and then reads its result, so the case and its parties are
 * seen as one state (SQLite's BEGIN IMMEDIATE serialises writers anyway).
 */
static tx_err kase_load_for(dctx *c, int64_t id, kase *k, int lock)
{
	memset(k, 0, sizeof *k);
	store_stmt *st;
	tx_err rc;
	if (lock && store_kind_of(c->db) == STORE_POSTGRES) {
		if ((rc = store_prepare(c->db, "SELECT id FROM cases WHERE id = ? FOR UPDATE", &st)))
			return rc;
		store_bind_int(st, 1, id);
		int s = store_step(st);
		store_finalize(st);
		if (s != STORE_ROW && s != STORE_DONE)
			return TX_EDB;
	}
	rc = store_prepare(c->db, "SELECT " CASE_COLS CASE_FROM " WHERE c.id = ? AND c.deleted = 0", &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	int s = store_step(st);
	json_t *j = s == STORE_ROW ? kase_row_json(st) : NULL;
	store_finalize(st);
	if (s != STORE_ROW)
		return s == STORE_DONE ? case_not_found(c) : TX_EDB;
	kase_from_json(k, j);
	if (!k->ft || (rc = kase_load_parties(c, k))) {
		kase_free(k);
		return rc ? rc : TX_EINTERNAL;
	}
	if (!kase_visible(c->a, k)) {
		kase_free(k);
		return case_not_found(c);
	}
	return TX_OK;
}

static tx_err kase_load(dctx *c, int64_t id, kase *k)
{
	return kase_load_for(c, id, k, 0);
}

/* The actor's roles on a case (enum case_role). */
unsigned kase_roles(const actor *a, const kase *k)
{
	unsigned r = 0;
	if (k->submitter_id == a->user_id)
		r |= CR_SUBMITTER;
	int handle = actor_can(a, "case:handle");
	for (int i = 0; i < k->nparties; i++) {
		const party *pt = &k->parties[i];
		if (strcmp(pt->role, "signer") == 0 && pt->user_id == a->user_id && !pt->done)
			r |= CR_SIGNER;
		else if (strcmp(pt->role, "leader") == 0 && pt->user_id == a->user_id)
			r |= CR_LEADER;
		else if (strcmp(pt->role, "co") == 0 && handle && !pt->done && case_covers(a, pt->path))
			r |= CR_CO;
	}
	if (actor_can(a, "case:manage") && case_covers(a, k->unit_path))
		r |= CR_OFFICE;
	if (handle && case_covers(a, k->lead_unit_path))
		r |= CR_LEAD;
	return r;
}

int kase_overdue(const kase *k, const char *today)
{
	return !flow_state_terminal(k->ft, k->state) && !k->answered_at && k->deadline &&
	       strcmp(k->deadline, today) < 0;
}

/* The case as the API shows it (takes over k->j). */
json_t *kase_out(dctx *c, kase *k, int with_parties)
{
	char today[11];
	case_date(dctx_now(c), today);
	json_t *o = k->j;
	int en = c->lang && strcmp(c->lang, "en") == 0;
	const flow_state *fs = flow_state_find(k->ft, k->state);
	json_object_set_new(o, "type_name", json_string(en ? k->ft->name_en : k->ft->name_zh));
	json_object_set_new(o, "state_name", json_string(fs ? (en ? fs->name_en : fs->name_zh) : k->state));
	json_object_set_new(o, "overdue", json_boolean(kase_overdue(k, today)));
	if (with_parties) {
		json_t *co = json_array(), *leaders = json_array(), *signers = json_array(), *subs = json_array();
		store_stmt *st;
		if (store_prepare(c->db,
		                  "SELECT p.role, p.user_id, p.unit_id, p.done, p.answer, "
		                  "au.name, un.name FROM case_party p"
		                  " LEFT JOIN app_user au ON au.id = p.user_id LEFT JOIN "
		                  "unit un ON un.id = p.unit_id"
		                  " WHERE p.case_id = ? ORDER BY p.id",
		                  &st) == TX_OK) {
			store_bind_int(st, 1, k->id);
			while (store_step(st) == STORE_ROW) {
				const char *role = store_col_text(st, 0);
				json_int_t uid = store_col_int(st, 1), unit = store_col_int(st, 2);
				int done = (int)store_col_int(st, 3);
				const char *ans = store_col_text(st, 4), *uname = store_col_text(st, 5),
				           *unitname = store_col_text(st, 6);
				if (strcmp(role, "co") == 0)
					json_array_append_new(co, json_pack("{s:I, s:s?, s:b, s:s?}", "unit_id", unit,
					                                    "unit_name", unitname, "done", done,
					                                    "answer", ans));
				else if (strcmp(role, "leader") == 0)
					json_array_append_new(leaders,
					                      json_pack("{s:I, s:s?}", "user_id", uid, "name", uname));
				else if (strcmp(role, "signer") == 0)
					json_array_append_new(signers, json_pack("{s:I, s:s?, s:b}", "user_id", uid,
					                                         "name", uname, "signed", done));
				else if (strcmp(role, "submitter") == 0)
					json_array_append_new(subs,
					                      json_pack("{s:I, s:s?}", "user_id", uid, "name", uname));
			}
			store_finalize(st);
		}
		json_object_set_new(o, "co_units", co);
		json_object_set_new(o, "leaders", leaders);
		json_object_set_new(o, "signers", signers);
		json_object_set_new(o, "merged_submitters", subs);
	}
	json_object_del(o, "unit_path");
	json_object_del(o, "lead_unit_path");
	json_object_del(o, "answered_date");
	k->j = NULL;
	return o;
}

/* ---- creating ---- */

static const msg2 m_not_for_type = {"此类案件不接受该字段", "this case type does not take this field"};
static const msg2 m_no_user = {"用户不存在或不可选", "no such user to name here"};
static const msg2 m_no_org = {"组织不存在", "no such organisation"};
static const msg2 m_required = {"必填", "required"};
static const msg2 m_no_unit = {"单位不存在或不在您的管理范围内", "no such unit in your scope"};

/* Is user `id` an active user holding `perm` (or role `role`)? */
static int user_qualifies(dctx *c, int64_t id, const char *role, const char *perm)
{
	store_stmt *st;
	const char *sql = role ? "SELECT 1 FROM app_user u JOIN user_role ur ON ur.user_id = u.id"
	                         " WHERE u.id = ? AND u.active = 1 AND ur.role_code = ?"
	                       : "SELECT 1 FROM app_user u JOIN user_role ur ON ur.user_id = u.id "
	                         "JOIN role_permission rp"
	                         " ON rp.role_code = ur.role_code WHERE u.id = ? AND u.active = 1 "
	                         "AND rp.permission = ?";
	if (store_prepare(c->db, sql, &st))
		return 0;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, role ? role : perm);
	int ok = store_step(st) == STORE_ROW;
	store_finalize(st);
	return ok;
}

static int row_exists(dctx *c, const char *sql, int64_t id)
{
	store_stmt *st;
	if (store_prepare(c->db, sql, &st))
		return 0;
	store_bind_int(st, 1, id);
	int ok = store_step(st) == STORE_ROW;
	store_finalize(st);
	return ok;
}

static tx_err add_party(dctx *c, int64_t case_id, const char *role, int64_t user_id, int64_t unit_id, const char *path)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "INSERT INTO case_party (case_id, role, user_id, "
	                          "unit_id, unit_path, done)"
	                          " VALUES (?, ?, ?, ?, ?, 0)",
	                          &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, case_id);
	store_bind_text(st, 2, role);
	if (user_id)
		store_bind_int(st, 3, user_id);
	else
		store_bind_null(st, 3);
	if (unit_id)
		store_bind_int(st, 4, unit_id);
	else
		store_bind_null(st, 4);
	store_bind_text(st, 5, path);
	rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
	store_finalize(st);
	return rc;
}

static tx_err add_event(dctx *c, int64_t case_id, const char *action, const char *from, const char *to,
                        const char *comment, json_t *detail, json_t *file_ids, int64_t *event_id)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "INSERT INTO case_event (case_id, at, actor_id, "
	                          "actor_name, action, from_state, to_state,"
	                          " comment, detail, file_ids) VALUES (?, ?, ?, ?, "
	                          "?, ?, ?, ?, ?, ?) RETURNING id",
	                          &st);
	if (rc)
		return rc;
	char *d = detail && json_object_size(detail) ? json_dumps(detail, JSON_COMPACT) : NULL;
	char *f = file_ids && json_array_size(file_ids) ? json_dumps(file_ids, JSON_COMPACT) : NULL;
	store_bind_int(st, 1, case_id);
	store_bind_int(st, 2, dctx_now(c));
	store_bind_int(st, 3, c->a->user_id);
	store_bind_text(st, 4, c->a->name ? c->a->name : c->a->username);
	store_bind_text(st, 5, action);
	store_bind_text(st, 6, from);
	store_bind_text(st, 7, to);
	store_bind_text(st, 8, comment && *comment ? comment : NULL);
	store_bind_text(st, 9, d);
	store_bind_text(st, 10, f);
	int s = store_step(st);
	if (s == STORE_ROW && event_id)
		*event_id = store_col_int(st, 0);
	store_finalize(st);
	free(d);
	free(f);
	return s == STORE_ROW ? TX_OK : TX_EDB;
}

/* Users to tell for a role set, without the actor, deduplicated into ids. */
static tx_err recipients(dctx *c, const kase *k, unsigned roles, json_t *ids)
{
	store_stmt *st;
	tx_err rc = TX_OK;
#define ADD(uid)                                                                                                       \
	do {                                                                                                           \
		int64_t u_ = (uid);                                                                                    \
		int seen_ = u_ == c->a->user_id || u_ <= 0;                                                            \
		for (size_t i_ = 0; !seen_ && i_ < json_array_size(ids); i_++)                                         \
			seen_ = json_integer_value(json_array_get(ids, i_)) == u_;                                     \
		if (!seen_)                                                                                            \
			json_array_append_new(ids, json_integer(u_));                                                  \
	} while (0)
	if (roles & CR_SUBMITTER)
		ADD(k->submitter_id);
	for (int i = 0; i < k->nparties; i++) {
		const party *pt = &k->parties[i];
		if (((roles & CR_SUBMITTER) && strcmp(pt->role, "submitter") == 0) ||
		    ((roles & CR_SIGNER) && strcmp(pt->role, "signer") == 0) ||
		    ((roles & CR_LEADER) && strcmp(pt->role, "leader") == 0))
			ADD(pt->user_id);
	}
	/* Handlers: users holding case:handle in the unit itself. */
	static const char handlers_sql[] = "SELECT DISTINCT u.id FROM app_user u JOIN user_role ur ON ur.user_id = "
	                                   "u.id JOIN role_permission rp"
	                                   " ON rp.role_code = ur.role_code WHERE u.active = 1 AND rp.permission = "
	                                   "'case:handle' AND u.unit_id = ?";
	for (int pass = 0; pass < 2; pass++) {
		for (int i = -1; i < k->nparties; i++) {
			int64_t unit = 0;
			if (pass == 0 && i < 0 && (roles & CR_LEAD))
				unit = k->lead_unit_id;
			else if (pass == 1 && i >= 0 && (roles & CR_CO) && strcmp(k->parties[i].role, "co") == 0)
				unit = k->parties[i].unit_id;
			if (!unit)
				continue;
			if ((rc = store_prepare(c->db, handlers_sql, &st)))
				return rc;
			store_bind_int(st, 1, unit);
			while (store_step(st) == STORE_ROW)
				ADD(store_col_int(st, 0));
			store_finalize(st);
		}
	}
	/* The office: holders of case:manage whose unit contains the case's unit. */
	if (roles & CR_OFFICE) {
		if ((rc = store_prepare(c->db,
		                        "SELECT DISTINCT u.id FROM app_user u JOIN unit un ON un.id = "
		                        "u.unit_id JOIN user_role ur"
		                        " ON ur.user_id = u.id JOIN role_permission rp ON rp.role_code = "
		                        "ur.role_code"
		                        " WHERE u.active = 1 AND rp.permission = 'case:manage'"
		                        " AND substr(?, 1, length(un.path)) = un.path",
		                        &st)))
			return rc;
		store_bind_text(st, 1, k->unit_path);
		while (store_step(st) == STORE_ROW)
			ADD(store_col_int(st, 0));
		store_finalize(st);
	}
#undef ADD
	return rc;
}

static tx_err tell(dctx *c, const kase *k, unsigned roles, const char *kind, const char *what, const char *comment)
{
	if (!roles)
		return TX_OK;
	json_t *ids = json_array();
	tx_err rc = recipients(c, k, roles, ids);
	char title[400];
	snprintf(title, sizeof title, "%s %s：%s", k->no, k->title, what);
	for (size_t i = 0; !rc && i < json_array_size(ids); i++)
		rc = notify_user(c, json_integer_value(json_array_get(ids, i)), k->id, kind, title, comment);
	json_decref(ids);
	return rc;
}

static tx_err next_number(dctx *c, const flow_type *t, char *out, size_t n)
{
	char year[5];
	char today[11];
	case_date(dctx_now(c), today);
	memcpy(year, today, 4);
	year[4] = 0;
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "INSERT INTO case_seq (type, year, n) VALUES (?, "
	                          "?, 1) ON CONFLICT (type, year)"
	                          " DO UPDATE SET n = case_seq.n + 1 RETURNING n",
	                          &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, t->code);
	store_bind_int(st, 2, atoi(year));
	int s = store_step(st);
	int64_t seq = s == STORE_ROW ? store_col_int(st, 0) : 0;
	store_finalize(st);
	if (s != STORE_ROW)
		return TX_EDB;
	snprintf(out, n, "%s-%s-%04" PRId64, t->prefix, year, seq);
	return TX_OK;
}

/* Does the type's first state still wait for a "receive" transition (a draft)?
 */
static int received_on_create(const flow_type *t)
{
	for (size_t i = 0; i < t->ntrs; i++)
		if ((t->trs[i].effects & FX_RECEIVE) && flow_state_in(t->trs[i].from, t->initial))
			return 0;
	return 1;
}

static tx_err check_create(dctx *c, const flow_type *t, json_t *body)
{
	static const struct {
		const char *field;
		unsigned flag;
	} only[] = {{"leader_ids", CF_LEADERS},       {"signer_ids", CF_SIGNERS}, {"org_id", CF_ORG},
	            {"enterprise_id", CF_ENTERPRISE}, {"channel", CF_ENTERPRISE}, {"visit_id", CF_ENTERPRISE},
	            {"person_id", CF_PERSON}};
	for (size_t i = 0; i < sizeof only / sizeof only[0]; i++)
		if (json_object_get(body, only[i].field) && !(t->create & only[i].flag))
			dctx_field(c, only[i].field, &m_not_for_type);
	if ((t->create & CF_ENTERPRISE) && !json_object_get(body, "enterprise_id"))
		dctx_field(c, "enterprise_id", &m_required);
	if (blank(jstr(body, "title")))
		dctx_field(c, "title", &m_required);
	if (blank(jstr(body, "content")))
		dctx_field(c, "content", &m_required);
	size_t i;
	json_t *v;
	json_array_foreach (json_object_get(body, "leader_ids"), i, v) {
		if (!user_qualifies(c, json_integer_value(v), "leader", NULL))
			dctx_field(c, "leader_ids", &m_no_user);
	}
	json_array_foreach (json_object_get(body, "signer_ids"), i, v) {
		if (json_integer_value(v) == c->a->user_id ||
		    !user_qualifies(c, json_integer_value(v), NULL, "case:submit"))
			dctx_field(c, "signer_ids", &m_no_user);
	}
	static const char org_sql[] = "SELECT 1 FROM organisation WHERE id = ? AND deleted = 0";
	if (json_object_get(body, "org_id") && !row_exists(c, org_sql, jint(body, "org_id")))
		dctx_field(c, "org_id", &m_no_org);
	if (json_object_get(body, "enterprise_id") && !row_exists(c, org_sql, jint(body, "enterprise_id")))
		dctx_field(c, "enterprise_id", &m_no_org);
	if (json_object_get(body, "visit_id") &&
	    !row_exists(c, "SELECT 1 FROM enterprise_visit WHERE id = ? AND deleted = 0", jint(body, "visit_id"))) {
		static const msg2 m = {"走访记录不存在", "no such visit"};
		dctx_field(c, "visit_id", &m);
	}
	if (json_object_get(body, "person_id")) {
		/* A person on record only within the caller's scope (personal data). */
		json_t *person = NULL;
		const char *code = c->err_code;
		if (record_get(c, record_entity("person"), jint(body, "person_id"), &person)) {
			static const msg2 m = {"人员不存在或不在您的管理范围内", "no such person in your scope"};
			c->err_code = code;
			c->err_msg[0] = 0;
			dctx_field(c, "person_id", &m);
		}
		json_decref(person);
	}
	if (c->err_fields)
		return dctx_fail(c, TX_EINVAL, "validation.failed", "提交的数据有误", "some fields are invalid");
	return TX_OK;
}

tx_err case_create(dctx *c, json_t *body, json_t **out)
{
	const flow_type *t = flow_type_find(jstr(body, "type"));
	if (!t)
		return TX_EINVAL;
	tx_err rc = check_create(c, t, body);
	if (rc)
		return rc;
	int64_t unit = json_object_get(body, "unit_id") ? jint(body, "unit_id") : c->a->unit_id;
	char path[256];
	if (unit == c->a->unit_id) {
		snprintf(path, sizeof path, "%s", c->a->unit_path);
	} else if (unit_in_scope(c, unit, path, sizeof path)) {
		c->err_code = NULL;
		dctx_field(c, "unit_id", &m_no_unit);
		return dctx_fail(c, TX_EINVAL, "validation.failed", "提交的数据有误", "some fields are invalid");
	}
	char no[40];
	if ((rc = next_number(c, t, no, sizeof no)))
		return rc;
	int64_t now = dctx_now(c), id = 0;
	store_stmt *st;
	if ((rc = store_prepare(c->db,
	                        "INSERT INTO cases (type, no, title, content, state, "
	                        "unit_id, unit_path, submitter_id, org_id,"
	                        " enterprise_id, person_id, visit_id, channel, "
	                        "submitted_at, created_at, updated_at)"
	                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                        "?, ?) RETURNING id",
	                        &st)))
		return rc;
	sql_params p = {0};
	p_text(&p, t->code);
	p_text(&p, no);
	p_text(&p, jstr(body, "title"));
	p_text(&p, jstr(body, "content"));
	p_text(&p, t->initial);
	p_int(&p, unit);
	p_text(&p, path);
	p_int(&p, c->a->user_id);
	static const char *const refs[] = {"org_id", "enterprise_id", "person_id", "visit_id"};
	for (size_t i = 0; i < 4; i++) {
		if (json_object_get(body, refs[i]))
			p_int(&p, jint(body, refs[i]));
		else
			p_text(&p, NULL);
	}
	p_text(&p, jstr(body, "channel"));
	if (received_on_create(t))
		p_int(&p, now);
	else
		p_text(&p, NULL);
	p_int(&p, now);
	p_int(&p, now);
	p_bind(st, &p);
	p_free(&p);
	int s = store_step(st);
	if (s == STORE_ROW)
		id = store_col_int(st, 0);
	store_finalize(st);
	if (s != STORE_ROW)
		return TX_EDB;
	size_t i;
	json_t *v;
	json_array_foreach (json_object_get(body, "leader_ids"), i, v) {
		if ((rc = add_party(c, id, "leader", json_integer_value(v), 0, NULL)))
			return rc;
	}
	json_array_foreach (json_object_get(body, "signer_ids"), i, v) {
		if ((rc = add_party(c, id, "signer", json_integer_value(v), 0, NULL)))
			return rc;
	}
	if ((rc = add_event(c, id, "create", NULL, t->initial, NULL, NULL, NULL, NULL)))
		return rc;
	kase k;
	memset(&k, 0, sizeof k);
	if ((rc = kase_load(c, id, &k)))
		return rc;
	if ((rc = tell(c, &k, t->notify_create, "create", "新案件", NULL))) {
		kase_free(&k);
		return rc;
	}
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	snprintf(c->audit_action, sizeof c->audit_action, "case.create");
	c->audit_detail = json_pack("{s:s, s:s, s:s}", "no", no, "type", t->code, "state", t->initial);
	*out = kase_out(c, &k, 1);
	kase_free(&k);
	return TX_OK;
}

/* ---- reading one case ---- */

static json_t *timeline(dctx *c, int64_t id)
{
	json_t *a = json_array();
	store_stmt *st;
	if (store_prepare(c->db,
	                  "SELECT id, at, actor_id, actor_name, action, from_state, "
	                  "to_state, comment, detail, file_ids"
	                  " FROM case_event WHERE case_id = ? ORDER BY id",
	                  &st))
		return a;
	store_bind_int(st, 1, id);
	while (store_step(st) == STORE_ROW) {
		json_t *detail = store_col_text(st, 8) ? json_loads(store_col_text(st, 8), 0, NULL) : NULL;
		json_t *files = store_col_text(st, 9) ? json_loads(store_col_text(st, 9), 0, NULL) : NULL;
		json_array_append_new(a, json_pack("{s:I, s:I, s:I, s:s, s:s, s:s?, s:s, s:s?, s:o, s:o}", "id",
		                                   (json_int_t)store_col_int(st, 0), "at",
		                                   (json_int_t)store_col_int(st, 1), "actor_id",
		                                   (json_int_t)store_col_int(st, 2), "actor_name",
		                                   store_col_text(st, 3), "action", store_col_text(st, 4), "from",
		                                   store_col_text(st, 5), "to", store_col_text(st, 6), "comment",
		                                   store_col_text(st, 7), "detail", detail ? detail : json_object(),
		                                   "file_ids", files ? files : json_array()));
	}
	store_finalize(st);
	return a;
}

static json_t *files_json(dctx *c, int64_t id)
{
	json_t *a = json_array();
	store_stmt *st;
	if (store_prepare(c->db,
	                  "SELECT f.id, f.name, f.mime, f.size, f.created_at, "
	                  "f.created_by, u.name, f.event_id"
	                  " FROM case_file f JOIN app_user u ON u.id = f.created_by "
	                  "WHERE f.case_id = ? ORDER BY f.id",
	                  &st))
		return a;
	store_bind_int(st, 1, id);
	while (store_step(st) == STORE_ROW)
		json_array_append_new(a,
		                      json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:s, s:o}", "id",
		                                (json_int_t)store_col_int(st, 0), "name", store_col_text(st, 1), "mime",
		                                store_col_text(st, 2), "size", (json_int_t)store_col_int(st, 3),
		                                "created_at", (json_int_t)store_col_int(st, 4), "created_by",
		                                (json_int_t)store_col_int(st, 5), "created_by_name",
		                                store_col_text(st, 6), "event_id",
		                                store_col_is_null(st, 7) ? json_null()
		                                                         : json_integer(store_col_int(st, 7))));
	store_finalize(st);
	return a;
}

static int guard_holds(const kase *k, case_guard g, int64_t now);

/* What the actor may do now: one entry per action some transition from this state allows them, its guard holding. */
static json_t *actions_json(dctx *c, const kase *k)
{
	json_t *a = json_array();
	unsigned roles = kase_roles(c->a, k);
	int en = c->lang && strcmp(c->lang, "en") == 0;
	for (size_t i = 0; i < k->ft->ntrs; i++) {
		const flow_transition *tr = &k->ft->trs[i];
		if (!(tr->who & roles) || !flow_state_in(tr->from, k->state) || !guard_holds(k, tr->guard, dctx_now(c)))
			continue;
		int dup = 0;
		for (size_t j = 0; j < json_array_size(a); j++)
			dup |= strcmp(jstr(json_array_get(a, j), "action"), tr->action) == 0;
		if (!dup)
			json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:b}", "action", tr->action, "name",
			                                   en ? tr->name_en : tr->name_zh, "requires",
			                                   flow_requires_json(tr->requires), "quiet", tr->quiet));
	}
	return a;
}

tx_err case_get(dctx *c, int64_t id, json_t **out)
{
	kase k;
	tx_err rc = kase_load(c, id, &k);
	if (rc)
		return rc;
	json_t *actions = actions_json(c, &k);
	int64_t merged_into = jint(k.j, "merged_into");
	json_t *o = kase_out(c, &k, 1);
	json_object_set_new(o, "actions", actions);
	json_object_set_new(o, "timeline", timeline(c, id));
	json_object_set_new(o, "files", files_json(c, id));
	/* Cases merged into this one, and the reply of the case this one was merged into. */
	json_t *merged = json_array();
	store_stmt *st;
	if (store_prepare(c->db,
	                  "SELECT c.id, c.no, c.title, su.name FROM cases c JOIN "
	                  "app_user su ON su.id = c.submitter_id"
	                  " WHERE c.merged_into = ? AND c.deleted = 0 ORDER BY c.id",
	                  &st) == TX_OK) {
		store_bind_int(st, 1, id);
		while (store_step(st) == STORE_ROW)
			json_array_append_new(merged,
			                      json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)store_col_int(st, 0),
			                                "no", store_col_text(st, 1), "title", store_col_text(st, 2),
			                                "submitter_name", store_col_text(st, 3)));
		store_finalize(st);
	}
	json_object_set_new(o, "merged", merged);
	if (merged_into && store_prepare(c->db,
	                                 "SELECT no, state, answer, result_class, "
	                                 "answered_at FROM cases WHERE id = ?",
	                                 &st) == TX_OK) {
		store_bind_int(st, 1, merged_into);
		if (store_step(st) == STORE_ROW)
			json_object_set_new(o, "merged_case",
			                    json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:o}", "id", (json_int_t)merged_into,
			                              "no", store_col_text(st, 0), "state", store_col_text(st, 1),
			                              "answer", store_col_text(st, 2), "result_class",
			                              store_col_text(st, 3), "answered_at",
			                              store_col_is_null(st, 4) ? json_null()
			                                                       : json_integer(store_col_int(st, 4))));
		store_finalize(st);
	}
	kase_free(&k);
	*out = o;
	return TX_OK;
}

tx_err case_update(dctx *c, int64_t id, json_t *body, json_t **out)
{
	kase k;
	tx_err rc = kase_load_for(c, id, &k, 1);
	if (rc)
		return rc;
	/* Only a draft, only by its submitter. */
	int mine = k.submitter_id == c->a->user_id;
	int editable = strcmp(k.state, k.ft->initial) == 0 && !received_on_create(k.ft);
	int64_t version = k.version;
	json_t *cur = json_pack("{s:s, s:s}", "title", jstr(k.j, "title"), "content", jstr(k.j, "content"));
	char state[32];
	snprintf(state, sizeof state, "%s", k.state);
	kase_free(&k);
	if (!mine) {
		json_decref(cur);
		return dctx_fail(c, TX_EFORBIDDEN, "case.forbidden", "只有提交人可以修改",
		                 "only the submitter may edit");
	}
	if (!editable) {
		json_decref(cur);
		return dctx_fail(c, TX_ECONFLICT, "case.state", "只有草稿可以修改", "only a draft can be edited");
	}
	if ((json_object_get(body, "title") && blank(jstr(body, "title"))) ||
	    (json_object_get(body, "content") && blank(jstr(body, "content")))) {
		json_decref(cur);
		dctx_field(c, blank(jstr(body, "title")) && json_object_get(body, "title") ? "title" : "content",
		           &m_required);
		return dctx_fail(c, TX_EINVAL, "validation.failed", "提交的数据有误", "some fields are invalid");
	}
	if (jint(body, "version") != version) {
		json_decref(cur);
		return dctx_stale(c);
	}
	dctx_changes(c, cur, body);
	json_decref(cur);
	store_stmt *st;
	if ((rc = store_prepare(c->db,
	                        "UPDATE cases SET title = COALESCE(?, title), "
	                        "content = COALESCE(?, content),"
	                        " version = version + 1, updated_at = ? WHERE id = ? "
	                        "AND version = ?",
	                        &st)))
		return rc;
	store_bind_text(st, 1, jstr(body, "title"));
	store_bind_text(st, 2, jstr(body, "content"));
	store_bind_int(st, 3, dctx_now(c));
	store_bind_int(st, 4, id);
	store_bind_int(st, 5, version);
	int s = store_step(st);
	store_finalize(st);
	if (s != STORE_DONE)
		return TX_EDB;
	if (store_changes(c->db) != 1)
		return dctx_stale(c);
	if ((rc = add_event(c, id, "edit", state, state, NULL, NULL, NULL, NULL)))
		return rc;
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	snprintf(c->audit_action, sizeof c->audit_action, "case.update");
	return case_get(c, id, out);
}

/* ---- acting ---- */

static int guard_holds(const kase *k, case_guard g, int64_t now)
{
	switch (g) {
	case G_NONE:
		return 1;
	case G_ALL_SIGNED:
	case G_ALL_COUNTERSIGNED:
		for (int i = 0; i < k->nparties; i++)
			if (strcmp(k->parties[i].role, g == G_ALL_SIGNED ? "signer" : "co") == 0 && !k->parties[i].done)
				return 0;
		return 1;
	case G_RETURN_WINDOW:
		return k->assigned_at && now - k->assigned_at <= (int64_t)RETURN_DAYS * 86400;
	case G_NOT_EXTENDED:
		return !k->extended;
	case G_FIRST_ROUND:
		return k->round <= 1;
	case G__MAX:
		break;
	}
	return 0;
}

struct guard_ctx {
	const kase *k;
	int64_t now;
};

static int guard_of_case(case_guard g, const void *ctx)
{
	const struct guard_ctx *gc = ctx;
	return guard_holds(gc->k, g, gc->now);
}

static tx_err guard_fail(dctx *c, case_guard g)
{
	static const msg2 why[G__MAX] = {
	        [G_ALL_SIGNED] = {"还有联名人未签名", "some joint signers have not signed yet"},
	        [G_ALL_COUNTERSIGNED] = {"还有会办单位未会签", "some co-handling units have not countersigned yet"},
	        [G_RETURN_WINDOW] = {"已超过申请退回的期限", "the time to ask for a return has passed"},
	        [G_NOT_EXTENDED] = {"已延期过一次，不能再延期", "the deadline was extended once already"},
	        [G_FIRST_ROUND] = {"已重新办理过一次", "handled again once already"},
	};
	return dctx_fail(c, TX_ECONFLICT, "case.guard", why[g].zh, why[g].en);
}

static int nonempty(json_t *body, const char *k)
{
	json_t *v = json_object_get(body, k);
	if (json_is_string(v))
		return !blank(json_string_value(v));
	if (json_is_array(v))
		return json_array_size(v) > 0;
	return v && !json_is_null(v);
}

static tx_err check_required(dctx *c, unsigned req, json_t *body)
{
	static const char *const names[] = {"comment",      "reason", "mode",   "lead_unit_id",
	                                    "result_class", "answer", "rating", "merge_into"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((req & (1u << i)) && !nonempty(body, names[i]))
			dctx_field(c, names[i], &m_required);
	const char *mode = jstr(body, "mode");
	if ((req & RQ_MODE) && mode && strcmp(mode, "single") != 0 && !nonempty(body, "co_unit_ids")) {
		static const msg2 m = {"分办、会办须指定会办/分办单位",
		                       "separate or joint handling needs co-handling units"};
		dctx_field(c, "co_unit_ids", &m);
	}
	if (c->err_fields)
		return dctx_fail(c, TX_EINVAL, "validation.failed", "提交的数据有误", "some fields are invalid");
	return TX_OK;
}

/* An active unit the actor may assign to; fills its path. */
static int assignable_unit(dctx *c, int64_t unit, char *path, size_t n)
{
	store_stmt *st;
	if (store_prepare(c->db, "SELECT path FROM unit WHERE id = ? AND active = 1", &st))
		return 0;
	store_bind_int(st, 1, unit);
	int ok = store_step(st) == STORE_ROW;
	if (ok)
		snprintf(path, n, "%s", store_col_text(st, 0));
	store_finalize(st);
	return ok && case_covers(c->a, path);
}

static tx_err exec1(dctx *c, const char *sql, int64_t a, int64_t b)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db, sql, &st);
	if (rc)
		return rc;
	store_bind_int(st, 1, a);
	if (b)
		store_bind_int(st, 2, b);
	rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
	store_finalize(st);
	return rc;
}

/* The parties a transition's effects change (after the case row's UPDATE won).
 */
static tx_err party_effects(dctx *c, kase *k, const flow_transition *tr, json_t *body, int64_t now, json_t *detail)
{
	tx_err rc = TX_OK;
	if (tr->effects & FX_SIGN) {
		store_stmt *st;
		if ((rc = store_prepare(c->db,
		                        "UPDATE case_party SET done = 1, done_at = ? WHERE "
		                        "case_id = ? AND role = 'signer'"
		                        " AND user_id = ?",
		                        &st)))
			return rc;
		store_bind_int(st, 1, now);
		store_bind_int(st, 2, k->id);
		store_bind_int(st, 3, c->a->user_id);
		rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
		store_finalize(st);
	}
	if (!rc && (tr->effects & FX_COUNTERSIGN)) {
		/* The first open co unit in the actor's scope gives its part. */
		for (int i = 0; i < k->nparties; i++) {
			party *pt = &k->parties[i];
			if (strcmp(pt->role, "co") != 0 || pt->done || !case_covers(c->a, pt->path))
				continue;
			store_stmt *st;
			if ((rc = store_prepare(c->db,
			                        "UPDATE case_party SET done = 1, done_at = ?, "
			                        "answer = ? WHERE case_id = ?"
			                        " AND role = 'co' AND unit_id = ?",
			                        &st)))
				return rc;
			store_bind_int(st, 1, now);
			store_bind_text(st, 2, jstr(body, "answer"));
			store_bind_int(st, 3, k->id);
			store_bind_int(st, 4, pt->unit_id);
			rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
			store_finalize(st);
			json_object_set_new(detail, "unit_id", json_integer(pt->unit_id));
			break;
		}
	}
	if (!rc && (tr->effects & (FX_ASSIGN | FX_UNASSIGN)))
		rc = exec1(c, "DELETE FROM case_party WHERE case_id = ? AND role = 'co'", k->id, 0);
	if (!rc && (tr->effects & FX_ASSIGN)) {
		size_t i;
		json_t *v;
		json_array_foreach (json_object_get(body, "co_unit_ids"), i, v) {
			char path[256];
			if (!assignable_unit(c, json_integer_value(v), path, sizeof path))
				return TX_EINTERNAL; /* checked before the update */
			if ((rc = add_party(c, k->id, "co", 0, json_integer_value(v), path)))
				return rc;
		}
	}
	if (!rc && (tr->effects & FX_MERGE)) {
		int64_t target = jint(body, "merge_into");
		if ((rc = add_party(c, target, "submitter", k->submitter_id, 0, NULL)))
			return rc;
		/* The submitters who joined this case earlier follow it. */
		rc = exec1(c,
		           "UPDATE case_party SET case_id = ? WHERE case_id = ? AND role = "
		           "'submitter'",
		           target, k->id);
	}
	return rc;
}

/* Check the references the body names for this transition (before any write).
 */
static tx_err check_refs(dctx *c, const kase *k, const flow_transition *tr, json_t *body, char *lead_path, size_t n)
{
	static const msg2 m_lead_co = {"会办单位不能与主办单位相同", "a co-handling unit cannot be the lead unit"};
	static const msg2 m_merge = {"只能并入同类型、未办结的其他案件",
	                             "merge only into another open case of the same type"};
	if (tr->effects & FX_ASSIGN) {
		int64_t lead = jint(body, "lead_unit_id");
		if (!assignable_unit(c, lead, lead_path, n))
			dctx_field(c, "lead_unit_id", &m_no_unit);
		size_t i;
		json_t *v;
		json_array_foreach (json_object_get(body, "co_unit_ids"), i, v) {
			char p[256];
			if (json_integer_value(v) == lead)
				dctx_field(c, "co_unit_ids", &m_lead_co);
			else if (!assignable_unit(c, json_integer_value(v), p, sizeof p))
				dctx_field(c, "co_unit_ids", &m_no_unit);
		}
	}
	if (tr->effects & FX_MERGE) {
		kase t;
		int64_t target = jint(body, "merge_into");
		const char *msg_code = c->err_code;
		if (target == k->id || kase_load(c, target, &t)) {
			c->err_code = msg_code;
			c->err_msg[0] = 0;
			dctx_field(c, "merge_into", &m_merge);
		} else {
			if (strcmp(t.type, k->type) != 0 || flow_state_terminal(t.ft, t.state) ||
			    jint(t.j, "answered_at"))
				dctx_field(c, "merge_into", &m_merge);
			kase_free(&t);
		}
	}
	json_t *files = json_object_get(body, "file_ids");
	size_t i;
	json_t *v;
	json_array_foreach (files, i, v) {
		store_stmt *st;
		if (store_prepare(c->db,
		                  "SELECT 1 FROM case_file WHERE id = ? AND case_id = ? "
		                  "AND created_by = ? AND event_id IS NULL",
		                  &st))
			return TX_EDB;
		store_bind_int(st, 1, json_integer_value(v));
		store_bind_int(st, 2, k->id);
		store_bind_int(st, 3, c->a->user_id);
		int ok = store_step(st) == STORE_ROW;
		store_finalize(st);
		if (!ok) {
			static const msg2 m = {"附件不存在或已使用", "no such attachment of yours, or already used"};
			dctx_field(c, "file_ids", &m);
		}
	}
	if (c->err_fields)
		return dctx_fail(c, TX_EINVAL, "validation.failed", "提交的数据有误", "some fields are invalid");
	return TX_OK;
}

tx_err case_act(dctx *c, int64_t id, json_t *body, json_t **out)
{
	kase k;
	tx_err rc = kase_load_for(c, id, &k, 1);
	if (rc)
		return rc;
	const char *action = jstr(body, "action");
	const flow_type *t = k.ft;
	int known = 0, in_state = 0, allowed = 0;
	unsigned roles = kase_roles(c->a, &k);
	for (size_t i = 0; i < t->ntrs; i++) {
		if (strcmp(t->trs[i].action, action) != 0)
			continue;
		known = 1;
		if (!flow_state_in(t->trs[i].from, k.state))
			continue;
		in_state = 1;
		allowed |= (t->trs[i].who & roles) != 0;
	}
	if (!known) {
		static const msg2 m = {"此类案件没有这个操作", "no such action for this case type"};
		kase_free(&k);
		dctx_field(c, "action", &m);
		return dctx_fail(c, TX_EINVAL, "validation.failed", "提交的数据有误", "some fields are invalid");
	}
	/* A stale view first: whoever acted first may have changed everything below.
   */
	if (jint(body, "version") != k.version) {
		kase_free(&k);
		return dctx_stale(c);
	}
	if (!in_state) {
		kase_free(&k);
		return dctx_fail(c, TX_ECONFLICT, "case.state", "案件当前状态下不能进行此操作",
		                 "this action does not apply in the case's current state");
	}
	if (!allowed) {
		kase_free(&k);
		return dctx_fail(c, TX_EFORBIDDEN, "case.forbidden", "您不能对此案件进行此操作",
		                 "you may not take this action on this case");
	}
	/* The first transition whose rating condition and guard hold. */
	int64_t now = dctx_now(c);
	case_guard failed;
	struct guard_ctx gc = {&k, now};
	const flow_transition *tr =
		flow_pick(t, action, k.state, roles, jstr(body, "rating"), guard_of_case, &gc, &failed);
	if ((rc = check_required(c, tr ? tr->requires : 0, body)) || (!tr && (rc = guard_fail(c, failed)))) {
		kase_free(&k);
		return rc;
	}
	char lead_path[256] = "";
	if ((rc = check_refs(c, &k, tr, body, lead_path, sizeof lead_path))) {
		kase_free(&k);
		return rc;
	}
	const char *to = tr->to ? tr->to : k.state;

	/* The case row: state, version and the effects' columns, if nobody acted first. */
	buf sql = BUF_INIT;
	sql_params p = {0};
	char date[11], today[11];
	case_date(now, today);
	buf_puts(&sql, "UPDATE cases SET state = ?, version = version + 1, updated_at = ?");
	p_text(&p, to);
	p_int(&p, now);
	if (tr->effects & FX_RECEIVE) {
		buf_puts(&sql, ", submitted_at = COALESCE(submitted_at, ?)");
		p_int(&p, now);
	}
	if (tr->effects & FX_REGISTER) {
		buf_puts(&sql, ", registered_at = COALESCE(registered_at, ?)");
		p_int(&p, now);
	}
	if (tr->effects & FX_ASSIGN) {
		buf_puts(&sql, ", mode = ?, lead_unit_id = ?, lead_unit_path = ?, assigned_at = ?");
		p_text(&p, jstr(body, "mode") ? jstr(body, "mode") : "single");
		p_int(&p, jint(body, "lead_unit_id"));
		p_text(&p, lead_path);
		p_int(&p, now);
	}
	if (tr->effects & FX_UNASSIGN)
		buf_puts(&sql, ", mode = NULL, lead_unit_id = NULL, lead_unit_path = NULL, "
		               "assigned_at = NULL,"
		               " deadline = NULL");
	if (tr->deadline.unit) {
		if (tr->deadline.unit == 'm')
			date_plus_months(now, tr->deadline.n, date);
		else
			case_date(now + (int64_t)tr->deadline.n * 86400, date);
		buf_puts(&sql, ", deadline = ?");
		p_text(&p, date);
	}
	if (tr->effects & FX_EXTEND) {
		date_plus_months(k.assigned_at ? k.assigned_at : now, EXTEND_MONTHS, date);
		buf_puts(&sql, ", deadline = ?, extended = 1");
		p_text(&p, date);
	}
	if (tr->effects & FX_REPLY) {
		buf_puts(&sql, ", answer = ?, result_class = COALESCE(?, result_class)");
		p_text(&p, jstr(body, "answer"));
		p_text(&p, jstr(body, "result_class"));
	}
	if (tr->effects & FX_ANSWER) {
		buf_puts(&sql, ", answered_date = COALESCE(answered_date, ?), answered_at "
		               "= COALESCE(answered_at, ?)");
		p_text(&p, today);
		p_int(&p, now);
	}
	if (tr->effects & FX_CLOSE) {
		buf_puts(&sql, ", closed_at = ?");
		p_int(&p, now);
	}
	if (tr->effects & FX_RATE) {
		buf_puts(&sql, ", rating = ?");
		p_text(&p, jstr(body, "rating"));
	}
	if (tr->effects & FX_REOPEN)
		buf_puts(&sql, ", round = round + 1");
	if (tr->effects & FX_REJECT) {
		buf_puts(&sql, ", reason = ?");
		p_text(&p, jstr(body, "reason"));
	}
	if (tr->effects & FX_MERGE) {
		buf_puts(&sql, ", merged_into = ?");
		p_int(&p, jint(body, "merge_into"));
	}
	buf_puts(&sql, " WHERE id = ? AND version = ? AND state = ?");
	p_int(&p, id);
	p_int(&p, k.version);
	p_text(&p, k.state);
	store_stmt *st;
	rc = store_prepare(c->db, sql.data, &st);
	buf_free(&sql);
	if (!rc) {
		p_bind(st, &p);
		rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
		store_finalize(st);
	}
	p_free(&p);
	if (!rc && store_changes(c->db) != 1)
		rc = dctx_stale(c);

	/* The timeline entry, the parties, the attachments, the notices. */
	json_t *detail = json_object();
	static const char *const keep[] = {"reason",       "mode",   "lead_unit_id", "co_unit_ids",
	                                   "result_class", "rating", "merge_into",   "answer"};
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
		if (json_object_get(body, keep[i]))
			json_object_set(detail, keep[i], json_object_get(body, keep[i]));
	if (tr->deadline.unit || (tr->effects & FX_EXTEND))
		json_object_set_new(detail, "deadline", json_string(date));
	if (!rc)
		rc = party_effects(c, &k, tr, body, now, detail);
	int64_t event = 0;
	json_t *files = json_object_get(body, "file_ids");
	if (!rc)
		rc = add_event(c, id, action, k.state, to, jstr(body, "comment"), detail, files, &event);
	size_t i;
	json_t *v;
	json_array_foreach (files, i, v) {
		if (!rc)
			rc = exec1(c, "UPDATE case_file SET event_id = ? WHERE id = ?", event, json_integer_value(v));
	}
	if (!rc) {
		/* Tell the people concerned, as the case stands after the change. */
		kase after;
		if (!(rc = kase_load(c, id, &after)) || rc == TX_ENOTFOUND) {
			/* The actor may no longer see the case (a unit's return approved): tell from before. */
			kase *kk = rc ? &k : &after;
			rc = TX_OK;
			c->err_code = NULL;
			c->err_msg[0] = 0;
			char what[128];
			const flow_state *fs = flow_state_find(t, to);
			snprintf(what, sizeof what, "%s（%s）", tr->name_zh, fs ? fs->name_zh : to);
			rc = tell(c, kk, tr->notify, action, what, jstr(body, "comment"));
			if (kk == &after)
				kase_free(&after);
		}
	}
	if (rc) {
		json_decref(detail);
		kase_free(&k);
		return rc;
	}
	snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
	snprintf(c->audit_action, sizeof c->audit_action, "case.%s", action);
	json_object_set_new(detail, "no", json_string(k.no));
	json_object_set_new(detail, "from", json_string(k.state));
	json_object_set_new(detail, "to", json_string(to));
	json_object_del(detail, "answer");
	c->audit_detail = detail;
	int64_t version = k.version + 1;
	char state[32];
	snprintf(state, sizeof state, "%s", to);
	kase_free(&k);
	if (!out)
		return TX_OK;
	rc = case_get(c, id, out);
	if (rc == TX_ENOTFOUND) {
		/* Done, but no longer the actor's to see: say only what became of it. */
		c->err_code = NULL;
		c->err_msg[0] = 0;
		*out = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)id, "state", state, "version",
		                 (json_int_t)version);
		rc = TX_OK;
	}
	return rc;
}

/* ---- attachments ---- */

tx_err case_file_add(dctx *c, int64_t id, const char *name, const void *data, size_t len, json_t **out)
{
	kase k;
	tx_err rc = kase_load_for(c, id, &k, 1);
	if (rc)
		return rc;
	unsigned roles = kase_roles(c->a, &k);
	int terminal = flow_state_terminal(k.ft, k.state);
	kase_free(&k);
	if (!roles)
		return dctx_fail(c, TX_EFORBIDDEN, "case.forbidden", "您不能为此案件上传附件",
		                 "you may not add attachments to this case");
	if (terminal)
		return dctx_fail(c, TX_ECONFLICT, "case.state", "案件已办结，不能再上传附件",
		                 "the case is closed; no more attachments");
	if (len > CASE_FILE_MAX)
		return dctx_fail(c, TX_ETOOBIG, "request.too_large", "附件不能超过 10 MB",
		                 "an attachment must not exceed 10 MB");
	const char *mime = filetype_sniff(data, len);
	if (!mime)
		return dctx_fail(c, TX_EMEDIA, "request.media_type", "只能上传图片（JPEG、PNG）、PDF 或 Office 文档",
		                 "only JPEG or PNG images, PDF and Office documents can be attached");
	int64_t count = 0;
	store_stmt *st;
	if ((rc = store_prepare(c->db, "SELECT COUNT(*) FROM case_file WHERE case_id = ?", &st)))
		return rc;
	store_bind_int(st, 1, id);
	if (store_step(st) == STORE_ROW)
		count = store_col_int(st, 0);
	store_finalize(st);
	if (count >= CASE_FILES_PER_CASE)
		return dctx_fail(c, TX_ECONFLICT, "case.files", "此案件的附件已达上限",
		                 "this case has as many attachments as it may");
	char *clean = filetype_clean_name(name, mime);
	unsigned char hash[32];
	char hex[65];
	crypto_hash_sha256(hash, data, len);
	util_hex(hash, sizeof hash, hex);
	/* Sealed like every piece of personal data (bytes, no text encoding). */
	unsigned char *sealed;
	size_t sealed_len;
	crypto_seal_bytes(c->k, "case.file", data, len, &sealed, &sealed_len);
	int64_t fid = 0;
	if (!(rc = store_prepare(c->db,
	                         "INSERT INTO case_file (case_id, name, mime, size, "
	                         "sha256, data, created_by, created_at)"
	                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                         &st))) {
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, clean);
		store_bind_text(st, 3, mime);
		store_bind_int(st, 4, (int64_t)len);
		store_bind_text(st, 5, hex);
		store_bind_blob(st, 6, sealed, sealed_len);
		store_bind_int(st, 7, c->a->user_id);
		store_bind_int(st, 8, dctx_now(c));
		int s = store_step(st);
		if (s == STORE_ROW)
			fid = store_col_int(st, 0);
		else
			rc = TX_EDB;
		store_finalize(st);
	}
	free(sealed);
	if (!rc) {
		snprintf(c->audit_id, sizeof c->audit_id, "%" PRId64, id);
		snprintf(c->audit_action, sizeof c->audit_action, "case.file");
		c->audit_detail = json_pack("{s:I, s:s, s:s, s:I, s:s}", "file_id", (json_int_t)fid, "name", clean,
		                            "mime", mime, "bytes", (json_int_t)len, "sha256", hex);
		*out = json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)fid, "name", clean, "mime", mime,
		                 "size", (json_int_t)len, "sha256", hex);
	}
	free(clean);
	return rc;
}

tx_err case_file_get(dctx *c, int64_t id, int64_t fid, char **data, size_t *len, const char **mime, char **name)
{
	kase k;
	tx_err rc = kase_load(c, id, &k);
	if (rc)
		return rc;
	kase_free(&k);
	store_stmt *st;
	if ((rc = store_prepare(c->db,
	                        "SELECT name, mime, data FROM case_file WHERE id = ? "
	                        "AND case_id = ?",
	                        &st)))
		return rc;
	store_bind_int(st, 1, fid);
	store_bind_int(st, 2, id);
	int s = store_step(st);
	unsigned char *plain = NULL;
	size_t plain_len = 0;
	int opened = -1;
	if (s == STORE_ROW) {
		size_t n;
		const void *blob = store_col_blob(st, 2, &n);
		opened = crypto_open_bytes(c->k, "case.file", blob, n, &plain, &plain_len);
		*name = xstrdup(store_col_text(st, 0));
		*mime = filetype_canonical(store_col_text(st, 1));
	}
	store_finalize(st);
	if (s != STORE_ROW)
		return s == STORE_DONE ? dctx_fail(c, TX_ENOTFOUND, "not_found", "附件不存在", "no such attachment")
		                       : TX_EDB;
	if (opened) {
		free(*name);
		*name = NULL;
		return TX_EINTERNAL;
	}
	*data = (char *)plain;
	*len = plain_len;
	return TX_OK;
}
