/*
 * mkrows.c — the rows of the import benchmark, written twice: as an .xlsx
 * (libxlsxwriter, the library the product writes its own files with) for
 * tongxin's import, and as a CSV with the same cells for the sqlite3
 * shell's .import (the reference).
 *
 *   mkrows HEADERS UNITS N OUT.xlsx OUT.csv [REGION]
 *
 * HEADERS: the template's header row, one cell a line (as GET
 * /api/v1/person/template gives it; a trailing * marks required columns).
 * UNITS: 12-digit division codes of the units to spread the people over,
 * one a line. REGION: the 6-digit address code of the ID numbers
 * (default 370688, apart from the demo's 370699 and the generator's).
 * Deterministic: the same arguments give the same rows. ID numbers are
 * unique: row j gets birth day (j * 9973) mod 25000 after 1940-01-01 and
 * sequence number 2 * (j / 25000) + gender.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

static uint64_t rs = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(uint32_t n)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return (uint32_t)((rs * 2685821657736338717ULL) >> 33) % n;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
static const char *const surnames[] = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙",
                                       "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
                                    "娟", "涛", "明", "超", "秀兰", "霞", "平", "建华", "志强", "海燕", "晓东"};
static const char *const works[] = {"海岳市第二中学", "海岳市妇幼保健院", "海岳市律师协会", "海岳港务有限公司",
                                    "金港水产有限公司", "海岳市图书馆", "海岳职业学院", "龙泉农业合作社"};
static const char *const posts[] = {"教师", "医生", "律师", "总经理", "会计", "工程师", "馆员", "理事长"};
static const char *const cat_labels[] = {"民主党派成员",   "无党派人士",       "党外知识分子",     "少数民族人士",
                                         "宗教界人士",     "非公有制经济人士", "新的社会阶层人士", "出国和归国留学人员",
                                         "香港同胞、澳门同胞", "台湾同胞及其在大陆的亲属", "华侨、归侨及侨眷",
                                         "其他需要联系和团结的人员"};
static const int cat_weight[] = {14, 6, 20, 4, 2, 18, 16, 6, 2, 2, 6, 4};
static const char *const party_labels[] = {"中国国民党革命委员会", "中国民主同盟", "中国民主建国会", "中国民主促进会",
                                           "中国农工民主党", "中国致公党", "九三学社", "台湾民主自治同盟"};
static const char *const party_member[] = {"民革党员", "民盟盟员", "民建会员", "民进会员",
                                           "农工党党员", "致公党党员", "九三学社社员", "台盟盟员"};
static const char *const minorities[] = {"回族", "满族", "蒙古族", "朝鲜族", "壮族"};
static const char *const religions[] = {"佛教", "道教", "天主教", "基督教", "伊斯兰教"};
static const char *const educations[] = {"大学本科毕业", "大学专科毕业", "硕士研究生毕业", "普通高中毕业"};

static char id_check(const char *s)
{
	static const int w[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char c[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	return c[sum % 11];
}

static char **read_lines(const char *path, int *n)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	char **v = NULL, line[1024];
	*n = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0])
			continue;
		v = realloc(v, sizeof *v * (size_t)(*n + 1));
		v[(*n)++] = strdup(line);
	}
	fclose(f);
	return v;
}

/* A CSV cell: quoted when it holds a comma, a quote or a line break. */
static void csv_cell(FILE *f, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: mkrows HEADERS UNITS N OUT.xlsx OUT.csv [REGION]\n");
		return 2;
	}
	int nh, nu;
	char **hdr = read_lines(argv[1], &nh), **units = read_lines(argv[2], &nu);
	long rows = atol(argv[3]);
	const char *region = argc > 6 ? argv[6] : "370688";
	if (!nh || !nu || rows <= 0 || strlen(region) != 6) {
		fprintf(stderr, "mkrows: need headers, units, N > 0 and a 6-digit region\n");
		return 2;
	}
	/* Shared strings, as Excel writes them (not the constant-memory inline form). */
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
	lxw_workbook *wb = workbook_new_opt(argv[4], &opt);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "统战对象");
	FILE *csv = fopen(argv[5], "w");
	if (!wb || !ws || !csv) {
		fprintf(stderr, "mkrows: cannot create the output files\n");
		return 1;
	}
	for (int c = 0; c < nh; c++) {
		worksheet_write_string(ws, 0, (lxw_col_t)c, hdr[c], NULL);
		/* The CSV header is the field label without the required mark. */
		char h[256];
		snprintf(h, sizeof h, "%s", hdr[c]);
		size_t l = strlen(h);
		if (l && h[l - 1] == '*')
			h[l - 1] = 0;
		csv_cell(csv, h, c == nh - 1);
	}
	char cell[512];
	for (long j = 0; j < rows; j++) {
		int male = (int)rnd(2);
		int day = (int)((j * 9973) % 25000), seq = (int)(j / 25000) * 2 + male;
		struct tm tm = {.tm_year = 40, .tm_mon = 0, .tm_mday = 1 + day, .tm_hour = 12};
		timegm(&tm);
		char idn[32], birth[32];
		snprintf(idn, sizeof idn, "%s%04d%02d%02d%03d", region, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, seq);
		idn[17] = id_check(idn);
		idn[18] = 0;
		snprintf(birth, sizeof birth, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		int roll = (int)rnd(100), acc = 0, ci;
		for (ci = 0; ci < 11; ci++) {
			acc += cat_weight[ci];
			if (roll < acc)
				break;
		}
		int party = (int)rnd(8);
		const char *unit = units[rnd((uint32_t)nu)];
		for (int c = 0; c < nh; c++) {
			const char *h = hdr[c];
			cell[0] = 0;
			if (strncmp(h, "管理单位", strlen("管理单位")) == 0)
				snprintf(cell, sizeof cell, "%s", unit);
			else if (strncmp(h, "姓名", strlen("姓名")) == 0)
				snprintf(cell, sizeof cell, "%s%s", surnames[rnd(N(surnames))], given[rnd(N(given))]);
			else if (strcmp(h, "性别") == 0)
				snprintf(cell, sizeof cell, "%s", male ? "男" : "女");
			else if (strcmp(h, "出生日期") == 0)
				snprintf(cell, sizeof cell, "%s", birth);
			else if (strcmp(h, "公民身份号码") == 0)
				snprintf(cell, sizeof cell, "%s", idn);
			else if (strcmp(h, "民族") == 0)
				snprintf(cell, sizeof cell, "%s", ci == 3 ? minorities[rnd(N(minorities))] : "汉族");
			else if (strcmp(h, "政治面貌") == 0)
				snprintf(cell, sizeof cell, "%s", ci == 0 ? party_member[party] : ci == 1 ? "无党派人士" : "群众");
			else if (strcmp(h, "民主党派") == 0)
				snprintf(cell, sizeof cell, "%s", ci == 0 ? party_labels[party] : "");
			else if (strcmp(h, "宗教信仰") == 0)
				snprintf(cell, sizeof cell, "%s", ci == 4 ? religions[rnd(N(religions))] : "无宗教信仰");
			else if (strcmp(h, "学历") == 0)
				snprintf(cell, sizeof cell, "%s", educations[rnd(N(educations))]);
			else if (strcmp(h, "统战对象类别") == 0)
				snprintf(cell, sizeof cell, "%s%s", cat_labels[ci], ci != 2 && rnd(4) == 0 ? "、党外知识分子" : "");
			else if (strcmp(h, "工作单位") == 0)
				snprintf(cell, sizeof cell, "%s", works[rnd(N(works))]);
			else if (strcmp(h, "职务") == 0)
				snprintf(cell, sizeof cell, "%s", posts[rnd(N(posts))]);
			else if (strcmp(h, "联系电话") == 0)
				snprintf(cell, sizeof cell, "1%d%d%08u", 3 + (int)rnd(6), (int)rnd(10), rnd(100000000));
			else if (strcmp(h, "通讯地址") == 0)
				snprintf(cell, sizeof cell, "海岳市海滨路%u号", 1 + rnd(999));
			else if (strcmp(h, "党外代表人士") == 0)
				snprintf(cell, sizeof cell, "%s", rnd(10) == 0 ? "是" : "否");
			else if (strcmp(h, "党外后备干部") == 0)
				snprintf(cell, sizeof cell, "否");
			if (cell[0])
				worksheet_write_string(ws, (lxw_row_t)(j + 1), (lxw_col_t)c, cell, NULL);
			csv_cell(csv, cell, c == nh - 1);
		}
	}
	if (fclose(csv) != 0 || workbook_close(wb) != LXW_NO_ERROR) {
		fprintf(stderr, "mkrows: writing failed\n");
		return 1;
	}
	return 0;
}
