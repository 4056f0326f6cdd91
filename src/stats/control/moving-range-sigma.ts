/** d₂ for subgroups of two (the moving range of span 2): E[R] = d₂·σ for normal data. */
export const D2_SPAN_TWO = 1.128

/**
 * Mean moving range of span 2, MR̄ = (1/(n−1)) Σ |x_i − x_{i−1}|, for n ≥ 2 values.
 * Internal helper shared by the individuals, EWMA and CUSUM charts; callers validate input.
 */
export function meanMovingRange(values: ArrayLike<number>): number {
  let sum = 0
  for (let i = 1; i < values.length; i++) {
    sum += Math.abs((values[i] as number) - (values[i - 1] as number))
  }
  return sum / (values.length - 1)
}

/** Arithmetic mean of a non-empty list. Internal helper. */
export function meanOf(values: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += values[i] as number
  return sum / values.length
}
