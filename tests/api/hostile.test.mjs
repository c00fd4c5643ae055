// Hostile input answers 4xx with the error envelope and never takes the
// server down.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, tok, unit;
const it = tracked(() => srv);
before(async () => {
	srv = await startServer();
	fx = await demoFixture(srv);
	tok = fx.staff.token;
	const r = await srv.api('POST', '/units', { token: tok, body: { parent_id: fx.city.id, name: '靶子部', kind: 'department' } });
	assert.equal(r.status, 201, r.text);
	unit = r.json;
});
after(async () => { await srv?.stop(); });

async function healthy() {
	const h = await srv.http('GET', '/healthz');
	assert.equal(h.status, 200, `/healthz after hostile input: ${h.status} ${h.text}`);
	assert.deepEqual(h.json, { status: 'ok' });
}

/* Send raw bytes on a socket; resolves with the status line's code (or 0 when closed without one). */
function rawRequest(bytes, { timeout = 10_000 } = {}) {
	return new Promise((resolve, reject) => {
		const s = net.connect(srv.port, '127.0.0.1');
		let buf = Buffer.alloc(0);
		const timer = setTimeout(() => { s.destroy(); reject(new Error('raw request timed out')); }, timeout);
		s.on('connect', () => s.write(bytes));
		s.on('data', (d) => { buf = Buffer.concat([buf, d]); });
		s.on('error', () => { /* reset after the answer is fine */ });
		s.on('close', () => {
			clearTimeout(timer);
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(buf.toString('latin1'));
			resolve({ status: m ? Number(m[1]) : 0, text: buf.toString('utf8') });
		});
	});
}

it('malformed JSON is 400 request.malformed', async () => {
	for (const body of ['{', '{"name":', 'not json', '{"name":"x",}', '[1,2', '{"name":"\\x"}', '\u0000', '{"name":"a"} trailing']) {
		const r = await srv.api('PATCH', `/units/${unit.id}`, { token: tok, body });
		assertError(r, 400, 'request.malformed');
	}
	const empty = await srv.api('POST', '/units', { token: tok, body: '' });
	assert.equal(empty.status, 400, empty.text);
	const arr = await srv.api('POST', '/units', { token: tok, body: '[]' });
	assertError(arr, 400, /^(request\.malformed|validation\.failed)$/);
	await healthy();
});

it('wrong types are 400', async () => {
	for (const body of [{ name: 5 }, { name: null }, { name: ['a'] }, { name: { a: 1 } }, { sort: 'high' }, { active: 'yes' }, { version: '1' }]) {
		const r = await srv.api('PATCH', `/units/${unit.id}`, { token: tok, body });
		assertError(r, 400, /^(request\.malformed|validation\.failed)$/);
	}
	assertError(await srv.api('POST', '/units', { token: tok, body: { parent_id: String(fx.city.id), name: 'x', kind: 'department' } }), 400,
		/^(request\.malformed|validation\.failed)$/);
	assertError(await srv.api('POST', '/units', { token: tok, body: { parent_id: 1.5, name: 'x', kind: 'department' } }), 400,
		/^(request\.malformed|validation\.failed)$/);
	assertError(await srv.api('POST', '/units', { token: tok, body: { parent_id: 1e300, name: 'x', kind: 'department' } }), 400,
		/^(request\.malformed|validation\.failed)$/);
	const g = await srv.api('GET', `/units/${unit.id}`, { token: tok });
	assert.equal(g.json.name, '靶子部');
	await healthy();
});

it('an unknown field is 400 and the answer names it', async () => {
	const r = await srv.api('POST', '/units', { token: tok, body: { parent_id: fx.city.id, name: '多字段', kind: 'department', colour: 'red' } });
	assert.equal(r.status, 400, r.text);
	assert.match(r.json.error.code, /^(request\.malformed|validation\.failed)$/);
	assert.ok(JSON.stringify(r.json.error).includes('colour'), `the error does not name the field: ${r.text}`);
	const p = await srv.api('PATCH', `/units/${unit.id}`, { token: tok, body: { name: 'x', path: '/1/' } });
	assert.equal(p.status, 400, p.text);
	assert.ok(JSON.stringify(p.json.error).includes('path'), p.text);
	const s = await srv.api('POST', '/session', { body: { username: 'staff', password: srv.password, admin: true } });
	assert.equal(s.status, 400, s.text);
	assert.ok(JSON.stringify(s.json.error).includes('admin'), s.text);
	await healthy();
});

it('a 2 MiB body is 413 request.too_large', async () => {
	const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
	const res = await new Promise((resolve, reject) => {
		const req = http.request({
			host: '127.0.0.1', port: srv.port, method: 'PATCH', path: `/api/v1/units/${unit.id}`,
			headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) },
		}, (r) => {
			let text = '';
			r.setEncoding('utf8');
			r.on('data', (d) => { text += d; });
			r.on('end', () => resolve({ status: r.statusCode, text }));
			r.on('error', () => resolve({ status: r.statusCode, text }));
		});
		req.on('error', (e) => reject(new Error(`2 MiB request failed without an answer: ${e.message}`)));
		req.end(big);
	});
	assert.equal(res.status, 413, res.text.slice(0, 300));
	const j = JSON.parse(res.text);
	assert.equal(j.error.code, 'request.too_large');
	// chunked, without Content-Length
	const chunked = await new Promise((resolve, reject) => {
		const req = http.request({
			host: '127.0.0.1', port: srv.port, method: 'POST', path: '/api/v1/units',
			headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
		}, (r) => {
			let text = '';
			r.on('data', (d) => { text += d; });
			r.on('end', () => resolve({ status: r.statusCode, text }));
			r.on('error', () => resolve({ status: r.statusCode, text }));
		});
		req.on('error', (e) => reject(new Error(`chunked request failed without an answer: ${e.message}`)));
		for (let i = 0; i < 32; i++) req.write('x'.repeat(64 * 1024));
		req.end();
	});
	assert.ok(chunked.status === 413 || chunked.status === 411 || chunked.status === 400, `chunked 2 MiB: ${chunked.status}`);
	const g = await srv.api('GET', `/units/${unit.id}`, { token: tok });
	assert.equal(g.json.name, '靶子部');
	await healthy();
});

it('a cookie-authenticated POST without X-Tongxin-CSRF is 403 auth.csrf', async () => {
	const s = await srv.login('staff');
	const body = { parent_id: fx.city.id, name: '跨站部', kind: 'department' };
	const r = await srv.api('POST', '/units', { cookie: s.cookie, csrf: false, body });
	assertError(r, 403, 'auth.csrf');
	for (const m of ['PATCH', 'DELETE']) {
		const x = await srv.api(m, `/units/${unit.id}`, { cookie: s.cookie, csrf: false, body: m === 'PATCH' ? { name: '跨站改' } : undefined });
		assertError(x, 403, 'auth.csrf');
	}
	const out = await srv.api('DELETE', '/session', { cookie: s.cookie, csrf: false });
	assertError(out, 403, 'auth.csrf');
	const kids = await srv.listAll(`/units?parent=${fx.city.id}`, { token: tok });
	assert.ok(!kids.some((u) => u.name === '跨站部'), 'the CSRF-less POST created the unit');
	assert.equal((await srv.api('GET', `/units/${unit.id}`, { token: tok })).json.name, '靶子部');
	// GET by cookie needs no header; POST with it works; bearer needs none
	assert.equal((await srv.api('GET', '/me', { cookie: s.cookie })).status, 200);
	const ok = await srv.api('POST', '/units', { cookie: s.cookie, body });
	assert.equal(ok.status, 201, ok.text);
	const ok2 = await srv.api('POST', '/units', { token: tok, body: { ...body, name: '持令牌部' } });
	assert.equal(ok2.status, 201, ok2.text);
	await healthy();
});

it('unauthenticated writes are 401, not processed', async () => {
	assertError(await srv.api('POST', '/units', { body: { parent_id: fx.city.id, name: '匿名部', kind: 'department' } }), 401, 'auth.required');
	assertError(await srv.api('DELETE', `/units/${unit.id}`), 401, 'auth.required');
	assert.equal((await srv.api('GET', `/units/${unit.id}`, { token: tok })).status, 200);
});

it('a wrong method is 405 method.not_allowed; an unknown API path is a JSON 404', async () => {
	assertError(await srv.api('PUT', '/units', { token: tok, body: {} }), 405, 'method.not_allowed');
	assertError(await srv.api('DELETE', '/me', { token: tok }), 405, 'method.not_allowed');
	const nf = await srv.api('GET', '/no/such/route', { token: tok });
	assertError(nf, 404, 'not_found');
	await healthy();
});

it('a very long path, %00 in the path and odd paths are 4xx, not a crash', async () => {
	const long = await srv.http('GET', `/api/v1/units/${'9'.repeat(20000)}`, { token: tok });
	assert.ok(long.status >= 400 && long.status < 500, `long path: ${long.status}`);
	const longUi = await srv.http('GET', `/${'a'.repeat(100000)}`);
	assert.ok(longUi.status >= 400 && longUi.status < 500, `100 kB path: ${longUi.status}`);
	const wrong = [];
	for (const p of ['/api/v1/units/%00', '/api/v1/units%00', '/api/v1/units/1%00', '/api/v1/%00/units', '/api/v1/units/%', '/api/v1/units/%zz',
		'/api/v1/units/-1', '/api/v1/units/99999999999999999999999', '/api/v1/units/0x10', '/api/v1/units/1e3']) {
		const r = await srv.http('GET', p, { token: tok });
		if (!(r.status >= 400 && r.status < 500)) wrong.push(`${p} → ${r.status} ${r.text.slice(0, 80)}`);
		await healthy();
	}
	assert.deepEqual(wrong, [], 'paths answered outside 4xx');
	const trav = await srv.http('GET', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd');
	assert.ok(!trav.text.includes('root:'), 'path traversal');
	const trav2 = await rawRequest('GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
	assert.ok(!trav2.text.includes('root:x:'), 'path traversal');
	await healthy();
});

it('non-UTF-8 bytes in JSON strings are 400', async () => {
	const parts = [Buffer.from(`{"parent_id":${fx.city.id},"name":"`), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('","kind":"department"}')];
	const r = await srv.api('POST', '/units', { token: tok, body: Buffer.concat(parts) });
	assert.equal(r.status, 400, r.text);
	const overlong = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
	assert.equal((await srv.api('PATCH', `/units/${unit.id}`, { token: tok, body: overlong })).status, 400);
	const surrogate = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
	assert.equal((await srv.api('PATCH', `/units/${unit.id}`, { token: tok, body: surrogate })).status, 400);
	const lone = await srv.api('PATCH', `/units/${unit.id}`, { token: tok, body: '{"name":"\\ud800"}' });
	assert.equal(lone.status, 400, `lone surrogate escape: ${lone.text}`);
	assert.equal((await srv.api('GET', `/units/${unit.id}`, { token: tok })).json.name, '靶子部');
	await healthy();
});

it('a NUL escape in a string is refused or stored exactly, never truncated', async () => {
	const name = 'a\u0000b';
	const r = await srv.api('POST', '/units', { token: tok, body: { parent_id: fx.city.id, name, kind: 'department' } });
	if (r.status === 201) {
		const g = await srv.api('GET', `/units/${r.json.id}`, { token: tok });
		assert.equal(g.json.name, name, 'the name was silently changed');
	} else {
		assert.equal(r.status, 400, r.text);
	}
	await healthy();
});

it('deep nesting, huge numbers and long strings do not crash', async () => {
	const deep = '['.repeat(100000) + ']'.repeat(100000);
	const d = await srv.api('POST', '/units', { token: tok, body: deep });
	assert.equal(d.status, 400, d.text.slice(0, 200));
	const deepObj = '{"a":'.repeat(50000) + '1' + '}'.repeat(50000);
	assert.ok([400, 413].includes((await srv.api('POST', '/units', { token: tok, body: deepObj })).status));
	const num = await srv.api('PATCH', `/units/${unit.id}`, { token: tok, body: `{"sort":${'9'.repeat(5000)}}` });
	assert.equal(num.status, 400, num.text.slice(0, 200));
	const longName = await srv.api('PATCH', `/units/${unit.id}`, { token: tok, body: { name: '长'.repeat(100000) } });
	assert.equal(longName.status, 400, longName.text.slice(0, 200));
	assert.ok(longName.json.error.fields?.name, `no fields.name for an over-long name: ${longName.text.slice(0, 200)}`);
	const dupKeys = await srv.api('PATCH', `/units/${unit.id}`, { token: tok, body: '{"name":"甲","name":"乙"}' });
	assert.ok(dupKeys.status === 400 || dupKeys.status === 200, `duplicate keys: ${dupKeys.status}`);
	if (dupKeys.status === 200) await srv.api('PATCH', `/units/${unit.id}`, { token: tok, body: { name: '靶子部' } });
	await healthy();
});

it('malformed HTTP is refused and the server goes on', async () => {
	const garbage = await rawRequest('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n');
	assert.ok(garbage.status === 0 || (garbage.status >= 400 && garbage.status < 500), `garbage: ${garbage.status}`);
	const noVersion = await rawRequest('GET /healthz\r\n\r\n');
	assert.ok(noVersion.status === 0 || noVersion.status >= 400, `HTTP/0.9: ${noVersion.status}`);
	const badLen = await rawRequest('POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\nConnection: close\r\n\r\n');
	assert.ok(badLen.status >= 400 && badLen.status < 500, `negative Content-Length: ${badLen.status}`);
	const bigHeader = await rawRequest(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(200000)}\r\nConnection: close\r\n\r\n`);
	assert.ok(bigHeader.status === 0 || (bigHeader.status >= 400 && bigHeader.status < 500), `huge header: ${bigHeader.status}`);
	const manyHeaders = await rawRequest(`GET /healthz HTTP/1.1\r\nHost: x\r\n${'X-A: 1\r\n'.repeat(5000)}Connection: close\r\n\r\n`);
	assert.ok(manyHeaders.status === 0 || (manyHeaders.status >= 400 && manyHeaders.status < 500), `5000 headers: ${manyHeaders.status}`);
	// a client that connects and says nothing does not block others
	const idle = net.connect(srv.port, '127.0.0.1');
	await new Promise((r) => idle.on('connect', r));
	await healthy();
	idle.destroy();
	await healthy();
});

it('concurrent requests are all answered', async () => {
	const rs = await Promise.all(Array.from({ length: 64 }, (_, i) =>
		(i % 2 ? srv.api('GET', `/units/${unit.id}`, { token: tok }) : srv.http('GET', '/healthz'))));
	for (const r of rs) assert.equal(r.status, 200);
});
