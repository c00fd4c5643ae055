/*
 * demo_cases.c — the demo city's cases, leader–enterprise links and visits.
 *
 * Every case is created and moved through its flow by the engine itself
 * (cases.c), as the demo accounts, with the clock set into the past: the
 * timelines, deadlines, notices and figures are exactly what the app
 * would have recorded. Cases stop at every stage; those assigned long ago
 * and never answered are overdue.
 */
#include "domain/demo.h"

#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "domain/cases.h"
#include "domain/record.h"

enum { A_STAFF, A_REP1, A_REP2, A_DEPT1, A_DEPT2, A_TOWN1, A_TOWN2, A_MEDIATOR, A_LEADER, A_COUNT };
static const char *const usernames[A_COUNT] = {"staff", "rep1",  "rep2",     "deptliaison", "deptliaison2",
                                               "town1", "town2", "mediator", "leader"};

struct demo {
	dctx c;
	actor a[A_COUNT];
	uint64_t seed;
	int64_t enterprises[40];
	int nent;
};

static unsigned rnd(struct demo *d, unsigned n)
{
	d->seed = d->seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((d->seed >> 33) % n);
}

static const char *const topics[] = {
        "关于加快农村公路提档升级的建议",
        "关于支持民营企业融资的建议",
        "关于完善老旧小区加装电梯政策的建议",
        "关于加强中小学生心理健康教育的建议",
        "关于推进海岸带生态保护修复的建议",
        "关于发展乡村旅游带动村民增收的建议",
        "关于优化营商环境降低企业用工成本的建议",
        "关于加强基层医疗卫生人才队伍建设的建议",
        "关于建设海岳市智慧停车系统的建议",
        "关于保护和利用传统村落的建议",
        "关于完善养老服务体系的建议",
        "关于支持黄金珠宝产业转型升级的建议",
        "关于加强食品安全监管的建议",
        "关于推动海洋渔业绿色发展的建议",
        "关于解决新就业形态劳动者权益保障的建议",
        "关于加快城区雨污分流改造的建议",
};
static const char *const requests[] = {
        "企业厂区周边道路破损影响运输", "企业申请技改项目用地指标",     "企业反映用电增容审批时间长",
        "企业招工难，希望对接职业院校", "企业出口退税办理进度慢",       "企业希望协调银行续贷",
        "企业反映周边配套管网不完善",   "企业申请高新技术企业认定指导",
};
static const char *const answers[] = {
        "经研究，已列入年度工作计划，正在组织实施。",
        "已协调相关部门现场办公，问题已基本解决。",
        "因财力所限暂不能实施，已向提出人作出说明。",
        "已出台专项政策，明确了支持措施。",
};

/* One action as actor `who`; keeps *version current. Non-zero when the engine refused. */
static int act(struct demo *d, int who, int64_t id, int64_t *version, int64_t at, json_t *body)
{
	d->c.a = &d->a[who];
	d->c.now = at;
	json_object_set_new(body, "version", json_integer(*version));
	tx_err rc = case_act(&d->c, id, body, NULL);
	json_decref(body);
	if (rc) {
		json_decref(d->c.err_fields);
		d->c.err_fields = NULL;
		d->c.err_code = NULL;
		d->c.err_msg[0] = 0;
		return -1;
	}
	*version += 1; /* every action moves the version by one */
	json_decref(d->c.audit_detail);
	d->c.audit_detail = NULL;
	return 0;
}

static const char *rating(struct demo *d)
{
	unsigned r = rnd(d, 10);
	return r < 7 ? "satisfied" : r < 9 ? "basic" : "unsatisfied";
}

static const char *result(struct demo *d)
{
	static const char *const r[] = {"A", "A", "A", "B", "B", "C"};
	return r[rnd(d, 6)];
}

/* Walk one case through its flow, stopping at a random stage or when time runs out. */
static int walk(struct demo *d, const char *type, int64_t id, int64_t version, int64_t t, int64_t now)
{
	int lead = rnd(d, 2) ? A_DEPT1 : A_DEPT2, rep = -1;
	int64_t unit = d->a[lead].unit_id;
	if (strcmp(type, "enterprise_request") == 0 && rnd(d, 3) == 0) {
		lead = rnd(d, 2) ? A_TOWN1 : A_TOWN2;
		unit = d->a[lead].unit_id;
	}
	if (strcmp(type, "mediation") == 0) {
		lead = A_MEDIATOR;
		unit = d->a[lead].unit_id;
	}
	int stop = (int)rnd(d, 10); /* how far this case goes */
	struct step {
		int who;
		json_t *body;
	} steps[10];
	int n = 0;
	const char *ans = answers[rnd(d, 4)];
#define STEP(w, b)                                                                                                     \
	steps[n++] = (struct step)                                                                                     \
	{                                                                                                              \
		(w), (b)                                                                                               \
	}
	if (strcmp(type, "suggestion") == 0) {
		rep = d->c.a == &d->a[A_REP1] ? A_REP1 : A_REP2;
		if (rnd(d, 20) == 0) {
			STEP(A_STAFF, json_pack("{s:s, s:s}", "action", "reject", "reason", "no_suggestion"));
		} else {
			if (rnd(d, 3) == 0)
				STEP(A_LEADER, json_pack("{s:s, s:s}", "action", "instruct", "comment",
				                         "请相关部门认真研究办理。"));
			STEP(A_STAFF, json_pack("{s:s}", "action", "register"));
			STEP(A_STAFF, json_pack("{s:s, s:I}", "action", "assign", "lead_unit_id", (json_int_t)unit));
			STEP(lead, json_pack("{s:s, s:s}", "action", "answer", "answer", ans));
			STEP(rep, json_pack("{s:s, s:s}", "action", "rate", "rating", rating(d)));
		}
	} else if (strcmp(type, "proposal") == 0) {
		rep = d->c.a == &d->a[A_REP1] ? A_REP1 : A_REP2;
		STEP(rep, json_pack("{s:s}", "action", "submit"));
		STEP(A_STAFF, json_pack("{s:s}", "action", "review"));
		if (rnd(d, 12) == 0) {
			STEP(A_STAFF, json_pack("{s:s, s:s}", "action", "reject", "reason", "personal"));
		} else {
			STEP(A_STAFF, json_pack("{s:s}", "action", "register"));
			STEP(A_STAFF, json_pack("{s:s, s:s, s:I}", "action", "assign", "mode", "single", "lead_unit_id",
			                        (json_int_t)unit));
			STEP(lead, json_pack("{s:s}", "action", "accept"));
			STEP(lead,
			     json_pack("{s:s, s:s, s:s}", "action", "reply", "result_class", result(d), "answer", ans));
			STEP(A_STAFF, json_pack("{s:s}", "action", "approve_reply"));
			const char *r = rating(d);
			STEP(rep, json_pack("{s:s, s:s}", "action", "rate", "rating",
			                    strcmp(r, "unsatisfied") ? r : "basic"));
		}
	} else if (strcmp(type, "enterprise_request") == 0) {
		STEP(A_STAFF, json_pack("{s:s, s:I}", "action", "assign", "lead_unit_id", (json_int_t)unit));
		STEP(lead, json_pack("{s:s}", "action", "accept"));
		STEP(lead, json_pack("{s:s, s:s, s:s}", "action", "solve", "result_class", result(d), "answer", ans));
		STEP(A_STAFF, json_pack("{s:s, s:s}", "action", "confirm", "rating", rating(d)));
	} else if (strcmp(type, "petition") == 0) {
		STEP(A_STAFF, json_pack("{s:s}", "action", "accept"));
		STEP(A_STAFF, json_pack("{s:s, s:I}", "action", "assign", "lead_unit_id", (json_int_t)unit));
		STEP(lead, json_pack("{s:s, s:s, s:s}", "action", "answer", "result_class", result(d), "answer", ans));
		STEP(A_STAFF, json_pack("{s:s}", "action", "close"));
	} else {
		STEP(A_STAFF, json_pack("{s:s, s:I}", "action", "accept", "lead_unit_id", (json_int_t)unit));
		STEP(lead, json_pack("{s:s, s:s, s:s}", "action", "settle", "result_class", rnd(d, 4) ? "A" : "C",
		                     "answer", "经调解，双方达成和解协议。"));
		STEP(A_STAFF, json_pack("{s:s}", "action", "close"));
	}
#undef STEP
	int rc = 0, i = 0;
	/* Most cases go all the way; the rest stop somewhere. */
	int last = stop < 6 ? n : stop % (n + 1);
	for (; i < n && i < last && !rc; i++) {
		t += (int64_t)(1 + rnd(d, 20)) * 86400 + rnd(d, 8 * 3600);
		if (t >= now)
			break;
		rc = act(d, steps[i].who, id, &version, t, steps[i].body);
		steps[i].body = NULL;
	}
	for (; i < n; i++)
		json_decref(steps[i].body);
	return rc;
}

static int load_actors(struct demo *d)
{
	for (int i = 0; i < A_COUNT; i++) {
		store_stmt *st;
		int64_t id = 0;
		if (store_prepare(d->c.db, "SELECT id FROM app_user WHERE username = ?", &st))
			return -1;
		store_bind_text(st, 1, usernames[i]);
		if (store_step(st) == STORE_ROW)
			id = store_col_int(st, 0);
		store_finalize(st);
		if (!id || actor_load(d->c.db, id, &d->a[i]))
			return -1;
	}
	store_stmt *st;
	if (store_prepare(d->c.db,
	                  "SELECT id FROM organisation WHERE kind = 'enterprise' AND "
	                  "deleted = 0 ORDER BY id"
	                  " LIMIT 40",
	                  &st))
		return -1;
	while (store_step(st) == STORE_ROW && d->nent < 40)
		d->enterprises[d->nent++] = store_col_int(st, 0);
	store_finalize(st);
	return 0;
}

/* Leaders paired with enterprises, and their visits. */
static int links_and_visits(struct demo *d, int64_t root, int64_t now)
{
	static const char *const leaders[] = {"王建国", "李文华", "张海涛", "刘志强", "陈晓东"};
	static const char *const posts[] = {"市长", "常务副市长", "副市长", "市委常委、统战部部长", "市政协主席"};
	const model_entity *le = record_entity("leader_link"), *ve = record_entity("enterprise_visit");
	d->c.a = &d->a[A_STAFF];
	for (int i = 0; i < d->nent && i < 20; i++) {
		int l = i % 5;
		json_t *b = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}", "unit_id", (json_int_t)root, "leader_name",
		                      leaders[l], "leader_post", posts[l], "enterprise_id",
		                      (json_int_t)d->enterprises[i], "rhythm", "quarterly", "start_date", "2025-01-01");
		int64_t id;
		tx_err rc = record_insert_raw(&d->c, le, b, &id);
		json_decref(b);
		if (rc)
			return -1;
		for (int v = 0; v < 2; v++) {
			char date[11];
			case_date(now - (int64_t)(30 + rnd(d, 300)) * 86400, date);
			b = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "unit_id", (json_int_t)root,
			              "enterprise_id", (json_int_t)d->enterprises[i], "leader_name", leaders[l],
			              "visit_date", date, "participants", "市委统战部、市工商联", "content",
			              "了解企业生产经营情况，宣讲惠企政策。", "problems", requests[rnd(d, 8)]);
			rc = record_insert_raw(&d->c, ve, b, &id);
			json_decref(b);
			if (rc)
				return -1;
		}
	}
	return 0;
}

int demo_cases(store *db, const keys *k, int64_t root, int count, demo_stats *st)
{
	struct demo d;
	memset(&d, 0, sizeof d);
	d.c.db = db;
	d.c.k = k;
	d.c.lang = "zh";
	d.seed = 20261126;
	int rc = load_actors(&d);
	int64_t now = util_now();
	if (!rc)
		rc = links_and_visits(&d, root, now);
	for (int i = 0; i < count && !rc; i++) {
		unsigned pick = rnd(&d, 100);
		const char *type = pick < 35   ? "suggestion"
		                   : pick < 65 ? "proposal"
		                   : pick < 85 ? "enterprise_request"
		                   : pick < 93 ? "petition"
		                               : "mediation";
		int who = A_STAFF;
		json_t *body;
		char title[160];
		if (strcmp(type, "suggestion") == 0 || strcmp(type, "proposal") == 0) {
			who = rnd(&d, 2) ? A_REP1 : A_REP2;
			snprintf(title, sizeof title, "%s", topics[rnd(&d, 16)]);
			body = json_pack("{s:s, s:s, s:s}", "type", type, "title", title, "content",
			                 "现状与问题：……\n建议：一是……二是……三是……");
			if (strcmp(type, "suggestion") == 0)
				json_object_set_new(body, "leader_ids",
				                    json_pack("[I]", (json_int_t)d.a[A_LEADER].user_id));
		} else if (strcmp(type, "enterprise_request") == 0) {
			who = rnd(&d, 3) == 0 ? A_TOWN1 : A_STAFF;
			snprintf(title, sizeof title, "%s", requests[rnd(&d, 8)]);
			static const char *const channels[] = {"visit", "online", "hotline", "leader_visit"};
			body = json_pack("{s:s, s:s, s:s, s:I, s:s}", "type", type, "title", title, "content",
			                 "企业反映的具体情况：……", "enterprise_id",
			                 (json_int_t)(d.nent ? d.enterprises[rnd(&d, (unsigned)d.nent)] : 1), "channel",
			                 channels[rnd(&d, 4)]);
		} else if (strcmp(type, "petition") == 0) {
			body = json_pack("{s:s, s:s, s:s}", "type", type, "title", "归侨侨眷反映房屋确权问题",
			                 "content", "来信人反映祖屋确权遗留问题，请求协调解决。");
		} else {
			body = json_pack("{s:s, s:s, s:s}", "type", type, "title", "会员企业之间货款纠纷调解申请",
			                 "content", "申请人与被申请人因货款结算发生纠纷，申请商会调解。");
		}
		int64_t t = now - (int64_t)(5 + rnd(&d, 360)) * 86400 - rnd(&d, 86400);
		d.c.a = &d.a[who];
		d.c.now = t;
		json_t *out = NULL;
		rc = case_create(&d.c, body, &out);
		json_decref(body);
		json_decref(d.c.audit_detail);
		d.c.audit_detail = NULL;
		if (rc)
			break;
		int64_t id = json_integer_value(json_object_get(out, "id"));
		int64_t version = json_integer_value(json_object_get(out, "version"));
		json_decref(out);
		rc = walk(&d, type, id, version, t, now);
		st->cases++;
	}
	for (int i = 0; i < A_COUNT; i++)
		actor_free(&d.a[i]);
	return rc;
}
