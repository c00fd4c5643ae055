// Small shared composition functions.
import { onBeforeUnmount, onMounted, ref, computed } from 'vue'

// The window width, reactive; `narrow` is a phone-sized screen.
export function useViewport() {
  const width = ref(window.innerWidth)
  const onResize = () => (width.value = window.innerWidth)
  onMounted(() => window.addEventListener('resize', onResize))
  onBeforeUnmount(() => window.removeEventListener('resize', onResize))
  return { width, narrow: computed(() => width.value < 768) }
}
