// Excel in and out of the registry, through the API only:
//  - an .xlsx written by LibreOffice (soffice --headless --convert-to xlsx
//    of a CSV: shared strings, dates as serial numbers, an empty row,
//    trailing spaces, full-width digits) with one bad row is rejected whole
//    in the dry run with that row's reason; fixed, all rows land in one
//    commit; imported again with "skip duplicates" it adds nothing;
//  - CSV (UTF-8 with BOM, and GBK) with labels, codes, booleans, lists and
//    dates in their several forms; duplicates skip / update / refuse and
//    duplicates within the file; scope and permissions; owner-only jobs;
//  - export masked and unmasked (permission, reason, audit with the row
//    count), export scope, the formula guard of CSV, the template;
//  - a 20,000-row CSV whose progress shows while other requests are
//    answered promptly.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV = 'text/csv';

let srv, fx, S, town1, town2, v1, v2, v1Path, loDir, loDone;
const it = tracked(() => srv);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- ID numbers (GB 11643), by region so the sets never meet the demo's (370699) ----
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idNumber(region, y, m, d, seq) {
	const s17 = `${region}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${String(seq).padStart(3, '0')}`;
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += Number(s17[i]) * W[i];
	return s17 + '10X98765432'[sum % 11];
}
const genderOf = (seq) => (seq % 2 ? '男' : '女');

// ---- reading .xlsx files in the test (central directory + inflateRaw) ----
function unzip(buf) {
	let eocd = buf.length - 22;
	while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
	assert.ok(eocd >= 0, 'not a zip file');
	const n = buf.readUInt16LE(eocd + 10);
	let off = buf.readUInt32LE(eocd + 16);
	const files = {};
	for (let i = 0; i < n; i++) {
		const method = buf.readUInt16LE(off + 10), csize = buf.readUInt32LE(off + 20);
		const nlen = buf.readUInt16LE(off + 28), xlen = buf.readUInt16LE(off + 30), clen = buf.readUInt16LE(off + 32);
		const lho = buf.readUInt32LE(off + 42);
		const name = buf.toString('utf8', off + 46, off + 46 + nlen);
		const start = lho + 30 + buf.readUInt16LE(lho + 26) + buf.readUInt16LE(lho + 28);
		const data = buf.subarray(start, start + csize);
		files[name] = (method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data)).toString('utf8');
		off += 46 + nlen + xlen + clen;
	}
	return files;
}
const unxml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
/* Rows of an inline-string sheet (what our writer makes): [[cell, …], …], by column letter. */
function sheetRows(xml) {
	const rows = [];
	for (const m of xml.matchAll(/<row [^>]*>(.*?)<\/row>/gs)) {
		const row = [];
		for (const c of m[1].matchAll(/<c r="([A-Z]+)\d+"[^>]*?(?:\/>|>(.*?)<\/c>)/gs)) {
			const col = [...c[1]].reduce((a, ch) => a * 26 + ch.charCodeAt(0) - 64, 0) - 1;
			const inner = c[2] || '';
			const t = /<t[^>]*>(.*?)<\/t>/s.exec(inner);
			const v = /<v>(.*?)<\/v>/s.exec(inner);
			row[col] = unxml(t ? t[1] : v ? v[1] : '');
		}
		rows.push(Array.from(row, (x) => x ?? ''));
	}
	return rows;
}

// ---- CSV in the test ----
const q = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const csv = (rows) => rows.map((r) => r.map((c) => q(String(c ?? ''))).join(',')).join('\r\n') + '\r\n';
function parseCsv(text) {
	const rows = [];
	let row = [], f = '', i = 0, quoted = false;
	if (text.charCodeAt(0) === 0xfeff) i = 1;
	for (; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (ch === '"') quoted = false; else f += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') { row.push(f); f = ''; } else if (ch === '\r') { /* CRLF */ } else if (ch === '\n') { row.push(f); rows.push(row); row = []; f = ''; } else f += ch;
	}
	if (f || row.length) { row.push(f); rows.push(row); }
	return rows;
}

// ---- API helpers ----
const upload = (who, entity, body, type, mode) =>
	srv.api('POST', `/${entity}/import${mode ? `?mode=${mode}` : ''}`, { token: who.token, body, headers: { 'content-type': type } });

async function waitJob(who, id, timeout = 60_000) {
	const end = Date.now() + timeout;
	for (;;) {
		const r = await srv.api('GET', `/imports/${id}`, { token: who.token });
		assert.equal(r.status, 200, r.text);
		if (!['validating', 'committing'].includes(r.json.status)) return r.json;
		assert.ok(Date.now() < end, `import ${id} still ${r.json.status} after ${timeout} ms`);
		await sleep(40);
	}
}

/* Upload, wait for the dry run; returns the job. */
async function dryRun(who, entity, body, type, mode) {
	const r = await upload(who, entity, body, type, mode);
	assert.equal(r.status, 202, r.text);
	assert.equal(r.json.status, 'validating');
	assert.equal(typeof r.json.id, 'number');
	return waitJob(who, r.json.id);
}

async function commit(who, job) {
	const r = await srv.api('POST', `/imports/${job.id}/commit`, { token: who.token });
	assert.equal(r.status, 202, r.text);
	assert.equal(r.json.status, 'committing');
	return waitJob(who, job.id);
}

async function download(who, p) {
	const r = await fetch(`${srv.url}/api/v1${p}`, { headers: { authorization: `Bearer ${who.token}` } });
	const body = Buffer.from(await r.arrayBuffer());
	return { status: r.status, headers: r.headers, body, text: body.toString('utf8') };
}

const count = async (who, query) => {
	const r = await srv.api('GET', `/person/count${query ? '?' + query : ''}`, { token: who.token });
	assert.equal(r.status, 200, r.text);
	return r.json.total;
};

async function findPerson(who, name, unit) {
	const r = await srv.api('GET', `/person?q=${encodeURIComponent(name)}${unit ? `&unit=${unit}` : ''}`, { token: who.token });
	assert.equal(r.status, 200, r.text);
	return r.json.items;
}

async function reveal(who, id, field) {
	const r = await srv.api('POST', `/person/${id}/reveal`, { token: who.token, body: { field, reason: '导入核对' } });
	assert.equal(r.status, 200, r.text);
	return r.json.value;
}

async function auditOf(action) {
	const aud = await srv.login('auditor');
	return srv.listAll(`/audit?action=${action}`, { token: aud.token });
}

// ---- the LibreOffice files: one bad row, then fixed (converted once, in the background) ----
const LO_HEADER = ['管理单位', '姓名', '性别', '出生日期', '公民身份号码', '民族', '政治面貌', '统战对象类别', '联系电话', '党外代表人士', '工作单位'];
function loRows(bad) {
	const rows = [LO_HEADER];
	const people = [
		['甲', 1980, 1, 2, 11, '汉族', '群众', '党外知识分子、非公有制经济人士', '１３８００００００１１', '是', '海岳一中'],
		['乙', 1975, 6, 30, 22, '回族', '13', '03', '13800000022', '否', '海岳医院'],
		['丙', 1990, 12, 31, 33, bad ? '火星族' : '满族', '群众', '06', '13800000033', '0', ''],
		['丁', 1966, 2, 28, 44, '01', '群众', '香港同胞、澳门同胞', '13800000044', 'false', '海岳农商银行'],
	];
	for (const [n, y, m, d, seq, eth, pol, cat, phone, rep, work] of people) {
		if (rows.length === 3) rows.push([]); // an empty row
		const name = `导入${n}${n === '甲' ? '  ' : ''}`; // trailing spaces
		rows.push([v1Path, name, genderOf(seq), `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
			idNumber('110101', y, m, d, seq), eth, pol, cat, phone, rep, work]);
	}
	return rows;
}

function convertWithLibreOffice(dir) {
	// Column 5 (ID numbers) as text, as anyone would format it; the dates become serial numbers.
	return new Promise((resolve, reject) => {
		const home = path.join(dir, 'home');
		fs.mkdirSync(home, { recursive: true });
		const p = spawn('soffice', ['--headless', '--norestore', '--infilter=CSV:44,34,76,1,5/2', '--convert-to', 'xlsx',
			'--outdir', dir, path.join(dir, 'bad.csv'), path.join(dir, 'good.csv')],
		{ env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { out += d; });
		const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`soffice timed out: ${out}`)); }, 120_000);
		p.on('error', (e) => { clearTimeout(timer); reject(e); });
		p.on('exit', (code) => {
			clearTimeout(timer);
			if (code === 0 && fs.existsSync(path.join(dir, 'good.xlsx'))) resolve();
			else reject(new Error(`soffice exited ${code}: ${out}`));
		});
	});
}

before(async () => {
	srv = await startServer();
	fx = await demoFixture(srv);
	S = fx.staff;
	town1 = (await srv.api('GET', `/units/${fx.town1Unit}`, { token: S.token })).json;
	town2 = (await srv.api('GET', `/units/${fx.town2Unit}`, { token: S.token })).json;
	const k1 = (await srv.api('GET', `/units?parent=${town1.id}`, { token: S.token })).json.items;
	const k2 = (await srv.api('GET', `/units?parent=${town2.id}`, { token: S.token })).json.items;
	v1 = k1.find((u) => u.id !== fx.village1.user.unit_id) || k1[0];
	v2 = k2[0];
	assert.ok(v1 && v2, 'towns without children');
	v1Path = `${town1.name}/${v1.name}`;
	loDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongxin-lo-'));
	fs.writeFileSync(path.join(loDir, 'bad.csv'), csv(loRows(true)));
	fs.writeFileSync(path.join(loDir, 'good.csv'), csv(loRows(false)));
	loDone = convertWithLibreOffice(loDir);
	loDone.catch(() => {}); // awaited by the test
});
after(async () => {
	await srv?.stop();
	if (loDir) fs.rmSync(loDir, { recursive: true, force: true });
});

it('an .xlsx written by LibreOffice with one bad row is rejected whole; fixed, all rows land; again with skip, nothing is added', async () => {
	await loDone;
	const bad = fs.readFileSync(path.join(loDir, 'bad.xlsx'));
	const good = fs.readFileSync(path.join(loDir, 'good.xlsx'));
	// It really is LibreOffice's: shared strings and a date serial.
	const parts = unzip(bad);
	assert.ok(parts['xl/sharedStrings.xml'], 'no shared strings');
	assert.match(parts['xl/worksheets/sheet1.xml'], /<c r="D2" s="\d+" t="n"><v>29222<\/v>/);
	const before1 = await count(S, `unit=${v1.id}`);

	// 1. The dry run rejects the file with the bad row's reason; nothing is written.
	const j1 = await dryRun(S, 'person', bad, XLSX, 'skip');
	assert.equal(j1.status, 'failed', JSON.stringify(j1));
	assert.equal(j1.total, 4);
	assert.equal(j1.error_count, 1, JSON.stringify(j1.errors));
	assert.deepEqual(j1.errors[0].row, 5); // row 3 of the sheet is empty
	assert.equal(j1.errors[0].column, '民族');
	assert.match(j1.errors[0].reason, /不是有效的选项/);
	assert.equal(await count(S, `unit=${v1.id}`), before1);
	assertError(await srv.api('POST', `/imports/${j1.id}/commit`, { token: S.token }), 409, 'import.has_errors');
	assert.equal(await count(S, `unit=${v1.id}`), before1);

	// 2. Fixed: every row lands in one commit.
	const j2 = await dryRun(S, 'person', good, XLSX, 'skip');
	assert.equal(j2.status, 'ready', JSON.stringify(j2.errors));
	assert.deepEqual(j2.planned, { create: 4, update: 0, skip: 0 });
	assert.equal(await count(S, `unit=${v1.id}`), before1, 'a dry run wrote something');
	const d2 = await commit(S, j2);
	assert.equal(d2.status, 'done', JSON.stringify(d2));
	assert.deepEqual(d2.result, { created: 4, updated: 0, skipped: 0 });
	assert.equal(await count(S, `unit=${v1.id}`), before1 + 4);
	assertError(await srv.api('POST', `/imports/${j2.id}/commit`, { token: S.token }), 409, 'import.done');

	// What landed is what the sheet said, cleaned.
	const [jia] = await findPerson(S, '导入甲', v1.id);
	assert.ok(jia, '导入甲 not found');
	assert.equal(jia.name, '导入甲'); // trailing spaces trimmed
	assert.equal(jia.gender, '1');
	assert.equal(jia.birth_date, '1980-01-02'); // a date serial
	assert.deepEqual(jia.categories, ['03', '06']);
	assert.equal(jia.is_representative, true);
	assert.equal(jia.workplace, '海岳一中');
	assert.equal(jia.phone, '138****0011'); // full-width digits
	assert.equal(await reveal(S, jia.id, 'id_number'), idNumber('110101', 1980, 1, 2, 11));
	assert.equal(await reveal(S, jia.id, 'ethnicity'), '01');
	const [ding] = await findPerson(S, '导入丁', v1.id);
	assert.deepEqual(ding.categories, ['09']); // a label that holds the separator
	assert.equal(ding.is_representative, false);
	assert.equal(await reveal(S, ding.id, 'political'), '13');

	// 3. Again with "skip duplicates": nothing is added.
	const j3 = await dryRun(S, 'person', good, XLSX, 'skip');
	assert.equal(j3.status, 'ready', JSON.stringify(j3.errors));
	assert.deepEqual(j3.planned, { create: 0, update: 0, skip: 4 });
	const d3 = await commit(S, j3);
	assert.deepEqual(d3.result, { created: 0, updated: 0, skipped: 4 });
	assert.equal(await count(S, `unit=${v1.id}`), before1 + 4);

	// One audit entry per commit, with the counts.
	const entries = await auditOf('person.import');
	const e2 = entries.find((e) => e.entity_id === String(j2.id));
	assert.ok(e2, 'no audit entry for the commit');
	assert.equal(e2.actor, 'staff');
	assert.equal(e2.result, 'ok');
	assert.deepEqual({ rows: e2.detail.rows, created: e2.detail.created, skipped: e2.detail.skipped, format: e2.detail.format },
		{ rows: 4, created: 4, skipped: 0, format: 'xlsx' });
	const e3 = entries.find((e) => e.entity_id === String(j3.id));
	assert.equal(e3.detail.skipped, 4);
	assert.ok(!entries.some((e) => e.entity_id === String(j1.id)), 'a rejected import was audited as written');
});

it('CSV with a BOM: codes or labels, booleans, lists, dates in every form, units by path, code or id', async () => {
	const rows = [
		['管理单位*', '姓名*', '性别', '出生日期', '公民身份号码', '民族', '统战对象类别', '党外代表人士', '党外后备干部', '工作单位', '职务', '联系电话', '学历'],
		[v1Path, '陈一', '男', '1981/3/4', idNumber('110102', 1981, 3, 4, 1), '汉族', '无党派人士，党外知识分子', 'TRUE', '√', '=cmd|\' /C calc\'!A0', '科员', '0535-6123456', '大学本科毕业'],
		[v1.code || String(v1.id), '陈二', '2', '1982年5月6日', idNumber('110102', 1982, 5, 6, 2), '1', '02', '1', 'no', '', '', '', ''],
		[String(v1.id), '陈三', 'female', '19830708', idNumber('110102', 1983, 7, 8, 4), 'Hui', '03;06', '否', '', '', '', '', ''],
		[`  ${v1Path}  `, '陈四', '', '30000', '', '', '', '', '', '', '', '', ''],
	];
	const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv(rows))]);
	const j = await dryRun(S, 'person', body, CSV);
	assert.equal(j.status, 'ready', JSON.stringify(j.errors));
	assert.equal(j.mode, 'skip');
	assert.equal(j.format, 'csv');
	assert.deepEqual(j.planned, { create: 4, update: 0, skip: 0 });
	const d = await commit(S, j);
	assert.equal(d.status, 'done', JSON.stringify(d));
	const [a] = await findPerson(S, '陈一', v1.id);
	assert.equal(a.birth_date, '1981-03-04');
	assert.deepEqual(a.categories, ['02', '03']);
	assert.equal(a.is_representative, true);
	assert.equal(a.is_reserve_cadre, true);
	assert.equal(a.workplace, "=cmd|' /C calc'!A0"); // stored as text, as typed
	assert.equal(a.education, '21');
	const [b] = await findPerson(S, '陈二', v1.id);
	assert.equal(b.birth_date, '1982-05-06');
	assert.equal(b.gender, '2');
	assert.equal(await reveal(S, b.id, 'ethnicity'), '01'); // "1" → "01"
	const [c] = await findPerson(S, '陈三', v1.id);
	assert.equal(c.birth_date, '1983-07-08');
	assert.equal(await reveal(S, c.id, 'ethnicity'), '03');
	assert.deepEqual(c.categories, ['03', '06']);
	const [dd] = await findPerson(S, '陈四', v1.id);
	assert.equal(dd.birth_date, '1982-02-18'); // serial 30000

	// The CSV export guards against formulas: the cell reads as text in a spreadsheet …
	const ex = await download(S, `/person/export?format=csv&unit=${v1.id}&q=${encodeURIComponent('陈一')}`);
	assert.equal(ex.status, 200, ex.text);
	assert.match(ex.headers.get('content-type'), /^text\/csv/);
	assert.deepEqual([...ex.body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
	const er = parseCsv(ex.text);
	assert.equal(er.length, 2);
	assert.equal(er[1][er[0].indexOf('工作单位')], "'=cmd|' /C calc'!A0");
	// … and the importer takes the apostrophe off again (an unmasked export, imported as an update).
	const ux = await download(S, `/person/export?format=csv&unit=${v1.id}&q=${encodeURIComponent('陈一')}&unmasked=1&reason=${encodeURIComponent('核对')}`);
	assert.equal(ux.status, 200, ux.text);
	const back = await dryRun(S, 'person', ux.body, CSV, 'update');
	assert.equal(back.status, 'ready', JSON.stringify(back.errors));
	assert.deepEqual(back.planned, { create: 0, update: 1, skip: 0 });
	await commit(S, back);
	const [a2] = await findPerson(S, '陈一', v1.id);
	assert.equal(a2.workplace, "=cmd|' /C calc'!A0");
	assert.equal(a2.version, a.version + 1);
});

it('CSV in GBK (as Excel in China saves it) imports', async () => {
	const rows = [['管理单位', '姓名', '性别', '出生日期', '公民身份号码', '民族'],
		[v1Path, '郭一', '男', '1970-01-01', idNumber('110103', 1970, 1, 1, 5), '汉族']];
	const r = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: Buffer.from(csv(rows)) });
	assert.equal(r.status, 0, String(r.stderr));
	assert.notDeepEqual(r.stdout, Buffer.from(csv(rows)));
	const j = await dryRun(S, 'person', r.stdout, CSV);
	assert.equal(j.status, 'ready', JSON.stringify(j.errors));
	const d = await commit(S, j);
	assert.deepEqual(d.result, { created: 1, updated: 0, skipped: 0 });
	const [p] = await findPerson(S, '郭一', v1.id);
	assert.equal(p.birth_date, '1970-01-01');
});

it('bad rows are all reported with row, column, value and reason; sensitive values masked', async () => {
	const idOk = idNumber('110104', 1988, 8, 8, 7);
	const badId = idOk.slice(0, 17) + (idOk[17] === '1' ? '2' : '1');
	const rows = [
		['管理单位', '姓名', '性别', '出生日期', '公民身份号码', '民族', '党外代表人士', '统战对象类别'],
		[v1Path, '错一', '男', '1988-02-30', idOk, '汉族', '是', '03'], // no such date
		[v1Path, '错二', '男', '1988-08-08', badId, '汉族', '也许', '03'], // bad check digit, bad boolean
		['火星/基地', '错三', '', '', '', '', '', '99'], // no such unit, no such category
		[`${town2.name}/${v2.name}`, '', '', '', '', '', '', ''], // missing name (and a unit outside town1)
		[v1Path, '错五', '女', '1988-08-08', idOk, '汉族', '', ''], // gender and birth date against the ID number; duplicate of row 2
	];
	const j = await dryRun(fx.town1, 'person', Buffer.from(csv(rows)), CSV);
	assert.equal(j.status, 'failed');
	const by = (row, column) => j.errors.find((e) => e.row === row && e.column === column);
	assert.match(by(2, '出生日期').reason, /日期/);
	assert.equal(by(2, '出生日期').value, '1988-02-30');
	assert.ok(by(3, '公民身份号码'), JSON.stringify(j.errors));
	assert.equal(by(3, '公民身份号码').value, `110104********${badId.slice(14)}`);
	assert.match(by(3, '党外代表人士').reason, /是/);
	assert.match(by(4, '管理单位').reason, /单位不存在/);
	assert.match(by(4, '统战对象类别').reason, /不是有效的选项/);
	assert.match(by(5, '管理单位').reason, /单位不存在/); // town2 is outside town1's scope
	assert.match(by(5, '姓名').reason, /必填|不能为空/);
	assert.match(by(6, '公民身份号码').reason, /第 2 行重复/);
	for (const e of j.errors) for (const k of ['row', 'column', 'value', 'reason']) assert.ok(k in e, JSON.stringify(e));
	assert.equal(j.error_count, j.errors.length);

	// The cross-field check of the record engine runs too.
	const j2 = await dryRun(fx.town1, 'person', Buffer.from(csv([rows[0], rows[5]])), CSV);
	assert.equal(j2.status, 'failed');
	assert.ok(j2.errors.some((e) => e.row === 2 && /性别|出生日期/.test(e.column)), JSON.stringify(j2.errors));

	// English messages for an English caller.
	const en = await srv.api('POST', '/person/import', { token: fx.town1.token, body: Buffer.from(csv([rows[0], rows[1]])),
		headers: { 'content-type': CSV, 'accept-language': 'en' } });
	assert.equal(en.status, 202, en.text);
	const je = await waitJob(fx.town1, en.json.id);
	assert.match(je.errors[0].reason, /date/i);

	// Header problems: unknown and missing columns stop at the header.
	const h = await dryRun(S, 'person', Buffer.from(csv([['姓名', '星座'], ['某人', '白羊']])), CSV);
	assert.equal(h.status, 'failed');
	assert.ok(h.errors.some((e) => e.row === 1 && e.column === '星座' && /无法识别/.test(e.reason)), JSON.stringify(h.errors));
	assert.ok(h.errors.some((e) => e.row === 1 && e.column === '管理单位' && /缺少必填列/.test(e.reason)), JSON.stringify(h.errors));
	// A header without rows, and an empty file.
	const none = await dryRun(S, 'person', Buffer.from('管理单位,姓名\r\n'), CSV);
	assert.equal(none.status, 'failed');
	assert.match(none.errors[0].reason, /没有数据行/);
	assertError(await upload(S, 'person', '', CSV), 400, 'validation.failed');
	// Not an xlsx at all.
	const nx = await dryRun(S, 'person', Buffer.from('this is not a zip'), XLSX);
	assert.equal(nx.status, 'failed');
	assert.match(nx.errors[0].reason, /xlsx/);
});

it('duplicates by ID number: refuse, update or skip, chosen by the user', async () => {
	const idn = idNumber('110105', 1960, 6, 6, 9);
	const head = ['管理单位', '姓名', '性别', '出生日期', '公民身份号码', '职务'];
	const first = await dryRun(S, 'person', Buffer.from(csv([head, [v1Path, '重复甲', '男', '1960-06-06', idn, '科员']])), CSV);
	await commit(S, first);
	const [p] = await findPerson(S, '重复甲', v1.id);
	assert.equal(p.job_title, '科员');
	const again = Buffer.from(csv([head, [v1Path, '重复甲', '男', '1960-06-06', idn, '科长'],
		[v1Path, '重复乙', '女', '1960-06-06', idNumber('110105', 1960, 6, 6, 10), '主任']]));

	const refuse = await dryRun(S, 'person', again, CSV, 'refuse');
	assert.equal(refuse.status, 'failed');
	assert.equal(refuse.errors.length, 1);
	assert.equal(refuse.errors[0].row, 2);
	assert.equal(refuse.errors[0].column, '公民身份号码');
	assert.match(refuse.errors[0].reason, /已登记/);

	const skip = await dryRun(S, 'person', again, CSV, 'skip');
	assert.deepEqual(skip.planned, { create: 1, update: 0, skip: 1 });

	const upd = await dryRun(S, 'person', again, CSV, 'update');
	assert.equal(upd.status, 'ready', JSON.stringify(upd.errors));
	assert.deepEqual(upd.planned, { create: 1, update: 1, skip: 0 });
	const done = await commit(S, upd);
	assert.deepEqual(done.result, { created: 1, updated: 1, skipped: 0 });
	const [p2] = await findPerson(S, '重复甲', v1.id);
	assert.equal(p2.id, p.id);
	assert.equal(p2.job_title, '科长');
	assert.equal(p2.version, p.version + 1);
	assert.equal((await findPerson(S, '重复乙', v1.id)).length, 1);

	// Updating needs person:update: village1 may only create.
	assertError(await upload(fx.village1, 'person', again, CSV, 'update'), 403, 'auth.forbidden');
	// A record registered outside the caller's scope is not updated (town2 cannot see town1's people).
	const t2 = await dryRun(fx.town2, 'person', Buffer.from(csv([head, [`${town2.name}/${v2.name}`, '重复甲', '男', '1960-06-06', idn, '处长']])), CSV, 'update');
	assert.equal(t2.status, 'failed');
	assert.match(t2.errors[0].reason, /管辖范围以外/);
	// An unknown mode.
	assertError(await upload(S, 'person', again, CSV, 'merge'), 400, 'validation.failed', 'mode');
});

it('a commit still refuses what changed after its dry run: a duplicate registered meanwhile, a unit deleted meanwhile; nothing is written', async () => {
	const head = ['管理单位', '姓名', '性别', '出生日期', '公民身份号码'];
	const ids = [1, 2, 3].map((seq) => idNumber('110106', 1970, 7, 7, seq));
	const rows = [head, ...ids.map((idn, i) => [v1Path, `间隔${'甲乙丙'[i]}`, genderOf(i + 1), '1970-07-07', idn])];
	const body = Buffer.from(csv(rows));
	const before = await count(S, `unit=${v1.id}`);

	// Refuse: the dry run finds all three new; then someone registers the second one by hand.
	const job = await dryRun(S, 'person', body, CSV, 'refuse');
	assert.equal(job.status, 'ready', JSON.stringify(job.errors));
	assert.deepEqual(job.planned, { create: 3, update: 0, skip: 0 });
	const made = await srv.api('POST', '/person', { token: S.token, body: { unit_id: v1.id, name: '间隔乙', id_number: ids[1] } });
	assert.equal(made.status, 201, made.text);
	const done = await commit(S, job);
	assert.equal(done.status, 'failed');
	assert.equal(done.errors.length, 1, JSON.stringify(done.errors));
	assert.equal(done.errors[0].row, 3);
	assert.equal(done.errors[0].column, '公民身份号码');
	assert.match(done.errors[0].reason, /已登记/);
	assert.deepEqual(done.result, { created: 0, updated: 0, skipped: 0 });
	// All or nothing: only the one registered by hand is there.
	assert.equal(await count(S, `unit=${v1.id}`), before + 1);
	assert.equal((await findPerson(S, '间隔甲', v1.id)).length, 0);
	assert.equal((await findPerson(S, '间隔丙', v1.id)).length, 0);

	// Skip: the same change is skipped at the commit, as the user chose; the others land.
	const job2 = await dryRun(S, 'person', Buffer.from(csv([head, ...rows.slice(1).map((r, i) => (i === 1 ? r : [r[0], `${r[1]}二`, r[2], r[3], idNumber('110106', 1970, 7, 7, 11 + i)]))])), CSV, 'skip');
	assert.deepEqual(job2.planned, { create: 2, update: 0, skip: 1 });
	const idn4 = idNumber('110106', 1970, 7, 7, 11);
	const made2 = await srv.api('POST', '/person', { token: S.token, body: { unit_id: v1.id, name: '间隔丁', id_number: idn4 } });
	assert.equal(made2.status, 201, made2.text);
	const done2 = await commit(S, job2);
	assert.equal(done2.status, 'done', JSON.stringify(done2.errors));
	assert.deepEqual(done2.result, { created: 1, updated: 0, skipped: 2 });
	assert.equal(await count(S, `unit=${v1.id}`), before + 3);

	// A unit deleted between the dry run and the commit: the row's unit is refused, nothing written.
	const u = await srv.api('POST', '/units', { token: S.token, body: { parent_id: v1.id, name: '间隔小组', kind: 'department' } });
	assert.equal(u.status, 201, u.text);
	const job3 = await dryRun(S, 'person', Buffer.from(csv([head,
		[v1Path, '间隔戊', '男', '1970-07-07', idNumber('110106', 1970, 7, 7, 21)],
		[String(u.json.id), '间隔己', '女', '1970-07-07', idNumber('110106', 1970, 7, 7, 22)]])), CSV, 'refuse');
	assert.equal(job3.status, 'ready', JSON.stringify(job3.errors));
	const del = await srv.api('DELETE', `/units/${u.json.id}`, { token: S.token });
	assert.ok(del.status === 200 || del.status === 204, del.text);
	const done3 = await commit(S, job3);
	assert.equal(done3.status, 'failed');
	assert.equal(done3.errors.length, 1, JSON.stringify(done3.errors));
	assert.equal(done3.errors[0].row, 3);
	assert.equal(done3.errors[0].column, '管理单位');
	assert.equal((await findPerson(S, '间隔戊', v1.id)).length, 0);
	assert.equal(await count(S, `unit=${v1.id}`), before + 3);
});

it('organisations de-duplicate by credit code; sub-records name their person by ID number', async () => {
	const orgs = await srv.api('GET', `/organisation?kind=enterprise&unit=${town1.id}&limit=1`, { token: S.token });
	assert.equal(orgs.status, 200, orgs.text);
	const org = orgs.json.items[0];
	assert.ok(org && org.credit_code, 'no enterprise with a credit code in town1');
	const rows = [['管理单位', '名称', '组织类别', '企业类型', '统一社会信用代码', '成员数'],
		[town1.name, org.name, '企业', 'private', org.credit_code.toLowerCase(), '1,200']];
	const j = await dryRun(S, 'organisation', Buffer.from(csv(rows)), CSV, 'update');
	assert.equal(j.status, 'ready', JSON.stringify(j.errors));
	assert.deepEqual(j.planned, { create: 0, update: 1, skip: 0 });
	await commit(S, j);
	const o2 = await srv.api('GET', `/organisation/${org.id}`, { token: S.token });
	assert.equal(o2.json.member_count, 1200);

	const [p] = await findPerson(S, '重复甲', v1.id);
	const idn = idNumber('110105', 1960, 6, 6, 9);
	const sub = [['人员', '荣誉名称', '层级', '获得日期'], [idn, '优秀党外人士', '', '2020-10-01'], [String(p.id), '劳动模范', '', '2021/5/1']];
	const js = await dryRun(S, 'person_award', Buffer.from(csv(sub)), CSV);
	assert.equal(js.status, 'ready', JSON.stringify(js.errors));
	await commit(S, js);
	const awards = await srv.api('GET', `/person_award?parent=${p.id}`, { token: S.token });
	assert.deepEqual(awards.json.items.map((a) => a.title).sort(), ['优秀党外人士', '劳动模范'].sort());
	// town2 cannot attach records to town1's people.
	const j2 = await dryRun(fx.town2, 'person_award', Buffer.from(csv([sub[0], sub[1]])), CSV);
	assert.equal(j2.status, 'failed');
	assert.equal(j2.errors[0].column, '人员');
});

it('jobs belong to their owner; the upload checks its type, size and permission', async () => {
	const body = Buffer.from(csv([['管理单位', '姓名'], [v1Path, '归属测试']]));
	const j = await dryRun(S, 'person', body, CSV);
	assertError(await srv.api('GET', `/imports/${j.id}`, { token: fx.town1.token }), 404, 'not_found');
	assertError(await srv.api('POST', `/imports/${j.id}/commit`, { token: fx.town1.token }), 404, 'not_found');
	assertError(await srv.api('GET', '/imports/987654', { token: S.token }), 404, 'not_found');
	assertError(await srv.api('GET', '/imports/abc', { token: S.token }), 404, 'not_found');
	// A new upload replaces a ready job that was never committed.
	const j2 = await dryRun(S, 'person', body, CSV);
	const old = await srv.api('GET', `/imports/${j.id}`, { token: S.token });
	assert.equal(old.json.status, 'failed');
	assert.equal(old.json.message, 'superseded');
	assertError(await srv.api('POST', `/imports/${j.id}/commit`, { token: S.token }), 409, 'import.has_errors');
	assert.equal(j2.status, 'ready');

	// Only .xlsx and .csv, and a session is needed before a large body is taken.
	assertError(await upload(S, 'person', body, 'application/json'), 415, 'request.media_type');
	assertError(await upload(S, 'person', body, 'text/plain'), 415, 'request.media_type');
	const anon = await srv.api('POST', '/person/import', { body: Buffer.alloc(2 << 20, 0x41), headers: { 'content-type': CSV } });
	assertError(anon, 413, 'request.too_large');
	assertError(await srv.api('POST', '/person/import', { body, headers: { 'content-type': CSV } }), 401, 'auth.required');
	// Cookie sessions need the CSRF header, as for every write.
	const cookie = await srv.http('POST', '/api/v1/person/import', { cookie: S.cookie, csrf: false, body, headers: { 'content-type': CSV } });
	assertError(cookie, 403, 'auth.csrf');
	// Permission: the leader reads people but does not add them; unknown entities are 404.
	const leader = await srv.login('leader');
	assertError(await upload(leader, 'person', body, CSV), 403, 'auth.forbidden');
	assertError(await upload(S, 'nosuch', body, CSV), 404, 'not_found');
	// A village liaison may only import into its own unit.
	const jv = await dryRun(fx.village1, 'person', body, CSV);
	if (fx.village1.user.unit_id !== v1.id) {
		assert.equal(jv.status, 'failed');
		assert.match(jv.errors[0].reason, /单位不存在/);
	}
});

it('export: masked by default; unmasked needs the permission and a reason; every export is audited with its row count', async () => {
	const n = await count(S, `unit=${v1.id}`);
	const m = await download(S, `/person/export?unit=${v1.id}`);
	assert.equal(m.status, 200, m.text);
	assert.equal(m.headers.get('content-type'), XLSX);
	const cd = m.headers.get('content-disposition');
	assert.match(cd, /^attachment; filename="person_\d{8}\.xlsx"; filename\*=UTF-8''/);
	assert.equal(decodeURIComponent(cd.split("UTF-8''")[1]).replace(/_\d{8}/, ''), '统战对象.xlsx');
	assert.equal(m.headers.get('cache-control'), 'no-store');
	const rows = sheetRows(unzip(m.body)['xl/worksheets/sheet1.xml']);
	assert.equal(rows.length, n + 1);
	const h = rows[0];
	assert.equal(h[0], '编号');
	const idc = h.indexOf('公民身份号码'), ethc = h.indexOf('民族'), unitc = h.indexOf('管理单位');
	const jia = rows.find((r) => r[h.indexOf('姓名')] === '导入甲');
	assert.ok(jia, 'the imported person is not in the export');
	const jiaId = idNumber('110101', 1980, 1, 2, 11);
	assert.equal(jia[idc], `${jiaId.slice(0, 6)}********${jiaId.slice(14)}`);
	assert.equal(jia[ethc], '***');
	assert.equal(jia[unitc].endsWith(v1Path), true);
	assert.equal(jia[h.indexOf('统战对象类别')], '党外知识分子、非公有制经济人士');
	assert.equal(jia[h.indexOf('党外代表人士')], '是');

	// Unmasked: a reason is required …
	assertError(await srv.api('GET', `/person/export?unit=${v1.id}&unmasked=1`, { token: S.token }), 400, 'validation.failed', 'reason');
	assertError(await srv.api('GET', `/person/export?unit=${v1.id}&unmasked=1&reason=%20%20`, { token: S.token }), 400, 'validation.failed', 'reason');
	// … and the permission: the leader reads people but may not export them unmasked.
	const leader = await srv.login('leader');
	assertError(await srv.api('GET', `/person/export?unit=${v1.id}&unmasked=1&reason=x`, { token: leader.token }), 403, 'auth.forbidden');
	assert.ok(S.user.permissions.includes('person:export_unmasked') || S.user.permissions.includes('person:*'));
	const reason = '换届考察名单核对';
	const u = await download(S, `/person/export?format=csv&unit=${v1.id}&unmasked=1&reason=${encodeURIComponent(reason)}`);
	assert.equal(u.status, 200, u.text);
	const ur = parseCsv(u.text);
	assert.equal(ur.length, n + 1);
	const jiaU = ur.find((r) => r[2] === '导入甲');
	assert.equal(jiaU[ur[0].indexOf('公民身份号码')], idNumber('110101', 1980, 1, 2, 11));
	assert.equal(jiaU[ur[0].indexOf('民族')], '汉族');
	assert.match(u.headers.get('content-disposition'), /filename="person_\d{8}\.csv"/);

	// The unmasked file imports again as it is (a round trip through the importer).
	const back = await dryRun(S, 'person', u.body, CSV, 'update');
	assert.equal(back.status, 'ready', JSON.stringify(back.errors.slice(0, 5)));
	const withoutId = ur.slice(1).filter((r) => !r[ur[0].indexOf('公民身份号码')]).length;
	assert.deepEqual(back.planned, { create: withoutId, update: n - withoutId, skip: 0 });

	const ex = await auditOf('person.export');
	const masked = ex.find((e) => e.result === 'ok' && e.detail.masked === true && e.detail.unit === v1.id && e.detail.format === 'xlsx');
	assert.ok(masked, JSON.stringify(ex.slice(0, 3)));
	assert.equal(masked.detail.rows, n);
	const clear = ex.find((e) => e.result === 'ok' && e.detail.masked === false);
	assert.ok(clear, 'the unmasked export was not audited');
	assert.equal(clear.detail.rows, n);
	assert.equal(clear.detail.reason, reason);
	assert.equal(clear.actor, 'staff');
	assert.ok(ex.some((e) => e.result === 'denied' && e.actor === 'leader'), 'the refused unmasked export was not audited');
	// No audit entry carries a clear ID number.
	assert.ok(!JSON.stringify(ex).includes(idNumber('110101', 1980, 1, 2, 11)));
});

it('export scope: a town officer exports its own town only', async () => {
	const mine = await count(fx.town1);
	const all = await count(S);
	assert.ok(all > mine && mine > 0);
	const r = await download(fx.town1, '/person/export?format=csv');
	assert.equal(r.status, 200, r.text);
	const rows = parseCsv(r.text);
	assert.equal(rows.length - 1, mine);
	const uc = rows[0].indexOf('管理单位');
	for (const row of rows.slice(1)) assert.ok(row[uc] === town1.name || row[uc].startsWith(`${town1.name}/`), row[uc]);
	// Filters as for the list.
	const f = await download(fx.town1, `/person/export?format=csv&unit=${v1.id}&gender=1`);
	const fr = parseCsv(f.text);
	assert.equal(fr.length - 1, await count(fx.town1, `unit=${v1.id}&gender=1`));
	for (const row of fr.slice(1)) assert.equal(row[fr[0].indexOf('性别')], '男');
	// Outside the scope is not found, as everywhere.
	assertError(await srv.api('GET', `/person/export?unit=${v2.id}`, { token: fx.town1.token }), 404, 'not_found');
	assertError(await srv.api('GET', '/person/export?format=pdf', { token: fx.town1.token }), 400, 'validation.failed', 'format');
	const ex = await auditOf('person.export');
	assert.ok(ex.some((e) => e.actor === 'town1' && e.detail.rows === mine && e.detail.masked === true));
});

it('template: Chinese headers, required ones marked *, a dictionary sheet; the header row imports', async () => {
	const t = await download(S, '/person/template');
	assert.equal(t.status, 200, t.text);
	assert.equal(t.headers.get('content-type'), XLSX);
	assert.match(t.headers.get('content-disposition'), /filename="person_template\.xlsx"; filename\*=UTF-8''/);
	const parts = unzip(t.body);
	assert.match(parts['xl/workbook.xml'], /name="统战对象"/);
	assert.match(parts['xl/workbook.xml'], /name="字典"/);
	const head = sheetRows(parts['xl/worksheets/sheet1.xml'])[0];
	assert.deepEqual(head.slice(0, 5), ['管理单位*', '姓名*', '性别', '出生日期', '公民身份号码']);
	assert.ok(!head.includes('编号') && !head.includes('版本'));
	const dict = sheetRows(parts['xl/worksheets/sheet2.xml']);
	assert.ok(dict.some((r) => r[0] === '民族' && r[1] === '01' && r[2] === '汉族'), 'no ethnicity in the dictionary sheet');
	assert.ok(dict.some((r) => r[0] === '党外代表人士' && r[1] === '是'));
	// The template, filled in, imports (its header row with the stars).
	const headerOnly = sheetRows(parts['xl/worksheets/sheet1.xml'])[0];
	const row = headerOnly.map(() => '');
	row[0] = v1Path;
	row[1] = '模板测试';
	const j = await dryRun(S, 'person', Buffer.from(csv([headerOnly, row])), CSV);
	assert.equal(j.status, 'ready', JSON.stringify(j.errors));
	// Sub-record templates name the person column.
	const st = await download(S, '/person_award/template');
	const sh = sheetRows(unzip(st.body)['xl/worksheets/sheet1.xml'])[0];
	assert.deepEqual(sh.slice(0, 2), ['人员*', '荣誉名称*']);
	// Anyone who reads the entity may download its template.
	const vt = await download(fx.village1, '/person/template');
	assert.equal(vt.status, 200);
	assertError(await srv.api('GET', '/organisation/template', { token: fx.village1.token }), 403, 'auth.forbidden');
});

it('a 20,000-row CSV shows its progress while other requests are answered promptly', async () => {
	const N = 20_000;
	const rows = [['管理单位', '姓名', '性别', '出生日期', '公民身份号码', '民族', '联系电话', '统战对象类别']];
	for (let i = 0; i < N; i++) {
		const y = 1950 + (i % 50), m = 1 + (i % 12), d = 1 + (i % 28), seq = Math.floor(i / 600);
		rows.push([v1Path, `批量${String.fromCharCode(0x4e00 + (i % 400))}`, genderOf(seq), `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
			idNumber('120101', y, m, d, seq), '汉族', `139${String(i).padStart(8, '0')}`, '03']);
	}
	const body = Buffer.from(csv(rows));
	// Fresh sessions: a session's last-seen time is written every 30 s, and on SQLite a write
	// waits for the commit's transaction (reads never do).
	const S = await srv.login('staff');
	const t1 = await srv.login('town1');
	const t2 = await srv.login('town2');
	const before1 = await count(S, `unit=${v1.id}`);
	const t0 = Date.now();
	const up = await upload(S, 'person', body, CSV, 'skip');
	assert.equal(up.status, 202, up.text);
	const id = up.json.id;
	// One running import per user.
	assertError(await upload(S, 'person', body, CSV), 409, 'import.busy');
	assertError(await srv.api('POST', `/imports/${id}/commit`, { token: S.token }), 409, 'import.not_ready');

	/* Poll the job while timing other requests, until it leaves `phase`. */
	async function watch(phase) {
		const seen = [];
		let slowest = 0, others = 0;
		for (;;) {
			const [j, me, list] = await Promise.all([
				srv.api('GET', `/imports/${id}`, { token: S.token }),
				(async () => { const s = Date.now(); const r = await srv.api('GET', '/me', { token: t1.token }); slowest = Math.max(slowest, Date.now() - s); return r; })(),
				(async () => { const s = Date.now(); const r = await srv.api('GET', `/person?unit=${v2.id}&limit=5`, { token: t2.token }); slowest = Math.max(slowest, Date.now() - s); return r; })(),
			]);
			assert.equal(me.status, 200);
			assert.equal(list.status, 200);
			others += 2;
			assert.equal(j.status, 200, j.text);
			if (j.json.status !== phase) return { job: j.json, seen, slowest, others };
			seen.push([j.json.processed, j.json.total]);
			await sleep(60);
		}
	}
	const v = await watch('validating');
	assert.equal(v.job.status, 'ready', JSON.stringify(v.job.errors));
	assert.equal(v.job.total, N);
	assert.deepEqual(v.job.planned, { create: N, update: 0, skip: 0 });
	assert.ok(v.seen.some(([p, t]) => t === N && p > 0 && p < N), `no progress was seen: ${JSON.stringify(v.seen)}`);
	for (let i = 1; i < v.seen.length; i++) assert.ok(v.seen[i][0] >= v.seen[i - 1][0], 'progress went back');
	assert.ok(v.slowest < 2000, `another request took ${v.slowest} ms during the dry run`);
	assert.ok(v.others >= 4);

	const c = await srv.api('POST', `/imports/${id}/commit`, { token: S.token });
	assert.equal(c.status, 202, c.text);
	const w = await watch('committing');
	assert.equal(w.job.status, 'done', JSON.stringify(w.job));
	assert.deepEqual(w.job.result, { created: N, updated: 0, skipped: 0 });
	assert.ok(w.slowest < 2000, `another request took ${w.slowest} ms during the commit`);
	assert.equal(await count(S, `unit=${v1.id}`), before1 + N);
	assert.ok(Date.now() - t0 < 60_000, `the import took ${Date.now() - t0} ms`);
});

it('an export lists its rows as the list does, by unit then id, across units and its pages of 500', async () => {
	// After the 20,000-row import above: the staff's scope holds people of many units, over forty pages.
	const listed = (await srv.listAll('/person', { token: S.token })).map((p) => p.id);
	assert.ok(listed.length > 1000, `only ${listed.length} people`);
	const r = await download(S, '/person/export?format=csv');
	assert.equal(r.status, 200, r.text);
	const rows = parseCsv(r.text);
	const ic = rows[0].indexOf('编号'), uc = rows[0].indexOf('管理单位');
	const exported = rows.slice(1).map((row) => Number(row[ic]));
	assert.deepEqual(exported, listed);
	// The people of one unit come together: a unit's rows are never split by another unit's.
	const units = rows.slice(1).map((row) => row[uc]);
	const done = new Set();
	for (let i = 1; i < units.length; i++) {
		if (units[i] === units[i - 1]) continue;
		assert.ok(!done.has(units[i]), `the rows of ${units[i]} are split`);
		done.add(units[i - 1]);
	}
	assert.ok(done.size > 2, 'the export spans too few units');
});
