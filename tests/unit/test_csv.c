/*
 * test_csv.c — unit tests of src/io/csv.c: RFC 4180 quoting ("" escapes,
 * line breaks inside quotes, CRLF, LF and CR), byte-order marks, GBK and
 * UTF-16 input, tab-separated files, empty lines and row numbers, limits,
 * and the writer (BOM, quoting, the formula-injection guard) read back.
 *
 *   make build/unit/test_csv && build/unit/test_csv
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <iconv.h>

#include "base/buf.h"
#include "base/mem.h"
#include "io/csv.h"

typedef struct rows {
	int n;
	int64_t num[32];
	char *cells[32][8];
	int ncells[32];
} rows;

static int collect(void *ctx, int64_t row, char **cells, int n)
{
	rows *r = ctx;
	if (r->n < 32) {
		r->num[r->n] = row;
		r->ncells[r->n] = n;
		for (int i = 0; i < n && i < 8; i++)
			r->cells[r->n][i] = xstrdup(cells[i]);
		r->n++;
	}
	return 0;
}

static void rows_free(rows *r)
{
	for (int i = 0; i < r->n; i++)
		for (int k = 0; k < r->ncells[i] && k < 8; k++)
			free(r->cells[i][k]);
	memset(r, 0, sizeof *r);
}

static const char *cell(rows *r, int row, int col)
{
	if (row >= r->n || col >= r->ncells[row])
		return "";
	return r->cells[row][col];
}

static void read_ok(const char *data, size_t len, rows *r)
{
	sheet_err err;
	memset(r, 0, sizeof *r);
	int rc = csv_read(data, len, NULL, collect, r, &err);
	if (rc)
		fail_msg("refused: %s (row %lld)", err.m ? err.m->en : "?", (long long)err.row);
}

static void test_quoting(void **state)
{
	(void)state;
	static const char in[] = "姓名,备注,电话\r\n"
	                         "\"张三\",\"说\"\"你好\"\"，再见\",13812345678\r\n"
	                         "李四,\"两行\r\n文字\",\"a,b\"\n"
	                         "王五,,\r"
	                         "\"\",\"\",\"x\"\"\"";
	rows r;
	read_ok(in, sizeof in - 1, &r);
	assert_int_equal(r.n, 5);
	assert_string_equal(cell(&r, 0, 2), "电话");
	assert_string_equal(cell(&r, 1, 0), "张三");
	assert_string_equal(cell(&r, 1, 1), "说\"你好\"，再见");
	assert_string_equal(cell(&r, 2, 1), "两行\r\n文字");
	assert_string_equal(cell(&r, 2, 2), "a,b");
	assert_int_equal(r.num[2], 3);
	assert_string_equal(cell(&r, 3, 0), "王五");
	assert_int_equal(r.ncells[3], 1); /* trailing empty cells dropped */
	assert_int_equal(r.num[3], 4);
	/* The last record, without a line end: "" "" "x""" */
	assert_int_equal(r.num[4], 5);
	assert_string_equal(cell(&r, 4, 0), "");
	assert_string_equal(cell(&r, 4, 2), "x\"");
	rows_free(&r);
}

static void test_empty_lines_and_rows(void **state)
{
	(void)state;
	static const char in[] = "h1,h2\n\n,\n  ,\nv1,v2\n\n";
	rows r;
	read_ok(in, sizeof in - 1, &r);
	/* ",": all empty, skipped; "  ,": a space is a value (the importer trims). */
	assert_int_equal(r.n, 3);
	assert_int_equal(r.num[0], 1);
	assert_int_equal(r.num[1], 4);
	assert_int_equal(r.num[2], 5);
	assert_string_equal(cell(&r, 2, 1), "v2");
	rows_free(&r);
}

static void test_bom_and_encodings(void **state)
{
	(void)state;
	rows r;
	static const char bom[] = "\xEF\xBB\xBF姓名,民族\n张三,汉族\n";
	read_ok(bom, sizeof bom - 1, &r);
	assert_int_equal(r.n, 2);
	assert_string_equal(cell(&r, 0, 0), "姓名");
	assert_string_equal(cell(&r, 1, 1), "汉族");
	rows_free(&r);

	/* GBK, as Excel in China saves "CSV (逗号分隔)". */
	static const char utf8[] = "姓名,民族,单位\r\n张三,汉族,东城街道/和平社区\r\n";
	iconv_t cd = iconv_open("GBK", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	char gbk[256], *in = (char *)utf8, *out = gbk;
	size_t inleft = sizeof utf8 - 1, outleft = sizeof gbk;
	assert_true(iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1);
	iconv_close(cd);
	size_t glen = sizeof gbk - outleft;
	assert_true(glen < sizeof utf8 - 1); /* really a different encoding */
	read_ok(gbk, glen, &r);
	assert_int_equal(r.n, 2);
	assert_string_equal(cell(&r, 0, 1), "民族");
	assert_string_equal(cell(&r, 1, 2), "东城街道/和平社区");
	rows_free(&r);

	/* UTF-16LE with its BOM ("Unicode text"), tab-separated. */
	static const char u16[] = "\xFF\xFE\xD3\x59\x0D\x54\x09\x00\x11\x6C\xCF\x65\x0A\x00\x20\x5F\x09\x4E\x09\x00"
	                          "\x49\x6C\xCF\x65\x0A\x00";
	read_ok(u16, sizeof u16 - 1, &r);
	assert_int_equal(r.n, 2);
	assert_string_equal(cell(&r, 0, 0), "姓名");
	assert_string_equal(cell(&r, 0, 1), "民族");
	assert_string_equal(cell(&r, 1, 0), "张三");
	assert_string_equal(cell(&r, 1, 1), "汉族");
	rows_free(&r);

	/* Bytes that are neither UTF-8 nor GB18030. */
	sheet_err err;
	memset(&r, 0, sizeof r);
	static const char junk[] = "a,b\n\x80\x81\xFF\xFE\x30";
	assert_int_equal(csv_read(junk, sizeof junk - 1, NULL, collect, &r, &err), -1);
	assert_non_null(err.m);
	rows_free(&r);
	/* A BOM that lies. */
	static const char liar[] = "\xEF\xBB\xBF\xC4\xE3\xBA\xC3";
	assert_int_equal(csv_read(liar, sizeof liar - 1, NULL, collect, &r, &err), -1);
	rows_free(&r);
}

static void test_errors_and_limits(void **state)
{
	(void)state;
	rows r = {0};
	sheet_err err;
	static const char open_quote[] = "a,b\n1,\"never closed\n2,3\n";
	assert_int_equal(csv_read(open_quote, sizeof open_quote - 1, NULL, collect, &r, &err), -1);
	assert_int_equal(err.row, 2);
	assert_non_null(strstr(err.m->en, "not closed"));
	rows_free(&r);

	sheet_limits lim = SHEET_LIMITS_DEFAULT;
	lim.max_rows = 2;
	static const char three[] = "a\nb\nc\n";
	assert_int_equal(csv_read(three, sizeof three - 1, &lim, collect, &r, &err), -1);
	assert_int_equal(err.row, 3);
	rows_free(&r);

	lim = (sheet_limits)SHEET_LIMITS_DEFAULT;
	lim.max_cols = 3;
	static const char wide[] = "a,b,c,d\n";
	assert_int_equal(csv_read(wide, sizeof wide - 1, &lim, collect, &r, &err), -1);
	rows_free(&r);
	/* Empty cells beyond the limit are fine. */
	static const char wide_empty[] = "a,b,c,,,\n";
	assert_int_equal(csv_read(wide_empty, sizeof wide_empty - 1, &lim, collect, &r, &err), 0);
	rows_free(&r);

	lim = (sheet_limits)SHEET_LIMITS_DEFAULT;
	lim.max_cell = 4;
	static const char longcell[] = "abcdef\n";
	assert_int_equal(csv_read(longcell, sizeof longcell - 1, &lim, collect, &r, &err), -1);
	rows_free(&r);

	lim = (sheet_limits)SHEET_LIMITS_DEFAULT;
	lim.max_bytes = 4;
	assert_int_equal(csv_read(longcell, sizeof longcell - 1, &lim, collect, &r, &err), -1);
	rows_free(&r);
}

static void test_writer(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	csv_write_bom(&b);
	const char *h[] = {"姓名", "备注", "电话"};
	csv_write_row(&b, h, 3);
	const char *r1[] = {"=HYPERLINK(\"http://x\")", "a,b \"c\"", "+8613812345678"};
	csv_write_row(&b, r1, 3);
	const char *r2[] = {"-5", "@SUM(A1)", NULL};
	csv_write_row(&b, r2, 3);
	const char *r3[] = {" lead", "two\nlines", "plain"};
	csv_write_row(&b, r3, 3);
	assert_memory_equal(b.data, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(b.data, "\"'=HYPERLINK(\"\"http://x\"\")\",\"a,b \"\"c\"\"\",'+8613812345678\r\n"));
	assert_non_null(strstr(b.data, "'-5,'@SUM(A1),\r\n"));
	assert_non_null(strstr(b.data, "\" lead\",\"two\nlines\",plain\r\n"));
	rows r;
	read_ok(b.data, b.len, &r);
	assert_int_equal(r.n, 4);
	assert_string_equal(cell(&r, 0, 0), "姓名");
	assert_string_equal(cell(&r, 1, 0), "'=HYPERLINK(\"http://x\")");
	assert_string_equal(cell(&r, 1, 1), "a,b \"c\"");
	assert_string_equal(cell(&r, 3, 0), " lead");
	assert_string_equal(cell(&r, 3, 1), "two\nlines");
	rows_free(&r);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),           cmocka_unit_test(test_empty_lines_and_rows),
		cmocka_unit_test(test_bom_and_encodings), cmocka_unit_test(test_errors_and_limits),
		cmocka_unit_test(test_writer),
	};
	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
