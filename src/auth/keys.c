/*
 * keys.c — create and load the key files (see keys.h).
 */
#include "auth/keys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/mem.h"
#include "base/util.h"

static const char *const key_names[] = {"audit.key", "field.key", "index.key"};

tx_err keys_create(const char *dir, int *created, char **errmsg)
{
	*created = 0;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		*errmsg = xasprintf("cannot create key directory %s: %s", dir, strerror(errno));
		return TX_EIO;
	}
	chmod(dir, 0700);
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		char *path = xasprintf("%s/%s", dir, key_names[i]);
		if (access(path, F_OK) == 0) {
			free(path);
			continue;
		}
		unsigned char k[KEY_BYTES];
		char hex[KEY_BYTES * 2 + 2];
		util_random(k, sizeof k);
		util_hex(k, sizeof k, hex);
		strcat(hex, "\n");
		int rc = util_write_file(path, hex, strlen(hex), 0600, 1);
		mem_wipe(k, sizeof k);
		mem_wipe(hex, sizeof hex);
		if (rc) {
			*errmsg = xasprintf("cannot write %s: %s", path, strerror(errno));
			free(path);
			return TX_EIO;
		}
		free(path);
		(*created)++;
	}
	return TX_OK;
}

static tx_err key_read(const char *dir, const char *name, unsigned char out[KEY_BYTES], char **errmsg)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *data = NULL;
	size_t len = 0;
	tx_err rc = TX_OK;
	struct stat sb;
	if (util_read_file(path, &data, &len)) {
		*errmsg = xasprintf("cannot read key %s: %s (run `tongxin init`?)", path, strerror(errno));
		rc = TX_EIO;
		goto out;
	}
	if (stat(path, &sb) == 0 && (sb.st_mode & 077)) {
		*errmsg = xasprintf("key %s is readable by others (mode %o); chmod 600 it", path,
		                    (unsigned)(sb.st_mode & 0777));
		rc = TX_EIO;
		goto out;
	}
	size_t bin_len = 0;
	if (sodium_hex2bin(out, KEY_BYTES, data, len, " \r\n", &bin_len, NULL) || bin_len != KEY_BYTES) {
		*errmsg = xasprintf("key %s is not 32 bytes of hex", path);
		rc = TX_EIO;
	}
out:
	if (data) {
		mem_wipe(data, len);
		free(data);
	}
	free(path);
	return rc;
}

tx_err keys_load(const char *dir, keys *k, char **errmsg)
{
	tx_err rc;
	if ((rc = key_read(dir, "audit.key", k->audit, errmsg)) || (rc = key_read(dir, "field.key", k->field, errmsg)) ||
	    (rc = key_read(dir, "index.key", k->index, errmsg))) {
		keys_wipe(k);
		return rc;
	}
	return TX_OK;
}

void keys_wipe(keys *k)
{
	mem_wipe(k, sizeof *k);
}
