import { expect } from 'vitest'

/**
 * Asserts |actual - expected| <= max(absolute, relative * |expected|).
 * The one comparison helper for numeric reference values (STYLE.md §7e).
 */
export function expectClose(
  actual: number,
  expected: number,
  { relative = 1e-9, absolute = 1e-12 }: { relative?: number; absolute?: number } = {},
): void {
  const allowed = Math.max(absolute, relative * Math.abs(expected))
  const diff = Math.abs(actual - expected)
  if (!(diff <= allowed)) {
    expect.fail(`expected ${actual} to be within ${allowed} of ${expected} (difference ${diff})`)
  }
}
