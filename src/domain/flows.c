/*
 * flows.c — the five case types (see flows.h and docs/cases.md).
 *
 * Read a row as: action (zh, en), from which states, to which state, who
 * may take it, what the body must carry, what it does, the guard, the
 * rating it applies to, the deadline it sets, who is told, and whether it
 * is optional.
 */
#include "domain/flows.h"

#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NO_DL                                                                                                          \
	{                                                                                                              \
		0, 0                                                                                                   \
	}
#define SUB CR_SUBMITTER
#define SIG CR_SIGNER
#define LDR CR_LEADER
#define OFF CR_OFFICE
#define LEAD CR_LEAD
#define CO CR_CO

/* States shared by the types. */
#define ST_CLOSED                                                                                                      \
	{                                                                                                              \
		"closed", "已办结", "closed", 1                                                                        \
	}
#define ST_NOT_REGISTERED                                                                                              \
	{                                                                                                              \
		"not_registered", "不予立案", "not registered", 1                                                      \
	}
#define ST_WITHDRAWN                                                                                                   \
	{                                                                                                              \
		"withdrawn", "已撤回", "withdrawn", 1                                                                  \
	}
#define ST_ANSWERED                                                                                                    \
	{                                                                                                              \
		"answered", "已答复", "answered", 0                                                                    \
	}

/* clang-format off */
static const flow_state proposal_states[] = {
	{"draft", "草稿（征集联名）", "draft (collecting signatures)", 0},
	{"submitted", "已提交", "submitted", 0},
	{"reviewing", "审查中", "under review", 0},
	{"registered", "已立案", "registered", 0},
	{"assigned", "已交办", "assigned", 0},
	{"return_requested", "申请退回", "return requested", 0},
	{"handling", "办理中", "handling", 0},
	{"extension_requested", "申请延期", "extension requested", 0},
	{"replied", "已答复待审核", "replied, under review", 0},
	ST_ANSWERED,
	ST_CLOSED,
	ST_NOT_REGISTERED,
	{"merged", "已并案", "merged", 1},
	ST_WITHDRAWN,
};

static const flow_transition proposal_trs[] = {
	{"sign", "联名", "sign", "draft", NULL, SIG, 0, FX_SIGN, G_NONE, NULL, NO_DL, SUB, 0},
	{"submit", "提交", "submit", "draft", "submitted", SUB, 0, FX_RECEIVE, G_ALL_SIGNED, NULL, NO_DL, OFF, 0},
	{"withdraw", "撤回", "withdraw", "draft submitted", "withdrawn", SUB, 0, 0, G_NONE, NULL, NO_DL, 0, 1},
	{"review", "审查", "review", "submitted", "reviewing", OFF, 0, 0, G_NONE, NULL, NO_DL, 0, 0},
	{"register", "立案", "register", "reviewing", "registered", OFF, 0, FX_REGISTER, G_NONE, NULL, NO_DL, SUB, 0},
	{"reject", "不予立案", "not register", "reviewing", "not_registered", OFF, RQ_REASON, FX_REJECT, G_NONE, NULL, NO_DL, SUB, 0},
	{"merge", "并案", "merge", "submitted reviewing registered", "merged", OFF, RQ_MERGE_INTO, FX_MERGE, G_NONE, NULL, NO_DL, SUB, 1},
	{"assign", "交办", "assign", "registered", "assigned", OFF, RQ_MODE | RQ_LEAD_UNIT, FX_ASSIGN, G_NONE, NULL, {'m', 3}, LEAD | CO | SUB, 0},
	{"accept", "签收", "accept", "assigned", "handling", LEAD, 0, 0, G_NONE, NULL, NO_DL, 0, 0},
	{"ask_return", "申请退回", "ask to return", "assigned", "return_requested", LEAD, RQ_COMMENT, 0, G_RETURN_WINDOW, NULL, NO_DL, OFF, 0},
	{"approve_return", "同意退回", "approve return", "return_requested", "registered", OFF, 0, FX_UNASSIGN, G_NONE, NULL, NO_DL, LEAD, 0},
	{"refuse_return", "不同意退回", "refuse return", "return_requested", "assigned", OFF, RQ_COMMENT, 0, G_NONE, NULL, NO_DL, LEAD, 0},
	{"countersign", "会签", "countersign", "handling", NULL, CO, RQ_ANSWER, FX_COUNTERSIGN, G_NONE, NULL, NO_DL, LEAD, 0},
	{"ask_extension", "申请延期", "ask for extension", "handling", "extension_requested", LEAD, RQ_COMMENT, 0, G_NONE, NULL, NO_DL, OFF, 0},
	{"approve_extension", "同意延期", "approve extension", "extension_requested", "handling", OFF, 0, FX_EXTEND, G_NOT_EXTENDED, NULL, NO_DL, LEAD, 0},
	{"refuse_extension", "不同意延期", "refuse extension", "extension_requested", "handling", OFF, RQ_COMMENT, 0, G_NONE, NULL, NO_DL, LEAD, 0},
	{"reply", "答复", "reply", "handling", "replied", LEAD, RQ_RESULT | RQ_ANSWER, FX_REPLY, G_ALL_COUNTERSIGNED, NULL, NO_DL, OFF, 0},
	{"return_reply", "退回答复", "return the reply", "replied", "handling", OFF, RQ_COMMENT, 0, G_NONE, NULL, NO_DL, LEAD, 0},
	{"approve_reply", "审核通过", "approve the reply", "replied", "answered", OFF, 0, FX_ANSWER, G_NONE, NULL, NO_DL, SUB, 0},
	{"rate", "评价", "rate", "answered", "handling", SUB, RQ_RATING, FX_RATE | FX_REOPEN, G_FIRST_ROUND, "unsatisfied", NO_DL, LEAD | OFF, 0},
	{"rate", "评价", "rate", "answered", "closed", SUB, RQ_RATING, FX_RATE | FX_CLOSE, G_NONE, NULL, NO_DL, LEAD, 0},
	{"close", "办结", "close", "answered", "closed", OFF, 0, FX_CLOSE, G_NONE, NULL, NO_DL, SUB, 1},
};

static const flow_state suggestion_states[] = {
	{"submitted", "已提交", "submitted", 0},
	{"registered", "已登记", "registered", 0},
	{"assigned", "已交办", "assigned", 0},
	ST_ANSWERED,
	ST_CLOSED,
	{"not_registered", "不予登记", "not registered", 1},
	ST_WITHDRAWN,
};

static const flow_transition suggestion_trs[] = {
	{"instruct", "批示", "instruct", "submitted registered assigned", NULL, LDR, RQ_COMMENT, 0, G_NONE, NULL, NO_DL, OFF | LEAD | SUB, 1},
	{"register", "登记", "register", "submitted", "registered", OFF, 0, FX_REGISTER, G_NONE, NULL, NO_DL, SUB | LDR, 0},
	{"reject", "不予登记", "not register", "submitted", "not_registered", OFF, RQ_REASON, FX_REJECT, G_NONE, NULL, NO_DL, SUB, 0},
	{"forward", "转交", "forward", "submitted", "assigned", LDR, RQ_LEAD_UNIT, FX_REGISTER | FX_ASSIGN, G_NONE, NULL, {'d', 30}, LEAD | SUB | OFF, 0},
	{"assign", "交办", "assign", "registered", "assigned", OFF | LDR, RQ_LEAD_UNIT, FX_ASSIGN, G_NONE, NULL, {'d', 30}, LEAD | SUB, 0},
	{"answer", "答复", "answer", "assigned", "answered", LEAD, RQ_ANSWER, FX_REPLY | FX_ANSWER, G_NONE, NULL, NO_DL, SUB | LDR, 0},
	{"rate", "评价", "rate", "answered", "closed", SUB, RQ_RATING, FX_RATE | FX_CLOSE, G_NONE, NULL, NO_DL, LEAD, 0},
	{"close", "办结", "close", "answered", "closed", OFF, 0, FX_CLOSE, G_NONE, NULL, NO_DL, SUB, 1},
	{"withdraw", "撤回", "withdraw", "submitted", "withdrawn", SUB, 0, 0, G_NONE, NULL, NO_DL, 0, 1},
};

static const flow_state enterprise_states[] = {
	{"received", "已受理登记", "received", 0},
	{"assigned", "已交办", "assigned", 0},
	{"handling", "办理中", "handling", 0},
	{"solved", "已办结待确认", "solved, awaiting confirmation", 0},
	ST_CLOSED,
	{"not_registered", "不予受理", "not accepted", 1},
};

static const flow_transition enterprise_trs[] = {
	{"assign", "交办", "assign", "received", "assigned", OFF, RQ_LEAD_UNIT, FX_REGISTER | FX_ASSIGN, G_NONE, NULL, {'d', 30}, LEAD | SUB, 0},
	{"reject", "不予受理", "not accept", "received", "not_registered", OFF, RQ_REASON, FX_REJECT, G_NONE, NULL, NO_DL, SUB, 0},
	{"accept", "签收", "accept", "assigned", "handling", LEAD, 0, 0, G_NONE, NULL, NO_DL, 0, 0},
	{"solve", "办结反馈", "report solved", "handling", "solved", LEAD, RQ_ANSWER | RQ_RESULT, FX_REPLY | FX_ANSWER, G_NONE, NULL, NO_DL, SUB | OFF, 0},
	{"confirm", "企业确认", "confirmed by the enterprise", "solved", "closed", SUB | OFF, RQ_RATING, FX_RATE | FX_CLOSE, G_NONE, NULL, NO_DL, LEAD, 0},
	{"reopen", "重新办理", "handle again", "solved", "handling", SUB | OFF, RQ_COMMENT, FX_REOPEN, G_NONE, NULL, NO_DL, LEAD, 0},
};

static const flow_state petition_states[] = {
	{"received", "已登记", "received", 0},
	{"accepted", "已受理", "accepted", 0},
	{"handling", "办理中", "handling", 0},
	ST_ANSWERED,
	ST_CLOSED,
	{"not_registered", "不予受理", "not accepted", 1},
};

static const flow_transition petition_trs[] = {
	{"accept", "受理", "accept", "received", "accepted", OFF, 0, FX_REGISTER, G_NONE, NULL, NO_DL, SUB, 0},
	{"reject", "不予受理", "not accept", "received", "not_registered", OFF, RQ_REASON, FX_REJECT, G_NONE, NULL, NO_DL, SUB, 0},
	{"assign", "交办", "assign", "accepted", "handling", OFF, RQ_LEAD_UNIT, FX_ASSIGN, G_NONE, NULL, {'d', 60}, LEAD, 0},
	{"answer", "答复", "answer", "handling", "answered", LEAD, RQ_ANSWER | RQ_RESULT, FX_REPLY | FX_ANSWER, G_NONE, NULL, NO_DL, SUB | OFF, 0},
	{"close", "办结", "close", "answered", "closed", OFF, 0, FX_CLOSE, G_NONE, NULL, NO_DL, SUB, 0},
};

static const flow_state mediation_states[] = {
	{"received", "已申请", "received", 0},
	{"mediating", "调解中", "mediating", 0},
	{"answered", "已出调解结果", "result given", 0},
	{"closed", "已结案", "closed", 1},
	{"not_registered", "不予受理", "not accepted", 1},
};

static const flow_transition mediation_trs[] = {
	{"accept", "受理", "accept", "received", "mediating", OFF, RQ_LEAD_UNIT, FX_REGISTER | FX_ASSIGN, G_NONE, NULL, {'d', 30}, LEAD | SUB, 0},
	{"reject", "不予受理", "not accept", "received", "not_registered", OFF, RQ_REASON, FX_REJECT, G_NONE, NULL, NO_DL, SUB, 0},
	{"settle", "调解结果", "give the result", "mediating", "answered", LEAD, RQ_ANSWER | RQ_RESULT, FX_REPLY | FX_ANSWER, G_NONE, NULL, NO_DL, SUB | OFF, 0},
	{"close", "结案", "close", "answered", "closed", OFF, 0, FX_CLOSE, G_NONE, NULL, NO_DL, SUB, 0},
};

static const flow_type suggestion = {"suggestion", "议政建言", "suggestion", "JY", "submitted",
	CF_LEADERS | CF_ORG, OFF | LDR, suggestion_states, N(suggestion_states), suggestion_trs, N(suggestion_trs)};
static const flow_type proposal = {"proposal", "提案", "proposal", "TA", "draft",
	CF_SIGNERS | CF_ORG, SIG, proposal_states, N(proposal_states), proposal_trs, N(proposal_trs)};
static const flow_type enterprise_request = {"enterprise_request", "企业诉求", "enterprise request", "QY", "received",
	CF_ENTERPRISE, OFF, enterprise_states, N(enterprise_states), enterprise_trs, N(enterprise_trs)};
static const flow_type petition = {"petition", "信访", "petition", "XF", "received",
	CF_PERSON, OFF, petition_states, N(petition_states), petition_trs, N(petition_trs)};
static const flow_type mediation = {"mediation", "调解", "mediation", "TJ", "received",
	CF_ORG | CF_PERSON, OFF, mediation_states, N(mediation_states), mediation_trs, N(mediation_trs)};
/* clang-format on */

const flow_type *const flow_types[] = {&suggestion, &proposal, &enterprise_request, &petition, &mediation};
const size_t flow_types_count = N(flow_types);

const flow_type *flow_type_find(const char *code)
{
	for (size_t i = 0; code && i < flow_types_count; i++)
		if (strcmp(flow_types[i]->code, code) == 0)
			return flow_types[i];
	return NULL;
}

const flow_state *flow_state_find(const flow_type *t, const char *code)
{
	for (size_t i = 0; code && i < t->nstates; i++)
		if (strcmp(t->states[i].code, code) == 0)
			return &t->states[i];
	return NULL;
}

int flow_state_in(const char *list, const char *state)
{
	size_t n = strlen(state);
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, state, n) == 0)
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

int flow_state_terminal(const flow_type *t, const char *state)
{
	const flow_state *s = flow_state_find(t, state);
	return !s || s->terminal;
}

const flow_transition *flow_pick(const flow_type *t, const char *action, const char *state, unsigned roles,
                                 const char *rating, flow_guard_fn holds, const void *ctx, case_guard *failed)
{
	*failed = G_NONE;
	for (size_t i = 0; i < t->ntrs; i++) {
		const flow_transition *tr = &t->trs[i];
		if (strcmp(tr->action, action) != 0 || !flow_state_in(tr->from, state) || !(tr->who & roles))
			continue;
		if (tr->when_rating && (!rating || strcmp(rating, tr->when_rating) != 0))
			continue;
		if (holds && !holds(tr->guard, ctx)) {
			*failed = tr->guard;
			continue;
		}
		return tr;
	}
	return NULL;
}

static const char *const role_names[] = {"submitter", "signer", "leader", "office", "lead", "co"};
static const char *const require_names[] = {"comment",      "reason", "mode",   "lead_unit_id",
                                            "result_class", "answer", "rating", "merge_into"};

json_t *flow_roles_json(unsigned roles)
{
	json_t *a = json_array();
	for (size_t i = 0; i < N(role_names); i++)
		if (roles & (1u << i))
			json_array_append_new(a, json_string(role_names[i]));
	return a;
}

json_t *flow_requires_json(unsigned req)
{
	json_t *a = json_array();
	for (size_t i = 0; i < N(require_names); i++)
		if (req & (1u << i))
			json_array_append_new(a, json_string(require_names[i]));
	return a;
}

static json_t *from_json(const char *list)
{
	json_t *a = json_array();
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, len));
		p = e ? e + 1 : NULL;
	}
	return a;
}

json_t *flow_types_json(void)
{
	static const char *const create_names[] = {"leader_ids", "signer_ids", "org_id", "enterprise_id", "person_id"};
	json_t *items = json_array();
	for (size_t i = 0; i < flow_types_count; i++) {
		const flow_type *t = flow_types[i];
		json_t *states = json_array(), *trs = json_array(), *create = json_array();
		for (size_t s = 0; s < t->nstates; s++)
			json_array_append_new(states,
			                      json_pack("{s:s, s:s, s:s, s:b}", "code", t->states[s].code, "name",
			                                t->states[s].name_zh, "name_en", t->states[s].name_en,
			                                "terminal", t->states[s].terminal));
		for (size_t k = 0; k < t->ntrs; k++) {
			const flow_transition *tr = &t->trs[k];
			char dl[16] = "";
			if (tr->deadline.unit)
				snprintf(dl, sizeof dl, "+%d%c", tr->deadline.n, tr->deadline.unit);
			json_array_append_new(trs, json_pack("{s:s, s:s, s:s, s:o, s:s?, s:o, s:o, s:s?, s:s?, s:b}",
			                                     "action", tr->action, "name", tr->name_zh, "name_en",
			                                     tr->name_en, "from", from_json(tr->from), "to", tr->to,
			                                     "who", flow_roles_json(tr->who), "requires",
			                                     flow_requires_json(tr->requires), "when_rating",
			                                     tr->when_rating, "deadline", dl[0] ? dl : NULL, "quiet",
			                                     tr->quiet));
		}
		for (size_t f = 0; f < N(create_names); f++)
			if (t->create & (1u << f))
				json_array_append_new(create, json_string(create_names[f]));
		json_array_append_new(items,
		                      json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "code", t->code, "name",
		                                t->name_zh, "name_en", t->name_en, "prefix", t->prefix, "initial",
		                                t->initial, "create", create, "states", states, "transitions", trs));
	}
	return json_pack("{s:o}", "items", items);
}

int flow_check(char *why, size_t n)
{
	for (size_t i = 0; i < flow_types_count; i++) {
		const flow_type *t = flow_types[i];
		for (size_t s = 0; s < t->nstates; s++) {
			char quoted[64];
			snprintf(quoted, sizeof quoted, "'%s'", t->states[s].code);
			if (t->states[s].terminal && !strstr(FLOW_TERMINAL_SQL, quoted)) {
				snprintf(why, n, "%s: terminal state %s is not in FLOW_TERMINAL_SQL", t->code,
				         t->states[s].code);
				return -1;
			}
		}
		if (!flow_state_find(t, t->initial)) {
			snprintf(why, n, "%s: initial state %s is not a state", t->code, t->initial);
			return -1;
		}
		for (size_t k = 0; k < t->ntrs; k++) {
			const flow_transition *tr = &t->trs[k];
			if (tr->to && !flow_state_find(t, tr->to)) {
				snprintf(why, n, "%s.%s: no state %s", t->code, tr->action, tr->to);
				return -1;
			}
			if (!tr->who) {
				snprintf(why, n, "%s.%s: nobody may take it", t->code, tr->action);
				return -1;
			}
			for (const char *p = tr->from; *p;) {
				const char *e = strchr(p, ' ');
				size_t len = e ? (size_t)(e - p) : strlen(p);
				char st[48];
				snprintf(st, sizeof st, "%.*s", (int)len, p);
				const flow_state *s = flow_state_find(t, st);
				if (!s || s->terminal) {
					snprintf(why, n, "%s.%s: from %s is not an open state", t->code, tr->action,
					         st);
					return -1;
				}
				p = e ? e + 1 : p + len;
			}
		}
	}
	return 0;
}
