// errors.js — turn an ApiError into a message for the user, and field
// errors into the form's error slots.
import { ElMessage } from 'element-plus'
import { t, te } from './i18n/index.js'

// The server localises its messages (Accept-Language, see api.js) and they
// are the most specific, so they are shown first; the local text by code is
// the fallback (no message, no connection, or a proxy's error page).
const LOCAL_ONLY = new Set(['network'])

export function errorKey(code) {
  return 'errors.' + String(code || 'unknown').replace(/\./g, '_')
}

export function errorText(err) {
  if (!err) return t('errors.unknown')
  const key = errorKey(err.code)
  const local = te(key) ? t(key) : ''
  if (LOCAL_ONLY.has(err.code) && local) return local
  const server = err.message && err.message !== err.code && !/^HTTP \d+$/.test(err.message) ? err.message : ''
  return server || local || t('errors.unknown')
}

export function showError(err) {
  // 401 and the password-change answer already navigate away
  if (err && (err.status === 401 || err.code === 'auth.password_change_required')) return
  ElMessage.error({ message: errorText(err), grouping: true })
}

// Copy err.fields into a reactive {field: message} object (cleared first).
export function applyFieldErrors(target, err) {
  for (const k of Object.keys(target)) delete target[k]
  if (err && err.fields) for (const [k, v] of Object.entries(err.fields)) target[k] = String(v)
  return !!(err && err.fields && Object.keys(err.fields).length)
}
