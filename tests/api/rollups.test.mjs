// The rollups of people (person_tally, docs/architecture.md "Rollups"):
// GET /person/count answers a subtree's counts by category and flag from a
// table kept in the transaction of every write. These tests compare it,
// after every kind of write that changes people, with a fresh count made
// here from the list of the same subtree, and with the scan the server
// still does when another filter is given.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, tracked, demoFixture } from './harness.mjs';

let srv, fx, S;
const it = tracked(() => srv);
const FLAGS = ['is_representative', 'is_reserve_cadre'];

before(async () => {
	srv = await startServer({ people: 60, cases: 0 });
	fx = await demoFixture(srv);
	S = { token: fx.staff.token };
});
after(async () => { await srv?.stop(); });

/* Counts of a subtree made here from its list. */
async function fresh(unit, auth = S) {
	const people = await srv.listAll(unit ? `/person?unit=${unit}` : '/person', auth);
	const cats = {};
	const flags = Object.fromEntries(FLAGS.map((f) => [f, {}]));
	for (const p of people) {
		for (const c of p.categories || []) cats[c] = (cats[c] || 0) + 1;
		for (const f of FLAGS) {
			const k = p[f] ? 'true' : 'false';
			flags[f][k] = (flags[f][k] || 0) + 1;
		}
	}
	return { total: people.length, cats, flags };
}

async function count(q, auth = S) {
	const r = await srv.api('GET', `/person/count${q}`, auth);
	assert.equal(r.status, 200, r.text);
	return r.json;
}

/* The rollup answers of unit (or the caller's scope) equal the fresh count and the scan. */
async function check(unit, label, auth = S) {
	const want = await fresh(unit, auth);
	const u = unit ? `unit=${unit}&` : '';
	const plain = await count(`?${u}`.replace(/&$/, ''), auth);
	assert.deepEqual(plain, { counts: {}, total: want.total }, `${label}: total`);
	const cats = await count(`?${u}group=categories`, auth);
	assert.deepEqual(cats, { counts: want.cats, total: want.total }, `${label}: by category`);
	for (const f of FLAGS) {
		const got = await count(`?${u}group=${f}`, auth);
		assert.deepEqual(got, { counts: want.flags[f], total: want.total }, `${label}: by ${f}`);
	}
	// The scan (a filter keeps the rollups out): both halves add up to the rollup.
	const yes = await count(`?${u}group=categories&is_reserve_cadre=true`, auth);
	const no = await count(`?${u}group=categories&is_reserve_cadre=false`, auth);
	assert.equal(yes.total + no.total, want.total, `${label}: scan total`);
	for (const [c, n] of Object.entries(want.cats))
		assert.equal((yes.counts[c] || 0) + (no.counts[c] || 0), n, `${label}: scan of category ${c}`);
}

async function villagesOf(town) {
	const r = await srv.api('GET', `/units?parent=${town}`, S);
	assert.equal(r.status, 200, r.text);
	return r.json.items.filter((u) => u.kind === 'village' || u.kind === 'community');
}

async function checkAll(label, extra = []) {
	await check(fx.city.id, `${label}, city`);
	await check(fx.town1Unit, `${label}, town 1`);
	await check(fx.town2Unit, `${label}, town 2`);
	for (const u of extra) await check(u, `${label}, unit ${u}`);
	// without unit=: the scope of staff (the city) and of a town officer (the town)
	await check(0, `${label}, staff's scope`);
	await check(0, `${label}, town1's scope`, { token: fx.town1.token });
}

async function waitJob(id) {
	const end = Date.now() + 60_000;
	for (;;) {
		const r = await srv.api('GET', `/imports/${id}`, S);
		assert.equal(r.status, 200, r.text);
		if (!['validating', 'committing'].includes(r.json.status)) return r.json;
		assert.ok(Date.now() < end, `import ${id} still ${r.json.status}`);
		await sleep(40);
	}
}

it('rollups equal a fresh count after the demo data, creates, updates, deletes, an import and a unit move', async () => {
	const [v1, v2] = await villagesOf(fx.town1Unit);
	const [w1] = await villagesOf(fx.town2Unit);
	await checkAll('demo data', [v1.id, w1.id]);

	// creates with categories and flags, in a village and in a town itself
	const made = [];
	const bodies = [
		{ unit_id: v1.id, name: '汇总甲', categories: ['01', '03'], is_representative: true, is_reserve_cadre: false },
		{ unit_id: v1.id, name: '汇总乙', categories: ['03'], is_representative: false, is_reserve_cadre: true },
		{ unit_id: fx.town1Unit, name: '汇总丙', categories: ['06', '07', '12'], is_representative: true, is_reserve_cadre: true },
		{ unit_id: w1.id, name: '汇总丁', categories: [], is_representative: false },
	];
	for (const b of bodies) {
		const r = await srv.api('POST', '/person', { ...S, body: b });
		assert.equal(r.status, 201, r.text);
		made.push(r.json);
	}
	await checkAll('after creates', [v1.id, w1.id]);

	// updates: categories, a flag, the unit (to the other town), all at once
	const upd = async (p, body) => {
		const cur = await srv.api('GET', `/person/${p.id}`, S);
		const r = await srv.api('PATCH', `/person/${p.id}`, { ...S, body: { version: cur.json.version, ...body } });
		assert.equal(r.status, 200, r.text);
	};
	await upd(made[0], { categories: ['02'] });
	await upd(made[1], { is_reserve_cadre: false, is_representative: true });
	await upd(made[2], { unit_id: w1.id });
	await upd(made[3], { unit_id: v2.id, categories: ['05', '09'], is_reserve_cadre: true });
	await upd(made[0], { name: '汇总甲改' }); // changes nothing counted
	await checkAll('after updates', [v1.id, v2.id, w1.id]);

	// a stale update changes nothing
	const stale = await srv.api('PATCH', `/person/${made[1].id}`, { ...S, body: { version: 1, categories: ['11'] } });
	assert.equal(stale.status, 409, stale.text);

	// deletes
	for (const p of [made[1], made[2]]) {
		const r = await srv.api('DELETE', `/person/${p.id}`, S);
		assert.equal(r.status, 204, r.text);
	}
	await checkAll('after deletes', [v1.id, v2.id, w1.id]);

	// an import (CSV, three new people)
	const rows = [
		['管理单位*', '姓名*', '统战对象类别', '党外代表人士', '党外后备干部'],
		[String(v2.id), '导入甲', '01;04', '是', '否'],
		[String(v2.id), '导入乙', '04', '否', '是'],
		[String(w1.id), '导入丙', '', '是', '是'],
	];
	const body = Buffer.from(rows.map((r) => r.join(',')).join('\r\n') + '\r\n');
	const up = await srv.api('POST', '/person/import', { ...S, body, headers: { 'content-type': 'text/csv' } });
	assert.equal(up.status, 202, up.text);
	const job = await waitJob(up.json.id);
	assert.equal(job.status, 'ready', JSON.stringify(job.errors));
	const c = await srv.api('POST', `/imports/${job.id}/commit`, S);
	assert.equal(c.status, 202, c.text);
	const done = await waitJob(job.id);
	assert.equal(done.status, 'done', JSON.stringify(done));
	assert.equal(done.processed, done.total, 'a finished job reports every row processed');
	await checkAll('after an import', [v2.id, w1.id]);

	// a unit move: a new village of town 1 with people moves under town 2
	const nv = await srv.api('POST', '/units', { ...S, body: { parent_id: fx.town1Unit, name: '汇总新村', kind: 'village' } });
	assert.equal(nv.status, 201, nv.text);
	for (const [name, cats, rep] of [['新村甲', ['03'], true], ['新村乙', ['03', '08'], false]]) {
		const r = await srv.api('POST', '/person', { ...S, body: { unit_id: nv.json.id, name, categories: cats, is_representative: rep } });
		assert.equal(r.status, 201, r.text);
	}
	await checkAll('before the move', [nv.json.id]);
	const mv = await srv.api('POST', `/units/${nv.json.id}/move`, { ...S, body: { parent_id: fx.town2Unit } });
	assert.equal(mv.status, 200, mv.text);
	await checkAll('after the move', [nv.json.id, v2.id, w1.id]);
	// and back
	const back = await srv.api('POST', `/units/${nv.json.id}/move`, { ...S, body: { parent_id: fx.town1Unit } });
	assert.equal(back.status, 200, back.text);
	await checkAll('after moving back', [nv.json.id]);
});

it('a count of a unit outside the scope is refused as before; a filtered count still scans', async () => {
	const r = await srv.api('GET', `/person/count?unit=${fx.town2Unit}&group=categories`, { token: fx.town1.token });
	assert.ok(r.status === 404 || (r.status === 200 && r.json.total === 0), r.text);
	const all = await count(`?unit=${fx.town1Unit}&group=categories`);
	const some = await count(`?unit=${fx.town1Unit}&group=categories&categories=03`);
	assert.equal(some.total, all.counts['03'] || 0);
});
