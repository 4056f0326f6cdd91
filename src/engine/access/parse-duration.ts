import { ValidationError } from '../../domain/errors.js'
import { quoteInput } from '../../domain/quote-input.js'

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const

/**
 * Milliseconds in a duration written as a whole number and a unit: m(inutes), h(ours), d(ays), w(eeks).
 * @example parseDuration('30d') // 2592000000
 */
export function parseDuration(text: string, path = 'duration'): number {
  const match = /^(\d{1,6})([mhdw])$/.exec(text.trim())
  const amount = Number(match?.[1])
  if (match === null || amount <= 0) {
    throw new ValidationError('invalid duration', [
      {
        path,
        message: `must be a positive whole number and a unit m, h, d or w, such as 30d (got ${quoteInput(text)})`,
      },
    ])
  }
  return amount * UNIT_MS[match[2] as keyof typeof UNIT_MS]
}
