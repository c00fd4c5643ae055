/*
 * gen.c — deterministic benchmark data (see gen.h).
 *
 * Names, codes and numbers come from one xorshift64* stream with a fixed
 * seed. ID numbers are unique by construction: person j of county r gets
 * the birth day (j * 9973) mod 25000 after 1940-01-01 and the sequence
 * number 2 * (j / 25000) + gender, so (region, birth day, sequence) never
 * repeats for up to 12.5 million people per county.
 */
#include "domain/gen.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "domain/record.h"
#include "domain/unit.h"
#include "domain/user.h"
#include "model/validate.h"

typedef struct rng {
	uint64_t s;
} rng;

static uint32_t rnd(rng *r, uint32_t n)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (uint32_t)((r->s * 2685821657736338717ULL) >> 33) % (n ? n : 1);
}

static double now_secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const surnames[] = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马",
                                       "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许",
                                       "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋",
                                       "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢",
                                       "姜", "崔", "钟", "谭", "陆", "汪", "范", "金"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
                                    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "红",
                                    "志强", "海燕", "晓东", "玉兰", "建国", "丽华", "春梅", "国庆", "思远", "子涵",
                                    "雨轩", "浩然", "欣怡", "梓萱"};
/* Two characters each: place names are word + suffix. */
static const char *const words[] = {"青", "松", "河", "山", "海", "泉", "石", "柳", "桃", "梅", "兰", "竹", "云", "霞",
                                    "金", "银", "玉", "龙", "凤", "鹤", "安", "宁", "平", "和", "兴", "隆", "昌", "盛",
                                    "东", "西", "南", "北", "新", "丰", "源", "阳", "德", "福", "康", "泰"};
static const char *const village_suffix[] = {"家村", "家庄", "家疃", "格庄村", "家洼村", "家夼村", "屯村", "官庄村"};
static const char *const workplaces[] = {"第一中学", "人民医院", "中医院", "律师事务所", "食品有限公司",
                                         "珠宝有限公司", "职业中专", "中心卫生院", "农商银行", "电商产业园",
                                         "会计师事务所", "机械有限公司", "科技有限公司", "实验小学"};
static const char *const parties[] = {"民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟"};
static const char *const party_codes[] = {"rcck", "cdl", "cndca", "capd", "cpwdp", "czgp", "jiusan", "tdsgl"};
static const char *const cats[] = {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"};
static const int cat_weight[] = {14, 6, 20, 4, 2, 18, 16, 6, 2, 2, 6, 4};
static const char *const minorities[] = {"03", "08", "11", "10", "05", "02"};
static const char *const religions[] = {"10", "30", "40", "50", "70"};
static const char *const ranks[] = {"division_chief", "division_deputy", "section_chief", "section_deputy",
                                    "section_member"};
static const char *const ekinds[] = {"private", "private", "private", "private", "overseas", "hk_macao", "taiwan"};
static const char *const etrades[] = {"食品", "机械", "科技", "建材", "电子", "物流", "纺织", "化工", "医药", "文旅"};

/* Check a body against the model like API input, then write it. Takes `body`. */
static tx_err put(dctx *c, const char *entity, json_t *body, int64_t *id)
{
	const model_entity *e = record_entity(entity);
	json_t *fields = NULL;
	const char *summary = NULL, *field = NULL;
	/* A sub-record lives in its parent's unit: unit_id is not one of its fields. */
	json_t *unit = e->parent ? json_incref(json_object_get(body, "unit_id")) : NULL;
	if (unit)
		json_object_del(body, "unit_id");
	int bad = model_validate(e, body, VALIDATE_CREATE, "en", &fields, &summary);
	if (unit)
		json_object_set_new(body, "unit_id", unit);
	if (!bad && e->check && e->check(body, &field))
		bad = 1;
	if (bad) {
		char *f = fields ? json_dumps(fields, JSON_COMPACT) : NULL;
		fprintf(stderr, "tongxin: gen: %s record is invalid: %s %s\n", entity, f ? f : "", field ? field : "");
		free(f);
		json_decref(fields);
		json_decref(body);
		return TX_EINTERNAL;
	}
	int64_t tmp;
	tx_err rc = record_insert_raw(c, e, body, id ? id : &tmp);
	json_decref(body);
	return rc;
}

/* A valid unified social credit code: 91 + 6-digit region + 9 digits + check. */
static void credit_code(char out[19], const char *region6, int64_t serial)
{
	snprintf(out, 19, "91%.6s%09lld", region6, (long long)(serial % 1000000000));
	out[17] = credit_code_check_char(out);
	out[18] = 0;
}

static tx_err enterprise(dctx *c, rng *r, int64_t unit, const char *place, const char *region6, int64_t serial,
                         int64_t *id)
{
	char name[128], code[19], phone[32];
	snprintf(name, sizeof name, "%s%s%s有限公司", place, surnames[rnd(r, N(surnames))], etrades[rnd(r, N(etrades))]);
	credit_code(code, region6, serial);
	snprintf(phone, sizeof phone, "13%d%08u", 5 + (int)rnd(r, 5), rnd(r, 100000000));
	return put(c, "organisation",
	           json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "unit_id", (json_int_t)unit, "name", name, "kind",
	                     "enterprise", "enterprise_kind", ekinds[rnd(r, N(ekinds))], "credit_code", code, "contact_name",
	                     surnames[rnd(r, N(surnames))], "contact_phone", phone, "member_count", 5 + (int)rnd(r, 500)),
	           id);
}

tx_err gen_county(store *db, const keys *k, int64_t root, const gen_opts *o, gen_stats *st)
{
	memset(st, 0, sizeof *st);
	rng r = {o->seed ? o->seed : 0x243F6A8885A308D3ULL};
	dctx c = {.db = db, .k = k, .lang = "zh"};
	store_stmt *s;
	int64_t have = 0;
	tx_err rc = store_prepare(db, "SELECT COUNT(*) FROM organisation WHERE deleted = 0", &s);
	if (rc)
		return rc;
	if (store_step(s) == STORE_ROW)
		have = store_col_int(s, 0);
	store_finalize(s);
	/* The demo's towns, streets and zone: enterprises are registered there. */
	int64_t towns[64];
	int nt = 0;
	if ((rc = store_prepare(db,
	                        "SELECT id FROM unit WHERE parent_id = ? AND kind IN ('town', 'street', 'zone')"
	                        " ORDER BY sort, id",
	                        &s)))
		return rc;
	store_bind_int(s, 1, root);
	while (nt < 64 && store_step(s) == STORE_ROW)
		towns[nt++] = store_col_int(s, 0);
	store_finalize(s);
	if (!nt)
		return TX_ENOTFOUND;
	double t0 = now_secs();
	/* Serials from 500,000,000 up: clear of the demo's own credit codes. */
	for (int64_t i = 0; have + st->organisations < o->orgs && !rc; i++) {
		rc = enterprise(&c, &r, towns[i % nt], "海岳", "370699", 500000000 + i * 7919, NULL);
		st->organisations++;
	}
	st->people_secs = now_secs() - t0;
	dctx_clear(&c);
	return rc;
}

/* ---- the province ---- */

struct place {
	int64_t id;
	int county; /* index of the county whose region code people here get */
	int city;   /* index of its city */
};

static const char *const city_names[] = {"海岳", "青川", "临澜", "东屿", "安平", "云石", "泰和", "北辰",
                                         "南湖", "金川", "宁远", "丰乐", "长岭", "兴隆", "瑞城", "双桥"};

typedef struct gen_run {
	store *db;
	dctx c;
	rng r;
	const gen_opts *o;
	gen_stats *st;
	int64_t in_tx; /* rows written in the open transaction */
	double t0;
} gen_run;

/* Commit every o->batch rows and start the next transaction. */
static tx_err tick(gen_run *g, const char *phase, int64_t done, int64_t total)
{
	if (++g->in_tx < g->o->batch)
		return TX_OK;
	g->in_tx = 0;
	tx_err rc = store_commit(g->db);
	if (!rc)
		rc = store_begin(g->db);
	if (g->o->progress)
		g->o->progress(g->o->progress_ctx, phase, done, total, now_secs() - g->t0);
	return rc;
}

static tx_err add_unit(gen_run *g, int64_t parent, const char *name, const char *kind, const char *code, int sort,
                       int64_t *id)
{
	tx_err rc = unit_insert_raw(g->db, parent, name, kind, code, sort, 0, id);
	if (!rc)
		g->st->units++;
	return rc;
}

static tx_err person(gen_run *g, const struct place *pl, const char *region6, int64_t j, const int64_t *party_org,
                     int64_t *pid)
{
	rng *r = &g->r;
	char idn[64], date[48], phone[32], name[32], work[96];
	int male = (int)rnd(r, 2);
	int day = (int)((j * 9973) % 25000), seq = (int)(j / 25000) * 2 + male;
	struct tm tm = {.tm_year = 40, .tm_mon = 0, .tm_mday = 1 + day, .tm_hour = 12};
	timegm(&tm);
	snprintf(idn, sizeof idn, "%.6s%04d%02d%02d%03d", region6, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, seq);
	idn[17] = id_number_check_char(idn);
	idn[18] = 0;
	snprintf(date, sizeof date, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	snprintf(phone, sizeof phone, "1%d%d%08u", 3 + (int)rnd(r, 6), (int)rnd(r, 10), rnd(r, 100000000));
	snprintf(name, sizeof name, "%s%s", surnames[rnd(r, N(surnames))], given[rnd(r, N(given))]);
	snprintf(work, sizeof work, "%s%s", city_names[rnd(r, N(city_names))], workplaces[rnd(r, N(workplaces))]);
	int roll = (int)rnd(r, 100), acc = 0, ci;
	for (ci = 0; ci < 11; ci++) {
		acc += cat_weight[ci];
		if (roll < acc)
			break;
	}
	json_t *cl = json_pack("[s]", cats[ci]);
	if (ci != 2 && rnd(r, 4) == 0)
		json_array_append_new(cl, json_string("03"));
	int party = (int)rnd(r, 8);
	char pol[3];
	const char *political = ci == 1 ? "12" : "13";
	if (ci == 0) {
		snprintf(pol, sizeof pol, "%02d", 4 + party);
		political = pol;
	}
	json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:b}", "unit_id",
	                         (json_int_t)pl->id, "name", name, "gender", male ? "1" : "2", "birth_date", date,
	                         "id_number", idn, "ethnicity", ci == 3 ? minorities[rnd(r, N(minorities))] : "01",
	                         "political", political, "categories", cl, "phone", phone, "workplace", work, "religion",
	                         ci == 4 ? religions[rnd(r, N(religions))] : "00", "is_representative", rnd(r, 10) == 0);
	if (ci == 0)
		json_object_set_new(body, "party", json_string(party_codes[party]));
	if (rnd(r, 50) == 0) {
		json_object_set_new(body, "is_reserve_cadre", json_true());
		json_object_set_new(body, "cadre_rank", json_string(ranks[rnd(r, N(ranks))]));
	}
	tx_err rc = put(&g->c, "person", body, pid);
	if (rc)
		return rc;
	g->st->people++;
	if (ci == 0) {
		rc = put(&g->c, "membership",
		         json_pack("{s:I, s:I, s:I, s:s}", "unit_id", (json_int_t)pl->id, "person_id", (json_int_t)*pid,
		                   "organisation_id", (json_int_t)party_org[party], "role", "成员"),
		         NULL);
		g->st->memberships++;
	}
	if (!rc && rnd(r, 25) == 0) {
		static const char *const lv[] = {"county", "county", "city", "provincial"};
		rc = put(&g->c, "person_arrangement",
		         json_pack("{s:I, s:I, s:s, s:s, s:s}", "unit_id", (json_int_t)pl->id, "person_id", (json_int_t)*pid,
		                   "kind", rnd(r, 2) ? "cppcc_member" : "npc_deputy", "level", lv[rnd(r, 4)], "body", "第十届"),
		         NULL);
		g->st->arrangements++;
	}
	return rc;
}

static void account(gen_run *g, const char *username, const char *name, const char *role, int64_t unit,
                    const char *password, FILE *logins, tx_err *rc)
{
	if (*rc)
		return;
	const char *roles[] = {role, NULL};
	int64_t id;
	*rc = user_insert_raw(g->db, username, name, unit, roles, password, 0, 0, &id);
	if (!*rc) {
		g->st->users++;
		fprintf(logins, "%s\t%s\t%s\n", username, password, role);
	}
}

tx_err gen_province(store *db, const keys *k, int64_t root, const char *password, const gen_opts *o, FILE *logins,
                    gen_stats *st)
{
	memset(st, 0, sizeof *st);
	gen_run g = {.db = db, .c = {.db = db, .k = k, .lang = "zh"}, .r = {o->seed ? o->seed : 0x243F6A8885A308D3ULL},
	             .o = o, .st = st, .t0 = now_secs()};
	int64_t n = 0;
	store_stmt *s;
	tx_err rc = store_prepare(db, "SELECT COUNT(*) FROM unit WHERE parent_id = ?", &s);
	if (rc)
		return rc;
	store_bind_int(s, 1, root);
	if (store_step(s) == STORE_ROW)
		n = store_col_int(s, 0);
	store_finalize(s);
	if (n > 0)
		return TX_ECONFLICT;

	struct place *cities = xcalloc(16, sizeof *cities), *counties = NULL, *towns = NULL, *vills = NULL;
	size_t ncounty = 0, ntown = 0, nvill = 0, capc = 0, capt = 0, capv = 0;
	char (*regions)[8] = NULL; /* per county: its 6-digit code */
	int64_t *seq = NULL;       /* per county: people numbered so far */
	int64_t party_org[16][8];
	if ((rc = store_begin(db)))
		goto out;
	if ((rc = store_prepare(db, "UPDATE unit SET name = ?, kind = 'province', code = ? WHERE id = ?", &s)))
		goto fail;
	store_bind_text(s, 1, "海岳省");
	store_bind_text(s, 2, "370000000000");
	store_bind_int(s, 3, root);
	int step = store_step(s);
	store_finalize(s);
	if (step != STORE_DONE) {
		rc = TX_EDB;
		goto fail;
	}
	/* 16 cities × 8–10 counties × 10–15 towns × 30–48 villages. */
	for (int ci = 0; ci < 16 && !rc; ci++) {
		char name[96], code[48];
		snprintf(name, sizeof name, "%s市", city_names[ci]);
		snprintf(code, sizeof code, "37%02d00000000", ci + 1);
		if ((rc = add_unit(&g, root, name, "city", code, ci + 1, &cities[ci].id)))
			break;
		cities[ci].county = (int)ncounty;
		cities[ci].city = ci;
		st->cities++;
		int nk = 8 + ci % 3;
		for (int ki = 0; ki < nk && !rc; ki++) {
			int64_t kid;
			snprintf(name, sizeof name, "%s%s%s", words[(ci * 7 + ki * 3) % N(words)],
			         words[(ci * 5 + ki * 11 + 1) % N(words)], ki == 0 ? "区" : "县");
			snprintf(code, sizeof code, "37%02d%02d000000", ci + 1, ki + 1);
			if ((rc = add_unit(&g, cities[ci].id, name, "county", code, ki + 1, &kid)))
				break;
			st->counties++;
			if (ncounty == capc) {
				capc = capc ? capc * 2 : 64;
				counties = xrealloc(counties, capc * sizeof *counties);
				regions = xrealloc(regions, capc * sizeof *regions);
			}
			int kidx = (int)ncounty++;
			counties[kidx] = (struct place){kid, kidx, ci};
			snprintf(regions[kidx], sizeof regions[kidx], "37%02u%02u", (unsigned)(ci + 1) % 100u, (unsigned)(ki + 1) % 100u);
			int ntk = 10 + (ci * 3 + ki) % 6;
			for (int ti = 0; ti < ntk && !rc; ti++) {
				int64_t tid;
				int street = ti < 2;
				snprintf(name, sizeof name, "%s%s%s", words[(ki * 13 + ti * 7 + ci) % N(words)],
				         words[(ti * 3 + ki + 5) % N(words)], street ? "街道" : "镇");
				snprintf(code, sizeof code, "37%02d%02d%03d000", ci + 1, ki + 1, street ? ti + 1 : 100 + ti);
				if ((rc = add_unit(&g, kid, name, street ? "street" : "town", code, ti + 1, &tid)))
					break;
				st->towns++;
				if (ntown == capt) {
					capt = capt ? capt * 2 : 1024;
					towns = xrealloc(towns, capt * sizeof *towns);
				}
				towns[ntown++] = (struct place){tid, kidx, ci};
				int nv = 30 + (ci * 7 + ki * 5 + ti * 3) % 19;
				for (int vi = 0; vi < nv && !rc; vi++) {
					int64_t vid;
					if (street)
						snprintf(name, sizeof name, "%s%s社区", words[(vi * 3 + ti) % N(words)],
						         words[(vi * 7 + ki + 1) % N(words)]);
					else
						snprintf(name, sizeof name, "%s%s", surnames[(vi * 7 + ti * 11 + ki) % N(surnames)],
						         village_suffix[(vi / 8 + ti) % N(village_suffix)]);
					snprintf(code, sizeof code, "37%02d%02d%03d%03d", (ci + 1) % 100, (ki + 1) % 100,
				         (street ? ti + 1 : 100 + ti) % 1000, (street ? vi + 1 : 200 + vi) % 1000);
					if ((rc = add_unit(&g, tid, name, street ? "community" : "village", code, vi + 1, &vid)))
						break;
					st->villages++;
					if (nvill == capv) {
						capv = capv ? capv * 2 : 16384;
						vills = xrealloc(vills, capv * sizeof *vills);
					}
					vills[nvill++] = (struct place){vid, kidx, ci};
					if (!rc)
						rc = tick(&g, "units", st->units, 0);
				}
			}
		}
	}
	if (rc)
		goto fail;
	seq = xcalloc(ncounty, sizeof *seq);
	/* Accounts: one per level, for the benchmarks' scopes. */
	account(&g, "admin", "系统管理员", "sysadmin", root, password, logins, &rc);
	account(&g, "staff", "省委统战部干部（基准）", "dept_staff", root, password, logins, &rc);
	account(&g, "city1", "市委统战部干部（基准）", "dept_staff", cities[0].id, password, logins, &rc);
	account(&g, "county1", "县委统战部干部（基准）", "dept_staff", counties[0].id, password, logins, &rc);
	account(&g, "town1", "镇街统战干事（基准）", "town_officer", towns[0].id, password, logins, &rc);
	/* Organisations: each city's party committees; a chamber and enterprises per county. */
	for (int ci = 0; ci < 16 && !rc; ci++)
		for (int p = 0; p < 8 && !rc; p++) {
			char name[96];
			snprintf(name, sizeof name, "%s%s市委员会", parties[p], city_names[ci]);
			rc = put(&g.c, "organisation",
			         json_pack("{s:I, s:s, s:s, s:s}", "unit_id", (json_int_t)cities[ci].id, "name", name, "kind",
			                   "party_committee", "party", party_codes[p]),
			         &party_org[ci][p]);
			st->organisations++;
		}
	for (size_t ki = 0; ki < ncounty && !rc; ki++) {
		char name[96];
		snprintf(name, sizeof name, "%s市第%zu县（区）商会", city_names[counties[ki].city], ki + 1);
		rc = put(&g.c, "organisation",
		         json_pack("{s:I, s:s, s:s, s:s}", "unit_id", (json_int_t)counties[ki].id, "name", name, "kind",
		                   "chamber", "chamber_kind", "industry"),
		         NULL);
		st->organisations++;
		for (int e = 0; e < 12 && !rc; e++) {
			rc = enterprise(&g.c, &g.r, towns[rnd(&g.r, (uint32_t)ntown)].id, "海岳", regions[ki],
			                (int64_t)ki * 1000 + e, NULL);
			st->organisations++;
		}
	}
	if (rc || (rc = store_commit(db)) || (rc = store_begin(db)))
		goto fail;
	st->units_secs = now_secs() - g.t0;
	g.in_tx = 0;

	/* People: 5% at a city, 10% at a county, 25% at a town, 60% in a village. */
	double tp = now_secs();
	for (int64_t i = 0; i < o->people && !rc; i++) {
		uint32_t lvl = rnd(&g.r, 20);
		const struct place *pl = lvl == 0   ? &cities[rnd(&g.r, 16)]
		                         : lvl < 3  ? &counties[rnd(&g.r, (uint32_t)ncounty)]
		                         : lvl < 8  ? &towns[rnd(&g.r, (uint32_t)ntown)]
		                                    : &vills[rnd(&g.r, (uint32_t)nvill)];
		int64_t pid;
		rc = person(&g, pl, regions[pl->county], seq[pl->county]++, party_org[pl->city], &pid);
		if (!rc)
			rc = tick(&g, "people", i + 1, o->people);
	}
	st->people_secs = now_secs() - tp;
	/* The grid: a clerk and a leader in charge per town, a liaison per village. */
	tp = now_secs();
	for (size_t t = 0; t < ntown && !rc; t++) {
		char name[32], phone[32];
		snprintf(name, sizeof name, "%s%s", surnames[(t * 7) % N(surnames)], given[t % N(given)]);
		snprintf(phone, sizeof phone, "137%08u", (unsigned)t);
		rc = put(&g.c, "grid_post",
		         json_pack("{s:I, s:s, s:s, s:s, s:s}", "unit_id", (json_int_t)towns[t].id, "kind", "clerk",
		                   "holder_name", name, "phone", phone, "start_date", "2021-01-01"),
		         NULL);
		snprintf(name, sizeof name, "%s%s", surnames[(t * 11 + 3) % N(surnames)], given[(t + 5) % N(given)]);
		if (!rc)
			rc = put(&g.c, "grid_post",
			         json_pack("{s:I, s:s, s:s, s:s}", "unit_id", (json_int_t)towns[t].id, "kind", "leader_in_charge",
			                   "holder_name", name, "start_date", "2020-12-15"),
			         NULL);
		st->posts += 2;
	}
	for (size_t v = 0; v < nvill && !rc; v++) {
		if (v % 97 == 41)
			continue; /* a gap in the grid */
		char name[32], phone[32];
		snprintf(name, sizeof name, "%s%s", surnames[(v * 13) % N(surnames)], given[(v * 3) % N(given)]);
		snprintf(phone, sizeof phone, "139%08u", (unsigned)v);
		rc = put(&g.c, "grid_post",
		         json_pack("{s:I, s:s, s:s, s:s, s:s}", "unit_id", (json_int_t)vills[v].id, "kind", "liaison",
		                   "holder_name", name, "phone", phone, "start_date", "2021-03-01"),
		         NULL);
		st->posts++;
		if (!rc)
			rc = tick(&g, "grid", (int64_t)v + 1, (int64_t)nvill);
	}
	if (!rc)
		rc = store_commit(db);
	st->grid_secs = now_secs() - tp;
	if (!rc)
		goto out;
fail:
	store_rollback(db);
out:
	free(cities);
	free(counties);
	free(towns);
	free(vills);
	free(regions);
	free(seq);
	dctx_clear(&g.c);
	return rc;
}
