// Overdue and figures (docs/cases.md, "Dates, deadlines, overdue" and
// "Figures"). A case past its deadline shows as overdue on the case, in the
// inbox of the handling unit's user and of staff, and in the figures; its
// answer moves it to answered (not on time). The figures of the demo city
// match a hand count of the `cases` table by the definitions of the
// contract — all types and each type, the whole city and one town, one
// period — every rate as the server rounds it (4 decimals, null without a
// denominator); every count figure opened as a list holds exactly that many
// cases, and each ranked unit's counts match the lists with lead_unit=.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, D1;
const it = tracked(() => srv);
const U = {};
const NAMES = ['staff', 'leader', 'town1', 'deptliaison', 'deptliaison2', 'rep1', 'village1'];
const auth = (n) => ({ token: U[n].token });

const TYPES = ['suggestion', 'proposal', 'enterprise_request', 'petition', 'mediation'];
const TERMINAL = ['closed', 'not_registered', 'merged', 'withdrawn'];
const COUNTS = ['received', 'registered', 'answered', 'on_time', 'overdue', 'result_a', 'result_b', 'result_c', 'rated', 'satisfied', 'basic', 'unsatisfied'];
const RATES = { registration_rate: ['registered', 'received'], answer_rate: ['answered', 'registered'], on_time_rate: ['on_time', 'answered'] };

const cstDate = (s) => new Date(s * 1000 + 8 * 3600e3).toISOString().slice(0, 10);
const cstToday = () => cstDate(Math.floor(Date.now() / 1000));
function addDays(ymd, n) {
	const [y, m, d] = ymd.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

async function get(id, who = 'staff') {
	const r = await srv.api('GET', `/cases/${id}`, auth(who));
	assert.equal(r.status, 200, `GET /cases/${id}: ${r.status} ${r.text}`);
	return r.json;
}
async function act(id, who, body) {
	const c = await get(id);
	const r = await srv.api('POST', `/cases/${id}/act`, { ...auth(who), body: { version: c.version, ...body } });
	assert.equal(r.status, 200, `${body.action} by ${who}: ${r.status} ${r.text}`);
	return r.json;
}
async function figures(q = '', who = 'staff') {
	const r = await srv.api('GET', `/cases/figures${q ? '?' + q : ''}`, auth(who));
	assert.equal(r.status, 200, `GET /cases/figures?${q}: ${r.status} ${r.text}`);
	assert.equal(typeof r.json.figures, 'object');
	assert.ok(Array.isArray(r.json.units));
	return r.json;
}
async function inbox(who) {
	const r = await srv.api('GET', '/inbox', auth(who));
	assert.equal(r.status, 200, `GET /inbox as ${who}: ${r.text}`);
	for (const k of ['waiting', 'overdue', 'due_week']) assert.ok(Array.isArray(r.json[k]), `inbox.${k}`);
	return r.json;
}
/* A suggestion assigned to the first department. */
async function assigned(title) {
	const r = await srv.api('POST', '/cases', { ...auth('village1'), body: { type: 'suggestion', title, content: '期限测试' } });
	assert.equal(r.status, 201, r.text);
	await act(r.json.id, 'staff', { action: 'register' });
	return act(r.json.id, 'staff', { action: 'assign', lead_unit_id: D1 });
}

// ------------------------------------------------------- the hand count
const COLS = ['id', 'type', 'state', 'submitter_id', 'unit_path', 'lead_unit_id', 'deadline', 'submitted_at', 'registered_at', 'answered_at', 'result_class', 'rating', 'deleted'];
function readCases() {
	const out = srv.sql(`SELECT ${COLS.join(', ')} FROM cases ORDER BY id`);
	return out.split('\n').filter(Boolean).map((line) => {
		const v = line.split('|');
		assert.equal(v.length, COLS.length, `row ${line}`);
		const o = Object.fromEntries(COLS.map((k, i) => [k, v[i] === '' ? null : v[i]]));
		for (const k of ['id', 'submitter_id', 'lead_unit_id', 'submitted_at', 'registered_at', 'answered_at', 'deleted']) if (o[k] !== null) o[k] = Number(o[k]);
		return o;
	}).filter((c) => !c.deleted);
}
/* The figures of docs/cases.md over rows `cs`. */
function count(cs) {
	const today = cstToday();
	const f = Object.fromEntries(COUNTS.map((k) => [k, 0]));
	for (const c of cs) {
		const answered = c.answered_at !== null;
		if (c.submitted_at !== null) f.received++;
		if (c.registered_at !== null) f.registered++;
		if (answered) f.answered++;
		// answered on time: the date it was answered is not after its deadline
		if (answered && (c.deadline === null || cstDate(c.answered_at) <= c.deadline)) f.on_time++;
		// overdue: not terminal, not answered, deadline before today
		if (!TERMINAL.includes(c.state) && !answered && c.deadline !== null && c.deadline < today) f.overdue++;
		// the result class of the (approved) reply
		if (answered && c.result_class) f[`result_${c.result_class.toLowerCase()}`]++;
		if (c.rating !== null) f.rated++;
		if (c.rating === 'satisfied') f.satisfied++;
		if (c.rating === 'basic') f.basic++;
		if (c.rating === 'unsatisfied') f.unsatisfied++;
	}
	return f;
}
const exactRate = (n, d) => (d ? n / d : null);
/* A rate as the server gives it: 4 decimals (null without a denominator). */
function assertRate(got, n, d, what) {
	if (!d) {
		assert.equal(got, null, `${what}: ${got} for ${n}/${d} (a rate without a denominator is null)`);
		return;
	}
	assert.equal(typeof got, 'number', `${what}: ${got}`);
	assert.ok(Math.abs(got - n / d) <= 0.00005 + 1e-12, `${what}: ${got}, expected ${n}/${d} = ${(n / d).toFixed(6)}`);
	assert.equal(Math.round(got * 10000) / 10000, got, `${what}: ${got} has more than 4 decimals`);
}
function compare(got, cs, what) {
	const want = count(cs);
	for (const k of COUNTS) assert.equal(got[k], want[k], `${what}: ${k} (server ${got[k]}, hand count ${want[k]})`);
	for (const [k, [n, d]] of Object.entries(RATES)) assertRate(got[k], want[n], want[d], `${what}: ${k}`);
	assertRate(got.satisfaction_rate, want.satisfied + want.basic, want.rated, `${what}: satisfaction_rate`);
	return want;
}
const under = (c, unitId) => c.unit_path.includes(`/${unitId}/`);
const inPeriod = (c, from, to) => c.submitted_at !== null && cstDate(c.submitted_at) >= from && cstDate(c.submitted_at) <= to;

async function listCount(q) {
	return (await srv.listAll(`/cases?${q}`, auth('staff'))).length;
}

before(async () => {
	srv = await startServer({ people: 200 });
	fx = await demoFixture(srv);
	for (const n of NAMES) U[n] = fx[n]?.token ? fx[n] : await srv.login(n);
	D1 = U.deptliaison.user.unit_id;
});
after(async () => { await srv?.stop(); });

it('the demo holds cases of every type, some overdue', async () => {
	const cs = readCases();
	for (const t of TYPES) assert.ok(cs.some((c) => c.type === t), `no demo case of type ${t}`);
	assert.ok(count(cs).overdue > 0, 'no overdue case in the demo');
	assert.ok(count(cs).answered > 0 && count(cs).rated > 0, 'no answered or rated case in the demo');
});

it('a case past its deadline is overdue on the case, in the inboxes and in the figures; answered late it is answered, not on time', async () => {
	const f0 = (await figures()).figures;
	const t0 = (await figures('type=suggestion')).figures;
	const x = await assigned('逾期测试建言');
	assert.equal(x.overdue, false);
	// move its assignment and deadline into the past
	srv.sql(`UPDATE cases SET deadline = '2020-01-01', assigned_at = ${Math.floor(Date.UTC(2019, 11, 2) / 1000)} WHERE id = ${x.id}`);
	const c = await get(x.id);
	assert.equal(c.deadline, '2020-01-01');
	assert.equal(c.overdue, true);
	for (const who of ['deptliaison', 'staff']) {
		const ib = await inbox(who);
		assert.ok(ib.overdue.some((y) => y.id === x.id), `${who}: not in the overdue list`);
		assert.ok(ib.overdue.every((y) => y.overdue === true), `${who}: a case in the overdue list is not overdue`);
		assert.ok(!ib.due_week.some((y) => y.id === x.id), `${who}: an overdue case is due this week`);
		assert.equal(typeof ib.counts.overdue, 'number');
		assert.ok(ib.counts.overdue >= ib.overdue.length && ib.counts.overdue >= 1);
	}
	// another department does not see it anywhere
	const other = await inbox('deptliaison2');
	assert.ok(!other.overdue.some((y) => y.id === x.id));
	const f1 = (await figures()).figures;
	assert.equal(f1.overdue, f0.overdue + 1);
	assert.equal((await figures('type=suggestion')).figures.overdue, t0.overdue + 1);
	assert.ok((await srv.listAll('/cases?figure=overdue', auth('staff'))).some((y) => y.id === x.id));
	const row = (await figures()).units.find((u) => u.unit_id === D1);
	assert.ok(row && row.overdue >= 1, `unit row of the department: ${JSON.stringify(row)}`);
	// answered late: answered, not on time, no longer overdue
	await act(x.id, 'deptliaison', { action: 'answer', answer: '逾期后答复' });
	const c2 = await get(x.id);
	assert.equal(c2.overdue, false);
	const f2 = (await figures()).figures;
	assert.equal(f2.overdue, f0.overdue);
	assert.equal(f2.answered, f0.answered + 1);
	assert.equal(f2.on_time, f0.on_time);
	assert.ok(!(await inbox('deptliaison')).overdue.some((y) => y.id === x.id));
	assert.ok(!(await srv.listAll('/cases?figure=on_time&type=suggestion', auth('staff'))).some((y) => y.id === x.id));
	assert.ok((await srv.listAll('/cases?figure=answered&type=suggestion', auth('staff'))).some((y) => y.id === x.id));
});

it('deadline boundaries: due yesterday is overdue, due today is not (and due this week), due in 30 days neither', async () => {
	const today = cstToday();
	const [y, t, w, m] = [await assigned('昨日到期'), await assigned('今日到期'), await assigned('三日后到期'), await assigned('一月后到期')];
	srv.sql(`UPDATE cases SET deadline = '${addDays(today, -1)}' WHERE id = ${y.id}`);
	srv.sql(`UPDATE cases SET deadline = '${today}' WHERE id = ${t.id}`);
	srv.sql(`UPDATE cases SET deadline = '${addDays(today, 3)}' WHERE id = ${w.id}`);
	srv.sql(`UPDATE cases SET deadline = '${addDays(today, 30)}' WHERE id = ${m.id}`);
	assert.equal((await get(y.id)).overdue, true);
	assert.equal((await get(t.id)).overdue, false);
	assert.equal((await get(w.id)).overdue, false);
	assert.equal((await get(m.id)).overdue, false);
	const ib = await inbox('deptliaison');
	const has = (list, c) => list.some((x) => x.id === c.id);
	assert.ok(has(ib.overdue, y) && !has(ib.overdue, t) && !has(ib.overdue, w) && !has(ib.overdue, m), 'overdue list');
	assert.ok(has(ib.due_week, t) && has(ib.due_week, w) && !has(ib.due_week, m) && !has(ib.due_week, y), `due_week list: ${ib.due_week.map((x) => x.deadline)}`);
	assert.ok(ib.counts.due_week >= 2);
	for (const c of [y, t, w, m]) assert.ok(has(ib.waiting, c), 'an assigned case waits for the lead unit to answer');
	// the staff inbox shows the overdue one too
	assert.ok(has((await inbox('staff')).overdue, y));
	// a terminal case is never overdue, whatever its deadline
	const z = await assigned('已办结不逾期');
	await act(z.id, 'deptliaison', { action: 'answer', answer: '已答复' });
	await act(z.id, 'staff', { action: 'close' });
	srv.sql(`UPDATE cases SET deadline = '2020-01-01' WHERE id = ${z.id}`);
	assert.equal((await get(z.id)).overdue, false);
	assert.ok(!(await srv.listAll('/cases?figure=overdue', auth('staff'))).some((c) => c.id === z.id));
});

it('the figures match a hand count of the cases table: all types and each, the city and one town, one period', async () => {
	const cs = readCases();
	const dates = cs.filter((c) => c.submitted_at !== null).map((c) => cstDate(c.submitted_at)).sort();
	assert.ok(dates.length > 10, `only ${dates.length} submitted cases`);
	const from = dates[Math.floor(dates.length / 4)], to = dates[Math.floor((dates.length * 3) / 4)];
	assert.ok(from < to, `the demo cases are all of one day (${from}); the period filter is not tested`);
	const town = fx.town1Unit;
	assert.ok(cs.some((c) => under(c, town) && c.submitted_at !== null), 'no demo case of town1');
	for (const type of [null, ...TYPES]) {
		const ofType = cs.filter((c) => !type || c.type === type);
		const tq = type ? `type=${type}` : '';
		const j = (...xs) => xs.filter(Boolean).join('&');
		compare((await figures(tq)).figures, ofType, `city ${type || 'all'}`);
		compare((await figures(j(tq, `unit=${town}`))).figures, ofType.filter((c) => under(c, town)), `town1 ${type || 'all'}`);
		compare((await figures(j(tq, `from=${from}`, `to=${to}`))).figures, ofType.filter((c) => inPeriod(c, from, to)), `${from}..${to} ${type || 'all'}`);
		compare((await figures(j(tq, `unit=${town}`, `from=${from}`, `to=${to}`))).figures,
			ofType.filter((c) => under(c, town) && inPeriod(c, from, to)), `town1 ${from}..${to} ${type || 'all'}`);
	}
	// the leader reads the same city figures as staff
	assert.deepEqual((await figures('', 'leader')).figures, (await figures()).figures);
	// bad filters
	for (const q of ['type=nonsense', 'from=2026-13-01', 'to=yesterday']) {
		assertError(await srv.api('GET', `/cases/figures?${q}`, auth('staff')), 400, 'validation.failed');
	}
	// figures need case:read
	for (const who of ['rep1', 'village1']) {
		assertError(await srv.api('GET', '/cases/figures', auth(who)), 403, 'auth.forbidden');
	}
});

it('the ranking: each handling unit\'s counts and rates match a hand count; ordered by score', async () => {
	const cs = readCases();
	for (const q of ['', 'type=proposal', `unit=${fx.town1Unit}`]) {
		const { units } = await figures(q);
		const scoped = cs.filter((c) => (!q.startsWith('type') || c.type === 'proposal') && (!q.startsWith('unit') || under(c, fx.town1Unit)));
		const leads = [...new Set(scoped.filter((c) => c.lead_unit_id !== null).map((c) => c.lead_unit_id))].sort((a, b) => a - b);
		assert.deepEqual(units.map((u) => u.unit_id).sort((a, b) => a - b), leads, `${q}: the ranked units are the lead units`);
		for (let i = 0; i < units.length; i++) {
			const u = units[i];
			const mine = scoped.filter((c) => c.lead_unit_id === u.unit_id);
			const f = count(mine);
			const what = `${q || 'city'}: unit ${u.unit_name}`;
			assert.equal(typeof u.unit_name, 'string');
			assert.equal(u.assigned, mine.length, `${what}: assigned`);
			assert.equal(u.rank, i + 1, `${what}: rank`);
			// the same figures as the totals, over the cases it leads …
			for (const k of COUNTS) assert.equal(u[k], f[k], `${what}: ${k}`);
			assertRate(u.registration_rate, f.registered, f.received, `${what}: registration_rate`);
			// … except the answer rate: answered ÷ assigned
			assertRate(u.answer_rate, f.answered, mine.length, `${what}: answer_rate`);
			assertRate(u.on_time_rate, f.on_time, f.answered, `${what}: on_time_rate`);
			assertRate(u.satisfaction_rate, f.satisfied + f.basic, f.rated, `${what}: satisfaction_rate`);
			const score = 40 * (exactRate(f.answered, mine.length) ?? 0) + 30 * (exactRate(f.on_time, f.answered) ?? 0) + 30 * (exactRate(f.satisfied + f.basic, f.rated) ?? 0);
			assert.ok(Math.abs(u.score - score) <= 0.051, `${what}: score ${u.score}, expected ${score.toFixed(3)}`);
			if (i) assert.ok(units[i - 1].score >= u.score, `${q}: ranking not by score`);
		}
	}
});

it('every count figure opens as a list of exactly as many cases; each unit row as lists with lead_unit=', async () => {
	const town = fx.town1Unit;
	const cs = readCases();
	const dates = cs.filter((c) => c.submitted_at !== null).map((c) => cstDate(c.submitted_at)).sort();
	const period = `from=${dates[Math.floor(dates.length / 4)]}&to=${dates[Math.floor((dates.length * 3) / 4)]}`;
	for (const q of ['', `unit=${town}`, period, 'type=proposal', 'type=enterprise_request', `type=suggestion&unit=${town}`]) {
		const { figures: f, units } = await figures(q);
		for (const k of COUNTS) {
			const items = await srv.listAll(`/cases?figure=${k}${q ? '&' + q : ''}`, auth('staff'));
			assert.equal(items.length, f[k], `figure ${k} (${q || 'city'}): list of ${items.length}, figure ${f[k]}`);
		}
		if (q.includes('from')) continue;
		for (const u of units) {
			const base = `lead_unit=${u.unit_id}${q ? '&' + q : ''}`;
			assert.equal(await listCount(base), u.assigned, `${q}: unit ${u.unit_name}: assigned vs list`);
			for (const k of ['answered', 'on_time', 'overdue', 'rated', 'satisfied']) {
				if (u[k] === 0 && k !== 'answered') continue;
				assert.equal(await listCount(`figure=${k}&${base}`), u[k], `${q}: unit ${u.unit_name}: ${k} vs list`);
			}
		}
	}
	assertError(await srv.api('GET', '/cases?figure=nonsense', auth('staff')), 400, 'validation.failed');
});

it("a town officer's figures count its town's cases only", async () => {
	const f = (await figures('', 'town1')).figures;
	const cs = readCases();
	// in scope of town1: cases of its town, and cases a unit of its town handles
	const sub = new Set((await srv.listAll(`/units?subtree=${fx.town1Unit}`, auth('staff'))).map((u) => u.id));
	const party = new Set(srv.sql('SELECT case_id, unit_id FROM case_party WHERE unit_id IS NOT NULL').split('\n').filter(Boolean)
		.map((l) => l.split('|').map(Number)).filter(([, u]) => sub.has(u)).map(([c]) => c));
	const mine = cs.filter((c) => c.state !== 'draft' && (under(c, fx.town1Unit) || sub.has(c.lead_unit_id) || party.has(c.id)
		|| c.submitter_id === U.town1.user.id));
	compare(f, mine, 'town1 as the caller');
	// and it may not ask about another town
	assertError(await srv.api('GET', `/cases/figures?unit=${fx.town2Unit}`, auth('town1')), 404, 'not_found');
});
