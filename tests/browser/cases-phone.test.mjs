// Browser test of the whole suggestion flow (docs/cases.md) with the phone
// pages (/m/) of a representative and the desktop case page of the office.
//
// Server: TONGXIN_URL (with TONGXIN_TEST_PASSWORD, the demo accounts'
// password), as the other browser tests under tests/run.sh; without it the
// test starts its own demo server with tests/api/harness.mjs (the binary is
// build/tongxin or TONGXIN_BIN). Optional TONGXIN_ARTIFACTS (screenshots)
// and CHROMIUM (default /usr/bin/chromium).
//
// Flow: a registered suggestion with a similar title exists (API) → rep1 on
// a phone (390×844, touch) signs in at /m/login → 写建言: the similar case is
// listed under the title, the demo leader is chosen, a PNG photo is added →
// 提交建言 → the case page with the photo → staff on the desktop opens
// /cases/{id}: 登记, then 交办 to the first department → deptliaison (of that
// department) answers (API) → rep1 sees the notice under 消息, taps it, sees
// the answer and rates it 满意 → signs out (a /m/ page needs a session
// again) → the API: closed, rating satisfied, the timeline submit (the
// server records a suggestion's submission as `create`) → register →
// assign → answer → rate in that order, the photo served back byte for
// byte. No phone page scrolls sideways at 390px.
// Console errors, page errors, CSP violations, requests to other origins
// and 5xx answers fail the test.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from '../api/harness.mjs'
import { ENV_BASE, ENV_PASSWORD, launch, newContext as watchedContext, png, shot as saveShot, signIn } from './lib.mjs'

const PHONE_WIDTH = 390

// a tiny valid PNG: 6×4 pixels
const PNG = png(6, 4)

// Distinct titles for this run: the time in heavenly stems.
const STEMS = '甲乙丙丁戊己庚辛壬癸'
const tag = [...String(Date.now()).slice(-6)].map((d) => STEMS[Number(d)]).join('')
const EARLIER_TITLE = `关于老城区${tag}停车难问题的建议`
const TITLE = `关于缓解老城区${tag}停车难问题的建议`
const CONTENT = '老城区道路狭窄，早晚高峰停车难、乱停放现象突出。建议利用闲置地块建设立体停车场，并推行错时共享停车。'
const ANSWER = `经研究，市住建局已将老城区${tag}立体停车场列入明年计划，并先行开放三处机关单位停车场错时共享。`
const RATE_COMMENT = '答复具体，感谢！'

let srv = null // the harness server when TONGXIN_URL is not given
let BASE = ENV_BASE
let PASSWORD = ENV_PASSWORD
let browser
const problems = []

const shot = (page, name) => saveShot(page, `cases-phone-${name}`)

before(async () => {
  if (!BASE) {
    srv = await startServer({ people: 200 })
    BASE = srv.url
    PASSWORD = srv.password
  }
  assert.ok(PASSWORD, 'TONGXIN_TEST_PASSWORD must be set with TONGXIN_URL')
  browser = await launch()
})

after(async () => {
  if (browser) await browser.close()
  if (srv) await srv.stop()
})

// A browser context that reports its problems into `problems`.
const newContext = (label, options) => watchedContext(browser, BASE, problems, options, label)

// ---- the API as a signed-in browser context (its cookie) ----
const HEADERS = { 'X-Tongxin-CSRF': '1', Accept: 'application/json' }
function apiOf(context) {
  const call = async (method, p, data) => {
    const res = await context.request.fetch(BASE + '/api/v1' + p, {
      method,
      headers: data === undefined ? HEADERS : { ...HEADERS, 'Content-Type': 'application/json' },
      data: data === undefined ? undefined : JSON.stringify(data),
    })
    const text = await res.text()
    let json = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = null
    }
    return { status: res.status(), json, text }
  }
  const ok = async (method, p, data, expect = [200, 201]) => {
    const r = await call(method, p, data)
    assert.ok(expect.includes(r.status), `${method} ${p}: HTTP ${r.status} ${r.text.slice(0, 400)}`)
    return r.json
  }
  return {
    call,
    get: (p) => ok('GET', p),
    post: (p, data) => ok('POST', p, data),
    async login(username) {
      const r = await call('POST', '/session', { username, password: PASSWORD })
      assert.equal(r.status, 200, `sign-in of ${username}: ${r.status} ${r.text}`)
      const me = await ok('GET', '/me')
      assert.ok(!me.must_change_password, `${username} must not be required to change the password`)
      return me
    },
    async act(id, action, extra = {}) {
      const c = await ok('GET', `/cases/${id}`)
      return ok('POST', `/cases/${id}/act`, { action, version: c.version, ...extra })
    },
  }
}

async function noSideScroll(page, where) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(w <= PHONE_WIDTH, `${where}: the page is ${w}px wide at ${PHONE_WIDTH}px (horizontal scroll)`)
}

async function waitFor(fn, what, timeout = 10_000) {
  const end = Date.now() + timeout
  let last
  for (;;) {
    last = await fn()
    if (last) return last
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 150))
  }
}

function checkProblems() {
  assert.deepEqual(problems.splice(0), [], 'no console errors, CSP violations, foreign requests or 5xx')
}

test('a suggestion from the phone: write with a photo, register, assign, answer, rate', { timeout: 180_000 }, async () => {
  const phone = await newContext('phone', {
    viewport: { width: PHONE_WIDTH, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
  })
  const desk = await newContext('desktop', { viewport: { width: 1366, height: 820 } })
  const m = await phone.newPage()
  let d = null
  const stage = { name: 'start' }
  try {
    // ---- fixtures through the API: the accounts, the leader, the department,
    // and an earlier suggestion with a similar title, registered by staff ----
    const setup = await browser.newContext()
    const repApi = apiOf(setup)
    const rep = await repApi.login('rep1')
    const leaders = await repApi.get('/cases/addressees?kind=leader')
    const leader = leaders.items.find((x) => x.name === '市领导（演示）') || leaders.items[0]
    assert.ok(leader, `GET /cases/addressees?kind=leader lists the demo leader: ${JSON.stringify(leaders)}`)
    const earlier = await repApi.post('/cases', { type: 'suggestion', title: EARLIER_TITLE, content: '停车难。', leader_ids: [leader.id] })
    await setup.clearCookies()
    const dept = await repApi.login('deptliaison')
    const deptUnit = { id: dept.unit_id, name: dept.unit_name }
    assert.ok(deptUnit.id && deptUnit.name, `deptliaison has a unit: ${JSON.stringify(dept)}`)
    await setup.clearCookies()
    await repApi.login('staff')
    await repApi.act(earlier.id, 'register')
    await setup.close()

    // ---- phone: sign in at /m/login ----
    stage.name = 'phone-login'
    await m.goto(BASE + '/m/')
    await m.locator('[data-test="m-login-page"]').waitFor()
    assert.match(new URL(m.url()).pathname, /^\/m\/login/)
    await noSideScroll(m, '/m/login')
    await shot(m, '01-login')
    await m.locator('input[data-test="m-login-username"]').fill('rep1')
    await m.locator('input[data-test="m-login-password"]').fill(PASSWORD)
    await m.locator('[data-test="m-login-submit"]').tap()
    await Promise.race([
      m.locator('[data-test="m-cases-page"]').waitFor(),
      m.locator('[data-test="m-login-error"]').waitFor(),
      m.locator('[data-test="password-page"]').waitFor(),
    ])
    if (await m.locator('[data-test="m-login-error"]').isVisible())
      assert.fail('sign-in failed: ' + (await m.locator('[data-test="m-login-error"]').innerText()))
    assert.equal(new URL(m.url()).pathname, '/m/', 'after sign-in the phone stays in /m/')
    // the earlier case is among my cases
    await m.locator(`[data-test="m-case-row"][data-case-id="${earlier.id}"]`).waitFor()
    await noSideScroll(m, '/m/')
    await shot(m, '02-my-cases')

    // ---- write a suggestion ----
    stage.name = 'phone-write'
    await m.locator('[data-test="m-tab-new"]').tap()
    await m.locator('[data-test="m-new-page"]').waitFor()
    await m.locator('[data-test="m-new-type-suggestion"]').tap()
    const similarAnswer = m.waitForResponse((r) => /\/api\/v1\/cases\/similar\?/.test(r.url()) && r.status() === 200)
    await m.locator('input[data-test="m-new-title"]').fill(TITLE)
    await similarAnswer
    // the registered case with the similar title shows under the title
    await m.locator('[data-test="m-similar-item"]', { hasText: EARLIER_TITLE }).waitFor()
    await m.locator('textarea[data-test="m-new-content"]').fill(CONTENT)
    // the leader: open the picker, tap the demo leader, close it
    await m.locator('[data-test="m-new-leaders"]').tap()
    const option = m.locator(`[data-test="m-addressee-${leader.id}"]:visible`)
    await option.waitFor()
    await option.tap()
    await m.locator('[data-test="m-new-leaders"] .el-select__selected-item', { hasText: leader.name }).first().waitFor()
    await m.keyboard.press('Escape')
    await option.waitFor({ state: 'hidden' })
    // a photo, as the camera would hand it over
    await m.locator('input[data-test="m-new-photo-input"]').setInputFiles({ name: 'street.png', mimeType: 'image/png', buffer: PNG })
    await m.locator('[data-test="m-new-photo"]').waitFor()
    await noSideScroll(m, '/m/new')
    await shot(m, '03-new')
    await m.locator('[data-test="m-new-submit"]').tap()
    await m.waitForURL(/\/m\/case\/\d+$/)
    const casePage = m.locator('[data-test="m-case-page"][data-state="submitted"]')
    await casePage.waitFor()
    const id = Number(await casePage.getAttribute('data-case-id'))
    assert.ok(id > 0, 'the new case has an id')
    assert.match(await m.locator('[data-test="m-case-no"]').innerText(), /^JY-\d{4}-\d{4,}$/)
    assert.equal((await m.locator('[data-test="m-case-title"]').innerText()).trim(), TITLE)
    assert.match(await m.locator('[data-test="m-case-leaders"]').innerText(), new RegExp(leader.name.replace(/[()（）]/g, '.')))
    // the thumbnail is the uploaded photo, loaded from the server
    const thumb = m.locator('[data-test="m-case-photo"] img')
    await thumb.waitFor()
    await waitFor(() => thumb.evaluate((img) => img.complete && img.naturalWidth === 6 && img.naturalHeight === 4), 'the thumbnail')
    await noSideScroll(m, '/m/case/:id')
    await shot(m, '04-case-submitted')
    checkProblems()

    // ---- desktop: staff registers (登记) and assigns (交办) on /cases/{id} ----
    stage.name = 'desktop-office'
    d = await desk.newPage()
    await staffRegisterAndAssign(d, id, deptUnit)
    checkProblems()

    // ---- the department answers ----
    stage.name = 'department-answer'
    const deptCtx = await browser.newContext()
    const deptApi = apiOf(deptCtx)
    await deptApi.login('deptliaison')
    const assigned = await deptApi.get(`/cases/${id}`)
    assert.equal(assigned.state, 'assigned')
    assert.equal(assigned.lead_unit_id, deptUnit.id)
    assert.ok(
      (assigned.actions || []).some((a) => (typeof a === 'string' ? a : a.action) === 'answer'),
      `deptliaison may answer: ${JSON.stringify(assigned.actions)}`,
    )
    await deptApi.act(id, 'answer', { answer: ANSWER })
    await deptCtx.close()

    // ---- phone: the notice, the answer, the rating ----
    stage.name = 'phone-rate'
    await m.locator('[data-test="m-tab-notices"]').tap()
    await m.locator('[data-test="m-notices-page"]').waitFor()
    const notice = m.locator(`[data-test="m-notice"][data-case-id="${id}"][data-unread="1"]`).first()
    await notice.waitFor()
    await noSideScroll(m, '/m/notices')
    await shot(m, '05-notices')
    await notice.tap()
    await m.waitForURL(new RegExp(`/m/case/${id}$`))
    await m.locator('[data-test="m-case-page"][data-state="answered"]').waitFor()
    assert.equal((await m.locator('[data-test="m-case-answer-text"]').innerText()).trim(), ANSWER)
    await m.locator('[data-test="m-rate-form"]').waitFor()
    await m.locator('[data-test="m-rate-satisfied"]').tap()
    await m.locator('textarea[data-test="m-rate-comment"]').fill(RATE_COMMENT)
    await noSideScroll(m, '/m/case/:id (answered)')
    await shot(m, '06-rate')
    await m.locator('[data-test="m-rate-submit"]').tap()
    await m.locator('[data-test="m-case-page"][data-state="closed"]').waitFor()
    await m.locator('[data-test="m-case-rating"][data-rating="satisfied"]').waitFor()
    assert.equal(await m.locator('[data-test="m-rate-form"]').count(), 0, 'no rating form once rated')
    await shot(m, '07-closed')
    // the list shows the case closed
    await m.locator('[data-test="m-tab-cases"]').tap()
    await m.locator(`[data-test="m-case-row"][data-case-id="${id}"] [data-test="m-case-row-state"][data-state="closed"]`).waitFor()
    await noSideScroll(m, '/m/ (after)')

    // sign out on the phone: back to /m/login, and /m/ pages need a session again
    await m.locator('[data-test="m-logout"]').tap()
    await m.locator('.el-message-box__btns .el-button--primary:visible').tap()
    await m.locator('[data-test="m-login-page"]').waitFor()
    assert.match(new URL(m.url()).pathname, /^\/m\/login/)
    await m.goto(`${BASE}/m/case/${id}`)
    await m.locator('[data-test="m-login-page"]').waitFor()
    assert.equal(new URL(m.url()).searchParams.get('redirect'), `/m/case/${id}`)
    checkProblems()

    // ---- the API agrees ----
    stage.name = 'api-check'
    const api = apiOf(phone)
    await api.login('rep1')
    const c = await api.get(`/cases/${id}`)
    assert.equal(c.type, 'suggestion')
    assert.equal(c.state, 'closed')
    assert.equal(c.rating, 'satisfied')
    assert.equal(c.answer, ANSWER)
    assert.equal(c.submitter_id, rep.id)
    assert.equal(c.lead_unit_id, deptUnit.id)
    assert.deepEqual(
      (c.leaders || []).map((l) => l.user_id),
      [leader.id],
      'the case is addressed to the demo leader',
    )
    const actions = (c.timeline || []).map((e) => e.action)
    const flow = ['submit', 'register', 'assign', 'answer', 'rate']
    // the creation of a suggestion is its submission: `submit` (or `create`)
    const steps = actions.map((a) => (a === 'create' ? 'submit' : a)).filter((a) => flow.includes(a))
    assert.deepEqual(steps, flow, `the timeline in order: ${actions.join(' → ')}`)
    const rateEvent = c.timeline.find((e) => e.action === 'rate')
    assert.equal(rateEvent.to, 'closed')
    assert.equal(rateEvent.comment, RATE_COMMENT)
    assert.equal((c.files || []).length, 1, `one file: ${JSON.stringify(c.files)}`)
    const f = c.files[0]
    assert.equal(f.name, 'street.png')
    assert.equal(f.mime, 'image/png')
    assert.equal(Number(f.size), PNG.length)
    const res = await phone.request.get(`${BASE}/api/v1/cases/${id}/files/${f.id}`)
    assert.equal(res.status(), 200)
    assert.match(res.headers()['content-type'] || '', /^image\/png/)
    assert.ok(Buffer.from(await res.body()).equals(PNG), 'the photo is served back byte for byte')
    checkProblems()
  } catch (e) {
    await shot(m, `zz-failure-${stage.name}`).catch(() => {})
    if (d) await shot(d, `zz-failure-${stage.name}-desktop`).catch(() => {})
    if (problems.length) e.message += '\nbrowser problems:\n' + problems.join('\n')
    if (srv) e.message += `\n--- server log tail ---\n${srv.logTail(30)}`
    throw e
  } finally {
    await phone.close()
    await desk.close()
  }
})

// Staff on the desktop case page /cases/{id}: 登记 (confirmed), then 交办 with
// the department chosen as the lead unit in the unit tree of the dialog.
async function staffRegisterAndAssign(d, id, deptUnit) {
  await signIn(d, BASE, 'staff', PASSWORD, '/login')
  await d.locator('[data-test="side-menu"]').waitFor()
  await d.goto(`${BASE}/cases/${id}`)
  await d.locator(`[data-test="case-detail"][data-case-id="${id}"]`).waitFor()
  await d.locator('[data-test="case-state"][data-state="submitted"]').waitFor()
  await d.locator('[data-test="case-title"]', { hasText: TITLE }).waitFor()

  // 登记: no fields, a confirmation
  const register = d.locator('[data-test="case-act-register"]')
  assert.equal((await register.innerText()).trim(), '登记')
  await register.click()
  const box = d.locator('.el-message-box:visible')
  await box.waitFor()
  await box.locator('.el-message-box__btns .el-button--primary').click()
  await d.locator('[data-test="case-state"][data-state="registered"]').waitFor()
  await shot(d, '10-desktop-registered')

  // 交办: the dialog asks for the lead unit
  const assign = d.locator('[data-test="case-act-assign"]')
  assert.equal((await assign.innerText()).trim(), '交办')
  await assign.click()
  const dialog = d.locator('.el-dialog[data-test="case-act-dialog"][data-action="assign"]')
  await dialog.waitFor()
  await dialog.locator('[data-test="act-field-lead_unit_id"] .el-select__wrapper').click()
  const tree = d.locator('.el-popper.el-tree-select__popper:visible')
  await tree.waitFor()
  // the department hangs under the city (the root): expand until it shows
  const target = tree.locator('.el-tree-node__content', { hasText: deptUnit.name }).first()
  for (let i = 0; i < 4 && !(await target.isVisible()); i++) {
    const closed = tree.locator('.el-tree-node__expand-icon:not(.is-leaf):not(.expanded)').first()
    if (!(await closed.count())) break
    await closed.click()
    await d.waitForTimeout(300)
  }
  await target.click()
  await dialog.locator('[data-test="act-field-lead_unit_id"]', { hasText: deptUnit.name }).waitFor()
  await shot(d, '11-desktop-assign')
  await dialog.locator('[data-test="act-submit"]').click()
  await dialog.waitFor({ state: 'hidden' })
  await d.locator('[data-test="case-state"][data-state="assigned"]').waitFor()
  await d.locator('[data-test="case-field-lead_unit"]', { hasText: deptUnit.name }).waitFor()
  await shot(d, '12-desktop-assigned')
}
