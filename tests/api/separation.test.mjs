// 三员分立: sysadmin, secadmin and auditor are three people with disjoint powers.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, admin, sec, aud;
const it = tracked(() => srv);
const ADMIN_ROLES = ['sysadmin', 'secadmin', 'auditor'];
before(async () => {
	srv = await startServer();
	fx = await demoFixture(srv);
	admin = await srv.login('admin');
	sec = await srv.login('secadmin');
	aud = await srv.login('auditor');
});
after(async () => { await srv?.stop(); });

it('the three admin accounts hold one admin role each', async () => {
	assert.deepEqual(admin.user.roles, ['sysadmin']);
	assert.deepEqual(sec.user.roles, ['secadmin']);
	assert.deepEqual(aud.user.roles, ['auditor']);
});

it('POST /users with two of sysadmin/secadmin/auditor is 400', async () => {
	const pairs = [['sysadmin', 'secadmin'], ['sysadmin', 'auditor'], ['secadmin', 'auditor'], ADMIN_ROLES];
	for (const roles of pairs) {
		const r = await srv.api('POST', '/users', {
			token: admin.token,
			body: { username: `dual_${roles.join('_')}`, name: '双重', unit_id: fx.city.id, roles, password: 'Dual-Role-2026!x' },
		});
		assertError(r, 400, 'validation.failed');
	}
	// nothing was created
	const list = await srv.listAll('/users?q=dual_', { token: admin.token });
	assert.deepEqual(list.filter((u) => u.username.startsWith('dual_')), []);
});

it('PUT /users/{id}/roles with two admin roles is 400, for new and existing admins', async () => {
	const granter = [admin, sec].find((s) => s.user.permissions.includes('user:grant'));
	assert.ok(granter, 'neither sysadmin nor secadmin holds user:grant');
	const mk = await srv.api('POST', '/users', {
		token: admin.token,
		body: { username: 'plain1', name: '普通', unit_id: fx.city.id, roles: ['dept_staff'], password: 'Plain-User-2026!x' },
	});
	assert.equal(mk.status, 201, mk.text);
	for (const roles of [['sysadmin', 'auditor'], ['secadmin', 'auditor'], ['sysadmin', 'secadmin', 'dept_staff']]) {
		assertError(await srv.api('PUT', `/users/${mk.json.id}/roles`, { token: granter.token, body: { roles } }), 400, 'validation.failed');
	}
	for (const [who, extra] of [[admin, 'auditor'], [sec, 'sysadmin'], [aud, 'secadmin']]) {
		const r = await srv.api('PUT', `/users/${who.user.id}/roles`, { token: granter.token, body: { roles: [...who.user.roles, extra] } });
		assertError(r, 400, 'validation.failed');
	}
	// roles unchanged
	for (const who of [admin, sec, aud]) {
		const me = await srv.api('GET', '/me', { token: who.token });
		assert.deepEqual(me.json.roles, who.user.roles);
	}
	const u = await srv.api('GET', `/users/${mk.json.id}`, { token: admin.token });
	assert.deepEqual(u.json.roles, ['dept_staff']);
	// an ordinary grant goes through
	const ok = await srv.api('PUT', `/users/${mk.json.id}/roles`, { token: granter.token, body: { roles: ['dept_staff', 'leader'] } });
	assert.ok(ok.status === 200 || ok.status === 204, ok.text);
	const u2 = await srv.api('GET', `/users/${mk.json.id}`, { token: admin.token });
	assert.deepEqual([...u2.json.roles].sort(), ['dept_staff', 'leader']);
});

it('sysadmin cannot read the audit log (403)', async () => {
	assertError(await srv.api('GET', '/audit', { token: admin.token }), 403, 'auth.forbidden');
	assertError(await srv.api('GET', '/audit', { token: sec.token }), 403, 'auth.forbidden');
	assertError(await srv.api('GET', '/audit', { token: fx.staff.token }), 403, 'auth.forbidden');
	assert.ok(!admin.user.permissions.includes('audit:read'));
	const ok = await srv.api('GET', '/audit', { token: aud.token });
	assert.equal(ok.status, 200, ok.text);
	assert.ok(aud.user.permissions.includes('audit:read'));
});

it('auditor cannot create users (403)', async () => {
	const r = await srv.api('POST', '/users', {
		token: aud.token,
		body: { username: 'by_auditor', name: '审计建', unit_id: fx.city.id, roles: ['dept_staff'], password: 'By-Auditor-2026!x' },
	});
	assertError(r, 403, 'auth.forbidden');
	assertError(await srv.api('POST', '/units', { token: aud.token, body: { parent_id: fx.city.id, name: '审计建', kind: 'department' } }), 403, 'auth.forbidden');
	assertError(await srv.api('POST', `/users/${fx.town1.user.id}/unlock`, { token: aud.token }), 403, 'auth.forbidden');
	assertError(await srv.api('PUT', `/users/${fx.town1.user.id}/roles`, { token: aud.token, body: { roles: ['auditor'] } }), 403, 'auth.forbidden');
});

it('secadmin cannot create units (403)', async () => {
	const r = await srv.api('POST', '/units', { token: sec.token, body: { parent_id: fx.city.id, name: '安全建', kind: 'department' } });
	assertError(r, 403, 'auth.forbidden');
	const kids = await srv.listAll(`/units?parent=${fx.city.id}`, { token: fx.staff.token });
	assert.ok(!kids.some((u) => u.name === '安全建' || u.name === '审计建'));
});

it('ordinary roles cannot manage accounts (403)', async () => {
	for (const who of [fx.town1, fx.village1]) {
		assertError(await srv.api('PUT', `/users/${who.user.id}/roles`, { token: who.token, body: { roles: ['sysadmin'] } }), 403, 'auth.forbidden');
		assertError(await srv.api('GET', '/audit', { token: who.token }), 403, 'auth.forbidden');
	}
	const me = await srv.api('GET', '/me', { token: fx.town1.token });
	assert.deepEqual(me.json.roles, ['town_officer']);
});
