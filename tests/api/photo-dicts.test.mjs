// A person's photo (PUT/GET/DELETE /person/{id}/photo: checked by content,
// scoped like the person, audited, sealed at rest) and local dictionaries
// (/dicts: created by staff of a unit, listed in /meta with local: true,
// changed and deleted only within the unit's scope, audited).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { startServer, tracked, assertError, demoFixture } from './harness.mjs';

let srv, fx, S, T1, T2, L, A;
let p1, p2; // a person of town1, one of town2
const it = tracked(() => srv);

// 16 distinctive bytes, carried inside the PNG in a private ancillary chunk.
const MARKER = Buffer.from('TXPHOTO-mark-9Q7', 'latin1');
assert.equal(MARKER.length, 16);

const crcTable = (() => {
	const t = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c >>> 0;
	}
	return t;
})();
function crc32(buf) {
	let c = 0xffffffff;
	for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}
/* A valid 2×2 RGB PNG with the marker in a `teXt` chunk. */
export function tinyPng(marker = MARKER) {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(2, 0);
	ihdr.writeUInt32BE(2, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // RGB
	const raw = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('tEXt', Buffer.concat([Buffer.from('Comment\0', 'latin1'), marker])),
		chunk('IDAT', zlib.deflateSync(raw)),
		chunk('IEND', Buffer.alloc(0)),
	]);
}
/* Enough of a JPEG for a content check: SOI, APP0 JFIF, … EOI. */
const JPEG = Buffer.concat([
	Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
	Buffer.alloc(64, 0x11),
	Buffer.from([0xff, 0xd9]),
]);

const putPhoto = (id, body, type, who = T1) =>
	srv.api('PUT', `/person/${id}/photo`, { ...who, body: new Uint8Array(body), headers: { 'content-type': type } });
const getPhoto = async (id, who = T1) => {
	const r = await fetch(`${srv.url}/api/v1/person/${id}/photo`, { headers: { cookie: who.cookie } });
	return { status: r.status, type: r.headers.get('content-type'), bytes: Buffer.from(await r.arrayBuffer()), headers: r.headers };
};
const auditOf = async (action) => srv.listAll(`/audit?action=${encodeURIComponent(action)}`, A);

before(async () => {
	srv = await startServer({ people: 50 });
	fx = await demoFixture(srv);
	// cookies (the photo GET is what an <img> does: cookie, no CSRF header)
	S = { cookie: fx.staff.cookie };
	T1 = { cookie: fx.town1.cookie };
	T2 = { cookie: fx.town2.cookie };
	L = { cookie: (await srv.login('leader')).cookie };
	A = { token: (await srv.login('auditor')).token };
	const mk = async (unit_id, name) => {
		const r = await srv.api('POST', '/person', { ...S, body: { unit_id, name, categories: ['03'] } });
		assert.equal(r.status, 201, r.text);
		return r.json;
	};
	p1 = await mk(fx.town1Unit, '照片甲');
	p2 = await mk(fx.town2Unit, '照片乙');
});
after(async () => { await srv?.stop(); });

it('no photo yet: GET answers 404', async () => {
	const r = await getPhoto(p1.id);
	assert.equal(r.status, 404);
});

it('a PNG goes in and comes back byte for byte with its type; a JPEG replaces it', async () => {
	const png = tinyPng();
	const put = await putPhoto(p1.id, png, 'image/png');
	assert.ok(put.status === 204 || put.status === 200, `PUT: ${put.status} ${put.text}`);
	const got = await getPhoto(p1.id);
	assert.equal(got.status, 200);
	assert.match(got.type, /^image\/png/);
	assert.ok(got.bytes.equals(png), 'photo bytes differ');
	// staff (city) sees it too
	assert.equal((await getPhoto(p1.id, S)).status, 200);

	const jp = await putPhoto(p1.id, JPEG, 'image/jpeg');
	assert.ok(jp.status === 204 || jp.status === 200, `PUT jpeg: ${jp.status} ${jp.text}`);
	const gj = await getPhoto(p1.id);
	assert.equal(gj.status, 200);
	assert.match(gj.type, /^image\/jpeg/);
	assert.ok(gj.bytes.equals(JPEG));
	// back to the PNG (the at-rest check below looks for its marker)
	assert.equal((await putPhoto(p1.id, png, 'image/png')).status, put.status);
});

it('bytes that are not an image: 400 fields.photo; a JPEG sent as PNG too', async () => {
	assertError(await putPhoto(p1.id, Buffer.from('hello, this is not a picture at all'), 'image/png'), 400, null, 'photo');
	assertError(await putPhoto(p1.id, Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 'image/jpeg'), 400, null, 'photo');
	assertError(await putPhoto(p1.id, Buffer.alloc(0), 'image/png'), 400, null, 'photo');
	// the stored photo is untouched
	assert.ok((await getPhoto(p1.id)).bytes.equals(tinyPng()));
});

it('a wrong Content-Type is 415, more than 2 MiB is 413', async () => {
	const png = tinyPng();
	for (const type of ['image/gif', 'application/octet-stream', 'text/plain', 'application/json']) {
		const r = await putPhoto(p1.id, png, type);
		assert.equal(r.status, 415, `${type}: ${r.status} ${r.text}`);
	}
	const big = Buffer.concat([png.subarray(0, png.length - 12), Buffer.alloc(2 * 1024 * 1024 + 16, 0x41), png.subarray(png.length - 12)]);
	const r = await putPhoto(p1.id, big, 'image/png');
	assert.equal(r.status, 413, `${r.status} ${r.text.slice(0, 200)}`);
	assert.ok((await getPhoto(p1.id)).bytes.equals(png));
});

it('a person of another town is unknown to town1 (GET, PUT and DELETE 404); leader may read but not change', async () => {
	assert.equal((await putPhoto(p2.id, tinyPng(), 'image/png', S)).status, 204);
	assert.equal((await getPhoto(p2.id, T1)).status, 404);
	assertError(await putPhoto(p2.id, tinyPng(), 'image/png', T1), 404);
	assertError(await srv.api('DELETE', `/person/${p2.id}/photo`, T1), 404);
	assert.equal((await getPhoto(p2.id, T2)).status, 200, 'town2 sees its own person');
	assert.equal((await getPhoto(987654321, S)).status, 404);
	// leader: person:read, no person:update
	assert.equal((await getPhoto(p1.id, L)).status, 200);
	assertError(await putPhoto(p1.id, tinyPng(), 'image/png', L), 403);
	assertError(await srv.api('DELETE', `/person/${p1.id}/photo`, L), 403);
	// no CSRF header: refused
	const noCsrf = await srv.api('PUT', `/person/${p1.id}/photo`, { ...T1, csrf: false, body: new Uint8Array(tinyPng()), headers: { 'content-type': 'image/png' } });
	assert.equal(noCsrf.status, 403, noCsrf.text);
});

it('the audit log holds person.photo with the person, and not the image', async () => {
	const es = await auditOf('person.photo');
	assert.ok(es.some((e) => String(e.entity_id) === String(p1.id)), JSON.stringify(es).slice(0, 500));
	assert.ok(!JSON.stringify(es).includes(MARKER.toString('latin1')));
});

it('the photo is sealed at rest: the marker is not in the database', async () => {
	assert.equal((await getPhoto(p1.id)).status, 200);
	if (srv.backend === 'sqlite') {
		let bytes = Buffer.alloc(0);
		for (const f of [srv.db, srv.db + '-wal']) {
			if (fs.existsSync(f)) bytes = Buffer.concat([bytes, fs.readFileSync(f)]);
		}
		assert.ok(bytes.length > 0);
		assert.equal(bytes.indexOf(MARKER), -1, 'the PNG marker is in the SQLite file in clear');
		assert.equal(bytes.indexOf(tinyPng().subarray(0, 16)), -1, 'the PNG header is in the SQLite file in clear');
	} else {
		const cols = srv.sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'person_photo'").split('\n').filter(Boolean);
		assert.ok(cols.length > 0, 'no person_photo table');
		assert.ok(Number(srv.sql('SELECT count(*) FROM person_photo')) >= 1, 'no row in person_photo');
		for (const c of cols) {
			const hex = srv.sql(`SELECT encode(convert_to(string_agg(${c}::text, ''), 'UTF8'), 'hex') FROM person_photo`);
			const n = srv.sql(`SELECT count(*) FROM person_photo WHERE position('\\x${MARKER.toString('hex')}'::bytea IN convert_to(${c}::text, 'UTF8')) > 0 OR ${c}::text LIKE '%${MARKER.toString('latin1')}%' OR ${c}::text LIKE '%${MARKER.toString('hex')}%'`);
			assert.equal(n, '0', `the marker is in person_photo.${c}`);
			assert.ok(!hex.includes(MARKER.toString('hex')), `the marker is in person_photo.${c}`);
		}
	}
});

it('DELETE removes the photo (then 404) and is audited as person.photo_delete', async () => {
	const d = await srv.api('DELETE', `/person/${p1.id}/photo`, T1);
	assert.ok(d.status === 204 || d.status === 200, `${d.status} ${d.text}`);
	assert.equal((await getPhoto(p1.id)).status, 404);
	const es = await auditOf('person.photo_delete');
	assert.ok(es.some((e) => String(e.entity_id) === String(p1.id)), JSON.stringify(es).slice(0, 500));
});

// --- local dictionaries ---

const dictBody = (code, extra = {}) => ({
	code, name_zh: '巡查事项', name_en: 'Checklist',
	items: [{ value: 'fire', label_zh: '消防', label_en: 'Fire' }, { value: 'road-1', label_zh: '道路' }],
	...extra,
});

it('town1 creates a local dictionary (201); every user lists it; /meta shows it with local: true', async () => {
	const r = await srv.api('POST', '/dicts', { ...T1, body: dictBody('town1_check') });
	assert.equal(r.status, 201, r.text);
	assert.equal(r.json.code, 'town1_check');
	assert.equal(r.json.local, true);
	assert.equal(r.json.builtin, false);
	assert.equal(r.json.unit_id, fx.town1Unit);
	assert.deepEqual(r.json.items.map((i) => i.value), ['fire', 'road-1']);
	for (const who of [T1, T2, L, S]) {
		const list = await srv.api('GET', '/dicts', who);
		assert.equal(list.status, 200);
		const d = list.json.items.find((x) => x.code === 'town1_check');
		assert.ok(d, 'not in /dicts');
		assert.equal(d.local, true);
		assert.equal(d.items[0].label_zh, '消防');
		const g = list.json.items.find((x) => x.code === 'gender');
		assert.ok(g && g.builtin === true, 'gender not built in');
	}
	const meta = await srv.api('GET', '/meta', T1);
	const md = meta.json.dictionaries.find((x) => x.code === 'town1_check');
	assert.ok(md, 'not in /meta');
	assert.equal(md.local, true);
	assert.deepEqual(md.items.map((i) => i.value), ['fire', 'road-1']);
	assert.ok((await auditOf('dict.create')).some((e) => String(e.entity_id) === 'town1_check' || JSON.stringify(e).includes('town1_check')));
});

it('a code of a built-in dictionary or one taken is 409; a bad code 400', async () => {
	assertError(await srv.api('POST', '/dicts', { ...T1, body: dictBody('gender') }), 409);
	assertError(await srv.api('POST', '/dicts', { ...T2, body: dictBody('town1_check') }), 409);
	for (const code of ['', 'has space', '中文', 'a/b']) {
		assertError(await srv.api('POST', '/dicts', { ...T1, body: dictBody(code) }), 400, null, 'code');
	}
	assertError(await srv.api('POST', '/dicts', { ...T1, body: { code: 'noname', items: dictBody('x').items } }), 400, null, 'name_zh');
});

it('bad items are 400 fields.items', async () => {
	const bad = [
		[{ value: 'a', label_zh: '甲' }, { value: 'a', label_zh: '乙' }], // duplicate
		[{ value: '', label_zh: '空' }],
		[{ value: 'has space', label_zh: '空格' }],
		[{ value: 'x'.repeat(33), label_zh: '长' }],
		[{ value: '值', label_zh: '中文值' }],
		[{ value: 'nolabel' }],
		[{ value: 'nolabel', label_zh: '' }],
		Array.from({ length: 501 }, (_, i) => ({ value: `v${i}`, label_zh: `项${i}` })),
		'notalist',
	];
	for (const items of bad) {
		const r = await srv.api('POST', '/dicts', { ...T1, body: dictBody('bad_items', { items }) });
		assertError(r, 400, null, 'items');
	}
	// 500 is fine
	const ok = await srv.api('POST', '/dicts', { ...T1, body: dictBody('five_hundred', { items: Array.from({ length: 500 }, (_, i) => ({ value: `v${i}`, label_zh: `项${i}` })) }) });
	assert.equal(ok.status, 201, ok.text.slice(0, 300));
	assert.ok([200, 204].includes((await srv.api('DELETE', '/dicts/five_hundred', T1)).status));
	assert.ok(!(await srv.api('GET', '/dicts', T1)).json.items.some((d) => d.code === 'bad_items'));
});

it('leader cannot create (403); town2 cannot change or delete town1\'s dictionary (404); city staff can', async () => {
	assertError(await srv.api('POST', '/dicts', { ...L, body: dictBody('leader_dict') }), 403);
	assertError(await srv.api('PATCH', '/dicts/town1_check', { ...L, body: { name_zh: '改' } }), 403);
	assertError(await srv.api('PATCH', '/dicts/town1_check', { ...T2, body: { name_zh: '越界' } }), 404);
	assertError(await srv.api('DELETE', '/dicts/town1_check', T2), 404);
	assertError(await srv.api('PATCH', '/dicts/no_such_dict', { ...T1, body: { name_zh: '无' } }), 404);
	const builtinPatch = await srv.api('PATCH', '/dicts/gender', { ...S, body: { name_zh: '性别改' } });
	assert.ok([403, 404, 409].includes(builtinPatch.status), `PATCH a built-in: ${builtinPatch.status} ${builtinPatch.text}`);

	const up = await srv.api('PATCH', '/dicts/town1_check', { ...S, body: { name_zh: '巡查事项（市改）', items: [{ value: 'road-1', label_zh: '道路' }, { value: 'water', label_zh: '水务' }, { value: 'fire', label_zh: '消防' }] } });
	assert.equal(up.status, 200, up.text);
	assert.equal(up.json.name_zh, '巡查事项（市改）');
	assert.deepEqual(up.json.items.map((i) => i.value), ['road-1', 'water', 'fire'], 'item order is kept');
	assertError(await srv.api('PATCH', '/dicts/town1_check', { ...T1, body: { items: [{ value: 'a b', label_zh: 'x' }] } }), 400, null, 'items');
	const again = await srv.api('PATCH', '/dicts/town1_check', { ...T1, body: { items: [{ value: 'fire', label_zh: '消防安全' }] } });
	assert.equal(again.status, 200, again.text);
	assert.equal(again.json.name_zh, '巡查事项（市改）', 'items-only PATCH keeps the name');
	const meta = await srv.api('GET', '/meta', T2);
	assert.deepEqual(meta.json.dictionaries.find((x) => x.code === 'town1_check').items.map((i) => i.label_zh), ['消防安全']);
	assert.ok((await auditOf('dict.update')).length >= 2);
});

it('delete works and is audited; the dictionary is gone from /dicts and /meta', async () => {
	const d = await srv.api('DELETE', '/dicts/town1_check', T1);
	assert.ok(d.status === 204 || d.status === 200, `${d.status} ${d.text}`);
	assert.ok(!(await srv.api('GET', '/dicts', T1)).json.items.some((x) => x.code === 'town1_check'));
	assert.ok(!(await srv.api('GET', '/meta', T1)).json.dictionaries.some((x) => x.code === 'town1_check'));
	assertError(await srv.api('DELETE', '/dicts/town1_check', T1), 404);
	const builtinDel = await srv.api('DELETE', '/dicts/gender', S);
	assert.ok([403, 404, 409].includes(builtinDel.status), `DELETE a built-in: ${builtinDel.status} ${builtinDel.text}`);
	assert.ok((await srv.api('GET', '/dicts', S)).json.items.some((x) => x.code === 'gender'));
	const es = await auditOf('dict.delete');
	assert.ok(es.some((e) => JSON.stringify(e).includes('town1_check')), JSON.stringify(es).slice(0, 400));
	// and a staff-created one can be made again under the same code
	const r = await srv.api('POST', '/dicts', { ...S, body: dictBody('town1_check', { unit_id: fx.town1Unit }) });
	assert.equal(r.status, 201, r.text);
	assert.equal(r.json.unit_id, fx.town1Unit);
	// a unit outside one's scope is answered like an unknown unit
	const foreign = await srv.api('POST', '/dicts', { ...T1, body: dictBody('t1_for_t2', { unit_id: fx.town2Unit }) });
	assert.ok([400, 404].includes(foreign.status), `town1 creating for town2: ${foreign.status} ${foreign.text}`);
});
