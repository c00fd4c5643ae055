/*
 * test_model.c — unit tests of src/model: division codes, usernames,
 * password policy, request validation and the /meta document.
 *
 *   make build/unit/test_model && build/unit/test_model
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/model.h"
#include "model/validate.h"

/* ---- division codes --------------------------------------------------- */

static void test_division_code_valid(void **state)
{
	(void)state;
	static const char *const good[] = {"370000000000", "370600000000", "370699000000", "370699001000",
	                                   "370699001003", "110101001001"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (validate_division_code(good[i]))
			fail_msg("%s was refused", good[i]);

	static const char *const bad[] = {
		"",
		"37069900100",   /* 11 digits */
		"3706990010000", /* 13 digits */
		"37069900100a",
		"3706990010 0",
		"-37069900100",
		"３７０６９９００１０００", /* full-width digits */
		"000000000000",
		"001234000000",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const msg2 *m = validate_division_code(bad[i]);
		if (!m)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_non_null(m->zh);
		assert_non_null(m->en);
	}
	assert_non_null(validate_division_code(NULL));
}

static void test_division_code_level(void **state)
{
	(void)state;
	assert_int_equal(division_code_level("370000000000"), 2);
	assert_int_equal(division_code_level("370600000000"), 4);
	assert_int_equal(division_code_level("370699000000"), 6);
	assert_int_equal(division_code_level("370699001000"), 9);
	assert_int_equal(division_code_level("370699001003"), 12);
	assert_int_equal(division_code_level("370699100000"), 9); /* 3-digit town part */
	assert_int_equal(division_code_level("37069900100"), 0);
	assert_int_equal(division_code_level("3706990010000"), 0);
	assert_int_equal(division_code_level("37069900100x"), 0);
	assert_int_equal(division_code_level(""), 0);
	assert_int_equal(division_code_level(NULL), 0);
}

static void test_division_code_within(void **state)
{
	(void)state;
	assert_true(division_code_within("370699000000", "370699001000"));
	assert_true(division_code_within("370699001000", "370699001003"));
	assert_true(division_code_within("370699000000", "370699001003"));
	assert_true(division_code_within("370000000000", "370699000000"));
	assert_false(division_code_within("370699000000", "370700001000"));
	assert_false(division_code_within("370699001000", "370699002003"));
	/* Not within itself, nor a parent within its child. */
	assert_false(division_code_within("370699000000", "370699000000"));
	assert_false(division_code_within("370699001000", "370699000000"));
	/* Invalid codes are within nothing. */
	assert_false(division_code_within("37069900000", "370699001000"));
	assert_false(division_code_within("370699000000", "37069900100x"));
	assert_false(division_code_within(NULL, "370699001000"));
}

/* ---- usernames and passwords ------------------------------------------ */

static void test_username(void **state)
{
	(void)state;
	static const char *const good[] = {"admin", "abc", "a.b-c_1", "1abc", "ZhangSan",
	                                   "abcdefghijklmnopqrstuvwxyz012345"}; /* 32 */
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (validate_username(good[i]))
			fail_msg("%s was refused", good[i]);
	static const char *const bad[] = {"",     "ab",     "abcdefghijklmnopqrstuvwxyz0123456", /* 33 */
	                                  "_abc", ".abc",   "-abc",
	                                  "ab c", "ab@c",   "张三",
	                                  "abc\n", "ab/cd", "ab'--"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (!validate_username(bad[i]))
			fail_msg("\"%s\" was accepted", bad[i]);
}

static void test_password_policy(void **state)
{
	(void)state;
	assert_null(validate_password("Abcdef1!", 8, 3));
	assert_null(validate_password("Abcdefg1", 8, 3));
	assert_null(validate_password("abcdefg!1", 8, 3));
	assert_null(validate_password("Correct Horse 9", 8, 3));

	const msg2 *m = validate_password("abcdefg1", 8, 3); /* lower + digit */
	assert_non_null(m);
	assert_non_null(strstr(m->en, "kinds"));
	assert_non_null(validate_password("ABCDEFGH", 8, 3));
	assert_non_null(validate_password("12345678", 8, 2));
	assert_null(validate_password("abcdefg1", 8, 2));

	m = validate_password("Ab1!", 8, 3);
	assert_non_null(m);
	assert_non_null(strstr(m->en, "short"));
	assert_non_null(validate_password("Abcde1!", 8, 3)); /* 7 */
	assert_non_null(validate_password("", 8, 1));

	char pw[200];
	for (int i = 0; i < 129; i++)
		pw[i] = "Aa1!"[i % 4];
	pw[129] = 0;
	m = validate_password(pw, 8, 3);
	assert_non_null(m);
	assert_non_null(strstr(m->en, "128"));
	pw[128] = 0;
	assert_null(validate_password(pw, 8, 3));

	/* Length counts code points: 8 CJK characters are 24 bytes. */
	assert_non_null(validate_password("密码A1", 8, 3));
	assert_null(validate_password("统一战线密码A1", 8, 3));
}

/* ---- model_validate --------------------------------------------------- */

/* Validate body (decref'd here) against entity; answer the error fields
 * (caller decrefs) or NULL when valid. */
static json_t *check(const char *entity, json_t *body, validate_mode mode, const char *lang)
{
	const model_entity *e = model_entity_find(entity);
	assert_non_null(e);
	json_t *fields = (json_t *)1;
	const char *summary = (const char *)1;
	int rc = model_validate(e, body, mode, lang, &fields, &summary);
	json_decref(body);
	if (rc == 0) {
		assert_null(fields);
		assert_null(summary);
		return NULL;
	}
	assert_int_equal(rc, -1);
	assert_non_null(fields);
	assert_true(json_object_size(fields) > 0);
	assert_non_null(summary);
	return fields;
}

static json_t *unit_body(const char *name, const char *kind)
{
	return json_pack("{s:i, s:s, s:s}", "parent_id", 1, "name", name, "kind", kind);
}

static void test_validate_ok(void **state)
{
	(void)state;
	assert_null(check("unit", unit_body("城关镇", "town"), VALIDATE_CREATE, "zh"));
	json_t *b = unit_body("城关镇", "town");
	json_object_set_new(b, "code", json_string("370699001000"));
	json_object_set_new(b, "sort", json_integer(3));
	json_object_set_new(b, "active", json_false());
	assert_null(check("unit", b, VALIDATE_CREATE, "zh"));
	/* Update takes any subset; nullable fields take null. */
	assert_null(check("unit", json_object(), VALIDATE_UPDATE, "zh"));
	assert_null(check("unit", json_pack("{s:n}", "code"), VALIDATE_UPDATE, "zh"));
	assert_null(check("unit", json_pack("{s:s}", "kind", "village"), VALIDATE_UPDATE, "en"));
}

static void test_validate_unknown_and_type(void **state)
{
	(void)state;
	json_t *b = unit_body("城关镇", "town");
	json_object_set_new(b, "bogus", json_integer(1));
	json_t *f = check("unit", b, VALIDATE_CREATE, "en");
	assert_int_equal(json_object_size(f), 1);
	assert_string_equal(json_string_value(json_object_get(f, "bogus")), "unknown field");
	json_decref(f);

	f = check("unit", json_pack("{s:i, s:i, s:s}", "parent_id", 1, "name", 5, "kind", "town"), VALIDATE_CREATE,
	          "en");
	assert_string_equal(json_string_value(json_object_get(f, "name")), "must be a string");
	json_decref(f);

	f = check("unit", json_pack("{s:s, s:s, s:i, s:i}", "sort", "3", "active", "yes", "parent_id", 0, "name", 1),
	          VALIDATE_UPDATE, "en");
	assert_non_null(json_object_get(f, "sort"));
	assert_non_null(json_object_get(f, "active"));
	assert_non_null(json_object_get(f, "parent_id")); /* FF_CREATE, refused on update */
	assert_non_null(json_object_get(f, "name"));
	json_decref(f);

	f = check("unit", json_pack("{s:n}", "name"), VALIDATE_UPDATE, "en");
	assert_string_equal(json_string_value(json_object_get(f, "name")), "must not be null");
	json_decref(f);
}

static void test_validate_required(void **state)
{
	(void)state;
	json_t *f = check("unit", json_object(), VALIDATE_CREATE, "en");
	assert_int_equal(json_object_size(f), 3);
	assert_string_equal(json_string_value(json_object_get(f, "parent_id")), "required");
	assert_string_equal(json_string_value(json_object_get(f, "name")), "required");
	assert_string_equal(json_string_value(json_object_get(f, "kind")), "required");
	json_decref(f);

	/* Blank is not present. */
	f = check("unit", unit_body(" \t ", "town"), VALIDATE_CREATE, "en");
	assert_string_equal(json_string_value(json_object_get(f, "name")), "must not be blank");
	json_decref(f);

	/* The same fields are optional on update. */
	assert_null(check("unit", json_pack("{s:s}", "name", "新名称"), VALIDATE_UPDATE, "en"));
}

static void test_validate_create_and_readonly(void **state)
{
	(void)state;
	json_t *f = check("unit", json_pack("{s:i}", "parent_id", 2), VALIDATE_UPDATE, "en");
	assert_string_equal(json_string_value(json_object_get(f, "parent_id")), "this field cannot be set");
	json_decref(f);
	f = check("user", json_pack("{s:s}", "username", "alice"), VALIDATE_UPDATE, "en");
	assert_non_null(json_object_get(f, "username"));
	json_decref(f);

	static const char *const ro[] = {"id", "path", "child_count"};
	for (size_t i = 0; i < sizeof ro / sizeof ro[0]; i++) {
		for (int mode = VALIDATE_CREATE; mode <= VALIDATE_UPDATE; mode++) {
			json_t *b = mode == VALIDATE_CREATE ? unit_body("城关镇", "town") : json_object();
			json_object_set_new(b, ro[i], json_integer(1));
			f = check("unit", b, (validate_mode)mode, "en");
			assert_int_equal(json_object_size(f), 1);
			assert_string_equal(json_string_value(json_object_get(f, ro[i])), "this field cannot be set");
			json_decref(f);
		}
	}
}

static void test_validate_dict(void **state)
{
	(void)state;
	assert_null(check("unit", unit_body("城关镇", "town"), VALIDATE_CREATE, "en"));
	json_t *f = check("unit", unit_body("城关镇", "castle"), VALIDATE_CREATE, "en");
	assert_string_equal(json_string_value(json_object_get(f, "kind")), "not a valid choice");
	json_decref(f);
	f = check("unit", unit_body("城关镇", "Town"), VALIDATE_CREATE, "en");
	json_decref(f);
	f = check("role", json_pack("{s:[s, s]}", "permissions", "unit:read", "unit:fly"), VALIDATE_UPDATE, "en");
	assert_string_equal(json_string_value(json_object_get(f, "permissions")), "not a valid choice");
	json_decref(f);
	assert_null(check("role", json_pack("{s:[s, s]}", "permissions", "unit:read", "audit:read"),
	                  VALIDATE_UPDATE, "en"));
}

static void test_validate_lengths_and_bytes(void **state)
{
	(void)state;
	char name[65 * 3 + 1] = "";
	for (int i = 0; i < 64; i++)
		strcat(name, "中");
	assert_int_equal(strlen(name), 192); /* bytes well over 64 */
	assert_null(check("unit", unit_body(name, "town"), VALIDATE_CREATE, "en"));
	strcat(name, "中");
	json_t *f = check("unit", unit_body(name, "town"), VALIDATE_CREATE, "en");
	assert_string_equal(json_string_value(json_object_get(f, "name")), "too long");
	json_decref(f);

	/* An embedded NUL is refused, not silently cut. */
	json_t *b = unit_body("x", "town");
	json_object_set_new(b, "name", json_stringn("城关\0镇", 10));
	f = check("unit", b, VALIDATE_CREATE, "en");
	assert_string_equal(json_string_value(json_object_get(f, "name")), "contains invalid characters");
	json_decref(f);
	b = unit_body("x", "town");
	json_object_set_new(b, "kind", json_stringn("town\0x", 6));
	f = check("unit", b, VALIDATE_CREATE, "en");
	assert_non_null(json_object_get(f, "kind"));
	json_decref(f);

	/* Control characters other than tab and newline are refused. */
	f = check("unit", unit_body("a\x1b[31mb", "town"), VALIDATE_CREATE, "en");
	assert_non_null(json_object_get(f, "name"));
	json_decref(f);

	/* A field check runs on the value: a malformed division code. */
	b = unit_body("城关镇", "town");
	json_object_set_new(b, "code", json_string("37069900100"));
	f = check("unit", b, VALIDATE_CREATE, "en");
	assert_string_equal(json_string_value(json_object_get(f, "code")), "the division code must be 12 digits");
	json_decref(f);
}

static void test_validate_languages(void **state)
{
	(void)state;
	json_t *b = json_pack("{s:i, s:s}", "bogus", 1, "kind", "castle");
	json_t *zh = check("unit", json_deep_copy(b), VALIDATE_CREATE, "zh");
	json_t *en = check("unit", b, VALIDATE_CREATE, "en");
	assert_int_equal(json_object_size(zh), json_object_size(en));
	const char *key;
	json_t *v;
	json_object_foreach(zh, key, v)
	{
		json_t *other = json_object_get(en, key);
		assert_non_null(other);
		assert_string_not_equal(json_string_value(v), json_string_value(other));
	}
	assert_string_equal(json_string_value(json_object_get(zh, "bogus")), "未知字段");
	assert_string_equal(json_string_value(json_object_get(en, "bogus")), "unknown field");
	json_decref(zh);
	json_decref(en);
	/* Anything but "en" is Chinese. */
	json_t *f = check("unit", json_pack("{s:i}", "bogus", 1), VALIDATE_UPDATE, NULL);
	assert_string_equal(json_string_value(json_object_get(f, "bogus")), "未知字段");
	json_decref(f);
}

/* ---- meta ------------------------------------------------------------- */

static json_t *find_by(json_t *arr, const char *key, const char *value)
{
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it)
	{
		const char *s = json_string_value(json_object_get(it, key));
		if (s && strcmp(s, value) == 0)
			return it;
	}
	return NULL;
}

static void test_meta_json(void **state)
{
	(void)state;
	json_t *meta = model_meta_json();
	assert_non_null(meta);
	json_t *ents = json_object_get(meta, "entities");
	assert_true(json_is_array(ents));
	json_t *unit = find_by(ents, "name", "unit");
	assert_non_null(unit);
	assert_string_equal(json_string_value(json_object_get(unit, "label_zh")), "单位");
	assert_null(find_by(ents, "name", "login")); /* request forms are not listed */

	json_t *kind = find_by(json_object_get(unit, "fields"), "name", "kind");
	assert_non_null(kind);
	assert_string_equal(json_string_value(json_object_get(kind, "type")), "dict");
	assert_string_equal(json_string_value(json_object_get(kind, "dict")), "unit_kind");
	assert_true(json_is_true(json_object_get(kind, "required")));
	json_t *name = find_by(json_object_get(unit, "fields"), "name", "name");
	assert_int_equal(json_integer_value(json_object_get(name, "max_len")), 64);

	json_t *dict = find_by(json_object_get(meta, "dictionaries"), "code", "unit_kind");
	assert_non_null(dict);
	json_t *items = json_object_get(dict, "items");
	assert_true(json_array_size(items) > 0);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		assert_true(json_is_string(json_object_get(it, "value")));
		assert_true(json_is_string(json_object_get(it, "label_zh")));
		assert_true(json_is_string(json_object_get(it, "label_en")));
	}
	json_t *town = find_by(items, "value", "town");
	assert_non_null(town);
	assert_string_equal(json_string_value(json_object_get(town, "label_zh")), "镇");
	assert_string_equal(json_string_value(json_object_get(town, "label_en")), "town");
	json_decref(meta);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_division_code_valid),
		cmocka_unit_test(test_division_code_level),
		cmocka_unit_test(test_division_code_within),
		cmocka_unit_test(test_username),
		cmocka_unit_test(test_password_policy),
		cmocka_unit_test(test_validate_ok),
		cmocka_unit_test(test_validate_unknown_and_type),
		cmocka_unit_test(test_validate_required),
		cmocka_unit_test(test_validate_create_and_readonly),
		cmocka_unit_test(test_validate_dict),
		cmocka_unit_test(test_validate_lengths_and_bytes),
		cmocka_unit_test(test_validate_languages),
		cmocka_unit_test(test_meta_json),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
