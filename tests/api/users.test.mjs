// Users (update with versions, deactivate) and roles (custom roles, grants).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, admin, sec;
const it = tracked(() => srv);
before(async () => {
	srv = await startServer();
	fx = await demoFixture(srv);
	admin = await srv.login('admin');
	sec = await srv.login('secadmin');
});
after(async () => { await srv?.stop(); });

const newUser = async (username, roles = ['dept_staff'], unit_id = fx.city.id) => {
	const pw = 'Some-User-Pass-2026!';
	const r = await srv.api('POST', '/users', { token: admin.token, body: { username, name: `用户${username}`, unit_id, roles, password: pw } });
	assert.equal(r.status, 201, r.text);
	// sign in once and change the password so the account is usable
	const s = await srv.login(username, pw);
	const ch = await srv.api('POST', '/me/password', { token: s.token, body: { old_password: pw, new_password: srv.password } });
	assert.equal(ch.status, 204, ch.text);
	return r.json;
};

it('POST /users validates: username shape, unknown unit, unknown role, missing fields', async () => {
	const base = { username: 'valid_u', name: '有效', unit_id: fx.city.id, roles: ['dept_staff'], password: 'Valid-User-2026!' };
	assertError(await srv.api('POST', '/users', { token: admin.token, body: { ...base, username: 'bad user!' } }), 400, 'validation.failed', 'username');
	assertError(await srv.api('POST', '/users', { token: admin.token, body: { ...base, username: '' } }), 400, 'validation.failed', 'username');
	const ghostUnit = await srv.api('POST', '/users', { token: admin.token, body: { ...base, unit_id: 987654321 } });
	assert.ok(ghostUnit.status === 400 || ghostUnit.status === 404, ghostUnit.text);
	assertError(await srv.api('POST', '/users', { token: admin.token, body: { ...base, roles: ['no_such_role'] } }), 400, 'validation.failed');
	const { name, ...noName } = base;
	assert.ok(name);
	assertError(await srv.api('POST', '/users', { token: admin.token, body: noName }), 400, 'validation.failed', 'name');
	const list = await srv.listAll('/users?q=valid_u', { token: admin.token });
	assert.deepEqual(list.filter((u) => u.username === 'valid_u'), []);
});

it('PATCH /users/{id} with version; stale version is 409 conflict.version', async () => {
	const u = await newUser('patchme');
	const cur = (await srv.api('GET', `/users/${u.id}`, { token: admin.token })).json;
	const r = await srv.api('PATCH', `/users/${u.id}`, { token: admin.token, body: { name: '改过名', version: cur.version } });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.name, '改过名');
	assert.ok(r.json.version > cur.version);
	assertError(await srv.api('PATCH', `/users/${u.id}`, { token: admin.token, body: { name: '过期', version: cur.version } }), 409, 'conflict.version');
	const mv = await srv.api('PATCH', `/users/${u.id}`, { token: admin.token, body: { unit_id: fx.town1Unit } });
	assert.equal(mv.status, 200, mv.text);
	assert.equal(mv.json.unit_id, fx.town1Unit);
	assert.equal(mv.json.unit_name, (await srv.api('GET', `/units/${fx.town1Unit}`, { token: fx.staff.token })).json.name);
	// read-only fields are refused
	const ro = await srv.api('PATCH', `/users/${u.id}`, { token: admin.token, body: { locked: false } });
	assert.equal(ro.status, 400, ro.text);
	const ro2 = await srv.api('PATCH', `/users/${u.id}`, { token: admin.token, body: { username: 'renamed' } });
	assert.equal(ro2.status, 400, ro2.text);
	const ro3 = await srv.api('PATCH', `/users/${u.id}`, { token: admin.token, body: { roles: ['sysadmin'] } });
	assert.equal(ro3.status, 400, `roles must go through PUT /roles: ${ro3.text}`);
	assert.deepEqual((await srv.api('GET', `/users/${u.id}`, { token: admin.token })).json.roles, ['dept_staff']);
});

it('DELETE /users/{id} deactivates and ends the sessions', async () => {
	const u = await newUser('leaver');
	const s = await srv.login('leaver');
	assert.equal((await srv.api('GET', '/me', { token: s.token })).status, 200);
	const d = await srv.api('DELETE', `/users/${u.id}`, { token: admin.token });
	assert.ok(d.status === 204 || d.status === 200, d.text);
	assertError(await srv.api('GET', '/me', { token: s.token }), 401, /^auth\./);
	assertError(await srv.api('GET', '/me', { cookie: s.cookie }), 401, /^auth\./);
	const again = await srv.api('POST', '/session', { body: { username: 'leaver', password: srv.password } });
	assert.equal(again.status, 401, again.text);
	const g = await srv.api('GET', `/users/${u.id}`, { token: admin.token });
	assert.equal(g.status, 200, g.text);
	assert.equal(g.json.active, false);
});

it('a town officer edits users only inside its town, and cannot move them out', async () => {
	const v1 = fx.village1.user;
	const r = await srv.api('PATCH', `/users/${v1.id}`, { token: fx.town1.token, body: { name: '村联络员甲' } });
	assert.equal(r.status, 200, r.text);
	const out = await srv.api('PATCH', `/users/${v1.id}`, { token: fx.town1.token, body: { unit_id: fx.town2Unit } });
	const ghost = await srv.api('PATCH', `/users/${v1.id}`, { token: fx.town1.token, body: { unit_id: 987654321 } });
	assert.ok(out.status >= 400 && out.status < 500, `moving a user into another town: ${out.status} ${out.text}`);
	assert.equal(out.status, ghost.status, `foreign unit ${out.text} vs unknown unit ${ghost.text}`);
	const g = await srv.api('GET', `/users/${v1.id}`, { token: fx.staff.token });
	assert.equal(g.json.unit_id, v1.unit_id);
	// and cannot touch itself into a wider scope either
	const self = await srv.api('PATCH', `/users/${fx.town1.user.id}`, { token: fx.town1.token, body: { unit_id: fx.city.id } });
	assert.ok(self.status >= 400 && self.status < 500, `town1 moved itself to the city: ${self.status} ${self.text}`);
	assert.equal((await srv.api('GET', `/users/${fx.town1.user.id}`, { token: fx.staff.token })).json.unit_id, fx.town1Unit);
});

it('GET /roles lists the nine built-in roles', async () => {
	const r = await srv.api('GET', '/roles', { token: sec.token });
	assert.equal(r.status, 200, r.text);
	const items = Array.isArray(r.json) ? r.json : r.json.items;
	const codes = items.map((x) => x.code);
	for (const c of ['sysadmin', 'secadmin', 'auditor', 'dept_staff', 'town_officer', 'village_liaison', 'dept_liaison', 'leader', 'representative']) {
		assert.ok(codes.includes(c), `no built-in role ${c}`);
	}
	const audRole = items.find((x) => x.code === 'auditor');
	assert.ok(audRole.permissions.includes('audit:read'));
	assert.ok(JSON.stringify(items.find((x) => x.code === 'dept_staff')).includes('统战部工作人员'));
	assertError(await srv.api('GET', '/roles', { token: fx.village1.token }), 403, 'auth.forbidden');
});

it('POST /roles accepts the documented body {code,name_zh,name_en,scope,permissions}', async () => {
	const r = await srv.api('POST', '/roles', {
		token: sec.token, body: { code: 'doc_role', name_zh: '文档角色', name_en: 'doc role', scope: 'unit', permissions: ['unit:read'] },
	});
	assert.equal(r.status, 201, `docs/api.md: POST /roles: ${r.status} ${r.text}`);
	// The administrators' own permissions cannot be put into a local role (三员分立).
	for (const p of ['audit:read', 'user:grant', 'role:write', 'user:unlock']) {
		const bad = await srv.api('POST', '/roles', {
			token: sec.token, body: { code: `r_${p.replace(':', '_')}`, name_zh: '越权', name_en: 'x', scope: 'all', permissions: ['unit:read', p] },
		});
		assertError(bad, 400, 'validation.failed', 'permissions');
	}
});

it('the system administrator cannot take over the auditor or the security administrator', async () => {
	const users = await srv.api('GET', '/users?q=auditor', { token: admin.token });
	const auditor = users.json.items.find((u) => u.username === 'auditor');
	assert.ok(auditor, 'auditor listed');
	assertError(await srv.api('POST', `/users/${auditor.id}/password`, { token: admin.token, body: { password: 'Takeover-2026!' } }), 403, 'auth.forbidden');
	assertError(await srv.api('PATCH', `/users/${auditor.id}`, { token: admin.token, body: { active: false } }), 403, 'auth.forbidden');
	const sa = (await srv.api('GET', '/users?q=secadmin', { token: admin.token })).json.items.find((u) => u.username === 'secadmin');
	assertError(await srv.api('POST', `/users/${sa.id}/password`, { token: admin.token, body: { password: 'Takeover-2026!' } }), 403, 'auth.forbidden');
	// The auditor can still sign in with the old password.
	const again = await srv.login('auditor');
	assert.ok(again.token);
});

// The server's role entity names the two labels name_zh and name_en (see /meta).
const roleBody = (code, scope, permissions) => ({ code, name_zh: `角色${code}`, name_en: `role ${code}`, scope, permissions });

it('secadmin creates a custom role and grants it; permissions and scope follow', async () => {
	const r = await srv.api('POST', '/roles', { token: sec.token, body: roleBody('reader_x', 'unit', ['unit:read']) });
	assert.equal(r.status, 201, r.text);
	assertError(await srv.api('POST', '/roles', { token: sec.token, body: roleBody('reader_x', 'unit', ['unit:read']) }), 409, 'conflict');
	assertError(await srv.api('POST', '/roles', { token: sec.token, body: roleBody('bad_scope', 'galaxy', ['unit:read']) }), 400, 'validation.failed', 'scope');
	assertError(await srv.api('POST', '/roles', { token: admin.token, body: roleBody('by_admin', 'unit', ['unit:read']) }), 403, 'auth.forbidden');
	const u = await newUser('reader1', ['dept_staff'], fx.town2Unit);
	const g = await srv.api('PUT', `/users/${u.id}/roles`, { token: sec.token, body: { roles: ['reader_x'] } });
	assert.ok(g.status === 200 || g.status === 204, g.text);
	const s = await srv.login('reader1');
	assert.deepEqual(s.user.roles, ['reader_x']);
	assert.deepEqual(s.user.permissions, ['unit:read']);
	assert.equal(s.user.scope, 'unit');
	assert.equal((await srv.api('GET', `/units/${fx.town2Unit}`, { token: s.token })).status, 200);
	assertError(await srv.api('GET', `/units/${fx.town1Unit}`, { token: s.token }), 404, 'not_found');
	assertError(await srv.api('GET', '/users', { token: s.token }), 403, 'auth.forbidden');
	// a role in use cannot be deleted; a built-in one never
	const del = await srv.api('DELETE', '/roles/reader_x', { token: sec.token });
	assertError(del, 409, /^conflict/);
	const delB = await srv.api('DELETE', '/roles/auditor', { token: sec.token });
	assert.ok(delB.status >= 400 && delB.status < 500, delB.text);
	const patchB = await srv.api('PATCH', '/roles/sysadmin', { token: sec.token, body: { permissions: ['*'] } });
	assert.ok(patchB.status >= 400 && patchB.status < 500, patchB.text);
});

it('unknown permissions in a role are refused', async () => {
	for (const p of ['unit:fly', 'nonsense', '']) {
		const r = await srv.api('POST', '/roles', { token: sec.token, body: roleBody('odd_perm', 'unit', [p]) });
		assertError(r, 400, 'validation.failed');
	}
});

it('三员分立 holds against custom roles: secadmin cannot gain audit:read or all powers', async () => {
	for (const [code, perms] of [['omni', ['*']], ['audit_too', ['audit:read']], ['wild', ['audit:*']]]) {
		const c = await srv.api('POST', '/roles', { token: sec.token, body: roleBody(code, 'all', perms) });
		if (c.status === 201) {
			const g = await srv.api('PUT', `/users/${sec.user.id}/roles`, { token: sec.token, body: { roles: ['secadmin', code] } });
			assert.ok(g.status >= 400, `secadmin granted itself ${perms}: ${g.status} ${g.text}`);
		} else {
			assert.equal(c.status, 400, c.text);
		}
	}
	const fresh = await srv.login('secadmin');
	assert.ok(!fresh.user.permissions.some((p) => p === '*' || p.startsWith('audit:')), `secadmin now holds ${fresh.user.permissions}`);
	assertError(await srv.api('GET', '/audit', { token: fresh.token }), 403, 'auth.forbidden');
});
