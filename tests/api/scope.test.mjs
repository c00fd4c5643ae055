// Data scope: a town officer sees only its own town's subtree; everything
// outside answers 404 exactly like an unknown id (never 403).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, t2Village, t1Village, t1Units, t1Perms;
const it = tracked(() => srv);
const NOPE = 987654321;

before(async () => {
	srv = await startServer();
	fx = await demoFixture(srv);
	t1Perms = fx.town1.user.permissions;
	const k2 = await srv.api('GET', `/units?parent=${fx.town2Unit}`, { token: fx.staff.token });
	assert.equal(k2.status, 200, k2.text);
	t2Village = k2.json.items[0];
	assert.ok(t2Village, 'town2 has no children');
	const k1 = await srv.api('GET', `/units?parent=${fx.town1Unit}`, { token: fx.staff.token });
	t1Village = k1.json.items.find((u) => u.id !== fx.village1.user.unit_id) || k1.json.items[0];
	assert.ok(t1Village, 'town1 has no children');
});
after(async () => { await srv?.stop(); });

it('demo fixture: town1 and town2 are different towns under the city; village1 is in town1', async () => {
	assert.notEqual(fx.town1Unit, fx.town2Unit);
	const t1 = await srv.api('GET', `/units/${fx.town1Unit}`, { token: fx.staff.token });
	const t2 = await srv.api('GET', `/units/${fx.town2Unit}`, { token: fx.staff.token });
	assert.equal(t1.status, 200, t1.text);
	assert.equal(t2.status, 200, t2.text);
	assert.equal(t1.json.parent_id, fx.city.id);
	assert.equal(t2.json.parent_id, fx.city.id);
	assert.ok(['town', 'street', 'zone'].includes(t1.json.kind), t1.json.kind);
	assert.ok(['town', 'street', 'zone'].includes(t2.json.kind), t2.json.kind);
	const v = await srv.api('GET', `/units/${fx.village1.user.unit_id}`, { token: fx.staff.token });
	assert.equal(v.json.parent_id, fx.town1Unit);
	assert.deepEqual(fx.town1.user.roles, ['town_officer']);
	assert.equal(fx.town1.user.scope, 'subtree');
	assert.ok(t1Perms.includes('unit:read') && t1Perms.includes('user:read'), `town_officer permissions: ${t1Perms}`);
});

it('town1: a unit of town2 by id is 404, the same answer as an unknown id', async () => {
	const unknown = await srv.api('GET', `/units/${NOPE}`, { token: fx.town1.token });
	assertError(unknown, 404, 'not_found');
	for (const id of [fx.town2Unit, t2Village.id, fx.city.id]) {
		const r = await srv.api('GET', `/units/${id}`, { token: fx.town1.token });
		assertError(r, 404, 'not_found');
		assert.deepEqual(r.json.error.code, unknown.json.error.code);
	}
	// its own units are visible
	const own = await srv.api('GET', `/units/${t1Village.id}`, { token: fx.town1.token });
	assert.equal(own.status, 200, own.text);
});

it('town1: PATCH and DELETE of a unit of town2 are 404 and change nothing', async () => {
	const before = await srv.api('GET', `/units/${t2Village.id}`, { token: fx.staff.token });
	const expectNo = (perm) => (t1Perms.includes(perm) ? [404, 'not_found'] : [403, 'auth.forbidden']);
	const p = await srv.api('PATCH', `/units/${t2Village.id}`, { token: fx.town1.token, body: { name: '被越权改名' } });
	assertError(p, ...expectNo('unit:update'));
	const d = await srv.api('DELETE', `/units/${t2Village.id}`, { token: fx.town1.token });
	assertError(d, ...expectNo('unit:delete'));
	const m = await srv.api('POST', `/units/${t2Village.id}/move`, { token: fx.town1.token, body: { parent_id: fx.town1Unit } });
	assertError(m, ...expectNo('unit:update'));
	const after = await srv.api('GET', `/units/${t2Village.id}`, { token: fx.staff.token });
	assert.equal(after.status, 200);
	assert.deepEqual(after.json, before.json, 'the out-of-scope unit changed');
});

it('town1: ?parent= and ?subtree= of another town are 404', async () => {
	assertError(await srv.api('GET', `/units?parent=${fx.town2Unit}`, { token: fx.town1.token }), 404, 'not_found');
	assertError(await srv.api('GET', `/units?parent=${fx.city.id}`, { token: fx.town1.token }), 404, 'not_found');
	assertError(await srv.api('GET', `/units?parent=${NOPE}`, { token: fx.town1.token }), 404, 'not_found');
	assertError(await srv.api('GET', `/units?subtree=${fx.town2Unit}`, { token: fx.town1.token }), 404, 'not_found');
	assertError(await srv.api('GET', `/units?subtree=${fx.city.id}`, { token: fx.town1.token }), 404, 'not_found');
});

it('town1: creating under or moving into another town is refused like an unknown parent', async () => {
	const ghost = await srv.api('POST', '/units', { token: fx.town1.token, body: { parent_id: NOPE, name: '幽灵村', kind: 'village' } });
	assert.ok(ghost.status >= 400 && ghost.status < 500, ghost.text);
	const foreign = await srv.api('POST', '/units', { token: fx.town1.token, body: { parent_id: fx.town2Unit, name: '越界村', kind: 'village' } });
	assert.equal(foreign.status, ghost.status, `foreign parent ${foreign.text} vs unknown parent ${ghost.text}`);
	assert.equal(foreign.json?.error?.code, ghost.json?.error?.code);
	const mvGhost = await srv.api('POST', `/units/${t1Village.id}/move`, { token: fx.town1.token, body: { parent_id: NOPE } });
	assert.ok(mvGhost.status >= 400 && mvGhost.status < 500, mvGhost.text);
	const mvForeign = await srv.api('POST', `/units/${t1Village.id}/move`, { token: fx.town1.token, body: { parent_id: fx.town2Unit } });
	assert.equal(mvForeign.status, mvGhost.status, `foreign move ${mvForeign.text} vs unknown ${mvGhost.text}`);
	const still = await srv.api('GET', `/units/${t1Village.id}`, { token: fx.staff.token });
	assert.equal(still.json.parent_id, fx.town1Unit);
	const kids = await srv.listAll(`/units?parent=${fx.town2Unit}`, { token: fx.staff.token });
	assert.ok(!kids.some((u) => u.name === '越界村'));
});

it("town1's unit lists never contain other towns' units", async () => {
	const roots = await srv.api('GET', '/units', { token: fx.town1.token });
	assert.equal(roots.status, 200, roots.text);
	assert.deepEqual(roots.json.items.map((u) => u.id), [fx.town1Unit]);
	const kids = await srv.listAll(`/units?parent=${fx.town1Unit}`, { token: fx.town1.token });
	assert.ok(kids.length > 0);
	assert.ok(kids.every((u) => u.parent_id === fx.town1Unit));
	const sub = await srv.listAll(`/units?subtree=${fx.town1Unit}`, { token: fx.town1.token });
	assert.ok(sub.some((u) => u.id === fx.town1Unit), 'subtree does not include its root');
	for (const u of sub) assert.ok(u.path.includes(`/${fx.town1Unit}/`), `unit ${u.id} path ${u.path} outside town1`);
	assert.ok(!sub.some((u) => u.id === fx.town2Unit || u.id === t2Village.id || u.id === fx.city.id));
	// the same set as staff sees for that subtree
	const staffSub = await srv.listAll(`/units?subtree=${fx.town1Unit}`, { token: fx.staff.token });
	assert.deepEqual(sub.map((u) => u.id).sort((a, b) => a - b), staffSub.map((u) => u.id).sort((a, b) => a - b));
	// a name search cannot reach outside either
	const q = await srv.listAll(`/units?subtree=${fx.town1Unit}&q=${encodeURIComponent(t2Village.name)}`, { token: fx.town1.token });
	for (const u of q) assert.ok(u.path.includes(`/${fx.town1Unit}/`));
});

it("town1: another town's user is 404 by GET and PATCH; the list is filtered", async () => {
	const t2id = fx.town2.user.id;
	const unknown = await srv.api('GET', `/users/${NOPE}`, { token: fx.town1.token });
	assertError(unknown, 404, 'not_found');
	assertError(await srv.api('GET', `/users/${t2id}`, { token: fx.town1.token }), 404, 'not_found');
	assertError(await srv.api('GET', `/users/${fx.staff.user.id}`, { token: fx.town1.token }), 404, 'not_found');
	const p = await srv.api('PATCH', `/users/${t2id}`, { token: fx.town1.token, body: { name: '被越权改名' } });
	if (t1Perms.includes('user:update')) assertError(p, 404, 'not_found');
	else assertError(p, 403, 'auth.forbidden');
	const t2 = await srv.api('GET', `/users/${t2id}`, { token: fx.staff.token });
	assert.equal(t2.status, 200, t2.text);
	assert.notEqual(t2.json.name, '被越权改名');

	const subIds = new Set((await srv.listAll(`/units?subtree=${fx.town1Unit}`, { token: fx.staff.token })).map((u) => u.id));
	const list = await srv.listAll('/users', { token: fx.town1.token });
	const names = list.map((u) => u.username);
	assert.ok(names.includes('town1'), `town1 not in its own list: ${names}`);
	assert.ok(names.includes('village1'), `village1 not in town1's list: ${names}`);
	for (const u of list) assert.ok(subIds.has(u.unit_id), `user ${u.username} (unit ${u.unit_id}) outside town1's subtree`);
	for (const n of ['town2', 'staff', 'leader', 'admin', 'secadmin', 'auditor', 'deptliaison', 'rep1']) {
		assert.ok(!names.includes(n), `town1's user list contains ${n}`);
	}
	const q = await srv.listAll('/users?q=town2', { token: fx.town1.token });
	assert.ok(!q.some((u) => u.username === 'town2'));
	// ?unit= of another town answers like an unknown unit
	const foreign = await srv.api('GET', `/users?unit=${fx.town2Unit}`, { token: fx.town1.token });
	const ghost = await srv.api('GET', `/users?unit=${NOPE}`, { token: fx.town1.token });
	assert.equal(foreign.status, ghost.status, `${foreign.text} vs ${ghost.text}`);
	if (foreign.status === 200) assert.deepEqual(foreign.json.items, []);
});

it('village1 cannot see its parent town', async () => {
	const v = fx.village1.user;
	assert.deepEqual(v.roles, ['village_liaison']);
	assert.ok(['unit', 'subtree'].includes(v.scope), v.scope);
	assertError(await srv.api('GET', `/units/${fx.town1Unit}`, { token: fx.village1.token }), 404, 'not_found');
	assertError(await srv.api('GET', `/units/${t1Village.id}`, { token: fx.village1.token }), 404, 'not_found');
	const own = await srv.api('GET', `/units/${v.unit_id}`, { token: fx.village1.token });
	assert.equal(own.status, 200, own.text);
});

it('staff sees everything under the city', async () => {
	for (const id of [fx.town1Unit, fx.town2Unit, t2Village.id, t1Village.id]) {
		const r = await srv.api('GET', `/units/${id}`, { token: fx.staff.token });
		assert.equal(r.status, 200, r.text);
	}
	const all = await srv.listAll(`/units?subtree=${fx.city.id}`, { token: fx.staff.token });
	assert.ok(all.length > 14 * 60, `only ${all.length} units under the city`);
	const ids = new Set(all.map((u) => u.id));
	assert.equal(ids.size, all.length, 'duplicate units across pages');
	for (const id of [fx.city.id, fx.town1Unit, fx.town2Unit, t2Village.id]) assert.ok(ids.has(id));
	const towns = (await srv.listAll(`/units?parent=${fx.city.id}`, { token: fx.staff.token }))
		.filter((u) => ['town', 'street', 'zone'].includes(u.kind));
	assert.equal(towns.length, 14, `expected 14 towns/streets/zones, got ${towns.length}`);
	const depts = (await srv.listAll(`/units?parent=${fx.city.id}`, { token: fx.staff.token })).filter((u) => u.kind === 'department');
	assert.ok(depts.length >= 15, `only ${depts.length} departments`);

	for (const u of [fx.town2.user, fx.town1.user, fx.village1.user]) {
		const r = await srv.api('GET', `/users/${u.id}`, { token: fx.staff.token });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.username, u.username);
	}
	const users = (await srv.listAll('/users', { token: fx.staff.token })).map((u) => u.username);
	for (const n of ['town1', 'town2', 'village1', 'deptliaison', 'leader']) assert.ok(users.includes(n), `staff's list lacks ${n}`);
	const byUnit = (await srv.listAll(`/users?unit=${fx.town2Unit}`, { token: fx.staff.token })).map((u) => u.username);
	assert.ok(byUnit.includes('town2'));
	assert.ok(!byUnit.includes('town1'), '?unit=town2 lists town1');
});
