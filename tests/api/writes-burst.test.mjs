// Many writes at once, as the server commits them: on SQLite several
// requests share one durable commit (group commit, docs/architecture.md
// "Writes"), each answered only after the commit that holds its work; with
// `--sqlite-group-commit 0` (and on PostgreSQL) each request commits alone.
// Either way a burst of case submissions, some of them invalid or refused,
// must leave exactly the accepted ones: numbered without gaps or repeats,
// readable by another request the moment they are answered, one audit entry
// each, the refused ones audited as denied, and an intact audit chain.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tracked, runCli, BACKEND } from './harness.mjs';

const VALID = 48;
const INVALID = 12;
const REFUSED = 6;
const servers = [];
const it = tracked(() => servers.find((s) => s.failed) || servers[0]);

async function burst(srv) {
	const rep = await srv.login('rep1');
	const auditor = await srv.login('auditor');
	const staff = await srv.login('staff');
	const before = await srv.listAll('/audit', { token: auditor.token });
	const tries = [];
	for (let i = 0; i < VALID; i++) {
		tries.push(srv.api('POST', '/cases', {
			token: rep.token, body: { type: 'suggestion', title: `并发提交的建议（${i}）`, content: '现状与建议' },
		}).then(async (r) => {
			// Answered means committed: another request sees it at once.
			const seen = r.status === 201 ? await srv.api('GET', `/cases/${r.json.id}`, { token: rep.token }) : null;
			return { kind: 'valid', r, seen };
		}));
		if (i % 4 === 0 && i / 4 < INVALID) {
			tries.push(srv.api('POST', '/cases', { token: rep.token, body: { type: 'suggestion', title: ' ', content: '空标题' } })
				.then((r) => ({ kind: 'invalid', r })));
		}
		if (i % 8 === 0 && i / 8 < REFUSED) {
			// The representative has no unit:create: refused before any work, audited as denied.
			tries.push(srv.api('POST', '/units', { token: rep.token, body: { name: `越权单位${i}`, parent_id: rep.user.unit_id, kind: 'village' } })
				.then((r) => ({ kind: 'refused', r })));
		}
	}
	const res = await Promise.all(tries);
	const valid = res.filter((x) => x.kind === 'valid');
	for (const { r, seen } of valid) {
		assert.equal(r.status, 201, r.text);
		assert.equal(seen.status, 200, `a case answered 201 was not readable at once: ${seen.status} ${seen.text}`);
		assert.equal(seen.json.no, r.json.no);
	}
	const invalid = res.filter((x) => x.kind === 'invalid');
	assert.equal(invalid.length, INVALID);
	for (const { r } of invalid) assert.equal(r.status, 400, r.text);
	const refused = res.filter((x) => x.kind === 'refused');
	assert.equal(refused.length, REFUSED);
	for (const { r } of refused) assert.equal(r.status, 403, r.text);

	// Numbers: one each, no repeats, no gaps (refused and invalid ones take none).
	const nos = valid.map(({ r }) => r.json.no).sort();
	const seqs = nos.map((no) => Number(no.split('-').pop())).sort((a, b) => a - b);
	assert.equal(new Set(nos).size, VALID, `repeated numbers: ${nos.join(' ')}`);
	assert.equal(seqs[seqs.length - 1] - seqs[0], VALID - 1, `gaps in the numbers: ${seqs.join(' ')}`);

	// The audit log: one case.create per accepted case, one denial per refusal, nothing for the invalid ones.
	const after = await srv.listAll('/audit', { token: auditor.token });
	const fresh = after.filter((e) => !before.some((b) => b.seq === e.seq));
	const ids = new Set(valid.map(({ r }) => String(r.json.id)));
	const creates = fresh.filter((e) => e.action === 'case.create' && e.result === 'ok');
	assert.equal(creates.length, VALID);
	assert.deepEqual(new Set(creates.map((e) => String(e.entity_id))), ids);
	assert.equal(fresh.filter((e) => e.result === 'denied' && e.actor === 'rep1').length, REFUSED);

	// Every accepted case is in the list, and nothing else new is.
	const list = await srv.listAll('/cases', { token: staff.token });
	for (const id of ids) assert.ok(list.some((c) => String(c.id) === id), `case ${id} missing from the list`);

	const v = runCli(['audit', 'verify', '--db', srv.db, '--keys', srv.keys]);
	assert.equal(v.status, 0, `audit verify after the burst: ${v.stdout}${v.stderr}`);
}

async function groupCounts(srv) {
	const m = (await srv.http('GET', '/metrics')).text;
	const num = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(m)?.[1]);
	return { work: num('tongxin_sqlite_group_work_total'), commits: num('tongxin_sqlite_group_commits_total') };
}

before(async () => {
	servers.push(await startServer({ people: 60, cases: 0 }));
	servers.push(await startServer({ people: 60, cases: 0, serveArgs: ['--sqlite-group-commit', '0'] }));
});
after(async () => { for (const s of servers) await s.stop(); });

it('a burst of submissions with group commit (the default)', async () => {
	const srv = servers[0];
	const c0 = await groupCounts(srv);
	await burst(srv);
	const c1 = await groupCounts(srv);
	if (BACKEND === 'sqlite') {
		// The accepted submissions ran in the group (invalid and refused ones stop before it).
		assert.ok(c1.work - c0.work >= VALID, `group work ${c1.work - c0.work} < ${VALID}`);
		assert.ok(c1.commits - c0.commits <= c1.work - c0.work, 'more commits than work');
		assert.ok(c1.commits - c0.commits >= 1);
	} else {
		assert.equal(c1.work, 0, 'PostgreSQL commits each request itself');
	}
});

it('the same burst with --sqlite-group-commit 0', async () => {
	const srv = servers[1];
	await burst(srv);
	const c = await groupCounts(srv);
	assert.equal(c.work, 0, 'group commit ran although it is off');
});
