// Who sees a case (docs/cases.md): a case outside the caller's reach answers
// 404 on every route (GET, act, files, PATCH) and is never listed — a town1
// case for town2, rep1's case for rep2, a case not assigned to a department
// for its liaison, a draft for staff. Attachments are judged by their
// content (PNG, PDF, Office accepted; executables, HTML, SVG, plain zips
// refused with 415 whatever the declared type), at most 10 MiB (413 above),
// and come back with a safe Content-Disposition. /cases/similar names
// registered cases and gives an id only for those the caller may open.
// leader_ids and signer_ids must name active users.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, D1, D2;
const it = tracked(() => srv);
const U = {};
const NAMES = ['staff', 'leader', 'town1', 'town2', 'deptliaison', 'deptliaison2', 'rep1', 'rep2', 'village1'];
const auth = (n) => ({ token: U[n].token });
const uid = (n) => U[n].user.id;
const NOPE = 987654321;

async function create(who, body) {
	const r = await srv.api('POST', '/cases', { ...auth(who), body });
	assert.equal(r.status, 201, `POST /cases as ${who}: ${r.status} ${r.text}`);
	return r.json;
}
async function get(id, who = 'staff') {
	const r = await srv.api('GET', `/cases/${id}`, auth(who));
	assert.equal(r.status, 200, `GET /cases/${id} as ${who}: ${r.status} ${r.text}`);
	return r.json;
}
async function act(id, who, body, viewer = 'staff') {
	const c = await get(id, viewer);
	const r = await srv.api('POST', `/cases/${id}/act`, { ...auth(who), body: { version: c.version, ...body } });
	assert.equal(r.status, 200, `${body.action} by ${who}: ${r.status} ${r.text}`);
	return r.json;
}
const upload = (id, who, name, bytes, type = 'application/octet-stream') =>
	srv.api('POST', `/cases/${id}/files?name=${encodeURIComponent(name)}`, { ...auth(who), body: bytes, headers: { 'content-type': type } });

// ---------------------------------------------------------------- files
function crc32(buf) {
	let c, crc = 0xffffffff;
	for (const b of buf) {
		c = (crc ^ b) & 0xff;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		crc = (crc >>> 8) ^ c;
	}
	return (crc ^ 0xffffffff) >>> 0;
}
/* A zip archive of stored (uncompressed) entries. */
function zip(entries) {
	const locals = [], centrals = [];
	let offset = 0;
	for (const [name, text] of entries) {
		const n = Buffer.from(name), d = Buffer.from(text), crc = crc32(d);
		const lh = Buffer.alloc(30);
		lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt32LE(crc, 14);
		lh.writeUInt32LE(d.length, 18); lh.writeUInt32LE(d.length, 22); lh.writeUInt16LE(n.length, 26);
		const ch = Buffer.alloc(46);
		ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt32LE(crc, 16);
		ch.writeUInt32LE(d.length, 20); ch.writeUInt32LE(d.length, 24); ch.writeUInt16LE(n.length, 28); ch.writeUInt32LE(offset, 42);
		locals.push(lh, n, d);
		centrals.push(ch, n);
		offset += 30 + n.length + d.length;
	}
	const cd = Buffer.concat(centrals);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
	end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
	return new Uint8Array(Buffer.concat([...locals, cd, end]));
}
function png(extra = 0) {
	const chunk = (type, data) => {
		const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
		const td = Buffer.concat([Buffer.from(type), data]);
		const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
		return Buffer.concat([len, td, crc]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(1, 0); ihdr.writeUInt32BE(1, 4); ihdr[8] = 8; ihdr[9] = 2;
	const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
		chunk('IDAT', zlib.deflateSync(Buffer.from([0, 255, 0, 0]))), chunk('IEND', Buffer.alloc(0))];
	let b = Buffer.concat(parts);
	if (extra) b = Buffer.concat([b, Buffer.alloc(extra - b.length)]);
	return new Uint8Array(b);
}
function pdf(size = 0) {
	const head = '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n';
	const tail = '%%EOF\n';
	const pad = size ? size - head.length - tail.length : 0;
	return new Uint8Array(Buffer.concat([Buffer.from(head), Buffer.from('%'.repeat(Math.max(0, pad))), Buffer.from(tail)]));
}
const DOCX = () => zip([
	['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'],
	['word/document.xml', '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'],
]);
const EXE = () => { const b = Buffer.alloc(512); b.write('MZ', 0); b.writeUInt32LE(0x80, 0x3c); b.write('PE\0\0', 0x80, 'latin1'); return new Uint8Array(b); };
const HTML = () => new Uint8Array(Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>'));
const SVG = () => new Uint8Array(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'));
const PLAINZIP = () => zip([['readme.txt', 'not an office file'], ['run.sh', '#!/bin/sh\necho hi\n']]);
const SCRIPT = () => new Uint8Array(Buffer.from('#!/bin/sh\nrm -rf /\n'));

let T1CASE, R1CASE, DCASE, UNASSIGNED, DRAFT, allCases;

before(async () => {
	srv = await startServer({ people: 200 });
	fx = await demoFixture(srv);
	for (const n of NAMES) U[n] = fx[n]?.token ? fx[n] : await srv.login(n);
	D1 = U.deptliaison.user.unit_id;
	D2 = U.deptliaison2.user.unit_id;
	// a case of town1 (its unit is the town), registered
	T1CASE = await create('town1', { type: 'suggestion', title: '东城街道范围测试建言', content: '镇街建言' });
	assert.equal(T1CASE.unit_id, fx.town1Unit, 'a town officer\'s case belongs to its town');
	await act(T1CASE.id, 'staff', { action: 'register' });
	// rep1's own suggestion, registered
	R1CASE = await create('rep1', { type: 'suggestion', title: '关于建设城市绿道的建议', content: '建设绿道' });
	await act(R1CASE.id, 'staff', { action: 'register' });
	// a suggestion assigned to the first department
	DCASE = await create('rep1', { type: 'suggestion', title: '部门办理范围测试', content: '交办给部门' });
	await act(DCASE.id, 'staff', { action: 'register' });
	await act(DCASE.id, 'staff', { action: 'assign', lead_unit_id: D1 });
	// a registered one not assigned to anyone
	UNASSIGNED = await create('village1', { type: 'suggestion', title: '未交办范围测试', content: '未交办' });
	await act(UNASSIGNED.id, 'staff', { action: 'register' });
	// a draft proposal of rep1
	DRAFT = await create('rep1', { type: 'proposal', title: '关于城市绿道的提案草稿', content: '草稿' });
	assert.equal(DRAFT.state, 'draft');
	allCases = [T1CASE, R1CASE, DCASE, UNASSIGNED, DRAFT];
});
after(async () => { await srv?.stop(); });

/* Every route answers 404 for `who` on case `c`. */
async function invisible(c, who) {
	const a = auth(who);
	const what = `${who} on case ${c.id} (${c.title})`;
	assertError(await srv.api('GET', `/cases/${c.id}`, a), 404, 'not_found');
	for (const body of [{ action: 'register', version: 1 }, { action: 'withdraw', version: 1 }, { action: 'instruct', comment: '越权批示', version: 1 },
		{ action: 'answer', answer: '越权答复', version: 5 }, { action: 'sign', version: 1 }, { action: 'nonsense', version: 1 }]) {
		const r = await srv.api('POST', `/cases/${c.id}/act`, { ...a, body });
		assertError(r, 404, 'not_found');
	}
	assertError(await srv.api('PATCH', `/cases/${c.id}`, { ...a, body: { version: 1, title: '越权修改' } }), 404, 'not_found');
	const up = await upload(c.id, who, 'x.png', png(), 'image/png');
	assertError(up, 404, 'not_found');
	const own = await get(c.id, c.state === 'draft' ? 'rep1' : 'staff');
	for (const f of own.files || []) {
		assertError(await srv.http('GET', `/api/v1/cases/${c.id}/files/${f.id}`, a), 404, 'not_found');
	}
	assertError(await srv.http('GET', `/api/v1/cases/${c.id}/files/1`, a), 404, 'not_found');
	const list = await srv.listAll('/cases', a);
	assert.ok(!list.some((x) => x.id === c.id), `${what}: listed`);
	for (const q of [c.title, c.no].filter(Boolean)) {
		const found = await srv.listAll(`/cases?q=${encodeURIComponent(q)}`, a);
		assert.ok(!found.some((x) => x.id === c.id), `${what}: found by q=${q}`);
	}
	const after = await get(c.id, c.state === 'draft' ? 'rep1' : 'staff');
	assert.equal(after.version, own.version, `${what}: the case changed`);
	assert.equal(after.timeline.length, own.timeline.length);
	assert.equal((after.files || []).length, (own.files || []).length);
}

it('town2 on a town1 case: 404 on every route, never listed; town1 sees it', async () => {
	await invisible(T1CASE, 'town2');
	await get(T1CASE.id, 'town1');
	assert.ok((await srv.listAll('/cases', auth('town1'))).some((c) => c.id === T1CASE.id));
	// town2 lists only cases of its town, handled by it, or its own
	const sub = new Set((await srv.listAll(`/units?subtree=${fx.town2Unit}`, auth('staff'))).map((u) => u.id));
	for (const c of await srv.listAll('/cases', auth('town2'))) {
		const full = await get(c.id, 'staff');
		assert.ok(full.submitter_id === uid('town2') || sub.has(full.unit_id) || sub.has(full.lead_unit_id)
			|| (full.co_units || []).some((u) => sub.has(u.unit_id)), `town2 lists case ${c.id} of unit ${full.unit_id}`);
	}
});

it("rep2 on rep1's case: 404 on every route; rep1 sees only its own", async () => {
	await invisible(R1CASE, 'rep2');
	await invisible(DRAFT, 'rep2');
	await invisible(T1CASE, 'rep1');
	const mine = await srv.listAll('/cases', auth('rep1'));
	assert.ok(mine.length >= 3);
	for (const c of mine) assert.equal(c.submitter_id, uid('rep1'), `rep1 lists case ${c.id} of ${c.submitter_id}`);
	assert.ok(mine.some((c) => c.id === DRAFT.id), 'the submitter lists its draft');
});

it('department liaisons: only cases assigned to their unit', async () => {
	await invisible(DCASE, 'deptliaison2');
	await invisible(UNASSIGNED, 'deptliaison');
	await invisible(R1CASE, 'deptliaison');
	const c = await get(DCASE.id, 'deptliaison');
	assert.equal(c.lead_unit_id, D1);
	const list = await srv.listAll('/cases', auth('deptliaison'));
	assert.ok(list.some((x) => x.id === DCASE.id));
	for (const x of list) assert.equal(x.lead_unit_id === D1 || (x.co_units || []).some((u) => u.unit_id === D1), true, `deptliaison lists case ${x.id}`);
});

it('a draft is invisible to staff, leaders and everyone but its submitter and signers', async () => {
	for (const who of ['staff', 'leader', 'town1', 'deptliaison', 'village1', 'rep2']) await invisible(DRAFT, who);
	await get(DRAFT.id, 'rep1');
});

it('GET /cases lists exactly what each caller may see (all pages, and with mine=1)', async () => {
	const staffAll = await srv.listAll('/cases', auth('staff'));
	assert.ok(!staffAll.some((c) => c.state === 'draft' && c.submitter_id !== uid('staff')), 'staff lists drafts of others');
	for (const who of NAMES) {
		const list = await srv.listAll('/cases', auth(who));
		const ids = list.map((c) => c.id);
		assert.equal(new Set(ids).size, ids.length, `${who}: repeated cases across pages`);
		for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] > ids[i], `${who}: not newest first`);
		for (const c of allCases) {
			const r = await srv.api('GET', `/cases/${c.id}`, auth(who));
			assert.equal(ids.includes(c.id), r.status === 200, `${who}: case ${c.id} listed=${ids.includes(c.id)} but GET ${r.status}`);
		}
		const mine = await srv.listAll('/cases?mine=1', auth(who));
		for (const c of mine) assert.ok(ids.includes(c.id), `${who}: mine=1 lists ${c.id} which the full list does not`);
	}
	// a small page size pages through the same list
	const paged = [];
	let after = null;
	for (let i = 0; i < 1000; i++) {
		const r = await srv.api('GET', `/cases?limit=7${after ? `&after=${encodeURIComponent(after)}` : ''}`, auth('town1'));
		assert.equal(r.status, 200, r.text);
		paged.push(...r.json.items.map((c) => c.id));
		if (r.json.next === null || r.json.next === undefined) break;
		after = r.json.next;
	}
	assert.deepEqual(paged, (await srv.listAll('/cases', auth('town1'))).map((c) => c.id));
});

it('attachments: a PNG, a PDF and a .docx are accepted and come back as uploaded', async () => {
	const files = [['现场照片.png', png(), 'image/png', 'inline'], ['材料.pdf', pdf(), 'application/pdf', 'attachment'],
		['说明.docx', DOCX(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'attachment']];
	for (const [name, bytes, mime, disp] of files) {
		const r = await upload(R1CASE.id, 'rep1', name, bytes, 'application/octet-stream');
		assert.equal(r.status, 201, `${name}: ${r.status} ${r.text}`);
		assert.equal(r.json.mime, mime);
		assert.equal(r.json.size, bytes.length);
		assert.equal(r.json.name, name);
		const g = await srv.http('GET', `/api/v1/cases/${R1CASE.id}/files/${r.json.id}`, auth('staff'));
		assert.equal(g.status, 200, g.text);
		assert.equal(g.headers.get('content-type').split(';')[0], mime);
		const cd = g.headers.get('content-disposition');
		assert.ok(cd.startsWith(disp), `${name}: Content-Disposition ${cd}`);
		assert.ok(cd.includes("filename*=UTF-8''" + encodeURIComponent(name).replace(/'/g, '%27')) || cd.includes('filename*='), cd);
		assert.equal(g.headers.get('x-content-type-options'), 'nosniff');
		assert.ok(g.headers.get('content-security-policy'), 'a download without the CSP');
		const raw = await fetch(`${srv.url}/api/v1/cases/${R1CASE.id}/files/${r.json.id}`, { headers: { authorization: `Bearer ${U.rep1.token}` } });
		assert.deepEqual(new Uint8Array(await raw.arrayBuffer()), bytes);
	}
	const c = await get(R1CASE.id, 'rep1');
	assert.deepEqual(c.files.map((f) => f.name).sort(), files.map((f) => f[0]).sort());
	// the office may attach; a leader who only reads may not
	const o = await upload(R1CASE.id, 'staff', '办理意见.pdf', pdf(), 'application/pdf');
	assert.equal(o.status, 201, o.text);
	const l = await upload(R1CASE.id, 'leader', '领导.pdf', pdf(), 'application/pdf');
	assertError(l, 403, /^(case|auth)\.forbidden$/);
	// every upload is audited as case.file
	const aud = await srv.login('auditor');
	const es = (await srv.listAll('/audit?action=case.file', { token: aud.token })).filter((e) => String(e.entity_id) === String(R1CASE.id) && e.result === 'ok');
	assert.deepEqual(es.map((e) => e.actor).sort(), ['rep1', 'rep1', 'rep1', 'staff'], JSON.stringify(es));
});

it('executables, HTML, SVG, scripts and plain zips are refused with 415 whatever the declared type', async () => {
	const before = (await get(R1CASE.id, 'rep1')).files.length;
	const bad = [['setup.exe', EXE()], ['page.html', HTML()], ['logo.svg', SVG()], ['archive.zip', PLAINZIP()], ['run.sh', SCRIPT()],
		['fake.png', HTML()], ['fake.pdf', EXE()], ['fake.docx', PLAINZIP()], ['empty.pdf', new Uint8Array(0)]];
	const declared = ['image/png', 'application/pdf', 'image/svg+xml', 'text/html', 'application/zip', 'application/octet-stream',
		'application/vnd.openxmlformats-officedocument.wordprocessingml.document'];
	for (const [name, bytes] of bad) {
		for (const type of declared) {
			const r = await upload(R1CASE.id, 'rep1', name, bytes, type);
			if (bytes.length === 0) assert.ok(r.status === 415 || r.status === 400, `${name} as ${type}: ${r.status} ${r.text}`);
			else assert.equal(r.status, 415, `${name} declared ${type}: ${r.status} ${r.text}`);
			assert.ok(r.json?.error, `${name}: no error envelope`);
		}
	}
	assert.equal((await get(R1CASE.id, 'rep1')).files.length, before, 'a refused file was kept');
});

it('10 MiB is accepted, one byte more is 413', async () => {
	const MiB = 1024 * 1024;
	const ok = await upload(R1CASE.id, 'rep1', '大文件.pdf', pdf(10 * MiB), 'application/pdf');
	assert.equal(ok.status, 201, `exactly 10 MiB: ${ok.status} ${ok.text.slice(0, 300)}`);
	assert.equal(ok.json.size, 10 * MiB);
	const big = await upload(R1CASE.id, 'rep1', '超大.pdf', pdf(10 * MiB + 1), 'application/pdf');
	assertError(big, 413, 'request.too_large');
	const huge = await upload(R1CASE.id, 'rep1', '超大.png', png(16 * MiB), 'image/png');
	assert.equal(huge.status, 413, huge.text.slice(0, 300));
	assert.ok(srv.alive());
});

it('a file name with path separators, quotes and CR LF comes back in a safe Content-Disposition', async () => {
	const names = ['../../etc/passwd"; evil="1.pdf', '..\\..\\windows\\system32\\"x".pdf', 'a\r\nX-Injected: yes\r\n\r\n<b>.pdf', '报告"引号\'单引号;分号.pdf', '/abs/path/名.pdf'];
	for (const name of names) {
		const r = await upload(R1CASE.id, 'rep1', name, pdf(), 'application/pdf');
		assert.equal(r.status, 201, `${JSON.stringify(name)}: ${r.status} ${r.text}`);
		// kept as the last path segment without control characters or quotes
		assert.ok(!/[\r\n/\\"]/.test(r.json.name), `stored name ${JSON.stringify(r.json.name)}`);
		assert.ok(r.json.name.endsWith('.pdf'), `stored name ${JSON.stringify(r.json.name)}`);
		if (name === '/abs/path/名.pdf') assert.equal(r.json.name, '名.pdf');
		if (name.startsWith('../../etc/')) assert.match(r.json.name, /^passwd[^/"]*1\.pdf$/);
		const raw = await fetch(`${srv.url}/api/v1/cases/${R1CASE.id}/files/${r.json.id}`, { headers: { authorization: `Bearer ${U.rep1.token}` } });
		assert.equal(raw.status, 200);
		await raw.arrayBuffer();
		assert.equal(raw.headers.get('x-injected'), null, 'a header was injected');
		const cd = raw.headers.get('content-disposition');
		assert.ok(cd, 'no Content-Disposition');
		assert.match(cd, /^attachment(;|$)/, cd);
		assert.ok(!/[\r\n]/.test(cd), `CR/LF in ${JSON.stringify(cd)}`);
		// the plain filename="…" is one quoted token without quotes, backslashes or slashes inside
		const plain = /(?:^|;)\s*filename="([^"]*)"(?:\s*;|\s*$)/.exec(cd);
		const unquoted = /(?:^|;)\s*filename=([^";\s]+)/.exec(cd);
		assert.ok(plain || unquoted || /filename\*=/.test(cd), `no file name in ${cd}`);
		if (plain) assert.ok(!/[\\/"]/.test(plain[1]), `unsafe filename in ${cd}`);
		if (unquoted) assert.ok(!/[\\/"]/.test(unquoted[1]), `unsafe filename in ${cd}`);
		const star = /filename\*=UTF-8''([^;\s]*)/i.exec(cd);
		if (star) {
			assert.match(star[1], /^[A-Za-z0-9!#$&+.^_`|~%-]*$/, `filename* not RFC 5987: ${cd}`);
			const decoded = decodeURIComponent(star[1]);
			assert.ok(!/[\r\n/\\]/.test(decoded), `filename* decodes to ${JSON.stringify(decoded)}`);
		}
		// the quotes are gone, the parameters are exactly the file name ones
		const params = cd.split(';').slice(1).map((p) => p.trim().split('=')[0].toLowerCase());
		for (const p of params) assert.ok(p === 'filename' || p === 'filename*', `extra parameter ${p} in ${cd}`);
	}
});

// Character bigrams and their Dice coefficient, the similarity of docs/cases.md.
function bigrams(text) {
	const cs = [...text];
	const out = new Set();
	for (let i = 0; i + 1 < cs.length; i++) out.add(cs[i] + cs[i + 1]);
	return out;
}
function dice(a, b) {
	const x = bigrams(a), y = bigrams(b);
	if (!x.size || !y.size) return 0;
	let common = 0;
	for (const g of x) if (y.has(g)) common++;
	return (2 * common) / (x.size + y.size);
}

let SIM = null;
/* Cases about 绿道: R1CASE (rep1, the city; registered), one registered in town1 and one in town2, one only submitted, one rejected, and the draft. */
async function similarFixture() {
	if (SIM) return SIM;
	const t1 = await create('town1', { type: 'suggestion', title: '关于城市绿道建设的建议', content: '绿道' });
	await act(t1.id, 'staff', { action: 'register' });
	const t2 = await create('town2', { type: 'suggestion', title: '关于加快城市绿道建设的建议', content: '绿道' });
	await act(t2.id, 'staff', { action: 'register' });
	const sub = await create('village1', { type: 'suggestion', title: '关于城市绿道规划的建议', content: '未登记' });
	const rej = await create('village1', { type: 'suggestion', title: '城市绿道照明建议', content: '不予登记' });
	await act(rej.id, 'staff', { action: 'reject', reason: 'other' });
	const no = async (c) => (await get(c.id)).no;
	SIM = { cases: { R1: R1CASE, T1: t1, T2: t2 }, nos: { R1: await no(R1CASE), T1: await no(t1), T2: await no(t2), SUB: await no(sub), REJ: await no(rej) } };
	return SIM;
}
const Q = '城市绿道建设';
async function similar(who, q, type = 'suggestion') {
	const r = await srv.api('GET', `/cases/similar?type=${type}&q=${encodeURIComponent(q)}`, auth(who));
	assert.equal(r.status, 200, `${who}: ${r.text}`);
	assert.ok(Array.isArray(r.json.items));
	assert.ok(r.json.items.length <= 5);
	for (const x of r.json.items) {
		assert.equal(typeof x.no, 'string');
		assert.equal(typeof x.title, 'string');
		assert.equal(typeof x.state, 'string');
		assert.equal(x.type, type);
		assert.equal(typeof x.score, 'number');
		const want = dice(q, x.title);
		assert.ok(want >= 0.2 - 1e-9, `${who}: ${x.title} offered for ${q} with a Dice score of ${want.toFixed(3)}`);
		assert.ok(Math.abs(x.score - want) <= 0.0051, `${who}: score ${x.score} of ${x.title}, Dice ${want.toFixed(4)}`);
	}
	for (let i = 1; i < r.json.items.length; i++) assert.ok(r.json.items[i - 1].score >= r.json.items[i].score, 'not ordered by score');
	return r.json.items;
}
/*
 * `who` is offered exactly the registered 绿道 cases among those under its
 * own unit and those it may open (the draft, the unregistered and the
 * rejected ones never); an id only for the ones it may open.
 */
async function checkSimilar(who, underOwnUnit) {
	const { cases, nos } = await similarFixture();
	const items = await similar(who, Q);
	const byNo = Object.fromEntries(items.map((x) => [x.no, x]));
	for (const k of ['SUB', 'REJ']) assert.ok(!byNo[nos[k]], `${who}: ${k} is offered: ${JSON.stringify(items)}`);
	assert.ok(!items.some((x) => x.title === DRAFT.title), `${who}: a draft is offered`);
	for (const [key, c] of Object.entries(cases)) {
		const can = (await srv.api('GET', `/cases/${c.id}`, auth(who))).status === 200;
		const offered = byNo[nos[key]];
		if (can || underOwnUnit.includes(key)) {
			assert.ok(offered, `${who} is not offered ${key} (${c.title}): ${JSON.stringify(items)}`);
			if (can) assert.equal(offered.id, c.id, `${who} may open ${key}: ${JSON.stringify(offered)}`);
			else assert.ok(!('id' in offered) || offered.id === null, `${who} may not open ${key} but gets its id: ${JSON.stringify(offered)}`);
		} else {
			assert.ok(!offered, `${who} is offered ${key}, neither under its unit nor open to it: ${JSON.stringify(offered)}`);
		}
	}
}

it('GET /cases/similar: a representative of the city is offered the registered cases of the whole city, without ids it may not open', async () => {
	await checkSimilar('rep2', ['R1', 'T1', 'T2']);
	await checkSimilar('rep1', ['R1', 'T1', 'T2']);
	await checkSimilar('staff', ['R1', 'T1', 'T2']);
	const { nos } = await similarFixture();
	// another type or an unrelated title finds none of them
	assert.ok(!(await similar('staff', Q, 'proposal')).some((x) => Object.values(nos).includes(x.no)));
	assert.ok(!(await similar('staff', '农村饮水安全工程')).some((x) => Object.values(nos).includes(x.no)));
	assertError(await srv.api('GET', `/cases/similar?type=nonsense&q=${encodeURIComponent(Q)}`, auth('staff')), 400, 'validation.failed');
});

it('GET /cases/similar: a town officer is offered the cases under its town and those it may open', async () => {
	await checkSimilar('town1', ['T1']);
	await checkSimilar('town2', ['T2']);
	const items = await similar('town2', Q);
	assert.ok(!items.some((x) => x.no === SIM.nos.T1 || x.no === SIM.nos.R1), `town2 is offered cases of town1 or the city: ${JSON.stringify(items)}`);
});

it('leader_ids and signer_ids naming unknown or inactive users are refused with 400', async () => {
	const admin = await srv.login('admin');
	const mk = async (username, role) => {
		const r = await srv.api('POST', '/users', { token: admin.token, body: { username, name: `停用${role}`, unit_id: fx.city.id, roles: [role], password: 'Inactive-User-2026!x' } });
		assert.equal(r.status, 201, r.text);
		const d = await srv.api('DELETE', `/users/${r.json.id}`, { token: admin.token });
		assert.ok(d.status === 204 || d.status === 200, d.text);
		return r.json.id;
	};
	const goneLeader = await mk('goneleader', 'leader');
	const goneRep = await mk('gonerep', 'representative');
	const count = async () => (await srv.listAll('/cases', auth('rep1'))).length;
	const n = await count();
	for (const [field, type, ids] of [
		['leader_ids', 'suggestion', [NOPE]], ['leader_ids', 'suggestion', [goneLeader]], ['leader_ids', 'suggestion', [uid('leader'), NOPE]],
		['signer_ids', 'proposal', [NOPE]], ['signer_ids', 'proposal', [goneRep]], ['signer_ids', 'proposal', [uid('rep2'), goneRep]]]) {
		const r = await srv.api('POST', '/cases', { ...auth('rep1'), body: { type, title: '点名测试', content: '点名', [field]: ids } });
		assertError(r, 400, 'validation.failed', field);
	}
	assert.equal(await count(), n, 'a refused case was created');
	// the addressee lists name active users only
	const leaders = await srv.api('GET', '/cases/addressees?kind=leader', auth('rep1'));
	assert.equal(leaders.status, 200, leaders.text);
	assert.ok(leaders.json.items.some((u) => u.id === uid('leader')));
	assert.ok(!leaders.json.items.some((u) => u.id === goneLeader));
	const signers = await srv.api('GET', '/cases/addressees?kind=signer', auth('rep1'));
	assert.equal(signers.status, 200, signers.text);
	assert.ok(signers.json.items.some((u) => u.id === uid('rep2')));
	assert.ok(!signers.json.items.some((u) => u.id === goneRep));
	// with valid ones the case is created and names them
	const ok = await create('rep1', { type: 'suggestion', title: '点名成功', content: '点名', leader_ids: [uid('leader')] });
	assert.deepEqual(ok.leaders.map((l) => l.user_id), [uid('leader')]);
	await get(ok.id, 'leader');
});
