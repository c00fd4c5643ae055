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

/* ---- people registry: identifiers, phones, names, dates -------------- */

/*
 * Input normalisation shared by the identifier checks below: surrounding
 * ASCII and ideographic spaces are trimmed, and full-width digits and
 * letters (０-９ Ａ-Ｚ ａ-ｚ, as pasted from Excel or IMEs) become ASCII.
 */

/* What an ID number says about its holder. */
struct id_info {
	char birth[11]; /* YYYY-MM-DD */
	int gender;     /* 1 male (odd 17th digit), 2 female (even), as GB/T 2261.1 */
	char region[7]; /* the 6-digit address code */
};

/*
 * 公民身份号码 (GB 11643-1999). Accepts 18 characters (lowercase x allowed)
 * or a legacy 15-digit number (upgraded: "19" inserted before the year,
 * check character appended). On success writes the 18-character stored
 * form (uppercase X) into out and, when info is not NULL, what the number
 * says; returns NULL. Checks the province code, the birth date (a real
 * date, 1900-01-01 to today) and the check character.
 */
const msg2 *validate_id_number(const char *in, char out[19], struct id_info *info);
/* The check character of 17 ASCII digits ('0'-'9' or 'X'), 0 when not 17 digits. */
char id_number_check_char(const char *first17);

/*
 * 统一社会信用代码 (GB 32100-2015): 18 characters from
 * 0-9 A-H J-N P-R T U W-Y; lowercase and full-width input is accepted and
 * stored uppercase in out. Checks the registration authority (1st) and
 * organisation kind (2nd) against the published codes, the division code
 * (3rd–8th digits) and the check character.
 */
const msg2 *validate_credit_code(const char *in, char out[19]);
/* The check character of 17 code characters, 0 when a character is not in the set. */
char credit_code_check_char(const char *first17);

/* Size of an out buffer that holds any normalised phone number. */
#define PHONE_MAX 24

/*
 * Mobile number: 11 digits 1[3-9]xxxxxxxxx; a leading +86, 0086 or 86 and
 * spaces or hyphens are accepted. Writes the 11 digits into out (n ≥ 12).
 */
const msg2 *validate_mobile(const char *in, char *out, size_t n);
/*
 * A mobile number or a landline: 0 + 2–3 digit area code (010 and 02x are
 * 3 digits with the 0, all others 4), an optional hyphen, space or
 * parentheses, a 7–8 digit local number (not starting with 0 or 1), and an
 * optional extension "-123", "转123" or "ext123" (1–6 digits); or a number
 * abroad (Hong Kong, Macao, Taiwan, overseas Chinese): "+" or "00", a
 * country code other than 86, 7–15 digits in all. Stored as
 * "13812345678", "0371-63456789", "0371-63456789-123" or "+85291234567";
 * out needs PHONE_MAX bytes at most.
 */
const msg2 *validate_phone(const char *in, char *out, size_t n);

/* A calendar date YYYY-MM-DD (leap years checked), years 1800–2199. */
const msg2 *validate_date(const char *s);

/*
 * A person's name: 1–50 code points of letters of any script (Han incl.
 * the supplementary planes, e.g. 𠮷; Latin, Cyrillic, Arabic, Tibetan,
 * Mongolian, Yi, Hangul, kana…), with the name separators · (U+00B7),
 * • (U+2022) and ・ (U+30FB) between letters, and single spaces, hyphens
 * and apostrophes between letters of alphabetic (non-Han) scripts.
 * Refuses digits, control characters, symbols and other punctuation.
 */
const msg2 *validate_person_name(const char *s);

#endif
