// The audit log is a hash chain: `tongxin audit verify` finds an altered or a
// deleted row. This file has its own server because it damages the log.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, demoFixture } from './harness.mjs';

let srv, fx, aud, seqs;
const it = tracked(() => srv);
before(async () => {
	srv = await startServer();
	fx = await demoFixture(srv);
	aud = await srv.login('auditor');
	for (let i = 1; i <= 4; i++) {
		const r = await srv.api('POST', '/units', { token: fx.staff.token, body: { parent_id: fx.city.id, name: `链测试部${i}`, kind: 'department' } });
		assert.equal(r.status, 201, r.text);
	}
	seqs = (await srv.listAll('/audit?action=unit.create', { token: aud.token })).map((e) => e.seq).sort((a, b) => a - b);
	assert.ok(seqs.length >= 4, `expected ≥4 unit.create entries, got ${seqs.length}`);
});
after(async () => { await srv?.stop(); });

const verify = () => {
	const r = srv.cli(['audit', 'verify', '--db', srv.db, '--keys', srv.keys]);
	return { ...r, out: `${r.stdout}\n${r.stderr}` };
};
const seqRe = (...ns) => new RegExp(`\\bseq[ =:#]*(${ns.join('|')})\\b`, 'i');

/*
 * The server protects audit_log with append-only triggers; someone with
 * direct database access can remove them, which is what the chain is for.
 */
function dropProtection() {
	if (srv.backend === 'sqlite') {
		const names = srv.sql("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").split('\n').filter(Boolean);
		for (const n of names) srv.sql(`DROP TRIGGER "${n}"`);
	} else {
		srv.sql('ALTER TABLE audit_log DISABLE TRIGGER USER');
		const rules = srv.sql("SELECT rulename FROM pg_rules WHERE tablename = 'audit_log'").split('\n').filter(Boolean);
		for (const n of rules) srv.sql(`DROP RULE "${n}" ON audit_log`);
	}
}
const refused = (q) => {
	try {
		srv.sql(q);
		return false;
	} catch (e) {
		assert.doesNotMatch(String(e.message), /database is locked|busy|could not connect/i, 'the refusal is not the protection');
		return true;
	}
};

it('the audit table has the documented columns and a linked chain', async () => {
	const cols = srv.sql('SELECT seq, at, actor_id, actor, ip, action, entity, entity_id, result, detail, prev_hash, hash FROM audit_log ORDER BY seq LIMIT 1');
	assert.ok(cols.length > 0, 'audit_log is empty');
	const n = Number(srv.sql('SELECT count(*) FROM audit_log'));
	assert.ok(n >= 5, `only ${n} rows`);
	// every row's prev_hash is the previous row's hash
	const broken = srv.sql('SELECT count(*) FROM audit_log a JOIN audit_log b ON b.seq = a.seq + 1 WHERE b.prev_hash <> a.hash');
	assert.equal(broken, '0', 'prev_hash does not link to the previous hash');
});

it('the database itself refuses UPDATE and DELETE on audit_log', async () => {
	const n = seqs[0];
	assert.ok(refused(`BEGIN; UPDATE audit_log SET detail = detail WHERE seq = ${n}; ROLLBACK;`), 'UPDATE of audit_log is allowed');
	assert.ok(refused(`BEGIN; DELETE FROM audit_log WHERE seq = ${n}; ROLLBACK;`), 'DELETE from audit_log is allowed');
});

it('audit verify exits 0 on the intact log (while the server runs)', async () => {
	const r = verify();
	assert.equal(r.status, 0, `verify failed on an intact log: ${r.out}`);
});

it('an altered detail is found and its seq named; restoring it verifies again', async () => {
	const n = seqs[1];
	dropProtection();
	srv.sql(`CREATE TABLE audit_bak AS SELECT * FROM audit_log WHERE seq = ${n}`);
	srv.sql(`UPDATE audit_log SET detail = '{"name":"篡改后的名称"}' WHERE seq = ${n}`);
	const r = verify();
	assert.notEqual(r.status, 0, `verify missed a changed detail at seq ${n}: ${r.out}`);
	assert.match(r.out, seqRe(n), `verify does not name seq ${n}: ${r.out}`);
	assert.ok(r.out.trim().length > 0);
	srv.sql(`UPDATE audit_log SET detail = (SELECT detail FROM audit_bak) WHERE seq = ${n}`);
	const ok = verify();
	assert.equal(ok.status, 0, `after restoring seq ${n}: ${ok.out}`);
});

it('an altered actor or result is found', async () => {
	const n = seqs[2];
	srv.sql(`UPDATE audit_log SET actor = 'admin' WHERE seq = ${n}`);
	const r = verify();
	assert.notEqual(r.status, 0, `verify missed a changed actor at seq ${n}: ${r.out}`);
	assert.match(r.out, seqRe(n), r.out);
	srv.sql(`UPDATE audit_log SET actor = 'staff' WHERE seq = ${n}`);
	assert.equal(verify().status, 0);
	srv.sql(`UPDATE audit_log SET result = 'denied' WHERE seq = ${n}`);
	const r2 = verify();
	assert.notEqual(r2.status, 0, `verify missed a changed result at seq ${n}: ${r2.out}`);
	assert.match(r2.out, seqRe(n), r2.out);
	srv.sql(`UPDATE audit_log SET result = 'ok' WHERE seq = ${n}`);
	assert.equal(verify().status, 0);
});

it('the server keeps logging while the chain is checked', async () => {
	const r = await srv.api('POST', '/units', { token: fx.staff.token, body: { parent_id: fx.city.id, name: '链测试部5', kind: 'department' } });
	assert.equal(r.status, 201, r.text);
	assert.equal(verify().status, 0);
});

it('a deleted row is found', async () => {
	const n = seqs[1];
	srv.sql(`DELETE FROM audit_log WHERE seq = ${n}`);
	const r = verify();
	assert.notEqual(r.status, 0, `verify missed the deletion of seq ${n}: ${r.out}`);
	const next = Number(srv.sql(`SELECT min(seq) FROM audit_log WHERE seq > ${n}`));
	assert.match(r.out, seqRe(n, next), `verify names neither seq ${n} nor ${next}: ${r.out}`);
});
