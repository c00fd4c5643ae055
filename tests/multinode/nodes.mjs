// nodes.mjs — several `tongxin serve` processes over one PostgreSQL database.
//
// startCluster() makes one fresh database on the PostgreSQL server named by
// TONGXIN_TEST_PG_URL, runs `tongxin demo` on it ONCE (which also creates the
// key directory), then starts N `tongxin serve` processes on N loopback ports,
// all with the same --db and the same --keys: the shape of a deployment with
// several stateless nodes behind a load balancer.
//
// Database roles as docs/deployment.md recommends: the schema belongs to an
// owner role (which runs `demo`, i.e. the migrations); the nodes and the CLI
// connect as an application role that may read and write the tables but only
// append to audit_log (APP_GRANTS below is the same SQL as in the document).
// The server URL must be a superuser's (it creates the two roles, which have
// no password: the server must trust loopback connections, as tests/pg.sh's does).
//
// Environment:
//   TONGXIN_BIN          the binary (default: build/tongxin under the repo root)
//   TONGXIN_TEST_PG_URL  base URL of a PostgreSQL server, e.g.
//                        postgresql://postgres@127.0.0.1:54329/postgres
//                        (tests/run.sh starts one and sets it)
//   TONGXIN_TEST_KEEP=1  keep the temp dir and the database after the run
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { BIN, PASSWORD, runCli, parseSetCookies } from '../api/harness.mjs';

export { BIN, PASSWORD };
export const PG_URL = process.env.TONGXIN_TEST_PG_URL || '';

const children = new Set();
process.on('exit', () => {
	for (const c of children) {
		try { c.kill('SIGKILL'); } catch { /* already gone */ }
	}
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

function psql(url, query) {
	const r = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-c', query], {
		encoding: 'utf8', timeout: 60_000,
	});
	if (r.error) throw r.error;
	if (r.status !== 0) throw new Error(`psql failed (${r.status}): ${query}\n${r.stderr}`);
	return r.stdout.trim();
}

function tail(file, lines = 40) {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch (e) {
		return `(no log: ${e.message})`;
	}
}

/* Start one `tongxin serve` on a free loopback port; resolves when /healthz answers. */
async function startNode(cluster, name, serveArgs) {
	const port = await freePort();
	const log = path.join(cluster.dir, `${name}.log`);
	const fd = fs.openSync(log, 'a');
	const args = ['serve', '--db', cluster.db, '--keys', cluster.keys, '--listen', '127.0.0.1',
		'--port', String(port), ...serveArgs];
	const child = spawn(BIN, args, { stdio: ['ignore', fd, fd] });
	fs.closeSync(fd);
	children.add(child);
	const node = { name, port, url: `http://127.0.0.1:${port}`, log, child, statuses: [] };
	let exitInfo = null;
	node.exited = new Promise((resolve) => {
		child.on('exit', (code, signal) => { children.delete(child); exitInfo = { code, signal }; resolve(exitInfo); });
	});
	node.alive = () => exitInfo === null;
	node.logTail = (n) => tail(log, n);

	const deadline = Date.now() + 30_000;
	for (;;) {
		if (exitInfo) throw new Error(`node ${name} exited early (${JSON.stringify(exitInfo)}):\n${tail(log)}`);
		try {
			const r = await fetch(node.url + '/healthz');
			await r.arrayBuffer();
			if (r.status === 200) break;
		} catch { /* not listening yet */ }
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`node ${name} did not answer /healthz within 30 s:\n${tail(log)}`);
		}
		await sleep(50);
	}

	/* Raw request. opts: {token, cookie, csrf, body, headers}. Every status is kept in node.statuses. */
	node.http = async (method, p, opts = {}) => {
		const headers = { ...(opts.headers || {}) };
		if (opts.token) headers.authorization = `Bearer ${opts.token}`;
		if (opts.cookie) {
			headers.cookie = opts.cookie;
			if (opts.csrf ?? !['GET', 'HEAD'].includes(method)) headers['x-tongxin-csrf'] = '1';
		}
		let body;
		if (opts.body !== undefined) {
			body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
			headers['content-type'] = 'application/json';
		}
		const r = await fetch(node.url + p, { method, headers, body, redirect: 'manual' });
		const text = await r.text();
		let json = null;
		try { json = text ? JSON.parse(text) : null; } catch { json = null; }
		node.statuses.push({ method, path: p, status: r.status });
		return { status: r.status, json, text, headers: r.headers, node: name };
	};
	node.api = (method, p, opts = {}) => node.http(method, '/api/v1' + p, opts);

	/* Sign in; returns {token, cookie, user}. Fails the test if refused. */
	node.login = async (username, password = PASSWORD) => {
		const res = await node.api('POST', '/session', { body: { username, password } });
		assert.equal(res.status, 200, `sign-in of ${username} on node ${name}: ${res.status} ${res.text}`);
		const c = parseSetCookies(res.headers).tx_session;
		assert.ok(c, `sign-in of ${username} on node ${name} set no tx_session cookie`);
		return { token: res.json.token, cookie: `tx_session=${c.value}`, user: res.json.user };
	};

	/* All items of a paged list (follows `next`). */
	node.listAll = async (p, opts = {}) => {
		const items = [];
		let after = null;
		for (let page = 0; page < 500; page++) {
			const sep = p.includes('?') ? '&' : '?';
			const q = `${p}${sep}limit=500${after ? '&after=' + encodeURIComponent(after) : ''}`;
			const r = await node.api('GET', q, opts);
			assert.equal(r.status, 200, `GET ${q} on node ${name}: ${r.status} ${r.text}`);
			items.push(...r.json.items);
			if (r.json.next === null || r.json.next === undefined) return items;
			after = r.json.next;
		}
		throw new Error(`GET ${p}: more than 500 pages`);
	};

	/* SIGTERM; resolves to the exit info, SIGKILL after 15 s. */
	node.stop = async () => {
		if (!exitInfo) child.kill('SIGTERM');
		let timer;
		const res = await Promise.race([node.exited, new Promise((r) => { timer = setTimeout(() => r(null), 15_000); })]);
		clearTimeout(timer);
		if (res === null) {
			child.kill('SIGKILL');
			return { code: null, signal: 'SIGKILL (did not stop within 15 s of SIGTERM)' };
		}
		return res;
	};
	return node;
}

/*
 * The application role's privileges (run as the owner after every migration;
 * docs/deployment.md has the same lines). audit_log: SELECT and INSERT only;
 * audit_head: SELECT and UPDATE (its one row moves forward); schema_migrations:
 * SELECT only.
 *
 * CREATE on the schema is needed today only because every command starts with
 * `CREATE TABLE IF NOT EXISTS schema_migrations` (src/store/migrate.c,
 * migrate_current), which PostgreSQL refuses without CREATE on the schema even
 * when the table exists: without this grant `serve` stops with "the database
 * schema is at version 0 … run `tongxin init`". It gives no power over the
 * owner's tables.
 */
export const APP_GRANTS = (app) => `
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app};
REVOKE UPDATE, DELETE ON audit_log FROM ${app};
REVOKE INSERT, DELETE ON audit_head FROM ${app};
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM ${app};
REVOKE UPDATE, DELETE ON case_event FROM ${app};
`;

/* Run SQL as whoever `url` names; {ok, out, err} instead of throwing. */
export function trySql(url, query) {
	const r = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-c', query], {
		encoding: 'utf8', timeout: 60_000,
	});
	if (r.error) throw r.error;
	return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}

const withUser = (url, user, dbname) => {
	const u = new URL(url);
	u.username = user;
	u.password = '';
	u.pathname = '/' + dbname;
	return u.toString();
};

/*
 * A fresh database, `tongxin demo` once (as the owner role), and `count` nodes
 * serving it (as the application role) with one shared key directory.
 * Returns {dir, db (the app's URL), ownerDb, keys, nodes, sql(q) (as the
 * server's superuser), appSql(q) (as the app, {ok, out, err}), cli(args), stop()}.
 */
export async function startCluster({ count = 2, people = 100, cases = 40, serveArgs = [] } = {}) {
	assert.ok(PG_URL, 'TONGXIN_TEST_PG_URL is not set');
	assert.ok(fs.existsSync(BIN), `binary not found: ${BIN} (set TONGXIN_BIN)`);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongxin-multinode-'));
	const tag = `${process.pid}_${Date.now().toString(36)}`;
	const name = `tongxin_mn_${tag}`;
	const owner = `tongxin_owner_${tag}`;
	const app = `tongxin_app_${tag}`;
	const su = new URL(PG_URL);
	su.pathname = '/' + name;
	const suDb = su.toString();
	const drop = () => {
		if (process.env.TONGXIN_TEST_KEEP) return;
		for (const q of [`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `DROP ROLE IF EXISTS ${app}`, `DROP ROLE IF EXISTS ${owner}`]) {
			try { psql(PG_URL, q); } catch (e) { console.error(String(e)); }
		}
		fs.rmSync(dir, { recursive: true, force: true });
	};
	try {
		psql(PG_URL, `CREATE ROLE ${owner} LOGIN`);
		psql(PG_URL, `CREATE ROLE ${app} LOGIN`);
		psql(PG_URL, `CREATE DATABASE ${name} OWNER ${owner} TEMPLATE template0 ENCODING 'UTF8'`);
	} catch (e) {
		drop();
		throw e;
	}
	const cluster = {
		dir, db: withUser(PG_URL, app, name), ownerDb: withUser(PG_URL, owner, name),
		keys: path.join(dir, 'keys'), nodes: [], dbName: name, owner, app,
		sql: (q) => psql(suDb, q),
		appSql: (q) => trySql(withUser(PG_URL, app, name), q),
		cli: (args, o = {}) => runCli(args, { cwd: dir, ...o }),
	};
	cluster.stop = async () => {
		const exits = [];
		for (const n of cluster.nodes) exits.push({ node: n.name, ...(await n.stop()) });
		drop();
		return exits;
	};
	try {
		const t0 = Date.now();
		const setup = cluster.cli(['demo', '--db', cluster.ownerDb, '--keys', cluster.keys, '--password', PASSWORD,
			'--people', String(people), '--cases', String(cases)]);
		fs.writeFileSync(path.join(dir, 'demo.log'), `${setup.stdout}\n--- stderr ---\n${setup.stderr}`);
		if (setup.status !== 0) throw new Error(`tongxin demo exited ${setup.status}:\n${setup.stderr}`);
		cluster.demoMs = Date.now() - t0;
		const g = trySql(cluster.ownerDb, APP_GRANTS(app));
		if (!g.ok) throw new Error(`granting the application role failed:\n${g.err}`);
		const names = 'ABCDEFGH';
		cluster.nodes = await Promise.all(Array.from({ length: count }, (_, i) => startNode(cluster, names[i], serveArgs)));
	} catch (e) {
		for (const n of cluster.nodes) n.child.kill('SIGKILL');
		drop();
		throw e;
	}
	return cluster;
}
