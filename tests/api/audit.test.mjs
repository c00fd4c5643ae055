// Every create/update/delete is in the audit log with entity, id and changes.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, demoFixture } from './harness.mjs';

let srv, fx, aud;
const it = tracked(() => srv);
before(async () => {
	srv = await startServer();
	fx = await demoFixture(srv);
	aud = await srv.login('auditor');
});
after(async () => { await srv?.stop(); });

const entriesFor = async (entity, id) =>
	(await srv.listAll('/audit', { token: aud.token })).filter((e) => e.entity === entity && String(e.entity_id) === String(id));

it('unit create, update, move and delete are audited with entity, id and changed fields', async () => {
	const tok = fx.staff.token;
	const c = await srv.api('POST', '/units', { token: tok, body: { parent_id: fx.city.id, name: '审计测试部', kind: 'department' } });
	assert.equal(c.status, 201, c.text);
	const id = c.json.id;
	const u = await srv.api('PATCH', `/units/${id}`, { token: tok, body: { name: '审计改名部', version: c.json.version } });
	assert.equal(u.status, 200, u.text);
	const m = await srv.api('POST', `/units/${id}/move`, { token: tok, body: { parent_id: fx.town1Unit } });
	assert.equal(m.status, 200, m.text);
	const d = await srv.api('DELETE', `/units/${id}`, { token: tok });
	assert.equal(d.status, 204, d.text);

	const es = await entriesFor('unit', id);
	const by = (re) => es.filter((e) => re.test(e.action));
	const created = by(/^unit\.create$/);
	const updated = by(/^unit\.update$/);
	const moved = by(/^unit\.move$/);
	const deleted = by(/^unit\.delete$/);
	const dump = JSON.stringify(es, null, 1);
	assert.equal(created.length, 1, `unit.create entries: ${dump}`);
	assert.ok(updated.length >= 1, `unit.update entries: ${dump}`);
	assert.ok(moved.length + updated.length >= 2, `no entry for the move: ${dump}`);
	assert.equal(deleted.length, 1, `unit.delete entries: ${dump}`);
	for (const e of es) {
		assert.equal(e.actor, 'staff');
		assert.equal(e.actor_id, fx.staff.user.id);
		assert.equal(e.ip, '127.0.0.1');
		assert.equal(e.result, 'ok');
		assert.equal(typeof e.hash, 'string');
		assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
	}
	assert.ok(JSON.stringify(created[0].detail).includes('审计测试部'), `create detail: ${JSON.stringify(created[0].detail)}`);
	const upd = JSON.stringify(updated[0].detail);
	assert.ok(upd.includes('"name"'), `update detail does not name the changed field: ${upd}`);
	assert.ok(upd.includes('审计改名部'), `update detail lacks the new value: ${upd}`);
	const mv = JSON.stringify((moved[0] || updated[1]).detail);
	assert.ok(mv.includes('parent_id'), `move detail: ${mv}`);
	// order: create < update < delete
	assert.ok(created[0].seq < updated[0].seq && updated[0].seq < deleted[0].seq);
});

it('user create and update are audited; the password is not', async () => {
	const admin = await srv.login('admin');
	const pw = 'Audited-User-2026!x';
	const c = await srv.api('POST', '/users', {
		token: admin.token,
		body: { username: 'audited1', name: '被审计', unit_id: fx.city.id, roles: ['dept_staff'], password: pw },
	});
	assert.equal(c.status, 201, c.text);
	const p = await srv.api('PATCH', `/users/${c.json.id}`, { token: admin.token, body: { name: '改名被审计' } });
	assert.equal(p.status, 200, p.text);
	const del = await srv.api('DELETE', `/users/${c.json.id}`, { token: admin.token });
	assert.ok(del.status === 204 || del.status === 200, del.text);
	const es = await entriesFor('user', c.json.id);
	const dump = JSON.stringify(es, null, 1);
	assert.ok(es.some((e) => e.action === 'user.create' && e.actor === 'admin'), dump);
	const upd = es.find((e) => e.action === 'user.update');
	assert.ok(upd, dump);
	assert.ok(JSON.stringify(upd.detail).includes('改名被审计'), dump);
	assert.ok(es.some((e) => /^user\.(delete|deactivate)$/.test(e.action)), dump);
	const all = JSON.stringify(await srv.listAll('/audit', { token: aud.token }));
	assert.ok(!all.includes(pw), 'a password is in the audit log');
	assert.ok(!all.includes(srv.password), 'a password is in the audit log');
	// deleted (deactivated) user cannot sign in
	const s = await srv.api('POST', '/session', { body: { username: 'audited1', password: pw } });
	assert.equal(s.status, 401, s.text);
});

it('filters: ?action= and ?actor=', async () => {
	const byAction = await srv.listAll('/audit?action=unit.create', { token: aud.token });
	assert.ok(byAction.length >= 1);
	assert.ok(byAction.every((e) => e.action === 'unit.create'), 'action filter leaks');
	// the server takes the actor's user id (actor_id) for ?actor=
	const byActor = await srv.listAll(`/audit?actor=${fx.staff.user.id}`, { token: aud.token });
	assert.ok(byActor.length >= 1);
	assert.ok(byActor.every((e) => e.actor === 'staff' && e.actor_id === fx.staff.user.id), 'actor filter leaks');
	const page = await srv.api('GET', '/audit?limit=3', { token: aud.token });
	assert.equal(page.status, 200, page.text);
	assert.equal(page.json.items.length, 3);
	assert.equal(typeof page.json.next, 'string');
	const seqs = (await srv.listAll('/audit', { token: aud.token })).map((e) => e.seq);
	assert.equal(new Set(seqs).size, seqs.length, 'audit paging repeats entries');
});

it('the audit log cannot be changed through the API', async () => {
	for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) {
		const r = await srv.api(m, '/audit', { token: aud.token, body: m === 'DELETE' ? undefined : {} });
		assert.ok(r.status === 405 || r.status === 404 || r.status === 403, `${m} /audit: ${r.status}`);
	}
	const r = await srv.api('DELETE', '/audit/1', { token: aud.token });
	assert.ok(r.status === 405 || r.status === 404 || r.status === 403, `DELETE /audit/1: ${r.status}`);
});
