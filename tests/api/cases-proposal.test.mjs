// One proposal (提案) through the whole flow of docs/cases.md: a draft with a
// joint signer, submit refused until the signer signs, review, register,
// a second proposal merged into it, assignment as 会办 (lead unit = the
// first department, co unit = the second), a return asked and refused,
// accept, reply refused until the co unit countersigns, one extension
// approved (deadline = assignment + 6 months) and a second one refused,
// reply (result B), approval, 不满意 reopening a second round, reply,
// return of the reply, reply, approval, 不满意 again closing it. Then the
// complete timeline, the audit entries `case.*` and the notices. And the
// return window: ask_return within 7 days of assignment is granted (the
// units are cleared), after it refused.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, AUD, D1, D2;
const it = tracked(() => srv);
const U = {};
const NAMES = ['staff', 'leader', 'town1', 'town2', 'deptliaison', 'deptliaison2', 'rep1', 'rep2', 'village1'];
const auth = (n) => ({ token: U[n].token });
const uid = (n) => U[n].user.id;

const cstToday = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const cstDateOf = (s) => new Date(s * 1000 + 8 * 3600e3).toISOString().slice(0, 10);
function addMonths(ymd, n) {
	const [y, m, d] = ymd.split('-').map(Number);
	const last = new Date(Date.UTC(y, m - 1 + n + 1, 0)).getUTCDate();
	return new Date(Date.UTC(y, m - 1 + n, Math.min(d, last))).toISOString().slice(0, 10);
}

async function get(id, who = 'staff') {
	const r = await srv.api('GET', `/cases/${id}`, auth(who));
	assert.equal(r.status, 200, `GET /cases/${id} as ${who}: ${r.status} ${r.text}`);
	return r.json;
}
const actions = (c) => (c.actions || []).map((a) => (typeof a === 'string' ? a : a.action));
/* Everything that tells whether a case moved. */
const snap = (c) => ({ state: c.state, version: c.version, timeline: c.timeline.length, round: c.round, deadline: c.deadline, extended: c.extended });

const log = []; // [action, actor, from, to] of every transition taken on P1
/* Act and expect success: state `to`, version + 1, one new timeline entry. */
async function step(id, who, body, to, viewer = 'staff') {
	const before = await get(id, viewer);
	const r = await srv.api('POST', `/cases/${id}/act`, { ...auth(who), body: { version: before.version, ...body } });
	assert.equal(r.status, 200, `${body.action} by ${who} in ${before.state}: ${r.status} ${r.text}`);
	assert.equal(r.json.state, to, `${body.action}: state`);
	assert.equal(r.json.version, before.version + 1, `${body.action}: version`);
	const now = await get(id, viewer);
	assert.equal(now.timeline.length, before.timeline.length + 1, `${body.action}: one new timeline entry`);
	const e = now.timeline[now.timeline.length - 1];
	assert.deepEqual([e.action, e.actor_id, e.from, e.to], [body.action, uid(who), before.state, to]);
	if (id === P1?.id) log.push([body.action, who, before.state, to]);
	return now;
}
/* Act and expect a refusal that changes nothing: expect = [status, code, field?]. */
async function refused(id, who, body, expect, viewer = 'staff') {
	const before = await get(id, viewer);
	const r = await srv.api('POST', `/cases/${id}/act`, { ...auth(who), body: { version: before.version, ...body } });
	const what = `${body.action} by ${who} in ${before.state}`;
	assertError(r, ...expect);
	const now = await get(id, viewer);
	assert.deepEqual(snap(now), snap(before), `${what} refused but the case changed`);
	return r;
}
// A condition of the flow beyond the body (every signer signed, every co
// unit countersigned, the return window, not extended before): 409 case.guard.
const GUARD = [409, 'case.guard'];
// actions offered in `actions` that the same caller is then refused
const offeredWrongly = [];

async function notices(who) {
	const r = await srv.api('GET', '/notices?limit=500', auth(who));
	assert.equal(r.status, 200, `GET /notices as ${who}: ${r.text}`);
	assert.ok(Array.isArray(r.json.items));
	assert.equal(typeof r.json.unread, 'number');
	return r.json;
}
const aboutCase = (n, ...ids) => ids.includes(n.case_id);

let P1, P2, P3;
const TITLE = '关于加快老城区停车设施建设的提案';

before(async () => {
	srv = await startServer({ people: 200 });
	fx = await demoFixture(srv);
	for (const n of NAMES) U[n] = fx[n]?.token ? fx[n] : await srv.login(n);
	AUD = await srv.login('auditor');
	D1 = U.deptliaison.user.unit_id;
	D2 = U.deptliaison2.user.unit_id;
	assert.notEqual(D1, D2);
});
after(async () => { await srv?.stop(); });

it('a draft with a joint signer: visible to the submitter and the signer only; PATCH by the submitter while a draft', async () => {
	const r = await srv.api('POST', '/cases', { ...auth('rep1'), body: { type: 'proposal', title: '停车设施提案（草稿）', content: '老城区停车难，建议新建立体停车场。', signer_ids: [uid('rep2')] } });
	assert.equal(r.status, 201, r.text);
	P1 = r.json;
	assert.equal(P1.state, 'draft');
	assert.equal(P1.type, 'proposal');
	assert.equal(P1.submitter_id, uid('rep1'));
	assert.deepEqual(P1.signers.map((s) => [s.user_id, s.signed]), [[uid('rep2'), false]]);
	assert.equal(P1.signers[0].name, U.rep2.user.name);
	assert.equal(P1.version, 1);
	assert.equal(P1.round, 1);
	assert.equal(P1.submitted_at ?? null, null);
	// who sees the draft
	const asSigner = await get(P1.id, 'rep2');
	assert.ok(actions(asSigner).includes('sign'), `rep2 actions ${JSON.stringify(asSigner.actions)}`);
	assert.ok(!actions(asSigner).includes('submit'));
	for (const n of ['staff', 'leader', 'town1', 'deptliaison', 'village1']) {
		assertError(await srv.api('GET', `/cases/${P1.id}`, auth(n)), 404, 'not_found');
		const list = await srv.listAll('/cases', auth(n));
		assert.ok(!list.some((c) => c.id === P1.id), `${n} lists the draft`);
	}
	// edits: the submitter while a draft; the signer may not; a stale version is a conflict
	const p = await srv.api('PATCH', `/cases/${P1.id}`, { ...auth('rep1'), body: { version: 1, title: TITLE } });
	assert.equal(p.status, 200, p.text);
	assert.equal(p.json.title, TITLE);
	assert.equal(p.json.version, 2);
	assertError(await srv.api('PATCH', `/cases/${P1.id}`, { ...auth('rep1'), body: { version: 1, title: '过期版本' } }), 409, 'conflict.version');
	P1 = await get(P1.id, 'rep1');
	assert.equal(P1.title, TITLE);
	assert.equal(P1.version, 2);
});

it('PATCH: only the submitter (a signer who sees the draft: 403 case.forbidden), only while a draft (409 case.state)', async () => {
	const r = await srv.api('POST', '/cases', { ...auth('rep1'), body: { type: 'proposal', title: '修改规则测试', content: '草稿', signer_ids: [uid('rep2')] } });
	assert.equal(r.status, 201, r.text);
	const id = r.json.id;
	const answers = [];
	const patch = async (who, title) => {
		const c = await get(id, 'rep1');
		const p = await srv.api('PATCH', `/cases/${id}`, { ...auth(who), body: { version: c.version, title } });
		answers.push([who, c.state, p.status, p.json?.error?.code ?? 'ok']);
	};
	await patch('staff', '办公室改标题');
	await patch('rep2', '联名人改标题');
	await step(id, 'rep2', { action: 'sign' }, 'draft', 'rep1');
	await step(id, 'rep1', { action: 'submit' }, 'submitted', 'rep1');
	await patch('rep1', '提交后改标题');
	await patch('staff', '办公室改标题');
	await patch('rep2', '联名人改标题');
	assert.deepEqual(answers, [
		['staff', 'draft', 404, 'not_found'],
		['rep2', 'draft', 403, 'case.forbidden'],
		['rep1', 'submitted', 409, 'case.state'],
		['staff', 'submitted', 403, 'case.forbidden'],
		['rep2', 'submitted', 403, 'case.forbidden'],
	]);
	assert.equal((await get(id)).title, '修改规则测试');
});

it('PATCH: a title is required, blanks are refused as on creation', async () => {
	const d = await srv.api('POST', '/cases', { ...auth('rep1'), body: { type: 'proposal', title: '空标题测试', content: '草稿' } });
	assert.equal(d.status, 201, d.text);
	for (const blank of ['', '   ']) {
		assertError(await srv.api('PATCH', `/cases/${d.json.id}`, { ...auth('rep1'), body: { version: 1, title: blank } }), 400, 'validation.failed', 'title');
	}
	assertError(await srv.api('POST', '/cases', { ...auth('rep1'), body: { type: 'proposal', title: '   ', content: '草稿' } }), 400, 'validation.failed', 'title');
	assert.equal((await get(d.json.id, 'rep1')).title, '空标题测试');
});

it('submit is refused until the signer signs; the signer signs once; then submit', async () => {
	await refused(P1.id, 'rep1', { action: 'submit' }, GUARD, 'rep1');
	const mine = await get(P1.id, 'rep1');
	assert.ok(!actions(mine).includes('sign'), 'the submitter is offered sign');
	const offeredUnsigned = actions(mine);
	await refused(P1.id, 'rep1', { action: 'sign' }, [403, 'case.forbidden'], 'rep1');
	let c = await step(P1.id, 'rep2', { action: 'sign' }, 'draft', 'rep1');
	assert.deepEqual(c.signers.map((s) => [s.user_id, s.signed]), [[uid('rep2'), true]]);
	// signed: no longer a signer who has to sign
	await refused(P1.id, 'rep2', { action: 'sign' }, [403, 'case.forbidden'], 'rep1');
	assert.ok(!actions(await get(P1.id, 'rep2')).includes('sign'));
	assert.ok(actions(await get(P1.id, 'rep1')).includes('submit'));
	c = await step(P1.id, 'rep1', { action: 'submit' }, 'submitted', 'rep1');
	assert.match(c.no, new RegExp(`^TA-${cstToday().slice(0, 4)}-\\d{4}$`));
	assert.equal(typeof c.submitted_at, 'number');
	assert.ok(Math.abs(c.submitted_at - Date.now() / 1000) < 120);
	// now the office sees it, and it waits in the office's inbox
	const inbox = await srv.api('GET', '/inbox', auth('staff'));
	assert.equal(inbox.status, 200, inbox.text);
	assert.ok(inbox.json.waiting.some((x) => x.id === P1.id), 'the submitted proposal is not in the office inbox');
	// the office is told of the submission
	assert.ok((await notices('staff')).items.some((n) => aboutCase(n, P1.id)), 'no notice to the office on submit');
	if (offeredUnsigned.includes('submit')) offeredWrongly.push(`submit offered to rep1 before rep2 signed: ${offeredUnsigned}`);
});

it('review and register; the submitter is told on register', async () => {
	const before = (await notices('rep1')).items.filter((n) => aboutCase(n, P1.id)).length;
	await step(P1.id, 'staff', { action: 'review' }, 'reviewing');
	assert.equal((await notices('rep1')).items.filter((n) => aboutCase(n, P1.id)).length, before, 'a notice on review');
	const c = await step(P1.id, 'staff', { action: 'register' }, 'registered');
	assert.equal(typeof c.registered_at, 'number');
	const after = await notices('rep1');
	const mine = after.items.filter((n) => aboutCase(n, P1.id));
	assert.equal(mine.length, before + 1, `rep1's notices about P1: ${JSON.stringify(mine)}`);
	assert.ok(after.unread >= 1);
	const n = mine[0];
	assert.ok(!n.read_at, 'a new notice is unread');
	assert.equal(typeof n.title, 'string');
	assert.ok(n.title.length > 0);
});

it('a second proposal is merged (并案) into the first before its reply', async () => {
	const r = await srv.api('POST', '/cases', { ...auth('village1'), body: { type: 'proposal', title: '关于老城区停车难问题的提案', content: '建议增设停车位。' } });
	assert.equal(r.status, 201, r.text);
	P2 = r.json;
	await step(P2.id, 'village1', { action: 'submit' }, 'submitted', 'village1');
	// merge needs merge_into; into itself or an unknown case is refused
	await refused(P2.id, 'staff', { action: 'merge' }, [400, 'validation.failed']);
	for (const bad of [P2.id, 987654321]) {
		await refused(P2.id, 'staff', { action: 'merge', merge_into: bad }, [400, 'validation.failed']);
	}
	const c = await step(P2.id, 'staff', { action: 'merge', merge_into: P1.id, comment: '内容相同，并案办理' }, 'merged', 'village1');
	assert.equal(c.merged_into, P1.id);
	const p1 = await get(P1.id);
	assert.ok(Array.isArray(p1.merged), `P1.merged: ${JSON.stringify(p1.merged)}`);
	assert.ok(p1.merged.some((m) => (m.id ?? m) === P2.id), `P1.merged lacks P2: ${JSON.stringify(p1.merged)}`);
	// merged is terminal
	await refused(P2.id, 'village1', { action: 'withdraw' }, [409, 'case.state'], 'village1');
});

it('assign as 会办: lead unit the first department, co unit the second; deadline today + 3 months; handlers told', async () => {
	const nb = { deptliaison: (await notices('deptliaison')).items.length, deptliaison2: (await notices('deptliaison2')).items.length };
	for (const n of ['deptliaison', 'deptliaison2']) assertError(await srv.api('GET', `/cases/${P1.id}`, auth(n)), 404, 'not_found');
	// joint needs co units; the lead unit must exist
	await refused(P1.id, 'staff', { action: 'assign', mode: 'joint', lead_unit_id: D1 }, [400, 'validation.failed']);
	await refused(P1.id, 'staff', { action: 'assign', mode: 'joint', lead_unit_id: 987654321, co_unit_ids: [D2] }, [400, 'validation.failed']);
	const c = await step(P1.id, 'staff', { action: 'assign', mode: 'joint', lead_unit_id: D1, co_unit_ids: [D2] }, 'assigned');
	assert.equal(c.mode, 'joint');
	assert.equal(c.lead_unit_id, D1);
	assert.equal(typeof c.lead_unit_name, 'string');
	assert.deepEqual(c.co_units.map((u) => [u.unit_id, u.done]), [[D2, false]]);
	assert.equal(c.deadline, addMonths(cstToday(), 3));
	assert.equal(cstDateOf(c.assigned_at), cstToday());
	assert.equal(c.extended, false);
	assert.equal(c.overdue, false);
	// the handlers now see it: the lead may accept or ask to return, the co unit may not
	const lead = await get(P1.id, 'deptliaison');
	assert.ok(actions(lead).includes('accept') && actions(lead).includes('ask_return'), JSON.stringify(lead.actions));
	const co = await get(P1.id, 'deptliaison2');
	assert.ok(!actions(co).includes('accept'), JSON.stringify(co.actions));
	await refused(P1.id, 'deptliaison2', { action: 'accept' }, [403, 'case.forbidden']);
	for (const n of ['deptliaison', 'deptliaison2']) {
		const after = await notices(n);
		assert.ok(after.items.length > nb[n] && after.items.some((x) => aboutCase(x, P1.id)), `${n} not told of the assignment`);
	}
	const inbox = await srv.api('GET', '/inbox', auth('deptliaison'));
	assert.equal(inbox.status, 200);
	assert.ok(inbox.json.waiting.some((x) => x.id === P1.id), 'not in the lead unit inbox');
});

it('ask_return within the window, refused by the office; then accept', async () => {
	await refused(P1.id, 'deptliaison', { action: 'ask_return' }, [400, 'validation.failed']);
	await step(P1.id, 'deptliaison', { action: 'ask_return', comment: '不属于本单位职责' }, 'return_requested');
	await refused(P1.id, 'staff', { action: 'refuse_return' }, [400, 'validation.failed']);
	const c = await step(P1.id, 'staff', { action: 'refuse_return', comment: '请按职责办理' }, 'assigned');
	assert.equal(c.lead_unit_id, D1);
	assert.equal(c.deadline, addMonths(cstToday(), 3));
	await step(P1.id, 'deptliaison', { action: 'accept' }, 'handling');
});

it('reply is refused until the co unit countersigns; the co unit countersigns once', async () => {
	await refused(P1.id, 'deptliaison', { action: 'reply', result_class: 'B', answer: '已研究办理' }, GUARD);
	const offered = actions(await get(P1.id, 'deptliaison'));
	await refused(P1.id, 'deptliaison', { action: 'countersign', answer: '主办单位不会签' }, [403, 'case.forbidden']);
	await refused(P1.id, 'deptliaison2', { action: 'countersign' }, [400, 'validation.failed', 'answer']);
	const c = await step(P1.id, 'deptliaison2', { action: 'countersign', answer: '同意主办单位意见' }, 'handling');
	assert.deepEqual(c.co_units.map((u) => [u.unit_id, u.done, u.answer]), [[D2, true, '同意主办单位意见']]);
	// its part is done: no longer a co unit with an open part, but it still sees the case
	await refused(P1.id, 'deptliaison2', { action: 'countersign', answer: '再次会签' }, [403, 'case.forbidden']);
	assert.ok(!actions(await get(P1.id, 'deptliaison2')).includes('countersign'));
	assert.ok(actions(await get(P1.id, 'deptliaison')).includes('reply'));
	assert.ok(offered.includes('ask_extension'), `${offered}`);
	if (offered.includes('reply')) offeredWrongly.push(`reply offered to the lead before the co unit countersigned: ${offered}`);
});

it('one extension: approved moves the deadline to assignment + 6 months; a second one is refused', async () => {
	await step(P1.id, 'deptliaison', { action: 'ask_extension', comment: '需协调多部门' }, 'extension_requested');
	let c = await step(P1.id, 'staff', { action: 'approve_extension' }, 'handling');
	assert.equal(c.extended, true);
	assert.equal(c.deadline, addMonths(cstDateOf(c.assigned_at), 6));
	const dl = c.deadline;
	await step(P1.id, 'deptliaison', { action: 'ask_extension', comment: '再次申请延期' }, 'extension_requested');
	await refused(P1.id, 'staff', { action: 'approve_extension' }, GUARD);
	const offered = actions(await get(P1.id));
	c = await step(P1.id, 'staff', { action: 'refuse_extension', comment: '已延期一次' }, 'handling');
	assert.equal(c.deadline, dl);
	assert.equal(c.extended, true);
	assert.ok(offered.includes('refuse_extension'), `${offered}`);
	if (offered.includes('approve_extension')) offeredWrongly.push(`approve_extension offered to the office after an extension: ${offered}`);
});

it('reply (result B), approval: answered; the submitter and the merged submitter are told', async () => {
	const nb = { rep1: (await notices('rep1')).items.length, village1: (await notices('village1')).items.length };
	await refused(P1.id, 'deptliaison', { action: 'reply', answer: '已办理' }, [400, 'validation.failed', 'result_class']);
	await refused(P1.id, 'deptliaison', { action: 'reply', result_class: 'B' }, [400, 'validation.failed', 'answer']);
	await refused(P1.id, 'deptliaison', { action: 'reply', result_class: 'X', answer: '已办理' }, [400, 'validation.failed', 'result_class']);
	let c = await step(P1.id, 'deptliaison', { action: 'reply', result_class: 'B', answer: '第一轮答复：已列入计划' }, 'replied');
	assert.equal(c.result_class, 'B');
	assert.equal(c.answer, '第一轮答复：已列入计划');
	assert.equal(c.answered_at ?? null, null, 'answered before the office approved the reply');
	// the lead may not approve its own reply
	await refused(P1.id, 'deptliaison', { action: 'approve_reply' }, [403, 'case.forbidden']);
	c = await step(P1.id, 'staff', { action: 'approve_reply' }, 'answered');
	assert.equal(typeof c.answered_at, 'number');
	for (const n of ['rep1', 'village1']) {
		const after = await notices(n);
		assert.ok(after.items.length > nb[n], `${n} not told of the answer`);
		assert.ok(after.items.slice(0, after.items.length - nb[n]).some((x) => aboutCase(x, P1.id, P2.id)), `${n}: no new notice about P1/P2 ${JSON.stringify(after.items.slice(0, 3))}`);
	}
	// the submitter may rate; the office's close is the other way out
	const mine = await get(P1.id, 'rep1');
	assert.ok(actions(mine).includes('rate'), JSON.stringify(mine.actions));
});

it('不满意 reopens one more round; reply, return, reply, approval; 不满意 again closes it', async () => {
	const first = await get(P1.id);
	await refused(P1.id, 'rep1', { action: 'rate' }, [400, 'validation.failed', 'rating']);
	await refused(P1.id, 'rep1', { action: 'rate', rating: '很好' }, [400, 'validation.failed', 'rating']);
	await refused(P1.id, 'rep2', { action: 'rate', rating: 'satisfied' }, [403, 'case.forbidden'], 'rep1');
	let c = await step(P1.id, 'rep1', { action: 'rate', rating: 'unsatisfied', comment: '答复不具体' }, 'handling');
	assert.equal(c.round, 2);
	assert.equal(c.rating, 'unsatisfied');
	assert.equal(c.lead_unit_id, D1);
	c = await step(P1.id, 'deptliaison', { action: 'reply', result_class: 'A', answer: '第二轮答复：已建成' }, 'replied');
	await refused(P1.id, 'staff', { action: 'return_reply' }, [400, 'validation.failed', 'comment']);
	await step(P1.id, 'staff', { action: 'return_reply', comment: '请补充进度' }, 'handling');
	await step(P1.id, 'deptliaison', { action: 'reply', result_class: 'A', answer: '第二轮答复：已建成并投用' }, 'replied');
	c = await step(P1.id, 'staff', { action: 'approve_reply' }, 'answered');
	assert.equal(c.answered_at, first.answered_at, 'answered_at is the first answer');
	assert.equal(c.result_class, 'A');
	assert.equal(c.round, 2);
	c = await step(P1.id, 'rep1', { action: 'rate', rating: 'unsatisfied', comment: '仍不满意' }, 'closed');
	assert.equal(c.rating, 'unsatisfied');
	assert.equal(c.round, 2);
	assert.equal(typeof c.closed_at, 'number');
	for (const [who, body] of [['rep1', { action: 'rate', rating: 'satisfied' }], ['staff', { action: 'close' }],
		['deptliaison', { action: 'reply', result_class: 'A', answer: '结案后答复' }], ['rep1', { action: 'withdraw' }]]) {
		await refused(P1.id, who, body, [409, 'case.state']);
	}
	assert.deepEqual(actions(await get(P1.id, 'rep1')), []);
});

it('the complete timeline: every action in order with its actor', async () => {
	const c = await get(P1.id);
	const tl = c.timeline;
	// a creation entry, if kept, comes first
	// a creation entry, and entries for the edits of the draft, may be kept besides the transitions
	const body = tl.filter((e) => e.action !== 'create' && e.action !== 'edit');
	for (const e of tl.filter((x) => x.action === 'create' || x.action === 'edit')) {
		assert.equal(e.actor_id, uid('rep1'));
		assert.deepEqual([e.from ?? 'draft', e.to], ['draft', 'draft']);
	}
	assert.ok(tl.filter((e) => e.action === 'edit').length <= 1, 'one edit was made');
	const want = log.map(([a, who, from, to]) => [a, uid(who), from, to]);
	assert.deepEqual(body.map((e) => [e.action, e.actor_id, e.from, e.to]), want);
	assert.deepEqual(log.map(([a]) => a), [
		'sign', 'submit', 'review', 'register', 'assign', 'ask_return', 'refuse_return', 'accept', 'countersign',
		'ask_extension', 'approve_extension', 'ask_extension', 'refuse_extension', 'reply', 'approve_reply', 'rate',
		'reply', 'return_reply', 'reply', 'approve_reply', 'rate']);
	for (let i = 1; i < tl.length; i++) {
		assert.ok(tl[i].at >= tl[i - 1].at, 'timeline out of order');
		assert.ok(tl[i].id > tl[i - 1].id, 'timeline ids out of order');
	}
	for (const e of tl) {
		const who = NAMES.find((n) => uid(n) === e.actor_id);
		assert.equal(e.actor_name, U[who].user.name);
	}
	const withComment = body.find((e) => e.action === 'ask_return');
	assert.equal(withComment.comment, '不属于本单位职责');
	// the timeline is append-only in the database as well
	const eid = tl[0].id;
	assert.throws(() => srv.sql(`UPDATE case_event SET comment = 'x' WHERE id = ${eid}`));
	assert.throws(() => srv.sql(`DELETE FROM case_event WHERE id = ${eid}`));
});

it('the audit log holds one case.* entry per change of P1, in order, with the actor', async () => {
	const all = await srv.listAll('/audit', { token: AUD.token });
	const es = all.filter((e) => e.entity === 'case' && String(e.entity_id) === String(P1.id) && e.result === 'ok').sort((a, b) => a.seq - b.seq);
	const want = [['case.create', 'rep1'], ['case.update', 'rep1'], ...log.map(([a, who]) => [`case.${a}`, who])];
	assert.deepEqual(es.map((e) => [e.action, e.actor]), want.map(([a, who]) => [a, who]), JSON.stringify(es.map((e) => e.action)));
	for (const e of es) assert.equal(e.actor_id, uid(e.actor));
	const p2 = all.filter((e) => e.entity === 'case' && String(e.entity_id) === String(P2.id) && e.result === 'ok').map((e) => e.action);
	assert.deepEqual(p2.sort(), ['case.create', 'case.merge', 'case.submit']);
});

it('notices: the submitter has notices about P1, marks one read, then all', async () => {
	const rep2Unread = (await notices('rep2')).unread;
	const n = await notices('rep1');
	const mine = n.items.filter((x) => aboutCase(x, P1.id));
	assert.ok(mine.length >= 2, `rep1's notices: ${JSON.stringify(n.items)}`);
	for (let i = 1; i < n.items.length; i++) assert.ok(n.items[i - 1].id > n.items[i].id, 'notices newest first');
	const unread = n.unread;
	assert.equal(unread, n.items.filter((x) => !x.read_at).length);
	const unreadOnly = await srv.api('GET', '/notices?unread=1&limit=500', auth('rep1'));
	assert.equal(unreadOnly.json.items.length, unread);
	// someone else's notice is not found
	assertError(await srv.api('POST', `/notices/${mine[0].id}/read`, auth('rep2')), 404, 'not_found');
	const r = await srv.api('POST', `/notices/${mine[0].id}/read`, auth('rep1'));
	assert.ok(r.status === 200 || r.status === 204, r.text);
	assert.equal((await notices('rep1')).unread, unread - 1);
	const all = await srv.api('POST', '/notices/read_all', auth('rep1'));
	assert.ok(all.status === 200 || all.status === 204, all.text);
	const after = await notices('rep1');
	assert.equal(after.unread, 0);
	assert.ok(after.items.every((x) => x.read_at));
	// another user's notices are untouched
	assert.equal((await notices('rep2')).unread, rep2Unread);
});

it('ask_return within 7 days of assignment is granted (the units are cleared); after 7 days refused', async () => {
	const r = await srv.api('POST', '/cases', { ...auth('rep1'), body: { type: 'proposal', title: '关于退回窗口的提案', content: '测试退回' } });
	assert.equal(r.status, 201, r.text);
	P3 = r.json;
	await step(P3.id, 'rep1', { action: 'submit' }, 'submitted', 'rep1');
	await step(P3.id, 'staff', { action: 'review' }, 'reviewing');
	await step(P3.id, 'staff', { action: 'register' }, 'registered');
	await step(P3.id, 'staff', { action: 'assign', mode: 'separate', lead_unit_id: D1, co_unit_ids: [D2] }, 'assigned');
	await step(P3.id, 'deptliaison', { action: 'ask_return', comment: '非本单位职责' }, 'return_requested');
	let c = await step(P3.id, 'staff', { action: 'approve_return' }, 'registered');
	assert.equal(c.lead_unit_id ?? null, null);
	assert.deepEqual(c.co_units ?? [], []);
	assert.equal(c.deadline ?? null, null);
	// the department no longer sees it
	assertError(await srv.api('GET', `/cases/${P3.id}`, auth('deptliaison')), 404, 'not_found');
	assertError(await srv.api('GET', `/cases/${P3.id}`, auth('deptliaison2')), 404, 'not_found');
	c = await step(P3.id, 'staff', { action: 'assign', mode: 'single', lead_unit_id: D2 }, 'assigned');
	assert.deepEqual(c.co_units ?? [], []);
	// eight days later
	srv.sql(`UPDATE cases SET assigned_at = assigned_at - ${8 * 86400} WHERE id = ${P3.id}`);
	const offered = actions(await get(P3.id, 'deptliaison2'));
	await refused(P3.id, 'deptliaison2', { action: 'ask_return', comment: '超期申请退回' }, GUARD);
	// six days later it would still be granted
	srv.sql(`UPDATE cases SET assigned_at = assigned_at + ${2 * 86400} WHERE id = ${P3.id}`);
	assert.ok(actions(await get(P3.id, 'deptliaison2')).includes('ask_return'));
	await step(P3.id, 'deptliaison2', { action: 'ask_return', comment: '第六天申请退回' }, 'return_requested');
	assert.ok(offered.includes('accept'), `${offered}`);
	if (offered.includes('ask_return')) offeredWrongly.push(`ask_return offered to the lead 8 days after assignment: ${offered}`);
});

it('`actions` is what the caller may do now: never an action a requirement refuses', async () => {
	assert.deepEqual(offeredWrongly, []);
});
