import type { RatingLabel } from './rating-label.js'

/** True when `value` is a usable label: a string or a finite number (internal helper). */
export function isRatingLabel(value: unknown): value is RatingLabel {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
}
