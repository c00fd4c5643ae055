// lib.mjs — what every browser test shares: Debian's chromium through
// playwright-core, a context that reports CSP violations, a watch on each
// page that turns console errors, page errors, requests to other origins
// and 5xx answers into problems, screenshots, the sign-in form, and a
// small PNG to upload.
//
// Env: TONGXIN_URL, TONGXIN_TEST_USER, TONGXIN_TEST_PASSWORD (set by
// tests/run.sh), TONGXIN_ARTIFACTS (screenshots), CHROMIUM (default
// /usr/bin/chromium).
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { createRequire } from 'node:module'

// playwright-core is a devDependency of web/ (installed by `npm ci` there).
const require = createRequire(new URL('../../web/package.json', import.meta.url))
export const { chromium } = require('playwright-core')

export const ENV_BASE = (process.env.TONGXIN_URL || '').replace(/\/+$/, '')
export const USER = process.env.TONGXIN_TEST_USER || 'staff'
export const ENV_PASSWORD = process.env.TONGXIN_TEST_PASSWORD || ''
export const ARTIFACTS = process.env.TONGXIN_ARTIFACTS || ''
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'

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

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS })
}

// A screenshot into TONGXIN_ARTIFACTS, when it is set.
export async function shot(page, name) {
  if (!ARTIFACTS || !page) return
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true })
}

// Console errors that are answers by contract, not faults.
const EXPECTED = [
  // the first GET /api/v1/me before sign-in answers 401
  (text, url) => /status of 401/.test(text) && /\/api\/v1\/me$/.test(url),
  // a person without a photo: the <img> gets 404 and shows the placeholder
  (text, url) => /status of 404/.test(text) && /\/api\/v1\/person\/\d+\/photo(\?|$)/.test(url),
]

// Report a page's problems into `problems` (prefixed with `label`, if any).
export function watch(page, base, problems, label = '') {
  const origin = new URL(base).origin
  const say = (s) => problems.push(label ? `${label} ${s}` : s)
  page.setDefaultTimeout(10_000)
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return
    const text = msg.text()
    const url = (msg.location() && msg.location().url) || ''
    if (EXPECTED.some((ok) => ok(text, url))) return
    say(`console: ${text} ${url}`)
  })
  page.on('pageerror', (err) => say(`pageerror: ${err.message}`))
  page.on('request', (req) => {
    const u = req.url()
    if (/^(data|blob):/.test(u)) return
    if (new URL(u).origin !== origin) say(`request to another origin: ${u}`)
  })
  page.on('response', (res) => {
    if (res.status() >= 500) say(`HTTP ${res.status()} ${res.url()}`)
  })
}

// A context (zh-CN) whose pages are watched; CSP violations reach the console.
export async function newContext(browser, base, problems, options = {}, label = '') {
  const context = await browser.newContext({ locale: 'zh-CN', ...options })
  // Init scripts are not subject to the page's CSP.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`)
    })
  })
  context.on('page', (page) => watch(page, base, problems, label))
  return context
}

// The desktop sign-in form at `url` (no session: the form shows).
export async function openSignIn(page, url) {
  await page.goto(url)
  await page.locator('[data-test="login-page"]').waitFor()
}

// Fill and submit the open sign-in form; fails the test when refused or
// when the account must first change its password.
export async function submitSignIn(page, user, password) {
  await page.locator('input[data-test="login-username"]').fill(user)
  await page.locator('input[data-test="login-password"]').fill(password)
  await page.locator('[data-test="login-submit"]').click()
  await Promise.race([
    page.locator('[data-test="side-menu"]').waitFor(),
    page.locator('[data-test="login-error"]').waitFor(),
    page.locator('[data-test="password-page"]').waitFor(),
  ])
  if (await page.locator('[data-test="login-error"]').isVisible())
    assert.fail('sign-in failed: ' + (await page.locator('[data-test="login-error"]').innerText()))
  assert.ok(
    !(await page.locator('[data-test="password-page"]').isVisible()),
    'the test account must not be required to change its password',
  )
}

// Sign in through the desktop form at base + path.
export async function signIn(page, base, user, password, path = '/') {
  await openSignIn(page, base + path)
  await submitSignIn(page, user, password)
}

// A valid w×h PNG, 8-bit RGB: red with a white second row.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
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
export function png(w, h) {
  assert.ok(Number.isInteger(w) && w > 0 && Number.isInteger(h) && h > 0, `png(${w}, ${h}): a positive size`)
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB; compression, filter and interlace 0
  const rows = []
  for (let y = 0; y < h; y++) {
    rows.push(0) // filter: none
    for (let x = 0; x < w; x++) rows.push(...(y === 1 ? [255, 255, 255] : [200, 22, 29]))
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
