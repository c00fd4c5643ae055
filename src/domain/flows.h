/*
 * flows.h — the case types as data: states, transitions, who may take
 * them, what they require, what they do, deadlines and notifications.
 *
 * The engine (cases.c) reads only these tables. Adding a type or changing
 * a flow is a matter of rows in flows.c; docs/cases.md shows the tables.
 */
#ifndef TX_DOMAIN_FLOWS_H
#define TX_DOMAIN_FLOWS_H

#include <stddef.h>

#include <jansson.h>

/* The actor's relation to a case (see docs/cases.md). */
enum case_role {
	CR_SUBMITTER = 1 << 0, /* created the case (for notices: every submitter,
                            merged ones too) */
	CR_SIGNER = 1 << 1, /* invited joint signer who has not signed */
	CR_LEADER = 1 << 2, /* a leader the case is addressed to */
	CR_OFFICE = 1 << 3, /* case:manage over the case's unit */
	CR_LEAD = 1 << 4, /* case:handle over the lead handling unit */
	CR_CO = 1 << 5, /* case:handle over a co-handling unit whose part is open */
};

/* Body fields a transition requires. */
enum case_require {
	RQ_COMMENT = 1 << 0,
	RQ_REASON = 1 << 1,
	RQ_MODE = 1 << 2,
	RQ_LEAD_UNIT = 1 << 3,
	RQ_RESULT = 1 << 4,
	RQ_ANSWER = 1 << 5,
	RQ_RATING = 1 << 6,
	RQ_MERGE_INTO = 1 << 7,
};

/* What a transition does besides changing the state. */
enum case_effect {
	FX_RECEIVE = 1 << 0, /* submitted_at */
	FX_REGISTER = 1 << 1, /* registered_at */
	FX_ASSIGN = 1 << 2, /* mode, lead unit, co units, assigned_at */
	FX_UNASSIGN = 1 << 3, /* handling units, deadline and assignment cleared */
	FX_REPLY = 1 << 4, /* answer (and result class) kept on the case */
	FX_ANSWER = 1 << 5, /* answered_at (first time) */
	FX_CLOSE = 1 << 6, /* closed_at */
	FX_SIGN = 1 << 7, /* the signer's signature */
	FX_COUNTERSIGN = 1 << 8, /* the co unit's part done, with its answer */
	FX_MERGE = 1 << 9, /* merged_into; the submitter joins the target */
	FX_REOPEN = 1 << 10, /* one more round */
	FX_RATE = 1 << 11, /* rating */
	FX_REJECT = 1 << 12, /* reason */
	FX_EXTEND = 1 << 13, /* deadline from assignment + 6 months, once */
};

/* Conditions a transition needs beyond the state (named, implemented in cases.c). */
typedef enum case_guard {
	G_NONE = 0,
	G_ALL_SIGNED, /* every invited signer signed */
	G_ALL_COUNTERSIGNED, /* every co unit's part done */
	G_RETURN_WINDOW, /* within RETURN_DAYS of assignment */
	G_NOT_EXTENDED, /* never extended */
	G_FIRST_ROUND, /* round 1 */
	G__MAX
} case_guard;

/* A deadline rule: none, days or months from today. */
typedef struct deadline_rule {
	char unit; /* 0: none, 'd': days, 'm': months */
	int n;
} deadline_rule;

typedef struct flow_state {
	const char *code;
	const char *name_zh;
	const char *name_en;
	int terminal;
} flow_state;

typedef struct flow_transition {
	const char *action;
	const char *name_zh;
	const char *name_en;
	const char *from; /* space-separated states */
	const char *to; /* NULL: the state does not change */
	unsigned who; /* enum case_role */
	unsigned requires;
	unsigned effects;
	case_guard guard;
	const char *when_rating; /* only when the body's rating is this value */
	deadline_rule deadline;
	unsigned notify; /* enum case_role: who is told */
	int quiet; /* optional: does not put the case in anyone's inbox */
} flow_transition;

/* What creating a case of this type accepts. */
enum case_create_field {
	CF_LEADERS = 1 << 0, /* leader_ids: addressed leaders */
	CF_SIGNERS = 1 << 1, /* signer_ids: joint signers */
	CF_ORG = 1 << 2, /* org_id: submitted in an organisation's name */
	CF_ENTERPRISE = 1 << 3, /* enterprise_id (required) and channel */
	CF_PERSON = 1 << 4, /* person_id: the petitioner or party on record */
};

typedef struct flow_type {
	const char *code;
	const char *name_zh;
	const char *name_en;
	const char *prefix;
	const char *initial;
	unsigned create; /* enum case_create_field */
	unsigned notify_create; /* who is told when the case is created */
	const flow_state *states;
	size_t nstates;
	const flow_transition *trs;
	size_t ntrs;
} flow_type;

enum { RETURN_DAYS = 7, EXTEND_MONTHS = 6 };

/* Every terminal state of every type is one of these (flow_check makes sure), as SQL. */
#define FLOW_TERMINAL_SQL "('closed', 'not_registered', 'merged', 'withdrawn')"

extern const flow_type *const flow_types[];
extern const size_t flow_types_count;

const flow_type *flow_type_find(const char *code);
const flow_state *flow_state_find(const flow_type *t, const char *code);
/* Is `state` one of the space-separated states in `list`? */
int flow_state_in(const char *list, const char *state);
/* Is this state terminal in any type (closed, merged …)? */
int flow_state_terminal(const flow_type *t, const char *state);
/* A guard's verdict on one case, given by the engine. */
typedef int (*flow_guard_fn)(case_guard g, const void *ctx);
/*
 * The transition an actor with `roles` takes with `action` from `state`
 * (and the body's `rating`): the first row whose state, roles and rating
 * condition match and whose guard holds (holds(g, ctx); NULL holds: every
 * guard holds). NULL when there is none; *failed then names the guard that
 * stopped a row that matched otherwise (G_NONE when none did).
 */
const flow_transition *flow_pick(const flow_type *t, const char *action, const char *state, unsigned roles,
                                 const char *rating, flow_guard_fn holds, const void *ctx, case_guard *failed);
/* Every type as the /case_types document (new reference). */
json_t *flow_types_json(void);
/* The role names ("submitter", …) of a role set, as a new JSON array. */
json_t *flow_roles_json(unsigned roles);
/* The field names ("comment", …) of a require set, as a new JSON array. */
json_t *flow_requires_json(unsigned req);
/* Check the tables: every from/to names a state, every type has its initial state (0 = fine). */
int flow_check(char *why, size_t n);

#endif
