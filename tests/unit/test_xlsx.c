/*
 * test_xlsx.c — unit tests of src/io/xlsx.c: workbooks written with
 * libxlsxwriter (inline strings in constant-memory mode, shared strings
 * otherwise) read back; a hand-made workbook (built with libzip) with
 * inline and rich strings, phonetic runs, formula strings, booleans,
 * errors, dates as serials in the 1904 system, custom date formats,
 * missing cell references, gaps and empty rows, namespace prefixes;
 * serial dates; and hostile files: not a zip, a zip bomb, an oversized
 * entry, a DOCTYPE with entities, too many rows, columns or bytes per cell.
 *
 *   make build/unit/test_xlsx && build/unit/test_xlsx
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/util.h"
#include "io/xlsx.h"

/* ---- collecting rows ---- */

typedef struct rows {
	int n;
	int64_t num[64];
	char *cells[64][16];
	int ncells[64];
	int stop_after;
} rows;

static int collect(void *ctx, int64_t row, char **cells, int n)
{
	rows *r = ctx;
	if (r->n < 64) {
		r->num[r->n] = row;
		r->ncells[r->n] = n;
		for (int i = 0; i < n && i < 16; i++)
			r->cells[r->n][i] = xstrdup(cells[i]);
		r->n++;
	}
	return r->stop_after && r->n >= r->stop_after;
}

static void rows_free(rows *r)
{
	for (int i = 0; i < r->n && i < 64; i++)
		for (int k = 0; k < r->ncells[i] && k < 16; k++)
			free(r->cells[i][k]);
	memset(r, 0, sizeof *r);
}

static const char *cell(rows *r, int row, int col)
{
	if (row >= r->n || col >= r->ncells[row])
		return "";
	return r->cells[row][col];
}

/* ---- building zips in memory ---- */

typedef struct part {
	const char *name;
	const char *data;
	size_t len; /* 0: strlen */
} part;

static char *make_zip(const part *parts, int n, size_t *len)
{
	char path[] = "/tmp/tongxin-test-zip-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	int err = 0;
	zip_t *z = zip_open(path, ZIP_TRUNCATE, &err);
	assert_non_null(z);
	for (int i = 0; i < n; i++) {
		size_t l = parts[i].len ? parts[i].len : strlen(parts[i].data);
		zip_source_t *s = zip_source_buffer(z, parts[i].data, l, 0);
		assert_non_null(s);
		assert_true(zip_file_add(z, parts[i].name, s, ZIP_FL_OVERWRITE) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	char *data;
	assert_int_equal(util_read_file(path, &data, len), 0);
	unlink(path);
	return data;
}

static const char CT[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types "
                         "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";
static const char RELS[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\""
	" Target=\"xl/workbook.xml\"/></Relationships>";
static const char WB_RELS[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\""
	" Target=\"styles.xml\"/>"
	"<Relationship Id=\"rId7\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\""
	" Target=\"/xl/worksheets/data.xml\"/>"
	"<Relationship Id=\"rId8\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\""
	" Target=\"worksheets/other.xml\"/></Relationships>";
/* The first sheet in tab order is rId7, though rId8 comes first in no way that matters. */
static const char WB_1904[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
	" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	"<x:workbookPr date1904=\"1\"/><x:sheets><x:sheet name=\"数据\" sheetId=\"2\" r:id=\"rId7\"/>"
	"<x:sheet name=\"other\" sheetId=\"1\" r:id=\"rId8\"/></x:sheets></x:workbook>";
static const char STYLES[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
	"<numFmt numFmtId=\"165\" formatCode=\"#,##0.00&quot;元&quot;\"/></numFmts>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"14\"/><xf numFmtId=\"165\"/></cellXfs>"
	"</styleSheet>";
static const char SHEET[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>"
	/* row 1: inline strings, a rich one with a phonetic run, a gap at B */
	"<x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>姓名</x:t></x:is></x:c>"
	"<x:c r=\"C1\" t=\"inlineStr\"><x:is><x:r><x:t>出生</x:t></x:r><x:r><x:t xml:space=\"preserve\">日期 </x:t></x:r>"
	"<x:rPh sb=\"0\" eb=\"1\"><x:t>しゅっせい</x:t></x:rPh></x:is></x:c></x:row>"
	/* row 2: an empty row element */
	"<x:row r=\"2\"></x:row>"
	/* row 3: cells without references; a formula string; a boolean; an error */
	"<x:row r=\"3\"><x:c t=\"inlineStr\"><x:is><x:t>张三</x:t></x:is></x:c><x:c t=\"str\"><x:f>A3&amp;\"!\"</x:f>"
	"<x:v>张三!</x:v></x:c><x:c t=\"b\"><x:v>1</x:v></x:c><x:c t=\"e\"><x:v>#N/A</x:v></x:c></x:row>"
	/* row 5 (4 is missing): dates in the 1904 system, a custom date format, a number with a non-date format */
	"<x:row r=\"5\"><x:c r=\"A5\" s=\"2\"><x:v>0</x:v></x:c><x:c r=\"B5\" s=\"1\"><x:v>43830</x:v></x:c>"
	"<x:c r=\"C5\" s=\"3\"><x:v>1234.5</x:v></x:c><x:c r=\"D5\" s=\"2\"><x:v>43830.75</x:v></x:c>"
	"<x:c r=\"E5\" t=\"d\"><x:v>2024-02-29T00:00:00</x:v></x:c><x:c r=\"F5\"><x:v>13812345678</x:v></x:c>"
	"<x:c r=\"G5\"><x:v>1.0E2</x:v></x:c><x:c r=\"H5\" s=\"0\"><x:v>0.30000000000000004</x:v></x:c></x:row>"
	/* row 6: only empty cells (styled) — not delivered */
	"<x:row r=\"6\"><x:c r=\"A6\" s=\"1\"/><x:c r=\"XFD6\" s=\"1\"/></x:row>"
	"<x:row r=\"7\"><x:c r=\"B7\" t=\"inlineStr\"><x:is><x:t>  尾随空格  </x:t></x:is></x:c></x:row>"
	"</x:sheetData></x:worksheet>";
static const char OTHER[] = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
                            "<row r=\"1\"><c t=\"inlineStr\"><is><t>wrong sheet</t></is></c></row></sheetData></worksheet>";

static char *crafted(const char *sheet, size_t *len)
{
	part parts[] = {{"[Content_Types].xml", CT, 0},   {"_rels/.rels", RELS, 0},
	                {"xl/workbook.xml", WB_1904, 0},  {"xl/_rels/workbook.xml.rels", WB_RELS, 0},
	                {"xl/styles.xml", STYLES, 0},     {"xl/worksheets/data.xml", sheet, 0},
	                {"xl/worksheets/other.xml", OTHER, 0}};
	return make_zip(parts, 7, len);
}

/* ---- tests ---- */

static void test_serial_dates(void **state)
{
	(void)state;
	char out[24];
	static const struct {
		double v;
		int d1904;
		const char *want;
	} cases[] = {
		{1, 0, "1900-01-01"},          {59, 0, "1900-02-28"},       {60, 0, "1900-02-29"},
		{61, 0, "1900-03-01"},         {25569, 0, "1970-01-01"},    {45292, 0, "2024-01-01"},
		{45351, 0, "2024-02-29"},      {45292.5, 0, "2024-01-01 12:00:00"},
		{0, 1, "1904-01-01"},          {43830, 1, "2024-01-01"},    {2958465, 0, "9999-12-31"},
		{45292.99999999, 0, "2024-01-02"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(xlsx_serial_date(cases[i].v, cases[i].d1904, out), 0);
		assert_string_equal(out, cases[i].want);
	}
	assert_int_equal(xlsx_serial_date(0, 0, out), -1);
	assert_int_equal(xlsx_serial_date(-5, 0, out), -1);
	assert_int_equal(xlsx_serial_date(3e6, 0, out), -1);
}

/* Our writer (constant memory: inline strings) read back by our reader. */
static void test_write_read_inline(void **state)
{
	(void)state;
	xlsx_writer *w = xlsx_writer_new();
	assert_non_null(w);
	assert_int_equal(xlsx_writer_sheet(w, "统战对象"), 0);
	static const double wd[] = {10, 20, 20};
	static const unsigned char text[] = {0, 1, 0};
	xlsx_writer_widths(w, wd, text, 3);
	xlsx_cell h[] = {{"编号", 0}, {"公民身份号码", 0}, {"姓名", 0}};
	assert_int_equal(xlsx_writer_row(w, h, 3, 1), 0);
	xlsx_cell r1[] = {{"42", 1}, {"370699198001020017", 0}, {"张三 ", 0}};
	assert_int_equal(xlsx_writer_row(w, r1, 3, 0), 0);
	xlsx_cell r2[] = {{NULL, 0}, {"", 0}, {NULL, 0}}; /* an empty row */
	assert_int_equal(xlsx_writer_row(w, r2, 3, 0), 0);
	xlsx_cell r3[] = {{"7", 1}, {"=1+1", 0}, {"a\"b<c>&d", 0}};
	assert_int_equal(xlsx_writer_row(w, r3, 3, 0), 0);
	assert_int_equal(xlsx_writer_sheet(w, "第二页"), 0);
	xlsx_cell o[] = {{"not read", 0}};
	assert_int_equal(xlsx_writer_row(w, o, 1, 0), 0);
	char *data;
	size_t len;
	assert_int_equal(xlsx_writer_finish(w, &data, &len), 0);
	assert_true(len > 100 && memcmp(data, "PK", 2) == 0);

	rows r = {0};
	sheet_err err;
	assert_int_equal(xlsx_read(data, len, NULL, collect, &r, &err), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.num[0], 1);
	assert_string_equal(cell(&r, 0, 1), "公民身份号码");
	assert_int_equal(r.num[1], 2);
	assert_string_equal(cell(&r, 1, 0), "42");
	assert_string_equal(cell(&r, 1, 1), "370699198001020017");
	assert_string_equal(cell(&r, 1, 2), "张三 ");
	assert_int_equal(r.num[2], 4); /* row 3 was empty */
	assert_string_equal(cell(&r, 2, 0), "7");
	assert_string_equal(cell(&r, 2, 1), "=1+1"); /* a string, never a formula */
	assert_string_equal(cell(&r, 2, 2), "a\"b<c>&d");
	rows_free(&r);

	/* The sheet's claim of its last row (<dimension>), read before the first row. */
	int64_t last = -1;
	r.stop_after = 1;
	assert_int_equal(xlsx_read_claimed(data, len, NULL, collect, &r, &err, &last), 1);
	assert_int_equal(last, 4);
	rows_free(&r);

	/* The callback can stop the read. */
	r.stop_after = 1;
	assert_int_equal(xlsx_read(data, len, NULL, collect, &r, &err), 1);
	assert_int_equal(r.n, 1);
	rows_free(&r);
	free(data);
}

/* libxlsxwriter in its default mode writes shared strings and real dates. */
static void test_write_read_shared(void **state)
{
	(void)state;
	char path[] = "/tmp/tongxin-test-sst-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	lxw_format *cn = workbook_add_format(wb);
	format_set_num_format_index(cn, 31); /* a built-in Chinese date format */
	worksheet_write_string(ws, 0, 0, "姓名", NULL);
	worksheet_write_string(ws, 0, 1, "出生日期", NULL);
	worksheet_write_string(ws, 1, 0, "张三", NULL);
	lxw_datetime dt = {1980, 1, 2, 0, 0, 0};
	worksheet_write_datetime(ws, 1, 1, &dt, date);
	worksheet_write_string(ws, 2, 0, "张三", NULL); /* the same shared string again */
	lxw_datetime dt2 = {2024, 2, 29, 0, 0, 0};
	worksheet_write_datetime(ws, 2, 1, &dt2, cn);
	worksheet_write_boolean(ws, 2, 2, 0, NULL);
	worksheet_write_number(ws, 2, 3, 12.0, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	char *data;
	size_t len;
	assert_int_equal(util_read_file(path, &data, &len), 0);
	unlink(path);
	/* It really did use shared strings. */
	zip_error_t ze;
	zip_error_init(&ze);
	zip_t *z = zip_open_from_source(zip_source_buffer_create(data, len, 0, &ze), ZIP_RDONLY, &ze);
	assert_non_null(z);
	assert_true(zip_name_locate(z, "xl/sharedStrings.xml", 0) >= 0);
	zip_discard(z);
	zip_error_fini(&ze);

	rows r = {0};
	sheet_err err;
	assert_int_equal(xlsx_read(data, len, NULL, collect, &r, &err), 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(cell(&r, 1, 0), "张三");
	assert_string_equal(cell(&r, 1, 1), "1980-01-02");
	assert_string_equal(cell(&r, 2, 0), "张三");
	assert_string_equal(cell(&r, 2, 1), "2024-02-29");
	assert_string_equal(cell(&r, 2, 2), "FALSE");
	assert_string_equal(cell(&r, 2, 3), "12");
	rows_free(&r);
	free(data);
}

static void test_crafted_inline(void **state)
{
	(void)state;
	size_t len;
	char *data = crafted(SHEET, &len);
	rows r = {0};
	sheet_err err;
	int64_t last = -1;
	int rc = xlsx_read_claimed(data, len, NULL, collect, &r, &err, &last);
	if (rc)
		fail_msg("refused: %s (row %lld)", err.m ? err.m->en : "?", (long long)err.row);
	assert_int_equal(last, 0); /* no <dimension>: no claim */
	assert_int_equal(r.n, 4);
	/* row 1 */
	assert_int_equal(r.num[0], 1);
	assert_int_equal(r.ncells[0], 3);
	assert_string_equal(cell(&r, 0, 0), "姓名");
	assert_string_equal(cell(&r, 0, 1), "");
	assert_string_equal(cell(&r, 0, 2), "出生日期 "); /* runs joined, the phonetic run left out */
	/* row 3 */
	assert_int_equal(r.num[1], 3);
	assert_string_equal(cell(&r, 1, 0), "张三");
	assert_string_equal(cell(&r, 1, 1), "张三!");
	assert_string_equal(cell(&r, 1, 2), "TRUE");
	assert_string_equal(cell(&r, 1, 3), "#N/A");
	/* row 5: the 1904 system */
	assert_int_equal(r.num[2], 5);
	assert_string_equal(cell(&r, 2, 0), "1904-01-01");
	assert_string_equal(cell(&r, 2, 1), "2024-01-01");
	assert_string_equal(cell(&r, 2, 2), "1234.5");
	assert_string_equal(cell(&r, 2, 3), "2024-01-01 18:00:00");
	assert_string_equal(cell(&r, 2, 4), "2024-02-29");
	assert_string_equal(cell(&r, 2, 5), "13812345678");
	assert_string_equal(cell(&r, 2, 6), "100");
	assert_string_equal(cell(&r, 2, 7), "0.3");
	/* row 6 had only empty cells; row 7 keeps its spaces (trimming is the importer's job) */
	assert_int_equal(r.num[3], 7);
	assert_string_equal(cell(&r, 3, 1), "  尾随空格  ");
	rows_free(&r);
	free(data);
}

static void expect_refused(const char *data, size_t len, const sheet_limits *lim, const char *why_en)
{
	rows r = {0};
	sheet_err err;
	assert_int_equal(xlsx_read(data, len, lim, collect, &r, &err), -1);
	assert_non_null(err.m);
	assert_non_null(err.m->zh);
	if (why_en && !strstr(err.m->en, why_en))
		fail_msg("refused for \"%s\", expected \"%s\"", err.m->en, why_en);
	rows_free(&r);
}

static void test_not_xlsx(void **state)
{
	(void)state;
	expect_refused("hello, world", 12, NULL, "not a valid");
	expect_refused("PK\x03\x04garbage", 12, NULL, "not a valid");
	/* A zip without a workbook. */
	part p[] = {{"hello.txt", "hi", 0}};
	size_t len;
	char *z = make_zip(p, 1, &len);
	expect_refused(z, len, NULL, "not a valid");
	free(z);
}

static void test_zip_bomb(void **state)
{
	(void)state;
	/* 8 MiB of one byte compresses about 1000:1. */
	size_t big = 8u << 20;
	char *zeros = xcalloc(big, 1);
	memset(zeros, '<', big);
	part parts[] = {{"[Content_Types].xml", CT, 0}, {"_rels/.rels", RELS, 0}, {"xl/bomb.xml", zeros, big}};
	size_t len;
	char *data = make_zip(parts, 3, &len);
	assert_true(len < big / 100);
	expect_refused(data, len, NULL, "zip bomb");
	free(data);

	/* An entry larger than the whole budget is refused before it is inflated. */
	sheet_limits small = SHEET_LIMITS_DEFAULT;
	small.max_bytes = 1u << 20;
	small.max_ratio = 100000;
	char *rnd = xmalloc(2u << 20);
	util_random(rnd, 2u << 20);
	part p2[] = {{"[Content_Types].xml", CT, 0}, {"xl/big.bin", rnd, 2u << 20}};
	data = make_zip(p2, 2, &len);
	expect_refused(data, len, &small, "too large");
	free(data);
	free(rnd);
	free(zeros);
}

static void test_doctype_refused(void **state)
{
	(void)state;
	static const char evil[] =
		"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
		"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
		"<row r=\"1\"><c t=\"inlineStr\"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>";
	size_t len;
	char *data = crafted(evil, &len);
	expect_refused(data, len, NULL, "DOCTYPE");
	free(data);
	static const char ext[] = "<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"file:///etc/passwd\">"
	                          "<worksheet><sheetData/></worksheet>";
	data = crafted(ext, &len);
	expect_refused(data, len, NULL, "DOCTYPE");
	free(data);
	static const char broken[] = "<worksheet><sheetData><row r=\"1\"><c></row></sheetData></worksheet>";
	data = crafted(broken, &len);
	expect_refused(data, len, NULL, "XML");
	free(data);
}

static void test_limits(void **state)
{
	(void)state;
	/* Rows. */
	buf b = BUF_INIT;
	buf_puts(&b, "<worksheet><sheetData>");
	for (int i = 1; i <= 20; i++)
		buf_printf(&b, "<row r=\"%d\"><c t=\"inlineStr\"><is><t>r%d</t></is></c></row>", i, i);
	buf_puts(&b, "</sheetData></worksheet>");
	size_t len;
	char *data = crafted(b.data, &len);
	sheet_limits lim = SHEET_LIMITS_DEFAULT;
	lim.max_rows = 10;
	expect_refused(data, len, &lim, "too many rows");
	free(data);
	buf_clear(&b);
	/* Columns: a value beyond the limit is refused. */
	buf_puts(&b, "<worksheet><sheetData><row r=\"1\"><c r=\"ZZ1\" t=\"inlineStr\"><is><t>far</t></is></c></row>"
	             "</sheetData></worksheet>");
	data = crafted(b.data, &len);
	expect_refused(data, len, NULL, "too many columns");
	free(data);
	buf_clear(&b);
	/* A long cell. */
	buf_puts(&b, "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>");
	for (int i = 0; i < 5000; i++)
		buf_puts(&b, "abcdefgh");
	buf_puts(&b, "</t></is></c></row></sheetData></worksheet>");
	data = crafted(b.data, &len);
	expect_refused(data, len, NULL, "too long");
	free(data);
	buf_clear(&b);
	/* Rows out of order. */
	buf_puts(&b, "<worksheet><sheetData><row r=\"3\"/><row r=\"2\"/></sheetData></worksheet>");
	data = crafted(b.data, &len);
	expect_refused(data, len, NULL, "out of order");
	free(data);
	buf_clear(&b);
	/* A shared string index with no shared strings. */
	buf_puts(&b, "<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>5</v></c></row></sheetData></worksheet>");
	data = crafted(b.data, &len);
	expect_refused(data, len, NULL, "shared string");
	free(data);
	buf_free(&b);
	/* The total budget counts the inflated bytes. */
	data = crafted(SHEET, &len);
	lim = (sheet_limits)SHEET_LIMITS_DEFAULT;
	lim.max_bytes = 2000;
	expect_refused(data, len, &lim, "too large");
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_dates),     cmocka_unit_test(test_write_read_inline),
		cmocka_unit_test(test_write_read_shared), cmocka_unit_test(test_crafted_inline),
		cmocka_unit_test(test_not_xlsx),         cmocka_unit_test(test_zip_bomb),
		cmocka_unit_test(test_doctype_refused),  cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests_name("xlsx", tests, NULL, NULL);
}
