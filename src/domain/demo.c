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

#include "domain/record.h"
#include "domain/unit.h"
#include "domain/user.h"
#include "model/validate.h"

#include <stdlib.h>
#include <time.h>

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

/* A small deterministic generator (xorshift64*), so every demo is the same. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 33) % (n ? n : 1);
}

static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
                                    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "红",
                                    "志强", "海燕", "晓东", "玉兰", "建国", "丽华", "春梅", "国庆", "思远", "子涵",
                                    "雨轩", "浩然", "欣怡", "梓萱"};
static const char *const workplaces[] = {"海岳市第一中学", "海岳市人民医院", "海岳市中医院", "海岳市律师事务所",
                                         "金港食品有限公司", "海岳黄金珠宝有限公司", "海岳市职业中专",
                                         "石岭镇中心卫生院", "海岳农商银行", "海岳电商产业园", "海岳市会计师事务所",
                                         "龙泉机械有限公司"};
static const char *const party_codes[] = {"rcck", "cdl", "cndca", "capd", "cpwdp", "czgp", "jiusan", "tdsgl"};

struct village {
	int64_t id;
	int64_t town;
};

/*
 * Insert a demo record after checking it against the model like any API
 * input, so demo data can never hold what users could not enter.
 */
static int add_record(dctx *c, const char *entity, json_t *body, int64_t *id)
{
	const model_entity *e = record_entity(entity);
	json_t *check = json_deep_copy(body), *fields = NULL;
	const char *summary = NULL;
	if (e->parent)
		json_object_del(check, "unit_id");
	int bad = model_validate(e, check, VALIDATE_CREATE, "en", &fields, &summary);
	json_decref(check);
	if (bad) {
		char *f = json_dumps(fields, JSON_COMPACT);
		fprintf(stderr, "tongxin: demo %s record is invalid: %s\n", entity, f ? f : "?");
		free(f);
		json_decref(fields);
		json_decref(body);
		return TX_EINTERNAL;
	}
	int64_t tmp;
	int rc = record_insert_raw(c, e, body, id ? id : &tmp);
	json_decref(body);
	return rc;
}

/* People, organisations, memberships and posts of the grid. */
static int demo_registry(store *db, const keys *k, int64_t root, int64_t *town_ids, size_t ntowns,
                         struct village *vill, size_t nvill, int64_t *dept_ids, size_t ndept, int64_t *party_units,
                         int people, demo_stats *st)
{
	dctx c = {.db = db, .k = k, .lang = "zh"};
	int rc = 0;
	char date[48], phone[32], idn[64];
	/* Organisations: the parties' committees, the federation's chambers, enterprises, bases. */
	int64_t party_org[8];
	for (int p = 0; p < 8 && !rc; p++) {
		char name[96];
		snprintf(name, sizeof name, "%s海岳市委员会", parties[p]);
		rc = add_record(&c, "organisation",
		                json_pack("{s:I, s:s, s:s, s:s, s:i}", "unit_id", (json_int_t)party_units[p], "name", name,
		                          "kind", "party_committee", "party", party_codes[p], "member_count", 0),
		                &party_org[p]);
		st->organisations++;
	}
	/* Each committee's two branches. */
	for (int p = 0; p < 8 && !rc; p++)
		for (int b = 1; b <= 2 && !rc; b++) {
			char name[96];
			snprintf(name, sizeof name, "%s海岳市第%s支部", parties[p], b == 1 ? "一" : "二");
			rc = add_record(&c, "organisation",
			                json_pack("{s:I, s:s, s:s, s:s, s:I}", "unit_id", (json_int_t)party_units[p], "name", name,
			                          "kind", "party_branch", "party", party_codes[p], "parent_org_id",
			                          (json_int_t)party_org[p]),
			                NULL);
			st->organisations++;
		}
	/* The federation and its chambers of every kind: 15 town, 5 industry, 1 out-of-town. */
	int64_t fic = 0;
	if (!rc)
		rc = add_record(&c, "organisation",
		                json_pack("{s:I, s:s, s:s}", "unit_id", (json_int_t)root, "name", "海岳市工商业联合会（总商会）",
		                          "kind", "federation"),
		                &fic);
	st->organisations++;
	for (size_t t = 0; t < ntowns && !rc; t++) {
		char name[96];
		snprintf(name, sizeof name, "%s商会", towns[t].name);
		rc = add_record(&c, "organisation",
		                json_pack("{s:I, s:s, s:s, s:s, s:I}", "unit_id", (json_int_t)town_ids[t], "name", name, "kind",
		                          "chamber", "chamber_kind", "town", "parent_org_id", (json_int_t)fic),
		                NULL);
		st->organisations++;
	}
	if (!rc)
		rc = add_record(&c, "organisation",
		                json_pack("{s:I, s:s, s:s, s:s, s:I}", "unit_id", (json_int_t)town_ids[5], "name",
		                          "芦头镇商会", "kind", "chamber", "chamber_kind", "town", "parent_org_id", (json_int_t)fic),
		                NULL);
	static const char *const trade_chambers[] = {"海岳市建筑业商会", "海岳市食品行业商会", "海岳市机械制造商会",
	                                             "海岳市电子商务商会", "海岳市黄金珠宝商会"};
	for (int i = 0; i < 5 && !rc; i++) {
		rc = add_record(&c, "organisation",
		                json_pack("{s:I, s:s, s:s, s:s, s:I}", "unit_id", (json_int_t)root, "name", trade_chambers[i],
		                          "kind", "chamber", "chamber_kind", "industry", "parent_org_id", (json_int_t)fic),
		                NULL);
		st->organisations++;
	}
	if (!rc)
		rc = add_record(&c, "organisation",
		                json_pack("{s:I, s:s, s:s, s:s, s:I}", "unit_id", (json_int_t)root, "name",
		                          "青岛海岳商会", "kind", "chamber", "chamber_kind", "out_of_town", "parent_org_id",
		                          (json_int_t)fic),
		                NULL);
	st->organisations += 2;
	/* The new-class association and its four branches. */
	int64_t nsc = 0;
	if (!rc)
		rc = add_record(&c, "organisation",
		                json_pack("{s:I, s:s, s:s}", "unit_id", (json_int_t)root, "name", "海岳市新的社会阶层人士联谊会",
		                          "kind", "association"),
		                &nsc);
	st->organisations++;
	static const char *const nsc_branches[] = {"法律服务分会", "金融服务分会", "海归分会", "新媒体分会"};
	for (int i = 0; i < 4 && !rc; i++) {
		rc = add_record(&c, "organisation",
		                json_pack("{s:I, s:s, s:s, s:I}", "unit_id", (json_int_t)root, "name", nsc_branches[i], "kind",
		                          "association_branch", "parent_org_id", (json_int_t)nsc),
		                NULL);
		st->organisations++;
	}
	static const char *const ekinds[] = {"private", "private", "private", "overseas", "hk_macao", "taiwan"};
	static const char *const places[] = {"海岳", "金港", "龙泉", "石岭", "青松", "望海", "桃源", "双河", "芦湾", "大柳"};
	static const char *const trades[] = {"食品", "机械", "科技"};
	/* About one enterprise per 16 people on record: 1,800 for the county demo. */
	int enterprises = people / 16 + 20 > 1800 ? 1800 : people / 16 + 20;
	for (int e = 0; e < enterprises && !rc; e++) {
		char name[96], code[19];
		/* 1,800 distinct names: place × surname × trade. */
		snprintf(name, sizeof name, "%s%s氏%s有限公司", places[e / 180], surnames[e % 60], trades[(e / 60) % 3]);
		/* A valid unified social credit code: 91 + 370699 + 9 digits + check. */
		snprintf(code, sizeof code, "91370699%09d", 100000000 + e * 7919);
		code[17] = credit_code_check_char(code);
		code[18] = 0;
		rc = add_record(&c, "organisation",
		                json_pack("{s:I, s:s, s:s, s:s, s:s}", "unit_id", (json_int_t)town_ids[e % ntowns], "name",
		                          name, "kind", "enterprise", "enterprise_kind", ekinds[e % 6], "credit_code", code),
		                NULL);
		st->organisations++;
	}
	static const char *const bases[] = {"石岭镇尹村民主党派同心实践基地", "同心阁统战活动基地", "新联会活动长廊"};
	for (int b = 0; b < 3 && !rc; b++) {
		rc = add_record(&c, "organisation",
		                json_pack("{s:I, s:s, s:s, s:i, s:i}", "unit_id", (json_int_t)root, "name", bases[b], "kind",
		                          "base", "area", 300 + b * 450, "investment", 50 + b * 30),
		                NULL);
		st->organisations++;
	}
	/* People on record, spread over the villages, towns and the city. */
	for (int i = 0; i < people && !rc; i++) {
		int64_t unit = i % 10 == 0 ? root : i % 3 == 0 ? town_ids[rnd((uint32_t)ntowns)] : vill[rnd((uint32_t)nvill)].id;
		/* Unique ID numbers: person i gets sequence i % 500 (with the gender
		 * digit) and a birth date inside block i / 500 of 300 days. */
		int male = (int)rnd(2);
		struct tm tm = {.tm_year = 50, .tm_mon = 0, .tm_mday = 1 + (i / 500) % 60 * 300 + (int)rnd(300), .tm_hour = 12};
		timegm(&tm);
		int year = tm.tm_year + 1900, month = tm.tm_mon + 1, day = tm.tm_mday;
		int seq = i % 500;
		snprintf(idn, sizeof idn, "370699%04d%02d%02d%02d%d", year, month, day, seq / 5, (seq % 5) * 2 + (male ? 1 : 0));
		idn[17] = id_number_check_char(idn);
		idn[18] = 0;
		snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
		snprintf(phone, sizeof phone, "13%d%08u", 5 + (int)rnd(5), rnd(100000000));
		char name[64];
		snprintf(name, sizeof name, "%s%s", surnames[rnd(60)], given[rnd(sizeof given / sizeof given[0])]);
		/* Categories: 01 democratic party, 02 non-party, 03 intellectuals, 04 minorities, 05 religion, 06 private economy … */
		static const char *const cats[] = {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"};
		static const int weight[] = {14, 6, 20, 4, 2, 18, 16, 6, 2, 2, 6, 4};
		int roll = (int)rnd(100), acc = 0, ci = 0;
		for (ci = 0; ci < 12; ci++) {
			acc += weight[ci];
			if (roll < acc)
				break;
		}
		if (ci == 12)
			ci = 11;
		json_t *cl = json_pack("[s]", cats[ci]);
		if (ci != 2 && rnd(4) == 0)
			json_array_append_new(cl, json_string("03"));
		const char *political = ci == 0 ? NULL : ci == 1 ? "12" : "13";
		int party = (int)rnd(8);
		char pol[3];
		if (ci == 0) {
			snprintf(pol, sizeof pol, "%02d", 4 + party);
			political = pol;
		}
		static const char *const minorities[] = {"03", "08", "11", "10", "05", "02"};
		static const char *const religions[] = {"10", "30", "40", "50", "70"};
		json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:b}", "unit_id",
		                         (json_int_t)unit, "name", name, "gender", male ? "1" : "2", "birth_date", date,
		                         "id_number", idn, "ethnicity", ci == 3 ? minorities[rnd(6)] : "01", "political",
		                         political, "categories", cl, "phone", phone, "workplace",
		                         workplaces[rnd(sizeof workplaces / sizeof workplaces[0])], "religion",
		                         ci == 4 ? religions[rnd(5)] : "00", "is_representative", rnd(10) == 0);
		if (ci == 0)
			json_object_set_new(body, "party", json_string(party_codes[party]));
		if (rnd(50) == 0) {
			static const char *const ranks[] = {"division_chief", "division_deputy", "section_chief",
			                                    "section_deputy", "section_member"};
			json_object_set_new(body, "is_reserve_cadre", json_true());
			json_object_set_new(body, "cadre_rank", json_string(ranks[rnd(5)]));
		}
		int64_t pid;
		rc = add_record(&c, "person", body, &pid);
		st->people++;
		if (!rc && ci == 0)
			rc = add_record(&c, "membership",
			                json_pack("{s:I, s:I, s:I, s:s}", "unit_id", (json_int_t)unit, "person_id", (json_int_t)pid,
			                          "organisation_id", (json_int_t)party_org[party], "role", "成员"),
			                NULL);
		if (!rc && rnd(25) == 0)
			rc = add_record(&c, "person_arrangement",
			                json_pack("{s:I, s:I, s:s, s:s, s:s}", "unit_id", (json_int_t)unit, "person_id",
			                          (json_int_t)pid, "kind", rnd(2) ? "cppcc_member" : "npc_deputy", "level", "county",
			                          "body", "海岳市第十届"),
			                NULL);
	}
	/* The grid: a clerk and a leader in charge per town, a liaison per
	 * village, a leader in charge per department — with a few gaps left
	 * on purpose so the grid page has something to show. */
	for (size_t t = 0; t < ntowns && !rc; t++) {
		char name[64];
		snprintf(name, sizeof name, "%s%s", surnames[(t * 7) % 60], given[t % 20]);
		snprintf(phone, sizeof phone, "1370000%04d", (int)t);
		rc = add_record(&c, "grid_post",
		                json_pack("{s:I, s:s, s:s, s:s, s:s}", "unit_id", (json_int_t)town_ids[t], "kind", "clerk",
		                          "holder_name", name, "phone", phone, "start_date", "2021-01-01"),
		                NULL);
		snprintf(name, sizeof name, "%s%s", surnames[(t * 11 + 3) % 60], given[(t + 5) % 20]);
		if (!rc)
			rc = add_record(&c, "grid_post",
			                json_pack("{s:I, s:s, s:s, s:s}", "unit_id", (json_int_t)town_ids[t], "kind",
			                          "leader_in_charge", "holder_name", name, "start_date", "2020-12-15"),
			                NULL);
		st->posts += 2;
	}
	for (size_t v = 0; v < nvill && !rc; v++) {
		if (v % 97 == 41)
			continue; /* a gap in the grid */
		char name[64];
		snprintf(name, sizeof name, "%s%s", surnames[(v * 13) % 60], given[(v * 3) % 40]);
		snprintf(phone, sizeof phone, "1390000%04d", (int)v);
		rc = add_record(&c, "grid_post",
		                json_pack("{s:I, s:s, s:s, s:s, s:s}", "unit_id", (json_int_t)vill[v].id, "kind", "liaison",
		                          "holder_name", name, "phone", phone, "start_date", "2021-03-01"),
		                NULL);
		st->posts++;
	}
	for (size_t d = 0; d < ndept && !rc; d++) {
		if (d == 4 || d == 13)
			continue; /* two departments without a designated leader */
		char name[64];
		snprintf(name, sizeof name, "%s%s", surnames[(d * 17 + 5) % 60], given[(d * 7) % 40]);
		rc = add_record(&c, "grid_post",
		                json_pack("{s:I, s:s, s:s, s:s}", "unit_id", (json_int_t)dept_ids[d], "kind",
		                          "leader_in_charge", "holder_name", name, "start_date", "2021-01-01"),
		                NULL);
		st->posts++;
	}
	dctx_clear(&c);
	return rc;
}

int demo_build(store *db, const keys *k, int64_t root, const char *password, int people, int cases, FILE *out,
               demo_stats *st)
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

	int64_t town_ids[sizeof towns / sizeof towns[0]], first_village = 0, first_dept = 0, first_chamber = 0, id;
	int64_t dept_ids[sizeof departments / sizeof departments[0]], party_units[8];
	struct village *vill = NULL;
	size_t nvill = 0;
	for (size_t t = 0; t < sizeof towns / sizeof towns[0]; t++) {
		char code[40];
		snprintf(code, sizeof code, "370699%03d000", towns[t].code);
		int64_t tid;
		if ((rc = add(db, root, towns[t].name, towns[t].kind, code, (int)t + 1, &tid, st)))
			return rc;
		st->towns++;
		town_ids[t] = tid;
		int sort = 0;
		for (int c = 0; c < towns[t].communities; c++) {
			char name[64];
			snprintf(name, sizeof name, "%s%s社区", community_words[c % 20], c >= 20 ? "东" : "");
			snprintf(code, sizeof code, "370699%03d%03d", towns[t].code, c + 1);
			if ((rc = add(db, tid, name, "community", code, ++sort, &id, st)))
				return rc;
			st->villages++;
			vill = realloc(vill, sizeof *vill * (nvill + 1));
			vill[nvill++] = (struct village){id, tid};
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
			vill = realloc(vill, sizeof *vill * (nvill + 1));
			vill[nvill++] = (struct village){id, tid};
		}
	}
	for (size_t d = 0; d < sizeof departments / sizeof departments[0]; d++) {
		if ((rc = add(db, root, departments[d], "department", NULL, 100 + (int)d, &id, st)))
			return rc;
		st->departments++;
		dept_ids[d] = id;
		if (!first_dept)
			first_dept = id;
	}
	for (size_t p = 0; p < sizeof parties / sizeof parties[0]; p++) {
		char name[64];
		int64_t pid;
		snprintf(name, sizeof name, "%s海岳市委员会", parties[p]);
		if ((rc = add(db, root, name, "party_committee", NULL, 200 + (int)p, &pid, st)))
			return rc;
		party_units[p] = pid;
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
		if (!first_chamber)
			first_chamber = id;
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
		{"deptliaison2", "部门联络人二（演示）", "dept_liaison", dept_ids[1]},
		{"mediator", "商会调解员（演示）", "dept_liaison", first_chamber},
		{"rep1", "党外代表人士（演示）", "representative", root},
		{"rep2", "党外代表人士二（演示）", "representative", root},
	};
	for (size_t i = 0; i < sizeof accts / sizeof accts[0]; i++) {
		const char *roles[] = {accts[i].role, NULL};
		if ((rc = user_insert_raw(db, accts[i].username, accts[i].name, accts[i].unit, roles, password, 0, 0, &id)))
			return rc;
		st->users++;
		fprintf(out, "%s\t%s\t%s\n", accts[i].username, password, accts[i].role);
	}
	rc = demo_registry(db, k, root, town_ids, sizeof towns / sizeof towns[0], vill, nvill, dept_ids,
	                   sizeof departments / sizeof departments[0], party_units, people, st);
	free(vill);
	if (!rc)
		rc = demo_cases(db, k, root, cases, st);
	return rc;
}
