/*
 * transfer_export.c — export of records and the import template as .xlsx
 * and .csv (see transfer.h). An export reads the records a page at a time
 * in the list's order (record_each) and writes each row as it comes.
 */
#include "domain/transfer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/audit.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/util.h"
#include "domain/transfer_common.h"
#include "io/csv.h"
#include "io/xlsx.h"

static const msg2 m_reason = {"导出未脱敏数据须填写事由（500 字以内）",
                              "an unmasked export needs a reason (at most 500 characters)"};
static const msg2 m_format = {"应为 xlsx 或 csv", "must be xlsx or csv"};

/* The names of a unit's path inside the caller's scope, "东城街道/和平社区" (cached by id). */
static const char *unit_path_text(dctx *c, smap *cache, smap *names, int64_t unit)
{
	char key[32];
	snprintf(key, sizeof key, "%" PRId64, unit);
	sent *se = smap_get(cache, key, 1);
	if (se->s)
		return se->s;
	char path[256] = "";
	store_stmt *st;
	if (store_prepare(c->db, "SELECT path FROM unit WHERE id = ?", &st) == TX_OK) {
		store_bind_int(st, 1, unit);
		if (store_step(st) == STORE_ROW)
			snprintf(path, sizeof path, "%s", store_col_text(st, 0));
		store_finalize(st);
	}
	int64_t ids[32];
	int n = transfer_path_ids(path, ids, 32), from = 0;
	/* Ancestors above the caller's own unit are outside their scope: start there. */
	if (c->a->scope != SCOPE_ALL)
		for (int i = 0; i < n; i++)
			if (ids[i] == c->a->unit_id)
				from = i;
	buf b = BUF_INIT;
	for (int i = from; i < n; i++)
		buf_printf(&b, "%s%s", b.len ? "/" : "", transfer_unit_name(c, names, ids[i]));
	se->s = buf_detach(&b);
	return se->s;
}

/* ---- export and template ---- */

void transfer_file_free(transfer_file *f)
{
	free(f->data);
	free(f->name);
	free(f->ascii_name);
	memset(f, 0, sizeof *f);
}

typedef struct exp {
	dctx *c;
	const model_entity *e;
	int csv;
	buf out;
	xlsx_writer *w;
	int64_t rows;
	smap paths, names;
	const model_field **cols;
	int ncols;
} exp;

static const char *EMPTY = "";

/* A cell of the export for field f of a row (new string). */
static char *export_cell(exp *x, const model_field *f, json_t *v, int *number)
{
	*number = 0;
	if (!v || json_is_null(v))
		return xstrdup(EMPTY);
	if (strcmp(f->name, "unit_id") == 0 && json_is_integer(v))
		return xstrdup(unit_path_text(x->c, &x->paths, &x->names, json_integer_value(v)));
	switch (f->type) {
	case FT_INT:
	case FT_REF:
		*number = 1;
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case FT_BOOL:
		return xstrdup(json_is_true(v) ? "是" : "否");
	case FT_DICT: {
		const dict_item *it = json_is_string(v) ? model_dict_item(f->dict, json_string_value(v)) : NULL;
		return xstrdup(it ? it->label_zh : json_is_string(v) ? json_string_value(v) : EMPTY);
	}
	case FT_LIST: {
		buf b = BUF_INIT;
		size_t i;
		json_t *it;
		json_array_foreach(v, i, it)
		{
			const char *s = json_string_value(it);
			const dict_item *di = f->dict && s ? model_dict_item(f->dict, s) : NULL;
			buf_printf(&b, "%s%s", i ? "、" : "", di ? di->label_zh : s ? s : "");
		}
		return buf_detach(&b);
	}
	default:
		return xstrdup(json_is_string(v) ? json_string_value(v) : EMPTY);
	}
}

static tx_err export_row(void *ctx, json_t *row)
{
	exp *x = ctx;
	if (++x->rows > TRANSFER_MAX_EXPORT)
		return dctx_fail(x->c, TX_ETOOBIG, "export.too_large", "导出的记录过多，请缩小筛选范围",
		                 "too many records to export; narrow the filters");
	int n = x->ncols + 1;
	char **cells = xcalloc((size_t)n, sizeof(char *));
	xlsx_cell *xc = xcalloc((size_t)n, sizeof(xlsx_cell));
	cells[0] = xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(row, "id")));
	xc[0].number = 1;
	for (int i = 0; i < x->ncols; i++)
		cells[i + 1] = export_cell(x, x->cols[i], json_object_get(row, x->cols[i]->name), &xc[i + 1].number);
	tx_err rc = TX_OK;
	if (x->csv) {
		csv_write_row(&x->out, (const char *const *)cells, n);
	} else {
		for (int i = 0; i < n; i++)
			xc[i].text = cells[i];
		if (xlsx_writer_row(x->w, xc, n, 0))
			rc = TX_EIO;
	}
	for (int i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
	free(xc);
	return rc;
}

/* The import columns of an entity (fields in model order). */
static int io_columns(const model_entity *e, const model_field ***out)
{
	const model_field **cols = xcalloc(e->nfields + 1, sizeof *cols);
	int n = 0;
	for (size_t i = 0; i < e->nfields; i++)
		if (transfer_io_field(&e->fields[i]))
			cols[n++] = &e->fields[i];
	*out = cols;
	return n;
}

/* Widths from the headers; columns of codes typed as digits (ID numbers, phones) formatted as text. */
static void widths_for(xlsx_writer *w, const char *const *headers, const model_field *const *cols, int n)
{
	double *wd = xcalloc((size_t)n, sizeof(double));
	unsigned char *text = xcalloc((size_t)n, 1);
	for (int i = 0; i < n; i++) {
		size_t cp = util_utf8_len(headers[i]);
		wd[i] = cp * 2.2 + 4 < 12 ? 12 : cp * 2.2 + 4;
		text[i] = cols && cols[i] && cols[i]->type == FT_TEXT && cols[i]->norm;
		if (text[i] && wd[i] < 22)
			wd[i] = 22;
	}
	xlsx_writer_widths(w, wd, text, n);
	free(wd);
	free(text);
}

/* File names: "统战对象_20261126.xlsx" and the ASCII "person_20261126.xlsx". */
static void file_names(transfer_file *out, const model_entity *e, const char *ext)
{
	char date[16];
	time_t t = (time_t)(util_now() + 8 * 3600); /* China Standard Time */
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%Y%m%d", &tm);
	out->name = xasprintf("%s_%s.%s", e->label_zh, date, ext);
	out->ascii_name = xasprintf("%s_%s.%s", e->name, date, ext);
}

static tx_err audit_export(dctx *c, const model_entity *e, const char *result, json_t *detail)
{
	char action[96];
	snprintf(action, sizeof action, "%s.export", e->name);
	audit_entry ae = {.actor_id = c->a->user_id,
	                  .actor = c->a->username,
	                  .ip = c->a->ip[0] ? c->a->ip : NULL,
	                  .action = action,
	                  .entity = e->name,
	                  .entity_id = NULL,
	                  .result = result,
	                  .detail = detail};
	tx_err rc = store_begin(c->db);
	if (!rc)
		rc = audit_append(c->db, c->k, &ae);
	if (!rc)
		rc = store_commit(c->db);
	if (rc)
		store_rollback(c->db);
	return rc;
}

tx_err transfer_export(dctx *c, const model_entity *e, const record_query *q, const char *format, int unmasked,
                       const char *reason, transfer_file *out)
{
	memset(out, 0, sizeof *out);
	if (!format || !*format)
		format = "xlsx";
	if (strcmp(format, "xlsx") != 0 && strcmp(format, "csv") != 0)
		return dctx_field(c, "format", &m_format);
	char *why = NULL;
	if (unmasked) {
		if (!transfer_can(c, e, "export_unmasked")) {
			json_t *d = json_pack("{s:s, s:b}", "reason", "permission", "masked", 0);
			tx_err arc = audit_export(c, e, "denied", d);
			json_decref(d);
			if (arc)
				return arc;
			return dctx_fail(c, TX_EFORBIDDEN, "auth.forbidden", "没有导出未脱敏数据的权限",
			                 "you are not allowed to export unmasked data");
		}
		why = reason ? transfer_clean(reason, 0) : xstrdup("");
		if (!*why || util_utf8_len(why) > 500 || !util_utf8_valid(why, strlen(why))) {
			free(why);
			return dctx_field(c, "reason", &m_reason);
		}
	}
	exp x = {.c = c, .e = e, .csv = strcmp(format, "csv") == 0};
	x.ncols = io_columns(e, &x.cols);
	const char **headers = xcalloc((size_t)x.ncols + 1, sizeof(char *));
	headers[0] = "编号";
	for (int i = 0; i < x.ncols; i++)
		headers[i + 1] = x.cols[i]->label_zh;
	tx_err rc = TX_OK;
	if (x.csv) {
		csv_write_bom(&x.out);
		csv_write_row(&x.out, headers, x.ncols + 1);
	} else {
		x.w = xlsx_writer_new();
		xlsx_cell *hc = xcalloc((size_t)x.ncols + 1, sizeof(xlsx_cell));
		for (int i = 0; i <= x.ncols; i++)
			hc[i].text = headers[i];
		if (!x.w || xlsx_writer_sheet(x.w, e->label_zh)) {
			rc = TX_EIO;
		} else {
			{
				const model_field **wc = xcalloc((size_t)x.ncols + 1, sizeof *wc);
				memcpy(wc + 1, x.cols, sizeof *wc * (size_t)x.ncols);
				widths_for(x.w, headers, wc, x.ncols + 1);
				free(wc);
			}
			if (xlsx_writer_row(x.w, hc, x.ncols + 1, 1))
				rc = TX_EIO;
		}
		free(hc);
	}
	if (!rc)
		rc = record_each(c, e, q, unmasked, export_row, &x);
	if (!rc && !x.csv) {
		if (xlsx_writer_finish(x.w, &out->data, &out->len))
			rc = TX_EIO;
		x.w = NULL;
	} else if (!rc) {
		out->len = x.out.len;
		out->data = buf_detach(&x.out);
	}
	xlsx_writer_free(x.w);
	buf_free(&x.out);
	free(headers);
	free(x.cols);
	smap_free(&x.paths);
	smap_free(&x.names);
	if (!rc) {
		json_t *d = json_pack("{s:I, s:b, s:s}", "rows", (json_int_t)x.rows, "masked", !unmasked, "format", format);
		if (why)
			json_object_set_new(d, "reason", json_string(why));
		if (q->unit)
			json_object_set_new(d, "unit", json_integer(q->unit));
		if (q->q && *q->q)
			json_object_set_new(d, "q", json_string(q->q));
		if (q->parent_id)
			json_object_set_new(d, "parent", json_integer(q->parent_id));
		if (q->filters && json_object_size(q->filters))
			json_object_set(d, "filters", q->filters);
		/* No file leaves without its audit entry. */
		rc = audit_export(c, e, "ok", d);
		json_decref(d);
	}
	free(why);
	if (rc) {
		transfer_file_free(out);
		return rc;
	}
	out->type = x.csv ? "text/csv; charset=utf-8" : TRANSFER_XLSX_TYPE;
	file_names(out, e, format);
	return TX_OK;
}

tx_err transfer_template(dctx *c, const model_entity *e, transfer_file *out)
{
	memset(out, 0, sizeof *out);
	const model_field **cols;
	int n = io_columns(e, &cols);
	xlsx_writer *w = xlsx_writer_new();
	tx_err rc = w ? TX_OK : TX_EIO;
	char **headers = xcalloc((size_t)n + 1, sizeof(char *));
	xlsx_cell *hc = xcalloc((size_t)n + 1, sizeof(xlsx_cell));
	for (int i = 0; i < n; i++) {
		headers[i] = xasprintf("%s%s", cols[i]->label_zh, (cols[i]->flags & FF_REQUIRED) ? "*" : "");
		hc[i].text = headers[i];
	}
	if (!rc && (xlsx_writer_sheet(w, e->label_zh) == 0)) {
		widths_for(w, (const char *const *)headers, cols, n);
		if (xlsx_writer_row(w, hc, n, 1))
			rc = TX_EIO;
	} else {
		rc = TX_EIO;
	}
	/* The dictionary values of the coded columns. */
	if (!rc && xlsx_writer_sheet(w, "字典") == 0) {
		const char *h[] = {"列", "代码", "名称", "English"};
		xlsx_cell row[4] = {{h[0], 0}, {h[1], 0}, {h[2], 0}, {h[3], 0}};
		static const double wd[] = {24, 12, 36, 36};
		xlsx_writer_widths(w, wd, NULL, 4);
		xlsx_writer_row(w, row, 4, 1);
		for (int i = 0; i < n && !rc; i++) {
			const model_field *f = cols[i];
			if (f->type == FT_BOOL) {
				xlsx_cell r1[4] = {{f->label_zh, 0}, {"是", 0}, {"是", 0}, {"yes", 0}};
				xlsx_cell r2[4] = {{f->label_zh, 0}, {"否", 0}, {"否", 0}, {"no", 0}};
				if (xlsx_writer_row(w, r1, 4, 0) || xlsx_writer_row(w, r2, 4, 0))
					rc = TX_EIO;
				continue;
			}
			const model_dict *d = f->dict ? model_dict_find(f->dict) : NULL;
			for (size_t k = 0; d && k < d->nitems && !rc; k++) {
				xlsx_cell r[4] = {{f->label_zh, 0}, {d->items[k].value, 0}, {d->items[k].label_zh, 0},
				                  {d->items[k].label_en, 0}};
				if (xlsx_writer_row(w, r, 4, 0))
					rc = TX_EIO;
			}
		}
	} else if (!rc) {
		rc = TX_EIO;
	}
	/* How to fill it in. */
	if (!rc && xlsx_writer_sheet(w, "填写说明") == 0) {
		static const char *const notes[] = {
			"第一页第一行是表头，请勿修改列名；带 * 的列必须填写。数据从第二行开始，空行会被跳过。",
			"代码类的列（如民族、政治面貌）可填代码或名称，见“字典”页；多个类别用顿号“、”或逗号分隔。",
			"是/否类的列填“是”或“否”。日期填 2024-03-05、2024/3/5 或 2024年3月5日，也可用日期格式的单元格。",
			"管理单位填单位名称（不唯一时写出上级单位，如 东城街道/和平社区）、12 位区划代码或单位编号，且须在您的管辖范围内。",
			"人员列填人员编号或公民身份号码；组织列填组织编号或统一社会信用代码。",
			"身份证号码、电话等长数字请设置为文本格式，以免被表格软件改写。",
			"导入时先整体校验，有任何错误都不会写入；校验通过后确认导入，全部写入或全部不写入。",
			"身份证号码（组织为统一社会信用代码）已存在时，按您选择的方式跳过、更新或拒绝。",
		};
		static const double wd[] = {120};
		xlsx_writer_widths(w, wd, NULL, 1);
		for (size_t i = 0; i < sizeof notes / sizeof notes[0] && !rc; i++) {
			xlsx_cell r[1] = {{notes[i], 0}};
			if (xlsx_writer_row(w, r, 1, 0))
				rc = TX_EIO;
		}
	} else if (!rc) {
		rc = TX_EIO;
	}
	if (!rc) {
		if (xlsx_writer_finish(w, &out->data, &out->len))
			rc = TX_EIO;
		w = NULL;
	}
	xlsx_writer_free(w);
	for (int i = 0; i < n; i++)
		free(headers[i]);
	free(headers);
	free(hc);
	free(cols);
	if (rc)
		return rc;
	out->type = TRANSFER_XLSX_TYPE;
	out->name = xasprintf("%s_导入模板.xlsx", e->label_zh);
	out->ascii_name = xasprintf("%s_template.xlsx", e->name);
	return TX_OK;
}
