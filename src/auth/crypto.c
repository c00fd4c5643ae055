/*
 * crypto.c — sealed fields, blind indexes and masks (see crypto.h).
 *
 * Sealed format, version 1:
 *   "v1." base64url-nopad( nonce[24] || XChaCha20-Poly1305-IETF(plain) || tag[16] )
 * with the context string as additional data and keys->field as key.
 *
 * Blind index: BLAKE2b-256 of the value keyed with a subkey
 *   BLAKE2b-256(key = keys->index, "tongxin.blind-index.v1" NUL context)
 * so each context (column) has its own index space.
 *
 * Ownership: buffers allocated here are freed here, except the returned
 * strings, which the caller owns. Intermediate plaintext and subkeys are
 * wiped before being freed.
 */
#include "auth/crypto.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/mem.h"
#include "base/util.h"

#define SEAL_PREFIX "v1."
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
_Static_assert(NONCE_BYTES == CRYPTO_NONCE_BYTES, "XChaCha20-Poly1305 nonces are 24 bytes");
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES

char *crypto_seal_with(const keys *k, const char *context, const char *plain,
                       const unsigned char nonce[CRYPTO_NONCE_BYTES])
{
	size_t plen = strlen(plain);
	size_t n = NONCE_BYTES + plen + TAG_BYTES;
	unsigned char *buf = xmalloc(n);
	unsigned long long clen = 0;
	memcpy(buf, nonce, NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + NONCE_BYTES, &clen, (const unsigned char *)plain, plen,
	                                           (const unsigned char *)context, strlen(context), NULL, buf, k->field);
	char *b64 = util_b64url(buf, NONCE_BYTES + (size_t)clen);
	char *out = xasprintf(SEAL_PREFIX "%s", b64);
	free(b64);
	free(buf);
	return out;
}

char *crypto_seal(const keys *k, const char *context, const char *plain)
{
	unsigned char nonce[NONCE_BYTES];
	randombytes_buf(nonce, sizeof nonce);
	return crypto_seal_with(k, context, plain, nonce);
}

void crypto_seal_bytes(const keys *k, const char *context, const void *data, size_t len, unsigned char **out,
                       size_t *out_len)
{
	unsigned char *buf = xmalloc(NONCE_BYTES + len + TAG_BYTES);
	unsigned long long clen = 0;
	randombytes_buf(buf, NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + NONCE_BYTES, &clen, data, len, (const unsigned char *)context,
	                                           strlen(context), NULL, buf, k->field);
	*out = buf;
	*out_len = NONCE_BYTES + (size_t)clen;
}

int crypto_open_bytes(const keys *k, const char *context, const void *sealed, size_t len, unsigned char **out,
                      size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (len < NONCE_BYTES + TAG_BYTES)
		return -1;
	const unsigned char *s = sealed;
	unsigned char *m = xmalloc(len - NONCE_BYTES - TAG_BYTES + 1);
	unsigned long long mlen = 0;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(m, &mlen, NULL, s + NONCE_BYTES, len - NONCE_BYTES,
	                                               (const unsigned char *)context, strlen(context), s, k->field)) {
		free(m);
		return -1;
	}
	*out = m;
	*out_len = (size_t)mlen;
	return 0;
}

int crypto_open(const keys *k, const char *context, const char *sealed, char **plain)
{
	*plain = NULL;
	if (!sealed || strncmp(sealed, SEAL_PREFIX, strlen(SEAL_PREFIX)) != 0)
		return -1;
	const char *b64 = sealed + strlen(SEAL_PREFIX);
	size_t blen = strlen(b64);
	size_t cap = blen / 4 * 3 + 3;
	unsigned char *buf = xmalloc(cap);
	size_t n = 0;
	if (util_b64url_decode(b64, blen, buf, cap, &n) || n < NONCE_BYTES + TAG_BYTES) {
		free(buf);
		return -1;
	}
	size_t mmax = n - NONCE_BYTES - TAG_BYTES;
	unsigned char *m = xmalloc(mmax + 1);
	unsigned long long mlen = 0;
	int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(m, &mlen, NULL, buf + NONCE_BYTES, n - NONCE_BYTES,
	                                                    (const unsigned char *)context, strlen(context), buf,
	                                                    k->field);
	free(buf);
	/* crypto_seal never seals a NUL byte: one inside is not our text. */
	if (rc != 0 || memchr(m, 0, (size_t)mlen)) {
		mem_wipe(m, mmax + 1);
		free(m);
		return -1;
	}
	m[mlen] = '\0';
	*plain = (char *)m;
	return 0;
}

void crypto_blind_index(const keys *k, const char *context, const char *normalised, char out[BLIND_INDEX_HEX + 1])
{
	static const char label[] = "tongxin.blind-index.v1"; /* the NUL is hashed too, as separator */
	unsigned char sub[crypto_generichash_BYTES], h[crypto_generichash_BYTES];
	crypto_generichash_state st;
	crypto_generichash_init(&st, k->index, KEY_BYTES, sizeof sub);
	crypto_generichash_update(&st, (const unsigned char *)label, sizeof label);
	crypto_generichash_update(&st, (const unsigned char *)context, strlen(context));
	crypto_generichash_final(&st, sub, sizeof sub);
	crypto_generichash(h, sizeof h, (const unsigned char *)normalised, strlen(normalised), sub, sizeof sub);
	util_hex(h, sizeof h, out);
	mem_wipe(sub, sizeof sub);
	mem_wipe(&st, sizeof st);
}

/* ---- masks ----------------------------------------------------------------- */

/* Number of code points (lead bytes) in s[0..len). */
static size_t cp_count(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* Byte offset of code point number `cp` in s (len bytes); len when past the end. */
static size_t cp_offset(const char *s, size_t len, size_t cp)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (n == cp)
				return i;
			n++;
		}
	return len;
}

/*
 * A new string: the first `head` and last `tail` code points of s[0..len)
 * with every code point between replaced by '*'. All stars when head + tail
 * would not hide anything.
 */
static char *keep_ends(const char *s, size_t len, size_t head, size_t tail)
{
	size_t n = cp_count(s, len);
	if (head + tail >= n)
		head = tail = 0;
	size_t h = cp_offset(s, len, head), t = cp_offset(s, len, n - tail);
	size_t stars = n - head - tail;
	char *out = xmalloc(h + stars + (len - t) + 1);
	memcpy(out, s, h);
	memset(out + h, '*', stars);
	memcpy(out + h + stars, s + t, len - t);
	out[h + stars + (len - t)] = '\0';
	return out;
}

char *mask_id_number(const char *s)
{
	if (!s)
		return NULL;
	return keep_ends(s, strlen(s), 6, 4);
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

char *mask_phone(const char *s)
{
	if (!s)
		return NULL;
	size_t len = strlen(s);
	if (len == 11 && s[0] == '1' && all_digits(s, len))
		return keep_ends(s, len, 3, 4);
	const char *dash = strchr(s, '-');
	if (s[0] == '0' && dash) {
		/* area-local[-ext] */
		size_t area = (size_t)(dash - s) + 1; /* with the hyphen */
		const char *local = dash + 1, *ext = strchr(local, '-');
		size_t llen = ext ? (size_t)(ext - local) : strlen(local);
		char *l = keep_ends(local, llen, 0, 2);
		char *e = ext ? keep_ends(ext + 1, strlen(ext + 1), 0, 0) : NULL;
		char *out = xasprintf("%.*s%s%s%s", (int)area, s, l, e ? "-" : "", e ? e : "");
		free(l);
		free(e);
		return out;
	}
	if (s[0] == '+')
		return keep_ends(s, len, 4, 2);
	return keep_ends(s, len, 0, 2);
}

char *mask_text(const char *s)
{
	if (!s)
		return NULL;
	if (!*s)
		return xstrdup("");
	size_t len = strlen(s), first = cp_offset(s, len, 1);
	char *out = xmalloc(first + 2);
	memcpy(out, s, first);
	out[first] = '*';
	out[first + 1] = '\0';
	return out;
}
