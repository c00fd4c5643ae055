/*
 * demo.c — the demo city (see demo.h).
 *
 * Everything is fictional: the city 海岳市 with statistical code
 * 370699000000 (an unassigned county number), 4 streets, 9 towns and a
 * development zone, about 1,000 villages and communities with codes that
 * follow the statistics bureau's pattern, departments, the democratic
 * parties' committees and branches, the federation of industry and
 * commerce with its chambers, and the new-class association. Names are
 * generated deterministically so every demo database looks the same.
 */
#include "domain/demo.h"

#include <stdio.h>
#include <string.h>

#include "domain/unit.h"
#include "domain/user.h"

static const struct {
	const char *name;
	const char *kind;
	int code; /* the 3-digit township part */
	int villages;
	int communities;
} towns[] = {
	{"东城街道", "street", 1, 6, 18},   {"西城街道", "street", 2, 8, 14},   {"南山街道", "street", 3, 12, 9},
	{"北海街道", "street", 4, 10, 8},   {"芦湾镇", "town", 100, 88, 3},     {"石岭镇", "town", 101, 92, 2},
	{"大柳镇", "town", 102, 85, 2},     {"金港镇", "town", 103, 79, 3},     {"青松镇", "town", 104, 90, 2},
	{"望海镇", "town", 105, 83, 2},     {"龙泉镇", "town", 106, 95, 2},     {"桃源镇", "town", 107, 87, 2},
	{"双河镇", "town", 108, 91, 2},     {"海岳经济开发区", "zone", 400, 40, 8},
};

static const char *const surnames[] = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马",
                                       "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许",
                                       "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋",
                                       "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢",
                                       "姜", "崔", "钟", "谭", "陆", "汪", "范", "金"};
static const char *const village_suffix[] = {"家村", "家庄", "家疃", "格庄村", "家洼村", "家夼村"};
static const char *const community_words[] = {"和平", "幸福", "阳光", "锦绣", "海景", "朝阳", "文化", "振华",
                                              "滨河", "新兴", "丽园", "春晖", "金岸", "康乐", "翠苑", "港城",
                                              "书院", "福山", "明珠", "长安"};

static const char *const departments[] = {
	"市发展和改革局", "市教育和体育局", "市科学技术局", "市工业和信息化局", "市民族宗教事务局",
	"市公安局", "市民政局", "市司法局", "市财政局", "市人力资源和社会保障局",
	"市自然资源和规划局", "市住房和城乡建设局", "市农业农村局", "市商务局", "市文化和旅游局",
	"市卫生健康委员会", "市退役军人事务局", "市市场监督管理局", "市税务局", "市侨务办公室",
};

static const char *const parties[] = {"民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟"};

struct acct {
	const char *username;
	const char *name;
	const char *role;
};

static int add(store *db, int64_t parent, const char *name, const char *kind, const char *code, int sort,
               int64_t *id, demo_stats *st)
{
	int rc = unit_insert_raw(db, parent, name, kind, code, sort, 0, id);
	if (!rc)
		st->units++;
	return rc;
}

int demo_build(store *db, int64_t root, const char *password, FILE *out, demo_stats *st)
{
	memset(st, 0, sizeof *st);
	int64_t n = 0;
	store_stmt *s;
	int rc = store_prepare(db, "SELECT COUNT(*) FROM unit WHERE parent_id = ?", &s);
	if (rc)
		return rc;
	store_bind_int(s, 1, root);
	if (store_step(s) == STORE_ROW)
		n = store_col_int(s, 0);
	store_finalize(s);
	if (n > 0)
		return TX_ECONFLICT;
	if ((rc = store_prepare(db, "UPDATE unit SET name = ?, kind = 'city', code = ? WHERE id = ?", &s)))
		return rc;
	store_bind_text(s, 1, "海岳市");
	store_bind_text(s, 2, "370699000000");
	store_bind_int(s, 3, root);
	int r = store_step(s);
	store_finalize(s);
	if (r != STORE_DONE)
		return TX_EDB;

	int64_t town_ids[2] = {0, 0}, first_village = 0, first_dept = 0, id;
	for (size_t t = 0; t < sizeof towns / sizeof towns[0]; t++) {
		char code[40];
		snprintf(code, sizeof code, "370699%03d000", towns[t].code);
		int64_t tid;
		if ((rc = add(db, root, towns[t].name, towns[t].kind, code, (int)t + 1, &tid, st)))
			return rc;
		st->towns++;
		if (t < 2)
			town_ids[t] = tid;
		int sort = 0;
		for (int c = 0; c < towns[t].communities; c++) {
			char name[64];
			snprintf(name, sizeof name, "%s%s社区", community_words[c % 20], c >= 20 ? "东" : "");
			snprintf(code, sizeof code, "370699%03d%03d", towns[t].code, c + 1);
			if ((rc = add(db, tid, name, "community", code, ++sort, &id, st)))
				return rc;
			st->villages++;
			if (!first_village)
				first_village = id;
		}
		for (int v = 0; v < towns[t].villages; v++) {
			char name[64];
			int si = (int)((v * 7 + t * 11) % 60);
			int fi = (v / 60 + (int)t) % 6;
			snprintf(name, sizeof name, "%s%s", surnames[si], village_suffix[fi]);
			snprintf(code, sizeof code, "370699%03d%03d", towns[t].code, 200 + v);
			if ((rc = add(db, tid, name, "village", code, ++sort, &id, st)))
				return rc;
			st->villages++;
		}
	}
	for (size_t d = 0; d < sizeof departments / sizeof departments[0]; d++) {
		if ((rc = add(db, root, departments[d], "department", NULL, 100 + (int)d, &id, st)))
			return rc;
		st->departments++;
		if (!first_dept)
			first_dept = id;
	}
	for (size_t p = 0; p < sizeof parties / sizeof parties[0]; p++) {
		char name[64];
		int64_t pid;
		snprintf(name, sizeof name, "%s海岳市委员会", parties[p]);
		if ((rc = add(db, root, name, "party_committee", NULL, 200 + (int)p, &pid, st)))
			return rc;
		for (int b = 1; b <= 2; b++) {
			snprintf(name, sizeof name, "%s海岳市第%s支部", parties[p], b == 1 ? "一" : "二");
			if ((rc = add(db, pid, name, "party_branch", NULL, b, &id, st)))
				return rc;
		}
	}
	int64_t fic;
	if ((rc = add(db, root, "海岳市工商业联合会", "federation", NULL, 300, &fic, st)))
		return rc;
	for (size_t t = 0; t < sizeof towns / sizeof towns[0]; t++) {
		char name[64];
		snprintf(name, sizeof name, "%s商会", towns[t].name);
		if ((rc = add(db, fic, name, "chamber", NULL, (int)t + 1, &id, st)))
			return rc;
	}
	static const char *const trades[] = {"海岳市建筑业商会", "海岳市食品行业商会", "海岳市机械制造商会",
	                                     "海岳市电子商务商会", "海岳市黄金珠宝商会", "海岳市海岳商会（青岛）"};
	for (size_t i = 0; i < sizeof trades / sizeof trades[0]; i++)
		if ((rc = add(db, fic, trades[i], "chamber", NULL, 50 + (int)i, &id, st)))
			return rc;
	int64_t nsc;
	if ((rc = add(db, root, "海岳市新的社会阶层人士联谊会", "association", NULL, 400, &nsc, st)))
		return rc;
	static const char *const branches[] = {"法律服务分会", "金融服务分会", "海归分会", "新媒体分会"};
	for (size_t i = 0; i < sizeof branches / sizeof branches[0]; i++)
		if ((rc = add(db, nsc, branches[i], "association", NULL, (int)i + 1, &id, st)))
			return rc;

	struct {
		const char *username, *name, *role;
		int64_t unit;
	} accts[] = {
		{"staff", "统战部干部（演示）", "dept_staff", root},
		{"leader", "市领导（演示）", "leader", root},
		{"town1", "东城街道统战干事（演示）", "town_officer", town_ids[0]},
		{"town2", "西城街道统战干事（演示）", "town_officer", town_ids[1]},
		{"village1", "社区联络员（演示）", "village_liaison", first_village},
		{"deptliaison", "部门联络人（演示）", "dept_liaison", first_dept},
		{"rep1", "党外代表人士（演示）", "representative", root},
	};
	for (size_t i = 0; i < sizeof accts / sizeof accts[0]; i++) {
		const char *roles[] = {accts[i].role, NULL};
		if ((rc = user_insert_raw(db, accts[i].username, accts[i].name, accts[i].unit, roles, password, 0, 0, &id)))
			return rc;
		st->users++;
		fprintf(out, "%s\t%s\t%s\n", accts[i].username, password, accts[i].role);
	}
	return TX_OK;
}
