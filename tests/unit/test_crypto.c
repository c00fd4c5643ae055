/*
 * test_crypto.c — unit tests of src/auth/crypto.c: sealed fields
 * (XChaCha20-Poly1305 with the column as additional data), blind indexes
 * and masks.
 *
 *   make build/unit/test_crypto && build/unit/test_crypto
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth/crypto.h"
#include "base/mem.h"

#define CTX_ID "person.id_number"
#define CTX_PHONE "person.mobile"

static void make_keys(keys *k, unsigned char seed)
{
	for (size_t i = 0; i < KEY_BYTES; i++) {
		k->audit[i] = (unsigned char)(seed + i);
		k->field[i] = (unsigned char)(seed * 3 + i * 7);
		k->index[i] = (unsigned char)(seed * 5 + i * 11);
	}
}

static void roundtrip(const keys *k, const char *plain)
{
	char *sealed = crypto_seal(k, CTX_ID, plain);
	assert_non_null(sealed);
	assert_memory_equal(sealed, "v1.", 3);
	if (strlen(plain) >= 4)
		assert_null(strstr(sealed, plain));
	char *back = NULL;
	assert_int_equal(crypto_open(k, CTX_ID, sealed, &back), 0);
	assert_non_null(back);
	assert_string_equal(back, plain);
	free(back);
	free(sealed);
}

static void test_roundtrip(void **state)
{
	(void)state;
	keys k;
	make_keys(&k, 1);
	roundtrip(&k, "");
	roundtrip(&k, "11010519491231002X");
	roundtrip(&k, "伊斯兰教");
	roundtrip(&k, "𠮷田 · 阿卜杜拉");

	/* 10 KB of mixed text. */
	size_t n = 10 * 1024;
	char *big = xmalloc(n + 1);
	static const char piece[] = "同心 unity 0123456789 ";
	for (size_t i = 0; i < n;) {
		size_t c = sizeof piece - 1 < n - i ? sizeof piece - 1 : n - i;
		memcpy(big + i, piece, c);
		i += c;
	}
	big[n] = '\0';
	/* It may end inside a multi-byte character: sealing works on bytes. */
	roundtrip(&k, big);
	free(big);

	/* Sealing twice gives different texts (random nonces). */
	char *a = crypto_seal(&k, CTX_ID, "same"), *b = crypto_seal(&k, CTX_ID, "same");
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

static void test_tamper(void **state)
{
	(void)state;
	keys k;
	make_keys(&k, 2);
	char *sealed = crypto_seal(&k, CTX_ID, "11010519491231002X");
	size_t len = strlen(sealed);
	char *copy = xmalloc(len + 1);
	char *plain = (char *)"sentinel";
	int tried = 0;
	/* Change every character of the base64 part to another base64url character. */
	for (size_t i = 3; i < len; i++) {
		memcpy(copy, sealed, len + 1);
		copy[i] = copy[i] == 'A' ? 'B' : 'A';
		if (crypto_open(&k, CTX_ID, copy, &plain) == 0)
			fail_msg("altered at %zu, still opened", i);
		assert_null(plain);
		tried++;
	}
	assert_true(tried > 40);
	/* Flip one bit of one byte of the binary form. */
	memcpy(copy, sealed, len + 1);
	copy[len / 2] ^= 0x01;
	assert_int_equal(crypto_open(&k, CTX_ID, copy, &plain), -1);

	/* Truncated, extended, wrong version, garbage. */
	memcpy(copy, sealed, len + 1);
	copy[len - 1] = '\0';
	assert_int_equal(crypto_open(&k, CTX_ID, copy, &plain), -1);
	char *longer = xasprintf("%sA", sealed);
	assert_int_equal(crypto_open(&k, CTX_ID, longer, &plain), -1);
	free(longer);
	memcpy(copy, sealed, len + 1);
	copy[1] = '2';
	assert_int_equal(crypto_open(&k, CTX_ID, copy, &plain), -1);
	assert_int_equal(crypto_open(&k, CTX_ID, "", &plain), -1);
	assert_int_equal(crypto_open(&k, CTX_ID, "v1.", &plain), -1);
	assert_int_equal(crypto_open(&k, CTX_ID, "v1.AAAA", &plain), -1);
	assert_int_equal(crypto_open(&k, CTX_ID, "v1.!!!!", &plain), -1);
	assert_int_equal(crypto_open(&k, CTX_ID, "11010519491231002X", &plain), -1);
	assert_int_equal(crypto_open(&k, CTX_ID, NULL, &plain), -1);
	assert_null(plain);

	/* The untouched text still opens. */
	assert_int_equal(crypto_open(&k, CTX_ID, sealed, &plain), 0);
	assert_string_equal(plain, "11010519491231002X");
	free(plain);
	free(copy);
	free(sealed);
}

static void test_context_and_key(void **state)
{
	(void)state;
	keys k, other;
	make_keys(&k, 3);
	make_keys(&other, 4);
	char *sealed = crypto_seal(&k, CTX_ID, "13812345678");
	char *plain = NULL;
	/* Another column. */
	assert_int_equal(crypto_open(&k, CTX_PHONE, sealed, &plain), -1);
	assert_int_equal(crypto_open(&k, "person.id_numbe", sealed, &plain), -1);
	assert_int_equal(crypto_open(&k, "", sealed, &plain), -1);
	/* Another key. */
	assert_int_equal(crypto_open(&other, CTX_ID, sealed, &plain), -1);
	/* Only the field key matters for sealing: changing the index key does not. */
	keys same_field = k;
	same_field.index[0] ^= 0xFF;
	same_field.audit[0] ^= 0xFF;
	assert_int_equal(crypto_open(&same_field, CTX_ID, sealed, &plain), 0);
	assert_string_equal(plain, "13812345678");
	free(plain);
	keys one_bit = k;
	one_bit.field[KEY_BYTES - 1] ^= 0x80;
	assert_int_equal(crypto_open(&one_bit, CTX_ID, sealed, &plain), -1);
	assert_null(plain);
	free(sealed);
}

static int is_hex64(const char *s)
{
	if (strlen(s) != BLIND_INDEX_HEX)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static void test_blind_index(void **state)
{
	(void)state;
	keys k, other;
	make_keys(&k, 5);
	make_keys(&other, 6);
	char a[BLIND_INDEX_HEX + 1], b[BLIND_INDEX_HEX + 1], c[BLIND_INDEX_HEX + 1], d[BLIND_INDEX_HEX + 1],
		e[BLIND_INDEX_HEX + 1], f[BLIND_INDEX_HEX + 1];
	crypto_blind_index(&k, CTX_ID, "11010519491231002X", a);
	crypto_blind_index(&k, CTX_ID, "11010519491231002X", b);
	assert_true(is_hex64(a));
	assert_string_equal(a, b); /* deterministic */
	crypto_blind_index(&k, CTX_PHONE, "11010519491231002X", c);
	assert_string_not_equal(a, c); /* per context */
	crypto_blind_index(&other, CTX_ID, "11010519491231002X", d);
	assert_string_not_equal(a, d); /* per key */
	crypto_blind_index(&k, CTX_ID, "110105194912310021", e);
	assert_string_not_equal(a, e); /* per value */
	/* Context and value are not simply concatenated. */
	crypto_blind_index(&k, "person.id", "_number11010519491231002X", f);
	assert_string_not_equal(a, f);
	crypto_blind_index(&k, CTX_ID, "", f);
	assert_true(is_hex64(f));
	/* The field key plays no part. */
	keys same_index = k;
	same_index.field[0] ^= 0xFF;
	crypto_blind_index(&same_index, CTX_ID, "11010519491231002X", f);
	assert_string_equal(a, f);
}

static void expect_mask(char *got, const char *want)
{
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_masks(void **state)
{
	(void)state;
	expect_mask(mask_id_number("370683199001011234"), "370683********1234");
	expect_mask(mask_id_number("11010519491231002X"), "110105********002X");
	expect_mask(mask_id_number("110105491231002"), "110105*****1002");
	expect_mask(mask_id_number("12345678901"), "123456*8901");
	expect_mask(mask_id_number("1234567890"), "**********");
	expect_mask(mask_id_number(""), "");
	expect_mask(mask_id_number("一二三四五六七八九十甲乙"), "一二三四五六**九十甲乙");
	assert_null(mask_id_number(NULL));

	expect_mask(mask_phone("13812345678"), "138****5678");
	expect_mask(mask_phone("0371-63456789"), "0371-******89");
	expect_mask(mask_phone("010-88888888"), "010-******88");
	expect_mask(mask_phone("0371-2345678"), "0371-*****78");
	expect_mask(mask_phone("0371-63456789-123"), "0371-******89-***");
	expect_mask(mask_phone("+85291234567"), "+852******67");
	expect_mask(mask_phone("95588"), "***88");
	expect_mask(mask_phone("12"), "**");
	expect_mask(mask_phone("电话一二三"), "***二三");
	expect_mask(mask_phone(""), "");
	assert_null(mask_phone(NULL));

	expect_mask(mask_text("张三"), "张*");
	expect_mask(mask_text("欧阳娜娜"), "欧*");
	expect_mask(mask_text("𠮷田"), "𠮷*");
	expect_mask(mask_text("阿卜杜拉·买买提"), "阿*");
	expect_mask(mask_text("Alice"), "A*");
	expect_mask(mask_text("王"), "王*");
	expect_mask(mask_text(""), "");
	assert_null(mask_text(NULL));
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_context_and_key),
		cmocka_unit_test(test_blind_index),
		cmocka_unit_test(test_masks),
	};
	return cmocka_run_group_tests_name("crypto", tests, NULL, NULL);
}
