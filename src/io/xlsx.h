/*
 * xlsx.h — read the first sheet of an .xlsx workbook row by row, and write
 * workbooks.
 *
 * Reading (libzip + expat) streams the first sheet of the workbook (the
 * first <sheet> of xl/workbook.xml, found through the relationships)
 * through a row callback (see sheet.h). Cell values come out as text:
 *   shared strings (t="s"), inline strings (t="inlineStr"), formula
 *   strings (t="str") and rich text runs as their text (phonetic runs
 *   left out); booleans as "TRUE"/"FALSE"; errors as written ("#N/A");
 *   numbers as written, integral ones without exponent or ".0"; numbers
 *   whose cell format is a date or time (built-in or custom numFmt of
 *   xl/styles.xml) as "YYYY-MM-DD", or "YYYY-MM-DD HH:MM:SS" when they
 *   carry a time, in the 1900 or the 1904 date system (workbookPr
 *   date1904); t="d" ISO dates as written.
 * Cells are placed by their r="C5" reference (missing cells are ""), rows
 * by r="5" (gaps are empty rows, which are not delivered).
 *
 * Hostile files are refused before they cost much: the sum of the
 * entries' declared sizes and every inflated byte count against
 * max_bytes; a large entry whose size is more than max_ratio times its
 * compressed size is refused as a zip bomb; at most 10,000 entries;
 * rows, columns and cell sizes against the limits; XML with a DOCTYPE
 * (hence any entity declaration) is refused and parameter entities are
 * never parsed.
 *
 * Writing (libxlsxwriter, in constant-memory mode, so cells are inline
 * strings and rows go to a temporary file as they are written) builds a
 * workbook sheet by sheet, row by row, and hands the finished file back
 * as bytes.
 *
 * Ownership: the reader borrows `data`; xlsx_writer_finish() returns a
 * malloc'd buffer the caller frees, and frees the writer.
 */
#ifndef TX_IO_XLSX_H
#define TX_IO_XLSX_H

#include <stddef.h>

#include "io/sheet.h"

/* 0 when read to the end, 1 when the callback stopped it, -1 with *err set when the file is refused. */
int xlsx_read(const void *data, size_t len, const sheet_limits *lim, sheet_row_fn fn, void *ctx, sheet_err *err);
/*
 * The same; *last_row receives the last row number the sheet's own
 * <dimension> claims (0 when it has none), before the first row is handed
 * over. A claim, not a count (a writer may be wrong): for progress only.
 */
int xlsx_read_claimed(const void *data, size_t len, const sheet_limits *lim, sheet_row_fn fn, void *ctx, sheet_err *err,
                      int64_t *last_row);

/*
 * A spreadsheet serial day number as "YYYY-MM-DD" (and " HH:MM:SS" when it
 * has a time of day) in the 1900 system (with Excel's phantom 1900-02-29
 * at 60) or the 1904 system. Returns 0, or -1 outside 1900–9999.
 */
int xlsx_serial_date(double serial, int date1904, char out[24]);

typedef struct xlsx_writer xlsx_writer;

typedef struct xlsx_cell {
	const char *text; /* NULL or "" leaves the cell empty */
	int number;       /* write text as a number (it must parse as one) */
} xlsx_cell;

/* A new workbook (a temporary file under $TMPDIR or /tmp), or NULL. */
xlsx_writer *xlsx_writer_new(void);
/* Start the next sheet (name: at most 31 characters, no []:*?/\). 0 or -1. */
int xlsx_writer_sheet(xlsx_writer *w, const char *name);
/*
 * Column widths of the current sheet, in characters (before its rows);
 * where text[i] is set (text may be NULL) the column is formatted as text
 * ("@"), so long numbers typed into it (ID numbers) stay as typed.
 */
void xlsx_writer_widths(xlsx_writer *w, const double *widths, const unsigned char *text, int n);
/* Append a row to the current sheet; `header` makes it bold and freezes it. 0 or -1. */
int xlsx_writer_row(xlsx_writer *w, const xlsx_cell *cells, int n, int header);
/* Close the workbook and return its bytes (caller frees *data); frees w. 0 or -1. */
int xlsx_writer_finish(xlsx_writer *w, char **data, size_t *len);
/* Discard an unfinished workbook. */
void xlsx_writer_free(xlsx_writer *w);

#endif
