// api.js — the one HTTP client of the UI (see docs/api.md).
//
// Every call goes to the same origin with the session cookie; the token is
// never stored by the UI. Non-GET requests carry `X-Tongxin-CSRF: 1`. Error
// answers are parsed from the envelope {"error":{code,message,fields}} into an
// ApiError. A 401 sends the user to the sign-in page and a 403
// `auth.password_change_required` to the password page, through handlers
// that main.js installs (so this module does not import the router).

export const API_BASE = '/api/v1'

export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message || code || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.code = code || ''
    this.fields = fields || null
  }
}

// The UI language, sent as Accept-Language: the server answers its error
// messages in Chinese, or in English for "en".
let language = 'zh-CN'
export function setApiLanguage(lang) {
  language = lang
}

const handlers = {
  onUnauthorized: null, // (err) => void
  onPasswordChange: null, // (err) => void
}

export function setApiHandlers(h) {
  Object.assign(handlers, h)
}

function buildUrl(path, query) {
  let url = path.startsWith('/api/') || path.startsWith('/healthz') ? path : API_BASE + path
  if (query) {
    const qs = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue
      qs.append(k, String(v))
    }
    const s = qs.toString()
    if (s) url += (url.includes('?') ? '&' : '?') + s
  }
  return url
}

// request(method, path, { body, query, quiet }) → parsed JSON or null.
// quiet: do not run the 401 / password-change redirects (the sign-in form
// and the first /me probe handle those answers themselves).
export async function request(method, path, opts = {}) {
  const { body, query, quiet = false } = opts
  const headers = { Accept: 'application/json', 'Accept-Language': language }
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' }
  if (method !== 'GET' && method !== 'HEAD') headers['X-Tongxin-CSRF'] = '1'
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  let res
  try {
    res = await fetch(buildUrl(path, query), init)
  } catch (e) {
    throw new ApiError(0, 'network', e && e.message ? e.message : 'network error')
  }
  let data = null
  const text = res.status === 204 ? '' : await res.text()
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (res.ok) return data
  const env = data && data.error ? data.error : {}
  const err = new ApiError(res.status, env.code || `http.${res.status}`, env.message || res.statusText, env.fields)
  if (!quiet) {
    if (res.status === 401 && handlers.onUnauthorized) handlers.onUnauthorized(err)
    else if (res.status === 403 && err.code === 'auth.password_change_required' && handlers.onPasswordChange)
      handlers.onPasswordChange(err)
  }
  throw err
}

// Error envelope of a failed fetch Response → ApiError (and the same 401 /
// password-change redirects as request()).
async function failure(res, quiet) {
  let data = null
  try {
    const text = await res.text()
    data = text ? JSON.parse(text) : null
  } catch {
    data = null
  }
  const env = data && data.error ? data.error : {}
  const err = new ApiError(res.status, env.code || `http.${res.status}`, env.message || res.statusText, env.fields)
  if (!quiet) {
    if (res.status === 401 && handlers.onUnauthorized) handlers.onUnauthorized(err)
    else if (res.status === 403 && err.code === 'auth.password_change_required' && handlers.onPasswordChange)
      handlers.onPasswordChange(err)
  }
  return err
}

// The media type of an uploaded file: the browser's, or from the name.
export function fileType(file) {
  if (file && file.type) return file.type
  const name = String((file && file.name) || '').toLowerCase()
  if (name.endsWith('.xlsx')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
  if (name.endsWith('.csv')) return 'text/csv'
  if (name.endsWith('.png')) return 'image/png'
  if (name.endsWith('.jpg') || name.endsWith('.jpeg')) return 'image/jpeg'
  return 'application/octet-stream'
}

// POST (or PUT) a file as the raw request body (Content-Type: the file's
// type) → parsed JSON. Used by the import wizard and the person photo.
export async function upload(path, file, query, method = 'POST') {
  const headers = {
    Accept: 'application/json',
    'Accept-Language': language,
    'X-Tongxin-CSRF': '1',
    'Content-Type': fileType(file),
  }
  let res
  try {
    res = await fetch(buildUrl(path, query), { method, headers, body: file, credentials: 'same-origin', cache: 'no-store' })
  } catch (e) {
    throw new ApiError(0, 'network', e && e.message ? e.message : 'network error')
  }
  if (!res.ok) throw await failure(res)
  const text = res.status === 204 ? '' : await res.text()
  try {
    return text ? JSON.parse(text) : null
  } catch {
    return null
  }
}

// GET a file (template, export) and hand it to the browser as a download.
// The name comes from Content-Disposition, else `fallbackName`.
export async function download(path, query, fallbackName = 'download') {
  let res
  try {
    res = await fetch(buildUrl(path, query), {
      headers: { 'Accept-Language': language },
      credentials: 'same-origin',
      cache: 'no-store',
    })
  } catch (e) {
    throw new ApiError(0, 'network', e && e.message ? e.message : 'network error')
  }
  if (!res.ok) throw await failure(res)
  const blob = await res.blob()
  let name = fallbackName
  const cd = res.headers.get('Content-Disposition') || ''
  const star = /filename\*\s*=\s*(?:UTF-8'[^']*')?([^;]+)/i.exec(cd)
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(cd)
  try {
    if (star) name = decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    else if (plain) name = plain[1].trim()
  } catch {
    /* keep the fallback */
  }
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return name
}

export const api = {
  get: (path, query, opts) => request('GET', path, { ...opts, query }),
  post: (path, body, opts) => request('POST', path, { ...opts, body }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
}

// A list answer is {items, next}; some small lists may be a bare array.
export function itemsOf(data) {
  if (Array.isArray(data)) return data
  if (data && Array.isArray(data.items)) return data.items
  return []
}

// Fetch every page of a list (bounded: at most `maxPages` requests).
export async function getAll(path, query = {}, maxPages = 20) {
  const out = []
  let after
  for (let i = 0; i < maxPages; i++) {
    const data = await api.get(path, { ...query, limit: query.limit || 500, after })
    out.push(...itemsOf(data))
    after = data && data.next
    if (!after) break
  }
  return out
}
