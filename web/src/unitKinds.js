// Tag colours for unit kinds (labels come from the unit_kind dictionary).
const TYPES = {
  province: 'danger',
  city: 'danger',
  county: 'danger',
  district: 'danger',
  town: 'primary',
  street: 'primary',
  township: 'primary',
  zone: 'primary',
  village: 'success',
  community: 'success',
  department: 'warning',
}

export function kindTagType(kind) {
  return TYPES[kind] || 'info'
}
