/*
 * password.c — Argon2id hashing (see password.h).
 *
 * Parameters: libsodium's INTERACTIVE limits (2 passes, 64 MiB), about
 * 0.1 s on the reference machine: slow for guessing, quick for a person.
 */
#include "auth/password.h"

#include <string.h>

#include <sodium.h>

#include "base/mem.h"
#include "base/util.h"

char *password_hash(const char *pw)
{
	char out[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return NULL;
	return xstrdup(out);
}

int password_verify(const char *hash, const char *pw)
{
	if (!hash || !pw)
		return 0;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

char *password_generate(void)
{
	static const char upper[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";
	static const char lower[] = "abcdefghijkmnpqrstuvwxyz";
	static const char digit[] = "23456789";
	static const char sym[] = "@#%+=";
	static const char *const sets[] = {upper, lower, digit, sym};
	char pw[17];
	for (int i = 0; i < 16; i++) {
		const char *set = i < 4 ? sets[i] : sets[randombytes_uniform(3)];
		pw[i] = set[randombytes_uniform((uint32_t)strlen(set))];
	}
	/* Shuffle so the class order is not predictable. */
	for (int i = 15; i > 0; i--) {
		int j = (int)randombytes_uniform((uint32_t)i + 1);
		char t = pw[i];
		pw[i] = pw[j];
		pw[j] = t;
	}
	pw[16] = 0;
	return xstrdup(pw);
}
