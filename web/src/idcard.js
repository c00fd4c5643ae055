// Citizen ID numbers (GB 11643-1999): 17 digits and a check character.
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const C = '10X98765432'

export function checkChar(first17) {
  let s = 0
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * W[i]
  return C[s % 11]
}

// true for a well-formed 18-character number with a right check character
// and a real birth date, or a 15-digit old-style number.
export function idValid(id) {
  const s = String(id || '').trim().toUpperCase()
  if (/^\d{15}$/.test(s)) return true
  if (!/^\d{17}[\dX]$/.test(s)) return false
  if (checkChar(s.slice(0, 17)) !== s[17]) return false
  return !!idBirth(s)
}

// Birth date "YYYY-MM-DD" of an 18-character number, or ''.
export function idBirth(id) {
  const s = String(id || '').trim()
  if (s.length !== 18) return ''
  const y = +s.slice(6, 10),
    m = +s.slice(10, 12),
    d = +s.slice(12, 14)
  const dt = new Date(Date.UTC(y, m - 1, d))
  if (y < 1900 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return ''
  return `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`
}

// GB/T 2261.1 gender code of an 18-character number: '1' male, '2' female.
export function idGender(id) {
  const s = String(id || '').trim()
  if (s.length !== 18) return ''
  return Number(s[16]) % 2 === 1 ? '1' : '2'
}
