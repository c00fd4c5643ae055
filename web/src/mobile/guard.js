// guard.js — the sign-in checks of the phone pages (/m/). Their routes are
// marked public for the global guard of router.js (which would send them to
// the desktop sign-in page) and check here instead, in `beforeEnter`: not
// signed in → /m/login, password to change → /password (as everywhere).
import { useSession } from '../stores/session.js'

// A /m/ path to return to after sign-in; anything else → /m/.
export function mobileRedirect(p) {
  if (typeof p !== 'string' || !/^\/m(\/|$)/.test(p) || p.startsWith('/m/login')) return '/m/'
  return p
}

async function loaded() {
  const session = useSession()
  if (!session.loaded) {
    try {
      await session.load()
    } catch {
      session.clear()
    }
  }
  return session
}

// beforeEnter of the phone layout.
export async function requireMobileSession(to) {
  const session = await loaded()
  if (!session.signedIn) {
    const q = to.fullPath && to.fullPath !== '/m/' && to.fullPath !== '/m' ? { redirect: to.fullPath } : {}
    return { name: 'm-login', query: q }
  }
  if (session.mustChangePassword) return { name: 'password', query: { forced: '1', next: '/m/' } }
  return true
}

// beforeEnter of /m/login: someone signed in goes on.
export async function mobileLoginEntry(to) {
  const session = await loaded()
  if (!session.signedIn) return true
  if (session.mustChangePassword) return { name: 'password', query: { forced: '1', next: '/m/' } }
  return mobileRedirect(to.query.redirect)
}

// A session that ends while a phone page is open: api.js (through main.js)
// sends the user to the desktop sign-in page; this guard, installed once by
// the phone layout, sends them to /m/login instead, and keeps them there
// when more requests of the page answer 401 after it.
let installed = false
export function keepSignInOnPhone(router) {
  if (installed) return
  installed = true
  router.beforeEach((to, from) => {
    if (to.name !== 'login') return true
    const r = typeof to.query.redirect === 'string' ? to.query.redirect : ''
    const fromPhone = /^\/m(\/|$)/.test(from.path)
    if (!fromPhone && !/^\/m(\/|$)/.test(r)) return true
    if (from.name === 'm-login') return false // already there
    const back = mobileRedirect(r)
    return { name: 'm-login', query: back !== '/m/' ? { redirect: back } : {} }
  })
}
