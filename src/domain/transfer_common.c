/*
 * transfer_common.c — what import (transfer_import.c) and export
 * (transfer_export.c) share: the permission check, which fields are
 * columns, the cleaning of a cell, a small string-keyed hash table and
 * unit names (see transfer_common.h).
 */
#include "domain/transfer_common.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"

/* ---- small helpers ---- */

/* The permission "<entity>:<action>", sub-records under their parent's update. */
int transfer_can(const dctx *c, const model_entity *e, const char *action)
{
	char perm[96];
	const char *base = e->parent ? e->parent : e->name;
	if (e->parent && strcmp(action, "read") != 0)
		action = strcmp(action, "export_unmasked") == 0 ? action : "update";
	snprintf(perm, sizeof perm, "%s:%s", base, action);
	return c->a && actor_can(c->a, perm);
}

/* Fields that are columns of import, export and the template. */
int transfer_io_field(const model_field *f)
{
	return !(f->flags & FF_READONLY) && strcmp(f->name, "version") != 0 && f->type != FT_PASSWORD;
}

static int is_space_at(const unsigned char *s, size_t *n)
{
	if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
		*n = 1;
		return 1;
	}
	if (s[0] == 0xC2 && s[1] == 0xA0) { /* no-break space */
		*n = 2;
		return 1;
	}
	if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) { /* ideographic space */
		*n = 3;
		return 1;
	}
	return 0;
}

/*
 * A cell as the import reads it (new string): spaces trimmed at both ends
 * (ASCII, no-break and ideographic), full-width digits and letters as ASCII
 * (with `all`, every full-width ASCII character, e.g. "－" and "／"), and
 * the apostrophe the CSV export puts before = + - @ taken off again.
 */
char *transfer_clean(const char *in, int all)
{
	buf b = BUF_INIT;
	const unsigned char *s = (const unsigned char *)in;
	while (*s) {
		if (s[0] == 0xEF && (s[1] == 0xBC || s[1] == 0xBD) && s[2] >= 0x80 && s[2] <= 0xBF) {
			unsigned cp = 0xFF00u + ((unsigned)(s[1] - 0xBC) << 6) + (s[2] & 0x3Fu);
			if (cp >= 0xFF01 && cp <= 0xFF5E) {
				char a = (char)(cp - 0xFEE0);
				if (all || isalnum((unsigned char)a)) {
					buf_putc(&b, a);
					s += 3;
					continue;
				}
			}
		}
		if (all && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) {
			buf_putc(&b, ' ');
			s += 3;
			continue;
		}
		buf_putc(&b, (char)*s++);
	}
	char *t = buf_detach(&b);
	size_t n, start = 0, len = strlen(t);
	while (start < len && is_space_at((unsigned char *)t + start, &n))
		start += n;
	/* Trailing spaces: scan forward, remembering where the last non-space ended. */
	size_t end = start, i = start;
	while (i < len) {
		if (is_space_at((unsigned char *)t + i, &n)) {
			i += n;
		} else {
			i++;
			while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80)
				i++;
			end = i;
		}
	}
	memmove(t, t + start, end - start);
	t[end - start] = 0;
	if (t[0] == '\'' && t[1] && strchr("=+-@", t[1]))
		memmove(t, t + 1, strlen(t));
	return t;
}

/* ---- a small string-keyed hash table ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The entry for key, or NULL; with `create`, a new zeroed entry when missing. */
sent *smap_get(smap *m, const char *key, int create)
{
	if (create && (m->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		sent *ne = xcalloc(ncap, sizeof *ne);
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->e[i].key)
				continue;
			size_t j = hash_str(m->e[i].key) & (ncap - 1);
			while (ne[j].key)
				j = (j + 1) & (ncap - 1);
			ne[j] = m->e[i];
		}
		free(m->e);
		m->e = ne;
		m->cap = ncap;
	}
	if (!m->cap)
		return NULL;
	size_t j = hash_str(key) & (m->cap - 1);
	while (m->e[j].key) {
		if (strcmp(m->e[j].key, key) == 0)
			return &m->e[j];
		j = (j + 1) & (m->cap - 1);
	}
	if (!create)
		return NULL;
	m->e[j].key = xstrdup(key);
	m->n++;
	return &m->e[j];
}

void smap_free(smap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->e[i].key);
		free(m->e[i].s);
	}
	free(m->e);
	memset(m, 0, sizeof *m);
}

/* ---- units ---- */

/* A unit's name by id (cached). */
const char *transfer_unit_name(dctx *c, smap *names, int64_t id)
{
	char key[32];
	snprintf(key, sizeof key, "%" PRId64, id);
	sent *se = smap_get(names, key, 1);
	if (se->s)
		return se->s;
	store_stmt *st;
	se->s = xstrdup("");
	if (store_prepare(c->db, "SELECT name FROM unit WHERE id = ?", &st) == TX_OK) {
		store_bind_int(st, 1, id);
		if (store_step(st) == STORE_ROW) {
			free(se->s);
			se->s = xstrdup(store_col_text(st, 0));
		}
		store_finalize(st);
	}
	return se->s;
}

/* Ids of a materialised path "/1/5/23/" → up to 32 ids. */
int transfer_path_ids(const char *path, int64_t *ids, int max)
{
	int n = 0;
	for (const char *p = path; *p && n < max;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		ids[n++] = strtoll(p, NULL, 10);
		while (*p && *p != '/')
			p++;
	}
	return n;
}
