/*
 * filetype.h — what an uploaded file really is, judged by its bytes, and
 * a safe Content-Disposition for serving it back.
 */
#ifndef TX_IO_FILETYPE_H
#define TX_IO_FILETYPE_H

#include <stddef.h>

/*
 * The media type of an attachment we accept, from its content: image/jpeg,
 * image/png, application/pdf, the Office Open XML types (.docx, .xlsx,
 * .pptx: a zip whose [Content_Types].xml names the main part) and the
 * legacy OLE2 Office files (application/msword for both .doc and .xls: the
 * container does not say which). NULL for anything else (HTML, SVG,
 * scripts, executables, other archives).
 */
const char *filetype_sniff(const void *data, size_t len);

/* The static copy of a type this module returns, or "application/octet-stream".
 */
const char *filetype_canonical(const char *mime);

/* The usual extension of a type this module returns (".pdf"), or "". */
const char *filetype_ext(const char *mime);

/*
 * A Content-Disposition value for a file name from anywhere: `inline` or
 * `attachment`, an ASCII fallback (letters, digits, '.', '-', '_' only;
 * "file" when nothing is left) and the full name as RFC 5987 filename*.
 * Path separators and control characters are dropped. Returns a new string.
 */
char *filetype_disposition(const char *name, int inline_);

/*
 * The name to keep for an upload: the last path segment, control
 * characters removed, at most 100 code points; "file<ext>" when empty.
 * Returns a new string.
 */
char *filetype_clean_name(const char *name, const char *mime);

#endif
