// Five wrong passwords lock the account; the audit trail shows it; secadmin
// unlocks.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError } from './harness.mjs';

let srv;
const it = tracked(() => srv);
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

async function auditAfter(token, baseline) {
	const all = await srv.listAll('/audit', { token });
	return all.filter((e) => e.seq > baseline);
}

it('five wrong passwords lock; the right one is then refused; audit shows it; secadmin unlocks', async () => {
	const victim = await srv.login('village1');
	const victimId = victim.user.id;
	await srv.api('DELETE', '/session', { token: victim.token });

	const auditor = await srv.login('auditor');
	const before = await srv.listAll('/audit', { token: auditor.token });
	assert.ok(before.length > 0, 'audit log is empty even after sign-ins');
	const baseline = Math.max(...before.map((e) => e.seq));

	for (let i = 1; i <= 5; i++) {
		const r = await srv.api('POST', '/session', { body: { username: 'village1', password: `Wrong-Pass-${i}!x` } });
		assert.equal(r.status, 401, `attempt ${i}: ${r.status} ${r.text}`);
		assert.match(r.json.error.code, /^auth\.(invalid|locked)$/, `attempt ${i}`);
	}
	const right = await srv.api('POST', '/session', { body: { username: 'village1', password: srv.password } });
	assertError(right, 401, 'auth.locked');
	assert.equal(right.json.token, undefined);

	// another account is unaffected
	await srv.login('town1');

	// the auditor sees each failed attempt and the lockout
	const entries = await auditAfter(auditor.token, baseline);
	const about = entries.filter((e) => e.actor === 'village1' || String(e.actor_id) === String(victimId) ||
		String(e.entity_id) === String(victimId) || JSON.stringify(e.detail ?? '').includes('village1'));
	const failed = about.filter((e) => e.result !== 'ok');
	assert.ok(failed.length >= 5,
		`expected ≥5 failed sign-in entries for village1 after seq ${baseline}, got ${failed.length}:\n${JSON.stringify(about, null, 1)}`);
	const lock = about.find((e) => /lock/i.test(e.action) && !/unlock/i.test(e.action));
	assert.ok(lock, `no lockout entry for village1:\n${JSON.stringify(about, null, 1)}`);
	for (const e of entries) {
		assert.equal(typeof e.seq, 'number');
		assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
		assert.equal(typeof e.action, 'string');
		assert.equal(typeof e.hash, 'string');
		assert.ok(e.hash.length >= 32, 'hash too short');
		assert.equal(e.ip, '127.0.0.1', `entry ${e.seq} ip ${e.ip}`);
	}
	// the password must not be written into the audit trail
	assert.ok(!JSON.stringify(entries).includes('Wrong-Pass-'), 'audit log contains a tried password');
	assert.ok(!JSON.stringify(entries).includes(srv.password), 'audit log contains a password');

	// secadmin sees the account locked, and unlocks it
	const sec = await srv.login('secadmin');
	const u = await srv.api('GET', `/users/${victimId}`, { token: sec.token });
	assert.equal(u.status, 200, u.text);
	assert.equal(u.json.locked, true, `user not shown locked: ${u.text}`);

	// who may not unlock: a representative and the auditor
	const rep = await srv.login('rep1');
	assertError(await srv.api('POST', `/users/${victimId}/unlock`, { token: rep.token }), 403, 'auth.forbidden');
	assertError(await srv.api('POST', `/users/${victimId}/unlock`, { token: auditor.token }), 403, 'auth.forbidden');
	assertError(await srv.api('POST', '/session', { body: { username: 'village1', password: srv.password } }), 401, 'auth.locked');

	const un = await srv.api('POST', `/users/${victimId}/unlock`, { token: sec.token });
	assert.ok(un.status === 200 || un.status === 204, `unlock: ${un.status} ${un.text}`);
	const again = await srv.login('village1');
	assert.equal(again.user.locked, false);
	const u2 = await srv.api('GET', `/users/${victimId}`, { token: sec.token });
	assert.equal(u2.json.locked, false);

	// the unlock is audited too
	const after2 = await auditAfter(auditor.token, baseline);
	assert.ok(after2.some((e) => /unlock/i.test(e.action) && e.actor === 'secadmin'),
		'no unlock entry by secadmin in the audit log');
});

it('a lock does not survive: after unlock the failure counter starts over', async () => {
	// one wrong password after the unlock must not lock again at once
	const r = await srv.api('POST', '/session', { body: { username: 'village1', password: 'Wrong-Again-1!x' } });
	assertError(r, 401, 'auth.invalid');
	await srv.login('village1');
});
