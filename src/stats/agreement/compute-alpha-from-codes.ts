import { StatsInputError } from '../stats-input-error.js'
import type { KrippendorffAlpha, KrippendorffLevel } from './krippendorff-types.js'

/** Integer-coded reliability data (internal representation shared by the alpha functions). */
export interface CodedReliabilityData {
  /** Unit-major codes: codes[u * raters + r] is rater r's value for unit u, −1 when missing. */
  codes: Int32Array
  raters: number
  /** Codes run from 0 to categoryCount − 1; for ordinal data the code is the rank. */
  categoryCount: number
  level: KrippendorffLevel
  /** Numeric value of each code (interval and ratio levels). */
  values: Float64Array
}

/**
 * Krippendorff's alpha from integer-coded data via the coincidence-matrix marginals, without
 * materialising the q × q matrix: one pass collects the pairable marginals n_c (and, for the
 * nominal level, the observed disagreement), a second pass sums δ² over value pairs within
 * units. Cost: O(N R + Σ_u k_u²) for k_u distinct values in unit u, plus O(q²) for the
 * expected disagreement at the ordinal and ratio levels (O(q) nominal and interval).
 */
export function computeAlphaFromCodes(
  functionName: string,
  data: CodedReliabilityData,
): KrippendorffAlpha {
  const { codes, raters, categoryCount: q, level, values } = data
  const unitCount = codes.length / raters
  const marginals = new Float64Array(q)
  const unitCounts = new Int32Array(q)
  const touched = new Int32Array(raters)
  let pairableValues = 0
  let units = 0
  let nominalObserved = 0
  for (let u = 0; u < unitCount; u += 1) {
    const base = u * raters
    let m = 0
    let distinct = 0
    for (let r = 0; r < raters; r += 1) {
      const code = codes[base + r] as number
      if (code === -1) continue
      if (code < -1 || code >= q) {
        throw new StatsInputError(
          `\`${functionName}\` requires codes from 0 to categoryCount - 1, or -1 for missing`,
        )
      }
      if (unitCounts[code] === 0) touched[distinct++] = code
      unitCounts[code] = (unitCounts[code] as number) + 1
      m += 1
    }
    let squares = 0
    for (let t = 0; t < distinct; t += 1) {
      const code = touched[t] as number
      const count = unitCounts[code] as number
      if (m >= 2) marginals[code] = (marginals[code] as number) + count
      squares += count * count
      unitCounts[code] = 0
    }
    if (m >= 2) {
      units += 1
      pairableValues += m
      nominalObserved += (m * m - squares) / (m - 1)
    }
  }
  if (units === 0) {
    throw new StatsInputError(
      `\`${functionName}\` requires at least one unit with two or more values`,
    )
  }
  const n = pairableValues
  const used: number[] = []
  for (let c = 0; c < q; c += 1) if ((marginals[c] as number) > 0) used.push(c)

  // Ordinal δ needs cumulative marginals in rank order: Σ_{g=c}^{k} n_g = prefix[k + 1] − prefix[c].
  const prefix = new Float64Array(q + 1)
  for (let c = 0; c < q; c += 1) prefix[c + 1] = (prefix[c] as number) + (marginals[c] as number)
  const delta = (c: number, k: number): number => {
    if (c === k) return 0
    if (level === 'nominal') return 1
    if (level === 'ordinal') {
      const low = c < k ? c : k
      const high = c < k ? k : c
      const between =
        (prefix[high + 1] as number) -
        (prefix[low] as number) -
        ((marginals[c] as number) + (marginals[k] as number)) / 2
      return between * between
    }
    const x = values[c] as number
    const y = values[k] as number
    if (level === 'interval') return (x - y) * (x - y)
    const sum = x + y
    return sum === 0 ? 0 : ((x - y) / sum) ** 2
  }

  let observedSum: number
  if (level === 'nominal') {
    observedSum = nominalObserved
  } else {
    observedSum = 0
    for (let u = 0; u < unitCount; u += 1) {
      const base = u * raters
      let m = 0
      let distinct = 0
      for (let r = 0; r < raters; r += 1) {
        const code = codes[base + r] as number
        if (code === -1) continue
        if (unitCounts[code] === 0) touched[distinct++] = code
        unitCounts[code] = (unitCounts[code] as number) + 1
        m += 1
      }
      let pairSum = 0
      for (let i = 0; i < distinct; i += 1) {
        const c = touched[i] as number
        const countC = unitCounts[c] as number
        for (let j = i + 1; j < distinct; j += 1) {
          const k = touched[j] as number
          pairSum += countC * (unitCounts[k] as number) * delta(c, k)
        }
      }
      for (let t = 0; t < distinct; t += 1) unitCounts[touched[t] as number] = 0
      // Ordered pairs: each unordered pair of distinct values counts twice.
      if (m >= 2) observedSum += (2 * pairSum) / (m - 1)
    }
  }

  let expectedSum = 0
  if (level === 'nominal') {
    let squares = 0
    for (const c of used) squares += (marginals[c] as number) ** 2
    expectedSum = n * n - squares
  } else if (level === 'interval') {
    // Σ_c Σ_k n_c n_k (v_c − v_k)² = 2 n Σ_c n_c (v_c − mean)², centred for accuracy.
    let mean = 0
    for (const c of used) mean += (marginals[c] as number) * (values[c] as number)
    mean /= n
    for (const c of used)
      expectedSum += (marginals[c] as number) * ((values[c] as number) - mean) ** 2
    expectedSum *= 2 * n
  } else {
    for (let i = 0; i < used.length; i += 1) {
      const c = used[i] as number
      for (let j = i + 1; j < used.length; j += 1) {
        const k = used[j] as number
        expectedSum += 2 * (marginals[c] as number) * (marginals[k] as number) * delta(c, k)
      }
    }
  }
  if (!(expectedSum > 0)) {
    throw new StatsInputError(`\`${functionName}\` requires at least two distinct values`)
  }
  const observedDisagreement = observedSum / n
  const expectedDisagreement = expectedSum / (n * (n - 1))
  return {
    value: 1 - observedDisagreement / expectedDisagreement,
    observedDisagreement,
    expectedDisagreement,
    pairableValues: n,
    units,
  }
}
