// The case workflow engine, table-driven (docs/cases.md is the contract):
// the flow table the server publishes (GET /case_types) is the one of the
// contract; every allowed transition of every type is walked — its `from`
// state reached by a path of allowed transitions — and taken by an actor who
// holds its role: new state, version + 1, one new timeline entry, one audit
// entry `case.<action>`, and the effects (registered, deadline, answered).
// And every forbidden combination changes nothing: (a) an action that does
// not apply in the state → 409 case.state, (b) an allowed action by an actor
// without its role → 403 case.forbidden (404 when the case is invisible to
// them), (c) a missing required field → 400 validation.failed.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, AUD;
const it = tracked(() => srv);

// ---------------------------------------------------------------- contract
// [action, from states, to ('=' = unchanged), roles, required fields, effects]
// effects: reg = registered_at set, ans = answered_at set, dl = deadline
// (['m', n] months / ['d', n] days from today), dl6 = assignment + 6 months,
// quiet = optional, puts the case in nobody's inbox.
const T = (action, from, to, who, requires = [], fx = {}) => ({ action, from, to, who, requires, fx });
const EXPECTED = {
	proposal: {
		prefix: 'TA', first: 'draft',
		transitions: [
			T('sign', ['draft'], '=', ['signer']),
			T('submit', ['draft'], 'submitted', ['submitter']),
			T('withdraw', ['draft', 'submitted'], 'withdrawn', ['submitter'], [], { quiet: true }),
			T('review', ['submitted'], 'reviewing', ['office']),
			T('register', ['reviewing'], 'registered', ['office'], [], { reg: true }),
			T('reject', ['reviewing'], 'not_registered', ['office'], ['reason']),
			T('merge', ['submitted', 'reviewing', 'registered'], 'merged', ['office'], ['merge_into'], { quiet: true }),
			T('assign', ['registered'], 'assigned', ['office'], ['mode', 'lead_unit_id'], { dl: ['m', 3] }),
			T('accept', ['assigned'], 'handling', ['lead']),
			T('ask_return', ['assigned'], 'return_requested', ['lead'], ['comment']),
			T('approve_return', ['return_requested'], 'registered', ['office'], [], { cleared: true }),
			T('refuse_return', ['return_requested'], 'assigned', ['office'], ['comment']),
			T('countersign', ['handling'], '=', ['co'], ['answer']),
			T('ask_extension', ['handling'], 'extension_requested', ['lead'], ['comment']),
			T('approve_extension', ['extension_requested'], 'handling', ['office'], [], { dl6: true }),
			T('refuse_extension', ['extension_requested'], 'handling', ['office'], ['comment']),
			T('reply', ['handling'], 'replied', ['lead'], ['result_class', 'answer']),
			T('return_reply', ['replied'], 'handling', ['office'], ['comment']),
			T('approve_reply', ['replied'], 'answered', ['office'], [], { ans: true }),
			// 不满意 in the first round goes back to handling (see the walk below)
			T('rate', ['answered'], 'closed', ['submitter'], ['rating']),
			T('close', ['answered'], 'closed', ['office'], [], { quiet: true }),
		],
	},
	suggestion: {
		prefix: 'JY', first: 'submitted',
		transitions: [
			T('instruct', ['submitted', 'registered', 'assigned'], '=', ['leader'], ['comment'], { quiet: true }),
			T('register', ['submitted'], 'registered', ['office'], [], { reg: true }),
			T('reject', ['submitted'], 'not_registered', ['office'], ['reason']),
			T('forward', ['submitted'], 'assigned', ['leader'], ['lead_unit_id'], { reg: true, dl: ['d', 30] }),
			T('assign', ['registered'], 'assigned', ['office', 'leader'], ['lead_unit_id'], { dl: ['d', 30] }),
			T('answer', ['assigned'], 'answered', ['lead'], ['answer'], { ans: true }),
			T('rate', ['answered'], 'closed', ['submitter'], ['rating']),
			T('close', ['answered'], 'closed', ['office'], [], { quiet: true }),
			T('withdraw', ['submitted'], 'withdrawn', ['submitter'], [], { quiet: true }),
		],
	},
	enterprise_request: {
		prefix: 'QY', first: 'received',
		transitions: [
			T('assign', ['received'], 'assigned', ['office'], ['lead_unit_id'], { reg: true, dl: ['d', 30] }),
			T('reject', ['received'], 'not_registered', ['office'], ['reason']),
			T('accept', ['assigned'], 'handling', ['lead']),
			T('solve', ['handling'], 'solved', ['lead'], ['answer', 'result_class'], { ans: true }),
			T('confirm', ['solved'], 'closed', ['submitter', 'office'], ['rating']),
			T('reopen', ['solved'], 'handling', ['submitter', 'office'], ['comment']),
		],
	},
	petition: {
		prefix: 'XF', first: 'received',
		transitions: [
			T('accept', ['received'], 'accepted', ['office'], [], { reg: true }),
			T('reject', ['received'], 'not_registered', ['office'], ['reason']),
			T('assign', ['accepted'], 'handling', ['office'], ['lead_unit_id'], { dl: ['d', 60] }),
			T('answer', ['handling'], 'answered', ['lead'], ['answer', 'result_class'], { ans: true }),
			T('close', ['answered'], 'closed', ['office']),
		],
	},
	mediation: {
		prefix: 'TJ', first: 'received',
		transitions: [
			T('accept', ['received'], 'mediating', ['office'], ['lead_unit_id'], { reg: true, dl: ['d', 30] }),
			T('reject', ['received'], 'not_registered', ['office'], ['reason']),
			T('settle', ['mediating'], 'answered', ['lead'], ['answer', 'result_class'], { ans: true }),
			T('close', ['answered'], 'closed', ['office']),
		],
	},
};
const TERMINAL = ['closed', 'not_registered', 'merged', 'withdrawn'];

// ------------------------------------------------------------------ dates
const cstToday = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const ymdUTC = (d) => d.toISOString().slice(0, 10);
function addDays(ymd, n) {
	const [y, m, d] = ymd.split('-').map(Number);
	return ymdUTC(new Date(Date.UTC(y, m - 1, d + n)));
}
function addMonths(ymd, n) {
	const [y, m, d] = ymd.split('-').map(Number);
	const last = new Date(Date.UTC(y, m - 1 + n + 1, 0)).getUTCDate();
	return ymdUTC(new Date(Date.UTC(y, m - 1 + n, Math.min(d, last))));
}
const cstDateOf = (unixSeconds) => new Date(unixSeconds * 1000 + 8 * 3600e3).toISOString().slice(0, 10);

// ------------------------------------------------------------ the actors
const POOL = ['rep1', 'village1', 'rep2', 'leader', 'deptliaison', 'deptliaison2', 'mediator', 'town1', 'town2', 'staff'];
const U = {};
const units = new Map();
let D1, D2, CHAMBER, ENTERPRISE, published;
const auth = (n) => ({ token: U[n].token });

function inScope(name, unitId) {
	if (unitId === null || unitId === undefined) return false;
	const u = U[name].user;
	if (u.scope === 'all') return true;
	if (u.scope === 'subtree') return (units.get(unitId)?.path || '').includes(`/${u.unit_id}/`);
	if (u.scope === 'unit') return unitId === u.unit_id;
	return false;
}
const perms = (name) => new Set(U[name].user.permissions);
/* The relational roles `name` holds on case `c` (docs/cases.md, "Who may act"). */
function rolesOf(name, c) {
	const id = U[name].user.id, p = perms(name), r = new Set();
	if (c.submitter_id === id) r.add('submitter');
	if ((c.signers || []).some((s) => s.user_id === id && !s.signed)) r.add('signer');
	if ((c.leaders || []).some((l) => l.user_id === id)) r.add('leader');
	if (p.has('case:manage') && inScope(name, c.unit_id)) r.add('office');
	if (p.has('case:handle') && inScope(name, c.lead_unit_id)) r.add('lead');
	if (p.has('case:handle') && (c.co_units || []).some((x) => !x.done && inScope(name, x.unit_id))) r.add('co');
	return r;
}
/* Whether `name` may see case `c` ("Who sees a case"). */
function visibleTo(name, c) {
	const id = U[name].user.id, p = perms(name);
	if (c.submitter_id === id || (c.signers || []).some((s) => s.user_id === id)) return true;
	if (c.state === 'draft') return false;
	if ((c.leaders || []).some((l) => l.user_id === id)) return true;
	if (p.has('case:read') && inScope(name, c.unit_id)) return true;
	if (p.has('case:handle') && (inScope(name, c.lead_unit_id) || (c.co_units || []).some((x) => inScope(name, x.unit_id)))) return true;
	return false;
}
const holders = (t, c) => POOL.filter((n) => t.who.some((w) => rolesOf(n, c).has(w)));

// ----------------------------------------------------- the published table
const arr = (x) => (x === undefined || x === null ? [] : Array.isArray(x) ? x : [x]);
const nameOf = (x) => (typeof x === 'string' ? x : x.code ?? x.name ?? x.action ?? x.field ?? x.state);
function normalizeTypes(json) {
	const list = Array.isArray(json) ? json : json.items ?? json.types;
	assert.ok(Array.isArray(list), `GET /case_types: no list: ${JSON.stringify(json).slice(0, 400)}`);
	return list.map((t) => ({
		raw: t,
		code: t.code ?? t.type,
		prefix: t.prefix ?? t.no_prefix,
		first: t.initial ?? t.first_state ?? t.first ?? t.start,
		states: arr(t.states).map(nameOf),
		transitions: arr(t.transitions ?? t.actions).map((x) => ({
			action: nameOf(x.action ?? x.code ?? x.name),
			from: arr(x.from).map(nameOf),
			to: x.to === null || x.to === undefined || x.to === '=' ? '=' : nameOf(x.to),
			who: arr(x.who ?? x.roles).map(nameOf),
			requires: arr(x.requires ?? x.required ?? x.fields).map(nameOf),
			when_rating: x.when_rating ?? null,
		})),
		createFields: arr(t.create_fields ?? t.fields ?? t.create),
	}));
}

/* Shortest path of published transitions from the first state to `target`. */
function pathTo(type, target) {
	const flow = published[type];
	const prev = new Map([[flow.first, null]]);
	const queue = [flow.first];
	while (queue.length) {
		const s = queue.shift();
		if (s === target) break;
		for (const t of flow.transitions) {
			if (t.to === '=' || !t.from.includes(s) || prev.has(t.to)) continue;
			if (t.when_rating) continue; // an outcome of one rating only; never needed on a path
			prev.set(t.to, { s, t });
			queue.push(t.to);
		}
	}
	assert.ok(prev.has(target), `${type}: no path of published transitions reaches ${target}`);
	const steps = [];
	for (let s = target; prev.get(s); s = prev.get(s).s) steps.unshift(prev.get(s).t);
	return steps;
}

// -------------------------------------------------------------- requests
async function getCase(id, who) {
	const r = await srv.api('GET', `/cases/${id}`, auth(who));
	assert.equal(r.status, 200, `GET /cases/${id} as ${who}: ${r.status} ${r.text}`);
	return r.json;
}
/* The case as its submitter (drafts) or staff sees it. */
async function look(c) {
	const who = c.state === 'draft' || !visibleTo('staff', c) ? POOL.find((n) => U[n].user.id === c.submitter_id) : 'staff';
	return getCase(c.id, who);
}
const act = (id, who, body) => srv.api('POST', `/cases/${id}/act`, { ...auth(who), body });
const actionNames = (c) => arr(c.actions).map((a) => (typeof a === 'string' ? a : a.action));

let serial = 0;
let mergeTarget = null;
const CREATOR = { proposal: 'rep1', suggestion: 'village1', enterprise_request: 'staff', petition: 'staff', mediation: 'staff' };
function createBody(type) {
	const b = { type, title: `流程测试${type}第${++serial}号`, content: `关于${type}的测试内容 ${serial}` };
	if (type === 'proposal') b.signer_ids = [U.rep2.user.id];
	if (type === 'suggestion') b.leader_ids = [U.leader.user.id];
	if (type === 'enterprise_request') Object.assign(b, { enterprise_id: ENTERPRISE, channel: 'visit', unit_id: fx.town1Unit });
	if (type === 'petition' || type === 'mediation') b.unit_id = fx.town1Unit;
	return b;
}
async function create(type) {
	const who = CREATOR[type];
	const body = createBody(type);
	const r = await srv.api('POST', '/cases', { ...auth(who), body });
	assert.equal(r.status, 201, `POST /cases ${JSON.stringify(body)} as ${who}: ${r.status} ${r.text}`);
	const c = r.json;
	assert.equal(c.type, type);
	assert.equal(c.state, EXPECTED[type].first, `${type}: first state`);
	assert.equal(c.submitter_id, U[who].user.id);
	assert.equal(c.title, body.title);
	assert.equal(c.version, 1, `${type}: a new case has version 1: ${r.text}`);
	if (c.state !== 'draft') {
		assert.match(c.no, new RegExp(`^${EXPECTED[type].prefix}-${cstToday().slice(0, 4)}-\\d{4}$`), `case number ${c.no}`);
	}
	return c;
}

/* Values of the fields an action needs, valid for this case. */
function bodyFor(type, t, c, extra = {}) {
	const b = { action: t.action, version: c.version };
	for (const f of new Set([...t.requires, ...(t.fields || [])])) {
		switch (f) {
		case 'comment': b.comment = `${t.action} 意见`; break;
		case 'reason': b.reason = 'other'; break; // a code of the not_registered_reason dictionary (GET /meta)
		case 'answer': b.answer = `${t.action} 答复内容`; break;
		case 'result_class': b.result_class = 'A'; break;
		case 'rating': b.rating = 'satisfied'; break;
		case 'merge_into': b.merge_into = mergeTarget.id; break;
		case 'mode': b.mode = 'joint'; b.co_unit_ids = [D2]; break;
		case 'lead_unit_id': b.lead_unit_id = type === 'mediation' ? CHAMBER : D1; break;
		case 'co_unit_ids': b.co_unit_ids = [D2]; break;
		default: break;
		}
	}
	return Object.assign(b, extra);
}

// ------------------------------------------------------------ checks
const auditSeen = new Set();
async function auditEntry(action, caseId, actorId) {
	const r = await srv.api('GET', `/audit?action=case.${action}&limit=100`, { token: AUD.token });
	assert.equal(r.status, 200, r.text);
	const e = r.json.items.find((x) => x.entity === 'case' && String(x.entity_id) === String(caseId)
		&& x.actor_id === actorId && !auditSeen.has(x.seq));
	assert.ok(e, `no new audit entry case.${action} for case ${caseId} by user ${actorId}: ${JSON.stringify(r.json.items.slice(0, 5))}`);
	assert.equal(e.result, 'ok');
	auditSeen.add(e.seq);
	return e;
}

/* Nothing changed on the case since `before` (state, version, timeline). */
async function unchanged(before, what) {
	const now = await look(before);
	assert.equal(now.state, before.state, `${what}: state changed`);
	assert.equal(now.version, before.version, `${what}: version changed`);
	assert.equal(now.timeline.length, before.timeline.length, `${what}: timeline grew`);
}

/* The id of the newest notice of `who` (0 without any). */
async function newestNotice(who) {
	const r = await srv.api('GET', '/notices?limit=1', auth(who));
	assert.equal(r.status, 200, r.text);
	return r.json.items[0]?.id ?? 0;
}
/*
 * Whom docs/cases.md names as told of a transition: the submitter on
 * register, reject and answer; the lead and co units' handlers when the
 * work is handed out; the office on submit, return and extension requests.
 */
function toBeTold(t, c, body) {
	const out = new Set();
	const submitter = POOL.find((n) => U[n].user.id === c.submitter_id);
	if (['register', 'reject'].includes(t.action) || t.fx.ans) out.add(submitter);
	if (t.fx.dl) {
		for (const unit of [body.lead_unit_id, ...(body.co_unit_ids || [])]) {
			out.add(POOL.find((n) => n !== 'staff' && n !== 'town1' && perms(n).has('case:handle') && inScope(n, unit)));
		}
	}
	if (['submit', 'ask_return', 'ask_extension'].includes(t.action)) out.add('staff');
	return [...out].filter(Boolean);
}

/* Take transition `t` on case `c` as `who`; check everything; return the new case. */
async function perform(type, t, c, who, extra = {}, expectTo = undefined) {
	const before = await look(c);
	assert.ok(t.from.includes(before.state), `${type}.${t.action}: case in ${before.state}`);
	const mine = await getCase(c.id, who);
	assert.ok(actionNames(mine).includes(t.action),
		`${type}: ${who} holds ${[...rolesOf(who, before)]} in ${before.state} but actions=${JSON.stringify(mine.actions)} lacks ${t.action}`);
	const body = bodyFor(type, t, before, extra);
	const told = toBeTold(t, before, body).filter((n) => n !== who);
	const lastNotice = {};
	for (const n of told) lastNotice[n] = await newestNotice(n);
	const r = await act(c.id, who, body);
	assert.equal(r.status, 200, `${type} ${before.no}: ${t.action} in ${before.state} by ${who} ${JSON.stringify(body)}: ${r.status} ${r.text}`);
	for (const n of told) {
		const page = await srv.api('GET', '/notices?limit=50', auth(n));
		assert.ok(page.json.items.some((x) => x.id > lastNotice[n] && x.case_id === c.id), `${type}.${t.action} by ${who}: ${n} was not told`);
		tally.told++;
	}
	const to = expectTo ?? (t.to === '=' ? before.state : t.to);
	assert.equal(r.json.state, to, `${type}: ${t.action} from ${before.state}`);
	assert.equal(r.json.version, before.version + 1, `${type}: ${t.action} version`);
	const after = await look(r.json);
	assert.equal(after.state, to);
	assert.equal(after.version, before.version + 1);
	assert.equal(after.timeline.length, before.timeline.length + 1, `${type}: ${t.action}: one new timeline entry`);
	const oldIds = new Set(before.timeline.map((e) => e.id));
	const e = after.timeline.find((x) => !oldIds.has(x.id));
	assert.ok(e, 'the new timeline entry has a new id');
	assert.equal(e.action, t.action);
	assert.equal(e.from, before.state);
	assert.equal(e.to, to);
	assert.equal(e.actor_id, U[who].user.id);
	assert.equal(typeof e.at, 'number', `timeline times are Unix seconds: ${JSON.stringify(e)}`);
	assert.ok(Math.abs(e.at - Date.now() / 1000) < 120, `timeline entry at ${e.at}`);
	if (body.comment) assert.equal(e.comment, body.comment);
	await auditEntry(t.action, c.id, U[who].user.id);
	tally.performed++;
	// effects
	if (t.fx.reg) assert.ok(after.registered_at, `${type}.${t.action}: registered_at not set`);
	if (t.fx.ans) {
		assert.ok(after.answered_at, `${type}.${t.action}: answered_at not set`);
		if (body.answer) assert.equal(after.answer, body.answer);
		else assert.equal(typeof after.answer, 'string', `${type}.${t.action}: the answer approved`);
	}
	if (t.fx.dl) {
		const [unit, n] = t.fx.dl;
		const want = unit === 'm' ? addMonths(cstToday(), n) : addDays(cstToday(), n);
		assert.equal(after.deadline, want, `${type}.${t.action}: deadline = today + ${n}${unit}`);
		assert.ok(after.assigned_at, `${type}.${t.action}: assigned_at`);
		assert.equal(after.lead_unit_id, body.lead_unit_id);
		assert.equal(after.overdue, false);
	}
	if (t.fx.dl6) {
		assert.equal(after.extended, true);
		assert.equal(after.deadline, addMonths(cstDateOf(after.assigned_at), 6));
	}
	if (t.fx.cleared) {
		assert.equal(after.lead_unit_id ?? null, null, 'approve_return clears the lead unit');
		assert.deepEqual(after.co_units ?? [], [], 'approve_return clears the co units');
	}
	if (t.action === 'merge') assert.equal(after.merged_into, body.merge_into);
	if (t.action === 'sign') assert.ok(after.signers.find((s) => s.user_id === U[who].user.id).signed);
	if (t.action === 'countersign') {
		const part = after.co_units.find((x) => inScope(who, x.unit_id));
		assert.equal(part.done, true);
		assert.equal(part.answer, body.answer);
	}
	if (body.result_class) assert.equal(after.result_class, body.result_class);
	if (body.rating) assert.equal(after.rating, body.rating);
	if (body.reason) assert.equal(after.reason, body.reason);
	if (TERMINAL.includes(to) && to === 'closed') assert.ok(after.closed_at, 'closed_at');
	return after;
}

/* Steps that a path needs but the state graph hides: joint signatures before submit, countersigns before reply. */
async function prerequisites(type, t, c) {
	const flow = published[type];
	if (t.action === 'submit') {
		for (const s of c.signers.filter((x) => !x.signed)) {
			const who = POOL.find((n) => U[n].user.id === s.user_id);
			c = await perform(type, flow.transitions.find((x) => x.action === 'sign'), c, who);
		}
	}
	if (t.action === 'reply') {
		for (const part of c.co_units.filter((x) => !x.done)) {
			const who = POOL.find((n) => n !== 'staff' && perms(n).has('case:handle') && inScope(n, part.unit_id));
			c = await perform(type, flow.transitions.find((x) => x.action === 'countersign'), c, who);
		}
	}
	return c;
}

const PREFER = ['rep1', 'village1', 'rep2', 'leader', 'deptliaison', 'deptliaison2', 'mediator', 'town1', 'town2', 'staff'];
const pick = (list) => PREFER.find((n) => list.includes(n));

const tally = { performed: 0, wrongState: 0, forbidden: 0, invisible: 0, missing: 0, told: 0 };
const checkedStates = new Set();
/* (a) every action that does not apply in the case's state answers 409 case.state. */
async function wrongStateActions(type, c) {
	const key = `${type}/${c.state}`;
	if (checkedStates.has(key)) return;
	checkedStates.add(key);
	const before = await look(c);
	const views = new Map(); // who → the actions their view of the case offers
	for (const t of published[type].transitions) {
		if (t.from.includes(before.state)) continue;
		const hs = holders(t, before).filter((n) => visibleTo(n, before));
		const who = pick(hs) ?? POOL.find((n) => U[n].user.id === before.submitter_id);
		const r = await act(c.id, who, bodyFor(type, t, before));
		const what = `${type} in ${before.state}: ${t.action} by ${who}`;
		tally.wrongState++;
		if (hs.length) assertError(r, 409, 'case.state');
		else {
			// nobody holds the role in this state: both answers describe the request
			assert.ok(r.status === 409 || r.status === 403, `${what}: ${r.status} ${r.text}`);
			assertError(r, r.status, r.status === 409 ? 'case.state' : 'case.forbidden');
		}
		if (!views.has(who)) views.set(who, actionNames(await getCase(c.id, who)));
		assert.ok(!views.get(who).includes(t.action), `${what}: listed in actions ${views.get(who)}`);
	}
	await unchanged(before, `${type} in ${before.state}: wrong-state actions`);
}

const checkedForbidden = new Set();
/* (b) an allowed action by every actor without its role: 403 case.forbidden, or 404 when invisible. */
async function withoutRole(type, t, c) {
	const before = await look(c);
	const key = `${type}/${t.action}/${before.state}`;
	if (checkedForbidden.has(key)) return;
	checkedForbidden.add(key);
	const hs = holders(t, before);
	for (const who of POOL) {
		if (hs.includes(who)) continue;
		const r = await act(c.id, who, bodyFor(type, t, before));
		if (visibleTo(who, before)) {
			assertError(r, 403, 'case.forbidden');
			tally.forbidden++;
			const mine = await getCase(c.id, who);
			assert.ok(!actionNames(mine).includes(t.action), `${type}: ${who} without a role sees ${t.action} in actions`);
		} else {
			assertError(r, 404, 'not_found');
			tally.invisible++;
			assertError(await srv.api('GET', `/cases/${c.id}`, auth(who)), 404, 'not_found');
		}
	}
	await unchanged(before, `${type}.${t.action} by actors without the role`);
}

/* (c) each required field left out, and bad values of the enumerated fields: 400 validation.failed. */
const BAD = { reason: 'because', rating: 'excellent', result_class: 'E', mode: 'together', lead_unit_id: 987654321, co_unit_ids: [987654321], merge_into: 987654321 };
async function missingFields(type, t, c, who) {
	if (!t.fields.length) return;
	const before = await look(c);
	for (const f of t.fields) {
		const body = bodyFor(type, t, before);
		delete body[f];
		assertError(await act(c.id, who, body), 400, 'validation.failed', f);
		tally.missing++;
		if (['comment', 'reason', 'answer'].includes(f)) {
			assertError(await act(c.id, who, { ...bodyFor(type, t, before), [f]: '' }), 400, 'validation.failed', f);
			assertError(await act(c.id, who, { ...bodyFor(type, t, before), [f]: null }), 400, 'validation.failed', f);
		}
		if (f in BAD) assertError(await act(c.id, who, { ...bodyFor(type, t, before), [f]: BAD[f] }), 400, 'validation.failed', f);
	}
	if (t.fields.includes('mode')) {
		// joint and separate need co units
		for (const mode of ['joint', 'separate']) {
			const body = bodyFor(type, t, before, { mode });
			delete body.co_unit_ids;
			assertError(await act(c.id, who, body), 400, 'validation.failed', 'co_unit_ids');
		}
	}
	await unchanged(before, `${type}.${t.action} with missing fields`);
}

/* Walk to each `from` state of `t` and take `t` as each kind of role holder. */
async function walk(type, t, from, { extra = {}, expectTo, actor } = {}) {
	let c = await create(type);
	await wrongStateActions(type, c);
	for (const step of pathTo(type, from)) {
		c = await prerequisites(type, step, c);
		const who = pick(holders(step, c));
		assert.ok(who, `${type}: nobody holds ${step.who} for ${step.action} in ${c.state}`);
		c = await perform(type, step, c, who);
		await wrongStateActions(type, c);
	}
	c = await prerequisites(type, t, c);
	await withoutRole(type, t, c);
	const hs = holders(t, c);
	const who = actor ?? pick(hs);
	assert.ok(hs.includes(who), `${type}: ${who} holds none of ${t.who} for ${t.action}`);
	await missingFields(type, t, c, who);
	c = await perform(type, t, c, who, extra, expectTo);
	await wrongStateActions(type, c);
	return c;
}

before(async () => {
	srv = await startServer({ people: 200 });
	fx = await demoFixture(srv);
	for (const n of POOL) U[n] = n in fx && fx[n].token ? fx[n] : await srv.login(n);
	AUD = await srv.login('auditor');
	for (const u of await srv.listAll(`/units?subtree=${fx.city.id}`, auth('staff'))) units.set(u.id, u);
	D1 = U.deptliaison.user.unit_id;
	D2 = U.deptliaison2.user.unit_id;
	assert.equal(units.get(D1).kind, 'department');
	assert.equal(units.get(D2).kind, 'department');
	assert.notEqual(D1, D2);
	// the demo's mediator answers for the first town chamber, the handling unit of mediation
	CHAMBER = U.mediator.user.unit_id;
	assert.equal(units.get(CHAMBER).kind, 'chamber');
	const ent = await srv.api('GET', '/organisation?kind=enterprise&limit=1', auth('staff'));
	assert.equal(ent.status, 200, ent.text);
	ENTERPRISE = ent.json.items[0].id;
	const r = await srv.api('GET', '/case_types', auth('rep1'));
	assert.equal(r.status, 200, r.text);
	published = Object.fromEntries(normalizeTypes(r.json).map((t) => [t.code, t]));
	// the walk takes the published rows; the contract adds what to check and which fields are required
	for (const [code, flow] of Object.entries(published)) {
		for (const t of flow.transitions) {
			const want = EXPECTED[code]?.transitions.find((x) => x.action === t.action);
			t.fx = want?.fx ?? {};
			t.fields = want?.requires ?? [];
		}
	}
	// a registered proposal that merges are made into
	mergeTarget = await create('proposal');
});
after(async () => { await srv?.stop(); });

it('GET /case_types publishes the five flows of docs/cases.md', async () => {
	assert.deepEqual(Object.keys(published).sort(), Object.keys(EXPECTED).sort());
	for (const [code, want] of Object.entries(EXPECTED)) {
		const got = published[code];
		if (got.prefix !== undefined) assert.equal(got.prefix, want.prefix, `${code}: prefix`);
		assert.equal(got.first ?? got.states[0], want.first, `${code}: first state`);
		const actions = got.transitions.map((t) => t.action);
		assert.deepEqual([...new Set(actions)].sort(), want.transitions.map((t) => t.action).sort(), `${code}: actions`);
		for (const w of want.transitions) {
			const g = got.transitions.filter((t) => t.action === w.action);
			assert.deepEqual([...new Set(g.flatMap((t) => t.from))].sort(), [...w.from].sort(), `${code}.${w.action}: from`);
			const tos = [...new Set(g.map((t) => t.to))];
			if (code === 'proposal' && w.action === 'rate') {
				// closed, and back to handling when the rating is 不满意 (first round only)
				assert.deepEqual(tos.sort(), ['closed', 'handling'], `${code}.rate: to ${tos}`);
				const reopen = got.raw.transitions.find((t) => t.action === 'rate' && t.to === 'handling');
				assert.equal(reopen.when_rating, 'unsatisfied', JSON.stringify(reopen));
			}
			else assert.deepEqual(tos, [w.to], `${code}.${w.action}: to`);
			assert.deepEqual([...new Set(g.flatMap((t) => t.who))].sort(), [...w.who].sort(), `${code}.${w.action}: who`);
			assert.deepEqual([...new Set(g.flatMap((t) => t.requires))].sort(), [...w.requires].sort(), `${code}.${w.action}: requires`);
		}
		for (const s of [...want.transitions.flatMap((t) => t.from), ...want.transitions.map((t) => t.to).filter((x) => x !== '=')]) {
			assert.ok(got.states.includes(s), `${code}: state ${s} not published (${got.states})`);
		}
		// terminal: closed, not_registered, merged, withdrawn (those of them the type has)
		for (const st of got.raw.states) assert.equal(Boolean(st.terminal), TERMINAL.includes(st.code), `${code}: state ${st.code} terminal=${st.terminal}`);
	}
	// the same table for everyone signed in, and nothing for nobody
	const s = await srv.api('GET', '/case_types', auth('staff'));
	assert.equal(s.status, 200);
	const core = (ts) => ts.map(({ action, from, to, who, requires, when_rating }) => ({ action, from, to, who, requires, when_rating }));
	assert.deepEqual(normalizeTypes(s.json).map((t) => core(t.transitions)), Object.values(published).map((t) => core(t.transitions)));
	assertError(await srv.api('GET', '/case_types'), 401, 'auth.required');
});

it('GET /case_types: the deadline each transition sets and its quiet flag are those of docs/cases.md', async () => {
	const r = await srv.api('GET', '/case_types', auth('staff'));
	const wrong = [];
	for (const t of r.json.items) {
		for (const x of t.transitions) {
			const want = EXPECTED[t.code].transitions.find((w) => w.action === x.action);
			const dl = want.fx.dl ? `+${want.fx.dl[1]}${want.fx.dl[0]}` : null;
			if ((x.deadline ?? null) !== dl) wrong.push(`${t.code}.${x.action}: deadline ${x.deadline}, the table says ${dl}`);
			if (Boolean(x.quiet) !== Boolean(want.fx.quiet)) wrong.push(`${t.code}.${x.action}: quiet=${x.quiet}, the table says ${Boolean(want.fx.quiet)}`);
		}
	}
	assert.deepEqual(wrong, []);
});

it('fixture: the merge target proposal is registered', async () => {
	let c = mergeTarget;
	for (const step of pathTo('proposal', 'registered')) {
		c = await prerequisites('proposal', step, c);
		c = await perform('proposal', step, c, pick(holders(step, c)));
	}
	mergeTarget = c;
	assert.equal(c.state, 'registered');
});

for (const type of Object.keys(EXPECTED)) {
	it(`${type}: every allowed transition by every kind of role holder, every forbidden combination`, async () => {
		const flow = published[type];
		assert.ok(flow, `${type} not published`);
		let walks = 0;
		for (const t of flow.transitions) {
			for (const from of t.from) {
				// one walk per distinct kind of holder (e.g. assign by the office and by the leader)
				const actors = new Set(t.who.map((role) => ({ submitter: CREATOR[type], signer: 'rep2', leader: 'leader', office: 'staff' })[role]));
				for (const actor of actors) {
					// a row that applies to one rating only (proposal: 不满意 in the first round reopens)
					const opts = t.when_rating ? { extra: { rating: t.when_rating }, expectTo: t.to } : {};
					const c = await walk(type, t, from, { actor, ...opts });
					if (t.when_rating) {
						assert.equal(c.round, 2, `${type}.${t.action} ${t.when_rating}: one more round`);
						assert.equal(c.rating, t.when_rating);
					}
					walks++;
				}
			}
		}
		assert.ok(walks >= flow.transitions.length);
	});
}

it('case numbers run per type and year without repeats; the walks covered every kind of refusal', async () => {
	assert.ok(tally.performed > 150 && tally.wrongState > 300 && tally.forbidden > 100 && tally.invisible > 150 && tally.missing > 30 && tally.told > 60, JSON.stringify(tally));
	const mine = await srv.listAll('/cases?q=' + encodeURIComponent('流程测试'), auth('staff'));
	const byType = {};
	for (const c of mine) {
		if (!c.no) continue;
		(byType[c.type] ||= []).push(c.no);
	}
	for (const [type, nos] of Object.entries(byType)) {
		assert.equal(new Set(nos).size, nos.length, `${type}: repeated numbers ${nos}`);
		for (const no of nos) assert.match(no, new RegExp(`^${EXPECTED[type].prefix}-\\d{4}-\\d{4}$`));
	}
});

it('a required text field of blanks is missing: 400 validation.failed (as for every required text of the API)', async () => {
	const accepted = [];
	for (const type of Object.keys(EXPECTED)) {
		for (const t of published[type].transitions) {
			const texts = t.fields.filter((f) => f === 'comment' || f === 'answer');
			if (!texts.length || t.when_rating) continue;
			let c = await create(type);
			for (const step of pathTo(type, t.from[0])) {
				c = await prerequisites(type, step, c);
				c = await perform(type, step, c, pick(holders(step, c)));
			}
			c = await prerequisites(type, t, c);
			const who = pick(holders(t, c));
			for (const f of texts) {
				for (const blank of ['   ', '\t\n']) {
					const r = await act(c.id, who, { ...bodyFor(type, t, c), [f]: blank });
					if (r.status !== 400 || r.json?.error?.code !== 'validation.failed' || !r.json.error.fields?.[f]) {
						accepted.push(`${type}.${t.action} ${f}=${JSON.stringify(blank)} → ${r.status} ${r.json?.error?.code ?? r.json?.state}`);
						if (r.status === 200) c = await create(type); // moved on; the rest of this row needs a fresh case
						break;
					}
				}
				if (accepted.length && c.state !== t.from[0]) break;
			}
		}
	}
	assert.deepEqual(accepted, [], `blank required text accepted:\n${accepted.join('\n')}`);
});
