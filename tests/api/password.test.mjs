// A user created by the admin must change the password before anything else;
// the password policy refuses weak passwords.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, admin;
const it = tracked(() => srv);
before(async () => {
	srv = await startServer();
	fx = await demoFixture(srv);
	admin = await srv.login('admin');
});
after(async () => { await srv?.stop(); });

const INITIAL = 'Initial-Pass-2026#';
const NEW = 'Changed-Pass-2026$';
let created;

it('admin creates a user with a password (201), who must change it', async () => {
	const r = await srv.api('POST', '/users', {
		token: admin.token,
		body: { username: 'newbie', name: '新同志', unit_id: fx.city.id, roles: ['dept_staff'], password: INITIAL },
	});
	assert.equal(r.status, 201, r.text);
	created = r.json;
	assert.equal(created.username, 'newbie');
	assert.equal(created.name, '新同志');
	assert.equal(created.unit_id, fx.city.id);
	assert.deepEqual(created.roles, ['dept_staff']);
	assert.equal(created.must_change_password, true);
	assert.ok(!JSON.stringify(created).includes(INITIAL), 'the answer echoes the password');
	// the same username again is a conflict
	const dup = await srv.api('POST', '/users', {
		token: admin.token,
		body: { username: 'newbie', name: '重名', unit_id: fx.city.id, roles: ['dept_staff'], password: INITIAL },
	});
	assertError(dup, 409, 'conflict');
});

it('until the change, other routes answer 403 auth.password_change_required', async () => {
	const s = await srv.login('newbie', INITIAL);
	assert.equal(s.user.must_change_password, true);
	const me = await srv.api('GET', '/me', { token: s.token });
	assert.equal(me.status, 200, me.text);
	assert.equal(me.json.must_change_password, true);
	assertError(await srv.api('GET', '/units', { token: s.token }), 403, 'auth.password_change_required');
	assertError(await srv.api('GET', `/units/${fx.city.id}`, { token: s.token }), 403, 'auth.password_change_required');
	assertError(await srv.api('GET', '/users', { token: s.token }), 403, 'auth.password_change_required');
	assertError(await srv.api('POST', '/units', {
		token: s.token, body: { parent_id: fx.city.id, name: '不该建成', kind: 'department' },
	}), 403, 'auth.password_change_required');
	assertError(await srv.api('GET', '/meta', { token: s.token }), 403, 'auth.password_change_required');
	// also through the cookie
	assertError(await srv.api('GET', '/units', { cookie: s.cookie }), 403, 'auth.password_change_required');
});

it('weak new passwords are refused with fields.new_password', async () => {
	const s = await srv.login('newbie', INITIAL);
	const tooShort = await srv.api('POST', '/me/password', { token: s.token, body: { old_password: INITIAL, new_password: 'Ab1!x' } });
	assertError(tooShort, 400, 'validation.failed', 'new_password');
	const twoClasses = await srv.api('POST', '/me/password', {
		token: s.token, body: { old_password: INITIAL, new_password: 'abcdefghijkl12345678' },
	});
	assertError(twoClasses, 400, 'validation.failed', 'new_password');
	const twoClassesB = await srv.api('POST', '/me/password', {
		token: s.token, body: { old_password: INITIAL, new_password: 'ABCDEFGHIJKLmnopqrst' },
	});
	assertError(twoClassesB, 400, 'validation.failed', 'new_password');
	// still forced
	assertError(await srv.api('GET', '/units', { token: s.token }), 403, 'auth.password_change_required');
});

it('a wrong old password is refused and changes nothing', async () => {
	const s = await srv.login('newbie', INITIAL);
	const r = await srv.api('POST', '/me/password', { token: s.token, body: { old_password: 'Not-The-Old-1!', new_password: NEW } });
	assert.ok(r.status >= 400 && r.status < 500, `wrong old password: ${r.status} ${r.text}`);
	assert.ok(r.json?.error, r.text);
	// the initial password still works; the new one does not
	await srv.login('newbie', INITIAL);
	const n = await srv.api('POST', '/session', { body: { username: 'newbie', password: NEW } });
	assertError(n, 401, 'auth.invalid');
});

it('POST /me/password with a good password ends the obligation', async () => {
	const s = await srv.login('newbie', INITIAL);
	const r = await srv.api('POST', '/me/password', { token: s.token, body: { old_password: INITIAL, new_password: NEW } });
	assert.equal(r.status, 204, r.text);
	const s2 = await srv.login('newbie', NEW);
	assert.equal(s2.user.must_change_password, false);
	const units = await srv.api('GET', '/units', { token: s2.token });
	assert.equal(units.status, 200, units.text);
	assert.ok(units.json.items.some((u) => u.id === fx.city.id));
	// the old password is gone
	assertError(await srv.api('POST', '/session', { body: { username: 'newbie', password: INITIAL } }), 401, 'auth.invalid');
});

it('an admin reset forces another change', async () => {
	const RESET = 'Reset-Pass-2026%x';
	const r = await srv.api('POST', `/users/${created.id}/password`, { token: admin.token, body: { password: RESET } });
	assert.ok(r.status === 200 || r.status === 204, `reset: ${r.status} ${r.text}`);
	const s = await srv.login('newbie', RESET);
	assert.equal(s.user.must_change_password, true);
	assertError(await srv.api('GET', '/units', { token: s.token }), 403, 'auth.password_change_required');
	// the reset password is checked against the policy too
	const weak = await srv.api('POST', `/users/${created.id}/password`, { token: admin.token, body: { password: 'short1' } });
	assertError(weak, 400, 'validation.failed', 'password');
});

it('a weak initial password for a new user is refused with fields.password', async () => {
	const r = await srv.api('POST', '/users', {
		token: admin.token,
		body: { username: 'weakling', name: '弱', unit_id: fx.city.id, roles: ['dept_staff'], password: 'abc' },
	});
	assertError(r, 400, 'validation.failed', 'password');
});

it('demo accounts are not forced to change their password', async () => {
	assert.equal(admin.user.must_change_password, false);
	assert.equal(fx.staff.user.must_change_password, false);
});
