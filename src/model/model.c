/*
 * model.c — look-ups, request validation and the meta/schema documents
 * generated from the model tables (see model.h).
 */
#include "model/model.h"

#include <stdio.h>
#include <string.h>

#include "base/util.h"

const char *msg_pick(const msg2 *m, const char *lang)
{
	return (lang && strcmp(lang, "en") == 0) ? m->en : m->zh;
}

const model_entity *model_entity_find(const char *name)
{
	for (size_t i = 0; i < model_entities_count; i++)
		if (strcmp(model_entities[i]->name, name) == 0)
			return model_entities[i];
	return NULL;
}

const model_field *model_field_find(const model_entity *e, const char *name)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return &e->fields[i];
	return NULL;
}

const model_dict *model_dict_find(const char *code)
{
	for (size_t i = 0; i < model_dicts_count; i++)
		if (strcmp(model_dicts[i]->code, code) == 0)
			return model_dicts[i];
	return NULL;
}

const dict_item *model_dict_item(const char *dict, const char *value)
{
	const model_dict *d = model_dict_find(dict);
	if (!d)
		return NULL;
	for (size_t i = 0; i < d->nitems; i++)
		if (strcmp(d->items[i].value, value) == 0)
			return &d->items[i];
	return NULL;
}

static const msg2 m_unknown = {"未知字段", "unknown field"};
static const msg2 m_readonly = {"该字段不可修改", "this field cannot be set"};
static const msg2 m_required = {"必填", "required"};
static const msg2 m_text = {"应为文本", "must be a string"};
static const msg2 m_int = {"应为整数", "must be an integer"};
static const msg2 m_bool = {"应为 true 或 false", "must be true or false"};
static const msg2 m_list = {"应为文本数组", "must be an array of strings"};
static const msg2 m_too_long = {"超出长度限制", "too long"};
static const msg2 m_too_many = {"项目过多", "too many items"};
static const msg2 m_dict = {"不是有效的选项", "not a valid choice"};
static const msg2 m_utf8 = {"包含无效字符", "contains invalid characters"};
static const msg2 m_blank = {"不能为空", "must not be blank"};
static const msg2 m_null = {"不能为空值", "must not be null"};
static const msg2 m_positive = {"应为正整数", "must be a positive integer"};

/* A real calendar date YYYY-MM-DD between 1900 and 2100. */
static int date_valid(const char *s)
{
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

static int text_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
			return 1;
	return 0;
}

/* Check one present value; NULL when fine. */
static const msg2 *check_value(const model_field *f, json_t *v)
{
	if (json_is_null(v))
		return (f->flags & FF_NULLABLE) ? NULL : &m_null;
	switch (f->type) {
	case FT_TEXT:
	case FT_PASSWORD:
	case FT_DICT: {
		if (!json_is_string(v))
			return &m_text;
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		if (strlen(s) != n || !util_utf8_valid(s, n))
			return &m_utf8;
		if (f->type == FT_DICT)
			return model_dict_item(f->dict, s) ? NULL : &m_dict;
		/* A normalising check judges the length of what it keeps (" 1101… " is fine). */
		if (f->max_len && !f->norm && util_utf8_len(s) > (size_t)f->max_len)
			return &m_too_long;
		if (f->norm && util_utf8_len(s) > 255)
			return &m_too_long;
		if (f->type == FT_TEXT) {
			if (text_has_control(s))
				return &m_utf8;
			if ((f->flags & FF_REQUIRED) && s[strspn(s, " \t")] == 0)
				return &m_blank;
		}
		if (f->check && *s)
			return f->check(s);
		if (f->norm && *s) {
			char tmp[256];
			return f->norm(s, tmp, sizeof tmp);
		}
		return NULL;
	}
	case FT_DATE: {
		static const msg2 m_date = {"日期格式应为 YYYY-MM-DD", "a date is YYYY-MM-DD"};
		if (!json_is_string(v))
			return &m_text;
		return date_valid(json_string_value(v)) ? NULL : &m_date;
	}
	case FT_OBJECTS: {
		static const msg2 m_objs = {"应为对象数组", "must be an array of objects"};
		if (!json_is_array(v))
			return &m_objs;
		if (f->max_len && json_array_size(v) > (size_t)f->max_len)
			return &m_too_many;
		size_t i;
		json_t *it;
		json_array_foreach(v, i, it)
		{
			if (!json_is_object(it))
				return &m_objs;
		}
		return NULL;
	}
	case FT_IDS: {
		static const msg2 m_ids = {"应为不重复的编号数组", "must be an array of distinct positive ids"};
		if (!json_is_array(v))
			return &m_ids;
		if (f->max_len && json_array_size(v) > (size_t)f->max_len)
			return &m_too_many;
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *it = json_array_get(v, i);
			if (!json_is_integer(it) || json_integer_value(it) <= 0)
				return &m_ids;
			for (size_t k = 0; k < i; k++)
				if (json_integer_value(json_array_get(v, k)) == json_integer_value(it))
					return &m_ids;
		}
		return NULL;
	}
	case FT_INT:
		return json_is_integer(v) ? NULL : &m_int;
	case FT_REF:
		return (json_is_integer(v) && json_integer_value(v) > 0) ? NULL : &m_positive;
	case FT_BOOL:
		return json_is_boolean(v) ? NULL : &m_bool;
	case FT_LIST: {
		if (!json_is_array(v))
			return &m_list;
		if (f->max_len && json_array_size(v) > (size_t)f->max_len)
			return &m_too_many;
		size_t i;
		json_t *it;
		json_array_foreach(v, i, it)
		{
			if (!json_is_string(it))
				return &m_list;
			const char *s = json_string_value(it);
			if (strlen(s) != json_string_length(it) || !util_utf8_valid(s, strlen(s)) || strlen(s) > 64)
				return &m_utf8;
			if (f->dict && !model_dict_item(f->dict, s))
				return &m_dict;
		}
		return NULL;
	}
	case FT__MAX:
		break;
	}
	return &m_unknown;
}

int model_validate(const model_entity *e, json_t *body, validate_mode mode, const char *lang, json_t **fields,
                   const char **summary)
{
	json_t *errs = json_object();
	const char *key;
	json_t *v;
	*summary = NULL;
	json_object_foreach(body, key, v)
	{
		const model_field *f = model_field_find(e, key);
		const msg2 *m = NULL;
		if (!f)
			m = &m_unknown;
		else if ((f->flags & FF_READONLY) || (mode == VALIDATE_UPDATE && (f->flags & FF_CREATE)))
			m = &m_readonly;
		else
			m = check_value(f, v);
		if (m) {
			json_object_set_new(errs, key, json_string(msg_pick(m, lang)));
			if (!*summary)
				*summary = msg_pick(m, lang);
		}
	}
	if (mode == VALIDATE_CREATE) {
		for (size_t i = 0; i < e->nfields; i++) {
			const model_field *f = &e->fields[i];
			if ((f->flags & FF_REQUIRED) && !json_object_get(body, f->name) && !json_object_get(errs, f->name)) {
				json_object_set_new(errs, f->name, json_string(msg_pick(&m_required, lang)));
				if (!*summary)
					*summary = msg_pick(&m_required, lang);
			}
		}
	}
	if (json_object_size(errs) == 0) {
		json_decref(errs);
		*fields = NULL;
		return 0;
	}
	*fields = errs;
	return -1;
}

static const char *const type_names[FT__MAX] = {
	[FT_TEXT] = "text", [FT_INT] = "int",           [FT_BOOL] = "bool", [FT_DICT] = "dict",
	[FT_REF] = "ref",   [FT_PASSWORD] = "password", [FT_LIST] = "list", [FT_DATE] = "date",
	[FT_OBJECTS] = "objects", [FT_IDS] = "ids",
};

json_t *model_meta_json(void)
{
	json_t *ents = json_array();
	for (size_t i = 0; i < model_entities_count; i++) {
		const model_entity *e = model_entities[i];
		if (e->flags & ENTITY_FORM)
			continue;
		json_t *fs = json_array();
		for (size_t k = 0; k < e->nfields; k++) {
			const model_field *f = &e->fields[k];
			json_t *jf = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b}", "name", f->name, "type",
			                       type_names[f->type], "label_zh", f->label_zh, "label_en", f->label_en,
			                       "required", (f->flags & FF_REQUIRED) != 0, "readonly",
			                       (f->flags & FF_READONLY) != 0, "sensitive", (f->flags & FF_SENSITIVE) != 0,
			                       "search", (f->flags & FF_SEARCH) != 0, "list", (f->flags & FF_LIST) != 0);
			if (f->max_len)
				json_object_set_new(jf, "max_len", json_integer(f->max_len));
			if (f->dict)
				json_object_set_new(jf, "dict", json_string(f->dict));
			json_array_append_new(fs, jf);
		}
		json_t *je = json_pack("{s:s, s:s, s:s, s:o, s:b}", "name", e->name, "label_zh", e->label_zh, "label_en",
		                       e->label_en, "fields", fs, "record", (e->flags & ENTITY_RECORD) != 0);
		if (e->parent)
			json_object_set_new(je, "parent", json_pack("{s:s, s:s}", "entity", e->parent, "field", e->parent_field));
		json_array_append_new(ents, je);
	}
	json_t *dicts = json_array();
	for (size_t i = 0; i < model_dicts_count; i++) {
		const model_dict *d = model_dicts[i];
		json_t *items = json_array();
		for (size_t k = 0; k < d->nitems; k++)
			json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "value", d->items[k].value, "label_zh",
			                                       d->items[k].label_zh, "label_en", d->items[k].label_en));
		json_t *jd = json_pack("{s:s, s:s, s:s, s:o}", "code", d->code, "name_zh", d->name_zh, "name_en",
		                       d->name_en, "items", items);
		if (d->standard)
			json_object_set_new(jd, "standard", json_string(d->standard));
		json_array_append_new(dicts, jd);
	}
	return json_pack("{s:o, s:o}", "entities", ents, "dictionaries", dicts);
}

json_t *model_schema_json(const model_entity *e)
{
	json_t *props = json_object();
	json_t *req = json_array();
	for (size_t k = 0; k < e->nfields; k++) {
		const model_field *f = &e->fields[k];
		json_t *p;
		switch (f->type) {
		case FT_INT:
		case FT_REF:
			p = json_pack("{s:s, s:s}", "type", "integer", "format", "int64");
			break;
		case FT_BOOL:
			p = json_pack("{s:s}", "type", "boolean");
			break;
		case FT_LIST:
			p = json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type", "string");
			break;
		case FT_PASSWORD:
			p = json_pack("{s:s, s:s}", "type", "string", "format", "password");
			break;
		case FT_DATE:
			p = json_pack("{s:s, s:s}", "type", "string", "format", "date");
			break;
		case FT_OBJECTS:
			p = json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type", "object");
			break;
		default:
			p = json_pack("{s:s}", "type", "string");
		}
		json_object_set_new(p, "description", json_string(f->label_zh));
		if (f->max_len && f->type != FT_LIST)
			json_object_set_new(p, "maxLength", json_integer(f->max_len));
		if (f->type == FT_DICT) {
			const model_dict *d = model_dict_find(f->dict);
			json_t *en = json_array();
			for (size_t i = 0; d && i < d->nitems; i++)
				json_array_append_new(en, json_string(d->items[i].value));
			json_object_set_new(p, "enum", en);
		}
		if (f->flags & FF_READONLY)
			json_object_set_new(p, "readOnly", json_true());
		if (f->flags & FF_NULLABLE)
			json_object_set_new(p, "nullable", json_true());
		json_object_set_new(props, f->name, p);
		if (f->flags & FF_REQUIRED)
			json_array_append_new(req, json_string(f->name));
	}
	json_t *s = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props, "additionalProperties", 0);
	if (json_array_size(req))
		json_object_set_new(s, "required", req);
	else
		json_decref(req);
	return s;
}
