// The command line: help, errors, `init` output and key files, the forced
// change for init's admins, `audit verify` and `user list` on a live database.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, tracked, assertError, BIN } from './harness.mjs';

let srv;
const it = tracked(() => srv);
before(async () => { srv = await startServer({ demo: false }); });
after(async () => { await srv?.stop(); });

// every CLI run happens in the server's temp dir, so stray defaults land there
const cli = (args, o = {}) => srv.cli(args, o);

const COMMANDS = [
	['init'], ['demo'], ['serve'], ['audit'], ['audit', 'verify'], ['user'], ['user', 'add'], ['user', 'passwd'],
	['user', 'lock'], ['user', 'unlock'], ['user', 'list'], ['migrate'], ['version'], ['help'],
];

function assertRefused(r, what) {
	assert.notEqual(r.status, 0, `${what} exited 0:\n${r.stdout}\n${r.stderr}`);
	assert.equal(r.signal, null, `${what} died of ${r.signal}`);
	assert.ok(r.status > 0 && r.status < 128, `${what}: odd exit ${r.status}`);
	const first = r.stderr.split('\n')[0];
	assert.ok(first.trim().length > 0, `${what}: no reason on stderr (stdout: ${r.stdout})`);
}

it('tongxin --help and help exit 0 and list the commands', () => {
	for (const args of [['--help'], ['help']]) {
		const r = cli(args);
		assert.equal(r.status, 0, `${args}: ${r.stderr}`);
		for (const c of ['init', 'demo', 'serve', 'audit', 'user', 'migrate', 'version']) {
			assert.ok(r.stdout.includes(c), `tongxin ${args} does not mention ${c}:\n${r.stdout}`);
		}
	}
});

it('every command takes --help and exits 0', () => {
	for (const c of COMMANDS) {
		const r = cli([...c, '--help']);
		assert.equal(r.status, 0, `tongxin ${c.join(' ')} --help exited ${r.status}: ${r.stderr}`);
		assert.ok(r.stdout.trim().length > 0, `tongxin ${c.join(' ')} --help printed nothing on stdout`);
	}
	// --help must not act: `init --help` with a --db creates nothing
	const probe = path.join(srv.dir, 'help-probe.db');
	const r = cli(['init', '--db', probe, '--keys', path.join(srv.dir, 'help-keys'), '--help']);
	assert.equal(r.status, 0);
	assert.ok(!fs.existsSync(probe), 'init --help created a database');
});

it('tongxin version prints a version', () => {
	const r = cli(['version']);
	assert.equal(r.status, 0, r.stderr);
	assert.match(r.stdout, /\d+\.\d+/);
});

it('an unknown command, a bad flag and missing arguments exit non-zero with a reason on stderr', () => {
	assertRefused(cli(['frobnicate']), 'unknown command');
	assertRefused(cli(['serve', '--bogus-flag'], { timeout: 15_000 }), 'serve --bogus-flag');
	assertRefused(cli(['init', '--db']), 'init --db without a value');
	assertRefused(cli(['audit', 'frob']), 'audit frob');
	assertRefused(cli(['user', 'frob']), 'user frob');
	assertRefused(cli(['serve', '--db', srv.db, '--keys', srv.keys, '--port', 'eighty'], { timeout: 15_000 }), 'serve --port eighty');
	assertRefused(cli(['serve', '--db', srv.db, '--keys', srv.keys, '--port', '70000'], { timeout: 15_000 }), 'serve --port 70000');
	assertRefused(cli(['serve', '--db', srv.db, '--keys', srv.keys, '--port', '0', '--threads', '-3'], { timeout: 15_000 }), 'serve --threads -3');
	assertRefused(cli(['audit', 'verify', '--db', path.join(srv.dir, 'no', 'such', 'dir', 'x.db'), '--keys', srv.keys]), 'verify of a missing db');
	assertRefused(cli([]), 'no command');
});

it('init printed a one-time password for admin, secadmin and auditor', () => {
	const p = srv.initPasswords;
	assert.deepEqual(Object.keys(p).sort(), ['admin', 'auditor', 'secadmin'], `init output:\n${srv.setupOutput}`);
	const vals = Object.values(p);
	assert.equal(new Set(vals).size, 3, 'the three passwords are not distinct');
	for (const v of vals) assert.ok(v.length >= 12, `init password too short: ${v.length}`);
});

it('the key files are mode 0600', () => {
	assert.ok(fs.existsSync(srv.keys), 'no keys directory');
	const files = fs.readdirSync(srv.keys);
	assert.ok(files.length > 0, 'keys directory is empty');
	for (const f of files) {
		const st = fs.statSync(path.join(srv.keys, f));
		if (st.isFile()) assert.equal(st.mode & 0o777, 0o600, `${f} has mode ${(st.mode & 0o777).toString(8)}`);
	}
});

it("init's admins sign in with the printed password and must change it", async () => {
	for (const [user, role] of [['admin', 'sysadmin'], ['secadmin', 'secadmin'], ['auditor', 'auditor']]) {
		const s = await srv.login(user, srv.initPasswords[user]);
		assert.deepEqual(s.user.roles, [role]);
		assert.equal(s.user.must_change_password, true, `${user} is not forced to change`);
	}
	const a = await srv.login('admin', srv.initPasswords.admin);
	assertError(await srv.api('GET', '/users', { token: a.token }), 403, 'auth.password_change_required');
	const np = 'Admin-Changed-2026!x';
	const ch = await srv.api('POST', '/me/password', { token: a.token, body: { old_password: srv.initPasswords.admin, new_password: np } });
	assert.equal(ch.status, 204, ch.text);
	const b = await srv.login('admin', np);
	assert.equal(b.user.must_change_password, false);
	const users = await srv.api('GET', '/users', { token: b.token });
	assert.equal(users.status, 200, users.text);
	// init creates no demo data
	const none = await srv.api('POST', '/session', { body: { username: 'staff', password: srv.password } });
	assertError(none, 401, 'auth.invalid');
});

it('audit verify on the live database exits 0', () => {
	const r = cli(['audit', 'verify', '--db', srv.db, '--keys', srv.keys]);
	assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
});

it('user list shows the accounts', () => {
	const r = cli(['user', 'list', '--db', srv.db, '--keys', srv.keys]);
	assert.equal(r.status, 0, r.stderr);
	for (const u of ['admin', 'secadmin', 'auditor']) assert.match(r.stdout, new RegExp(`\\b${u}\\b`), r.stdout);
	assert.ok(!r.stdout.includes(srv.initPasswords.secadmin), 'user list prints a password');
});

it('the binary is the one under test', () => {
	assert.ok(fs.statSync(BIN).mode & 0o111, `${BIN} is not executable`);
});
