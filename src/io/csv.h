/*
 * csv.h — comma-separated values in and out (RFC 4180, as Excel and
 * LibreOffice write them).
 *
 * Reading: fields separated by commas (or by tabs, when the first line
 * has tabs and no commas), optionally quoted with "" standing for one
 * quote inside a quoted field, which may span lines; records end with
 * CRLF, LF or CR. The text is UTF-8 with or without a byte-order mark;
 * UTF-16 with a byte-order mark and, for anything that is not valid
 * UTF-8, GB18030 (a superset of GBK and GB2312, which Excel in China
 * writes) are converted with iconv. Rows are numbered by record (the row
 * Excel shows) and delivered through the callback of sheet.h; fully
 * empty records are skipped. Limits: max_bytes of input, max_rows,
 * max_cols, max_cell.
 *
 * Writing: a UTF-8 byte-order mark (so Excel opens the file as UTF-8),
 * fields quoted when they hold a comma, quote, line break or leading or
 * trailing space, CRLF line ends, and a guard against formula injection:
 * a value starting with = + - @ (or a tab or CR) gets a leading
 * apostrophe, so a spreadsheet shows it as text instead of running it.
 *
 * Ownership: the reader borrows `data`; the writers append to the
 * caller's buf.
 */
#ifndef TX_IO_CSV_H
#define TX_IO_CSV_H

#include <stddef.h>

#include "base/buf.h"
#include "io/sheet.h"

/* 0 when read to the end, 1 when the callback stopped it, -1 with *err set when the file is refused. */
int csv_read(const char *data, size_t len, const sheet_limits *lim, sheet_row_fn fn, void *ctx, sheet_err *err);

/* The UTF-8 byte-order mark. */
void csv_write_bom(buf *b);
/* One record; NULL cells are empty. */
void csv_write_row(buf *b, const char *const *cells, int n);

#endif
