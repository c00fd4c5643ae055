/*
 * test_validate.c — unit tests of the people-registry validators in
 * src/model/validate.c: ID numbers (GB 11643-1999), unified social credit
 * codes (GB 32100-2015), mobile and landline numbers, dates and names.
 *
 * Vectors: 11010519491231002X and 440524188001010014 are the examples of
 * GB 11643-1999 annex A; 91350100M000100Y43 is the worked example of
 * GB 32100-2015 (whose text shows it altered as …Y4Z to demonstrate a
 * failure); the other credit codes are published codes of registered
 * organisations of several authorities and kinds. Every check character
 * here was recomputed independently of this code.
 *
 *   make build/unit/test_validate && build/unit/test_validate
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "model/model.h"
#include "model/validate.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* An 18-character ID number from its first 17 characters, with a correct check char. */
static void id_with_check(const char *first17, char out[19])
{
	memcpy(out, first17, 17);
	out[17] = id_number_check_char(first17);
	out[18] = '\0';
	assert_true(out[17] != 0);
}

static void cc_with_check(const char *first17, char out[19])
{
	memcpy(out, first17, 17);
	out[17] = credit_code_check_char(first17);
	out[18] = '\0';
	assert_true(out[17] != 0);
}

static void expect_msg(const msg2 *m, const char *zh_part, const char *what)
{
	if (!m)
		fail_msg("%s was accepted", what);
	assert_non_null(m->zh);
	assert_non_null(m->en);
	if (zh_part && !strstr(m->zh, zh_part))
		fail_msg("%s: message \"%s\" does not mention \"%s\"", what, m->zh, zh_part);
}

/* ---- ID numbers ---------------------------------------------------------- */

static void test_id_published_vectors(void **state)
{
	(void)state;
	char out[19];
	struct id_info info;

	/* GB 11643-1999 annex A: 北京市朝阳区, born 1949-12-31, female. */
	assert_null(validate_id_number("11010519491231002X", out, &info));
	assert_string_equal(out, "11010519491231002X");
	assert_string_equal(info.birth, "1949-12-31");
	assert_int_equal(info.gender, 2);
	assert_string_equal(info.region, "110105");
	assert_int_equal(id_number_check_char("11010519491231002"), 'X');

	/* Lowercase x is accepted and stored uppercase. */
	assert_null(validate_id_number("11010519491231002x", out, NULL));
	assert_string_equal(out, "11010519491231002X");

	/*
	 * GB 11643-1999 annex A: 广东省汕头市潮阳县, born 1880-01-01, male. The
	 * check character is right, but births before 1900 are refused.
	 */
	assert_int_equal(id_number_check_char("44052418800101001"), '4');
	expect_msg(validate_id_number("440524188001010014", out, NULL), "1900", "born 1880");

	/* Male: odd 17th digit. */
	assert_null(validate_id_number("370683199001011237", out, &info));
	assert_int_equal(info.gender, 1);
	assert_string_equal(info.birth, "1990-01-01");
	assert_string_equal(info.region, "370683");
}

static void test_id_upgrade_15(void **state)
{
	(void)state;
	char out[19];
	struct id_info info;
	/* The 15-digit form of the GB 11643 example. */
	assert_null(validate_id_number("110105491231002", out, &info));
	assert_string_equal(out, "11010519491231002X");
	assert_string_equal(info.birth, "1949-12-31");
	assert_int_equal(info.gender, 2);
	/* A male legacy number (15th digit odd). */
	assert_null(validate_id_number("130321860311519", out, &info));
	assert_string_equal(out, "130321198603115194");
	assert_string_equal(info.birth, "1986-03-11");
	assert_int_equal(info.gender, 1);
	/* A legacy number with an impossible date. */
	expect_msg(validate_id_number("110105490229002", out, NULL), "出生日期", "19490229");
	/* 15 characters with an X are not a legacy number. */
	expect_msg(validate_id_number("11010549123100X", out, NULL), NULL, "15 with X");
}

static void test_id_fullwidth_and_spaces(void **state)
{
	(void)state;
	char out[19];
	static const char *const forms[] = {
		"１１０１０５１９４９１２３１００２Ｘ",
		"１１０１０５１９４９１２３１００２ｘ",
		"  11010519491231002X  ",
		"\t11010519491231002x\r\n",
		"\xe3\x80\x80" "11010519491231002X" "\xe3\x80\x80", /* ideographic spaces */
		"1101051949123１００２X",
	};
	for (size_t i = 0; i < N(forms); i++) {
		memset(out, 0, sizeof out);
		const msg2 *m = validate_id_number(forms[i], out, NULL);
		if (m)
			fail_msg("\"%s\" refused: %s", forms[i], m->en);
		assert_string_equal(out, "11010519491231002X");
	}
	assert_null(validate_id_number("　１１０１０５４９１２３１００２　", out, NULL));
	assert_string_equal(out, "11010519491231002X");
}

/* Every single-character alteration of a valid number is refused. */
static void test_id_single_alterations(void **state)
{
	(void)state;
	static const char *const valid[] = {"11010519491231002X", "370683199001011237", "130321198603115194"};
	static const char alphabet[] = "0123456789X";
	char buf[19], out[19];
	int tried = 0;
	for (size_t v = 0; v < N(valid); v++)
		for (int pos = 0; pos < 18; pos++)
			for (const char *c = alphabet; *c; c++) {
				if (valid[v][pos] == *c)
					continue;
				memcpy(buf, valid[v], 19);
				buf[pos] = *c;
				if (!validate_id_number(buf, out, NULL))
					fail_msg("%s (altered at %d) was accepted", buf, pos + 1);
				tried++;
			}
	assert_int_equal(tried, 3 * 18 * 10);
}

static void test_id_dates(void **state)
{
	(void)state;
	char id[19], out[19], first[18];
	static const struct {
		const char *date;
		int ok;
	} dates[] = {
		{"19990229", 0}, /* 1999 is not a leap year */
		{"20000229", 1}, /* 2000 is (divisible by 400) */
		{"19000229", 0}, /* 1900 is not (divisible by 100) */
		{"19960229", 1}, {"19990230", 0}, {"19990431", 0}, {"19991301", 0}, {"19990001", 0},
		{"19990100", 0}, {"19990132", 0}, {"19000101", 1}, {"18991231", 0},
	};
	for (size_t i = 0; i < N(dates); i++) {
		snprintf(first, sizeof first, "370683%s123", dates[i].date);
		id_with_check(first, id);
		const msg2 *m = validate_id_number(id, out, NULL);
		if (dates[i].ok && m)
			fail_msg("%s refused: %s", id, m->en);
		if (!dates[i].ok)
			expect_msg(m, "出生日期", id);
	}

	/* Today is fine, tomorrow is not. */
	time_t now = time(NULL);
	struct tm tm;
	char ymd[9];
	localtime_r(&now, &tm);
	strftime(ymd, sizeof ymd, "%Y%m%d", &tm);
	snprintf(first, sizeof first, "370683%s123", ymd);
	id_with_check(first, id);
	assert_null(validate_id_number(id, out, NULL));
	tm.tm_mday += 1;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	localtime_r(&t, &tm);
	strftime(ymd, sizeof ymd, "%Y%m%d", &tm);
	snprintf(first, sizeof first, "370683%s123", ymd);
	id_with_check(first, id);
	expect_msg(validate_id_number(id, out, NULL), "出生日期", "born tomorrow");
}

static void test_id_regions(void **state)
{
	(void)state;
	char id[19], out[19], first[18];
	static const char *const good[] = {"11", "15", "21", "23", "31", "37", "41", "46", "50",
	                                   "54", "61", "65", "71", "81", "82", "83"};
	static const char *const bad[] = {"00", "10", "16", "20", "24", "30", "38", "40", "47",
	                                  "49", "55", "60", "66", "70", "72", "80", "84", "91", "99"};
	for (size_t i = 0; i < N(good); i++) {
		snprintf(first, sizeof first, "%s000019900101123", good[i]);
		id_with_check(first, id);
		const msg2 *m = validate_id_number(id, out, NULL);
		if (m)
			fail_msg("%s refused: %s", id, m->en);
	}
	for (size_t i = 0; i < N(bad); i++) {
		snprintf(first, sizeof first, "%s000019900101123", bad[i]);
		id_with_check(first, id);
		expect_msg(validate_id_number(id, out, NULL), "省级", id);
	}
}

static void test_id_messages(void **state)
{
	(void)state;
	char out[19];
	expect_msg(validate_id_number("11010519491231002", out, NULL), "18 位", "17 digits");
	expect_msg(validate_id_number("11010519491231002X1", out, NULL), "18 位", "19 characters");
	expect_msg(validate_id_number("", out, NULL), "18 位", "empty");
	expect_msg(validate_id_number(NULL, out, NULL), "18 位", "NULL");
	expect_msg(validate_id_number("   ", out, NULL), "18 位", "blank");
	expect_msg(validate_id_number("11010519491231002Y", out, NULL), "数字", "Y at the end");
	expect_msg(validate_id_number("1101051949123100X2", out, NULL), "X", "X inside");
	expect_msg(validate_id_number("110105 19491231 002X", out, NULL), "数字", "inner spaces");
	expect_msg(validate_id_number("11010519491231002Ｙ", out, NULL), "数字", "full-width Y");
	expect_msg(validate_id_number("身份证11010519491231002X", out, NULL), "数字", "Chinese text");
	expect_msg(validate_id_number("110105194912310021", out, NULL), "校验位错误", "wrong check digit");
	expect_msg(validate_id_number("\xff\xfe" "0105194912310021", out, NULL), "数字", "invalid UTF-8");
	const msg2 *m = validate_id_number("110105194912310021", out, NULL);
	assert_string_equal(m->zh, "身份证号校验位错误");
	assert_non_null(strstr(m->en, "check"));
}

/* ---- unified social credit codes ---------------------------------------- */

static const char *const cc_valid[] = {
	"91350100M000100Y43", /* GB 32100-2015 worked example: 9 工商, 1 企业 */
	"91110000802100433B", /* 9 1 企业 */
	"91440300708461136T", /* 9 1 企业 */
	"92510100MA61WJ3204", /* 9 2 个体工商户 */
	"51100000500019541K", /* 5 民政, 1 社会团体 */
	"52610500MJU60350X1", /* 5 民政, 2 民办非企业单位 */
	"11330283002982634F", /* 1 机构编制, 1 机关 */
	"121526004609138637", /* 1 机构编制, 2 事业单位 */
};

static void test_credit_code_vectors(void **state)
{
	(void)state;
	char out[19];
	for (size_t i = 0; i < N(cc_valid); i++) {
		const msg2 *m = validate_credit_code(cc_valid[i], out);
		if (m)
			fail_msg("%s refused: %s", cc_valid[i], m->en);
		assert_string_equal(out, cc_valid[i]);
		assert_int_equal(credit_code_check_char(cc_valid[i]), cc_valid[i][17]);
	}
	/* The standard's own illustration of a wrong check character. */
	assert_non_null(validate_credit_code("91350100M000100Y4Z", out));
	assert_non_null(validate_credit_code("91350100M000100Y42", out));
	expect_msg(validate_credit_code("91350100M000100Y42", out), "校验位错误", "wrong check char");
}

static void test_credit_code_forms(void **state)
{
	(void)state;
	char out[19];
	static const char *const forms[] = {
		"91350100m000100y43",
		"９１３５０１００Ｍ０００１００Ｙ４３",
		"９１３５０１００ｍ０００１００ｙ４３",
		"  91350100M000100Y43\t",
		"\xe3\x80\x80" "91350100M000100Y43",
	};
	for (size_t i = 0; i < N(forms); i++) {
		memset(out, 0, sizeof out);
		const msg2 *m = validate_credit_code(forms[i], out);
		if (m)
			fail_msg("\"%s\" refused: %s", forms[i], m->en);
		assert_string_equal(out, "91350100M000100Y43");
	}
}

static void test_credit_code_single_alterations(void **state)
{
	(void)state;
	/* The code's alphabet plus the five letters it never uses. */
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXYIOZSV";
	char buf[19], out[19];
	int tried = 0;
	for (size_t v = 0; v < N(cc_valid); v++)
		for (int pos = 0; pos < 18; pos++)
			for (const char *c = alphabet; *c; c++) {
				if (cc_valid[v][pos] == *c)
					continue;
				memcpy(buf, cc_valid[v], 19);
				buf[pos] = *c;
				if (!validate_credit_code(buf, out))
					fail_msg("%s (altered at %d) was accepted", buf, pos + 1);
				tried++;
			}
	assert_int_equal(tried, (int)N(cc_valid) * 18 * 35);
}

static void test_credit_code_parts(void **state)
{
	(void)state;
	char cc[19], out[19];
	expect_msg(validate_credit_code("91350100M000100Y4", out), "18 位", "17 characters");
	expect_msg(validate_credit_code("91350100M000100Y433", out), "18 位", "19 characters");
	expect_msg(validate_credit_code("", out), "18 位", "empty");
	expect_msg(validate_credit_code(NULL, out), "18 位", "NULL");
	expect_msg(validate_credit_code("91350100M0001O0Y43", out), "I、O", "letter O");
	expect_msg(validate_credit_code("91350100M000-00Y43", out), "I、O", "hyphen");

	/* Authority and kind, each with a correct check character. */
	static const struct {
		const char *first17;
		const char *part;
	} cases[] = {
		{"B1350100M000100Y4", "第 1 位"}, /* no authority B */
		{"01350100M000100Y4", "第 1 位"}, /* nor 0 */
		{"94350100M000100Y4", "第 2 位"}, /* 工商 has kinds 1–3 only */
		{"99350100M000100Y4", "第 2 位"},
		{"5A350100M000100Y4", "第 2 位"},
		{"Y2350100M000100Y4", "第 2 位"}, /* 其他 has kind 1 only */
		{"913501A0M000100Y4", "第 3–8 位"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		cc_with_check(cases[i].first17, cc);
		expect_msg(validate_credit_code(cc, out), cases[i].part, cc);
	}
	static const char *const ok17[] = {"Y1350100M000100Y4", "N3350100M000100Y4", "A1350100M000100Y4",
	                                   "81350100M000100Y4", "71350100M000100Y4", "33350100M000100Y4"};
	for (size_t i = 0; i < N(ok17); i++) {
		cc_with_check(ok17[i], cc);
		const msg2 *m = validate_credit_code(cc, out);
		if (m)
			fail_msg("%s refused: %s", cc, m->en);
	}
	assert_int_equal(credit_code_check_char("91350100M000100YI"), 0);
}

/* ---- phones -------------------------------------------------------------- */

static void test_mobile(void **state)
{
	(void)state;
	char out[PHONE_MAX];
	static const struct {
		const char *in, *want;
	} good[] = {
		{"13812345678", "13812345678"},       {"138 1234 5678", "13812345678"},
		{"138-1234-5678", "13812345678"},     {"+86 138 1234 5678", "13812345678"},
		{"+8613812345678", "13812345678"},    {"86 13812345678", "13812345678"},
		{"8613812345678", "13812345678"},     {"0086 138 1234 5678", "13812345678"},
		{"１３８１２３４５６７８", "13812345678"}, {" 19912345678 ", "19912345678"},
		{"16612345678", "16612345678"},       {"14712345678", "14712345678"},
	};
	for (size_t i = 0; i < N(good); i++) {
		memset(out, 0, sizeof out);
		const msg2 *m = validate_mobile(good[i].in, out, sizeof out);
		if (m)
			fail_msg("\"%s\" refused: %s", good[i].in, m->en);
		assert_string_equal(out, good[i].want);
	}
	static const char *const bad[] = {
		"",           "12812345678",   "10012345678",    "1381234567",       "138123456789",
		"23812345678", "+1 3812345678", "+44 13812345678", "138-1234-567a",   "(138)12345678",
		"0371-62345678", "86138123456",  "++8613812345678", "138 1234 5678 转1", "１３８１２３４５６７",
	};
	for (size_t i = 0; i < N(bad); i++)
		expect_msg(validate_mobile(bad[i], out, sizeof out), "手机", bad[i]);
	expect_msg(validate_mobile(NULL, out, sizeof out), NULL, "NULL");
	/* Too small an out buffer is refused rather than overrun. */
	char small[8];
	assert_non_null(validate_mobile("13812345678", small, sizeof small));
}

static void test_phone(void **state)
{
	(void)state;
	char out[PHONE_MAX];
	static const struct {
		const char *in, *want;
	} good[] = {
		{"0371-62345678", "0371-62345678"},
		{"037162345678", "0371-62345678"},
		{"0371 62345678", "0371-62345678"},
		{"0371-6234 5678", "0371-62345678"},
		{"(0371)62345678", "0371-62345678"},
		{"（0371）62345678", "0371-62345678"},
		{"0371-2345678", "0371-2345678"},
		{"0371-62345678-123", "0371-62345678-123"},
		{"0371-62345678转123", "0371-62345678-123"},
		{"0371-62345678 转 8001", "0371-62345678-8001"},
		{"0371-62345678 ext. 12", "0371-62345678-12"},
		{"010-88888888", "010-88888888"},
		{"01088888888", "010-88888888"},
		{"010 8888 8888", "010-88888888"},
		{"021-62345678", "021-62345678"},
		{"02962345678", "029-62345678"},
		{"+86 10 8888 8888", "010-88888888"},
		{"+86-371-62345678", "0371-62345678"},
		{"０３７１－６２３４５６７８", "0371-62345678"},
		{"13812345678", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"+852 9123 4567", "+85291234567"},
		{"00886 912 345 678", "+886912345678"},
		{"+1 (415) 555-0100", "+14155550100"},
	};
	for (size_t i = 0; i < N(good); i++) {
		memset(out, 0, sizeof out);
		const msg2 *m = validate_phone(good[i].in, out, sizeof out);
		if (m)
			fail_msg("\"%s\" refused: %s", good[i].in, m->en);
		assert_string_equal(out, good[i].want);
	}
	static const char *const bad[] = {
		"",
		"62345678",              /* no area code */
		"0371-6234567890",       /* 10-digit local number */
		"0371-623456",           /* 6 digits */
		"0371-0234567",          /* local numbers do not start with 0 */
		"0371-1234567",          /* … nor with 1 */
		"0371-12345678",
		"011-62345678",          /* 010 is the only 01x code */
		"0-62345678",
		"00-62345678",
		"0371-62345678-",        /* empty extension */
		"0371-62345678-1234567", /* extension too long */
		"0371-62345678转",
		"0371-6234-5678",
		"400-800-8888",
		"95588",
		"0371-62345678 x 12",
		"(0371-62345678",
		"abc",
		"+86",
		"+86 12345678",
		"+123",
		"0371-62345678\n123",
		"12812345678",
	};
	for (size_t i = 0; i < N(bad); i++)
		expect_msg(validate_phone(bad[i], out, sizeof out), "电话", bad[i]);
	expect_msg(validate_phone(NULL, out, sizeof out), NULL, "NULL");
	char small[10];
	assert_non_null(validate_phone("0371-62345678", small, sizeof small));
}

/* ---- dates and names ----------------------------------------------------- */

static void test_date(void **state)
{
	(void)state;
	static const char *const good[] = {"2024-02-29", "2000-02-29", "1999-12-31", "1800-01-01", "2199-12-31",
	                                   "2023-04-30"};
	static const char *const bad[] = {"2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10",
	                                  "2024-01-00", "2024-2-29",  "2024/02/29", "20240229",   "1799-12-31",
	                                  "2200-01-01", "2024-02-29 ", " 2024-02-29", "２０２４-02-29", "",
	                                  "2024-02-3a", "+024-02-29"};
	for (size_t i = 0; i < N(good); i++)
		if (validate_date(good[i]))
			fail_msg("%s refused", good[i]);
	for (size_t i = 0; i < N(bad); i++)
		expect_msg(validate_date(bad[i]), "日期", bad[i]);
	assert_non_null(validate_date(NULL));
}

static void test_person_name(void **state)
{
	(void)state;
	static const char *const good[] = {
		"张三",
		"欧阳娜娜",
		"王",
		"𠮷田",                          /* U+20BB7, outside the BMP */
		"\xf0\xaa\x9a\xb2",                  /* U+2A6B2, extension B */
		"阿卜杜拉·买买提",
		"阿卜杜拉•买买提",
		"爱新觉罗·溥仪",
		"John Smith",
		"Jean-Luc Picard",
		"O'Brien",
		"José Álvarez",
		"Jose\xcc\x81",                      /* e + combining acute */
		"Nguyễn Văn An",
		"Иван Петров",
		"ئابدۇللا",                          /* Uyghur in Arabic script */
		"བཀྲ་ཤིས་",                          /* Tibetan, with tsheg */
		"ᠪᠠᠲᠤ",                              /* Mongolian script */
		"김철수",
		"やまだ・たろう",
		"ꆈꌠ",                               /* Yi syllables */
		"葛\xf3\xa0\x84\x81",                /* with an ideographic variation selector */
		"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
	};
	for (size_t i = 0; i < N(good); i++) {
		const msg2 *m = validate_person_name(good[i]);
		if (m)
			fail_msg("\"%s\" refused: %s", good[i], m->en);
	}
	static const char *const bad[] = {
		"张三1",     "张 三",     " 张三",    "张三 ",       "·张三",   "张三·",       "阿卜杜拉··买买提",
		"John  Smith", "John Smith ", "张三!",    "张\t三",      "张三\x01", "😀",          "张三。",
		"Smith-",    "-Smith",    "张-三",    "O''Brien",    "张三（曾用名）", "１２３",       "\xff\xfe",
		"\xcc\x81" "a", "Mr. Smith", "张_三",   "王@",         "张三\xc2\x85",
	};
	for (size_t i = 0; i < N(bad); i++) {
		const msg2 *m = validate_person_name(bad[i]);
		if (!m)
			fail_msg("\"%s\" was accepted", bad[i]);
	}
	expect_msg(validate_person_name(""), "不能为空", "empty");
	expect_msg(validate_person_name(NULL), "不能为空", "NULL");
	expect_msg(validate_person_name(
	               "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"),
	           "50", "51 characters");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_published_vectors),
		cmocka_unit_test(test_id_upgrade_15),
		cmocka_unit_test(test_id_fullwidth_and_spaces),
		cmocka_unit_test(test_id_single_alterations),
		cmocka_unit_test(test_id_dates),
		cmocka_unit_test(test_id_regions),
		cmocka_unit_test(test_id_messages),
		cmocka_unit_test(test_credit_code_vectors),
		cmocka_unit_test(test_credit_code_forms),
		cmocka_unit_test(test_credit_code_single_alterations),
		cmocka_unit_test(test_credit_code_parts),
		cmocka_unit_test(test_mobile),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_person_name),
	};
	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
