// The signed-in user, as answered by GET /api/v1/me. The session itself is
// the HttpOnly cookie; nothing about it is kept in browser storage.
import { defineStore } from 'pinia'
import { api } from '../api.js'

export const useSession = defineStore('session', {
  state: () => ({ user: null, loaded: false }),
  getters: {
    signedIn: (s) => !!s.user,
    mustChangePassword: (s) => !!(s.user && s.user.must_change_password),
    permissions: (s) => new Set((s.user && s.user.permissions) || []),
  },
  actions: {
    // A permission as the server checks it: exact, "<entity>:*" or "*".
    can(perm) {
      const p = this.permissions
      if (p.has(perm) || p.has('*')) return true
      const i = String(perm).indexOf(':')
      return i > 0 && p.has(perm.slice(0, i) + ':*')
    },
    // Ask the server who we are. 401 → not signed in (no redirect here).
    async load() {
      try {
        this.user = await api.get('/me', null, { quiet: true })
      } catch (e) {
        if (e.status === 401) this.user = null
        else if (e.code === 'auth.password_change_required' && this.user) this.user.must_change_password = true
        else throw e
      } finally {
        this.loaded = true
      }
      return this.user
    },
    async login(username, password) {
      const res = await api.post('/session', { username, password }, { quiet: true })
      this.user = (res && res.user) || null
      this.loaded = true
      // /me is the full picture (permissions, unit name); fall back to the
      // user that came with the session if it cannot be read.
      try {
        const me = await api.get('/me', null, { quiet: true })
        if (me) this.user = me
      } catch {
        /* keep res.user */
      }
      return this.user
    },
    async logout() {
      try {
        await api.del('/session', { quiet: true })
      } finally {
        this.user = null
        this.loaded = true
      }
    },
    clear() {
      this.user = null
      this.loaded = true
    },
  },
})
