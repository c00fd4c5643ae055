/*
 * keys.h — the secret keys kept outside the database.
 *
 * A key directory (mode 0700) holds one file per key (mode 0600), each 32
 * random bytes in hex: audit.key (keyed hash of the audit chain),
 * field.key (encryption of sensitive fields), index.key (blind indexes).
 * `tongxin init` creates them; every node of a deployment shares them.
 */
#ifndef TX_AUTH_KEYS_H
#define TX_AUTH_KEYS_H

#include "base/err.h"

#define KEY_BYTES 32

typedef struct keys {
	unsigned char audit[KEY_BYTES];
	unsigned char field[KEY_BYTES];
	unsigned char index[KEY_BYTES];
} keys;

/* Create the directory and any missing key file. *created counts new files. */
tx_err keys_create(const char *dir, int *created, char **errmsg);
/* Load all keys; errors name the missing or unreadable file. */
tx_err keys_load(const char *dir, keys *k, char **errmsg);
void keys_wipe(keys *k);

#endif
