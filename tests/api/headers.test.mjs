// Security headers on every answer; /metrics, /healthz, OpenAPI and /meta.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, demoFixture } from './harness.mjs';

let srv, fx, tok;
const it = tracked(() => srv);
before(async () => {
	srv = await startServer();
	fx = await demoFixture(srv);
	tok = fx.staff.token;
});
after(async () => { await srv?.stop(); });

function assertSecurityHeaders(res, what) {
	const csp = res.headers.get('content-security-policy');
	assert.ok(csp, `${what}: no Content-Security-Policy`);
	assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP without frame-ancestors 'none': ${csp}`);
	assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
	assert.ok(res.headers.get('referrer-policy'), `${what}: no Referrer-Policy`);
}

it('API answers carry the security headers and Cache-Control: no-store', async () => {
	const cases = [
		['GET /me', await srv.api('GET', '/me', { token: tok })],
		['GET /units', await srv.api('GET', '/units', { token: tok })],
		['401', await srv.api('GET', '/me')],
		['404', await srv.api('GET', '/units/987654321', { token: tok })],
		['400', await srv.api('POST', '/units', { token: tok, body: '{' })],
		['405', await srv.api('PUT', '/units', { token: tok, body: {} })],
		['POST /session', await srv.api('POST', '/session', { body: { username: 'leader', password: srv.password } })],
		['401 sign-in', await srv.api('POST', '/session', { body: { username: 'leader', password: 'nope-nope-1A!' } })],
		['meta', await srv.api('GET', '/meta', { token: tok })],
		['openapi', await srv.api('GET', '/openapi.json', { token: tok })],
	];
	for (const [what, res] of cases) {
		assertSecurityHeaders(res, what);
		assert.match(res.headers.get('cache-control') || '', /no-store/, `${what}: Cache-Control ${res.headers.get('cache-control')}`);
		assert.match(res.headers.get('content-type') || '', /^application\/json/, `${what}: Content-Type ${res.headers.get('content-type')}`);
	}
	const del = await srv.api('DELETE', '/session', { token: (await srv.login('leader')).token });
	assert.equal(del.status, 204);
	assertSecurityHeaders(del, '204');
	assert.match(del.headers.get('cache-control') || '', /no-store/);
});

it('UI answers carry the security headers; unknown UI paths fall back to index.html', async () => {
	const root = await srv.http('GET', '/');
	assert.equal(root.status, 200, root.text.slice(0, 200));
	assert.match(root.headers.get('content-type') || '', /^text\/html/);
	assert.match(root.text, /<!doctype html|<html/i);
	assertSecurityHeaders(root, 'GET /');
	const deep = await srv.http('GET', '/units/5/edit');
	assert.equal(deep.status, 200);
	assert.match(deep.headers.get('content-type') || '', /^text\/html/);
	assert.equal(deep.text, root.text, 'the fallback is not index.html');
	assertSecurityHeaders(deep, 'UI fallback');
	// assets named by index.html are served with the headers and a fitting type
	const assets = [...root.text.matchAll(/(?:src|href)="(\/[^"#?]+\.(?:js|css))"/g)].map((m) => m[1]);
	for (const a of assets) {
		const r = await srv.http('GET', a);
		assert.equal(r.status, 200, `asset ${a}`);
		assertSecurityHeaders(r, a);
		assert.match(r.headers.get('content-type') || '', a.endsWith('.js') ? /javascript/ : /^text\/css/, `${a}: ${r.headers.get('content-type')}`);
	}
	for (const p of ['/healthz', '/metrics']) assertSecurityHeaders(await srv.http('GET', p), p);
});

it('GET /healthz is {"status":"ok"}', async () => {
	const h = await srv.http('GET', '/healthz');
	assert.equal(h.status, 200);
	assert.deepEqual(h.json, { status: 'ok' });
});

it('/metrics is Prometheus text with tongxin_http_requests_total', async () => {
	await srv.api('GET', '/units', { token: tok });
	const m = await srv.http('GET', '/metrics');
	assert.equal(m.status, 200);
	assert.match(m.headers.get('content-type') || '', /^text\/plain/);
	const lines = m.text.split('\n').filter((l) => l.length);
	const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)( -?\d+)?$/;
	for (const l of lines) {
		if (l.startsWith('#')) {
			assert.match(l, /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]*( .*)?$/, `bad comment line: ${l}`);
		} else {
			assert.match(l, sample, `bad sample line: ${l}`);
		}
	}
	assert.ok(lines.some((l) => /^# TYPE tongxin_http_requests_total counter$/.test(l)), 'no TYPE line for tongxin_http_requests_total');
	const reqs = lines.filter((l) => l.startsWith('tongxin_http_requests_total{'));
	assert.ok(reqs.length > 0, 'no tongxin_http_requests_total samples');
	assert.ok(reqs.some((l) => /route="[^"]*"/.test(l) && /status="200"/.test(l)), `labels route/status missing: ${reqs.slice(0, 3)}`);
	assert.ok(lines.some((l) => /^# TYPE tongxin_http_request_duration_seconds histogram$/.test(l)), 'no duration histogram');
	assert.ok(lines.some((l) => /^tongxin_http_request_duration_seconds_bucket\{.*le="\+Inf".*\} /.test(l)), 'no +Inf bucket');
	// no user data or tokens leak into metrics
	assert.ok(!m.text.includes(tok), 'token in /metrics');
});

it('/api/v1/openapi.json is OpenAPI 3 with the units routes', async () => {
	const r = await srv.api('GET', '/openapi.json', { token: tok });
	assert.equal(r.status, 200, r.text.slice(0, 200));
	assert.ok(r.json, 'not JSON');
	assert.match(String(r.json.openapi), /^3\./);
	assert.equal(typeof r.json.paths, 'object');
	const paths = Object.keys(r.json.paths);
	for (const p of ['/api/v1/units', '/api/v1/session', '/api/v1/me', '/api/v1/users', '/api/v1/audit']) {
		assert.ok(paths.includes(p), `openapi lacks ${p}: ${paths.join(' ')}`);
	}
	assert.ok(r.json.paths['/api/v1/units'].get && r.json.paths['/api/v1/units'].post, 'units without get/post');
	assert.ok(paths.some((p) => /^\/api\/v1\/units\/\{[a-z_]+\}$/.test(p)), 'no /api/v1/units/{id}');
});

it('/api/v1/meta describes the unit entity and the unit_kind dictionary in zh and en', async () => {
	const r = await srv.api('GET', '/meta', { token: tok });
	assert.equal(r.status, 200, r.text.slice(0, 200));
	const ents = r.json.entities;
	const unit = Array.isArray(ents) ? ents.find((e) => e.name === 'unit' || e.code === 'unit') : ents?.unit;
	assert.ok(unit, `no unit entity: ${JSON.stringify(ents).slice(0, 300)}`);
	assert.ok(Array.isArray(unit.fields) && unit.fields.length > 0, 'unit without fields');
	const name = unit.fields.find((f) => f.name === 'name');
	assert.ok(name, 'unit has no name field');
	assert.equal(typeof name.label_zh, 'string');
	assert.equal(typeof name.label_en, 'string');
	assert.ok(name.label_zh.length > 0 && name.label_en.length > 0);
	assert.equal(name.required, true);
	const kind = unit.fields.find((f) => f.name === 'kind');
	assert.ok(kind, 'unit has no kind field');
	assert.equal(kind.dict, 'unit_kind');

	const dicts = r.json.dictionaries;
	const uk = Array.isArray(dicts) ? dicts.find((d) => d.code === 'unit_kind') : dicts?.unit_kind;
	assert.ok(uk, 'no unit_kind dictionary');
	assert.ok(uk.name_zh && uk.name_en, 'dictionary without zh/en names');
	const values = uk.items.map((i) => i.value);
	for (const v of ['city', 'town', 'street', 'zone', 'village', 'community', 'department']) {
		assert.ok(values.includes(v), `unit_kind lacks ${v}: ${values}`);
	}
	for (const i of uk.items) {
		assert.ok(typeof i.label_zh === 'string' && i.label_zh.length > 0, `no label_zh for ${i.value}`);
		assert.ok(typeof i.label_en === 'string' && i.label_en.length > 0, `no label_en for ${i.value}`);
		assert.match(i.label_zh, /[\u4e00-\u9fff]/, `label_zh of ${i.value} is not Chinese: ${i.label_zh}`);
	}
});
