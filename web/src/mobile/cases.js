// cases.js — what the phone pages (/m/) share: labels of case types, states,
// actions and ratings (docs/cases.md), dates from Unix seconds, the upload of
// a photo to a case, and the count of unread notices shown on the tab bar.
import { ref } from 'vue'
import { api, itemsOf, upload, fileType } from '../api.js'
import { TERMINAL, dictLabel, ensureCaseTypes, fmtTs } from '../cases.js'

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

// Types, states, actions and ratings are named as on the desktop pages
// (web/src/cases.js: the server's /case_types names, then /meta, then the
// `cases` i18n block); the phone pages name a state or action with the
// case's type first, as there.
export { typeLabel, stateLabel, actionLabel } from '../cases.js'
export const loadCaseTypes = () => ensureCaseTypes().catch(() => null)
export const ratingLabel = (rating) => dictLabel('rating', rating)

// The tag colour of a state: done green, refused grey, waiting for the
// submitter orange, in progress blue.
export function stateTag(state) {
  if (state === 'closed' || state === 'answered' || state === 'solved') return 'success'
  if (TERMINAL.has(state)) return 'info'
  if (state === 'draft') return 'warning'
  return 'primary'
}

// "YYYY-MM-DD" and "YYYY-MM-DD HH:mm" in local time.
export const fmtDate = (v) => fmtTs(v, false)
export const fmtDateTime = (v) => fmtTs(v)

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
