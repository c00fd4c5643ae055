/*
 * grid.c — the grid report (see grid.h).
 *
 * A post is active when it is not deleted, has started (or has no start
 * date) and has not ended (no end date, or one today or later). Towns are
 * the units of kind town, street or zone; villages those of kind village
 * or community; each village belongs to the nearest town above it.
 */
#include "domain/grid.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/crypto.h"
#include "base/mem.h"
#include "base/util.h"
#include "domain/unit.h"

#define ACTIVE_POST                                                                                                  \
	" g.deleted = 0 AND (g.start_date IS NULL OR g.start_date <= ?) AND (g.end_date IS NULL OR g.end_date >= ?)"

static void today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

struct town {
	int64_t id;
	char path[256];
	json_t *obj;
};

/* Units of the subtree without an active post of `kind`, of the given unit kinds. */
static tx_err lacking(dctx *c, const char *lo, const char *hi, const scope_range *r, const char *k1, const char *k2,
                      const char *post, const char *day, store_stmt **out)
{
	tx_err rc = store_prepare(c->db,
	                          "SELECT u.id, u.name, u.path FROM unit u WHERE u.active = 1 AND (u.kind = ? OR u.kind = ?)"
	                          " AND u.path >= ? AND u.path < ? AND u.path >= ? AND u.path < ? AND (? = 0 OR u.id = ?)"
	                          " AND NOT EXISTS (SELECT 1 FROM grid_post g WHERE g.unit_id = u.id AND g.kind = ? AND" ACTIVE_POST
	                          ") ORDER BY u.path",
	                          out);
	if (rc)
		return rc;
	store_bind_text(*out, 1, k1);
	store_bind_text(*out, 2, k2);
	store_bind_text(*out, 3, lo);
	store_bind_text(*out, 4, hi);
	scope_bind(*out, 5, r, 0);
	store_bind_text(*out, 9, post);
	store_bind_text(*out, 10, day);
	store_bind_text(*out, 11, day);
	return TX_OK;
}

static tx_err count_kind(dctx *c, const char *lo, const char *hi, const scope_range *r, const char *k1,
                         const char *k2, int64_t *n)
{
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "SELECT COUNT(*) FROM unit u WHERE u.active = 1 AND (u.kind = ? OR u.kind = ?)"
	                          " AND u.path >= ? AND u.path < ? AND u.path >= ? AND u.path < ? AND (? = 0 OR u.id = ?)",
	                          &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, k1);
	store_bind_text(st, 2, k2);
	store_bind_text(st, 3, lo);
	store_bind_text(st, 4, hi);
	scope_bind(st, 5, r, 0);
	*n = store_step(st) == STORE_ROW ? store_col_int(st, 0) : 0;
	store_finalize(st);
	return TX_OK;
}

/* The town a path lies under, or NULL. */
static struct town *town_of(struct town *towns, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (util_starts_with(path, towns[i].path))
			return &towns[i];
	return NULL;
}

tx_err grid_report(dctx *c, int64_t unit, json_t **out)
{
	scope_range r;
	scope_range_of(c->a, &r);
	char lo[256], hi[256], day[11];
	today(day);
	tx_err rc;
	if (!unit)
		unit = c->a->unit_id;
	if ((rc = unit_in_scope(c, unit, lo, sizeof lo)))
		return rc;
	path_range(lo, hi, sizeof hi);

	/* Towns of the subtree (a town itself asked for counts as one). */
	store_stmt *st;
	if ((rc = store_prepare(c->db,
	                        "SELECT u.id, u.name, u.kind, u.path, u.quota, u.actual_staff FROM unit u WHERE u.active = 1"
	                        " AND u.kind IN ('town', 'street', 'zone') AND u.path >= ? AND u.path < ?"
	                        " AND u.path >= ? AND u.path < ? AND (? = 0 OR u.id = ?) ORDER BY u.sort, u.id",
	                        &st)))
		return rc;
	store_bind_text(st, 1, lo);
	store_bind_text(st, 2, hi);
	scope_bind(st, 3, &r, 0);
	struct town *towns = NULL;
	size_t ntowns = 0;
	json_t *jtowns = json_array();
	while (store_step(st) == STORE_ROW) {
		towns = xrealloc(towns, sizeof *towns * (ntowns + 1));
		struct town *t = &towns[ntowns++];
		t->id = store_col_int(st, 0);
		snprintf(t->path, sizeof t->path, "%s", store_col_text(st, 3));
		t->obj = json_pack("{s:I, s:s, s:s, s:i, s:[], s:[], s:[]}", "id", (json_int_t)t->id, "name",
		                   store_col_text(st, 1), "kind", store_col_text(st, 2), "villages", 0,
		                   "villages_without_liaison", "clerks", "leaders");
		json_object_set_new(t->obj, "quota", store_col_is_null(st, 4) ? json_null() : json_integer(store_col_int(st, 4)));
		json_object_set_new(t->obj, "actual_staff",
		                    store_col_is_null(st, 5) ? json_null() : json_integer(store_col_int(st, 5)));
		json_array_append(jtowns, t->obj);
	}
	store_finalize(st);

	/* Village counts per town. */
	if ((rc = store_prepare(c->db,
	                        "SELECT u.path FROM unit u WHERE u.active = 1 AND u.kind IN ('village', 'community')"
	                        " AND u.path >= ? AND u.path < ? AND u.path >= ? AND u.path < ? AND (? = 0 OR u.id = ?)",
	                        &st)))
		goto out;
	store_bind_text(st, 1, lo);
	store_bind_text(st, 2, hi);
	scope_bind(st, 3, &r, 0);
	int64_t villages = 0;
	while (store_step(st) == STORE_ROW) {
		villages++;
		struct town *t = town_of(towns, ntowns, store_col_text(st, 0));
		if (t)
			json_object_set_new(t->obj, "villages",
			                    json_integer(json_integer_value(json_object_get(t->obj, "villages")) + 1));
	}
	store_finalize(st);

	/* Villages without a liaison. */
	int64_t lacking_villages = 0;
	if ((rc = lacking(c, lo, hi, &r, "village", "community", "liaison", day, &st)))
		goto out;
	while (store_step(st) == STORE_ROW) {
		lacking_villages++;
		struct town *t = town_of(towns, ntowns, store_col_text(st, 2));
		if (t)
			json_array_append_new(json_object_get(t->obj, "villages_without_liaison"),
			                      json_pack("{s:I, s:s}", "id", (json_int_t)store_col_int(st, 0), "name",
			                                store_col_text(st, 1)));
	}
	store_finalize(st);

	/* Departments without a leader in charge. */
	json_t *depts = json_array();
	if ((rc = lacking(c, lo, hi, &r, "department", "department", "leader_in_charge", day, &st))) {
		json_decref(depts);
		goto out;
	}
	while (store_step(st) == STORE_ROW)
		json_array_append_new(depts, json_pack("{s:I, s:s}", "id", (json_int_t)store_col_int(st, 0), "name",
		                                       store_col_text(st, 1)));
	store_finalize(st);
	int64_t ndepts = 0;
	count_kind(c, lo, hi, &r, "department", "department", &ndepts);

	/* Clerks and leaders in charge of each town. */
	if ((rc = store_prepare(c->db,
	                        "SELECT g.id, g.unit_id, g.kind, g.holder_name, g.phone FROM grid_post g"
	                        " WHERE g.kind IN ('clerk', 'leader_in_charge') AND g.unit_path >= ? AND g.unit_path < ?"
	                        " AND" ACTIVE_POST " ORDER BY g.id",
	                        &st))) {
		json_decref(depts);
		goto out;
	}
	store_bind_text(st, 1, lo);
	store_bind_text(st, 2, hi);
	store_bind_text(st, 3, day);
	store_bind_text(st, 4, day);
	while (store_step(st) == STORE_ROW) {
		int64_t uid = store_col_int(st, 1);
		for (size_t i = 0; i < ntowns; i++) {
			if (towns[i].id != uid)
				continue;
			char *phone = NULL, *masked = NULL;
			if (!store_col_is_null(st, 4) &&
			    crypto_open(c->k, "grid_post.phone", store_col_text(st, 4), &phone) == 0) {
				masked = mask_phone(phone);
				mem_wipe(phone, strlen(phone));
			}
			json_t *p = json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)store_col_int(st, 0), "holder_name",
			                      store_col_text(st, 3), "phone", masked);
			free(phone);
			free(masked);
			const char *kind = store_col_text(st, 2);
			json_array_append_new(json_object_get(towns[i].obj, strcmp(kind, "clerk") == 0 ? "clerks" : "leaders"), p);
		}
	}
	store_finalize(st);

	json_t *u = NULL;
	if ((rc = unit_get(c, unit, &u))) {
		json_decref(depts);
		goto out;
	}
	int complete = lacking_villages == 0 && json_array_size(depts) == 0;
	for (size_t i = 0; i < ntowns; i++)
		if (!json_array_size(json_object_get(towns[i].obj, "clerks")))
			complete = 0;
	*out = json_pack("{s:{s:O, s:O}, s:{s:I, s:I, s:I, s:I, s:I, s:b}, s:O, s:o}", "unit", "id", json_object_get(u, "id"),
	                 "name", json_object_get(u, "name"), "summary", "towns", (json_int_t)ntowns, "villages",
	                 (json_int_t)villages, "villages_with_liaison", (json_int_t)(villages - lacking_villages),
	                 "departments", (json_int_t)ndepts, "departments_with_leader",
	                 (json_int_t)(ndepts - (int64_t)json_array_size(depts)), "complete", complete, "towns", jtowns,
	                 "departments_without_leader", depts);
	json_decref(u);
out:
	for (size_t i = 0; i < ntowns; i++)
		json_decref(towns[i].obj);
	free(towns);
	json_decref(jtowns);
	return rc;
}
