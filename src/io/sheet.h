/*
 * sheet.h — what the spreadsheet readers (xlsx.c, csv.c) have in common:
 * the limits that protect the server from hostile files, the row callback
 * they deliver rows through, and how they say what went wrong.
 *
 * Readers stream: each non-empty row is handed to the callback as an
 * array of NUL-terminated UTF-8 strings (a missing cell is ""), numbered
 * as the user sees it in the spreadsheet (1-based). The cells belong to
 * the reader and are valid only during the call. Fully empty rows are
 * not delivered.
 */
#ifndef TX_IO_SHEET_H
#define TX_IO_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

typedef struct sheet_limits {
	size_t max_bytes; /* xlsx: uncompressed bytes of all parts read; csv: input bytes */
	size_t max_rows;  /* rows delivered (the header included) */
	int max_cols;     /* columns of a row */
	size_t max_cell;  /* bytes of one cell */
	size_t max_ratio; /* xlsx: uncompressed / compressed size of a large zip entry */
} sheet_limits;

/* 200 MB, 200,001 rows (a header and 200k data rows), 256 columns, 32 KiB per cell, 200:1. */
#define SHEET_LIMITS_DEFAULT {200u << 20, 200001, 256, 32768, 200}

/* Return 0 to go on, non-zero to stop reading (the reader then returns 1). */
typedef int (*sheet_row_fn)(void *ctx, int64_t row, char **cells, int ncells);

/* Why a file could not be read: a message in both languages and, when known, the row. */
typedef struct sheet_err {
	const msg2 *m;
	int64_t row;
} sheet_err;

#endif
