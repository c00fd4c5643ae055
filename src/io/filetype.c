/*
 * filetype.c — content sniffing of attachments and safe download names
 * (see filetype.h). Office Open XML files are opened with libzip to read
 * [Content_Types].xml, never unpacked.
 */
#include "io/filetype.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/util.h"

#define DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define PPTX "application/vnd.openxmlformats-officedocument.presentationml.presentation"

/* Which Office Open XML document a zip is, from its [Content_Types].xml; NULL if none. */
static const char *ooxml_kind(const void *data, size_t len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return NULL;
	}
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!z) {
		zip_source_free(src);
		zip_error_fini(&ze);
		return NULL;
	}
	const char *kind = NULL;
	zip_stat_t zs;
	if (zip_stat(z, "[Content_Types].xml", 0, &zs) == 0 && (zs.valid & ZIP_STAT_SIZE) && zs.size < 1 << 20) {
		zip_file_t *f = zip_fopen(z, "[Content_Types].xml", 0);
		if (f) {
			char *xml = xmalloc((size_t)zs.size + 1);
			zip_int64_t n = zip_fread(f, xml, zs.size);
			zip_fclose(f);
			if (n == (zip_int64_t)zs.size) {
				xml[n] = 0;
				if (strstr(xml, "wordprocessingml.document.main+xml"))
					kind = DOCX;
				else if (strstr(xml, "spreadsheetml.sheet.main+xml"))
					kind = XLSX;
				else if (strstr(xml, "presentationml.presentation.main+xml"))
					kind = PPTX;
			}
			free(xml);
		}
	}
	zip_discard(z);
	zip_error_fini(&ze);
	return kind;
}

const char *filetype_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;
	if (len >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return "image/jpeg";
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
		return "application/pdf";
	if (len >= 8 && memcmp(p, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
		return "application/msword";
	if (len >= 4 && memcmp(p, "PK\x03\x04", 4) == 0)
		return ooxml_kind(data, len);
	return NULL;
}

static const struct {
	const char *mime, *ext;
} types[] = {{"image/jpeg", ".jpg"},
             {"image/png", ".png"},
             {"application/pdf", ".pdf"},
             {"application/msword", ".doc"},
             {DOCX, ".docx"},
             {XLSX, ".xlsx"},
             {PPTX, ".pptx"}};

const char *filetype_canonical(const char *mime)
{
	for (size_t i = 0; mime && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(types[i].mime, mime) == 0)
			return types[i].mime;
	return "application/octet-stream";
}

const char *filetype_ext(const char *mime)
{
	for (size_t i = 0; mime && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(types[i].mime, mime) == 0)
			return types[i].ext;
	return "";
}

/* Length of the UTF-8 sequence starting at s (1 for a stray byte). */
static size_t u8len(const unsigned char *s)
{
	if (*s < 0x80)
		return 1;
	size_t n = (*s >= 0xF0) ? 4 : (*s >= 0xE0) ? 3 : (*s >= 0xC0) ? 2 : 1;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 1;
	return n;
}

char *filetype_clean_name(const char *name, const char *mime)
{
	const char *base = name ? name : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	buf b = BUF_INIT;
	int cps = 0;
	for (const unsigned char *s = (const unsigned char *)base; *s && cps < 100;) {
		size_t n = u8len(s);
		if (n == 1 && (*s < 0x20 || *s == 0x7F || *s >= 0x80)) {
			s++; /* control characters and broken UTF-8 are dropped */
			continue;
		}
		if (n == 1 && (*s == '"' || *s == ';' || *s == ':' || *s == '*' || *s == '?' || *s == '<' ||
		               *s == '>' || *s == '|')) {
			buf_putc(&b, '_');
			s++;
			cps++;
			continue;
		}
		buf_append(&b, (const char *)s, n);
		s += n;
		cps++;
	}
	/* No name of dots only ("..", "."). */
	int dots = 1;
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] != '.')
			dots = 0;
	if (b.len == 0 || dots) {
		buf_free(&b);
		buf_printf(&b, "file%s", filetype_ext(mime));
	}
	return buf_detach(&b);
}

char *filetype_disposition(const char *name, int inline_)
{
	char *clean = filetype_clean_name(name, NULL);
	buf ascii = BUF_INIT, pct = BUF_INIT;
	for (const unsigned char *s = (const unsigned char *)clean; *s; s++) {
		int safe = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		           *s == '.' || *s == '-' || *s == '_';
		if (safe) {
			buf_putc(&ascii, (char)*s);
			buf_putc(&pct, (char)*s);
		} else {
			buf_printf(&pct, "%%%02X", *s);
		}
	}
	/* The fallback never starts with a dot or is empty: "file", "file.pdf". */
	int stem = ascii.len > 0 && ascii.data[0] != '.';
	buf out = BUF_INIT;
	buf_printf(&out, "%s; filename=\"%s%s\"; filename*=UTF-8''%s", inline_ ? "inline" : "attachment",
	           stem ? "" : "file", ascii.len ? ascii.data : "", pct.data ? pct.data : "");
	buf_free(&ascii);
	buf_free(&pct);
	free(clean);
	return buf_detach(&out);
}
