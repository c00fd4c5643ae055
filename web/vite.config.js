// Vite build of the Tongxin web UI. The output in web/dist is embedded into
// the tongxin binary and served under a strict CSP (no inline scripts, no
// eval, nothing fetched from other origins), so:
//  - vue-i18n 11 compiles messages just in time to an AST (no eval);
//  - Element Plus components are imported one by one (src/plugins/element.js)
//    and libraries are split into a few cacheable chunks;
//  - the dev server proxies the API to a locally running `tongxin serve`.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const backend = process.env.TONGXIN_BACKEND || 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [vue()],
  base: '/',
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/healthz': { target: backend, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
    // Data URIs are allowed by the CSP for images and fonts, but keep assets
    // as files so the embedded server can cache them by hash.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 500,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: 'vue',
              test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/,
              priority: 3,
            },
            {
              // what the first page needs (the components of plugins/element.js)
              name: 'element-plus',
              test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|@vueuse|@ctrl|async-validator|dayjs|lodash-es|lodash|lodash-unified|memoize-one|normalize-wheel-es)[\\/]/,
              tags: ['$initial'],
              priority: 2,
            },
            {
              // the rest (date picker, upload, steps, tabs…), imported by
              // lazily loaded pages and loaded with them
              name: 'element-plus-more',
              test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|@vueuse|@ctrl|async-validator|dayjs|lodash-es|lodash|lodash-unified|memoize-one|normalize-wheel-es)[\\/]/,
              priority: 2,
            },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
})
