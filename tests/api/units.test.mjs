// The unit tree: create, validate, rename with versions, move, delete, list.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, tok;
const it = tracked(() => srv);
before(async () => {
	srv = await startServer();
	fx = await demoFixture(srv);
	tok = fx.staff.token;
});
after(async () => { await srv?.stop(); });

const post = (body) => srv.api('POST', '/units', { token: tok, body });
const get = (id) => srv.api('GET', `/units/${id}`, { token: tok });
const patch = (id, body) => srv.api('PATCH', `/units/${id}`, { token: tok, body });
const del = (id) => srv.api('DELETE', `/units/${id}`, { token: tok });
const move = (id, parent_id) => srv.api('POST', `/units/${id}/move`, { token: tok, body: { parent_id } });

it('the demo city is 海岳市 with code 370699000000; staff may create, update, delete units', async () => {
	assert.equal(fx.city.name, '海岳市');
	assert.equal(fx.city.code, '370699000000');
	assert.equal(fx.city.kind, 'city');
	assert.equal(fx.city.path, `/${fx.city.id}/`);
	for (const p of ['unit:read', 'unit:create', 'unit:update', 'unit:delete']) {
		assert.ok(fx.staff.user.permissions.includes(p), `dept_staff lacks ${p}`);
	}
});

let town;
it('POST /units creates under a parent (201) with path and version', async () => {
	const before = await get(fx.city.id);
	const r = await post({ parent_id: fx.city.id, name: '测试新镇', kind: 'town', code: '370699201000', sort: 99 });
	assert.equal(r.status, 201, r.text);
	town = r.json;
	assert.equal(typeof town.id, 'number');
	assert.equal(town.parent_id, fx.city.id);
	assert.equal(town.name, '测试新镇');
	assert.equal(town.kind, 'town');
	assert.equal(town.code, '370699201000');
	assert.equal(town.sort, 99);
	assert.equal(town.active, true);
	assert.equal(town.path, `${fx.city.path}${town.id}/`);
	assert.equal(town.child_count, 0);
	assert.equal(typeof town.version, 'number');
	const g = await get(town.id);
	assert.equal(g.status, 200, g.text);
	assert.equal(g.json.name, '测试新镇');
	assert.ok(JSON.stringify(g.json.path_names).includes('海岳市'), `path_names lacks the city: ${JSON.stringify(g.json.path_names)}`);
	const after = await get(fx.city.id);
	assert.equal(after.json.child_count, before.json.child_count + 1);
	// code is optional
	const nocode = await post({ parent_id: town.id, name: '无代码村', kind: 'village' });
	assert.equal(nocode.status, 201, nocode.text);
	assert.equal(nocode.json.code ?? null, null);
	assert.equal(nocode.json.path, `${town.path}${nocode.json.id}/`);
});

it('kind must come from the dictionary (400 fields.kind)', async () => {
	assertError(await post({ parent_id: fx.city.id, name: '城堡', kind: 'castle' }), 400, 'validation.failed', 'kind');
	assertError(await post({ parent_id: fx.city.id, name: '空', kind: '' }), 400, 'validation.failed', 'kind');
	assertError(await post({ parent_id: fx.city.id, name: '缺' }), 400, 'validation.failed', 'kind');
	assertError(await patch(town.id, { kind: 'castle' }), 400, 'validation.failed', 'kind');
	assert.equal((await get(town.id)).json.kind, 'town');
});

it('name is required and not blank (400 fields.name)', async () => {
	assertError(await post({ parent_id: fx.city.id, kind: 'department' }), 400, 'validation.failed', 'name');
	assertError(await post({ parent_id: fx.city.id, name: '', kind: 'department' }), 400, 'validation.failed', 'name');
	assertError(await post({ parent_id: fx.city.id, name: '   ', kind: 'department' }), 400, 'validation.failed', 'name');
});

it('code: 12 digits starting with the nearest coded ancestor\'s prefix (400 fields.code)', async () => {
	const bad = ['37069920200A', '3706992020', '3706992020001', '37069920200１', '370700202000', ' 370699202000'];
	for (const code of bad) {
		assertError(await post({ parent_id: fx.city.id, name: '坏代码镇', kind: 'town', code }), 400, 'validation.failed', 'code');
	}
	// under the new town (370699201…) a village must start with 370699201
	assertError(await post({ parent_id: town.id, name: '错前缀村', kind: 'village', code: '370699202001' }), 400, 'validation.failed', 'code');
	const ok = await post({ parent_id: town.id, name: '对前缀村', kind: 'village', code: '370699201001' });
	assert.equal(ok.status, 201, ok.text);
	// PATCH validates too
	assertError(await patch(ok.json.id, { code: '123' }), 400, 'validation.failed', 'code');
	assertError(await patch(ok.json.id, { code: '370699202002' }), 400, 'validation.failed', 'code');
	assert.equal((await get(ok.json.id)).json.code, '370699201001');
	// a uncoded unit's child checks against the nearest ancestor that has a code (the town)
	const kids = await srv.listAll(`/units?parent=${town.id}`, { token: tok });
	const uncoded = kids.find((u) => u.name === '无代码村');
	assertError(await post({ parent_id: uncoded.id, name: '孙', kind: 'community', code: '370700000001' }), 400, 'validation.failed', 'code');
});

it('rename with version; a stale version is 409 conflict.version', async () => {
	const cur = (await get(town.id)).json;
	const r = await patch(town.id, { name: '测试改名镇', version: cur.version });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.name, '测试改名镇');
	assert.ok(r.json.version > cur.version, `version did not advance: ${cur.version} → ${r.json.version}`);
	const stale = await patch(town.id, { name: '过期版本', version: cur.version });
	assertError(stale, 409, 'conflict.version');
	const now = (await get(town.id)).json;
	assert.equal(now.name, '测试改名镇');
	assert.equal(now.version, r.json.version);
	// without version the update applies
	const r2 = await patch(town.id, { sort: 7 });
	assert.equal(r2.status, 200, r2.text);
	assert.equal(r2.json.sort, 7);
	assert.equal(r2.json.name, '测试改名镇');
});

it('move a subtree: the children\'s path follows; a move into its own subtree is 400', async () => {
	const zone = await post({ parent_id: fx.city.id, name: '测试开发区', kind: 'zone' });
	assert.equal(zone.status, 201, zone.text);
	const a = await post({ parent_id: fx.city.id, name: '待迁镇', kind: 'town' });
	assert.equal(a.status, 201, a.text);
	const b = await post({ parent_id: a.json.id, name: '待迁村', kind: 'village' });
	const c = await post({ parent_id: a.json.id, name: '待迁社区', kind: 'community' });
	assert.equal(b.status, 201, b.text);
	assert.equal(c.status, 201, c.text);

	const m = await move(a.json.id, zone.json.id);
	assert.equal(m.status, 200, m.text);
	const A = (await get(a.json.id)).json;
	const B = (await get(b.json.id)).json;
	const C = (await get(c.json.id)).json;
	assert.equal(A.parent_id, zone.json.id);
	assert.equal(A.path, `${zone.json.path}${A.id}/`);
	assert.equal(B.path, `${A.path}${B.id}/`);
	assert.equal(C.path, `${A.path}${C.id}/`);
	assert.ok(JSON.stringify(B.path_names).includes('测试开发区'), `path_names after move: ${JSON.stringify(B.path_names)}`);
	const sub = await srv.listAll(`/units?subtree=${zone.json.id}`, { token: tok });
	assert.deepEqual(sub.map((u) => u.id).sort((x, y) => x - y), [zone.json.id, A.id, B.id, C.id].sort((x, y) => x - y));
	assert.equal((await get(zone.json.id)).json.child_count, 1);

	assertError(await move(A.id, B.id), 400, 'validation.failed');
	assertError(await move(A.id, A.id), 400, 'validation.failed');
	assertError(await move(zone.json.id, C.id), 400, 'validation.failed');
	assert.equal((await get(A.id)).json.parent_id, zone.json.id);
	assert.equal((await get(zone.json.id)).json.parent_id, fx.city.id);
	// move to an unknown parent
	const ghost = await move(B.id, 987654321);
	assert.ok(ghost.status === 404 || ghost.status === 400, ghost.text);
	assert.equal((await get(B.id)).json.parent_id, A.id);
});

it('delete: with children 409 conflict.has_children; with users 409; a leaf 204 then 404', async () => {
	const a = await post({ parent_id: fx.city.id, name: '待删镇', kind: 'town' });
	const leaf = await post({ parent_id: a.json.id, name: '待删村', kind: 'village' });
	assert.equal(leaf.status, 201, leaf.text);
	assertError(await del(a.json.id), 409, 'conflict.has_children');
	assertError(await del(fx.city.id), 409, 'conflict.has_children');
	// a village with a user in it (village1's)
	assertError(await del(fx.village1.user.unit_id), 409, /^conflict/);
	assert.equal((await get(fx.village1.user.unit_id)).status, 200);

	const d = await del(leaf.json.id);
	assert.equal(d.status, 204, d.text);
	assert.equal(d.text, '');
	assertError(await get(leaf.json.id), 404, 'not_found');
	assertError(await del(leaf.json.id), 404, 'not_found');
	assertError(await patch(leaf.json.id, { name: 'x' }), 404, 'not_found');
	// now the parent is a leaf and can go
	assert.equal((await del(a.json.id)).status, 204);
	assertError(await get(a.json.id), 404, 'not_found');
});

it('unknown ids are 404; a non-numeric id is 4xx', async () => {
	assertError(await get(987654321), 404, 'not_found');
	assertError(await patch(987654321, { name: 'x' }), 404, 'not_found');
	assertError(await del(987654321), 404, 'not_found');
	const r = await srv.api('GET', '/units/abc', { token: tok });
	assert.ok(r.status === 404 || r.status === 400, r.text);
	assert.ok(r.json?.error, r.text);
});

it('lists: paging with limit/after, kind and name filters', async () => {
	const p1 = await srv.api('GET', `/units?subtree=${fx.city.id}&limit=2`, { token: tok });
	assert.equal(p1.status, 200, p1.text);
	assert.equal(p1.json.items.length, 2);
	assert.equal(typeof p1.json.next, 'string');
	const p2 = await srv.api('GET', `/units?subtree=${fx.city.id}&limit=2&after=${encodeURIComponent(p1.json.next)}`, { token: tok });
	assert.equal(p2.status, 200, p2.text);
	assert.equal(p2.json.items.length, 2);
	const ids1 = p1.json.items.map((u) => u.id);
	assert.ok(!p2.json.items.some((u) => ids1.includes(u.id)), 'pages overlap');
	const dflt = await srv.api('GET', `/units?subtree=${fx.city.id}`, { token: tok });
	assert.equal(dflt.json.items.length, 50, 'default page size is not 50');

	const towns = await srv.listAll(`/units?subtree=${fx.city.id}&kind=town`, { token: tok });
	assert.ok(towns.length > 0);
	assert.ok(towns.every((u) => u.kind === 'town'), 'kind filter leaks other kinds');
	const q = await srv.listAll(`/units?subtree=${fx.city.id}&q=${encodeURIComponent('测试改名')}`, { token: tok });
	assert.deepEqual(q.map((u) => u.name), ['测试改名镇']);
	const kids = await srv.listAll(`/units?parent=${town.id}`, { token: tok });
	assert.ok(kids.length >= 2);
	assert.ok(kids.every((u) => u.parent_id === town.id));
});
