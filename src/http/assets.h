/*
 * assets.h — the web UI embedded in the binary.
 *
 * tools/embed.c turns web/dist into a generated C file holding every file
 * as a byte array with its path and content type; this module finds the
 * file for a request path, falling back to index.html for the UI's own
 * routes (so /units can be reloaded in the browser).
 */
#ifndef TX_HTTP_ASSETS_H
#define TX_HTTP_ASSETS_H

#include <stddef.h>

struct asset {
	const char *path; /* "/index.html", "/assets/index-3f2a.js" */
	const char *type; /* Content-Type */
	const unsigned char *data;
	size_t len;
	int immutable; /* content-hashed name: cache for a year */
};

extern const struct asset assets_table[];
extern const size_t assets_count;

/* The asset for a request path, or NULL (404). */
const struct asset *assets_find(const char *path);

#endif
