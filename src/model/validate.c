/*
 * validate.c — identifier and code checks (see validate.h).
 */
#include "model/validate.h"

#include <ctype.h>
#include <string.h>

static const msg2 m_code_digits = {"区划代码应为 12 位数字", "the division code must be 12 digits"};
static const msg2 m_code_levels = {"区划代码层级不正确（省2位、市2位、县2位、乡3位、村3位）",
                                   "the division code does not follow the levels 2+2+2+3+3"};

int division_code_level(const char *code)
{
	static const int levels[] = {2, 4, 6, 9, 12};
	if (!code || strlen(code) != 12)
		return 0;
	for (int i = 0; i < 12; i++)
		if (!isdigit((unsigned char)code[i]))
			return 0;
	for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++) {
		int L = levels[k];
		int zeros = 1;
		for (int i = L; i < 12; i++)
			if (code[i] != '0') {
				zeros = 0;
				break;
			}
		if (zeros)
			return L;
	}
	return 12;
}

const msg2 *validate_division_code(const char *code)
{
	if (!code || strlen(code) != 12)
		return &m_code_digits;
	for (int i = 0; i < 12; i++)
		if (!isdigit((unsigned char)code[i]))
			return &m_code_digits;
	/* The province part is never 00. */
	if (code[0] == '0' && code[1] == '0')
		return &m_code_levels;
	return NULL;
}

int division_code_within(const char *parent, const char *child)
{
	int lp = division_code_level(parent), lc = division_code_level(child);
	if (!lp || !lc || lc <= lp)
		return 0;
	return strncmp(parent, child, (size_t)lp) == 0;
}

const msg2 *validate_username(const char *s)
{
	static const msg2 m = {"用户名应为 3–32 位字母、数字或 _ . -，以字母或数字开头",
	                       "a username is 3–32 letters, digits or _ . -, starting with a letter or digit"};
	size_t n = strlen(s);
	if (n < 3 || n > 32 || !isalnum((unsigned char)s[0]))
		return &m;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(isalnum(c) || c == '_' || c == '.' || c == '-'))
			return &m;
	}
	return NULL;
}

const msg2 *validate_password(const char *pw, int min_len, int classes)
{
	static const msg2 m_short = {"密码太短", "the password is too short"};
	static const msg2 m_classes = {"密码须包含大写字母、小写字母、数字、符号中的足够多类",
	                               "the password needs more kinds of characters (upper, lower, digit, symbol)"};
	static const msg2 m_long = {"密码不能超过 128 个字符", "the password must not exceed 128 characters"};
	size_t n = strlen(pw);
	size_t cps = 0;
	int up = 0, lo = 0, dg = 0, sy = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)pw[i];
		if ((c & 0xC0) != 0x80)
			cps++;
		if (isupper(c))
			up = 1;
		else if (islower(c))
			lo = 1;
		else if (isdigit(c))
			dg = 1;
		else
			sy = 1;
	}
	if (n > 512 || cps > 128)
		return &m_long;
	if ((int)cps < min_len)
		return &m_short;
	if (up + lo + dg + sy < classes)
		return &m_classes;
	return NULL;
}
