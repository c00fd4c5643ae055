// Browser test of the person photo and the 字典管理 page, against a live
// server (TONGXIN_URL, TONGXIN_TEST_USER — default staff, who has
// person:update and dict:write — and TONGXIN_TEST_PASSWORD): upload a small
// PNG on a person's profile and see the <img> load; open 字典管理, create a
// local dictionary with two items, see it in the table and its drawer, and
// delete it again. No console errors, CSP violations or foreign requests.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { createRequire } from 'node:module'

const require = createRequire(new URL('../../web/package.json', import.meta.url))
const { chromium } = require('playwright-core')

const BASE = (process.env.TONGXIN_URL || '').replace(/\/+$/, '')
const USER = process.env.TONGXIN_TEST_USER || 'staff'
const PASSWORD = process.env.TONGXIN_TEST_PASSWORD || ''
const ARTIFACTS = process.env.TONGXIN_ARTIFACTS || ''
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const SKIP = BASE ? false : 'TONGXIN_URL is not set'

const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

// A valid 4×4 RGB PNG.
function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) {
    c ^= b
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}
function png(w = 4, h = 4) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8
  ihdr[9] = 2
  const rows = []
  for (let y = 0; y < h; y++) {
    rows.push(0)
    for (let x = 0; x < w; x++) rows.push(200, 30 + 40 * y, 30 + 40 * x)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

async function shot(page, name) {
  if (!ARTIFACTS) return
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: path.join(ARTIFACTS, `dicts-${name}.png`), fullPage: true })
}

let browser, context, page
const problems = []

before(async () => {
  if (SKIP) return
  assert.ok(PASSWORD, 'TONGXIN_TEST_PASSWORD must be set')
  const origin = new URL(BASE).origin
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  context = await browser.newContext({ viewport: { width: 1366, height: 820 }, locale: 'zh-CN' })
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`)
    })
  })
  page = await context.newPage()
  page.setDefaultTimeout(10_000)
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return
    const text = msg.text()
    const url = (msg.location() && msg.location().url) || ''
    if (/status of 401/.test(text) && /\/api\/v1\/me$/.test(url)) return // the first probe before sign-in
    // a person without a photo: the <img> gets 404 and shows the placeholder
    if (/status of 404/.test(text) && /\/api\/v1\/person\/\d+\/photo(\?|$)/.test(url)) return
    problems.push(`console: ${text} ${url}`)
  })
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`))
  page.on('request', (req) => {
    const u = req.url()
    if (/^(data|blob):/.test(u)) return
    if (new URL(u).origin !== origin) problems.push(`request to another origin: ${u}`)
  })
  page.on('response', (res) => {
    if (res.status() >= 500) problems.push(`HTTP ${res.status()} ${res.url()}`)
  })

  await page.goto(BASE + '/')
  await page.locator('[data-test="login-page"]').waitFor()
  await page.locator('input[data-test="login-username"]').fill(USER)
  await page.locator('input[data-test="login-password"]').fill(PASSWORD)
  await page.locator('[data-test="login-submit"]').click()
  await Promise.race([
    page.locator('[data-test="side-menu"]').waitFor(),
    page.locator('[data-test="login-error"]').waitFor(),
  ])
  if (await page.locator('[data-test="login-error"]').isVisible())
    assert.fail('sign-in failed: ' + (await page.locator('[data-test="login-error"]').innerText()))
})

after(async () => {
  if (browser) await browser.close()
})

function checkProblems() {
  assert.deepEqual(problems.splice(0), [], 'no console errors, CSP violations or foreign requests')
}

async function failShot(name, fn) {
  try {
    await fn()
  } catch (e) {
    if (page) await shot(page, `zz-failure-${name}`).catch(() => {})
    if (problems.length) e.message += '\nbrowser problems:\n' + problems.join('\n')
    throw e
  }
}

const apiHeaders = { 'X-Tongxin-CSRF': '1', Accept: 'application/json' }

test('upload a photo on a person profile and see it load', { timeout: 20_000, skip: SKIP }, async () => {
  await failShot('photo', async () => {
    const res = await context.request.get(BASE + '/api/v1/person?limit=1', { headers: apiHeaders })
    assert.ok(res.ok(), `GET /person: ${res.status()}`)
    const person = (await res.json()).items[0]
    assert.ok(person, 'no person to open')
    // start without a photo (404 when there is none)
    await context.request.delete(`${BASE}/api/v1/person/${person.id}/photo`, { headers: apiHeaders })

    await page.goto(`${BASE}/records/person/${person.id}`)
    const box = page.locator('[data-test="person-photo"]')
    await box.waitFor()
    await page.waitForFunction(() => document.querySelector('[data-test="person-photo"]')?.dataset.state === 'none')
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tx-photo-')), 'photo.png')
    fs.writeFileSync(file, png())
    const put = page.waitForResponse((r) => r.request().method() === 'PUT' && /\/photo$/.test(new URL(r.url()).pathname))
    await page.locator('input[data-test="person-photo-input"]').setInputFiles(file)
    const answer = await put
    assert.ok(answer.status() === 204 || answer.status() === 200, `PUT photo: ${answer.status()}`)
    assert.equal(answer.request().headers()['content-type'], 'image/png')
    await page.waitForFunction(() => {
      const img = document.querySelector('img[data-test="person-photo-img"]')
      return img && img.complete && img.naturalWidth > 0
    })
    const w = await page.locator('img[data-test="person-photo-img"]').evaluate((img) => img.naturalWidth)
    assert.equal(w, 4)
    await page.locator('[data-test="person-photo-delete"]').waitFor()
    await shot(page, 'photo')
    checkProblems()
  })
})

test('字典管理: create a local dictionary with two items, view it, delete it', { timeout: 25_000, skip: SKIP }, async () => {
  await failShot('dicts', async () => {
    const code = `bt_${String(Date.now()).slice(-7)}`
    await page.locator('[data-test="side-menu"]').getByText('字典管理').click()
    await page.locator('[data-test="dicts-page"]').waitFor()
    // a built-in dictionary is listed, marked 内置
    await page.locator('[data-test="dict-row-gender"]').waitFor()
    assert.equal(await page.locator('[data-test="dict-edit-gender"]').count(), 0, 'a built-in dictionary is editable')

    await page.locator('[data-test="dict-create"]').click()
    const dlg = page.locator('[data-test="dict-dialog"]')
    await dlg.waitFor()
    await dlg.locator('input[data-test="dict-code"]').fill(code)
    await dlg.locator('input[data-test="dict-name-zh"]').fill('巡查事项（浏览器测试）')
    await dlg.locator('input[data-test="dict-item-value-0"]').fill('fire')
    await dlg.locator('input[data-test="dict-item-zh-0"]').fill('消防安全')
    await dlg.locator('input[data-test="dict-item-value-1"]').fill('road')
    await dlg.locator('input[data-test="dict-item-zh-1"]').fill('道路交通')
    const post = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/dicts')
    await dlg.locator('[data-test="dict-save"]').click()
    const answer = await post
    assert.equal(answer.status(), 201, await answer.text())
    await dlg.waitFor({ state: 'hidden' })
    await page.locator(`[data-test="dict-row-${code}"]`).waitFor()

    await page.locator(`[data-test="dict-view-${code}"]`).click()
    const drawer = page.locator('[data-test="dict-items"]')
    await drawer.getByText('道路交通').waitFor()
    await drawer.getByText('消防安全').waitFor()
    await shot(page, 'drawer')
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })

    const meta = await (await context.request.get(BASE + '/api/v1/meta', { headers: apiHeaders })).json()
    const d = meta.dictionaries.find((x) => x.code === code)
    assert.ok(d && d.local === true, 'the new dictionary is in /meta as local')
    assert.deepEqual(d.items.map((x) => x.value), ['fire', 'road'])

    await page.locator(`[data-test="dict-delete-${code}"]`).click()
    await page.locator('.el-message-box').getByRole('button', { name: '删除' }).click()
    await page.locator(`[data-test="dict-row-${code}"]`).waitFor({ state: 'detached' })
    checkProblems()
  })
})
