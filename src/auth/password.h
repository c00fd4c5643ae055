/*
 * password.h — password hashing with Argon2id (libsodium crypto_pwhash_str).
 */
#ifndef TX_AUTH_PASSWORD_H
#define TX_AUTH_PASSWORD_H

/* A new malloc'd encoded hash ($argon2id$…), or NULL if hashing failed. */
char *password_hash(const char *pw);
/* 1 when pw matches the encoded hash. */
int password_verify(const char *hash, const char *pw);
/* A random password meeting the default policy, malloc'd (16 characters). */
char *password_generate(void);

#endif
