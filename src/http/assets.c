/*
 * assets.c — look-up of embedded UI files (see assets.h).
 */
#include "http/assets.h"

#include <string.h>

static const struct asset *exact(const char *path)
{
	for (size_t i = 0; i < assets_count; i++)
		if (strcmp(assets_table[i].path, path) == 0)
			return &assets_table[i];
	return NULL;
}

const struct asset *assets_find(const char *path)
{
	if (strcmp(path, "/") == 0)
		return exact("/index.html");
	const struct asset *a = exact(path);
	if (a)
		return a;
	/* A path whose last segment has no dot is a UI route: serve the app. */
	const char *last = strrchr(path, '/');
	if (strncmp(path, "/assets/", 8) != 0 && last && !strchr(last, '.'))
		return exact("/index.html");
	return NULL;
}
