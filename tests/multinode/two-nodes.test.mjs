// Two `tongxin serve` nodes over one PostgreSQL database, with one shared key
// directory (`tongxin demo` run once, then both nodes serve with the same
// --db and --keys): the shape of a province deployment with several stateless
// nodes behind a load balancer (docs/deployment.md).
//
// What this proves, through the HTTP API of the real binary only:
//   - both nodes read and write the same data with the same keys: a person
//     written on A, with encrypted fields and blind indexes, is found by its
//     ID number and revealed on B;
//   - sessions live in the database: a sign-in on one node works on the other
//     (Bearer token and cookie, CSRF rule included), and sign-out or account
//     deactivation on one node ends the session on both;
//   - a write on one node is read on the other at once;
//   - optimistic locking holds across nodes: many concurrent PATCHes of one
//     record (and of one unit) with the same `version`, sent alternately to
//     both nodes, give exactly one 200, every other answer is 409
//     conflict.version and the version goes up by exactly one. This is the
//     mechanism case transitions will use; the check on a real case transition
//     will be added here when cases exist;
//   - a lockout made by wrong passwords on one node holds on the other, and
//     concurrent wrong passwords on both nodes lose no count;
//   - the audit chain stays whole after concurrent writes on both nodes: the
//     audit_head row lock serialises appends across nodes, so `tongxin audit
//     verify` passes and seq runs 1..N without gaps or duplicates, one entry
//     per successful write;
//   - the nodes connect as a database role that does not own the schema and
//     may only append to audit_log (the grants of docs/deployment.md): every
//     request above works with it, and it cannot update, delete or truncate
//     audit entries, disable or drop the append-only triggers, or drop tables;
//   - no request is answered 5xx and both nodes stop cleanly on SIGTERM.
//
// Needs TONGXIN_TEST_PG_URL (tests/run.sh starts PostgreSQL and sets it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, PG_URL, PASSWORD } from './nodes.mjs';
import { assertError } from '../api/harness.mjs';

if (!PG_URL) {
	const why = 'TONGXIN_TEST_PG_URL is not set: the two-node test needs a PostgreSQL server ' +
		'(tests/run.sh starts one; or: tests/pg.sh start DIR PORT and export the URL it prints)';
	console.log(`# ${why}`);
	test('two tongxin nodes over one PostgreSQL', { skip: why }, () => {});
} else {
	suite();
}

function suite() {
	let cl, A, B, staffA;
	const t0 = Date.now();

	// A failing test shows the tail of both nodes' logs.
	const it = (name, fn) => test(name, async (t) => {
		try {
			await fn(t);
		} catch (e) {
			if (cl && e && typeof e === 'object') {
				const logs = cl.nodes.map((n) => `--- node ${n.name} log tail (${n.log})${n.alive() ? '' : ' !!! exited'} ---\n${n.logTail(20)}`);
				try { e.message = `${e.message}\n${logs.join('\n')}`; } catch { /* read-only */ }
			}
			throw e;
		}
	});

	before(async () => {
		cl = await startCluster({ count: 2, people: 100 });
		[A, B] = cl.nodes;
		console.log(`# demo on PostgreSQL in ${cl.demoMs} ms; both nodes up after ${Date.now() - t0} ms`);
		staffA = await A.login('staff');
	});
	after(async () => {
		await cl?.stop();
		console.log(`# two-node test took ${Date.now() - t0} ms`);
	});

	const S = () => ({ token: staffA.token });
	// A number in Chinese digits (person names may hold no ASCII digits).
	const cn = (i) => String(i).replace(/\d/g, (d) => '零一二三四五六七八九'[d]);
	const other = (n) => (n === A ? B : A);
	const cityId = async () => {
		const r = await B.api('GET', '/units', S());
		assert.equal(r.status, 200, r.text);
		const city = r.json.items.find((u) => u.kind === 'city');
		assert.ok(city, `no city among staff's roots: ${r.text}`);
		return city.id;
	};

	// A valid GB 11643 ID number (region 110105, the given birth date and sequence).
	const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
	const makeId = (birth, seq) => {
		const s17 = `110105${birth}${String(seq).padStart(3, '0')}`;
		let sum = 0;
		for (let i = 0; i < 17; i++) sum += Number(s17[i]) * W[i];
		return s17 + '10X98765432'[sum % 11];
	};

	it('both nodes share one database and one key directory: a person written on A is found and revealed on B', async () => {
		for (const n of [A, B]) {
			const h = await n.http('GET', '/healthz');
			assert.equal(h.status, 200, `node ${n.name} /healthz: ${h.text}`);
		}
		const idn = makeId('19370707', 517);
		const phone = '13912345678';
		const me = await A.api('GET', '/me', S());
		const c = await A.api('POST', '/person', { ...S(), body: { unit_id: me.json.unit_id, name: '双节点', id_number: idn, phone } });
		assert.equal(c.status, 201, c.text);
		// read on B: the same record, masked
		const g = await B.api('GET', `/person/${c.json.id}`, S());
		assert.equal(g.status, 200, g.text);
		assert.equal(g.json.name, '双节点');
		assert.equal(g.json.version, c.json.version);
		assert.equal(g.json.id_number, c.json.id_number);
		assert.notEqual(g.json.id_number, idn, 'the ID number is answered in clear');
		// the blind index written on A (index.key) finds the person on B
		const found = await B.listAll(`/person?q=${idn}`, S());
		assert.deepEqual(found.map((p) => p.id), [c.json.id], `search on B by the ID number written on A: ${JSON.stringify(found)}`);
		// the fields sealed on A (field.key) open on B
		for (const [field, value] of [['id_number', idn], ['phone', phone]]) {
			const r = await B.api('POST', `/person/${c.json.id}/reveal`, { ...S(), body: { field, reason: '双节点核对' } });
			assert.equal(r.status, 200, `reveal ${field} on B: ${r.text}`);
			assert.equal(r.json.value, value, `${field} sealed on A opens on B`);
		}
		// and the chain written by both (audit.key) verifies
		const v = cl.cli(['audit', 'verify', '--db', cl.db, '--keys', cl.keys]);
		assert.equal(v.status, 0, `audit verify: ${v.stdout}${v.stderr}`);
	});

	it('a session made on one node works on the other; sign-out on either ends it on both', async () => {
		const s = await A.login('town1');
		for (const n of [B, A]) {
			const byToken = await n.api('GET', '/me', { token: s.token });
			assert.equal(byToken.status, 200, `token from A on node ${n.name}: ${byToken.text}`);
			assert.equal(byToken.json.username, 'town1');
			const byCookie = await n.api('GET', '/me', { cookie: s.cookie });
			assert.equal(byCookie.status, 200, `cookie from A on node ${n.name}: ${byCookie.text}`);
			assert.equal(byCookie.json.username, 'town1');
		}
		// a cookie write on B: refused without the CSRF header, accepted with it
		const body = { parent_id: s.user.unit_id, name: '跨节点会话村', kind: 'village' };
		assertError(await B.api('POST', '/units', { cookie: s.cookie, csrf: false, body }), 403, 'auth.csrf');
		const made = await B.api('POST', '/units', { cookie: s.cookie, body });
		assert.equal(made.status, 201, made.text);
		assert.equal((await A.api('GET', `/units/${made.json.id}`, { cookie: s.cookie })).status, 200);
		// sign out on B ends the session on A (token and cookie) and on B
		const out = await B.api('DELETE', '/session', { token: s.token });
		assert.equal(out.status, 204, out.text);
		for (const n of [A, B]) {
			assertError(await n.api('GET', '/me', { token: s.token }), 401);
			assertError(await n.api('GET', '/me', { cookie: s.cookie }), 401);
		}
		// and the other way round, signing out with the cookie on A
		const s2 = await B.login('town1');
		assert.equal((await A.api('GET', '/me', { cookie: s2.cookie })).status, 200);
		const out2 = await A.api('DELETE', '/session', { cookie: s2.cookie });
		assert.equal(out2.status, 204, out2.text);
		assertError(await B.api('GET', '/me', { token: s2.token }), 401);
		assert.equal(cl.sql(`SELECT count(*) FROM session s JOIN app_user u ON u.id = s.user_id WHERE u.username = 'town1'`), '0');
	});

	it('deactivating an account on one node ends its sessions on the other', async () => {
		const victim = await B.login('town2');
		assert.equal((await B.api('GET', '/me', { token: victim.token })).status, 200);
		const admin = await A.login('admin');
		const d = await A.api('DELETE', `/users/${victim.user.id}`, { token: admin.token });
		assert.ok(d.status === 200 || d.status === 204, `deactivate town2 on A: ${d.status} ${d.text}`);
		assertError(await B.api('GET', '/me', { token: victim.token }), 401);
		assertError(await B.api('POST', '/session', { body: { username: 'town2', password: PASSWORD } }), 401, 'auth.invalid');
	});

	it('a write on one node is read on the other at once', async () => {
		const city = await cityId();
		for (let i = 0; i < 10; i++) {
			const w = i % 2 ? B : A;
			const r = other(w);
			const c = await w.api('POST', '/units', { ...S(), body: { parent_id: city, name: `即时读部${i}`, kind: 'department' } });
			assert.equal(c.status, 201, `create on ${w.name}: ${c.text}`);
			const g = await r.api('GET', `/units/${c.json.id}`, S());
			assert.equal(g.status, 200, `read on ${r.name} right after the create on ${w.name}: ${g.text}`);
			assert.equal(g.json.name, `即时读部${i}`);
			assert.equal(g.json.version, c.json.version);
			const kids = await r.listAll(`/units?parent=${city}`, S());
			assert.ok(kids.some((u) => u.id === c.json.id), `the children of the city listed on ${r.name} lack the new unit`);
			// change it on the reader, read the change back on the writer
			const p = await r.api('PATCH', `/units/${c.json.id}`, { ...S(), body: { name: `即时改部${i}`, version: g.json.version } });
			assert.equal(p.status, 200, `PATCH on ${r.name}: ${p.text}`);
			const g2 = await w.api('GET', `/units/${c.json.id}`, S());
			assert.equal(g2.json.name, `即时改部${i}`);
			assert.equal(g2.json.version, c.json.version + 1);
			// delete on the writer, gone on the reader
			assert.equal((await w.api('DELETE', `/units/${c.json.id}`, S())).status, 204);
			assertError(await r.api('GET', `/units/${c.json.id}`, S()), 404, 'not_found');
		}
	});

	/*
	 * The race of a case transition: N clients hold the same version and all
	 * try to change the record at once, half through each node. Exactly one
	 * may win. Case transitions use the same optimistic locking and have
	 * their own race below.
	 */
	async function race(kind, id, field, rounds, n) {
		const wins = { A: 0, B: 0 };
		for (let round = 0; round < rounds; round++) {
			const cur = await A.api('GET', `/${kind}/${id}`, S());
			assert.equal(cur.status, 200, cur.text);
			const v = cur.json.version;
			const value = (i) => `竞争${round}-${i}`;
			const answers = await Promise.all(Array.from({ length: n }, (_, i) =>
				(i % 2 ? B : A).api('PATCH', `/${kind}/${id}`, { ...S(), body: { [field]: value(i), version: v } })
					.then((r) => ({ ...r, i }))));
			const ok = answers.filter((r) => r.status === 200);
			const lost = answers.filter((r) => r.status !== 200);
			const summary = answers.map((r) => `${r.node}:${r.status}:${r.json?.error?.code ?? ''}`).join(' ');
			assert.equal(ok.length, 1, `round ${round} of ${kind} ${id}: ${ok.length} winners (want exactly 1): ${summary}`);
			for (const r of lost) assertError(r, 409, 'conflict.version');
			wins[ok[0].node]++;
			assert.equal(ok[0].json.version, v + 1);
			// both nodes see the winner's value and version old+1
			for (const node of [A, B]) {
				const g = await node.api('GET', `/${kind}/${id}`, S());
				assert.equal(g.json.version, v + 1, `round ${round}: version on ${node.name}`);
				assert.equal(g.json[field], value(ok[0].i), `round ${round}: ${field} on ${node.name}`);
			}
		}
		return wins;
	}

	it('concurrent PATCHes of one person with one version across both nodes: exactly one 200, the rest 409 conflict.version', async () => {
		const me = await A.api('GET', '/me', S());
		const c = await B.api('POST', '/person', { ...S(), body: { unit_id: me.json.unit_id, name: '竞争者', workplace: '起点' } });
		assert.equal(c.status, 201, c.text);
		const before = Number(cl.sql(`SELECT count(*) FROM audit_log WHERE action = 'person.update' AND entity_id = '${c.json.id}'`));
		const wins = await race('person', c.json.id, 'workplace', 6, 16);
		console.log(`# person race: winners by node ${JSON.stringify(wins)}`);
		// one audit entry per winning PATCH, none for the losers
		const after = Number(cl.sql(`SELECT count(*) FROM audit_log WHERE action = 'person.update' AND entity_id = '${c.json.id}'`));
		assert.equal(after - before, 6);
	});

	it('concurrent PATCHes of one unit with one version across both nodes: exactly one 200, the rest 409 conflict.version', async () => {
		const c = await A.api('POST', '/units', { ...S(), body: { parent_id: await cityId(), name: '竞争部', kind: 'department' } });
		assert.equal(c.status, 201, c.text);
		const wins = await race('units', c.json.id, 'name', 6, 16);
		console.log(`# unit race: winners by node ${JSON.stringify(wins)}`);
		assert.equal(cl.sql(`SELECT version FROM unit WHERE id = ${c.json.id}`), String(c.json.version + 6));
	});

	it('concurrent transitions of one case across both nodes: exactly one 200, the rest 409; the timeline shows one action', async () => {
		const wins = { A: 0, B: 0 };
		for (let round = 0; round < 5; round++) {
			const c = await A.api('POST', '/cases', { ...S(), body: { type: 'suggestion', title: `两节点竞争${round}`, content: '并发办理' } });
			assert.equal(c.status, 201, c.text);
			const v = c.json.version;
			// half register, half reject, through both nodes, all with the version they saw
			const answers = await Promise.all(Array.from({ length: 12 }, (_, i) =>
				(i % 2 ? B : A).api('POST', `/cases/${c.json.id}/act`, { ...S(), body: i % 4 < 2
					? { action: 'register', version: v }
					: { action: 'reject', reason: 'other', version: v } })));
			const ok = answers.filter((r) => r.status === 200);
			const summary = answers.map((r) => `${r.node}:${r.status}:${r.json?.error?.code ?? ''}`).join(' ');
			assert.equal(ok.length, 1, `round ${round}: ${ok.length} winners (want exactly 1): ${summary}`);
			for (const r of answers.filter((x) => x.status !== 200)) assertError(r, 409, 'conflict.version');
			wins[ok[0].node]++;
			for (const node of [A, B]) {
				const g = await node.api('GET', `/cases/${c.json.id}`, S());
				assert.equal(g.json.version, v + 1, `round ${round}: version on ${node.name}`);
				assert.equal(g.json.state, ok[0].json.state);
				assert.deepEqual(g.json.timeline.map((e) => e.action), ['create', ok[0].json.timeline.at(-1).action]);
			}
			const audited = Number(cl.sql(`SELECT count(*) FROM audit_log WHERE entity = 'case' AND entity_id = '${c.json.id}' AND result = 'ok'`));
			assert.equal(audited, 2, `round ${round}: audit entries of the case (create + one action): ${audited}`);
		}
		console.log(`# case race: winners by node ${JSON.stringify(wins)}`);
	});

	it('a lockout made by wrong passwords on one node holds on the other', async () => {
		const sec = await B.login('secadmin');
		const wrong = (n, user, i) => n.api('POST', '/session', { body: { username: user, password: `Wrong-Pass-${i}!x` } });

		// five wrong passwords on A; the right one is refused on B and on A
		for (let i = 1; i <= 5; i++) assertError(await wrong(A, 'village1', i), 401, /^auth\.(invalid|locked)$/);
		assertError(await B.api('POST', '/session', { body: { username: 'village1', password: PASSWORD } }), 401, 'auth.locked');
		assertError(await A.api('POST', '/session', { body: { username: 'village1', password: PASSWORD } }), 401, 'auth.locked');
		// unlocked on B, signs in on A
		const id = cl.sql(`SELECT id FROM app_user WHERE username = 'village1'`);
		const un = await B.api('POST', `/users/${id}/unlock`, { token: sec.token });
		assert.ok(un.status === 200 || un.status === 204, `unlock on B: ${un.status} ${un.text}`);
		await A.login('village1');

		// failures alternating between the nodes count together
		for (let i = 1; i <= 5; i++) assertError(await wrong(i % 2 ? A : B, 'deptliaison', i), 401, /^auth\.(invalid|locked)$/);
		for (const n of [A, B]) {
			assertError(await n.api('POST', '/session', { body: { username: 'deptliaison', password: PASSWORD } }), 401, 'auth.locked');
		}

		// concurrent wrong passwords on both nodes: no count is lost
		const shots = await Promise.all(Array.from({ length: 12 }, (_, i) => wrong(i % 2 ? B : A, 'leader', 100 + i)));
		for (const r of shots) assertError(r, 401, /^auth\.(invalid|locked)$/);
		const invalid = shots.filter((r) => r.json.error.code === 'auth.invalid').length;
		assert.equal(cl.sql(`SELECT failed_logins FROM app_user WHERE username = 'leader'`), String(invalid),
			'failed_logins must equal the wrong passwords that were counted (auth.invalid answers)');
		assert.equal(cl.sql(`SELECT count(*) FROM audit_log WHERE action = 'session.fail' AND actor = 'leader'`), '12');
		for (const n of [A, B]) {
			assertError(await n.api('POST', '/session', { body: { username: 'leader', password: PASSWORD } }), 401, 'auth.locked');
		}
	});

	it('concurrent writes on both nodes keep the audit chain whole: seq 1..N without gaps or duplicates', async () => {
		const base = Number(cl.sql('SELECT seq FROM audit_head WHERE id = 1'));
		const city = await cityId();
		const me = await A.api('GET', '/me', S());
		const jobs = [];
		for (let i = 0; i < 60; i++) {
			const n = i % 2 ? B : A;
			const tag = (ent) => (r) => ({ ...r, ent });
			if (i % 10 === 9) jobs.push(n.api('POST', '/session', { body: { username: 'staff', password: PASSWORD } }).then(tag('session')));
			else if (i % 2 === 0) jobs.push(n.api('POST', '/units', { ...S(), body: { parent_id: city, name: `并发部${i}`, kind: 'department' } }).then(tag('unit')));
			else jobs.push(n.api('POST', '/person', { ...S(), body: { unit_id: me.json.unit_id, name: `并发${cn(i)}` } }).then(tag('person')));
		}
		const answers = await Promise.all(jobs);
		const bad = answers.filter((r) => r.status !== 200 && r.status !== 201);
		assert.deepEqual(bad.map((r) => `${r.node}:${r.status}:${r.text.slice(0, 200)}`), [], 'every concurrent write succeeds');

		// numbering: 1..N, no gap, no duplicate, head at the last entry
		const [count, lo, hi, distinct] = cl.sql('SELECT count(*), min(seq), max(seq), count(DISTINCT seq) FROM audit_log').split('|').map(Number);
		assert.equal(lo, 1);
		assert.equal(count, hi, `audit seq has gaps: ${count} entries up to seq ${hi}`);
		assert.equal(distinct, count, 'audit seq has duplicates');
		const [headSeq, headHash] = cl.sql('SELECT seq, hash FROM audit_head WHERE id = 1').split('|');
		assert.equal(Number(headSeq), hi);
		assert.equal(cl.sql(`SELECT hash FROM audit_log WHERE seq = ${hi}`), headHash);
		// each link names the previous entry's hash
		assert.equal(cl.sql('SELECT count(*) FROM audit_log l JOIN audit_log p ON p.seq = l.seq - 1 WHERE l.prev_hash <> p.hash'), '0');
		// exactly one entry per successful write (60 writes: 27 units, 27 people, 6 sign-ins)
		assert.equal(hi - base, 60, `entries appended during the concurrent writes: ${hi - base}, want 60`);
		const appended = cl.sql(`SELECT action, entity_id, actor FROM audit_log WHERE seq > ${base} ORDER BY seq`)
			.split('\n').map((l) => l.split('|'));
		const made = answers.filter((x) => x.ent !== 'session').map((r) => `${r.ent}.create:${r.json.id}`).sort();
		const logged = appended.filter(([a]) => a !== 'session.create').map(([a, id]) => `${a}:${id}`).sort();
		assert.deepEqual(logged, made, 'the create entries appended are not exactly one per created unit and person');
		assert.equal(appended.filter(([a, , who]) => a === 'session.create' && who === 'staff').length, 6);

		// the keyed chain verifies with the shared key directory
		const v = cl.cli(['audit', 'verify', '--db', cl.db, '--keys', cl.keys]);
		assert.equal(v.status, 0, `audit verify: ${v.stdout}${v.stderr}`);
		assert.match(v.stdout + v.stderr, new RegExp(`audit chain intact: ${count} entries; head seq ${hi} hash ${headHash}`));

		// and the auditor reads the same chain through either node
		const auds = [await A.login('auditor'), await B.login('auditor')];
		const [la, lb] = await Promise.all([A.listAll('/audit', { token: auds[0].token }), B.listAll('/audit', { token: auds[1].token })]);
		const key = (es) => es.map((e) => `${e.seq}:${e.hash}`).sort().join(',');
		assert.equal(la.length, hi + 2, `GET /audit on A lists ${la.length} entries, want ${hi + 2}`);
		assert.equal(key(la), key(lb), 'nodes A and B list different audit entries');
	});

	it('the nodes\' database role cannot alter the audit trail (it only appends)', async () => {
		// every request above ran as this role, so its grants are enough for the application
		assert.equal(cl.sql(`SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> '${cl.owner}'`), '0',
			'a table is not owned by the owner role');
		const refused = [
			'UPDATE audit_log SET result = \'ok\' WHERE seq = 1',
			'DELETE FROM audit_log WHERE seq = 1',
			'TRUNCATE audit_log',
			'ALTER TABLE audit_log DISABLE TRIGGER ALL',
			'DROP TRIGGER audit_log_no_change ON audit_log',
			'DELETE FROM audit_head',
			'INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, \'x\', 0)',
			'DROP TABLE unit',
			'UPDATE case_event SET comment = \'改写\'',
			'DELETE FROM case_event',
			'TRUNCATE case_event',
		];
		for (const q of refused) {
			const r = cl.appSql(q);
			assert.equal(r.ok, false, `the application role may run: ${q}`);
			assert.match(r.err, /permission denied|must be owner/, `${q}: ${r.err}`);
		}
		const v = cl.cli(['audit', 'verify', '--db', cl.db, '--keys', cl.keys]);
		assert.equal(v.status, 0, `audit verify: ${v.stdout}${v.stderr}`);
	});

	it('no request was answered 5xx, and both nodes stop cleanly on SIGTERM', async () => {
		for (const n of [A, B]) {
			const five = n.statuses.filter((s) => s.status >= 500);
			assert.deepEqual(five, [], `node ${n.name} answered 5xx`);
			assert.ok(n.statuses.length > 50, `node ${n.name} served only ${n.statuses.length} requests`);
		}
		for (const n of [A, B]) {
			const x = await n.stop();
			assert.deepEqual(x, { code: 0, signal: null }, `node ${n.name} exit after SIGTERM`);
		}
	});
}
