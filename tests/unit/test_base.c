/*
 * test_base.c — unit tests of src/base: buf, jw, util, err.
 *
 *   make build/unit/test_base && build/unit/test_base
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "base/buf.h"
#include "base/jw.h"
#include "base/err.h"
#include "base/util.h"

/* ---- buf -------------------------------------------------------------- */

static void test_buf_append(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	buf_puts(&b, "abc");
	buf_putc(&b, '-');
	buf_append(&b, "x\0y", 3); /* binary data, NUL included */
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.data, "abc-x\0y", 7);
	assert_int_equal(b.data[7], 0); /* always NUL-terminated */
	assert_true(b.cap >= b.len + 1);

	buf_append(&b, NULL, 0); /* appending nothing is fine */
	assert_int_equal(b.len, 7);

	buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_puts(&b, "again");
	assert_string_equal(b.data, "again");
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

static void test_buf_printf(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	buf_printf(&b, "%d-%s", 42, "中文");
	assert_string_equal(b.data, "42-中文");
	assert_int_equal(b.len, strlen("42-中文"));
	buf_printf(&b, "|%05.1f", 3.14159);
	assert_string_equal(b.data, "42-中文|003.1");

	/* Longer than the first allocation: grows in one step. */
	char big[1000];
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = 0;
	buf_printf(&b, "[%s]", big);
	assert_int_equal(b.len, strlen("42-中文|003.1") + 1001);
	assert_true(b.cap > b.len);
	assert_int_equal(b.data[b.len - 1], ']');
	assert_int_equal(b.data[b.len], 0);

	/* An empty result changes nothing. */
	size_t len = b.len;
	buf_printf(&b, "%s", "");
	assert_int_equal(b.len, len);
	buf_free(&b);
}

static void test_buf_growth(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	for (int i = 0; i < 10000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 10000);
	assert_true(b.cap >= 10001);
	/* Capacity doubles from 64: a power-of-two multiple of it. */
	assert_int_equal(b.cap % 64, 0);
	assert_int_equal((b.cap / 64) & (b.cap / 64 - 1), 0);
	for (int i = 0; i < 10000; i++)
		if (b.data[i] != (char)('a' + i % 26))
			fail_msg("byte %d is %c", i, b.data[i]);
	assert_int_equal(b.data[10000], 0);

	buf_reserve(&b, 100000);
	assert_true(b.cap >= 110001);
	assert_int_equal(b.len, 10000);
	buf_free(&b);
}

static void test_buf_detach(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	char *s = buf_detach(&b); /* never NULL, even when nothing was written */
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);

	buf_puts(&b, "hello");
	s = buf_detach(&b);
	assert_string_equal(s, "hello");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	buf_puts(&b, "next"); /* the buffer is usable again */
	assert_string_equal(b.data, "next");
	assert_string_equal(s, "hello");
	free(s);
	buf_free(&b);
}

/* ---- util ------------------------------------------------------------- */

static void test_parse_i64(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_int_equal(util_parse_i64("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(util_parse_i64("12345", &v), 0);
	assert_int_equal(v, 12345);
	assert_int_equal(util_parse_i64("-17", &v), 0);
	assert_int_equal(v, -17);
	assert_int_equal(util_parse_i64("007", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(util_parse_i64("9223372036854775807", &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(util_parse_i64("-9223372036854775808", &v), 0);
	assert_true(v == INT64_MIN);

	static const char *const bad[] = {
		"",                     /* empty */
		"9223372036854775808",  /* overflow */
		"-9223372036854775809", /* underflow */
		"99999999999999999999999",
		"+5",  /* leading '+' */
		" 5",  /* leading space */
		"5 ",  /* trailing space */
		"\t5", /* leading tab */
		"5\n", /* trailing newline */
		"-",   /* sign only */
		"+",
		"--1",
		"-+1",
		"- 1",
		"12a",
		"0x10",
		"1e3",
		"1.0",
		"１２", /* full-width digits */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 99;
		if (util_parse_i64(bad[i], &v) != -1)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_int_equal(v, 99); /* untouched on failure */
	}
	assert_int_equal(util_parse_i64(NULL, &v), -1);
}

static void test_utf8_valid(void **state)
{
	(void)state;
#define OK(s) assert_true(util_utf8_valid(s, sizeof(s) - 1))
#define BAD(s) assert_false(util_utf8_valid(s, sizeof(s) - 1))
	OK("");
	OK("plain ASCII ~");
	OK("统一战线工作部");        /* CJK, 3 bytes each */
	OK("\xF0\xA0\xAE\xB7");      /* 𠮷 U+20BB7, 4 bytes */
	OK("𠮷野家");                /* same, as a literal */
	OK("\xC2\x80");              /* U+0080, smallest 2-byte */
	OK("\xE0\xA0\x80");          /* U+0800, smallest 3-byte */
	OK("\xED\x9F\xBF");          /* U+D7FF, just below the surrogates */
	OK("\xEE\x80\x80");          /* U+E000, just above */
	OK("\xF4\x8F\xBF\xBF");      /* U+10FFFF, the last code point */
	OK("\xEF\xBB\xBF");          /* BOM is a valid character */
	BAD("\xC0\x80");             /* overlong NUL */
	BAD("\xC1\xBF");             /* overlong 2-byte */
	BAD("\xE0\x80\x80");         /* overlong 3-byte */
	BAD("\xE0\x9F\xBF");         /* overlong U+07FF */
	BAD("\xF0\x80\x80\x80");     /* overlong 4-byte */
	BAD("\xF0\x8F\xBF\xBF");     /* overlong U+FFFF */
	BAD("\xED\xA0\x80");         /* U+D800, high surrogate */
	BAD("\xED\xBF\xBF");         /* U+DFFF, low surrogate */
	BAD("\xED\xA0\xBD\xED\xB8\x80"); /* CESU-8 surrogate pair */
	BAD("\xF4\x90\x80\x80");     /* U+110000 */
	BAD("\xF5\x80\x80\x80");     /* lead byte beyond U+10FFFF */
	BAD("\xF8\x88\x80\x80\x80"); /* 5-byte form */
	BAD("\xFF");
	BAD("\x80");     /* lone continuation */
	BAD("a\xBF" "b");
	BAD("\xE4\xB8"); /* truncated 3-byte (中 is E4 B8 AD) */
	BAD("\xF0\xA0\xAE"); /* truncated 4-byte */
	BAD("\xC2");
	BAD("\xE4\xB8" "a"); /* truncated, followed by ASCII */
	BAD("ab\xE4");
	BAD("a\0b");         /* NUL inside */
	BAD("\0");
	BAD("\xE4\x00\xAD"); /* NUL in place of a continuation byte */
#undef OK
#undef BAD
	/* The length given is what counts: a cut in the middle of 中 is caught. */
	assert_false(util_utf8_valid("中", 2));
	assert_true(util_utf8_valid("中", 3));
	assert_true(util_utf8_valid("中x", 3));
}

/* ---- jw: the text jansson's compact dump gives for the same values ----- */

static void assert_str_as_jansson(const char *s, size_t n)
{
	json_t *v = json_stringn(s, n);
	assert_non_null(v);
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	buf b = BUF_INIT;
	jw_strn(&b, s, n);
	assert_string_equal(b.data, want);
	free(want);
	json_decref(v);
	buf_free(&b);
}

static void test_jw_strings(void **state)
{
	(void)state;
	/* Every ASCII character alone and inside text: control characters, '"', '\\', '/' and DEL. */
	for (int c = 0; c < 0x80; c++) {
		char one[1] = {(char)c}, mid[5] = {'a', (char)c, 'b', (char)c, 'c'};
		assert_str_as_jansson(one, 1);
		assert_str_as_jansson(mid, 5);
	}
	static const char *const texts[] = {
		"",
		"plain",
		"统一战线工作部",
		"𠮷野家 😀",
		"\xC2\x80\xEF\xBB\xBF\xF4\x8F\xBF\xBF",
		"line\nbreak\ttab \"quoted\" back\\slash </script> \xE2\x80\xA8",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		assert_str_as_jansson(texts[i], strlen(texts[i]));

	/* Not UTF-8 (never stored: input is checked): each bad byte becomes U+FFFD, the JSON stays valid. */
	buf b = BUF_INIT;
	jw_str(&b, "a\xFF"
	           "b\xE4\xB8"
	           "c\xED\xA0\x80");
	assert_string_equal(b.data, "\"a\\uFFFDb\\uFFFD\\uFFFDc\\uFFFD\\uFFFD\\uFFFD\"");
	json_t *v = json_loads(b.data, JSON_DECODE_ANY, NULL);
	assert_non_null(v);
	json_decref(v);
	buf_clear(&b);
	jw_str(&b, NULL);
	assert_string_equal(b.data, "null");
	buf_free(&b);
}

static void test_jw_values(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	buf_putc(&b, '{');
	jw_key(&b, "i");
	jw_int(&b, 0);
	jw_key(&b, "max");
	jw_int(&b, INT64_MAX);
	jw_key(&b, "min");
	jw_int(&b, INT64_MIN);
	jw_key(&b, "neg");
	jw_int(&b, -42);
	jw_key(&b, "t");
	jw_bool(&b, 7);
	jw_key(&b, "f");
	jw_bool(&b, 0);
	jw_key(&b, "n");
	jw_null(&b);
	jw_key(&b, "a");
	buf_putc(&b, '[');
	for (int i = 1; i <= 3; i++) {
		jw_sep(&b);
		jw_int(&b, i);
	}
	buf_putc(&b, ']');
	jw_key(&b, "o");
	buf_append(&b, "{}", 2);
	buf_putc(&b, '}');

	json_t *want = json_pack("{s:I, s:I, s:I, s:I, s:b, s:b, s:n, s:[i, i, i], s:{}}", "i", (json_int_t)0, "max",
	                         (json_int_t)INT64_MAX, "min", (json_int_t)INT64_MIN, "neg", (json_int_t)-42, "t", 1,
	                         "f", 0, "n", "a", 1, 2, 3, "o");
	char *w = json_dumps(want, JSON_COMPACT);
	assert_string_equal(b.data, w);
	free(w);
	json_decref(want);

	/* Members added to an object already closed. */
	jw_reopen(&b);
	jw_key(&b, "more");
	jw_bool(&b, 1);
	buf_putc(&b, '}');
	assert_non_null(strstr(b.data, "\"o\":{},\"more\":true}"));
	buf_clear(&b);
	buf_append(&b, "{}", 2);
	jw_reopen(&b);
	jw_key(&b, "only");
	jw_int(&b, 1);
	buf_putc(&b, '}');
	assert_string_equal(b.data, "{\"only\":1}");
	buf_free(&b);
}

static void test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(util_utf8_len(""), 0);
	assert_int_equal(util_utf8_len("abc"), 3);
	assert_int_equal(util_utf8_len("中文"), 2);
	assert_int_equal(util_utf8_len("𠮷"), 1);
	assert_int_equal(util_utf8_len("a中𠮷é!"), 5);
}

static void test_iso_time(void **state)
{
	(void)state;
	char out[32];
	util_iso_time(0, out, sizeof out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	util_iso_time(1795680000, out, sizeof out);
	assert_string_equal(out, "2026-11-26T08:00:00Z");
	util_iso_time(951868799, out, sizeof out); /* leap day, end of */
	assert_string_equal(out, "2000-02-29T23:59:59Z");
	char exact[21]; /* the documented minimum */
	util_iso_time(1795680000, exact, sizeof exact);
	assert_string_equal(exact, "2026-11-26T08:00:00Z");
	/* Now is after the code was written and formats the same way. */
	util_iso_time(util_now(), out, sizeof out);
	assert_int_equal(strlen(out), 20);
	assert_true(strcmp(out, "2025-01-01T00:00:00Z") > 0);
}

/* The same text as gmtime_r and strftime give, over the whole of the years the fast path formats and around. */
static void test_iso_time_as_strftime(void **state)
{
	(void)state;
	char got[32], want[32];
	static const int64_t edges[] = {-1,          0,           59,          86399,        86400,
	                                951782400,   951868799,   4107542399,  253402300799, 253402300800,
	                                -30610224000, -30610224001, -62135596800, INT32_MAX,    (int64_t)INT32_MAX + 1};
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		time_t tt = (time_t)edges[i];
		struct tm tm;
		assert_non_null(gmtime_r(&tt, &tm));
		strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
		util_iso_time(edges[i], got, sizeof got);
		assert_string_equal(got, want);
	}
	/* Every day from 1900 to 2200 at a second that moves through the day. */
	for (int64_t t = -2208988800; t < 7258118400; t += 86400 + 7) {
		time_t tt = (time_t)t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
		util_iso_time(t, got, sizeof got);
		assert_string_equal(got, want);
	}
}

static void test_b64url_decode(void **state)
{
	(void)state;
	unsigned char data[300], out[300];
	size_t n;
	for (size_t len = 0; len < sizeof data; len++) {
		util_random(data, len);
		char *s = util_b64url(data, len);
		assert_int_equal(util_b64url_decode(s, strlen(s), out, sizeof out, &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(out, data, len);
		/* One byte too little room is an error, not an overrun. */
		if (len)
			assert_int_equal(util_b64url_decode(s, strlen(s), out, len - 1, &n), -1);
		free(s);
	}
	/* What util_b64url never writes (and sodium_base642bin refuses). */
	static const char *const bad[] = {"A", "AAAAA", "AB", "AAB", "QQ=", "Q Q", "QQ\n", "+/8", "QR", "QUF"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(util_b64url_decode(bad[i], strlen(bad[i]), out, sizeof out, &n), -1);
		assert_int_not_equal(sodium_base642bin(out, sizeof out, bad[i], strlen(bad[i]), NULL, &n, NULL,
		                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
		                     0);
	}
	assert_int_equal(util_b64url_decode("-_8", 3, out, sizeof out, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], 0xFB);
	assert_int_equal(out[1], 0xFF);
}

static void test_b64url(void **state)
{
	(void)state;
	unsigned char bytes[64];
	for (size_t i = 0; i < sizeof bytes; i++)
		bytes[i] = (unsigned char)(i * 37 + 251);
	for (size_t n = 0; n <= sizeof bytes; n++) {
		char *s = util_b64url(bytes, n);
		/* No padding: ceil(4n/3) characters from the URL-safe alphabet. */
		assert_int_equal(strlen(s), (4 * n + 2) / 3);
		assert_int_equal(strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
		                 strlen(s));
		free(s);
	}
	char *s = util_b64url("\xfb\xff\xbf", 3);
	assert_string_equal(s, "-_-_");
	free(s);
	s = util_b64url("f", 1);
	assert_string_equal(s, "Zg");
	free(s);
	unsigned char tok[32];
	util_random(tok, sizeof tok);
	s = util_b64url(tok, sizeof tok);
	assert_int_equal(strlen(s), 43); /* a session token */
	free(s);
}

static void test_ct_equal(void **state)
{
	(void)state;
	unsigned char a[32], b[32];
	util_random(a, sizeof a);
	memcpy(b, a, sizeof b);
	assert_true(util_ct_equal(a, b, sizeof a));
	b[31] ^= 1;
	assert_false(util_ct_equal(a, b, sizeof a));
	assert_true(util_ct_equal(a, b, 31));
	b[31] ^= 1;
	b[0] ^= 0x80;
	assert_false(util_ct_equal(a, b, sizeof a));
	assert_true(util_ct_equal("x", "y", 0));
}

/* ---- err -------------------------------------------------------------- */

static void test_err_table(void **state)
{
	(void)state;
	for (int e = 0; e < TX_ERR__MAX; e++) {
		int status = err_http_status((tx_err)e);
		const char *code = err_code((tx_err)e);
		const char *text = err_text((tx_err)e);
		assert_non_null(code);
		assert_non_null(text);
		assert_true(*code && *text);
		assert_true(status >= 200 && status <= 599);
		if (e == TX_OK)
			assert_int_equal(status, 200);
		else
			assert_true(status >= 400);
		/* System errors never leak detail in their code. */
		if (status >= 500)
			assert_string_equal(code, "internal");
		else
			assert_string_not_equal(code, "internal");
	}
	assert_int_equal(err_http_status(TX_OK), 200);
	assert_string_equal(err_code(TX_OK), "ok");
	assert_int_equal(err_http_status(TX_ENOTFOUND), 404);
	assert_string_equal(err_code(TX_ENOTFOUND), "not_found");
	assert_int_equal(err_http_status(TX_EINVAL), 400);
	assert_string_equal(err_code(TX_EINVAL), "validation.failed");
	assert_int_equal(err_http_status(TX_EAUTH), 401);
	assert_int_equal(err_http_status(TX_EFORBIDDEN), 403);
	assert_int_equal(err_http_status(TX_ECONFLICT), 409);
	assert_int_equal(err_http_status(TX_ETHROTTLE), 429);
	assert_int_equal(err_http_status(TX_EDB), 500);
}

static void test_err_out_of_range(void **state)
{
	(void)state;
	static const int bad[] = {TX_ERR__MAX, TX_ERR__MAX + 1, 1000, -1, -1000};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		tx_err e = (tx_err)bad[i];
		assert_int_equal(err_http_status(e), 500);
		assert_string_equal(err_code(e), "internal");
		assert_string_equal(err_text(e), "internal error");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_append),   cmocka_unit_test(test_buf_printf),
		cmocka_unit_test(test_buf_growth),   cmocka_unit_test(test_buf_detach),
		cmocka_unit_test(test_parse_i64),    cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_len),     cmocka_unit_test(test_iso_time),
		cmocka_unit_test(test_b64url),       cmocka_unit_test(test_ct_equal),
		cmocka_unit_test(test_err_table),    cmocka_unit_test(test_err_out_of_range),
		cmocka_unit_test(test_jw_strings),   cmocka_unit_test(test_jw_values),
		cmocka_unit_test(test_iso_time_as_strftime), cmocka_unit_test(test_b64url_decode),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
