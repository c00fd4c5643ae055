// Two transitions on one case at the same moment, both sent with the same
// version (Promise.all): exactly one is taken (200) and the other answers 409
// — conflict.version, since its version is stale (docs/cases.md: "someone
// acted first"); when the first one also moved the case out of the state
// the second needs, case.state describes it too — and the timeline and the
// audit log show exactly one new entry per round. Several rounds on several
// cases, with the same action twice and with two different actions.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, demoFixture } from './harness.mjs';

let srv, fx, AUD, D1, D2;
const it = tracked(() => srv);
const U = {};
const NAMES = ['staff', 'leader', 'deptliaison', 'deptliaison2', 'rep1', 'rep2', 'village1'];
const auth = (n) => ({ token: U[n].token });
const uid = (n) => U[n].user.id;

async function get(id, who = 'staff') {
	const r = await srv.api('GET', `/cases/${id}`, auth(who));
	assert.equal(r.status, 200, `GET /cases/${id}: ${r.status} ${r.text}`);
	return r.json;
}
async function create(who, body) {
	const r = await srv.api('POST', '/cases', { ...auth(who), body });
	assert.equal(r.status, 201, r.text);
	return r.json;
}
async function auditCount(id) {
	const all = await srv.listAll('/audit', { token: AUD.token });
	return all.filter((e) => e.entity === 'case' && String(e.entity_id) === String(id) && e.result === 'ok').length;
}

const tally = { rounds: 0, codes: {} };
const late = []; // late requests that did not answer 409 conflict.version (or case.state when the state moved on)
/*
 * One round: fire every [who, body, to] at once with the case's current
 * version; exactly one succeeds. Returns the case after the round.
 * sameState: the transitions do not change the state, so only the version
 * tells the loser it is late (conflict.version, nothing else).
 */
async function race(id, tries, { viewer = 'staff', sameState = false } = {}) {
	const before = await get(id, viewer);
	const res = await Promise.all(tries.map(([who, body]) =>
		srv.api('POST', `/cases/${id}/act`, { ...auth(who), body: { version: before.version, ...body } })));
	const what = `case ${id} in ${before.state} v${before.version}: ${tries.map(([w, b]) => `${b.action} by ${w}`).join(' ∥ ')}`;
	const ok = res.map((r, i) => [r, i]).filter(([r]) => r.status === 200);
	assert.equal(ok.length, 1, `${what}: ${res.map((r) => `${r.status} ${r.text.slice(0, 200)}`).join(' | ')}`);
	const [win, wi] = ok[0];
	for (const r of res) {
		if (r === win) continue;
		// checked all together in the last test, so that one wrong answer does not end the rounds
		const code = r.json?.error?.code;
		const good = r.status === 409 && (sameState ? code === 'conflict.version' : code === 'conflict.version' || code === 'case.state');
		if (!good) late.push(`${what}: the late one got ${r.status} ${r.text.slice(0, 160)}`);
		tally.codes[code] = (tally.codes[code] || 0) + 1;
	}
	const [who, body, to] = tries[wi];
	assert.equal(win.json.state, to ?? before.state, `${what}: winner's state`);
	assert.equal(win.json.version, before.version + 1);
	const now = await get(id, viewer);
	assert.equal(now.version, before.version + 1, `${what}: version`);
	assert.equal(now.state, to ?? before.state);
	assert.equal(now.timeline.length, before.timeline.length + 1, `${what}: one new timeline entry`);
	const e = now.timeline[now.timeline.length - 1];
	assert.equal(e.action, body.action);
	assert.equal(e.actor_id, uid(who));
	tally.rounds++;
	return { c: now, winner: tries[wi] };
}

before(async () => {
	srv = await startServer({ people: 200 });
	fx = await demoFixture(srv);
	for (const n of NAMES) U[n] = fx[n]?.token ? fx[n] : await srv.login(n);
	AUD = await srv.login('auditor');
	D1 = U.deptliaison.user.unit_id;
	D2 = U.deptliaison2.user.unit_id;
});
after(async () => { await srv?.stop(); });

it('suggestions: the same action twice, a leader against the office, the submitter against the office', async () => {
	for (let round = 0; round < 4; round++) {
		const s = await create('village1', { type: 'suggestion', title: `并发测试建言${round}`, content: '并发', leader_ids: [uid('leader')] });
		// the same transition twice by the same actor
		await race(s.id, [['staff', { action: 'register' }, 'registered'], ['staff', { action: 'register' }, 'registered']]);
		// a quiet action that keeps the state: only the version tells
		await race(s.id, [['leader', { action: 'instruct', comment: '批示一' }], ['leader', { action: 'instruct', comment: '批示二' }]], { sameState: true });
		// two actors, two different bodies of one action
		const { c, winner } = await race(s.id, [
			['staff', { action: 'assign', lead_unit_id: D1 }, 'assigned'],
			['leader', { action: 'assign', lead_unit_id: D2 }, 'assigned']]);
		assert.equal(c.lead_unit_id, winner[1].lead_unit_id, 'the lead unit is the winner\'s');
		const lead = c.lead_unit_id === D1 ? 'deptliaison' : 'deptliaison2';
		await race(s.id, [['leader', { action: 'instruct', comment: '抓紧办理' }], [lead, { action: 'answer', answer: '已办理' }, 'answered']]);
		let now = await get(s.id);
		if (now.state === 'assigned') await race(s.id, [[lead, { action: 'answer', answer: '答复甲' }, 'answered'], [lead, { action: 'answer', answer: '答复乙' }, 'answered']]);
		// two different actions that both close it
		const fin = await race(s.id, [['village1', { action: 'rate', rating: 'satisfied' }, 'closed'], ['staff', { action: 'close' }, 'closed']]);
		now = fin.c;
		assert.equal(now.rating ?? null, fin.winner[1].action === 'rate' ? 'satisfied' : null);
		// nothing phantom in the audit log: one case.* entry per timeline entry, plus the creation
		const tl = now.timeline.filter((e) => e.action !== 'create').length;
		assert.equal(await auditCount(s.id), tl + 1, `case ${s.id}: audit entries vs timeline ${JSON.stringify(now.timeline.map((e) => e.action))}`);
	}
});

it('proposals: sign twice, register against reject, accept against ask_return, countersign against reply', async () => {
	for (let round = 0; round < 3; round++) {
		const p = await create('rep1', { type: 'proposal', title: `并发测试提案${round}`, content: '并发', signer_ids: [uid('rep2')] });
		// a signer signs twice at once: the state stays draft
		await race(p.id, [['rep2', { action: 'sign' }], ['rep2', { action: 'sign' }]], { viewer: 'rep1', sameState: true });
		// PATCH twice with the same version
		const v = (await get(p.id, 'rep1')).version;
		const ps = await Promise.all(['标题甲', '标题乙'].map((title) =>
			srv.api('PATCH', `/cases/${p.id}`, { ...auth('rep1'), body: { version: v, title } })));
		assert.deepEqual(ps.map((r) => r.status).sort(), [200, 409], ps.map((r) => r.text).join(' | '));
		assert.equal(ps.find((r) => r.status === 409).json.error.code, 'conflict.version');
		assert.equal((await get(p.id, 'rep1')).version, v + 1);
		await race(p.id, [['rep1', { action: 'submit' }, 'submitted'], ['rep1', { action: 'withdraw' }, 'withdrawn']], { viewer: 'rep1' });
		let c = await get(p.id, 'rep1');
		if (c.state === 'withdrawn') continue;
		await race(p.id, [['staff', { action: 'review' }, 'reviewing'], ['rep1', { action: 'withdraw' }, 'withdrawn']]);
		c = await get(p.id);
		if (c.state === 'withdrawn') continue;
		const { winner } = await race(p.id, [['staff', { action: 'register' }, 'registered'], ['staff', { action: 'reject', reason: 'no_suggestion' }, 'not_registered']]);
		if (winner[1].action === 'reject') continue;
		await race(p.id, [
			['staff', { action: 'assign', mode: 'joint', lead_unit_id: D1, co_unit_ids: [D2] }, 'assigned'],
			['staff', { action: 'assign', mode: 'single', lead_unit_id: D2 }, 'assigned']]);
		c = await get(p.id);
		const lead = c.lead_unit_id === D1 ? 'deptliaison' : 'deptliaison2';
		const r2 = await race(p.id, [[lead, { action: 'accept' }, 'handling'], [lead, { action: 'ask_return', comment: '退回' }, 'return_requested']]);
		if (r2.winner[1].action === 'ask_return') {
			await race(p.id, [['staff', { action: 'refuse_return', comment: '不同意' }, 'assigned'], ['staff', { action: 'approve_return' }, 'registered']]);
			continue;
		}
		if (c.mode === 'joint') {
			// two countersigns of the one co unit: one part, one entry
			await race(p.id, [['deptliaison2', { action: 'countersign', answer: '会签甲' }], ['deptliaison2', { action: 'countersign', answer: '会签乙' }]], { sameState: true });
			c = await get(p.id);
			assert.equal(c.co_units.length, 1);
			assert.equal(c.co_units[0].done, true);
			assert.ok(['会签甲', '会签乙'].includes(c.co_units[0].answer), c.co_units[0].answer);
		}
		await race(p.id, [[lead, { action: 'reply', result_class: 'A', answer: '答复' }, 'replied'], [lead, { action: 'ask_extension', comment: '延期' }, 'extension_requested']]);
		c = await get(p.id);
		const tl = c.timeline.filter((e) => e.action !== 'create' && e.action !== 'edit').length;
		// creation and the one PATCH are audited besides the transitions
		assert.equal(await auditCount(p.id), tl + 2, `case ${p.id}: audit vs timeline ${JSON.stringify(c.timeline.map((e) => e.action))}`);
	}
});

it('ten requests at once on one case: exactly one is taken', async () => {
	const s = await create('village1', { type: 'suggestion', title: '十路并发建言', content: '并发' });
	const before = await get(s.id);
	const res = await Promise.all(Array.from({ length: 10 }, (_, i) =>
		srv.api('POST', `/cases/${s.id}/act`, { ...auth('staff'), body: i % 2 ? { action: 'register', version: before.version } : { action: 'reject', reason: 'other', version: before.version } })));
	assert.equal(res.filter((r) => r.status === 200).length, 1, res.map((r) => r.status).join(','));
	assert.equal(res.filter((r) => r.status === 409).length, 9, res.map((r) => `${r.status} ${r.text.slice(0, 80)}`).join(' | '));
	const now = await get(s.id);
	assert.equal(now.version, before.version + 1);
	assert.equal(now.timeline.length, before.timeline.length + 1);
});

it('every late request answered 409 conflict.version (or case.state when the first moved the case on)', async () => {
	assert.ok(tally.rounds >= 20, `only ${tally.rounds} rounds`);
	assert.deepEqual(late, [], `codes seen: ${JSON.stringify(tally.codes)}`);
});
