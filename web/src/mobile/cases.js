// cases.js — what the phone pages (/m/) share: labels of case types, states,
// actions and ratings (docs/cases.md), dates from Unix seconds, the upload of
// a photo to a case, and the count of unread notices shown on the tab bar.
import { reactive, ref } from 'vue'
import { api, itemsOf, upload, fileType } from '../api.js'
import { i18n, t, te } from '../i18n/index.js'

// The two types a representative writes from the phone.
export const PHONE_TYPES = ['suggestion', 'proposal']

// Ratings of `rate`, best first.
export const RATINGS = ['satisfied', 'basic', 'unsatisfied']

// Actions the phone pages offer as buttons (anything else is the office's
// or a handler's and is done on the desktop pages).
export const PHONE_ACTIONS = ['sign', 'submit', 'withdraw', 'rate']

// Photos: what the server accepts for images (checked by content there).
export const IMAGE_TYPES = ['image/jpeg', 'image/png']
export const MAX_FILE = 10 * 1024 * 1024

// Terminal states (docs/cases.md).
const TERMINAL = new Set(['closed', 'not_registered', 'merged', 'withdrawn'])

function label(key, fallback) {
  return te(key) ? t(key) : fallback
}

// ---- GET /case_types, loaded once: the server's names of types, states
// and actions per type ({code, name, name_en}); the i18n block `m` is the
// fallback (and the English wording) ----
const flows = reactive({ types: null })
let flowsLoading = null

export function loadCaseTypes() {
  if (flows.types) return Promise.resolve(flows.types)
  if (!flowsLoading)
    flowsLoading = api
      .get('/case_types')
      .then((data) => {
        const out = {}
        for (const ty of itemsOf(data)) {
          const code = ty && (ty.code || ty.type)
          if (!code) continue
          const states = {}
          for (const st of ty.states || []) if (st && st.code) states[st.code] = st
          const actions = {}
          for (const tr of ty.transitions || []) if (tr && tr.action && !actions[tr.action]) actions[tr.action] = tr
          out[code] = { raw: ty, states, actions }
        }
        flows.types = out
        return out
      })
      .catch(() => {
        flowsLoading = null // the i18n labels do; try again on the next page
        return null
      })
  return flowsLoading
}

const isEn = () => i18n.global.locale.value === 'en'

// A server name ({name, name_en}) or the i18n label by key.
function named(obj, key, fallback) {
  if (obj && !isEn() && obj.name) return obj.name
  if (te(key)) return t(key)
  if (obj) return (isEn() ? obj.name_en : obj.name) || obj.name || fallback
  return fallback
}

export function typeLabel(type) {
  const ty = flows.types && flows.types[type]
  return named(ty && ty.raw, `m.types.${type}`, type || '')
}

// A state's name within its type (the same code may read differently:
// 不予立案 for a proposal, 不予登记 for a suggestion).
export function stateLabel(state, type) {
  const ty = flows.types && flows.types[type]
  return named(ty && ty.states[state], `m.states.${state}`, state || '')
}

// The tag colour of a state: done green, refused grey, waiting for the
// submitter orange, in progress blue.
export function stateTag(state) {
  if (state === 'closed' || state === 'answered' || state === 'solved') return 'success'
  if (TERMINAL.has(state)) return 'info'
  if (state === 'draft') return 'warning'
  return 'primary'
}

// An action's name within its type (登记 / 立案 / 受理 …).
export function actionLabel(action, type) {
  const ty = flows.types && flows.types[type]
  const byType = `m.actionsBy.${type}.${action}`
  if (type && te(byType) && (isEn() || !ty || !ty.actions[action])) return t(byType)
  return named(ty && ty.actions[action], `m.actions.${action}`, action || '')
}

export function ratingLabel(rating) {
  return label(`m.ratings.${rating}`, rating || '')
}

const pad = (n) => String(n).padStart(2, '0')

// Unix seconds (or an ISO string) → Date, or null.
function toDate(v) {
  if (v === null || v === undefined || v === '') return null
  const d = typeof v === 'number' ? new Date(v * 1000) : /^\d+$/.test(String(v)) ? new Date(Number(v) * 1000) : new Date(v)
  return Number.isNaN(d.getTime()) ? null : d
}

// "YYYY-MM-DD" in local time; a date string is shown as it is.
export function fmtDate(v) {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v
  const d = toDate(v)
  return d ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` : ''
}

// "YYYY-MM-DD HH:mm" in local time.
export function fmtDateTime(v) {
  const d = toDate(v)
  return d ? `${fmtDate(v)} ${pad(d.getHours())}:${pad(d.getMinutes())}` : ''
}

// The date a case is listed under: submitted, else created.
export function caseDate(c) {
  return fmtDate((c && (c.submitted_at || c.created_at)) || null)
}

export function isImage(f) {
  return !!f && /^image\//.test(String(f.mime || f.type || ''))
}

export function fileUrl(caseId, fileId) {
  return `/api/v1/cases/${caseId}/files/${fileId}`
}

// POST /cases/{id}/files?name=<file name>, the raw file as the body with its
// type as Content-Type (api.js upload adds X-Tongxin-CSRF) → {id, name, mime, size}.
export function uploadCaseFile(caseId, file) {
  return upload(`/cases/${caseId}/files`, file, { name: file.name || 'photo' + extOf(file) })
}

function extOf(file) {
  const type = fileType(file)
  return type === 'image/png' ? '.png' : type === 'image/jpeg' ? '.jpg' : ''
}

// The number of unread notices (the badge of the 消息 tab), refreshed by
// the layout on every page change and by the notices page.
export const unreadNotices = ref(0)

export async function refreshUnread() {
  try {
    const data = await api.get('/notices', { unread: 1, limit: 1 })
    unreadNotices.value = Number((data && data.unread) || 0)
  } catch {
    /* the badge is not worth an error message */
  }
  return unreadNotices.value
}
