// Sessions end after the idle time (serve --session-idle 60, the smallest
// the server takes). This file takes about 65 s; TONGXIN_TEST_SKIP_SLOW=1
// skips it.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, assertError } from './harness.mjs';

const slow = !process.env.TONGXIN_TEST_SKIP_SLOW;
let srv;
const it = slow ? tracked(() => srv) : (name) => test.skip(name);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
before(async () => { if (slow) srv = await startServer({ serveArgs: ['--session-idle', '60'] }); });
after(async () => { await srv?.stop(); });

it('an idle session ends with 401 auth.expired; an active one lives on', async () => {
	const idle = await srv.login('staff');
	const idleCookie = await srv.login('leader');
	const busy = await srv.login('town1');
	const t0 = Date.now();
	for (const s of [idle, busy]) assert.equal((await srv.api('GET', '/me', { token: s.token })).status, 200);
	// the busy session is used every 16 s, the idle ones not at all
	while (Date.now() - t0 < 63_000) {
		await sleep(16_000);
		const r = await srv.api('GET', '/me', { token: busy.token });
		assert.equal(r.status, 200, `busy session at ${Date.now() - t0} ms: ${r.text}`);
	}
	assertError(await srv.api('GET', '/me', { token: idle.token }), 401, 'auth.expired');
	assertError(await srv.api('GET', '/me', { cookie: idleCookie.cookie }), 401, 'auth.expired');
	assertError(await srv.api('GET', '/units', { token: idle.token }), 401, /^auth\.(expired|required|invalid)$/);
	assert.equal((await srv.api('GET', '/me', { token: busy.token })).status, 200);
	// a new sign-in works
	const again = await srv.login('staff');
	assert.equal((await srv.api('GET', '/me', { token: again.token })).status, 200);
});
