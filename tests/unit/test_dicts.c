/*
 * test_dicts.c — unit tests of the built-in dictionaries (src/model/dicts.c):
 * codes and values unique, labels present, the standard code tables
 * complete.
 *
 *   make build/unit/test_dicts && build/unit/test_dicts
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model/model.h"

static void test_dicts_well_formed(void **state)
{
	(void)state;
	assert_true(model_dicts_count > 0);
	for (size_t i = 0; i < model_dicts_count; i++) {
		const model_dict *d = model_dicts[i];
		assert_non_null(d);
		if (!d->code || !*d->code || !d->name_zh || !*d->name_zh || !d->name_en || !*d->name_en)
			fail_msg("dictionary %zu lacks a code or name", i);
		if (d->standard && !*d->standard)
			fail_msg("%s: empty standard (use NULL)", d->code);
		for (size_t j = 0; j < i; j++)
			if (strcmp(model_dicts[j]->code, d->code) == 0)
				fail_msg("dictionary code %s twice", d->code);
		assert_ptr_equal(model_dict_find(d->code), d);
		if (d->nitems == 0)
			fail_msg("%s has no items", d->code);
		for (size_t k = 0; k < d->nitems; k++) {
			const dict_item *it = &d->items[k];
			if (!it->value || !*it->value)
				fail_msg("%s item %zu: empty value", d->code, k);
			if (!it->label_zh || !*it->label_zh || !it->label_en || !*it->label_en)
				fail_msg("%s %s: empty label", d->code, it->value);
			for (size_t m = 0; m < k; m++) {
				if (strcmp(d->items[m].value, it->value) == 0)
					fail_msg("%s: value %s twice", d->code, it->value);
				if (strcmp(d->items[m].label_zh, it->label_zh) == 0)
					fail_msg("%s: label %s twice", d->code, it->label_zh);
			}
			assert_ptr_equal(model_dict_item(d->code, it->value), it);
		}
	}
}

static const model_dict *need(const char *code, size_t nitems, const char *standard)
{
	const model_dict *d = model_dict_find(code);
	if (!d)
		fail_msg("no dictionary %s", code);
	if (d->nitems != nitems)
		fail_msg("%s has %zu items, expected %zu", code, d->nitems, nitems);
	if (standard && (!d->standard || strcmp(d->standard, standard) != 0))
		fail_msg("%s: standard %s, expected %s", code, d->standard ? d->standard : "NULL", standard);
	return d;
}

static void expect_item(const char *dict, const char *value, const char *label_zh)
{
	const dict_item *it = model_dict_item(dict, value);
	if (!it)
		fail_msg("%s has no value %s", dict, value);
	if (strcmp(it->label_zh, label_zh) != 0)
		fail_msg("%s %s is %s, expected %s", dict, value, it->label_zh, label_zh);
}

static void test_standard_tables(void **state)
{
	(void)state;
	char v[16];

	/* 政治面貌 GB/T 4762: 01–13. */
	need("political", 13, "GB/T 4762");
	for (int i = 1; i <= 13; i++) {
		snprintf(v, sizeof v, "%02d", i);
		assert_non_null(model_dict_item("political", v));
	}
	expect_item("political", "01", "中共党员");
	expect_item("political", "12", "无党派人士");
	expect_item("political", "13", "群众");

	/* 民族 GB 3304: 01–56 with 族, 97, 98. */
	const model_dict *eth = need("ethnicity", 58, "GB 3304");
	for (int i = 1; i <= 56; i++) {
		snprintf(v, sizeof v, "%02d", i);
		const dict_item *it = model_dict_item("ethnicity", v);
		if (!it)
			fail_msg("ethnicity %s missing", v);
		size_t n = strlen(it->label_zh);
		if (n < 3 || strcmp(it->label_zh + n - 3, "族") != 0)
			fail_msg("ethnicity %s: %s lacks 族", v, it->label_zh);
	}
	expect_item("ethnicity", "01", "汉族");
	expect_item("ethnicity", "05", "维吾尔族");
	expect_item("ethnicity", "29", "柯尔克孜族");
	expect_item("ethnicity", "56", "基诺族");
	expect_item("ethnicity", "97", "其他");
	expect_item("ethnicity", "98", "外国血统中国籍人士");
	assert_string_equal(eth->items[0].label_en, "Han");

	/* 学历 GB/T 4658-2006: the codes of domain.md and the variants. */
	need("education", 39, "GB/T 4658-2006");
	static const char *const edu[] = {"11", "12", "13", "14", "21", "22", "23", "31", "41", "44",
	                                  "47", "61", "71", "73", "81", "83", "90"};
	for (size_t i = 0; i < sizeof edu / sizeof edu[0]; i++)
		if (!model_dict_item("education", edu[i]))
			fail_msg("education %s missing", edu[i]);
	expect_item("education", "11", "博士研究生毕业");
	expect_item("education", "22", "大学本科结业");
	expect_item("education", "33", "大学专科肄业");

	need("gender", 4, "GB/T 2261.1");
	expect_item("gender", "0", "未知的性别");
	expect_item("gender", "1", "男");
	expect_item("gender", "2", "女");
	expect_item("gender", "9", "未说明的性别");

	need("religion", 9, NULL);
	expect_item("religion", "00", "无宗教信仰");
	expect_item("religion", "70", "伊斯兰教");
	expect_item("religion", "99", "其他");

	need("member_category", 12, NULL);
	for (int i = 1; i <= 12; i++) {
		snprintf(v, sizeof v, "%02d", i);
		assert_non_null(model_dict_item("member_category", v));
	}
	expect_item("member_category", "01", "民主党派成员");
	expect_item("member_category", "07", "新的社会阶层人士");
	expect_item("member_category", "12", "其他需要联系和团结的人员");

	need("new_class_group", 4, NULL);
	need("party", 8, NULL);
	expect_item("party", "rcck", "中国国民党革命委员会");
	expect_item("party", "jiusan", "九三学社");
	expect_item("party", "tdsgl", "台湾民主自治同盟");
	need("chamber_kind", 3, NULL);
	assert_non_null(model_dict_item("chamber_kind", "out_of_town"));
	need("org_kind", 8, NULL);
	assert_non_null(model_dict_item("org_kind", "association_branch"));
	need("enterprise_kind", 5, NULL);
	assert_non_null(model_dict_item("enterprise_kind", "hk_macao"));
	need("post_kind", 3, NULL);
	expect_item("post_kind", "leader_in_charge", "分管领导");
	expect_item("post_kind", "clerk", "统战干事");
	expect_item("post_kind", "liaison", "联络员");
	need("arrangement_kind", 4, NULL);
	expect_item("arrangement_kind", "npc_deputy", "人大代表");
	expect_item("arrangement_kind", "cppcc_member", "政协委员");
	need("level", 5, NULL);
	need("cadre_rank", 5, NULL);
	assert_null(model_dict_item("political", "14"));
	assert_null(model_dict_item("nonexistent", "01"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dicts_well_formed),
		cmocka_unit_test(test_standard_tables),
	};
	return cmocka_run_group_tests_name("dicts", tests, NULL, NULL);
}
