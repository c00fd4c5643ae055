// Sign in, /me, sign out; bearer and cookie; identical answers for unknown
// user and wrong password.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError, parseSetCookies } from './harness.mjs';

let srv;
const it = tracked(() => srv);
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

it('demo printed the sign-ins of every demo account', () => {
	for (const u of ['admin', 'secadmin', 'auditor', 'staff', 'leader', 'town1', 'town2', 'village1', 'deptliaison', 'rep1']) {
		assert.match(srv.setupOutput, new RegExp(`\\b${u}\\b`), `demo output does not name ${u}:\n${srv.setupOutput}`);
	}
});

it('sign-in returns a token, the user, and an HttpOnly SameSite=Strict cookie', async () => {
	const res = await srv.api('POST', '/session', { body: { username: 'staff', password: srv.password } });
	assert.equal(res.status, 200, res.text);
	assert.equal(typeof res.json.token, 'string');
	assert.ok(res.json.token.length >= 20, 'token is too short to be unguessable');
	assert.equal(res.json.user.username, 'staff');
	assert.ok(!('password' in res.json.user) && !('password_hash' in res.json.user), 'user object leaks a password field');
	const c = parseSetCookies(res.headers).tx_session;
	assert.ok(c, 'no tx_session cookie');
	assert.ok(c.value.length >= 20, 'cookie value too short');
	assert.ok(c.attrs.includes('httponly'), `cookie not HttpOnly: ${c.raw}`);
	assert.ok(c.attrs.includes('samesite=strict'), `cookie not SameSite=Strict: ${c.raw}`);
	assert.ok(c.attrs.includes('path=/'), `cookie without Path=/: ${c.raw}`);
});

it('GET /me with the bearer token answers the user object', async () => {
	const s = await srv.login('staff');
	const me = await srv.api('GET', '/me', { token: s.token });
	assert.equal(me.status, 200, me.text);
	const u = me.json;
	for (const k of ['id', 'username', 'name', 'unit_id', 'unit_name', 'roles', 'permissions', 'scope',
		'active', 'locked', 'must_change_password', 'created_at', 'version']) {
		assert.ok(k in u, `user object lacks ${k}: ${me.text}`);
	}
	assert.equal(u.username, 'staff');
	assert.deepEqual(u.roles, ['dept_staff']);
	assert.equal(u.scope, 'subtree');
	assert.equal(u.active, true);
	assert.equal(u.locked, false);
	assert.equal(u.must_change_password, false);
	assert.ok(u.permissions.includes('unit:read'), 'dept_staff lacks unit:read');
	assert.match(u.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
	assert.ok(!JSON.stringify(u).match(/"(password|password_hash|salt)"/), 'user object leaks password material');
	assert.equal(me.headers.get('content-type')?.split(';')[0].trim(), 'application/json');
});

it('GET /me with the cookie works too', async () => {
	const s = await srv.login('leader');
	const me = await srv.api('GET', '/me', { cookie: s.cookie });
	assert.equal(me.status, 200, me.text);
	assert.equal(me.json.username, 'leader');
	assert.deepEqual(me.json.roles, ['leader']);
});

it('rep1 is a representative with scope self', async () => {
	const s = await srv.login('rep1');
	assert.deepEqual(s.user.roles, ['representative']);
	assert.equal(s.user.scope, 'self');
});

it('without credentials /me is 401 auth.required; a made-up token is 401', async () => {
	assertError(await srv.api('GET', '/me'), 401, 'auth.required');
	const bad = await srv.api('GET', '/me', { token: 'x'.repeat(43) });
	assertError(bad, 401, /^auth\./);
	const badCookie = await srv.api('GET', '/me', { cookie: 'tx_session=' + 'y'.repeat(43) });
	assertError(badCookie, 401, /^auth\./);
});

it('DELETE /session ends the session on the server (bearer)', async () => {
	const s = await srv.login('staff');
	const other = await srv.login('staff');
	assert.notEqual(s.token, other.token, 'two sign-ins share a token');
	const out = await srv.api('DELETE', '/session', { token: s.token });
	assert.equal(out.status, 204, out.text);
	assert.equal(out.text, '');
	assertError(await srv.api('GET', '/me', { token: s.token }), 401, /^auth\./);
	// the cookie of the same (ended) session is refused as well
	assertError(await srv.api('GET', '/me', { cookie: s.cookie }), 401, /^auth\./);
	// another session of the same user lives on
	const me = await srv.api('GET', '/me', { token: other.token });
	assert.equal(me.status, 200, me.text);
});

it('DELETE /session ends the session on the server (cookie, with CSRF header)', async () => {
	const s = await srv.login('town1');
	const out = await srv.api('DELETE', '/session', { cookie: s.cookie });
	assert.equal(out.status, 204, out.text);
	assertError(await srv.api('GET', '/me', { cookie: s.cookie }), 401, /^auth\./);
	assertError(await srv.api('GET', '/me', { token: s.token }), 401, /^auth\./);
});

it('unknown user and wrong password give the identical 401 body', async () => {
	const unknown = await srv.api('POST', '/session', { body: { username: 'no_such_user_x', password: srv.password } });
	const wrong = await srv.api('POST', '/session', { body: { username: 'leader', password: 'Wrong-Password-123!' } });
	assertError(unknown, 401, 'auth.invalid');
	assertError(wrong, 401, 'auth.invalid');
	assert.equal(unknown.text, wrong.text, 'bodies differ: the answer tells whether the user exists');
	assert.equal(parseSetCookies(unknown.headers).tx_session, undefined, 'failed sign-in set a session cookie');
	assert.equal(parseSetCookies(wrong.headers).tx_session, undefined, 'failed sign-in set a session cookie');
	// the account still works afterwards
	await srv.login('leader');
});

it('sign-in with a malformed body is 400, not a crash', async () => {
	const r1 = await srv.api('POST', '/session', { body: '{"username":' });
	assertError(r1, 400, 'request.malformed');
	const r2 = await srv.api('POST', '/session', { body: { username: 'staff', password: 5 } });
	assertError(r2, 400, /^(request\.malformed|validation\.failed)$/);
	const h = await srv.http('GET', '/healthz');
	assert.equal(h.status, 200);
});
