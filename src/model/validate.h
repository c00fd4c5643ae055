/*
 * validate.h — checks of identifiers and codes used across the model.
 *
 * Each returns NULL when the value is fine, or a static two-language
 * message saying what is wrong.
 */
#ifndef TX_MODEL_VALIDATE_H
#define TX_MODEL_VALIDATE_H

#include "model/model.h"

/* 12-digit statistical division code (digits only, level structure). */
const msg2 *validate_division_code(const char *code);
/*
 * The significant prefix length of a division code: 2, 4, 6, 9 or 12 (the
 * shortest level after which only zeros follow). 0 for an invalid code.
 */
int division_code_level(const char *code);
/* Does child's code lie under parent's (same prefix, deeper level)? */
int division_code_within(const char *parent, const char *child);

/* Username: 3–32 of [A-Za-z0-9_.-], starting with a letter or digit. */
const msg2 *validate_username(const char *s);

/*
 * Password policy: at least min_len characters from at least `classes` of
 * upper, lower, digit, symbol. Returns NULL when acceptable.
 */
const msg2 *validate_password(const char *pw, int min_len, int classes);

#endif
