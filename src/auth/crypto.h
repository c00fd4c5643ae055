/*
 * crypto.h — encryption of sensitive fields, blind indexes and masking.
 *
 * Sensitive personal information (PIPL art. 28: ID numbers, phones,
 * religion…) is stored sealed with XChaCha20-Poly1305 (IETF) under the
 * field key; the column's context (e.g. "person.id_number") is bound as
 * additional data, so a sealed value cannot be moved to another column or
 * record kind and still open. Equality look-ups (is this ID number already
 * registered?) use a blind index: a keyed BLAKE2b-256 of the normalised
 * value under a per-context subkey of the index key, so equal values in
 * different columns do not share index values.
 *
 * libsodium must be initialised (sodium_init) before these are used; the
 * program entry does it once.
 *
 * Ownership: every char * returned is malloc'd and owned by the caller,
 * who frees it (and should mem_wipe plaintexts first). Inputs are borrowed.
 */
#ifndef TX_AUTH_CRYPTO_H
#define TX_AUTH_CRYPTO_H

#include <stddef.h>

#include "auth/keys.h"

/* Length of a blind index in hex, without the NUL. */
#define BLIND_INDEX_HEX 64

/*
 * Seal plain (a NUL-terminated string, may be empty) for the column named
 * by context. Returns "v1." followed by base64url (no padding) of
 * nonce (24 bytes) || ciphertext || tag (16 bytes).
 */
char *crypto_seal(const keys *k, const char *context, const char *plain);
/*
 * The same with a nonce the caller drew from the CSPRNG (randombytes_buf)
 * for this value alone: a writer sealing several values draws all their
 * nonces in one call instead of one system call each.
 */
#define CRYPTO_NONCE_BYTES 24
char *crypto_seal_with(const keys *k, const char *context, const char *plain,
                       const unsigned char nonce[CRYPTO_NONCE_BYTES]);

/*
 * Open a value sealed by crypto_seal for the same context. Returns 0 and
 * sets *plain to a new NUL-terminated string; -1 (and *plain = NULL) when
 * the text is malformed, altered, sealed for another context or under
 * another key.
 */
int crypto_open(const keys *k, const char *context, const char *sealed, char **plain);

/*
 * The same for bytes (attachments): *out receives nonce || ciphertext ||
 * tag, *out_len its length (len + 40), without any text encoding.
 */
void crypto_seal_bytes(const keys *k, const char *context, const void *data, size_t len, unsigned char **out,
                       size_t *out_len);
/* Open what crypto_seal_bytes sealed for this context: 0 and a new buffer, or -1. */
int crypto_open_bytes(const keys *k, const char *context, const void *sealed, size_t len, unsigned char **out,
                      size_t *out_len);

/*
 * The blind index of a normalised value (e.g. the 18-character ID number
 * from validate_id_number) in a context: 64 lowercase hex characters and a
 * NUL into out. Deterministic for a given index key, context and value.
 */
void crypto_blind_index(const keys *k, const char *context, const char *normalised, char out[BLIND_INDEX_HEX + 1]);

/*
 * Masks for showing sensitive values without revealing them. All are UTF-8
 * safe (count code points, never split one) and return NULL for NULL.
 *
 * mask_id_number: first 6 and last 4 kept, "370683********1234"; values of
 *   10 code points or fewer are all stars.
 * mask_phone: mobile "138****5678"; landline area code and last 2 digits of
 *   the number kept, "0371-******78" (an extension is starred too); a
 *   number abroad keeps "+" and 3 digits and the last 2; anything else
 *   keeps its last 2 code points.
 * mask_text: the first code point and one star, "张*" (length hidden); ""
 *   for "".
 */
char *mask_id_number(const char *s);
char *mask_phone(const char *s);
char *mask_text(const char *s);

#endif
