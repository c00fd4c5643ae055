// The work grid (GET /grid): its summary agrees with its towns; the villages
// without a liaison and the departments without a leader in charge are
// exactly those the grid posts leave uncovered; adding and ending a post
// moves a village out of and back into the list; a town officer's grid
// shows only its town. And a unit that holds records cannot be deleted.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, S;
const it = tracked(() => srv);
const sortNum = (xs) => [...xs].sort((a, b) => a - b);

const ymd = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const dayOffset = (n) => { const d = new Date(); d.setHours(12, 0, 0, 0); d.setDate(d.getDate() + n); return ymd(d); };
const TODAY = dayOffset(0), YESTERDAY = dayOffset(-1), TOMORROW = dayOffset(1);
const active = (p) => (!p.start_date || p.start_date <= TODAY) && (!p.end_date || p.end_date >= TODAY);

before(async () => {
	srv = await startServer({ people: 100 });
	fx = await demoFixture(srv);
	S = { token: fx.staff.token };
});
after(async () => { await srv?.stop(); });

async function grid(auth = S, q = '') {
	const r = await srv.api('GET', `/grid${q}`, auth);
	assert.equal(r.status, 200, `GET /grid${q}: ${r.text}`);
	return r.json;
}
const lackingVillages = (g) => sortNum(g.towns.flatMap((t) => t.villages_without_liaison.map((v) => v.id)));
const lackingDepts = (g) => sortNum(g.departments_without_leader.map((d) => d.id));

/* Villages and communities under the city, and departments, as staff lists them. */
async function unitsOfKind(...kinds) {
	const out = [];
	for (const k of kinds) out.push(...await srv.listAll(`/units?subtree=${fx.city.id}&kind=${k}`, S));
	return out.sort((a, b) => a.id - b.id);
}
/* Units among `units` without an active post of `kind`, computed from the list of all posts. */
async function uncovered(units, kind) {
	const posts = await srv.listAll(`/grid_post?kind=${kind}`, S);
	for (const p of posts) assert.equal(p.kind, kind);
	const covered = new Set(posts.filter(active).map((p) => p.unit_id));
	return sortNum(units.filter((u) => !covered.has(u.id)).map((u) => u.id));
}

it("the summary agrees with the towns and with the city's units", async () => {
	const g = await grid();
	assert.equal(g.unit.id, fx.city.id);
	const s = g.summary;
	assert.equal(s.towns, g.towns.length);
	assert.equal(s.towns, 14);
	const towns = (await srv.listAll(`/units?parent=${fx.city.id}`, S)).filter((u) => ['town', 'street', 'zone'].includes(u.kind));
	assert.deepEqual(sortNum(g.towns.map((t) => t.id)), sortNum(towns.map((t) => t.id)));
	assert.equal(s.villages, g.towns.reduce((n, t) => n + t.villages, 0));
	const villages = await unitsOfKind('village', 'community');
	assert.equal(s.villages, villages.length);
	for (const t of g.towns) {
		const own = villages.filter((v) => v.path.includes(`/${t.id}/`)).length;
		assert.equal(t.villages, own, `town ${t.name}: villages`);
	}
	const lacking = g.towns.reduce((n, t) => n + t.villages_without_liaison.length, 0);
	assert.ok(lacking > 0, 'the demo leaves no village without a liaison');
	assert.equal(s.villages_with_liaison, s.villages - lacking);
	const depts = await unitsOfKind('department');
	assert.equal(s.departments, depts.length);
	assert.equal(s.departments_with_leader, s.departments - g.departments_without_leader.length);
	assert.equal(s.complete, false);
	for (const t of g.towns) {
		assert.ok(t.clerks.length >= 1, `town ${t.name} has no clerk`);
		for (const p of [...t.clerks, ...t.leaders]) {
			if (p.phone !== null && p.phone !== undefined) assert.match(p.phone, /^\d{3}\*{4}\d{4}$/, `phone of ${p.holder_name} not masked`);
		}
	}
	// the leader (grid_post:read) sees the same report
	const leader = await srv.login('leader');
	assert.deepEqual(await grid({ token: leader.token }), g);
});

it('the villages without a liaison are exactly those no active liaison post covers', async () => {
	const g = await grid();
	const villages = await unitsOfKind('village', 'community');
	const want = await uncovered(villages, 'liaison');
	assert.deepEqual(lackingVillages(g), want);
	// each listed village is placed under its own town
	for (const t of g.towns) {
		for (const v of t.villages_without_liaison) {
			const u = villages.find((x) => x.id === v.id);
			assert.ok(u.path.includes(`/${t.id}/`), `village ${v.name} listed under ${t.name}`);
			assert.equal(v.name, u.name);
		}
	}
	// per village, as the docs describe it: no liaison post for each lacking one …
	for (const id of want) {
		const posts = await srv.listAll(`/grid_post?unit_id=${id}&kind=liaison`, S);
		assert.deepEqual(posts.filter(active), [], `village ${id} has an active liaison`);
	}
	// … and one for every other (a sample across the list)
	const others = villages.filter((v) => !want.includes(v.id));
	for (let i = 0; i < others.length; i += 37) {
		const posts = await srv.listAll(`/grid_post?unit_id=${others[i].id}&kind=liaison`, S);
		assert.ok(posts.filter(active).length >= 1, `village ${others[i].id} is not listed but has no liaison`);
	}
	// the demo's deliberate gaps: every village v with v % 97 == 41 in creation order
	const gaps = villages.filter((_, v) => v % 97 === 41).map((u) => u.id);
	assert.deepEqual(want, sortNum(gaps));
	assert.equal(want.length, 10);
});

it('the departments without a leader in charge are exactly those no active leader post covers', async () => {
	const g = await grid();
	const depts = await unitsOfKind('department');
	const want = await uncovered(depts, 'leader_in_charge');
	assert.deepEqual(lackingDepts(g), want);
	for (const id of want) {
		const posts = await srv.listAll(`/grid_post?unit_id=${id}&kind=leader_in_charge`, S);
		assert.deepEqual(posts.filter(active), []);
	}
	// demo: departments number 5 and 14 (0-based 4 and 13)
	assert.deepEqual(want, [depts[4].id, depts[13].id]);
	assert.deepEqual(g.departments_without_leader.map((d) => d.name).sort(), [depts[4].name, depts[13].name].sort());
});

it('adding a liaison removes the village from the list; ending the post puts it back', async () => {
	const g0 = await grid();
	const town = g0.towns.find((t) => t.villages_without_liaison.length > 0);
	const village = town.villages_without_liaison[0];
	// a post that starts tomorrow does not cover the village yet
	const future = await srv.api('POST', '/grid_post', { ...S, body: { unit_id: village.id, kind: 'liaison', holder_name: '明日联络员', start_date: TOMORROW } });
	assert.equal(future.status, 201, future.text);
	assert.ok(lackingVillages(await grid()).includes(village.id), 'a post starting tomorrow already counts');

	const add = await srv.api('POST', '/grid_post', {
		...S, body: { unit_id: village.id, kind: 'liaison', holder_name: '新任联络员', phone: '13900009999', start_date: '2024-01-01' },
	});
	assert.equal(add.status, 201, add.text);
	assert.equal(add.json.phone, '139****9999');
	const g1 = await grid();
	assert.ok(!lackingVillages(g1).includes(village.id), 'the village is still listed after a liaison was added');
	assert.equal(g1.summary.villages_with_liaison, g0.summary.villages_with_liaison + 1);
	assert.equal(lackingVillages(g1).length, lackingVillages(g0).length - 1);
	assert.deepEqual(lackingVillages(g1), await uncovered(await unitsOfKind('village', 'community'), 'liaison'));

	const end = await srv.api('PATCH', `/grid_post/${add.json.id}`, { ...S, body: { end_date: YESTERDAY, version: add.json.version } });
	assert.equal(end.status, 200, end.text);
	assert.equal(end.json.end_date, YESTERDAY);
	const g2 = await grid();
	assert.ok(lackingVillages(g2).includes(village.id), 'the village is not listed again after its liaison post ended');
	assert.deepEqual(g2.summary, g0.summary);
	assert.deepEqual(lackingVillages(g2), lackingVillages(g0));
	// the ended post stays in the unit's history, with its end date
	const hist = await srv.listAll(`/grid_post?unit_id=${village.id}`, S);
	const ended = hist.find((p) => p.id === add.json.id);
	assert.ok(ended, 'the ended post is gone from the history');
	assert.equal(ended.end_date, YESTERDAY);

	// a post ending today still counts
	const todayEnd = await srv.api('PATCH', `/grid_post/${add.json.id}`, { ...S, body: { end_date: TODAY } });
	assert.equal(todayEnd.status, 200, todayEnd.text);
	assert.ok(!lackingVillages(await grid()).includes(village.id), 'a post ending today no longer counts');
	assert.equal((await srv.api('PATCH', `/grid_post/${add.json.id}`, { ...S, body: { end_date: YESTERDAY } })).status, 200);

	// the same for a department's leader in charge
	const dept = g0.departments_without_leader[0];
	const lead = await srv.api('POST', '/grid_post', { ...S, body: { unit_id: dept.id, kind: 'leader_in_charge', holder_name: '新分管领导' } });
	assert.equal(lead.status, 201, lead.text);
	const g3 = await grid();
	assert.ok(!lackingDepts(g3).includes(dept.id));
	assert.equal(g3.summary.departments_with_leader, g0.summary.departments_with_leader + 1);
	const del = await srv.api('DELETE', `/grid_post/${lead.json.id}`, S);
	assert.equal(del.status, 204, del.text);
	assert.ok(lackingDepts(await grid()).includes(dept.id), 'a deleted post still counts');
});

it("town1's grid shows only its town", async () => {
	const T1 = { token: fx.town1.token };
	const all = await grid();
	const mine = all.towns.find((t) => t.id === fx.town1Unit);
	// open a gap in town1 so there is something of its own to show
	const t1Villages = await srv.listAll(`/units?parent=${fx.town1Unit}`, S);
	let opened = null;
	for (const v of t1Villages) {
		const posts = (await srv.listAll(`/grid_post?unit_id=${v.id}&kind=liaison`, T1)).filter(active);
		if (posts.length === 1) {
			const r = await srv.api('PATCH', `/grid_post/${posts[0].id}`, { ...T1, body: { end_date: YESTERDAY } });
			assert.equal(r.status, 200, r.text);
			opened = v;
			break;
		}
	}
	assert.ok(opened, 'no village of town1 with exactly one liaison');
	const g = await grid(T1);
	assert.equal(g.unit.id, fx.town1Unit);
	assert.deepEqual(g.towns.map((t) => t.id), [fx.town1Unit]);
	assert.equal(g.summary.towns, 1);
	assert.equal(g.summary.villages, mine.villages);
	assert.equal(g.summary.departments, 0);
	assert.deepEqual(g.departments_without_leader, []);
	const lack = lackingVillages(g);
	assert.ok(lack.includes(opened.id), 'the gap town1 opened is not in its grid');
	const t1Ids = new Set(t1Villages.map((u) => u.id));
	for (const id of lack) assert.ok(t1Ids.has(id), `village ${id} of another town in town1's grid`);
	const staffNow = (await grid()).towns.find((t) => t.id === fx.town1Unit);
	assert.deepEqual(g.towns[0], staffNow, "town1's entry differs from staff's entry for town1");
	for (const t of all.towns.filter((t) => t.id !== fx.town1Unit)) {
		for (const v of t.villages_without_liaison) assert.ok(!lack.includes(v.id));
	}
	assertError(await srv.api('GET', `/grid?unit=${fx.town2Unit}`, T1), 404, 'not_found');
	assertError(await srv.api('GET', `/grid?unit=${fx.city.id}`, T1), 404, 'not_found');
	// town1's post lists hold only its own posts
	const posts = await srv.listAll('/grid_post', T1);
	const sub = new Set((await srv.listAll(`/units?subtree=${fx.town1Unit}`, S)).map((u) => u.id));
	assert.ok(posts.length > 0);
	for (const p of posts) assert.ok(sub.has(p.unit_id), `post ${p.id} of unit ${p.unit_id} outside town1`);
	const t2Lacking = all.towns.find((t) => t.id === fx.town2Unit).villages_without_liaison;
	if (t2Lacking.length) {
		const r = await srv.api('POST', '/grid_post', { ...T1, body: { unit_id: t2Lacking[0].id, kind: 'liaison', holder_name: '越界联络员' } });
		assert.ok(r.status >= 400 && r.status < 500, `town1 staffed a village of town2: ${r.status} ${r.text}`);
	}
});

it('deleting a unit that holds people answers 409 conflict.has_children', async () => {
	const u = await srv.api('POST', '/units', { ...S, body: { parent_id: fx.town1Unit, name: '待删社区', kind: 'community' } });
	assert.equal(u.status, 201, u.text);
	const p = await srv.api('POST', '/person', { ...S, body: { unit_id: u.json.id, name: '钟留守' } });
	assert.equal(p.status, 201, p.text);
	assertError(await srv.api('DELETE', `/units/${u.json.id}`, S), 409, 'conflict.has_children');
	assert.equal((await srv.api('GET', `/units/${u.json.id}`, S)).status, 200, 'the unit is gone');
	assert.equal((await srv.api('GET', `/person/${p.json.id}`, S)).status, 200, 'the person is gone');
	// a unit holding only a grid post or an organisation is refused the same way
	const u2 = await srv.api('POST', '/units', { ...S, body: { parent_id: fx.town1Unit, name: '待删村', kind: 'village' } });
	assert.equal(u2.status, 201, u2.text);
	const post = await srv.api('POST', '/grid_post', { ...S, body: { unit_id: u2.json.id, kind: 'liaison', holder_name: '钟联络' } });
	assert.equal(post.status, 201, post.text);
	assertError(await srv.api('DELETE', `/units/${u2.json.id}`, S), 409, 'conflict.has_children');
	// once the person is deleted the unit holds no live records: deleting it is not an error of ours
	assert.equal((await srv.api('DELETE', `/person/${p.json.id}`, S)).status, 204);
	const d = await srv.api('DELETE', `/units/${u.json.id}`, S);
	assert.ok(d.status === 204 || (d.status === 409 && d.json?.error?.code === 'conflict.has_children'), `${d.status} ${d.text}`);
});
