// util.js — small helpers shared by the pages.

const pad = (n) => String(n).padStart(2, '0')

// ISO 8601 UTC → local "YYYY-MM-DD HH:mm:ss"; anything else is shown as is.
export function fmtTime(iso) {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return String(iso)
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  )
}

// The password policy of docs/api.md: ≥ 8 characters and at least three of
// the four classes upper, lower, digit, symbol.
export function passwordChecks(pw) {
  const s = pw || ''
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(s)).length
  return { length: [...s].length >= 8, classes: classes >= 3 }
}

export function passwordOk(pw) {
  const c = passwordChecks(pw)
  return c.length && c.classes
}

// Ids of the ancestors of a unit from its materialised path "/1/5/9/"
// (the unit's own id last), as numbers.
export function pathIds(path) {
  return String(path || '')
    .split('/')
    .filter(Boolean)
    .map((x) => Number(x))
    .filter((x) => Number.isFinite(x))
}

// A local path to return to after sign-in; refuses anything else.
export function safeRedirect(p) {
  if (typeof p !== 'string' || !p.startsWith('/') || p.startsWith('//') || p.startsWith('/\\')) return '/'
  if (p.startsWith('/login')) return '/'
  return p
}
