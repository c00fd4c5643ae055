/*
 * util.h — time, randomness, encodings and small string helpers.
 */
#ifndef TX_BASE_UTIL_H
#define TX_BASE_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Seconds since the epoch (UTC). */
int64_t util_now(void);
/* Monotonic clock in microseconds, for durations. */
int64_t util_mono_us(void);
/* Format epoch seconds as `2026-11-26T08:00:00Z` into out (≥ 21 bytes). */
void util_iso_time(int64_t t, char *out, size_t n);

/* Fill with cryptographically secure random bytes (libsodium). */
void util_random(void *p, size_t n);
/* Lowercase hex of n bytes into out (2n+1 bytes). */
void util_hex(const void *p, size_t n, char *out);
/* URL-safe base64 without padding; returns a malloc'd string. */
char *util_b64url(const void *p, size_t n);
/*
 * Decode util_b64url's form into out (cap bytes): 0 and the length in *n,
 * or -1 for a character outside the alphabet, a length no encoding has,
 * spare bits that are not zero, or more than cap bytes. Not constant-time:
 * for sealed values (nonce and ciphertext are no secret), not for keys.
 */
int util_b64url_decode(const char *s, size_t len, unsigned char *out, size_t cap, size_t *n);

/* Constant-time equality of two equal-length buffers. */
int util_ct_equal(const void *a, const void *b, size_t n);

/* Parse a whole decimal int64 (optional sign); 0 on success, -1 otherwise. */
int util_parse_i64(const char *s, int64_t *out);
/* True when s is valid UTF-8 without NUL bytes (len bytes). */
int util_utf8_valid(const char *s, size_t len);
/* Bytes of the valid UTF-8 sequence (1–4) that starts s, within avail; 0 when none does, or at a NUL. */
size_t util_utf8_seq(const char *s, size_t avail);
/* Number of code points in a valid UTF-8 string. */
size_t util_utf8_len(const char *s);
/* 1 when s starts with prefix. */
int util_starts_with(const char *s, const char *prefix);

/* Read a whole file into a malloc'd buffer (NUL-terminated). */
int util_read_file(const char *path, char **data, size_t *len);
/*
 * Write a file atomically with the given mode (temp file + rename); refuses
 * to overwrite when `exclusive` is set and the file exists.
 */
int util_write_file(const char *path, const void *data, size_t len, int mode, int exclusive);

#endif
