// harness.mjs — start a real `tongxin` server for black-box API tests.
//
// Each test file starts its own server (own temp dir, own port, own database)
// in `before` and stops it in `after`, so Node may run the files in parallel.
//
// Environment:
//   TONGXIN_BIN          the binary (default: build/tongxin under the repo root)
//   TONGXIN_TEST_DB      sqlite (default) | pg
//   TONGXIN_TEST_PG_URL  base URL of a PostgreSQL server for `pg`, e.g.
//                        postgresql://postgres@127.0.0.1:54329/postgres
//   TONGXIN_TEST_KEEP=1  keep the temp dir (and PG database) after the run
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.resolve(REPO, process.env.TONGXIN_BIN || 'build/tongxin');
export const BACKEND = (process.env.TONGXIN_TEST_DB || 'sqlite').toLowerCase();
// Meets any sane policy: 18 characters, four character classes.
export const PASSWORD = 'Tongxin-Test-2026!';

const children = new Set();
process.on('exit', () => {
	for (const c of children) {
		try { c.kill('SIGKILL'); } catch { /* already gone */ }
	}
});

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* Run the binary to completion; returns {status, stdout, stderr}. */
export function runCli(args, { timeout = 180_000, env, cwd = os.tmpdir(), input } = {}) {
	const r = spawnSync(BIN, args, {
		encoding: 'utf8',
		cwd,
		input,
		timeout,
		env: { ...process.env, ...(env || {}) },
		maxBuffer: 64 * 1024 * 1024,
	});
	if (r.error) throw r.error;
	return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function pgBaseUrl() {
	const base = process.env.TONGXIN_TEST_PG_URL;
	if (!base) throw new Error('TONGXIN_TEST_DB=pg needs TONGXIN_TEST_PG_URL (e.g. postgresql://postgres@127.0.0.1:54329/postgres)');
	return base;
}

function psql(url, query) {
	const r = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-c', query], {
		encoding: 'utf8', timeout: 60_000,
	});
	if (r.error) throw r.error;
	if (r.status !== 0) throw new Error(`psql failed (${r.status}): ${query}\n${r.stderr}`);
	return r.stdout;
}

function sqlite(file, query) {
	const r = spawnSync('sqlite3', ['-batch', '-bail', '-cmd', '.timeout 10000', file, query], { encoding: 'utf8', timeout: 60_000 });
	if (r.error) throw r.error;
	if (r.status !== 0) throw new Error(`sqlite3 failed (${r.status}): ${query}\n${r.stderr}`);
	return r.stdout;
}

/* A fresh database for one test server: {db, sql(q), drop()}. */
export function makeDatabase(dir) {
	if (BACKEND === 'sqlite') {
		const db = path.join(dir, 'tongxin.db');
		return { db, sql: (q) => sqlite(db, q).trim(), drop() {} };
	}
	if (BACKEND === 'pg' || BACKEND === 'postgres' || BACKEND === 'postgresql') {
		const base = pgBaseUrl();
		const name = `tongxin_t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
		psql(base, `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
		const u = new URL(base);
		u.pathname = '/' + name;
		const db = u.toString();
		return {
			db,
			sql: (q) => psql(db, q).trim(),
			drop() { psql(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); },
		};
	}
	throw new Error(`unknown TONGXIN_TEST_DB=${BACKEND} (sqlite or pg)`);
}

function tail(file, lines = 60) {
	try {
		const t = fs.readFileSync(file, 'utf8').split('\n');
		return t.slice(-lines).join('\n');
	} catch (e) {
		return `(no log: ${e.message})`;
	}
}

/* Parse `Set-Cookie` headers into {name: {value, attrs:[…lowercase], raw}}. */
export function parseSetCookies(headers) {
	const list = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [headers.get('set-cookie')].filter(Boolean);
	const out = {};
	for (const raw of list) {
		const parts = raw.split(';').map((s) => s.trim());
		const [nv, ...attrs] = parts;
		const eq = nv.indexOf('=');
		out[nv.slice(0, eq)] = { value: nv.slice(eq + 1), attrs: attrs.map((a) => a.toLowerCase()), raw };
	}
	return out;
}

/*
 * Start a server. Options:
 *   demo: true (default) runs `tongxin demo --password PASSWORD`;
 *         false runs `tongxin init` and keeps its printed passwords in
 *         `initPasswords` ({admin, secadmin, auditor}).
 *   people, cases: the demo's size (tongxin demo --people --cases).
 *   threads: --threads N for serve.
 *   serveArgs: more flags for serve (e.g. ['--session-idle', '3']).
 */
export async function startServer({ demo = true, threads, serveArgs = [], people = 200, cases = 80 } = {}) {
	assert.ok(fs.existsSync(BIN), `binary not found: ${BIN} (set TONGXIN_BIN)`);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongxin-test-'));
	const keys = path.join(dir, 'keys');
	const log = path.join(dir, 'server.log');
	let database;
	try {
		database = makeDatabase(dir);
	} catch (e) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw e;
	}
	const { db } = database;
	const srv = {
		dir, db, keys, log, bin: BIN, backend: BACKEND, password: PASSWORD,
		sql: database.sql, initPasswords: null, setupOutput: '', failed: false,
	};
	const cleanup = () => {
		if (process.env.TONGXIN_TEST_KEEP) return;
		try { database.drop(); } catch (e) { console.error(String(e)); }
		fs.rmSync(dir, { recursive: true, force: true });
	};

	try {
		const setup = demo
			? runCli(['demo', '--db', db, '--keys', keys, '--password', PASSWORD, '--people', String(people), '--cases', String(cases)], { cwd: dir })
			: runCli(['init', '--db', db, '--keys', keys], { cwd: dir });
		srv.setupOutput = setup.stdout;
		fs.writeFileSync(path.join(dir, 'setup.log'), `${setup.stdout}\n--- stderr ---\n${setup.stderr}`);
		if (setup.status !== 0) {
			throw new Error(`tongxin ${demo ? 'demo' : 'init'} exited ${setup.status}${setup.signal ? ' ' + setup.signal : ''}:\n${setup.stderr}\n${setup.stdout}`);
		}
		if (!demo) {
			srv.initPasswords = {};
			for (const line of setup.stdout.split('\n')) {
				// `name<TAB>password`, possibly followed by more tab-separated columns
				const m = /^(admin|secadmin|auditor)\t([^\t\s]+)(\t.*)?$/.exec(line);
				if (m) srv.initPasswords[m[1]] = m[2];
			}
		}
	} catch (e) {
		cleanup();
		throw e;
	}

	const port = await freePort();
	srv.port = port;
	srv.url = `http://127.0.0.1:${port}`;
	const fd = fs.openSync(log, 'a');
	const args = ['serve', '--db', db, '--keys', keys, '--listen', '127.0.0.1', '--port', String(port)];
	if (threads) args.push('--threads', String(threads));
	args.push(...serveArgs);
	const child = spawn(BIN, args, { stdio: ['ignore', fd, fd] });
	fs.closeSync(fd);
	children.add(child);
	srv.child = child;
	srv.exited = new Promise((resolve) => {
		child.on('exit', (code, signal) => { children.delete(child); resolve({ code, signal }); });
	});
	let exitInfo = null;
	srv.exited.then((x) => { exitInfo = x; });

	// Wait for /healthz.
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (exitInfo) {
			const msg = `server exited early (${JSON.stringify(exitInfo)}):\n${tail(log)}`;
			cleanup();
			throw new Error(msg);
		}
		try {
			const r = await fetch(srv.url + '/healthz');
			if (r.status === 200) break;
			await r.arrayBuffer();
		} catch { /* not yet listening */ }
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			const msg = `server did not answer /healthz within 30 s:\n${tail(log)}`;
			cleanup();
			throw new Error(msg);
		}
		await sleep(50);
	}

	srv.logTail = (n) => tail(log, n);
	srv.alive = () => exitInfo === null;

	/* Raw request to any path. opts: {token, cookie, csrf, body, headers}. */
	srv.http = async (method, p, opts = {}) => {
		const headers = { ...(opts.headers || {}) };
		if (opts.token) headers.authorization = `Bearer ${opts.token}`;
		if (opts.cookie) {
			headers.cookie = opts.cookie;
			const csrf = opts.csrf ?? !['GET', 'HEAD'].includes(method);
			if (csrf) headers['x-tongxin-csrf'] = '1';
		}
		let body;
		if (opts.body !== undefined) {
			if (typeof opts.body === 'string' || opts.body instanceof Uint8Array) body = opts.body;
			else body = JSON.stringify(opts.body);
			if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
		}
		const r = await fetch(srv.url + p, { method, headers, body, redirect: 'manual' });
		const text = await r.text();
		let json = null;
		try { json = text ? JSON.parse(text) : null; } catch { json = null; }
		return { status: r.status, json, text, headers: r.headers };
	};
	/* Request under /api/v1. */
	srv.api = (method, p, opts = {}) => srv.http(method, '/api/v1' + p, opts);

	/* Sign in; returns {token, cookie, user, res}. Fails the test if refused. */
	srv.login = async (username, password = PASSWORD) => {
		const res = await srv.api('POST', '/session', { body: { username, password } });
		assert.equal(res.status, 200, `sign-in of ${username}: ${res.status} ${res.text}`);
		assert.equal(typeof res.json.token, 'string');
		const c = parseSetCookies(res.headers).tx_session;
		assert.ok(c, `sign-in of ${username} set no tx_session cookie`);
		return { token: res.json.token, cookie: `tx_session=${c.value}`, user: res.json.user, res };
	};

	/* All items of a paged list (follows `next`). */
	srv.listAll = async (p, opts = {}) => {
		const items = [];
		const seen = new Set();
		let after = null;
		for (let page = 0; page < 200; page++) {
			const sep = p.includes('?') ? '&' : '?';
			const q = `${p}${sep}limit=500${after ? '&after=' + encodeURIComponent(after) : ''}`;
			const r = await srv.api('GET', q, opts);
			assert.equal(r.status, 200, `GET ${q}: ${r.status} ${r.text}`);
			assert.ok(Array.isArray(r.json.items), `GET ${q}: no items array`);
			items.push(...r.json.items);
			if (r.json.next === null || r.json.next === undefined) return items;
			assert.ok(!seen.has(r.json.next), `GET ${p}: cursor ${r.json.next} repeats`);
			seen.add(r.json.next);
			after = r.json.next;
		}
		throw new Error(`GET ${p}: more than 200 pages`);
	};

	/* Run the CLI against this server's database. */
	srv.cli = (args, o = {}) => runCli(args, { cwd: dir, ...o });

	/* SIGTERM, expect exit 0, clean up. */
	srv.stop = async () => {
		let err = null;
		try {
			if (!exitInfo) child.kill('SIGTERM');
			let timer;
			const res = await Promise.race([srv.exited, new Promise((r) => { timer = setTimeout(() => r(null), 15_000); })]);
			clearTimeout(timer);
			if (res === null) {
				child.kill('SIGKILL');
				err = new Error(`server did not stop within 15 s of SIGTERM:\n${tail(log)}`);
			} else if (res.code !== 0) {
				err = new Error(`server exit ${JSON.stringify(res)} after SIGTERM (expected code 0):\n${tail(log)}`);
			}
			if (srv.failed && !err) {
				console.error(`--- server log tail (${log}) ---\n${tail(log)}`);
			}
		} finally {
			cleanup();
		}
		if (err) throw err;
	};
	return srv;
}

/*
 * `it(name, fn)` wraps node:test's test() so that a failure attaches the
 * server log's tail to the report. getServer returns the file's server.
 */
export function tracked(getServer) {
	return (name, fn) => test(name, async (t) => {
		try {
			await fn(t);
		} catch (e) {
			const s = getServer();
			if (s && e && typeof e === 'object') {
				s.failed = true;
				const dead = s.alive && !s.alive() ? '\n!!! the server process has exited' : '';
				const logTail = s.logTail ? s.logTail(30) : '(no server yet)';
				try {
					e.message = `${e.message}${dead}\n--- server log tail (${s.log}) ---\n${logTail}`;
				} catch { /* read-only message */ }
			}
			throw e;
		}
	});
}

/* Assert the JSON error envelope: status and code (and optional field). */
export function assertError(res, status, code, field) {
	const ctx = `${res.status} ${res.text.slice(0, 400)}`;
	assert.equal(res.status, status, `expected ${status} ${code || ''}, got ${ctx}`);
	assert.ok(res.json && typeof res.json.error === 'object', `no error envelope: ${ctx}`);
	assert.equal(typeof res.json.error.message, 'string', `error without message: ${ctx}`);
	if (code instanceof RegExp) assert.match(res.json.error.code, code, ctx);
	else if (code) assert.equal(res.json.error.code, code, ctx);
	if (field) {
		assert.ok(res.json.error.fields && typeof res.json.error.fields[field] === 'string',
			`expected fields.${field}: ${ctx}`);
	}
}

/* Demo fixture ids, looked up through the API as `staff` (city, subtree). */
export async function demoFixture(srv) {
	const staff = await srv.login('staff');
	const roots = await srv.api('GET', '/units', { token: staff.token });
	assert.equal(roots.status, 200, roots.text);
	const city = roots.json.items.find((u) => u.kind === 'city');
	assert.ok(city, `staff's roots contain no city: ${roots.text}`);
	const t1 = await srv.login('town1');
	const t2 = await srv.login('town2');
	const v1 = await srv.login('village1');
	return {
		city, staff, town1: t1, town2: t2, village1: v1,
		town1Unit: t1.user.unit_id, town2Unit: t2.user.unit_id,
	};
}
