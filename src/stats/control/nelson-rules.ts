import { StatsInputError } from '../stats-input-error.js'

/** The eight Nelson rules, numbered as in Nelson (1984). */
export type NelsonRule = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8

/** Options for {@link nelsonRules}: the centre line and σ, one for all points or one per point. */
export interface NelsonRulesOptions {
  center: number | readonly number[]
  sigma: number | readonly number[]
}

/** One rule violation: `index` is the point that completes the qualifying pattern. */
export interface NelsonRuleViolation {
  rule: NelsonRule
  index: number
}

/**
 * Nelson's eight run rules for special causes on a control chart.
 *
 * Definition, with d_i = x_i − center_i and zone boundaries in multiples of σ_i:
 * 1. one point beyond 3σ (|d| > 3σ);
 * 2. nine points in a row on the same side of the centre (d > 0 or d < 0; d = 0 breaks a run);
 * 3. six points in a row steadily increasing or decreasing (five strict steps in x);
 * 4. fourteen points in a row alternating up and down (thirteen non-zero steps in x, each of
 *    opposite sign to the one before);
 * 5. two of three points in a row beyond 2σ on the same side;
 * 6. four of five points in a row beyond 1σ on the same side;
 * 7. fifteen points in a row within 1σ of the centre, either side (|d| < σ);
 * 8. eight points in a row beyond 1σ, either side, none within 1σ (|d| > σ).
 * "Beyond" is strict (>), "within" is strict (<). Each violation reports the index that
 * completes a qualifying window; a longer run reports every index from the first completion
 * on (a run of ten on one side gives rule 2 at its 9th and 10th points). For rules 5 and 6 the
 * completing point must itself be one of the points beyond the zone, so a point inside the
 * zone after a qualifying pair is not flagged again. Output is sorted by rule, then index.
 *
 * `center` and `sigma` may be arrays with one entry per point, so charts whose limits vary
 * (a p-chart with varying subgroup sizes: center_i = p̄, σ_i = √(p̄(1 − p̄)/n_i)) can use the
 * zone rules; rules 3 and 4 look only at the values. σ may be 0 (a degenerate p-chart zone),
 * in which case every point off the centre counts as beyond every zone.
 *
 * When to use: on top of any Shewhart-type chart (individuals, p) to catch shifts, trends,
 * over-control and stratification that a single 3σ limit misses. Each extra rule raises the
 * false alarm rate; pick the rules you act on.
 *
 * Reference: Nelson, L. S. (1984) "The Shewhart control chart—tests for special causes",
 * Journal of Quality Technology 16(4):237-239; https://en.wikipedia.org/wiki/Nelson_rules;
 * NIST/SEMATECH e-Handbook §6.3.2 (Western Electric rules).
 *
 * Cost: O(n) time and memory.
 *
 * @throws {StatsInputError} when there are no values, a value/center/sigma is not finite,
 * sigma is negative, or a center/sigma array has a different length from the values
 * @example
 * nelsonRules([0, 0, 3.5, 0, 2.5, 2.1], { center: 0, sigma: 1 })
 * // [{ rule: 1, index: 2 }, { rule: 5, index: 4 }, { rule: 5, index: 5 }]
 */
export function nelsonRules(
  values: readonly number[],
  { center, sigma }: NelsonRulesOptions,
): NelsonRuleViolation[] {
  const n = values.length
  if (n === 0) throw new StatsInputError('`nelsonRules` requires at least one value')
  const centerAt = perPoint('center', center, n)
  const sigmaAt = perPoint('sigma', sigma, n)
  // side[i] ∈ {-1, 0, 1}; zone[i] = how many σ bands the point is beyond (0…3), strictly
  const side = new Int8Array(n)
  const zone = new Int8Array(n)
  for (let i = 0; i < n; i++) {
    const value = values[i] as number
    const s = sigmaAt(i)
    if (!Number.isFinite(value)) throw new StatsInputError('`nelsonRules` requires finite values')
    if (s < 0) throw new StatsInputError('`nelsonRules` requires sigma to be non-negative')
    const deviation = value - centerAt(i)
    const distance = Math.abs(deviation)
    side[i] = Math.sign(deviation)
    zone[i] = distance > 3 * s ? 3 : distance > 2 * s ? 2 : distance > s ? 1 : 0
  }
  const byRule: number[][] = [[], [], [], [], [], [], [], []]
  const flag = (rule: NelsonRule, index: number): void => {
    ;(byRule[rule - 1] as number[]).push(index)
  }
  let sameSide = 0
  let rising = 0
  let falling = 0
  let alternating = 0
  let inside = 0
  let outside = 0
  for (let i = 0; i < n; i++) {
    const s = side[i] as number
    const z = zone[i] as number
    if (z === 3) flag(1, i)

    sameSide = s !== 0 && i > 0 && side[i - 1] === s ? sameSide + 1 : s !== 0 ? 1 : 0
    if (sameSide >= 9) flag(2, i)

    const step = i > 0 ? Math.sign((values[i] as number) - (values[i - 1] as number)) : 0
    rising = step > 0 ? rising + 1 : 0
    falling = step < 0 ? falling + 1 : 0
    if (rising >= 5 || falling >= 5) flag(3, i)

    const previousStep =
      i > 1 ? Math.sign((values[i - 1] as number) - (values[i - 2] as number)) : 0
    alternating =
      step === 0 ? 0 : previousStep !== 0 && previousStep === -step ? alternating + 1 : 1
    if (alternating >= 13) flag(4, i)

    if (s !== 0 && z >= 2 && countBeyond(side, zone, i, 3, s, 2) >= 2) flag(5, i)
    if (s !== 0 && z >= 1 && countBeyond(side, zone, i, 5, s, 1) >= 4) flag(6, i)

    inside =
      z === 0 && isStrictlyWithin(values[i] as number, centerAt(i), sigmaAt(i)) ? inside + 1 : 0
    if (inside >= 15) flag(7, i)
    outside = z >= 1 ? outside + 1 : 0
    if (outside >= 8) flag(8, i)
  }
  const violations: NelsonRuleViolation[] = []
  byRule.forEach((indices, r) => {
    for (const index of indices) violations.push({ rule: (r + 1) as NelsonRule, index })
  })
  return violations
}

/** Points in the window of `width` ending at `end` that are beyond `minimumZone` on `side`. */
function countBeyond(
  side: Int8Array,
  zone: Int8Array,
  end: number,
  width: number,
  wantedSide: number,
  minimumZone: number,
): number {
  let count = 0
  for (let j = Math.max(0, end - width + 1); j <= end; j++) {
    if (side[j] === wantedSide && (zone[j] as number) >= minimumZone) count += 1
  }
  return count
}

/** |x − c| < σ strictly (zone 0 also holds points exactly at 1σ, which are not "within"). */
function isStrictlyWithin(value: number, center: number, sigma: number): boolean {
  return Math.abs(value - center) < sigma
}

function perPoint(
  name: 'center' | 'sigma',
  option: number | readonly number[],
  n: number,
): (i: number) => number {
  if (typeof option === 'number') {
    if (!Number.isFinite(option))
      throw new StatsInputError(`\`nelsonRules\` requires a finite ${name}`)
    return () => option
  }
  if (option.length !== n) {
    throw new StatsInputError(`\`nelsonRules\` requires one ${name} per value`)
  }
  for (const x of option) {
    if (!Number.isFinite(x)) throw new StatsInputError(`\`nelsonRules\` requires a finite ${name}`)
  }
  return (i) => option[i] as number
}
