/*
 * case_views.c — the ways of looking at many cases at once: the filtered
 * list, the figures and the ranking of handling units (each figure one
 * predicate, used both to count and to list, so a figure always opens as
 * exactly the cases it counts), the inbox, similar titles and the people a
 * case can be addressed to. See docs/cases.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "domain/case_core.h"
#include "domain/unit.h"

/* ---- lists and figures ---- */

/* Every figure of docs/cases.md as a predicate over alias c; `today` marks one '?' bound to today's date. */
static const struct figure {
	const char *name;
	const char *sql;
	int today;
} figures[] = {
        {"received", "c.submitted_at IS NOT NULL", 0},
        {"registered", "c.registered_at IS NOT NULL", 0},
        {"not_registered", "c.state = 'not_registered'", 0},
        {"answered", "c.answered_at IS NOT NULL", 0},
        {"on_time",
         "c.answered_at IS NOT NULL AND (c.deadline IS NULL OR c.answered_date <= "
         "c.deadline)",
         0},
        {"overdue",
         "c.answered_at IS NULL AND c.deadline IS NOT NULL AND c.deadline < ? AND "
         "c.state NOT IN " FLOW_TERMINAL_SQL,
         1},
        {"result_a", "c.answered_at IS NOT NULL AND c.result_class = 'A'", 0},
        {"result_b", "c.answered_at IS NOT NULL AND c.result_class = 'B'", 0},
        {"result_c", "c.answered_at IS NOT NULL AND c.result_class = 'C'", 0},
        {"rated", "c.rating IS NOT NULL", 0},
        {"satisfied", "c.rating = 'satisfied'", 0},
        {"basic", "c.rating = 'basic'", 0},
        {"unsatisfied", "c.rating = 'unsatisfied'", 0},
        {"satisfied_or_basic", "c.rating IN ('satisfied', 'basic')", 0},
};
#define NFIG (sizeof figures / sizeof figures[0])
enum {
	F_RECEIVED,
	F_REGISTERED,
	F_NOTREG,
	F_ANSWERED,
	F_ONTIME,
	F_OVERDUE,
	F_A,
	F_B,
	F_C,
	F_RATED,
	F_SAT,
	F_BASIC,
	F_UNSAT
};

static const struct figure *figure_find(const char *name)
{
	for (size_t i = 0; name && i < NFIG; i++)
		if (strcmp(figures[i].name, name) == 0)
			return &figures[i];
	return NULL;
}

static tx_err bad_param(dctx *c, const char *name)
{
	static const msg2 m = {"参数无效", "invalid parameter"};
	dctx_field(c, name, &m);
	return dctx_fail(c, TX_EINVAL, "validation.failed", "查询参数有误", "invalid query parameters");
}

/* WHERE conditions of a query (after "WHERE "): live, visible, and its filters.
 */
static tx_err sql_filters(dctx *c, const case_query *q, buf *s, sql_params *p)
{
	buf_puts(s, "c.deleted = 0 AND ");
	case_sql_visible(s, p, c->a);
	if (q->type) {
		if (!flow_type_find(q->type))
			return bad_param(c, "type");
		buf_puts(s, " AND c.type = ?");
		p_text(p, q->type);
	}
	if (q->state) {
		buf_puts(s, " AND c.state = ?");
		p_text(p, q->state);
	}
	if (q->unit) {
		char path[256], hi[256];
		if (unit_in_scope(c, q->unit, path, sizeof path))
			return TX_ENOTFOUND;
		path_range(path, hi, sizeof hi);
		buf_puts(s, " AND c.unit_path >= ? AND c.unit_path < ?");
		p_text(p, path);
		p_text(p, hi);
	}
	if (q->lead_unit) {
		buf_puts(s, " AND c.lead_unit_id = ?");
		p_int(p, q->lead_unit);
	}
	if (q->from) {
		int64_t t = case_date_start(q->from);
		if (t < 0)
			return bad_param(c, "from");
		buf_puts(s, " AND c.submitted_at >= ?");
		p_int(p, t);
	}
	if (q->to) {
		int64_t t = case_date_start(q->to);
		if (t < 0)
			return bad_param(c, "to");
		buf_puts(s, " AND c.submitted_at < ?");
		p_int(p, t + 86400);
	}
	if (q->q && *q->q) {
		char *like = sql_like_contains(q->q);
		buf_puts(s, " AND (c.no LIKE ? ESCAPE '\\' OR c.title LIKE ? ESCAPE '\\' "
		            "OR c.content LIKE ? ESCAPE '\\')");
		for (int i = 0; i < 3; i++)
			p_text(p, like);
		free(like);
	}
	if (q->mine) {
		buf_puts(s, " AND (c.submitter_id = ? OR EXISTS (SELECT 1 FROM case_party "
		            "mp WHERE mp.case_id = c.id AND"
		            " mp.user_id = ? AND mp.role IN ('submitter', 'signer')))");
		p_int(p, c->a->user_id);
		p_int(p, c->a->user_id);
	}
	if (q->figure) {
		const struct figure *f = figure_find(q->figure);
		if (!f)
			return bad_param(c, "figure");
		buf_printf(s, " AND (%s)", f->sql);
		if (f->today) {
			char today[11];
			case_date(dctx_now(c), today);
			p_text(p, today);
		}
	}
	return TX_OK;
}

/* The rows of a SELECT of CASE_COLS, as JSON (*rows: a new array). */
static tx_err fetch_rows(dctx *c, const char *sql, const sql_params *p, json_t **rows)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db, sql, &st);
	if (rc)
		return rc;
	p_bind(st, p);
	*rows = json_array();
	int s;
	while ((s = store_step(st)) == STORE_ROW)
		json_array_append_new(*rows, kase_row_json(st));
	store_finalize(st);
	if (s != STORE_DONE) {
		json_decref(*rows);
		*rows = NULL;
		return TX_EDB;
	}
	return TX_OK;
}

/* Run a SELECT of CASE_COLS and turn each row into the API's case (with parties). */
static tx_err select_cases(dctx *c, const char *sql, const sql_params *p, int limit, json_t *items, int *more)
{
	json_t *rows;
	tx_err rc = fetch_rows(c, sql, p, &rows);
	if (rc)
		return rc;
	*more = 0;
	size_t i;
	json_t *row;
	json_array_foreach (rows, i, row) {
		if (limit && (int)i >= limit) {
			*more = 1;
			break;
		}
		kase k;
		memset(&k, 0, sizeof k);
		kase_from_json(&k, json_incref(row));
		if (!k.ft) {
			kase_free(&k);
			continue;
		}
		json_array_append_new(items, kase_out(c, &k, 1));
		kase_free(&k);
	}
	json_decref(rows);
	return TX_OK;
}

tx_err case_list(dctx *c, const case_query *q, json_t **items, int64_t *next)
{
	buf sql = BUF_INIT;
	sql_params p = {0};
	buf_puts(&sql, "SELECT " CASE_COLS CASE_FROM " WHERE ");
	tx_err rc = sql_filters(c, q, &sql, &p);
	if (!rc) {
		if (q->after > 0) {
			buf_puts(&sql, " AND c.id < ?");
			p_int(&p, q->after);
		}
		buf_printf(&sql, " ORDER BY c.id DESC LIMIT %d", q->limit + 1);
		*items = json_array();
		int more = 0;
		rc = select_cases(c, sql.data, &p, q->limit, *items, &more);
		size_t n = json_array_size(*items);
		*next = more && n ? jint(json_array_get(*items, n - 1), "id") : 0;
		if (rc) {
			json_decref(*items);
			*items = NULL;
		}
	}
	buf_free(&sql);
	p_free(&p);
	if (rc == TX_ENOTFOUND && !c->err_code)
		return case_not_found(c);
	return rc;
}

static json_t *rate(int64_t num, int64_t den)
{
	if (den <= 0)
		return json_null();
	return json_real((double)(int64_t)((double)num * 10000.0 / (double)den + 0.5) / 10000.0);
}

static double rate_or_zero(json_t *r)
{
	return json_is_real(r) ? json_real_value(r) : 0.0;
}

/* One row of figure sums (columns 0..NFIG-1) into an object; adds the rates. */
static json_t *figures_row(store_stmt *st)
{
	json_t *o = json_object();
	int64_t v[NFIG];
	for (size_t i = 0; i < NFIG; i++) {
		v[i] = store_col_is_null(st, (int)i) ? 0 : store_col_int(st, (int)i);
		json_object_set_new(o, figures[i].name, json_integer(v[i]));
	}
	json_object_set_new(o, "registration_rate", rate(v[F_REGISTERED], v[F_RECEIVED]));
	json_object_set_new(o, "answer_rate", rate(v[F_ANSWERED], v[F_REGISTERED]));
	json_object_set_new(o, "on_time_rate", rate(v[F_ONTIME], v[F_ANSWERED]));
	json_object_set_new(o, "satisfaction_rate", rate(v[F_SAT] + v[F_BASIC], v[F_RATED]));
	return o;
}

static void select_figures(buf *s, sql_params *p, dctx *c)
{
	char today[11];
	case_date(dctx_now(c), today);
	buf_puts(s, "SELECT ");
	for (size_t i = 0; i < NFIG; i++) {
		buf_printf(s, "%sSUM(CASE WHEN %s THEN 1 ELSE 0 END)", i ? ", " : "", figures[i].sql);
		if (figures[i].today)
			p_text(p, today);
	}
}

static int by_score(const void *a, const void *b)
{
	double x = json_real_value(json_object_get(*(json_t *const *)a, "score"));
	double y = json_real_value(json_object_get(*(json_t *const *)b, "score"));
	if (x != y)
		return x < y ? 1 : -1;
	return (int)(jint(*(json_t *const *)a, "unit_id") - jint(*(json_t *const *)b, "unit_id"));
}

tx_err case_figures(dctx *c, const case_query *q, json_t **out)
{
	case_query fq = *q;
	fq.figure = NULL;
	fq.lead_unit = 0;
	/* The totals. */
	buf sql = BUF_INIT;
	sql_params p = {0};
	select_figures(&sql, &p, c);
	buf_puts(&sql, " FROM cases c WHERE ");
	tx_err rc = sql_filters(c, &fq, &sql, &p);
	json_t *totals = NULL, *units = json_array();
	store_stmt *st;
	if (!rc && !(rc = store_prepare(c->db, sql.data, &st))) {
		p_bind(st, &p);
		if (store_step(st) == STORE_ROW)
			totals = figures_row(st);
		else
			rc = TX_EDB;
		store_finalize(st);
	}
	buf_free(&sql);
	p_free(&p);
	/* The handling units, ranked. */
	if (!rc) {
		select_figures(&sql, &p, c);
		buf_puts(&sql, ", c.lead_unit_id, lu.name, COUNT(*) FROM cases c JOIN unit "
		               "lu ON lu.id = c.lead_unit_id WHERE ");
		rc = sql_filters(c, &fq, &sql, &p);
		buf_puts(&sql, " AND c.lead_unit_id IS NOT NULL GROUP BY c.lead_unit_id, lu.name");
		if (!rc && !(rc = store_prepare(c->db, sql.data, &st))) {
			p_bind(st, &p);
			while (store_step(st) == STORE_ROW) {
				json_t *o = figures_row(st);
				int64_t assigned = store_col_int(st, NFIG + 2);
				json_object_set_new(o, "unit_id", json_integer(store_col_int(st, NFIG)));
				json_object_set_new(o, "unit_name", json_string(store_col_text(st, NFIG + 1)));
				json_object_set_new(o, "assigned", json_integer(assigned));
				json_object_set_new(o, "answer_rate", rate(jint(o, "answered"), assigned));
				double score = 40.0 * rate_or_zero(json_object_get(o, "answer_rate")) +
				               30.0 * rate_or_zero(json_object_get(o, "on_time_rate")) +
				               30.0 * rate_or_zero(json_object_get(o, "satisfaction_rate"));
				json_object_set_new(o, "score",
				                    json_real((double)(int64_t)(score * 10.0 + 0.5) / 10.0));
				json_array_append_new(units, o);
			}
			store_finalize(st);
		}
		buf_free(&sql);
		p_free(&p);
	}
	if (rc) {
		json_decref(totals);
		json_decref(units);
		return rc == TX_ENOTFOUND && !c->err_code ? case_not_found(c) : rc;
	}
	size_t n = json_array_size(units);
	json_t **v = xmalloc(sizeof(json_t *) * (n ? n : 1));
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(units, i));
	qsort(v, n, sizeof *v, by_score);
	json_t *ranked = json_array();
	for (size_t i = 0; i < n; i++) {
		json_object_set_new(v[i], "rank", json_integer((json_int_t)i + 1));
		json_array_append_new(ranked, v[i]);
	}
	free(v);
	json_decref(units);
	*out = json_pack("{s:o, s:o}", "figures", totals, "units", ranked);
	return TX_OK;
}

/* ---- inbox ---- */

tx_err case_inbox(dctx *c, json_t **out)
{
	enum { CAP = 100, SCAN = 3000 };
	buf sql = BUF_INIT;
	sql_params p = {0};
	buf_puts(&sql,
	         "SELECT " CASE_COLS CASE_FROM " WHERE c.deleted = 0 AND c.state NOT IN " FLOW_TERMINAL_SQL " AND ");
	case_sql_visible(&sql, &p, c->a);
	buf_printf(&sql,
	           " ORDER BY CASE WHEN c.deadline IS NULL THEN 1 ELSE 0 END, "
	           "c.deadline, c.id LIMIT %d",
	           SCAN);
	json_t *rows;
	tx_err rc = fetch_rows(c, sql.data, &p, &rows);
	buf_free(&sql);
	p_free(&p);
	if (rc)
		return rc;
	char today[11], week[11];
	int64_t now = dctx_now(c);
	case_date(now, today);
	case_date(now + 7 * 86400, week);
	json_t *waiting = json_array(), *overdue = json_array(), *due = json_array();
	int64_t nw = 0, no = 0, nd = 0;
	size_t i;
	json_t *row;
	json_array_foreach (rows, i, row) {
		kase k;
		memset(&k, 0, sizeof k);
		kase_from_json(&k, json_incref(row));
		if (!k.ft || kase_load_parties(c, &k)) {
			kase_free(&k);
			continue;
		}
		unsigned roles = kase_roles(c->a, &k);
		int waits = 0;
		for (size_t t = 0; t < k.ft->ntrs && !waits; t++) {
			const flow_transition *tr = &k.ft->trs[t];
			waits = !tr->quiet && (tr->who & roles) && flow_state_in(tr->from, k.state);
		}
		int concerned = waits || (roles & (CR_OFFICE | CR_LEAD | CR_CO | CR_LEADER));
		int late = concerned && kase_overdue(&k, today);
		int soon = concerned && !late && !k.answered_at && k.deadline && strcmp(k.deadline, today) >= 0 &&
		           strcmp(k.deadline, week) <= 0;
		json_t *o = (waits || late || soon) ? kase_out(c, &k, 0) : NULL;
		if (waits && nw++ < CAP)
			json_array_append(waiting, o);
		if (late && no++ < CAP)
			json_array_append(overdue, o);
		if (soon && nd++ < CAP)
			json_array_append(due, o);
		json_decref(o);
		kase_free(&k);
	}
	json_decref(rows);
	*out = json_pack("{s:o, s:o, s:o, s:{s:I, s:I, s:I}}", "waiting", waiting, "overdue", overdue, "due_week", due,
	                 "counts", "waiting", (json_int_t)nw, "overdue", (json_int_t)no, "due_week", (json_int_t)nd);
	return TX_OK;
}

/* ---- similar titles ---- */

/* The character bigrams of a text (letters and digits, case-folded ASCII), sorted and unique. */
static size_t bigrams(const char *s, uint64_t *out, size_t max)
{
	uint32_t cps[512];
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n < 512;) {
		uint32_t cp;
		size_t len;
		if (*p < 0x80) {
			cp = *p;
			len = 1;
		} else if ((*p & 0xE0) == 0xC0 && p[1]) {
			cp = ((uint32_t)(*p & 0x1F) << 6) | (p[1] & 0x3F);
			len = 2;
		} else if ((*p & 0xF0) == 0xE0 && p[1] && p[2]) {
			cp = ((uint32_t)(*p & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
			len = 3;
		} else if ((*p & 0xF8) == 0xF0 && p[1] && p[2] && p[3]) {
			cp = ((uint32_t)(*p & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
			     ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
			len = 4;
		} else {
			p++;
			continue;
		}
		p += len;
		int ascii_word = cp < 0x80 && ((cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z'));
		int cjk = cp >= 0x3400; /* CJK and beyond; punctuation of the 0x3000 block is skipped */
		if (!ascii_word && !cjk)
			continue;
		cps[n++] = cp < 0x80 ? (cp | 0x20) : cp;
	}
	size_t m = 0;
	for (size_t i = 0; i + 1 < n && m < max; i++)
		out[m++] = ((uint64_t)cps[i] << 21) | cps[i + 1];
	/* sort and unique (small arrays) */
	for (size_t i = 1; i < m; i++)
		for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
			uint64_t t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	size_t u = 0;
	for (size_t i = 0; i < m; i++)
		if (!u || out[u - 1] != out[i])
			out[u++] = out[i];
	return u;
}

static double dice(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	if (!na || !nb)
		return 0;
	size_t i = 0, j = 0, common = 0;
	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			common++;
			i++;
			j++;
		} else if (a[i] < b[j]) {
			i++;
		} else {
			j++;
		}
	}
	return 2.0 * (double)common / (double)(na + nb);
}

static int by_similarity(const void *a, const void *b)
{
	double x = json_real_value(json_object_get(*(json_t *const *)a, "score"));
	double y = json_real_value(json_object_get(*(json_t *const *)b, "score"));
	return x < y ? 1 : x > y ? -1 : 0;
}

tx_err case_similar(dctx *c, const char *type, const char *q, json_t **out)
{
	enum { SCAN = 5000, TOP = 5 };
	uint64_t qa[512], ta[512];
	size_t nq = bigrams(q ? q : "", qa, 512);
	json_t *hits = json_array();
	if (nq > 0) {
		if (type && !flow_type_find(type)) {
			json_decref(hits);
			return bad_param(c, "type");
		}
		buf sql = BUF_INIT;
		sql_params p = {0};
		char hi[256];
		path_range(c->a->unit_path, hi, sizeof hi);
		buf_puts(&sql, "SELECT c.id, c.no, c.title, c.state, c.type, CASE WHEN ");
		case_sql_visible(&sql, &p, c->a);
		buf_puts(&sql, " THEN 1 ELSE 0 END FROM cases c WHERE c.deleted = 0 AND "
		               "c.registered_at IS NOT NULL"
		               " AND c.state <> 'merged' AND (? = '' OR c.type = ?) AND "
		               "(c.unit_path >= ? AND c.unit_path < ? OR ");
		p_text(&p, type ? type : "");
		p_text(&p, type ? type : "");
		p_text(&p, c->a->unit_path);
		p_text(&p, hi);
		case_sql_visible(&sql, &p, c->a);
		buf_printf(&sql, ") ORDER BY c.id DESC LIMIT %d", SCAN);
		store_stmt *st;
		tx_err rc = store_prepare(c->db, sql.data, &st);
		buf_free(&sql);
		if (rc) {
			p_free(&p);
			json_decref(hits);
			return rc;
		}
		p_bind(st, &p);
		p_free(&p);
		while (store_step(st) == STORE_ROW) {
			size_t nt = bigrams(store_col_text(st, 2), ta, 512);
			double score = dice(qa, nq, ta, nt);
			if (score < 0.2)
				continue;
			json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:f}", "no", store_col_text(st, 1), "title",
			                      store_col_text(st, 2), "state", store_col_text(st, 3), "type",
			                      store_col_text(st, 4), "score", (double)(int)(score * 100 + 0.5) / 100.0);
			if (store_col_int(st, 5))
				json_object_set_new(o, "id", json_integer(store_col_int(st, 0)));
			json_array_append_new(hits, o);
		}
		store_finalize(st);
	}
	size_t n = json_array_size(hits);
	json_t **v = xmalloc(sizeof(json_t *) * (n ? n : 1));
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(hits, i));
	qsort(v, n, sizeof *v, by_similarity);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		if (i < TOP)
			json_array_append(items, v[i]);
		json_decref(v[i]);
	}
	free(v);
	json_decref(hits);
	*out = json_pack("{s:o}", "items", items);
	return TX_OK;
}

/* ---- whom a case can be addressed to ---- */

tx_err case_addressees(dctx *c, const char *kind, const char *q, json_t **out)
{
	const char *sql;
	if (kind && strcmp(kind, "leader") == 0)
		sql = "SELECT DISTINCT u.id, u.name, un.name FROM app_user u JOIN unit un "
		      "ON un.id = u.unit_id"
		      " JOIN user_role ur ON ur.user_id = u.id WHERE u.active = 1 AND "
		      "ur.role_code = 'leader'"
		      " AND u.id <> ? AND (? = '' OR u.name LIKE ? ESCAPE '\\') ORDER BY "
		      "u.id LIMIT 50";
	else if (kind && strcmp(kind, "signer") == 0)
		sql = "SELECT DISTINCT u.id, u.name, un.name FROM app_user u JOIN unit un "
		      "ON un.id = u.unit_id"
		      " JOIN user_role ur ON ur.user_id = u.id JOIN role_permission rp ON "
		      "rp.role_code = ur.role_code"
		      " WHERE u.active = 1 AND rp.permission = 'case:submit' AND u.id <> ? "
		      "AND (? = '' OR u.name LIKE ? ESCAPE '\\')"
		      " ORDER BY u.id LIMIT 50";
	else
		return bad_param(c, "kind");
	store_stmt *st;
	tx_err rc = store_prepare(c->db, sql, &st);
	if (rc)
		return rc;
	char *like = sql_like_contains(q);
	store_bind_int(st, 1, c->a->user_id);
	store_bind_text(st, 2, q ? q : "");
	store_bind_text(st, 3, like);
	json_t *items = json_array();
	while (store_step(st) == STORE_ROW)
		json_array_append_new(items,
		                      json_pack("{s:I, s:s, s:s}", "id", (json_int_t)store_col_int(st, 0), "name",
		                                store_col_text(st, 1), "unit_name", store_col_text(st, 2)));
	store_finalize(st);
	free(like);
	*out = json_pack("{s:o}", "items", items);
	return TX_OK;
}
