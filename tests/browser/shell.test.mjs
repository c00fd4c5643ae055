// Browser test of the web UI shell against a running `tongxin serve`.
//
// Env: TONGXIN_URL (e.g. http://127.0.0.1:18080), TONGXIN_TEST_USER and
// TONGXIN_TEST_PASSWORD (a dept_staff account that may create units under
// the city), optional TONGXIN_ARTIFACTS (screenshots go there) and
// CHROMIUM (default /usr/bin/chromium, Debian's package).
//
// Flow: sign in → 单位管理 → select the root → create a town → find it with
// the search box → see it in the tree and the details → sign out → the
// sign-in page again. Console errors, page errors, CSP violations and
// requests to other origins fail the test.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ENV_BASE as BASE, ENV_PASSWORD as PASSWORD, USER, launch, newContext, openSignIn, shot, submitSignIn } from './lib.mjs'

test(
  'sign in, create a town under the root, find it in the tree, sign out',
  { timeout: 60_000, skip: BASE ? false : 'TONGXIN_URL is not set' },
  async () => {
    assert.ok(PASSWORD, 'TONGXIN_TEST_PASSWORD must be set')
    const browser = await launch()
    const problems = []
    let page
    try {
      const context = await newContext(browser, BASE, problems, { viewport: { width: 1366, height: 820 } })
      page = await context.newPage()

      // ---- sign in ----
      await openSignIn(page, BASE + '/')
      assert.match(new URL(page.url()).pathname, /^\/login/)
      await shot(page, '01-login')
      await submitSignIn(page, USER, PASSWORD)
      await page.locator('[data-test="current-user"]').waitFor()

      // ---- units page, select the root ----
      await page.locator('[data-test="menu-units"]').click()
      await page.locator('[data-test="units-page"]').waitFor()
      const root = page.locator('[data-test="unit-tree"] [data-test="unit-node"]').first()
      await root.waitFor()
      const rootId = await root.getAttribute('data-unit-id')
      const rootName = await root.getAttribute('data-unit-name')
      await root.click()
      const detail = page.locator(`[data-test="unit-detail"][data-unit-id="${rootId}"]`)
      await detail.waitFor()
      await assertText(page.locator('[data-test="unit-detail-name"]'), rootName)

      // ---- create a town ----
      const name = `测试镇${Date.now()}`
      await page.locator('[data-test="unit-create-child"]').click()
      const dialog = page.locator('.el-dialog[data-test="unit-dialog"]')
      await dialog.waitFor()
      await dialog.locator('input[data-test="unit-form-name"]').fill(name)
      await dialog.locator('[data-test="unit-form-kind"]').click()
      await page.locator('[data-test="unit-kind-town"]:visible').click()
      await shot(page, '02-create-dialog')
      await dialog.locator('[data-test="unit-form-submit"]').click()
      await dialog.waitFor({ state: 'hidden' })
      // the new unit appears among the root's children
      await page.locator('[data-test="unit-children-table"] [data-test="unit-child-name"]', { hasText: name }).waitFor()

      // ---- find it with the search box ----
      await page.locator('input[data-test="unit-search"]').fill(name)
      await page.locator('input[data-test="unit-search"]').press('Enter')
      const hit = page.locator(`[data-test="unit-search-result"][data-unit-name="${name}"]`)
      await hit.waitFor()
      await hit.click()
      const node = page.locator(`[data-test="unit-tree"] [data-test="unit-node"][data-unit-name="${name}"]`)
      await node.waitFor({ state: 'visible' })
      assert.ok(await node.isVisible(), 'the new town is visible in the tree')
      const newId = await node.getAttribute('data-unit-id')
      await page.locator(`[data-test="unit-detail"][data-unit-id="${newId}"]`).waitFor()
      await assertText(page.locator('[data-test="unit-detail-name"]'), name)
      // it is the tree's current node
      const current = page.locator('[data-test="unit-tree"] .el-tree-node.is-current > .el-tree-node__content [data-test="unit-node"]')
      assert.equal(await current.getAttribute('data-unit-name'), name)
      await shot(page, '03-units')

      // ---- sign out ----
      await page.locator('[data-test="user-menu-trigger"]').click()
      await page.locator('[data-test="logout"]:visible').click()
      await page.locator('[data-test="login-page"]').waitFor()
      assert.match(new URL(page.url()).pathname, /^\/login/)
      await page.locator('input[data-test="login-username"]').waitFor()
      await shot(page, '04-signed-out')

      // the session is really gone: the app shell answers with the sign-in page
      await page.goto(BASE + '/units')
      await page.locator('[data-test="login-page"]').waitFor()

      assert.deepEqual(problems, [], 'no console errors, CSP violations or foreign requests')
    } catch (e) {
      if (page) await shot(page, 'zz-failure').catch(() => {})
      if (problems.length) e.message += '\nbrowser problems:\n' + problems.join('\n')
      throw e
    } finally {
      await browser.close()
    }
  },
)

async function assertText(locator, expected) {
  await locator.waitFor()
  for (let i = 0; i < 50; i++) {
    if ((await locator.innerText()).trim() === expected) return
    await new Promise((r) => setTimeout(r, 100))
  }
  assert.equal((await locator.innerText()).trim(), expected)
}
