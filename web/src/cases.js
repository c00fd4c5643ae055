// cases.js — what the case pages (案件办理: inbox, list, detail, figures)
// share: GET /case_types (states and transitions of the five flows, see
// docs/cases.md) loaded once, labels of types, states, actions and the
// small dictionaries (from GET /meta, else /case_types, else the built-in
// Chinese / English labels of the cases i18n block), dates, the overdue
// class and the fields an action's dialog asks for.
import { reactive } from 'vue'
import { api } from './api.js'
import { i18n } from './i18n/index.js'
import { useMeta } from './stores/meta.js'

export const CASE_TYPES = ['suggestion', 'proposal', 'enterprise_request', 'petition', 'mediation']
export const TERMINAL = new Set(['closed', 'not_registered', 'merged', 'withdrawn'])
// The dictionaries of GET /meta the case pages use (with built-in fallbacks).
export const DICT = {
  type: 'case_type',
  state: 'case_state',
  mode: 'handling_mode',
  result: 'result_class',
  rating: 'rating',
  reason: 'not_registered_reason',
  channel: 'case_channel',
}
const FALLBACK_KEY = {
  case_type: 'types',
  case_state: 'states',
  handling_mode: 'modes',
  result_class: 'results',
  rating: 'ratings',
  case_channel: 'channels',
}
// Built-in values when a dictionary is missing (labels: cases.<block>.<value>).
const FALLBACK_VALUES = {
  case_type: CASE_TYPES,
  handling_mode: ['single', 'separate', 'joint'],
  result_class: ['A', 'B', 'C'],
  rating: ['satisfied', 'basic', 'unsatisfied'],
  case_channel: ['visit', 'online', 'hotline', 'leader_visit'],
  not_registered_reason: [],
}

const en = () => i18n.global.locale.value === 'en'
const t = (...a) => i18n.global.t(...a)
const te = (k) => i18n.global.te(k)

// The label /case_types gives a type, state or transition ({name, name_en}).
function ownLabel(raw) {
  if (!raw || typeof raw !== 'object') return ''
  const zh = raw.name || raw.label_zh || raw.name_zh || raw.label
  const e = raw.name_en || raw.label_en
  if (en() && e) return e.charAt(0).toUpperCase() + e.slice(1)
  return zh || e || ''
}

// ---- GET /case_types, normalised ----
// type: {code, label, prefix, states: {code: {code, label, terminal}},
//        transitions: {action: {action, label, from[], to, roles[], requires[], quiet}},
//        createFields[]}
const store = reactive({ types: null, raw: null })
let loading = null

const codeOf = (x) => (typeof x === 'string' ? x : x && (x.code || x.type || x.name || x.value || x.action || x.state))
const listOf = (v) => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.entries(v).map(([k, x]) => (x && typeof x === 'object' ? { code: k, ...x } : { code: k, label: x })) : [])
const strList = (v) => (Array.isArray(v) ? v.map(codeOf).filter(Boolean) : typeof v === 'string' && v ? v.split(/[,\s]+/).filter(Boolean) : [])

function normType(x) {
  const code = codeOf(x)
  const states = {}
  for (const s of listOf(x.states)) {
    const c = codeOf(s)
    if (c) states[c] = { code: c, raw: s, terminal: !!(s && s.terminal) || TERMINAL.has(c) }
  }
  const transitions = {}
  for (const tr of listOf(x.transitions || x.actions)) {
    const a = tr.action || tr.code || tr.name
    if (!a) continue
    const from = strList(tr.from)
    const prev = transitions[a]
    transitions[a] = {
      action: a,
      raw: tr,
      from: prev ? [...new Set([...prev.from, ...from])] : from,
      to: tr.to || '',
      roles: strList(tr.who || tr.roles),
      requires: prev ? [...new Set([...prev.requires, ...strList(tr.requires)])] : strList(tr.requires),
      quiet: !!tr.quiet,
    }
  }
  return {
    code,
    raw: x,
    prefix: x.prefix || '',
    first: x.initial || x.first_state || '',
    states,
    transitions,
    createFields: strList(x.create || x.create_fields),
  }
}

export async function ensureCaseTypes(force = false) {
  if (store.types && !force) return store.types
  if (!loading)
    loading = api
      .get('/case_types')
      .then((data) => {
        store.raw = data
        const list = Array.isArray(data) ? data : Array.isArray(data && data.items) ? data.items : Array.isArray(data && data.types) ? data.types : listOf(data)
        const out = {}
        for (const x of list) {
          const n = normType(x)
          if (n.code) out[n.code] = n
        }
        store.types = out
        return out
      })
      .finally(() => (loading = null))
  return loading
}

export const caseTypes = () => store.types || {}
export const caseType = (type) => (store.types && store.types[type]) || null
export function typeCodes() {
  const have = Object.keys(caseTypes())
  return have.length ? have : CASE_TYPES
}

// ---- dictionaries: /meta, then /case_types, then built in ----
function fallbackLabel(code, value) {
  const block = FALLBACK_KEY[code]
  const k = block ? `cases.${block}.${value}` : ''
  return k && te(k) ? t(k) : ''
}

// [{value, label}] of a case dictionary.
export function dictOptions(code) {
  const meta = useMeta()
  const items = meta.dictItems(code)
  if (items.length) return items.map((it) => ({ value: it.value, label: meta.itemLabel(it) }))
  if (code === 'case_type') return typeCodes().map((v) => ({ value: v, label: typeLabel(v) }))
  if (code === 'case_state') return allStates().map((v) => ({ value: v, label: stateLabel(null, v) }))
  return (FALLBACK_VALUES[code] || []).map((v) => ({ value: v, label: fallbackLabel(code, v) || v }))
}

export function dictLabel(code, value) {
  if (value === null || value === undefined || value === '') return ''
  const meta = useMeta()
  const it = meta.dictItems(code).find((x) => String(x.value) === String(value))
  if (it) return meta.itemLabel(it)
  return fallbackLabel(code, value) || String(value)
}

export function typeLabel(type) {
  if (!type) return ''
  const meta = useMeta()
  const it = meta.dictItems('case_type').find((x) => x.value === type)
  if (it) return meta.itemLabel(it)
  const ct = caseType(type)
  return (ct && ownLabel(ct.raw)) || fallbackLabel('case_type', type) || type
}

// The state's label as its own flow names it (a registered proposal is
// 已立案, a registered suggestion 已登记), else the case_state dictionary.
export function stateLabel(type, state) {
  if (!state) return ''
  const ct = type ? caseType(type) : null
  const s = ct && ct.states[state]
  const own = s && ownLabel(s.raw)
  if (own) return own
  const meta = useMeta()
  const it = meta.dictItems('case_state').find((x) => x.value === state)
  if (it) return meta.itemLabel(it)
  // no type: the generic label, else the first flow's
  const generic = fallbackLabel('case_state', state)
  if (generic) return generic
  for (const x of Object.values(caseTypes())) {
    const o = x.states[state]
    const l = o && ownLabel(o.raw)
    if (l) return l
  }
  return state
}

// Every state code of the given type (or of all types, in flow order).
export function allStates(type) {
  const types = type ? [caseType(type)].filter(Boolean) : Object.values(caseTypes())
  const out = []
  for (const x of types) for (const s of Object.keys(x.states)) if (!out.includes(s)) out.push(s)
  if (!out.length) return Object.keys(i18n.global.getLocaleMessage('zh-CN').cases.states)
  return out
}

export function stateOptions(type) {
  if (!type) {
    const meta = useMeta()
    const items = meta.dictItems('case_state')
    if (items.length) return items.map((it) => ({ value: it.value, label: meta.itemLabel(it) }))
  }
  return allStates(type).map((s) => ({ value: s, label: stateLabel(type, s) }))
}

export function transition(type, action) {
  const ct = caseType(type)
  return (ct && ct.transitions[action]) || null
}

export function actionLabel(type, action) {
  if (!action) return ''
  const tr = transition(type, action)
  const own = tr && ownLabel(tr.raw)
  if (own) return own
  const k = `cases.actions.${action}`
  return te(k) ? t(k) : action
}

// A tag colour for a state.
export function stateTagType(state) {
  if (state === 'closed') return 'success'
  if (state === 'not_registered' || state === 'withdrawn' || state === 'merged') return 'info'
  if (state === 'answered' || state === 'replied' || state === 'solved') return 'success'
  if (state === 'draft') return 'info'
  if (/requested$/.test(state || '')) return 'warning'
  return 'primary'
}

export const isOverdue = (c) => !!(c && c.overdue)
export const overdueClass = (c) => (isOverdue(c) ? 'tx-case-overdue' : '')

// Unix seconds (or an ISO string) → "YYYY-MM-DD HH:mm".
const pad = (n) => String(n).padStart(2, '0')
export function fmtTs(v, withTime = true) {
  if (v === null || v === undefined || v === '' || v === 0) return ''
  // a date (a deadline) is a day already: parsing it as UTC could move it
  if (!withTime && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v
  const d = typeof v === 'number' || /^\d+$/.test(String(v)) ? new Date(Number(v) * 1000) : new Date(v)
  if (Number.isNaN(d.getTime())) return String(v)
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
  return withTime ? `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}` : day
}

// A rate (0‥1; null when nothing to divide by) → "87.5%".
export function fmtRate(v) {
  if (v === null || v === undefined || v === '' || Number.isNaN(Number(v))) return '—'
  return `${Math.round(Number(v) * 1000) / 10}%`
}

// ---- the dialog of an action: the fields its transition requires ----
// Each: {name, kind, required, dict?} — kind: textarea | select | unit |
// units | radio | number. `co_unit_ids` is asked with `mode` when the mode
// is separate or joint (see showField).
const FIELD_KINDS = {
  comment: { kind: 'textarea' },
  reason: { kind: 'select', dict: DICT.reason },
  mode: { kind: 'radio', dict: DICT.mode },
  lead_unit_id: { kind: 'unit' },
  co_unit_ids: { kind: 'units' },
  result_class: { kind: 'radio', dict: DICT.result },
  answer: { kind: 'textarea' },
  rating: { kind: 'radio', dict: DICT.rating },
  merge_into: { kind: 'number' },
}
const ORDER = ['mode', 'lead_unit_id', 'co_unit_ids', 'result_class', 'rating', 'reason', 'merge_into', 'answer', 'comment']

export function actionFields(type, action, requires) {
  const req = requires && requires.length ? requires : (transition(type, action) || {}).requires || []
  const names = new Set(req.filter((n) => FIELD_KINDS[n]))
  if (names.has('mode')) names.add('co_unit_ids')
  return ORDER.filter((n) => names.has(n)).map((n) => ({
    name: n,
    ...FIELD_KINDS[n],
    required: n === 'co_unit_ids' ? req.includes('co_unit_ids') && !req.includes('mode') : true,
  }))
}

// co_unit_ids only for separate / joint handling.
export function showField(f, form) {
  if (f.name === 'co_unit_ids' && 'mode' in form) return form.mode === 'separate' || form.mode === 'joint'
  return true
}
export function fieldRequired(f, form) {
  if (f.name === 'co_unit_ids' && 'mode' in form) return form.mode === 'separate' || form.mode === 'joint'
  return f.required
}

// The entries of `actions` of a case's detail (strings, or objects).
export function actionsOf(c) {
  const list = (c && c.actions) || []
  return list
    .map((a) => (typeof a === 'string' ? { action: a, requires: [] } : { action: a.action || a.code || a.name, requires: strList(a.requires), raw: a }))
    .filter((a) => a.action)
}

// A style for an action's button.
export function actionButtonType(action) {
  if (/^(reject|refuse_|return_reply|withdraw|ask_return)/.test(action)) return 'danger'
  if (/^(register|approve_|assign|accept|forward|reply|answer|solve|settle|submit|confirm|close|countersign|sign)/.test(action))
    return 'primary'
  return 'default'
}

// The list page's query of a figure (figures page → /cases/list).
export function listQuery(filters, extra = {}) {
  const q = {}
  for (const [k, v] of Object.entries({ ...filters, ...extra })) if (v !== null && v !== undefined && v !== '') q[k] = String(v)
  return q
}
