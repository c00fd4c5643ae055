// Registry search and filters (free text, dictionary, boolean, list,
// sensitive-but-indexed, relation filters, unit subtree), keyset paging,
// refused filters; and a person's sub-records: create, list by parent,
// masking, deletion with the person, moving with the person, versions.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, S, everyone; // everyone: all people as staff lists them
const it = tracked(() => srv);
const ids = (xs) => xs.map((x) => x.id).sort((a, b) => a - b);
const uniq = (xs) => [...new Set(xs)].sort((a, b) => a - b);

before(async () => {
	srv = await startServer({ people: 300 });
	fx = await demoFixture(srv);
	S = { token: fx.staff.token };
});
after(async () => { await srv?.stop(); });

const mkPerson = async (body, auth = S) => {
	const r = await srv.api('POST', '/person', { ...auth, body: { unit_id: fx.town1Unit, ...body } });
	assert.equal(r.status, 201, `POST /person ${JSON.stringify(body)}: ${r.text}`);
	return r.json;
};
const mkSub = async (entity, body, auth = S) => {
	const r = await srv.api('POST', `/${entity}`, { ...auth, body });
	assert.equal(r.status, 201, `POST /${entity} ${JSON.stringify(body)}: ${r.text}`);
	return r.json;
};

it('every dictionary value in the demo registry is an item of its dictionary (/meta)', async () => {
	const meta = (await srv.api('GET', '/meta', S)).json;
	const dicts = new Map(meta.dictionaries.map((d) => [d.code, new Set(d.items.map((i) => i.value))]));
	const bad = [];
	for (const entity of ['person', 'organisation', 'grid_post', 'person_arrangement', 'membership']) {
		const e = meta.entities.find((x) => x.name === entity);
		assert.ok(e, `no ${entity} in /meta`);
		const fields = e.fields.filter((f) => f.dict && !f.sensitive);
		assert.ok(fields.length > 0 || entity === 'membership', `${entity}: no dictionary fields in /meta`);
		for (const rec of await srv.listAll(`/${entity}`, S)) {
			for (const f of fields) {
				const vals = Array.isArray(rec[f.name]) ? rec[f.name] : rec[f.name] === null || rec[f.name] === undefined ? [] : [rec[f.name]];
				for (const v of vals) if (!dicts.get(f.dict)?.has(v)) bad.push(`${entity} ${rec.id} ${f.name}=${v}`);
			}
		}
	}
	assert.deepEqual(bad, [], `values outside their dictionaries (${bad.length}): ${bad.slice(0, 10).join('; ')}`);
});

it('a 2-character fragment of a Chinese name finds the person', async () => {
	const p = await mkPerson({ name: '欧阳娜娜' });
	for (const q of ['阳娜', '欧阳', '娜娜', '欧阳娜娜']) {
		const r = await srv.listAll(`/person?q=${encodeURIComponent(q)}`, S);
		assert.ok(r.some((x) => x.id === p.id), `q=${q} does not find 欧阳娜娜: ${r.map((x) => x.name)}`);
		for (const x of r) assert.ok(x.name.includes(q) || (x.workplace || '').includes(q), `q=${q} found ${x.name} / ${x.workplace}`);
	}
	const none = await srv.listAll(`/person?q=${encodeURIComponent('阳娜欧')}`, S);
	assert.ok(!none.some((x) => x.id === p.id));
	// LIKE wildcards in the query are plain characters
	assert.deepEqual(await srv.listAll(`/person?q=${encodeURIComponent('%')}`, S), []);
	assert.deepEqual(await srv.listAll(`/person?q=${encodeURIComponent('_')}`, S), []);
});

it('filters: categories, is_representative and unit agree with the full list', async () => {
	everyone = await srv.listAll('/person', S);
	const cat = await srv.listAll('/person?categories=03', S);
	assert.deepEqual(ids(cat), ids(everyone.filter((p) => p.categories.includes('03'))));
	assert.ok(cat.length > 10, `only ${cat.length} people of category 03`);
	const cnt = await srv.api('GET', '/person/count?group=categories', S);
	assert.equal(cnt.json.counts['03'], cat.length);

	const reps = await srv.listAll('/person?is_representative=true', S);
	assert.deepEqual(ids(reps), ids(everyone.filter((p) => p.is_representative === true)));
	assert.ok(reps.length > 0, 'no representatives in the demo');
	const nonReps = await srv.listAll('/person?is_representative=false', S);
	assert.equal(nonReps.length + reps.length, everyone.length);

	const sub = new Set((await srv.listAll(`/units?subtree=${fx.town2Unit}`, S)).map((u) => u.id));
	const byUnit = await srv.listAll(`/person?unit=${fx.town2Unit}`, S);
	assert.deepEqual(ids(byUnit), ids(everyone.filter((p) => sub.has(p.unit_id))));
	const exact = await srv.listAll(`/person?unit_id=${fx.town2Unit}`, S);
	assert.deepEqual(ids(exact), ids(everyone.filter((p) => p.unit_id === fx.town2Unit)));
	// filters combine
	const both = await srv.listAll(`/person?unit=${fx.town2Unit}&categories=03`, S);
	assert.deepEqual(ids(both), ids(everyone.filter((p) => sub.has(p.unit_id) && p.categories.includes('03'))));
});

it('party (sensitive, blind-indexed) can be filtered', async () => {
	const a = await mkPerson({ name: '许民盟', party: 'cdl', political: '05', categories: ['01'] });
	const b = await mkPerson({ name: '许九三', party: 'jiusan', political: '10', categories: ['01'] });
	assert.equal(a.party, '***');
	const cdl = await srv.listAll('/person?party=cdl', S);
	assert.ok(cdl.some((p) => p.id === a.id), 'party=cdl misses the new member');
	assert.ok(!cdl.some((p) => p.id === b.id), 'party=cdl finds a jiusan member');
	for (const p of cdl) {
		assert.equal(p.party, '***');
		const r = await srv.api('POST', `/person/${p.id}/reveal`, { ...S, body: { field: 'party', reason: '核对筛选结果' } });
		assert.equal(r.json.value, 'cdl', `party=cdl found person ${p.id} of party ${r.json.value}`);
	}
	// completeness: the demo makes every party member a member of that party's committee
	const committee = (await srv.listAll(`/organisation?kind=party_committee&party=cdl`, S))[0];
	assert.ok(committee, 'no cdl committee');
	const members = await srv.listAll(`/membership?organisation_id=${committee.id}`, S);
	assert.deepEqual(ids(cdl), uniq([...members.map((m) => m.person_id), a.id]));
	const cnt = await srv.api('GET', '/person/count?party=cdl', S);
	assert.equal(cnt.json.total, cdl.length);
	const grouped = await srv.api('GET', '/person/count?group=party', S);
	assert.equal(grouped.status, 200, grouped.text);
	assert.equal(grouped.json.counts.cdl, cdl.length);
});

const IDN = '11010519850505002X'; // a valid number with check character X
let idPerson;
it('an exact ID number in any accepted form finds its person by q=', async () => {
	const idn = IDN;
	const p = idPerson = await mkPerson({ name: '贺身份', id_number: idn });
	for (const q of [idn, idn.toLowerCase(), '110105850505002']) {
		const r = await srv.listAll(`/person?q=${q}`, S);
		assert.deepEqual(r.map((x) => x.id), [p.id], `q=${q}`);
	}
	assert.deepEqual(await srv.listAll('/person?q=110105198505050118', S), [], 'a different number finds someone');
});

it('the blind-indexed id_number can be used as a filter', async () => {
	assert.ok(idPerson, 'depends on the previous test');
	const idn = IDN, p = idPerson;
	// docs/api.md: sensitive fields can be filtered when they carry a blind index (… id_number)
	const f = await srv.api('GET', `/person?id_number=${idn}`, S);
	assert.equal(f.status, 200, `GET /person?id_number=${idn}: ${f.status} ${f.text}`);
	assert.deepEqual(f.json.items.map((x) => x.id), [p.id]);
});

it('the other blind-indexed fields (ethnicity, political, religion) can be filtered', async () => {
	const a = await mkPerson({ name: '蒙古甲', ethnicity: '02', political: '13', religion: '20' });
	const b = await mkPerson({ name: '回族乙', ethnicity: '03', political: '12', religion: '70' });
	for (const [k, v, yes, no] of [['ethnicity', '02', a, b], ['political', '13', a, b], ['religion', '70', b, a]]) {
		const r = await srv.listAll(`/person?${k}=${v}`, S);
		assert.ok(r.some((x) => x.id === yes.id), `${k}=${v} misses person ${yes.id}`);
		assert.ok(!r.some((x) => x.id === no.id), `${k}=${v} finds person ${no.id}`);
		const c = await srv.api('GET', `/person/count?${k}=${v}`, S);
		assert.equal(c.json.total, r.length);
	}
});

it('arrangement= and organisation= find the holders and the members', async () => {
	const p = await mkPerson({ name: '冯政协' });
	await mkSub('person_arrangement', { person_id: p.id, kind: 'cppcc_member', level: 'city', body: '海岳市政协第十届' });
	const holders = await srv.listAll('/person?arrangement=cppcc_member', S);
	const arrs = await srv.listAll('/person_arrangement?kind=cppcc_member', S);
	assert.deepEqual(ids(holders), uniq(arrs.map((a) => a.person_id)));
	assert.ok(holders.some((x) => x.id === p.id));
	const npc = await srv.listAll('/person?arrangement=npc_deputy', S);
	assert.ok(!npc.some((x) => x.id === p.id));
	assertError(await srv.api('GET', '/person?arrangement=emperor', S), 400, 'validation.failed', 'arrangement');

	const org = await srv.api('POST', '/organisation', { ...S, body: { unit_id: fx.town1Unit, name: '东城街道测试商会', kind: 'chamber', chamber_kind: 'town' } });
	assert.equal(org.status, 201, org.text);
	const q = await mkPerson({ name: '冯会员' });
	await mkSub('membership', { person_id: q.id, organisation_id: org.json.id, role: '会长' });
	await mkSub('membership', { person_id: p.id, organisation_id: org.json.id, role: '会员' });
	const members = await srv.listAll(`/person?organisation=${org.json.id}`, S);
	assert.deepEqual(ids(members), [p.id, q.id].sort((x, y) => x - y));
	// a demo party committee's members
	const committee = (await srv.listAll('/organisation?kind=party_committee', S))[0];
	const ms = await srv.listAll(`/membership?organisation_id=${committee.id}`, S);
	assert.deepEqual(ids(await srv.listAll(`/person?organisation=${committee.id}`, S)), uniq(ms.map((m) => m.person_id)));
});

it('keyset paging with limit=7 returns every row exactly once, in order', async () => {
	const all = await srv.listAll('/person', S);
	const seen = [];
	let after = null;
	for (let i = 0; i < 1000; i++) {
		const r = await srv.api('GET', `/person?limit=7${after ? `&after=${encodeURIComponent(after)}` : ''}`, S);
		assert.equal(r.status, 200, r.text);
		assert.ok(r.json.items.length <= 7);
		if (r.json.next) assert.equal(r.json.items.length, 7, 'a short page with a next cursor');
		seen.push(...r.json.items.map((x) => x.id));
		if (!r.json.next) break;
		after = r.json.next;
	}
	assert.equal(new Set(seen).size, seen.length, 'a row appears twice');
	assert.deepEqual([...seen].sort((a, b) => a - b), ids(all));
	// the order is (unit path, id): each unit's records together, by id
	const byId = new Map(all.map((x) => [x.id, x]));
	const runs = [];
	for (const id of seen) {
		const u = byId.get(id).unit_id;
		if (runs.length && runs[runs.length - 1].u === u) runs[runs.length - 1].ids.push(id);
		else runs.push({ u, ids: [id] });
	}
	assert.equal(new Set(runs.map((r) => r.u)).size, runs.length, 'a unit\'s records are not together');
	for (const r of runs) assert.deepEqual(r.ids, [...r.ids].sort((a, b) => a - b), 'ids within a unit in order');
	// a bare id as the cursor (the form before) still pages on from that record
	const mid = seen[10];
	const fromId = await srv.api('GET', `/person?limit=7&after=${mid}`, S);
	assert.equal(fromId.status, 200, fromId.text);
	assert.deepEqual(fromId.json.items.map((x) => x.id), seen.slice(11, 18));
	// a malformed cursor is refused
	assertError(await srv.api('GET', '/person?after=.1.x.3', S), 400, 'validation.failed', 'after');
	// the same with a filter
	const want = ids(await srv.listAll('/person?categories=06', S));
	const got = [];
	after = null;
	for (let i = 0; i < 1000; i++) {
		const r = await srv.api('GET', `/person?categories=06&limit=7${after ? `&after=${encodeURIComponent(after)}` : ''}`, S);
		got.push(...r.json.items.map((x) => x.id));
		if (!r.json.next) break;
		after = r.json.next;
	}
	assert.deepEqual([...got].sort((a, b) => a - b), want);
	assert.equal(new Set(got).size, got.length);
});

it('unknown filter fields and filters on unindexed sensitive fields are refused', async () => {
	assertError(await srv.api('GET', '/person?colour=red', S), 400, 'validation.failed', 'colour');
	assertError(await srv.api('GET', '/person?phone=13812345678', S), 400, 'validation.failed', 'phone');
	assertError(await srv.api('GET', '/person/count?phone=13812345678', S), 400, 'validation.failed', 'phone');
	assertError(await srv.api('GET', '/person/count?group=phone', S), 400, 'validation.failed', 'group');
	assertError(await srv.api('GET', '/person_family?name=%E6%9D%8E', S), 400, 'validation.failed', 'name');
	assertError(await srv.api('GET', '/person?categories=99', S), 400, 'validation.failed', 'categories');
	assertError(await srv.api('GET', '/person?is_representative=maybe', S), 400, 'validation.failed', 'is_representative');
});

it('sub-records: add, list by parent, family names masked', async () => {
	const p = await mkPerson({ name: '韩子女', gender: '1' });
	const other = await mkPerson({ name: '韩旁人' });
	const arr = await mkSub('person_arrangement', { person_id: p.id, kind: 'npc_deputy', level: 'county', body: '海岳市第十八届人大', start_date: '2022-01-01' });
	const post = await mkSub('person_post', { person_id: p.id, organisation: '海岳市第一中学', post: '副校长', is_head: false });
	const tr = await mkSub('person_training', { person_id: p.id, title: '党外干部培训班', organiser: '市委统战部', hours: 40 });
	const fam = await mkSub('person_family', { person_id: p.id, relation: '女儿', name: '韩晓雪', workplace: '海岳市人民医院护士' });
	await mkSub('person_training', { person_id: other.id, title: '别人的培训' });
	for (const [entity, rec] of [['person_arrangement', arr], ['person_post', post], ['person_training', tr], ['person_family', fam]]) {
		assert.equal(rec.person_id, p.id);
		assert.equal(rec.unit_id, fx.town1Unit, `${entity} does not live in its parent's unit`);
		const list = await srv.listAll(`/${entity}?parent=${p.id}`, S);
		assert.deepEqual(ids(list), [rec.id], `${entity}?parent=`);
		const one = await srv.api('GET', `/${entity}/${rec.id}`, S);
		assert.equal(one.status, 200, one.text);
	}
	assert.equal(arr.kind, 'npc_deputy');
	assert.equal(tr.hours, 40);
	// the family member's name and workplace are masked everywhere
	const fams = [fam, (await srv.api('GET', `/person_family/${fam.id}`, S)).json, ...(await srv.listAll(`/person_family?parent=${p.id}`, S))];
	for (const f of fams) {
		assert.equal(f.name, '韩*', `family name not masked: ${f.name}`);
		assert.equal(f.workplace, '***');
		assert.ok(!JSON.stringify(f).includes('晓雪'), JSON.stringify(f));
	}
	const rv = await srv.api('POST', `/person_family/${fam.id}/reveal`, { ...S, body: { field: 'name', reason: '核对家庭成员' } });
	assert.equal(rv.status, 200, rv.text);
	assert.equal(rv.json.value, '韩晓雪');
	const leader = await srv.login('leader');
	assertError(await srv.api('POST', `/person_family/${fam.id}/reveal`, { token: leader.token, body: { field: 'name', reason: '看看' } }), 403, 'auth.forbidden');
	// a sub-record cannot be re-parented, and an unknown parent is refused
	assertError(await srv.api('PATCH', `/person_training/${tr.id}`, { ...S, body: { person_id: other.id } }), 400, 'validation.failed', 'person_id');
	assert.deepEqual(ids(await srv.listAll(`/person_training?parent=${p.id}`, S)), [tr.id]);
	assertError(await srv.api('POST', '/person_training', { ...S, body: { person_id: 987654321, title: '无主培训' } }), 400, 'validation.failed', 'person_id');
	const leaderList = await srv.listAll(`/person_training?parent=${p.id}`, { token: leader.token });
	assert.deepEqual(ids(leaderList), [tr.id], 'the leader (person:read) cannot list sub-records');
	assertError(await srv.api('POST', '/person_training', { token: leader.token, body: { person_id: p.id, title: '领导加的' } }), 403, 'auth.forbidden');
});

it("deleting a person removes it from the lists, and its sub-records go with it", async () => {
	const p = await mkPerson({ name: '韩待删', categories: ['07'] });
	const tr = await mkSub('person_training', { person_id: p.id, title: '删前培训' });
	const fam = await mkSub('person_family', { person_id: p.id, relation: '配偶', name: '刘某' });
	const arr = await mkSub('person_arrangement', { person_id: p.id, kind: 'cppcc_member' });
	const before = (await srv.api('GET', '/person/count', S)).json.total;
	const d = await srv.api('DELETE', `/person/${p.id}`, S);
	assert.equal(d.status, 204, d.text);
	assertError(await srv.api('GET', `/person/${p.id}`, S), 404, 'not_found');
	assert.ok(!(await srv.listAll('/person', S)).some((x) => x.id === p.id));
	assert.ok(!(await srv.listAll(`/person?q=${encodeURIComponent('韩待删')}`, S)).some((x) => x.id === p.id));
	assert.equal((await srv.api('GET', '/person/count', S)).json.total, before - 1);
	for (const [entity, rec] of [['person_training', tr], ['person_family', fam], ['person_arrangement', arr]]) {
		assert.deepEqual(await srv.listAll(`/${entity}?parent=${p.id}`, S), [], `${entity} still listed`);
		assertError(await srv.api('GET', `/${entity}/${rec.id}`, S), 404, 'not_found');
		assert.ok(!(await srv.listAll(`/${entity}`, S)).some((x) => x.id === rec.id), `${entity} ${rec.id} in the full list`);
	}
	assert.ok(!(await srv.listAll('/person?arrangement=cppcc_member', S)).some((x) => x.id === p.id));
	// nothing can be attached to a deleted person
	assertError(await srv.api('POST', '/person_training', { ...S, body: { person_id: p.id, title: '迟到的培训' } }), 400, 'validation.failed', 'person_id');
	assertError(await srv.api('DELETE', `/person/${p.id}`, S), 404, 'not_found');
});

it("moving a person to another unit takes its sub-records into the new unit's scope", async () => {
	const t1Village = (await srv.listAll(`/units?parent=${fx.town1Unit}`, S))[0];
	const t2Village = (await srv.listAll(`/units?parent=${fx.town2Unit}`, S))[0];
	const p = await mkPerson({ name: '韩搬家', unit_id: t1Village.id });
	const tr = await mkSub('person_training', { person_id: p.id, title: '搬前培训' });
	const fam = await mkSub('person_family', { person_id: p.id, relation: '父亲', name: '韩老' });
	const T1 = { token: fx.town1.token }, T2 = { token: fx.town2.token };
	assert.deepEqual(ids(await srv.listAll(`/person_training?parent=${p.id}`, T1)), [tr.id]);
	const mv = await srv.api('PATCH', `/person/${p.id}`, { ...S, body: { unit_id: t2Village.id, version: p.version } });
	assert.equal(mv.status, 200, mv.text);
	assert.equal(mv.json.unit_id, t2Village.id);
	assert.equal(mv.json.version, p.version + 1);
	// town2 now sees the person and its sub-records, town1 none of them
	assert.equal((await srv.api('GET', `/person/${p.id}`, T2)).status, 200);
	assert.deepEqual(ids(await srv.listAll(`/person_training?parent=${p.id}`, T2)), [tr.id]);
	assert.deepEqual(ids(await srv.listAll(`/person_family?parent=${p.id}`, T2)), [fam.id]);
	const g = await srv.api('GET', `/person_training/${tr.id}`, T2);
	assert.equal(g.status, 200, g.text);
	assert.equal(g.json.unit_id, t2Village.id);
	assertError(await srv.api('GET', `/person/${p.id}`, T1), 404, 'not_found');
	assertError(await srv.api('GET', `/person_training/${tr.id}`, T1), 404, 'not_found');
	const t1list = await srv.listAll('/person_training', T1);
	assert.ok(!t1list.some((x) => x.id === tr.id), 'town1 still lists the moved sub-record');
	// town2 can work on them
	const up = await srv.api('PATCH', `/person_training/${tr.id}`, { ...T2, body: { hours: 12 } });
	assert.equal(up.status, 200, up.text);
	assert.equal(up.json.hours, 12);
	const add = await srv.api('POST', '/person_award', { ...T2, body: { person_id: p.id, title: '优秀党外人士' } });
	assert.equal(add.status, 201, add.text);
	assert.equal(add.json.unit_id, t2Village.id);
});

it('a stale version answers 409 conflict.version and changes nothing', async () => {
	const p = await mkPerson({ name: '韩版本', workplace: '甲单位' });
	const a = await srv.api('PATCH', `/person/${p.id}`, { ...S, body: { workplace: '乙单位', version: p.version } });
	assert.equal(a.status, 200, a.text);
	const b = await srv.api('PATCH', `/person/${p.id}`, { ...S, body: { workplace: '丙单位', version: p.version } });
	assertError(b, 409, 'conflict.version');
	const g = await srv.api('GET', `/person/${p.id}`, S);
	assert.equal(g.json.workplace, '乙单位');
	assert.equal(g.json.version, p.version + 1);
	const tr = await mkSub('person_training', { person_id: p.id, title: '版本培训' });
	assert.equal((await srv.api('PATCH', `/person_training/${tr.id}`, { ...S, body: { hours: 1, version: tr.version } })).status, 200);
	assertError(await srv.api('PATCH', `/person_training/${tr.id}`, { ...S, body: { hours: 2, version: tr.version } }), 409, 'conflict.version');
	assertError(await srv.api('DELETE', '/person/987654321', S), 404, 'not_found');
});
