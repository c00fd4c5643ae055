// Entry point: Vue app with Pinia, the router, vue-i18n and Element Plus.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import { router } from './router.js'
import { i18n, setLang } from './i18n/index.js'
import element from './plugins/element.js'
import { setApiHandlers } from './api.js'
import { useSession } from './stores/session.js'
import { ElMessage } from 'element-plus'
import { errorText } from './errors.js'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
app.use(element)
app.use(router)

setLang(i18n.global.locale.value)

setApiHandlers({
  // The session is gone (expired, ended elsewhere): back to the sign-in page.
  onUnauthorized(err) {
    const session = useSession(pinia)
    if (session.user) ElMessage.warning({ message: errorText(err), grouping: true })
    session.clear()
    const cur = router.currentRoute.value
    if (cur.name !== 'login')
      router.replace({ name: 'login', query: cur.fullPath && cur.fullPath !== '/' ? { redirect: cur.fullPath } : {} })
  },
  onPasswordChange() {
    const session = useSession(pinia)
    if (session.user) session.user.must_change_password = true
    if (router.currentRoute.value.name !== 'password') router.replace({ name: 'password' })
  },
})

app.mount('#app')
