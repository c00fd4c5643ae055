/*
 * validate.c — identifier and code checks (see validate.h).
 *
 * Everything here is a pure function of its arguments (plus today's date
 * for birth dates); messages are static. Callers own the out buffers.
 */
#include "model/validate.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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

/* ---- shared helpers ---------------------------------------------------- */

/*
 * Decode one UTF-8 code point at *p and advance. Returns 1 with *cp set, 0
 * at the end of the string, -1 on invalid UTF-8 (overlong forms,
 * surrogates and values above U+10FFFF included).
 */
static int utf8_next(const char **p, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)*p;
	uint32_t c = s[0];
	int len;
	if (c == 0)
		return 0;
	if (c < 0x80) {
		*cp = c;
		*p += 1;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
	} else
		return -1;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*cp = c;
	*p += len;
	return 1;
}

static int is_blank_cp(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x3000 || c == 0x00A0;
}

/* Marks 转 (extension) in folded phone numbers; never produced otherwise. */
#define FOLD_EXT '\x01'

/*
 * Fold `in` into ASCII in out (cap bytes): leading and trailing blanks
 * (ASCII, U+3000, U+00A0) are dropped, inner blanks become ' ', the
 * full-width forms U+FF01–U+FF5E become ASCII, 转 becomes FOLD_EXT, and
 * every other non-printable or non-ASCII code point (or invalid UTF-8)
 * becomes '?', which no identifier accepts. Returns the folded length; a
 * result ≥ cap means the input was too long and out holds a prefix only.
 */
static size_t fold_ascii(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	uint32_t c;
	int r;
	if (!in) {
		out[0] = '\0';
		return 0;
	}
	/* Leading blanks. */
	for (const char *q = in; (r = utf8_next(&q, &c)) == 1 && is_blank_cp(c);)
		in = q;
	while ((r = utf8_next(&in, &c)) != 0) {
		char a;
		if (r < 0) {
			a = '?';
			in++;
		} else if (is_blank_cp(c))
			a = ' ';
		else if (c >= 0x20 && c < 0x7F)
			a = (char)c;
		else if (c >= 0xFF01 && c <= 0xFF5E)
			a = (char)(c - 0xFEE0);
		else if (c == 0x8F6C)
			a = FOLD_EXT;
		else
			a = '?';
		if (n + 1 < cap)
			out[n] = a;
		n++;
	}
	if (n >= cap) {
		out[cap - 1] = '\0';
		return n;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return n;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int date_real(int y, int m, int d)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days[m - 1] + (m == 2 && is_leap(y));
}

/* n ASCII digits at s as a number, -1 when one is not a digit. */
static int digits_value(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* ---- 公民身份号码 GB 11643-1999 --------------------------------------- */

static const msg2 m_id_length = {"身份证号应为 18 位（旧版 15 位）",
                                 "an ID number has 18 characters (15 in the old format)"};
static const msg2 m_id_chars = {"身份证号只能由数字组成，仅最后一位可以是 X",
                                "an ID number consists of digits; only the last character may be X"};
static const msg2 m_id_region = {"身份证号前两位不是有效的省级行政区划代码",
                                 "the first two digits of the ID number are not a valid province code"};
static const msg2 m_id_birth = {"身份证号中的出生日期不是有效日期",
                                "the birth date in the ID number is not a valid date"};
static const msg2 m_id_birth_range = {"身份证号中的出生日期应在 1900 年至今天之间",
                                      "the birth date in the ID number must lie between 1900 and today"};
static const msg2 m_id_check = {"身份证号校验位错误", "the check character of the ID number is wrong"};

/*
 * Province-level codes of GB/T 2260 (plus 71 Taiwan, 81 Hong Kong, 82
 * Macao as used by residence permits for their residents, and 83, the
 * prefix of residence permits of Taiwan residents).
 */
static int province_code_valid(int p)
{
	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
	       (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 || p == 81 || p == 82 || p == 83;
}

char id_number_check_char(const char *first17)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	if (!first17)
		return 0;
	for (int i = 0; i < 17; i++) {
		if (first17[i] < '0' || first17[i] > '9')
			return 0;
		sum += (first17[i] - '0') * w[i];
	}
	return "10X98765432"[sum % 11];
}

const msg2 *validate_id_number(const char *in, char out[19], struct id_info *info)
{
	char s[64], id[19];
	size_t n = fold_ascii(in, s, sizeof s);
	for (size_t i = 0; i < n && i < sizeof s - 1; i++)
		if (!isdigit((unsigned char)s[i]) && s[i] != 'X' && s[i] != 'x')
			return &m_id_chars;
	if (n != 18 && n != 15)
		return &m_id_length;
	for (size_t i = 0; i + 1 < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return &m_id_chars;
	if (n == 15) {
		if (!isdigit((unsigned char)s[14]))
			return &m_id_chars;
		memcpy(id, s, 6);
		id[6] = '1';
		id[7] = '9';
		memcpy(id + 8, s + 6, 9);
	} else
		memcpy(id, s, 17);
	id[17] = '\0';

	if (!province_code_valid(digits_value(id, 2)))
		return &m_id_region;

	int y = digits_value(id + 6, 4), m = digits_value(id + 10, 2), d = digits_value(id + 12, 2);
	if (!date_real(y, m, d))
		return &m_id_birth;
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	long today = (long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	long birth = (long)y * 10000 + m * 100 + d;
	if (y < 1900 || birth > today)
		return &m_id_birth_range;

	char c = id_number_check_char(id);
	if (n == 18 && (char)toupper((unsigned char)s[17]) != c)
		return &m_id_check;
	id[17] = c;
	id[18] = '\0';
	memcpy(out, id, 19);
	if (info) {
		memcpy(info->birth, id + 6, 4);
		info->birth[4] = '-';
		memcpy(info->birth + 5, id + 10, 2);
		info->birth[7] = '-';
		memcpy(info->birth + 8, id + 12, 2);
		info->birth[10] = '\0';
		info->gender = (id[16] - '0') % 2 ? 1 : 2;
		memcpy(info->region, id, 6);
		info->region[6] = '\0';
	}
	return NULL;
}

/* ---- 统一社会信用代码 GB 32100-2015 ------------------------------------ */

static const char cc_set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static const msg2 m_cc_length = {"统一社会信用代码应为 18 位", "a unified social credit code has 18 characters"};
static const msg2 m_cc_chars = {"统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）",
                                "a unified social credit code consists of digits and capital letters except I, O, Z, S, V"};
static const msg2 m_cc_authority = {"统一社会信用代码第 1 位（登记管理部门）无效",
                                    "the 1st character of the credit code (registration authority) is not valid"};
static const msg2 m_cc_kind = {"统一社会信用代码第 2 位（机构类别）与登记管理部门不符",
                               "the 2nd character of the credit code (kind of organisation) does not fit the authority"};
static const msg2 m_cc_region = {"统一社会信用代码第 3–8 位应为行政区划代码（6 位数字）",
                                 "characters 3–8 of the credit code must be a division code (6 digits)"};
static const msg2 m_cc_check = {"统一社会信用代码校验位错误", "the check character of the credit code is wrong"};

static int cc_value(char c)
{
	const char *p = c ? strchr(cc_set, c) : NULL;
	return p ? (int)(p - cc_set) : -1;
}

/*
 * Registration authorities (1st character) and the kinds of organisation
 * each may register (2nd character), as published with GB 32100-2015 and
 * extended by the national code centre: 1 机构编制, 2 外交, 3 司法行政,
 * 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商 (市场监管), A 中央军委改革
 * 和编制办公室, N 农业, Y 其他.
 */
static const struct {
	char authority;
	const char *kinds;
} cc_kinds[] = {
	{'1', "1239"}, {'2', "19"}, {'3', "123459"}, {'4', "19"}, {'5', "1239"}, {'6', "129"},
	{'7', "129"},  {'8', "19"}, {'9', "123"},    {'A', "19"}, {'N', "1239"}, {'Y', "1"},
};

char credit_code_check_char(const char *first17)
{
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	int sum = 0;
	if (!first17)
		return 0;
	for (int i = 0; i < 17; i++) {
		int v = cc_value(first17[i]);
		if (v < 0)
			return 0;
		sum += v * w[i];
	}
	int c = 31 - sum % 31;
	return cc_set[c == 31 ? 0 : c];
}

const msg2 *validate_credit_code(const char *in, char out[19])
{
	char s[64];
	size_t n = fold_ascii(in, s, sizeof s);
	for (size_t i = 0; i < n && i < sizeof s - 1; i++) {
		s[i] = (char)toupper((unsigned char)s[i]);
		if (cc_value(s[i]) < 0)
			return &m_cc_chars;
	}
	if (n != 18)
		return &m_cc_length;
	const char *kinds = NULL;
	for (size_t i = 0; i < sizeof cc_kinds / sizeof cc_kinds[0]; i++)
		if (cc_kinds[i].authority == s[0])
			kinds = cc_kinds[i].kinds;
	if (!kinds)
		return &m_cc_authority;
	if (!strchr(kinds, s[1]))
		return &m_cc_kind;
	if (digits_value(s + 2, 6) < 0)
		return &m_cc_region;
	if (credit_code_check_char(s) != s[17])
		return &m_cc_check;
	memcpy(out, s, 19);
	return NULL;
}

/* ---- phone numbers ----------------------------------------------------- */

static const msg2 m_mobile = {"手机号码应为 11 位数字，以 13–19 开头",
                              "a mobile number has 11 digits starting with 13–19"};
static const msg2 m_phone = {"电话号码格式不正确：手机号 11 位，固定电话为区号加 7–8 位号码（如 0371-63456789）",
                             "not a phone number: a mobile has 11 digits, a landline an area code and 7–8 digits "
                             "(e.g. 0371-63456789)"};
static const msg2 m_phone_buf = {"电话号码太长", "the phone number is too long"};

/* A folded mobile number into 11 digits; 0 when it is not one. */
static int mobile_folded(const char *s, char d[12])
{
	char buf[24];
	size_t n = 0;
	int plus = 0;
	if (*s == '+') {
		plus = 1;
		s++;
	}
	for (; *s; s++) {
		if (*s == ' ' || *s == '-')
			continue;
		if (!isdigit((unsigned char)*s) || n + 1 >= sizeof buf)
			return 0;
		buf[n++] = *s;
	}
	buf[n] = '\0';
	const char *p = buf;
	if (plus) {
		if (strncmp(p, "86", 2) != 0)
			return 0;
		p += 2;
	} else if (n == 15 && strncmp(p, "0086", 4) == 0)
		p += 4;
	else if (n == 13 && strncmp(p, "86", 2) == 0)
		p += 2;
	if (strlen(p) != 11 || p[0] != '1' || p[1] < '3' || p[1] > '9')
		return 0;
	memcpy(d, p, 12);
	return 1;
}

const msg2 *validate_mobile(const char *in, char *out, size_t n)
{
	char s[64], d[12];
	if (fold_ascii(in, s, sizeof s) >= sizeof s || !mobile_folded(s, d))
		return &m_mobile;
	if (n < sizeof d)
		return &m_phone_buf;
	memcpy(out, d, sizeof d);
	return NULL;
}

/* A folded landline (see validate.h) into "area-local[-ext]"; 0 when not one. */
static int landline_folded(const char *p, char *out, size_t n)
{
	char area[5], local[9], ext[7];
	size_t na = 0, nl = 0, ne = 0, alen;
	int intl = 0, paren = 0;
	if (strncmp(p, "+86", 3) == 0) {
		p += 3;
		intl = 1;
	} else if (strncmp(p, "0086", 4) == 0) {
		p += 4;
		intl = 1;
	}
	if (intl)
		while (*p == ' ' || *p == '-')
			p++;
	if (*p == '(') {
		paren = 1;
		p++;
	}
	if (*p == '0')
		area[na++] = *p++;
	else if (intl)
		area[na++] = '0'; /* +86 371 …: the trunk 0 is dropped abroad */
	else
		return 0;
	if (*p < '1' || *p > '9')
		return 0;
	alen = (*p == '1' || *p == '2') ? 3 : 4; /* 010, 02x; all others 0xxx */
	while (na < alen) {
		if (!isdigit((unsigned char)*p))
			return 0;
		area[na++] = *p++;
	}
	area[na] = '\0';
	if (area[1] == '1' && area[2] != '0')
		return 0;
	if (paren) {
		if (*p != ')')
			return 0;
		p++;
	}
	while (*p == ' ')
		p++;
	if (*p == '-')
		for (p++; *p == ' ';)
			p++;
	while (isdigit((unsigned char)*p) || (*p == ' ' && nl > 0 && isdigit((unsigned char)p[1]))) {
		if (*p != ' ') {
			if (nl == 8)
				return 0;
			local[nl++] = *p;
		}
		p++;
	}
	local[nl] = '\0';
	if (nl < 7 || local[0] < '2')
		return 0;
	while (*p == ' ')
		p++;
	if (*p) {
		if (*p == '-' || *p == FOLD_EXT)
			p++;
		else if (strncasecmp(p, "ext", 3) == 0)
			p += 3;
		else
			return 0;
		while (*p == ' ' || *p == '.')
			p++;
		while (isdigit((unsigned char)*p)) {
			if (ne == 6)
				return 0;
			ext[ne++] = *p++;
		}
		ext[ne] = '\0';
		while (*p == ' ')
			p++;
		if (ne == 0 || *p)
			return 0;
	}
	size_t need = na + 1 + nl + (ne ? 1 + ne : 0) + 1;
	if (need > n)
		return -1;
	memcpy(out, area, na);
	out[na] = '-';
	memcpy(out + na + 1, local, nl + 1);
	if (ne) {
		out[na + 1 + nl] = '-';
		memcpy(out + na + 2 + nl, ext, ne + 1);
	}
	return 1;
}

/*
 * A number abroad (Hong Kong, Macao, Taiwan, overseas Chinese): '+' or
 * "00" directly followed by a country code other than 86, 7–15 digits in
 * all; stored "+digits".
 */
static int foreign_folded(const char *p, char *out, size_t n)
{
	char d[16];
	size_t nd = 0;
	if (*p == '+')
		p++;
	else if (strncmp(p, "00", 2) == 0)
		p += 2;
	else
		return 0;
	if (!isdigit((unsigned char)*p)) /* the country code follows the prefix directly */
		return 0;
	for (; *p; p++) {
		if (*p == ' ' || *p == '-' || *p == '(' || *p == ')')
			continue;
		if (!isdigit((unsigned char)*p) || nd == 15)
			return 0;
		d[nd++] = *p;
	}
	d[nd] = '\0';
	if (nd < 7 || d[0] == '0' || strncmp(d, "86", 2) == 0)
		return 0;
	if (nd + 2 > n)
		return -1;
	out[0] = '+';
	memcpy(out + 1, d, nd + 1);
	return 1;
}

const msg2 *validate_phone(const char *in, char *out, size_t n)
{
	char s[64], d[12];
	if (fold_ascii(in, s, sizeof s) >= sizeof s)
		return &m_phone;
	if (mobile_folded(s, d)) {
		if (n < sizeof d)
			return &m_phone_buf;
		memcpy(out, d, sizeof d);
		return NULL;
	}
	int r = landline_folded(s, out, n);
	if (r == 0)
		r = foreign_folded(s, out, n);
	return r > 0 ? NULL : r < 0 ? &m_phone_buf : &m_phone;
}

/* ---- dates --------------------------------------------------------------- */

const msg2 *validate_date(const char *s)
{
	static const msg2 m = {"日期应为有效的 YYYY-MM-DD（1800–2199 年）", "a date is a real YYYY-MM-DD (1800–2199)"};
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return &m;
	int y = digits_value(s, 4), mo = digits_value(s + 5, 2), d = digits_value(s + 8, 2);
	if (y < 1800 || y > 2199 || mo < 0 || d < 0 || !date_real(y, mo, d))
		return &m;
	return NULL;
}

/* ---- person names -------------------------------------------------------- */

enum name_class { NC_BAD, NC_HAN, NC_ALPHA, NC_MARK, NC_DOT, NC_SPACE, NC_JOIN };

static int in_range(uint32_t c, uint32_t lo, uint32_t hi)
{
	return c >= lo && c <= hi;
}

/* The role a code point may play in a name (see validate.h). */
static enum name_class name_class(uint32_t c)
{
	if (c == ' ')
		return NC_SPACE;
	if (c == '-' || c == '\'' || c == 0x2019)
		return NC_JOIN;
	if (c == 0x00B7 || c == 0x2022 || c == 0x30FB)
		return NC_DOT;
	/* Han ideographs: URO, extension A, compatibility, supplementary planes (B–H). */
	if (in_range(c, 0x4E00, 0x9FFF) || in_range(c, 0x3400, 0x4DBF) || in_range(c, 0xF900, 0xFAFF) ||
	    in_range(c, 0x20000, 0x2FA1F) || in_range(c, 0x30000, 0x323AF) || c == 0x3005 || c == 0x3007)
		return NC_HAN;
	/* Combining marks, variation selectors, Tibetan tsheg, Mongolian selectors. */
	if (in_range(c, 0x0300, 0x036F) || in_range(c, 0x0483, 0x0489) || in_range(c, 0x1AB0, 0x1AFF) ||
	    in_range(c, 0x1DC0, 0x1DFF) || in_range(c, 0x20D0, 0x20F0) || in_range(c, 0xFE00, 0xFE0F) ||
	    in_range(c, 0xFE20, 0xFE2F) || in_range(c, 0xE0100, 0xE01EF) || in_range(c, 0x064B, 0x065F) ||
	    c == 0x0670 || in_range(c, 0x0F0B, 0x0F0C) || in_range(c, 0x180B, 0x180F))
		return NC_MARK;
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
		return NC_ALPHA;
	if (in_range(c, 0x00C0, 0x024F) && c != 0x00D7 && c != 0x00F7) /* Latin-1, Extended-A/B */
		return NC_ALPHA;
	if (in_range(c, 0x1E00, 0x1EFF)) /* Latin Extended Additional (Vietnamese) */
		return NC_ALPHA;
	if (c == 0x0386 || in_range(c, 0x0388, 0x03FF)) /* Greek */
		return NC_ALPHA;
	if (in_range(c, 0x0400, 0x0481) || in_range(c, 0x048A, 0x052F)) /* Cyrillic */
		return NC_ALPHA;
	if (in_range(c, 0x0531, 0x0587) || in_range(c, 0x05D0, 0x05EA)) /* Armenian, Hebrew */
		return NC_ALPHA;
	/* Arabic script (Uyghur, Kazakh, Kyrgyz names). */
	if (in_range(c, 0x0620, 0x064A) || in_range(c, 0x066E, 0x066F) || in_range(c, 0x0671, 0x06D3) || c == 0x06D5 ||
	    in_range(c, 0x06E5, 0x06E6) || in_range(c, 0x06EE, 0x06EF) || in_range(c, 0x06FA, 0x06FC) ||
	    c == 0x06FF || in_range(c, 0x0750, 0x077F))
		return NC_ALPHA;
	/* Indic scripts, without their digits (xx66–xx6F) and dandas. */
	if (in_range(c, 0x0900, 0x0DFF) && !in_range(c & 0x7F, 0x66, 0x6F) && c != 0x0964 && c != 0x0965)
		return NC_ALPHA;
	if (in_range(c, 0x0E01, 0x0E3A) || in_range(c, 0x0E40, 0x0E4E) || in_range(c, 0x0E81, 0x0ECF) ||
	    in_range(c, 0x0EDC, 0x0EDF)) /* Thai, Lao (Dai) */
		return NC_ALPHA;
	if (in_range(c, 0x0F40, 0x0FBC)) /* Tibetan letters and subjoined letters */
		return NC_ALPHA;
	if (in_range(c, 0x1000, 0x103F) || in_range(c, 0x1050, 0x108F)) /* Myanmar (Jingpo, Dai) */
		return NC_ALPHA;
	if (in_range(c, 0x10A0, 0x10FA) || in_range(c, 0x1100, 0x11FF)) /* Georgian, Hangul Jamo */
		return NC_ALPHA;
	if (in_range(c, 0x1820, 0x1878) || in_range(c, 0x1880, 0x18AA)) /* Mongolian */
		return NC_ALPHA;
	if (in_range(c, 0x3041, 0x3096) || in_range(c, 0x309D, 0x309F) || in_range(c, 0x30A1, 0x30FA) ||
	    in_range(c, 0x30FC, 0x30FF) || in_range(c, 0x31F0, 0x31FF)) /* kana */
		return NC_ALPHA;
	if (in_range(c, 0x3131, 0x318E) || in_range(c, 0xAC00, 0xD7A3)) /* Hangul */
		return NC_ALPHA;
	if (in_range(c, 0xA000, 0xA48C) || in_range(c, 0xA4D0, 0xA4FD)) /* Yi syllables, Lisu (Fraser) */
		return NC_ALPHA;
	return NC_BAD;
}

#define NAME_MAX_CPS 50

const msg2 *validate_person_name(const char *s)
{
	static const msg2 m_empty = {"姓名不能为空", "the name must not be empty"};
	static const msg2 m_long = {"姓名不能超过 50 个字", "a name has at most 50 characters"};
	static const msg2 m_chars = {
		"姓名只能包含文字；少数民族或外国姓名可用间隔号“·”，外文姓名的单词间可用一个空格",
		"a name consists of letters; parts may be joined by a middle dot ·, words of alphabetic scripts by "
		"one space, a hyphen or an apostrophe"};
	enum name_class cls[NAME_MAX_CPS + 1], base[NAME_MAX_CPS + 1];
	size_t n = 0;
	uint32_t c;
	int r;
	if (!s || !*s)
		return &m_empty;
	while ((r = utf8_next(&s, &c)) != 0) {
		if (r < 0)
			return &m_chars;
		if (n == NAME_MAX_CPS)
			return &m_long;
		cls[n] = name_class(c);
		if (cls[n] == NC_BAD)
			return &m_chars;
		base[n] = cls[n] == NC_MARK ? (n ? base[n - 1] : NC_BAD) : cls[n];
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		enum name_class prev = i ? base[i - 1] : NC_BAD, next = i + 1 < n ? cls[i + 1] : NC_BAD;
		int prev_letter = prev == NC_HAN || prev == NC_ALPHA, next_letter = next == NC_HAN || next == NC_ALPHA;
		switch (cls[i]) {
		case NC_HAN:
		case NC_ALPHA:
			break;
		case NC_MARK:
			if (!prev_letter)
				return &m_chars;
			break;
		case NC_DOT:
			if (!prev_letter || !next_letter)
				return &m_chars;
			break;
		case NC_SPACE:
		case NC_JOIN:
			if (prev != NC_ALPHA || next != NC_ALPHA)
				return &m_chars;
			break;
		default:
			return &m_chars;
		}
	}
	return NULL;
}
