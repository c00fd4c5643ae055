// The registry's validators and its protection of personal data, through the
// API only: ID numbers (GB 11643), birth date and gender against the ID
// number, phones, credit codes (GB 32100), dictionary values, names;
// masking in lists and details, reveal with a reason (audited, never the
// value), nothing in clear in the database, unique ID numbers.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, S, unit;
const it = tracked(() => srv);

// The published vector and its other accepted forms.
const VEC = '11010519491231002X';
const VEC_LOWER = '11010519491231002x';
const VEC_15 = '110105491231002';
const VEC_MASK = '110105********002X';

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function checkChar(s17) {
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += Number(s17[i]) * W[i];
	return '10X98765432'[sum % 11];
}
/* A valid 18-digit number: region 110105, birth YYYYMMDD, sequence (3 digits; odd last digit = male). */
const makeId = (birth, seq) => {
	const s17 = `110105${birth}${String(seq).padStart(3, '0')}`;
	return s17 + checkChar(s17);
};

before(async () => {
	srv = await startServer({ people: 60 });
	fx = await demoFixture(srv);
	S = { token: fx.staff.token };
	unit = fx.town1Unit;
});
after(async () => { await srv?.stop(); });

const createPerson = (body, auth = S) => srv.api('POST', '/person', { ...auth, body: { unit_id: unit, ...body } });
const reveal = (id, field, auth = S, reason = '核对身份信息') =>
	srv.api('POST', `/person/${id}/reveal`, { ...auth, body: { field, reason } });
async function revealed(id, field) {
	const r = await reveal(id, field);
	assert.equal(r.status, 200, `reveal ${field} of person ${id}: ${r.text}`);
	assert.equal(r.json.field, field);
	return r.json.value;
}
async function del(id) {
	const r = await srv.api('DELETE', `/person/${id}`, S);
	assert.equal(r.status, 204, `DELETE /person/${id}: ${r.status} ${r.text}`);
}

it('self-check of the test helper: the published vector has check character X', () => {
	assert.equal(checkChar(VEC.slice(0, 17)), 'X');
	assert.equal(makeId('19491231', 2), VEC);
});

it('the published ID number is accepted in all three forms and stored as the 18-digit form; duplicates answer 409', async () => {
	// 18 digits, upper-case X
	const a = await createPerson({ name: '王晓', gender: '2', birth_date: '1949-12-31', id_number: VEC });
	assert.equal(a.status, 201, a.text);
	assert.equal(a.json.id_number, VEC_MASK);
	assert.equal(await revealed(a.json.id, 'id_number'), VEC);
	for (const form of [VEC, VEC_LOWER, VEC_15]) {
		const d = await createPerson({ name: '王重复', id_number: form });
		assertError(d, 409, 'conflict', 'id_number');
	}
	await del(a.json.id);

	// lower-case x (after the first holder was deleted, the number is free again)
	const b = await createPerson({ name: '王晓', id_number: VEC_LOWER });
	assert.equal(b.status, 201, `lower-case x after deleting the first holder: ${b.text}`);
	assert.equal(b.json.id_number, VEC_MASK);
	assert.equal(await revealed(b.json.id, 'id_number'), VEC);
	await del(b.json.id);

	// 15 digits, upgraded to 18 with the computed check character
	const c = await createPerson({ name: '王晓', gender: '2', id_number: VEC_15 });
	assert.equal(c.status, 201, `15-digit form: ${c.text}`);
	assert.equal(c.json.id_number, VEC_MASK);
	assert.equal(await revealed(c.json.id, 'id_number'), VEC);
	for (const form of [VEC, VEC_LOWER, VEC_15]) {
		assertError(await createPerson({ name: '王重复', id_number: form }), 409, 'conflict', 'id_number');
	}
	// A PATCH onto a number another person holds clashes the same way.
	const other = await createPerson({ name: '李另', id_number: makeId('19800101', 11) });
	assert.equal(other.status, 201, other.text);
	const p = await srv.api('PATCH', `/person/${other.json.id}`, { ...S, body: { id_number: VEC_LOWER } });
	assertError(p, 409, 'conflict', 'id_number');
	assert.equal(await revealed(other.json.id, 'id_number'), makeId('19800101', 11));
});

it('a lower-case x is accepted for any number and stored upper-case', async () => {
	let seq = 0;
	while (!makeId('19750615', seq).endsWith('X')) seq++;
	const idn = makeId('19750615', seq);
	const r = await createPerson({ name: '赵小写', id_number: idn.toLowerCase() });
	assert.equal(r.status, 201, r.text);
	assert.equal(r.json.id_number, `${idn.slice(0, 6)}********${idn.slice(14)}`);
	assert.equal(await revealed(r.json.id, 'id_number'), idn);
});

it('an altered check character and every single-digit alteration of a valid number are refused with fields.id_number', async () => {
	const before = (await srv.api('GET', '/person/count', S)).json.total;
	const valid = makeId('19880317', 123);
	const bad = new Set();
	for (let pos = 0; pos < 17; pos++) {
		for (const delta of [1, 5, 9]) {
			const d = String((Number(valid[pos]) + delta) % 10);
			bad.add(valid.slice(0, pos) + d + valid.slice(pos + 1));
		}
	}
	for (const c of '0123456789X') if (c !== valid[17]) bad.add(valid.slice(0, 17) + c);
	for (const idn of bad) {
		const r = await createPerson({ name: '钱错号', id_number: idn });
		assertError(r, 400, 'validation.failed', 'id_number');
	}
	// a letter other than X, and a wrong length
	assertError(await createPerson({ name: '钱错号', id_number: '11010519491231002Y' }), 400, 'validation.failed', 'id_number');
	assertError(await createPerson({ name: '钱错号', id_number: '1101051949123100' }), 400, 'validation.failed', 'id_number');
	const after = (await srv.api('GET', '/person/count', S)).json.total;
	assert.equal(after, before, 'a refused person was stored');
	// the valid one itself is accepted
	assert.equal((await createPerson({ name: '钱对号', id_number: valid })).status, 201);
});

it('birth date and gender must agree with the ID number (create and update)', async () => {
	const idn = makeId('19660708', 135); // 17th digit 5: male
	assertError(await createPerson({ name: '孙出生', id_number: idn, birth_date: '1966-07-09' }), 400, 'validation.failed', 'birth_date');
	assertError(await createPerson({ name: '孙性别', id_number: idn, gender: '2' }), 400, 'validation.failed', 'gender');
	const ok = await createPerson({ name: '孙一致', id_number: idn, gender: '1', birth_date: '1966-07-08' });
	assert.equal(ok.status, 201, ok.text);
	assert.equal(ok.json.birth_date, '1966-07-08');
	assert.equal(ok.json.gender, '1');
	const id = ok.json.id;
	assertError(await srv.api('PATCH', `/person/${id}`, { ...S, body: { birth_date: '1967-07-08' } }), 400, 'validation.failed', 'birth_date');
	assertError(await srv.api('PATCH', `/person/${id}`, { ...S, body: { gender: '2' } }), 400, 'validation.failed', 'gender');
	const fem = makeId('19660708', 124); // 17th digit 4: female
	assertError(await srv.api('PATCH', `/person/${id}`, { ...S, body: { id_number: fem } }), 400, 'validation.failed', 'gender');
	const g = await srv.api('GET', `/person/${id}`, S);
	assert.equal(g.json.gender, '1');
	assert.equal(g.json.birth_date, '1966-07-08');
	assert.equal(await revealed(id, 'id_number'), idn);
});

it('phones: mobile and landline accepted and normalised, an impossible mobile refused', async () => {
	const cases = [
		['13812345678', '13812345678', '138****5678'],
		['+86 138-1234-5678', '13812345678', '138****5678'],
		['0535-6212345', '0535-6212345', null],
	];
	for (const [input, stored, masked] of cases) {
		const r = await createPerson({ name: '周电话', phone: input });
		assert.equal(r.status, 201, `phone ${input}: ${r.text}`);
		if (masked) assert.equal(r.json.phone, masked, `phone ${input} masked`);
		assert.notEqual(r.json.phone, stored, `phone ${input} answered in clear`);
		assert.ok(!r.json.phone.includes('6212345'), `landline answered in clear: ${r.json.phone}`);
		assert.equal(await revealed(r.json.id, 'phone'), stored, `phone ${input} stored form`);
	}
	for (const input of ['12345678901', '1381234567', '138123456789', 'abc']) {
		assertError(await createPerson({ name: '周电话', phone: input }), 400, 'validation.failed', 'phone');
	}
});

it('organisation credit codes: a valid code is accepted, a wrong check character refused, a duplicate 409', async () => {
	const mk = (name, credit_code) => srv.api('POST', '/organisation', {
		...S, body: { unit_id: unit, name, kind: 'enterprise', enterprise_kind: 'private', credit_code },
	});
	const ok = await mk('海岳信用测试有限公司', '91350100M000100Y43');
	assert.equal(ok.status, 201, ok.text);
	assert.equal(ok.json.credit_code, '91350100M000100Y43');
	assertError(await mk('海岳信用错误有限公司', '91350100M000100Y4Z'), 400, 'validation.failed', 'credit_code');
	assertError(await mk('海岳信用错误有限公司', '91350100M000100Y44'), 400, 'validation.failed', 'credit_code');
	// docs/api.md: "Duplicate ID numbers (and credit codes) answer 409."
	const dup = await mk('海岳信用重复有限公司', '91350100M000100Y43');
	assertError(dup, 409, 'conflict');
});

it('dictionary values must exist; names with · and characters outside the BMP are accepted', async () => {
	assertError(await createPerson({ name: '吴民族', ethnicity: '99x' }), 400, 'validation.failed', 'ethnicity');
	assertError(await createPerson({ name: '吴性别', gender: 'M' }), 400, 'validation.failed', 'gender');
	assertError(await createPerson({ name: '吴类别', categories: ['03', '99'] }), 400, 'validation.failed', 'categories');
	assertError(await createPerson({ name: '吴党派', party: 'kmt' }), 400, 'validation.failed', 'party');
	for (const name of ['阿依古丽·买买提', '𠮷田', '王𠮷']) {
		const r = await createPerson({ name, ethnicity: '05' });
		assert.equal(r.status, 201, `name ${name}: ${r.text}`);
		assert.equal(r.json.name, name);
		const g = await srv.api('GET', `/person/${r.json.id}`, S);
		assert.equal(g.json.name, name);
		assert.equal(await revealed(r.json.id, 'ethnicity'), '05');
	}
});

// ---- personal data protection ----

let P; // the protected person
const P_ID = makeId('19720229', 357);
const P_PHONE = '13812345678';
const P_PHONE2 = '13700001234';

it('list and detail answer ID number, phone and the sensitive code fields masked', async () => {
	const r = await createPerson({
		name: '郑保护', gender: '1', birth_date: '1972-02-29', id_number: P_ID, phone: `+86 ${P_PHONE}`,
		ethnicity: '01', political: '13', party: 'cdl', religion: '00', categories: ['01', '03'],
	});
	assert.equal(r.status, 201, r.text);
	P = r.json;
	const mask = `${P_ID.slice(0, 6)}********${P_ID.slice(14)}`;
	const check = (o, where) => {
		assert.equal(o.id_number, mask, `${where}: id_number`);
		assert.equal(o.phone, '138****5678', `${where}: phone`);
		for (const f of ['ethnicity', 'political', 'party', 'religion']) assert.equal(o[f], '***', `${where}: ${f}`);
		const text = JSON.stringify(o);
		assert.ok(!text.includes(P_ID) && !text.includes(P_PHONE), `${where} contains a clear value: ${text}`);
	};
	check(P, 'create answer');
	check((await srv.api('GET', `/person/${P.id}`, S)).json, 'detail');
	const list = await srv.listAll(`/person?unit_id=${unit}`, S);
	const inList = list.find((x) => x.id === P.id);
	assert.ok(inList, 'the person is not in the list');
	check(inList, 'list');
	// the leader (read only) sees the same masks
	const leader = await srv.login('leader');
	check((await srv.api('GET', `/person/${P.id}`, { token: leader.token })).json, 'leader detail');
	// every item of every list is masked the same way
	for (const x of await srv.listAll('/person', S)) {
		if (x.id_number !== null) assert.match(x.id_number, /^\d{6}\*{8}\d{3}[\dX]$/, `person ${x.id}`);
		if (x.phone !== null) assert.ok(x.phone.includes('*'), `person ${x.id} phone ${x.phone}`);
		for (const f of ['ethnicity', 'political', 'party', 'religion']) assert.ok(x[f] === null || x[f] === '***', `person ${x.id} ${f}=${x[f]}`);
	}
});

it('reveal: staff gets the value, the leader 403, a request without a reason 400', async () => {
	assert.ok(P, 'depends on the previous test');
	assert.ok(fx.staff.user.permissions.some((p) => p === 'person:reveal' || p === 'person:*'));
	assert.equal(await revealed(P.id, 'id_number'), P_ID);
	assert.equal(await revealed(P.id, 'phone'), P_PHONE);
	assert.equal(await revealed(P.id, 'party'), 'cdl');
	const leader = await srv.login('leader');
	assertError(await reveal(P.id, 'id_number', { token: leader.token }), 403, 'auth.forbidden');
	assertError(await reveal(P.id, 'id_number', { token: fx.village1.token }), 403, 'auth.forbidden');
	assertError(await srv.api('POST', `/person/${P.id}/reveal`, { ...S, body: { field: 'id_number' } }), 400, 'validation.failed', 'reason');
	assertError(await srv.api('POST', `/person/${P.id}/reveal`, { ...S, body: { field: 'id_number', reason: '' } }), 400, 'validation.failed', 'reason');
	assertError(await srv.api('POST', `/person/${P.id}/reveal`, { ...S, body: { field: 'id_number', reason: '   ' } }), 400, 'validation.failed', 'reason');
	// a field that is not sensitive has nothing to reveal
	assertError(await srv.api('POST', `/person/${P.id}/reveal`, { ...S, body: { field: 'name', reason: '核对' } }), 400, 'validation.failed', 'field');
});

it("the auditor sees each reveal with field and reason, never the value; the audit holds no clear value", async () => {
	assert.ok(P, 'depends on the previous tests');
	// a change of a sensitive field is audited as a change, with '***' for both values
	const np = await srv.api('PATCH', `/person/${P.id}`, { ...S, body: { phone: P_PHONE2, version: P.version } });
	assert.equal(np.status, 200, np.text);
	assert.equal(np.json.phone, '137****1234');
	P = np.json;
	const reason = '走访前核对联系电话（测试）';
	assert.equal((await reveal(P.id, 'phone', S, reason)).status, 200);
	const aud = await srv.login('auditor');
	const entries = await srv.listAll('/audit?action=person.reveal', { token: aud.token });
	assert.ok(entries.length > 0, 'no person.reveal entries');
	for (const e of entries) assert.equal(e.action, 'person.reveal');
	const mine = entries.filter((e) => String(e.entity_id) === String(P.id));
	const phone = mine.find((e) => e.detail && e.detail.reason === reason);
	assert.ok(phone, `no reveal entry with the reason: ${JSON.stringify(mine)}`);
	assert.equal(phone.detail.field, 'phone');
	const upd = (await srv.listAll('/audit?action=person.update', { token: aud.token })).filter((e) => String(e.entity_id) === String(P.id));
	assert.equal(upd.length, 1, 'the phone change is not audited');
	assert.ok(JSON.stringify(upd[0].detail).includes('phone'), `the change does not name the field: ${JSON.stringify(upd[0].detail)}`);
	assert.equal(phone.actor, 'staff');
	assert.equal(phone.entity, 'person');
	assert.ok(mine.some((e) => e.detail?.field === 'id_number'), 'the id_number reveal is not audited');
	const all = JSON.stringify(await srv.listAll('/audit', { token: aud.token }));
	for (const v of [P_ID, P_PHONE, P_PHONE2, P_ID.slice(0, 6) + P_ID.slice(8, 17), VEC, VEC_15, '0535-6212345']) {
		assert.ok(!all.includes(v), `the audit log contains ${v} in clear`);
	}
});

it("a refused reveal is audited as denied, naming the person's id", async () => {
	assert.ok(P, 'depends on the previous tests');
	const aud = await srv.login('auditor');
	const denied = (await srv.listAll('/audit?action=person.reveal', { token: aud.token }))
		.filter((e) => e.result === 'denied' && e.actor === 'leader');
	assert.ok(denied.length > 0, "the leader's refused reveal is not in the audit");
	for (const e of denied) {
		assert.equal(e.entity, 'person');
		assert.equal(String(e.entity_id), String(P.id), `denied entry names entity_id ${JSON.stringify(e.entity_id)}, not the person's id: ${JSON.stringify(e)}`);
	}
});

it('no ID number or phone is stored in clear', async () => {
	assert.ok(P, 'depends on the previous tests');
	const clear = [P_ID, P_PHONE, P_PHONE2, VEC, '0535-6212345'];
	if (srv.backend === 'sqlite') {
		const files = [srv.db, `${srv.db}-wal`, `${srv.db}-journal`].filter((f) => fs.existsSync(f));
		assert.ok(files.length >= 1);
		for (const f of files) {
			const bytes = fs.readFileSync(f);
			for (const v of clear) {
				assert.equal(bytes.indexOf(Buffer.from(v, 'utf8')), -1, `${f} contains ${v} in clear`);
			}
		}
			// sanity: the files do hold the (non-sensitive) name, so the search looks at the right bytes
		const all = Buffer.concat(files.map((f) => fs.readFileSync(f)));
		assert.ok(all.indexOf(Buffer.from('郑保护', 'utf8')) >= 0, 'the name is not in the database files: the byte search looks in the wrong place');
	}
	const row = srv.sql(`SELECT p.* FROM person p WHERE p.id = ${Number(P.id)}`);
	assert.ok(row.includes('郑保护'), `the row was not found: ${row}`);
	for (const v of clear) assert.ok(!row.includes(v), `person row contains ${v} in clear: ${row}`);
	const audit = srv.backend === 'sqlite'
		? srv.sql("SELECT group_concat(COALESCE(detail, ''), ' ') FROM audit_log")
		: srv.sql("SELECT string_agg(a::text, ' ') FROM audit_log a");
	for (const v of clear) assert.ok(!audit.includes(v), `audit_log contains ${v} in clear`);
});
