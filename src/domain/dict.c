/*
 * dict.c — local dictionaries (see dict.h).
 */
#include "domain/dict.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "domain/unit.h"

static json_t *builtin_json(const model_dict *d)
{
	json_t *items = json_array();
	for (size_t k = 0; k < d->nitems; k++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "value", d->items[k].value, "label_zh",
		                                       d->items[k].label_zh, "label_en", d->items[k].label_en));
	return json_pack("{s:s, s:s, s:s, s:s?, s:b, s:o}", "code", d->code, "name_zh", d->name_zh, "name_en",
	                 d->name_en, "standard", d->standard, "builtin", 1, "items", items);
}

static tx_err local_items(store *db, const char *code, json_t **out)
{
	store_stmt *st;
	tx_err rc = store_prepare(db,
	                          "SELECT value, label_zh, label_en FROM local_dict_item WHERE dict_code = ?"
	                          " ORDER BY sort, value",
	                          &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, code);
	json_t *arr = json_array();
	int s;
	while ((s = store_step(st)) == STORE_ROW)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "value", store_col_text(st, 0), "label_zh",
		                                     store_col_text(st, 1), "label_en",
		                                     store_col_text(st, 2) ? store_col_text(st, 2) : store_col_text(st, 1)));
	store_finalize(st);
	if (s < 0) {
		json_decref(arr);
		return TX_EDB;
	}
	*out = arr;
	return TX_OK;
}

/* Local dictionaries (optionally one code) appended to `into`. */
static tx_err local_list(store *db, const char *only, json_t *into)
{
	store_stmt *st;
	tx_err rc = store_prepare(db,
	                          "SELECT d.code, d.name_zh, d.name_en, d.unit_id, u.name, d.version FROM local_dict d"
	                          " JOIN unit u ON u.id = d.unit_id WHERE (? = '' OR d.code = ?) ORDER BY d.code",
	                          &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, only ? only : "");
	store_bind_text(st, 2, only ? only : "");
	int s;
	json_t *rows = json_array();
	while ((s = store_step(st)) == STORE_ROW)
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:b, s:b, s:I, s:s, s:I}", "code",
		                                      store_col_text(st, 0), "name_zh", store_col_text(st, 1), "name_en",
		                                      store_col_text(st, 2) ? store_col_text(st, 2) : store_col_text(st, 1),
		                                      "builtin", 0, "local", 1, "unit_id", (json_int_t)store_col_int(st, 3),
		                                      "unit_name", store_col_text(st, 4), "version",
		                                      (json_int_t)store_col_int(st, 5)));
	store_finalize(st);
	if (s < 0) {
		json_decref(rows);
		return TX_EDB;
	}
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_t *items;
		if ((rc = local_items(db, json_string_value(json_object_get(row, "code")), &items))) {
			json_decref(rows);
			return rc;
		}
		json_object_set_new(row, "items", items);
		json_array_append(into, row);
	}
	json_decref(rows);
	return TX_OK;
}

tx_err dict_list(dctx *c, json_t **items)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < model_dicts_count; i++)
		json_array_append_new(arr, builtin_json(model_dicts[i]));
	tx_err rc = local_list(c->db, NULL, arr);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*items = arr;
	return TX_OK;
}

tx_err dict_local_meta(store *db, json_t *into)
{
	return local_list(db, NULL, into);
}

static const msg2 m_items = {"字典项应有 value（1–32 位字母、数字、_ 或 -）和 label_zh，且 value 不重复",
                             "each item needs a value (1–32 letters, digits, _ or -) and a label_zh; values are unique"};

/* Check the items and write them (replacing any). */
static tx_err write_items(dctx *c, const char *code, json_t *items)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *v = json_string_value(json_object_get(it, "value"));
		const char *zh = json_string_value(json_object_get(it, "label_zh"));
		const char *en = json_string_value(json_object_get(it, "label_en"));
		size_t n = v ? strlen(v) : 0;
		int ok = n >= 1 && n <= 32 && zh && *zh && util_utf8_valid(zh, strlen(zh)) && util_utf8_len(zh) <= 64 &&
		         (!en || (util_utf8_valid(en, strlen(en)) && util_utf8_len(en) <= 128)) && json_object_size(it) <= 3;
		for (size_t k = 0; ok && k < n; k++)
			ok = (v[k] >= 'a' && v[k] <= 'z') || (v[k] >= 'A' && v[k] <= 'Z') || (v[k] >= '0' && v[k] <= '9') ||
			     v[k] == '_' || v[k] == '-';
		for (size_t k = 0; ok && k < i; k++)
			ok = strcmp(json_string_value(json_object_get(json_array_get(items, k), "value")), v) != 0;
		if (!ok)
			return dctx_field(c, "items", &m_items);
	}
	store_stmt *st;
	tx_err rc = store_prepare(c->db, "DELETE FROM local_dict_item WHERE dict_code = ?", &st);
	if (rc)
		return rc;
	store_bind_text(st, 1, code);
	rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
	store_finalize(st);
	json_array_foreach(items, i, it)
	{
		if (rc)
			break;
		if ((rc = store_prepare(c->db,
		                        "INSERT INTO local_dict_item (dict_code, value, label_zh, label_en, sort)"
		                        " VALUES (?, ?, ?, ?, ?)",
		                        &st)))
			break;
		store_bind_text(st, 1, code);
		store_bind_text(st, 2, json_string_value(json_object_get(it, "value")));
		store_bind_text(st, 3, json_string_value(json_object_get(it, "label_zh")));
		store_bind_text(st, 4, json_string_value(json_object_get(it, "label_en")));
		store_bind_int(st, 5, (int64_t)i);
		rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
		store_finalize(st);
	}
	return rc;
}

static tx_err fetch_local(dctx *c, const char *code, json_t **out)
{
	json_t *arr = json_array();
	tx_err rc = local_list(c->db, code, arr);
	if (!rc && json_array_size(arr) == 0)
		rc = dctx_fail(c, TX_ENOTFOUND, "not_found", "字典不存在", "no such dictionary");
	if (!rc)
		*out = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return rc;
}

/* A local dictionary the actor may change: its owning unit is in scope. */
static tx_err fetch_writable(dctx *c, const char *code, json_t **out)
{
	tx_err rc = fetch_local(c, code, out);
	if (rc)
		return rc;
	if (unit_in_scope(c, json_integer_value(json_object_get(*out, "unit_id")), NULL, 0)) {
		json_decref(*out);
		c->err_msg[0] = 0;
		return dctx_fail(c, TX_ENOTFOUND, "not_found", "字典不存在", "no such dictionary");
	}
	return TX_OK;
}

tx_err dict_create(dctx *c, json_t *body, json_t **out)
{
	static const msg2 m_taken = {"字典代码已被使用", "this dictionary code is taken"};
	static const msg2 m_unit = {"单位不存在", "no such unit"};
	const char *code = json_string_value(json_object_get(body, "code"));
	json_t *ju = json_object_get(body, "unit_id");
	int64_t unit = ju ? json_integer_value(ju) : c->a->unit_id;
	char path[256];
	if (unit_in_scope(c, unit, path, sizeof path)) {
		c->err_msg[0] = 0;
		return dctx_field(c, "unit_id", &m_unit);
	}
	json_t *existing = NULL;
	dctx probe = *c;
	probe.err_fields = NULL;
	probe.audit_detail = NULL;
	int taken = model_dict_find(code) || fetch_local(&probe, code, &existing) == TX_OK;
	json_decref(existing);
	dctx_clear(&probe);
	if (taken) {
		dctx_field(c, "code", &m_taken);
		c->err_code = "conflict";
		return TX_ECONFLICT;
	}
	store_stmt *st;
	tx_err rc = store_prepare(c->db,
	                          "INSERT INTO local_dict (code, name_zh, name_en, unit_id, unit_path, version, created_at,"
	                          " created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
	                          &st);
	if (rc)
		return rc;
	int64_t now = util_now();
	store_bind_text(st, 1, code);
	store_bind_text(st, 2, json_string_value(json_object_get(body, "name_zh")));
	store_bind_text(st, 3, json_string_value(json_object_get(body, "name_en")));
	store_bind_int(st, 4, unit);
	store_bind_text(st, 5, path);
	store_bind_int(st, 6, now);
	store_bind_int(st, 7, c->a->user_id);
	store_bind_int(st, 8, now);
	store_bind_int(st, 9, c->a->user_id);
	int s = store_step(st);
	store_finalize(st);
	if (s != STORE_DONE)
		return s == -TX_ECONFLICT ? dctx_field(c, "code", &m_taken), TX_ECONFLICT : TX_EDB;
	if ((rc = write_items(c, code, json_object_get(body, "items"))))
		return rc;
	snprintf(c->audit_id, sizeof c->audit_id, "%s", code);
	c->audit_detail = json_pack("{s:O}", "created", body);
	return fetch_local(c, code, out);
}

tx_err dict_update(dctx *c, const char *code, json_t *body, json_t **out)
{
	json_t *cur;
	tx_err rc = fetch_writable(c, code, &cur);
	if (rc)
		return rc;
	json_t *ver = json_object_get(body, "version");
	if (ver && json_integer_value(ver) != json_integer_value(json_object_get(cur, "version"))) {
		rc = dctx_stale(c);
		goto out;
	}
	json_t *zh = json_object_get(body, "name_zh"), *en = json_object_get(body, "name_en");
	store_stmt *st;
	if ((rc = store_prepare(c->db,
	                        "UPDATE local_dict SET name_zh = ?, name_en = ?, version = version + 1, updated_at = ?,"
	                        " updated_by = ? WHERE code = ?",
	                        &st)))
		goto out;
	store_bind_text(st, 1, json_string_value(zh ? zh : json_object_get(cur, "name_zh")));
	store_bind_text(st, 2, json_string_value(en ? en : json_object_get(cur, "name_en")));
	store_bind_int(st, 3, util_now());
	store_bind_int(st, 4, c->a->user_id);
	store_bind_text(st, 5, code);
	rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
	store_finalize(st);
	json_t *items = json_object_get(body, "items");
	if (!rc && items)
		rc = write_items(c, code, items);
	if (rc)
		goto out;
	snprintf(c->audit_id, sizeof c->audit_id, "%s", code);
	dctx_changes(c, cur, body);
	rc = fetch_local(c, code, out);
out:
	json_decref(cur);
	return rc;
}

tx_err dict_delete(dctx *c, const char *code)
{
	json_t *cur;
	tx_err rc = fetch_writable(c, code, &cur);
	if (rc)
		return rc;
	store_stmt *st;
	if ((rc = store_prepare(c->db, "DELETE FROM local_dict WHERE code = ?", &st)) == TX_OK) {
		store_bind_text(st, 1, code);
		rc = store_step(st) == STORE_DONE ? TX_OK : TX_EDB;
		store_finalize(st);
	}
	snprintf(c->audit_id, sizeof c->audit_id, "%s", code);
	c->audit_detail = json_pack("{s:o}", "deleted", cur);
	return rc;
}
