// vue-i18n setup. Chinese is the default; the choice is kept in localStorage
// (only the language, never anything about the session). vue-i18n 11
// compiles messages just in time without eval, which the CSP requires.
import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN.js'
import en from './en.js'
import { setApiLanguage } from '../api.js'

const KEY = 'tongxin.lang'
export const LANGS = ['zh-CN', 'en']

function initialLang() {
  try {
    const v = localStorage.getItem(KEY)
    if (LANGS.includes(v)) return v
  } catch {
    /* storage may be disabled */
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: initialLang(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
})

export function setLang(lang) {
  if (!LANGS.includes(lang)) return
  i18n.global.locale.value = lang
  setApiLanguage(lang)
  document.documentElement.lang = lang
  document.title = i18n.global.t('app.title')
  try {
    localStorage.setItem(KEY, lang)
  } catch {
    /* ignore */
  }
}

export const t = (...args) => i18n.global.t(...args)
export const te = (key) => i18n.global.te(key)
