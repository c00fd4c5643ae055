// GET /api/v1/meta (entities, fields, dictionaries) and GET /api/v1/roles,
// loaded once and shared by the pages.
import { defineStore } from 'pinia'
import { api, itemsOf } from '../api.js'
import { i18n } from '../i18n/index.js'

// Used only when /meta has no unit_kind dictionary (labels zh / en).
const FALLBACK_UNIT_KINDS = [
  ['city', '市', 'City'],
  ['county', '县（市、区）', 'County'],
  ['town', '镇', 'Town'],
  ['street', '街道', 'Subdistrict'],
  ['township', '乡', 'Township'],
  ['village', '村', 'Village'],
  ['community', '社区', 'Community'],
  ['department', '部门', 'Department'],
].map(([value, label_zh, label_en]) => ({ value, label_zh, label_en }))

function dictsOf(meta) {
  const d = meta && meta.dictionaries
  if (!d) return {}
  if (Array.isArray(d)) return Object.fromEntries(d.map((x) => [x.code, x]))
  return d
}

export const useMeta = defineStore('meta', {
  state: () => ({ meta: null, roles: null, loading: null, rolesLoading: null }),
  getters: {
    dicts: (s) => dictsOf(s.meta),
    entities: (s) => (s.meta && Array.isArray(s.meta.entities) ? s.meta.entities : []),
    // Top-level record entities (person, organisation, grid_post, …).
    recordEntities() {
      return this.entities.filter((e) => e.record && !e.parent)
    },
  },
  actions: {
    async ensure() {
      if (this.meta) return this.meta
      if (!this.loading)
        this.loading = api
          .get('/meta')
          .then((m) => (this.meta = m || {}))
          .finally(() => (this.loading = null))
      return this.loading
    },
    // Load /meta again (after a local dictionary changed), so the
    // drop-downs of the record forms see it.
    async refresh() {
      this.loading = null
      const m = await api.get('/meta')
      this.meta = m || {}
      return this.meta
    },
    async ensureRoles(force = false) {
      if (this.roles && !force) return this.roles
      if (!this.rolesLoading)
        this.rolesLoading = api
          .get('/roles', { limit: 500 })
          .then((r) => (this.roles = itemsOf(r)))
          .finally(() => (this.rolesLoading = null))
      return this.rolesLoading
    },
    dictItems(code) {
      const d = this.dicts[code]
      const items = d && Array.isArray(d.items) ? d.items : null
      if (items && items.length) return items
      return code === 'unit_kind' ? FALLBACK_UNIT_KINDS : []
    },
    itemLabel(item) {
      if (!item) return ''
      const en = i18n.global.locale.value === 'en'
      return (en ? item.label_en || item.label_zh : item.label_zh || item.label_en) || item.value
    },
    dictLabel(code, value) {
      if (value === null || value === undefined || value === '') return ''
      const it = this.dictItems(code).find((x) => String(x.value) === String(value))
      return it ? this.itemLabel(it) : String(value)
    },
    entity(name) {
      return this.entities.find((e) => e.name === name) || null
    },
    // Record entities whose parent is `name` (person → its sub-records), in model order.
    subEntities(name) {
      return this.entities.filter((e) => e.record && e.parent && e.parent.entity === name)
    },
    field(entity, name) {
      const e = typeof entity === 'string' ? this.entity(entity) : entity
      return (e && (e.fields || []).find((f) => f.name === name)) || null
    },
    // Label of an entity, field or anything else with label_zh / label_en.
    label(x) {
      if (!x) return ''
      const en = i18n.global.locale.value === 'en'
      const s = (en ? x.label_en || x.label_zh : x.label_zh || x.label_en) || x.name || ''
      return en && s ? s.charAt(0).toUpperCase() + s.slice(1) : s
    },
    roleName(code) {
      const r = (this.roles || []).find((x) => x.code === code)
      if (!r) return code
      return this.roleLabel(r)
    },
    roleLabel(r) {
      const en = i18n.global.locale.value === 'en'
      return (en ? r.name_en || r.name_zh || r.name : r.name_zh || r.name || r.name_en) || r.code
    },
  },
})
