// `tongxin user …` against the database of a running server.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx;
const it = tracked(() => srv);
before(async () => {
	srv = await startServer();
	fx = await demoFixture(srv);
});
after(async () => { await srv?.stop(); });

const cli = (args, o = {}) => srv.cli([...args, '--db', srv.db, '--keys', srv.keys], o);
const ok = (r, what) => assert.equal(r.status, 0, `${what}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
const refused = (r, what) => {
	assert.notEqual(r.status, 0, `${what} exited 0: ${r.stdout}`);
	assert.ok(r.stderr.trim().length > 0, `${what}: no reason on stderr`);
};

it('user list shows every demo account with its roles', () => {
	const r = cli(['user', 'list']);
	ok(r, 'user list');
	for (const [u, role] of [['admin', 'sysadmin'], ['secadmin', 'secadmin'], ['auditor', 'auditor'], ['staff', 'dept_staff'],
		['town1', 'town_officer'], ['village1', 'village_liaison'], ['rep1', 'representative']]) {
		const line = r.stdout.split('\n').find((l) => new RegExp(`(^|\\s)${u}(\\s|$)`).test(l));
		assert.ok(line, `user list lacks ${u}:\n${r.stdout}`);
		assert.ok(line.includes(role), `user list line for ${u} lacks ${role}: ${line}`);
	}
	assert.ok(!r.stdout.includes(srv.password), 'user list prints a password');
	assert.ok(!r.stdout.includes('$argon2'), 'user list prints a password hash');
});

it('user lock ends the sessions and refuses sign-in; user unlock lets them in', async () => {
	const s = await srv.login('town2');
	ok(cli(['user', 'lock', 'town2']), 'user lock town2');
	assertError(await srv.api('GET', '/me', { token: s.token }), 401, /^auth\./);
	// a CLI lock disables the account: sign-in is refused (auth.locked, or the
	// same auth.invalid as a wrong password), and the account shows it
	assertError(await srv.api('POST', '/session', { body: { username: 'town2', password: srv.password } }), 401, /^auth\.(locked|invalid)$/);
	const sec = await srv.login('secadmin');
	const u = await srv.api('GET', `/users/${fx.town2.user.id}`, { token: sec.token });
	assert.ok(u.json.locked === true || u.json.active === false, `a CLI-locked account shows neither locked nor inactive: ${u.text}`);
	ok(cli(['user', 'unlock', 'town2']), 'user unlock town2');
	const again = await srv.login('town2');
	assert.equal(again.user.locked, false);
});

it('user unlock clears a lockout from wrong passwords', async () => {
	for (let i = 0; i < 5; i++) await srv.api('POST', '/session', { body: { username: 'leader', password: `Wrong-${i}-Pass!` } });
	assertError(await srv.api('POST', '/session', { body: { username: 'leader', password: srv.password } }), 401, 'auth.locked');
	ok(cli(['user', 'unlock', 'leader']), 'user unlock leader');
	await srv.login('leader');
});

it('user add creates an account that must change its password', async () => {
	const pw = 'Cli-Added-2026!x';
	ok(cli(['user', 'add', '--username', 'cliuser', '--name', '命令行用户', '--unit', String(fx.town1Unit), '--role', 'town_officer', '--password-stdin'],
		{ input: pw + '\n' }), 'user add');
	const s = await srv.login('cliuser', pw);
	assert.equal(s.user.must_change_password, true);
	assert.deepEqual(s.user.roles, ['town_officer']);
	assert.equal(s.user.unit_id, fx.town1Unit);
	assertError(await srv.api('GET', '/units', { token: s.token }), 403, 'auth.password_change_required');
	// the same username again fails
	refused(cli(['user', 'add', '--username', 'cliuser', '--name', 'x', '--unit', String(fx.town1Unit), '--role', 'town_officer', '--password-stdin'],
		{ input: pw + '\n' }), 'user add of an existing username');
	// a weak password, an unknown role or unit fail
	refused(cli(['user', 'add', '--username', 'cliweak', '--name', 'x', '--unit', String(fx.town1Unit), '--role', 'town_officer', '--password-stdin'],
		{ input: 'abc\n' }), 'user add with a weak password');
	refused(cli(['user', 'add', '--username', 'clirole', '--name', 'x', '--unit', String(fx.town1Unit), '--role', 'emperor', '--password-stdin'],
		{ input: pw + '\n' }), 'user add with an unknown role');
	refused(cli(['user', 'add', '--username', 'cliunit', '--name', 'x', '--unit', '987654321', '--role', 'town_officer', '--password-stdin'],
		{ input: pw + '\n' }), 'user add with an unknown unit');
	const list = cli(['user', 'list']).stdout;
	for (const u of ['cliweak', 'clirole', 'cliunit']) assert.ok(!new RegExp(`\\b${u}\\b`).test(list), `${u} was created`);
});

it('user passwd sets a password that must be changed', async () => {
	const pw = 'Cli-Passwd-2026!x';
	ok(cli(['user', 'passwd', 'village1', '--password-stdin'], { input: pw + '\n' }), 'user passwd');
	assertError(await srv.api('POST', '/session', { body: { username: 'village1', password: srv.password } }), 401, 'auth.invalid');
	const s = await srv.login('village1', pw);
	assert.equal(s.user.must_change_password, true);
	refused(cli(['user', 'passwd', 'no_such_user', '--password-stdin'], { input: pw + '\n' }), 'user passwd of an unknown user');
	refused(cli(['user', 'lock', 'no_such_user']), 'user lock of an unknown user');
});

it('migrate on an up-to-date database is a no-op; the audit chain is intact', async () => {
	ok(cli(['migrate']), 'migrate');
	ok(cli(['audit', 'verify']), 'audit verify');
	assert.equal((await srv.http('GET', '/healthz')).status, 200);
});
