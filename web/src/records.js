// records.js — what the generic record pages need beyond GET /meta: which
// fields filter a list, which columns show by default, the title field of a
// record, permissions (sub-records live under their parent's permissions),
// masked values, and a small cache of names for ref fields.
import { reactive } from 'vue'
import { api } from './api.js'

// Per-entity choices the model does not carry. Anything not listed falls
// back to the model: filters = dict/bool fields flagged `list`, columns =
// fields flagged `list`.
export const PAGES = {
  person: {
    filters: ['categories', 'is_representative', 'party', 'political', 'arrangement', 'organisation'],
    columns: ['name', 'unit_id', 'gender', 'categories', 'workplace', 'job_title', 'phone', 'is_representative'],
    icon: 'UserFilled',
  },
  organisation: {
    filters: ['kind', 'party'],
    columns: ['name', 'unit_id', 'kind', 'party', 'credit_code', 'member_count'],
    icon: 'OfficeBuilding',
  },
  grid_post: {
    filters: ['kind'],
    columns: ['unit_id', 'kind', 'holder_name', 'phone', 'start_date', 'end_date'],
    icon: 'Postcard',
  },
}

// Filters that are not fields of the entity (GET /person?arrangement=…&organisation=…).
export const EXTRA_FILTERS = {
  person: {
    arrangement: { name: 'arrangement', type: 'dict', dict: 'arrangement_kind', label_zh: '政治安排', label_en: 'political arrangement' },
    organisation: { name: 'organisation', type: 'ref', ref: 'organisation', label_zh: '所属组织', label_en: 'organisation' },
  },
}

// Fields never edited in a form nor shown as data.
export const SYSTEM_FIELDS = new Set(['id', 'version', 'created_at', 'updated_at', 'unit_name'])

// The entity a ref field points to (null: not a record, e.g. unit_id).
export function refEntity(field) {
  if (!field || field.type !== 'ref') return null
  if (field.ref) return field.ref
  const n = field.name
  if (n === 'unit_id' || n === 'parent_id') return 'unit'
  if (n === 'person_id') return 'person'
  if (n === 'organisation_id' || n === 'parent_org_id' || n === 'enterprise_id') return 'organisation'
  if (n === 'user_id') return 'user'
  return null
}

// The field that names a record.
export function titleField(entity) {
  const names = (entity && entity.fields ? entity.fields : []).map((f) => f.name)
  for (const n of ['name', 'holder_name', 'title', 'organisation', 'to_post', 'relation'])
    if (names.includes(n)) return n
  return null
}

export function recordTitle(entity, row) {
  if (!row) return ''
  const f = titleField(entity)
  return (f && row[f]) || `#${row.id}`
}

// Permission base: sub-records are read and changed under their parent's
// permissions (person_arrangement → person:update).
export function permBase(entity) {
  if (!entity) return ''
  return entity.parent ? entity.parent.entity : entity.name
}

export function permOf(entity, action) {
  const base = permBase(entity)
  if (entity && entity.parent && !['read', 'reveal'].includes(action)) return `${base}:update`
  return `${base}:${action}`
}

// A masked value as the server answers it ("110105********002X", "***").
export function isMasked(field, value) {
  return !!(field && field.sensitive && typeof value === 'string' && value.includes('*'))
}

export function isEmpty(v) {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)
}

// ---- names of referenced records (organisation_id, person_id, user_id) ----
const names = reactive({}) // "entity:id" → name ('' while loading)
const pending = new Map()

export function refName(entity, id) {
  if (id === null || id === undefined || id === '') return ''
  const key = `${entity}:${id}`
  if (key in names) return names[key]
  names[key] = ''
  if (!pending.has(key)) {
    const path = entity === 'user' ? `/users/${id}` : entity === 'unit' ? `/units/${id}` : `/${entity}/${id}`
    const p = api
      .get(path, null)
      .then((r) => {
        names[key] = (r && (r.name || r.holder_name || r.title || r.username)) || `#${id}`
      })
      .catch(() => {
        names[key] = `#${id}`
      })
      .finally(() => pending.delete(key))
    pending.set(key, p)
  }
  return names[key]
}

export function rememberName(entity, id, name) {
  if (id != null && name) names[`${entity}:${id}`] = name
}

// ---- column choice, kept in localStorage (no personal data) ----
const COLS_KEY = (entity) => `tongxin.columns.${entity}`

export function loadColumns(entity) {
  try {
    const v = JSON.parse(localStorage.getItem(COLS_KEY(entity)) || 'null')
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : null
  } catch {
    return null
  }
}

export function saveColumns(entity, cols) {
  try {
    if (cols) localStorage.setItem(COLS_KEY(entity), JSON.stringify(cols))
    else localStorage.removeItem(COLS_KEY(entity))
  } catch {
    /* storage may be disabled */
  }
}

export function today() {
  const d = new Date()
  const pad = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}
