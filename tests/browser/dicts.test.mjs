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
import {
  ENV_BASE as BASE,
  ENV_PASSWORD as PASSWORD,
  USER,
  launch,
  newContext,
  png,
  shot as saveShot,
  signIn,
} from './lib.mjs'

const SKIP = BASE ? false : 'TONGXIN_URL is not set'

const shot = (page, name) => saveShot(page, `dicts-${name}`)

let browser, context, page
const problems = []

before(async () => {
  if (SKIP) return
  assert.ok(PASSWORD, 'TONGXIN_TEST_PASSWORD must be set')
  browser = await launch()
  context = await newContext(browser, BASE, problems, { viewport: { width: 1366, height: 820 } })
  page = await context.newPage()
  await signIn(page, BASE, USER, PASSWORD)
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
    fs.writeFileSync(file, png(4, 4))
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
