// Data scope of the registry: a town officer sees only its town's people and
// organisations — in lists, free-text search and counts — and a record of
// another town answers like an unknown one (404; a reference to it like a
// reference to nothing). A village liaison sees only its own village.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, S, T1, T2, V1;
let t1Sub; // ids of the units of town1's subtree
let expectPeople, expectOrgs; // what town1 should see, as listed by staff with ?unit=
let t2Person; // a person of town2 (created by staff)
const it = tracked(() => srv);
const NOPE = 987654321;
const ids = (xs) => xs.map((x) => x.id).sort((a, b) => a - b);

before(async () => {
	srv = await startServer({ people: 300 });
	fx = await demoFixture(srv);
	S = { token: fx.staff.token };
	T1 = { token: fx.town1.token };
	T2 = { token: fx.town2.token };
	V1 = { token: fx.village1.token };
	t1Sub = new Set((await srv.listAll(`/units?subtree=${fx.town1Unit}`, S)).map((u) => u.id));
	// Make sure both towns hold people with known names, in the town unit and below.
	const t2Villages = await srv.listAll(`/units?parent=${fx.town2Unit}`, S);
	const mk = async (unit_id, name, extra = {}) => {
		const r = await srv.api('POST', '/person', { ...S, body: { unit_id, name, categories: ['03'], ...extra } });
		assert.equal(r.status, 201, r.text);
		return r.json;
	};
	t2Person = await mk(t2Villages[0].id, '范越界', { id_number: '110105198001010016', phone: '13900001111', workplace: '海岳市越界研究所' });
	await mk(fx.town2Unit, '范越界', { workplace: '海岳市越界研究所' });
	await mk(fx.town1Unit, '范本镇', { workplace: '海岳市本镇研究所' });
	await mk([...t1Sub].find((id) => id !== fx.town1Unit), '范本村', { workplace: '海岳市越界研究所' });
	expectPeople = await srv.listAll(`/person?unit=${fx.town1Unit}`, S);
	expectOrgs = await srv.listAll(`/organisation?unit=${fx.town1Unit}`, S);
});
after(async () => { await srv?.stop(); });

it("fixture: staff's ?unit=town1 lists hold only town1's subtree, and other towns hold people too", async () => {
	assert.ok(expectPeople.length >= 3, `only ${expectPeople.length} people in town1`);
	for (const p of expectPeople) assert.ok(t1Sub.has(p.unit_id), `person ${p.id} of unit ${p.unit_id} is outside town1`);
	for (const o of expectOrgs) assert.ok(t1Sub.has(o.unit_id), `organisation ${o.id} of unit ${o.unit_id} is outside town1`);
	assert.ok(expectOrgs.length >= 1, 'town1 has no organisations');
	const all = await srv.listAll('/person', S);
	assert.ok(all.length > expectPeople.length + 50, `staff sees ${all.length}, town1 ${expectPeople.length}`);
});

it('town1 lists exactly its own people and organisations (all pages)', async () => {
	const people = await srv.listAll('/person', T1);
	assert.deepEqual(ids(people), ids(expectPeople));
	assert.ok(!people.some((p) => p.id === t2Person.id));
	const orgs = await srv.listAll('/organisation', T1);
	assert.deepEqual(ids(orgs), ids(expectOrgs));
	// the same with small pages
	const paged = [];
	let after = null;
	for (let i = 0; i < 500; i++) {
		const r = await srv.api('GET', `/person?limit=9${after ? `&after=${after}` : ''}`, T1);
		assert.equal(r.status, 200, r.text);
		paged.push(...r.json.items);
		if (!r.json.next) break;
		after = r.json.next;
	}
	assert.deepEqual(ids(paged), ids(expectPeople));
	// ?unit= of another town is answered like an unknown unit
	const foreign = await srv.api('GET', `/person?unit=${fx.town2Unit}`, T1);
	const ghost = await srv.api('GET', `/person?unit=${NOPE}`, T1);
	assert.equal(foreign.status, ghost.status, `${foreign.text} vs ${ghost.text}`);
	assert.ok(foreign.status === 404 || (foreign.status === 200 && foreign.json.items.length === 0), foreign.text);
	const byUnitId = await srv.api('GET', `/person?unit_id=${t2Person.unit_id}`, T1);
	assert.ok(byUnitId.status === 404 || (byUnitId.status === 200 && byUnitId.json.items.length === 0), byUnitId.text);
});

it("town1's free-text search never reaches outside the town", async () => {
	for (const q of ['范越界', '范', '越界', '研究所', '海岳市', '张', '华']) {
		const got = await srv.listAll(`/person?q=${encodeURIComponent(q)}`, T1);
		const want = await srv.listAll(`/person?unit=${fx.town1Unit}&q=${encodeURIComponent(q)}`, S);
		assert.deepEqual(ids(got), ids(want), `q=${q}`);
		for (const p of got) assert.ok(t1Sub.has(p.unit_id), `q=${q}: person ${p.id} outside town1`);
	}
	// the town2 person is found by staff by name, workplace and exact ID number, never by town1
	const staffByName = await srv.listAll(`/person?q=${encodeURIComponent('范越界')}`, S);
	assert.ok(staffByName.some((p) => p.id === t2Person.id), 'staff does not find the town2 person by name');
	const t1ByName = await srv.listAll(`/person?q=${encodeURIComponent('范越界')}`, T1);
	assert.ok(!t1ByName.some((p) => p.id === t2Person.id));
	const t1ByWork = await srv.listAll(`/person?q=${encodeURIComponent('越界研究所')}`, T1);
	assert.deepEqual(t1ByWork.map((p) => p.name), ['范本村'], 'town1 workplace search');
	for (const idn of ['110105198001010016', '110105800101001']) {
		const s = await srv.listAll(`/person?q=${idn}`, S);
		assert.deepEqual(s.map((p) => p.id), [t2Person.id], `staff q=${idn}`);
		const t = await srv.listAll(`/person?q=${idn}`, T1);
		assert.deepEqual(t, [], `town1 q=${idn}`);
	}
	const orgs = await srv.listAll(`/organisation?q=${encodeURIComponent('商会')}`, T1);
	const wantOrgs = await srv.listAll(`/organisation?unit=${fx.town1Unit}&q=${encodeURIComponent('商会')}`, S);
	assert.deepEqual(ids(orgs), ids(wantOrgs));
	assert.ok(!orgs.some((o) => o.name.startsWith('西城街道')), 'town1 finds the chamber of town2');
});

it("town1's counts are its own town's counts", async () => {
	const c = await srv.api('GET', '/person/count', T1);
	assert.equal(c.status, 200, c.text);
	assert.equal(c.json.total, expectPeople.length);
	const g = await srv.api('GET', '/person/count?group=categories', T1);
	assert.equal(g.status, 200, g.text);
	const tally = {};
	for (const p of expectPeople) for (const k of new Set(p.categories)) tally[k] = (tally[k] || 0) + 1;
	assert.deepEqual(g.json.counts, tally, 'categories counted from the list differ');
	assert.equal(g.json.total, expectPeople.length);
	const gs = await srv.api('GET', `/person/count?group=categories&unit=${fx.town1Unit}`, S);
	assert.deepEqual(gs.json, g.json, "town1's counts differ from staff's counts of town1");
	const all = await srv.api('GET', '/person/count?group=categories', S);
	assert.ok(all.json.total > g.json.total);
	const rep = await srv.api('GET', '/person/count?group=is_representative', T1);
	assert.equal(rep.status, 200, rep.text);
	const reps = expectPeople.filter((p) => p.is_representative).length;
	assert.equal(rep.json.counts.true || 0, reps);
	assert.equal(rep.json.counts.false || 0, expectPeople.length - reps);
	const f = await srv.api('GET', '/person/count?categories=03', T1);
	assert.equal(f.json.total, expectPeople.filter((p) => p.categories.includes('03')).length);
	const oc = await srv.api('GET', '/organisation/count?group=kind', T1);
	assert.equal(oc.status, 200, oc.text);
	assert.equal(oc.json.total, expectOrgs.length);
	const kinds = {};
	for (const o of expectOrgs) kinds[o.kind] = (kinds[o.kind] || 0) + 1;
	assert.deepEqual(oc.json.counts, kinds);
});

it('a person of town2 answers 404 to town1 for GET, PATCH, DELETE and reveal — like an unknown id', async () => {
	const before = await srv.api('GET', `/person/${t2Person.id}`, S);
	assert.equal(before.status, 200, before.text);
	const unknown = await srv.api('GET', `/person/${NOPE}`, T1);
	assertError(unknown, 404, 'not_found');
	const g = await srv.api('GET', `/person/${t2Person.id}`, T1);
	assertError(g, 404, 'not_found');
	assert.equal(g.text, unknown.text, 'the answer differs from that for an unknown id');
	assertError(await srv.api('PATCH', `/person/${t2Person.id}`, { ...T1, body: { name: '范被改' } }), 404, 'not_found');
	assertError(await srv.api('PATCH', `/person/${t2Person.id}`, { ...T1, body: { unit_id: fx.town1Unit } }), 404, 'not_found');
	assertError(await srv.api('DELETE', `/person/${t2Person.id}`, T1), 404, 'not_found');
	const rv = await srv.api('POST', `/person/${t2Person.id}/reveal`, { ...T1, body: { field: 'id_number', reason: '越权查看' } });
	assertError(rv, 404, 'not_found');
	assert.ok(!rv.text.includes('110105'), rv.text);
	const after = await srv.api('GET', `/person/${t2Person.id}`, S);
	assert.deepEqual(after.json, before.json, 'the town2 person changed');
	// town2 itself sees it
	assert.equal((await srv.api('GET', `/person/${t2Person.id}`, T2)).status, 200);
});

it("town1 cannot attach a sub-record to town2's person, nor read or change its sub-records", async () => {
	const tr = await srv.api('POST', '/person_training', { ...S, body: { person_id: t2Person.id, title: '西城培训', hours: 8 } });
	assert.equal(tr.status, 201, tr.text);
	const mkArr = (person_id) => srv.api('POST', '/person_arrangement', { ...T1, body: { person_id, kind: 'cppcc_member', level: 'county' } });
	const ghost = await mkArr(NOPE);
	const foreign = await mkArr(t2Person.id);
	assert.ok(foreign.status >= 400 && foreign.status < 500, `sub-record for a foreign person: ${foreign.status} ${foreign.text}`);
	assert.ok(foreign.status === 400 || foreign.status === 404, foreign.text);
	assert.equal(foreign.status, ghost.status, `foreign ${foreign.text} vs unknown ${ghost.text}`);
	assert.deepEqual(foreign.json, ghost.json, 'the refusal tells a foreign person from an unknown one');
	if (foreign.status === 400) assertError(foreign, 400, 'validation.failed', 'person_id');
	const arrs = await srv.listAll(`/person_arrangement?parent=${t2Person.id}`, S);
	assert.deepEqual(arrs, [], 'an arrangement was attached');

	assertError(await srv.api('GET', `/person_training/${tr.json.id}`, T1), 404, 'not_found');
	assertError(await srv.api('PATCH', `/person_training/${tr.json.id}`, { ...T1, body: { hours: 99 } }), 404, 'not_found');
	assertError(await srv.api('DELETE', `/person_training/${tr.json.id}`, T1), 404, 'not_found');
	const list = await srv.api('GET', `/person_training?parent=${t2Person.id}`, T1);
	assert.ok(list.status === 404 || (list.status === 200 && list.json.items.length === 0), list.text);
	const all = await srv.listAll('/person_training', T1);
	assert.ok(!all.some((x) => x.id === tr.json.id));
	const still = await srv.api('GET', `/person_training/${tr.json.id}`, S);
	assert.equal(still.status, 200);
	assert.equal(still.json.hours, 8);
	// and a membership of a town1 person in a town2 organisation? the organisation is out of scope too
	const t2Org = (await srv.listAll(`/organisation?unit=${fx.town2Unit}`, S))[0];
	const own = expectPeople[0];
	const m = await srv.api('POST', '/membership', { ...T1, body: { person_id: own.id, organisation_id: t2Org.id } });
	assert.ok(m.status === 400 || m.status === 404, `membership in a foreign organisation: ${m.status} ${m.text}`);
});

it('town1 cannot create a person in town2 nor move one there', async () => {
	const ghost = await srv.api('POST', '/person', { ...T1, body: { unit_id: NOPE, name: '范幽灵' } });
	const foreign = await srv.api('POST', '/person', { ...T1, body: { unit_id: fx.town2Unit, name: '范越界' } });
	assert.ok(foreign.status >= 400 && foreign.status < 500, foreign.text);
	assert.equal(foreign.status, ghost.status);
	assert.deepEqual(foreign.json, ghost.json);
	const own = expectPeople.find((p) => p.unit_id !== fx.town1Unit) || expectPeople[0];
	const mv = await srv.api('PATCH', `/person/${own.id}`, { ...T1, body: { unit_id: fx.town2Unit } });
	assert.ok(mv.status >= 400 && mv.status < 500, mv.text);
	const g = await srv.api('GET', `/person/${own.id}`, S);
	assert.equal(g.json.unit_id, own.unit_id, 'the person moved out of town1');
});

it("a village liaison sees only its village's people", async () => {
	const vUnit = fx.village1.user.unit_id;
	const sibling = (await srv.listAll(`/units?parent=${fx.town1Unit}`, S)).find((u) => u.id !== vUnit);
	const mk = async (unit_id, name) => {
		const r = await srv.api('POST', '/person', { ...S, body: { unit_id, name } });
		assert.equal(r.status, 201, r.text);
		return r.json;
	};
	const a = await mk(vUnit, '柳本村');
	const b = await mk(sibling.id, '柳邻村');
	const c = await mk(fx.town1Unit, '柳本镇');
	const want = await srv.listAll(`/person?unit_id=${vUnit}`, S);
	const got = await srv.listAll('/person', V1);
	assert.deepEqual(ids(got), ids(want));
	assert.ok(got.every((p) => p.unit_id === vUnit));
	assert.ok(got.some((p) => p.id === a.id));
	for (const x of [b, c, t2Person]) {
		assertError(await srv.api('GET', `/person/${x.id}`, V1), 404, 'not_found');
	}
	const q = await srv.listAll(`/person?q=${encodeURIComponent('柳')}`, V1);
	assert.deepEqual(q.map((p) => p.id), [a.id]);
	const cnt = await srv.api('GET', '/person/count', V1);
	assert.equal(cnt.status, 200, cnt.text);
	assert.equal(cnt.json.total, want.length);
	// the liaison may record people of its own village only
	const own = await srv.api('POST', '/person', { ...V1, body: { unit_id: vUnit, name: '柳新录' } });
	assert.equal(own.status, 201, own.text);
	const out = await srv.api('POST', '/person', { ...V1, body: { unit_id: sibling.id, name: '柳越界' } });
	assert.ok(out.status >= 400 && out.status < 500, out.text);
	assert.ok(!(await srv.listAll(`/person?unit_id=${sibling.id}`, S)).some((p) => p.name === '柳越界'));
});

it("moving a village to another town takes its people and their sub-records into the new town's scope", async () => {
	const v = await srv.api('POST', '/units', { ...S, body: { parent_id: fx.town1Unit, name: '迁移村', kind: 'village' } });
	assert.equal(v.status, 201, v.text);
	const p = await srv.api('POST', '/person', { ...S, body: { unit_id: v.json.id, name: '陶迁移' } });
	assert.equal(p.status, 201, p.text);
	const tr = await srv.api('POST', '/person_training', { ...S, body: { person_id: p.json.id, title: '迁移前培训' } });
	assert.equal(tr.status, 201, tr.text);
	assert.equal((await srv.api('GET', `/person/${p.json.id}`, T1)).status, 200);
	const mv = await srv.api('POST', `/units/${v.json.id}/move`, { ...S, body: { parent_id: fx.town2Unit } });
	assert.equal(mv.status, 200, mv.text);
	assertError(await srv.api('GET', `/person/${p.json.id}`, T1), 404, 'not_found');
	assertError(await srv.api('GET', `/person_training/${tr.json.id}`, T1), 404, 'not_found');
	assert.ok(!(await srv.listAll('/person', T1)).some((x) => x.id === p.json.id));
	assert.equal((await srv.api('GET', `/person/${p.json.id}`, T2)).status, 200);
	assert.deepEqual((await srv.listAll(`/person_training?parent=${p.json.id}`, T2)).map((x) => x.id), [tr.json.id]);
	assert.ok((await srv.listAll(`/person?unit=${fx.town2Unit}`, S)).some((x) => x.id === p.json.id));
	assert.ok(!(await srv.listAll(`/person?unit=${fx.town1Unit}`, S)).some((x) => x.id === p.json.id));
});
