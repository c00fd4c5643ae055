// Routes and the guard: not signed in → /login; must change the password →
// /password; a page whose permission the user lacks → home. The menu is
// built from the same route list (meta.menu, meta.perm).
import { createRouter, createWebHistory } from 'vue-router'
import { useSession } from './stores/session.js'
import { safeRedirect } from './util.js'
import MainLayout from './layout/MainLayout.vue'
import LoginView from './views/LoginView.vue'
import { mobileLoginEntry, requireMobileSession } from './mobile/guard.js'

export const routes = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: 'login.title' } },
  {
    path: '/password',
    name: 'password',
    component: () => import('./views/PasswordView.vue'),
    meta: { title: 'password.title' },
  },
  // ---- the phone pages of representatives (/m/): their own sign-in and
  // layout; marked public for the guard below, which would send them to
  // the desktop sign-in page, and checked by mobile/guard.js instead ----
  {
    path: '/m/login',
    name: 'm-login',
    component: () => import('./mobile/MobileLogin.vue'),
    beforeEnter: mobileLoginEntry,
    meta: { public: true, title: 'login.title' },
  },
  {
    path: '/m',
    component: () => import('./mobile/MobileLayout.vue'),
    beforeEnter: requireMobileSession,
    meta: { public: true, mobile: true },
    children: [
      { path: '', name: 'm-cases', component: () => import('./mobile/MyCases.vue'), meta: { mTitle: 'm.tabs.cases' } },
      { path: 'new', name: 'm-new', component: () => import('./mobile/NewCase.vue'), meta: { mTitle: 'm.new.pageTitle' } },
      {
        path: 'case/:id(\\d+)',
        name: 'm-case',
        component: () => import('./mobile/CaseView.vue'),
        meta: { mTitle: 'm.case.pageTitle', mBack: true },
      },
      { path: 'notices', name: 'm-notices', component: () => import('./mobile/Notices.vue'), meta: { mTitle: 'm.tabs.notices' } },
      { path: ':pathMatch(.*)*', redirect: '/m/' },
    ],
  },
  // ---- end of the phone pages ----
  {
    path: '/',
    component: MainLayout,
    children: [
      {
        path: '',
        name: 'home',
        component: () => import('./views/HomeView.vue'),
        meta: { title: 'menu.home', icon: 'HomeFilled' },
      },
      {
        path: 'records/:entity',
        name: 'records',
        component: () => import('./views/RecordListView.vue'),
        meta: { perm: (to) => `${to.params.entity}:read`, group: 'work', entityTitle: true },
      },
      {
        path: 'records/:entity/import',
        name: 'record-import',
        component: () => import('./views/ImportView.vue'),
        meta: {
          perm: (to) => [`${to.params.entity}:import`, `${to.params.entity}:create`],
          group: 'work',
          entityTitle: true,
          sub: 'import.crumb',
        },
      },
      {
        path: 'records/:entity/:id(\\d+)',
        name: 'record',
        component: () => import('./views/RecordDetailView.vue'),
        meta: { perm: (to) => `${to.params.entity}:read`, group: 'work', entityTitle: true, sub: 'records.detail' },
      },
      {
        path: 'grid',
        name: 'grid',
        component: () => import('./views/GridView.vue'),
        meta: { title: 'menu.grid', perm: 'grid_post:read', group: 'work', icon: 'Share' },
      },
      {
        path: 'units',
        name: 'units',
        component: () => import('./views/UnitsView.vue'),
        meta: { title: 'menu.units', perm: 'unit:read', group: 'org', icon: 'OfficeBuilding' },
      },
      {
        path: 'users',
        name: 'users',
        component: () => import('./views/UsersView.vue'),
        meta: { title: 'menu.users', perm: 'user:read', group: 'system', icon: 'User' },
      },
      {
        path: 'roles',
        name: 'roles',
        component: () => import('./views/RolesView.vue'),
        meta: { title: 'menu.roles', perm: 'role:read', group: 'system', icon: 'Avatar' },
      },
      {
        path: 'dicts',
        name: 'dicts',
        component: () => import('./views/DictsView.vue'),
        meta: { title: 'menu.dicts', group: 'system', icon: 'Collection' },
      },
      {
        path: 'audit',
        name: 'audit',
        component: () => import('./views/AuditView.vue'),
        meta: { title: 'menu.audit', perm: 'audit:read', group: 'system', icon: 'Document' },
      },
      // ---- 案件办理 (docs/cases.md): inbox, list, figures, one case ----
      { path: 'cases', redirect: '/cases/inbox' },
      {
        path: 'cases/inbox',
        name: 'case-inbox',
        component: () => import('./views/CaseInboxView.vue'),
        meta: { title: 'cases.menu.inbox', icon: 'Bell' },
      },
      {
        path: 'cases/list',
        name: 'case-list',
        component: () => import('./views/CaseListView.vue'),
        meta: { title: 'cases.menu.list', perm: ['case:read', 'case:submit', 'case:handle'], icon: 'Tickets' },
      },
      {
        path: 'cases/figures',
        name: 'case-figures',
        component: () => import('./views/CaseFiguresView.vue'),
        meta: { title: 'cases.menu.figures', perm: 'case:read', icon: 'DataAnalysis' },
      },
      {
        path: 'cases/:id(\\d+)',
        name: 'case',
        component: () => import('./views/CaseDetailView.vue'),
        meta: { title: 'cases.menu.detail' },
      },
      // ---- end of 案件办理 ----
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('./views/NotFoundView.vue'),
        meta: { title: 'notFound.title' },
      },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

// meta.perm: a permission, or a function of the route giving one or a list
// of which any will do (the record pages: "<entity>:read").
function allowed(session, to) {
  let p = to.meta.perm
  if (typeof p === 'function') p = p(to)
  return Array.isArray(p) ? p.some((x) => session.can(x)) : session.can(p)
}

router.beforeEach(async (to) => {
  const session = useSession()
  if (!session.loaded) {
    try {
      await session.load()
    } catch {
      // server unreachable or failing: show the sign-in page, which reports it
      session.clear()
    }
  }
  if (to.meta.public) {
    if (session.signedIn && to.name === 'login')
      return session.mustChangePassword ? { name: 'password' } : safeRedirect(to.query.redirect)
    return true
  }
  if (!session.signedIn) {
    const q = to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {}
    return { name: 'login', query: q }
  }
  if (session.mustChangePassword && to.name !== 'password') return { name: 'password' }
  if (to.meta.perm && !allowed(session, to)) return { name: 'home' }
  return true
})
