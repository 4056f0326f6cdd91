/**
 * Small display-side statistics for pages whose API returns raw counts: the Wilson interval, the
 * p-chart limits and Nelson rules 1–3, and the 95 % margin of a sample size. The server's
 * src/stats holds the reference implementations; these mirror them for drawing only.
 */
const Z95 = 1.959963984540054

/** Wilson score interval for k successes of n (E. B. Wilson, 1927). */
export function wilson(
  k: number,
  n: number,
  z = Z95,
): { estimate: number | null; lower: number | null; upper: number | null } {
  if (n <= 0) return { estimate: null, lower: null, upper: null }
  const p = k / n
  const z2 = z * z
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n)
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n)
  return { estimate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) }
}

/** Half-width of the 95 % normal interval for a proportion p with n audits (worst case p = 0.5). */
export function marginOf(n: number, p = 0.5): number | null {
  if (!(n > 0)) return null
  return Z95 * Math.sqrt((p * (1 - p)) / n)
}

/** Audits needed for a 95 % margin of `margin` at proportion p (no finite-population correction). */
export function sampleSizeFor(margin: number, p = 0.5): number | null {
  if (!(margin > 0)) return null
  return Math.ceil((Z95 * Z95 * p * (1 - p)) / (margin * margin))
}

export interface PChartPoint {
  period: string
  estimate: number | null
  n: number
  centre: number
  lcl: number | null
  ucl: number | null
  rules: number[]
}

/**
 * p-chart with per-period 3-sigma limits (NIST/SEMATECH e-Handbook 6.3.3.2) and Nelson rules
 * 1 (beyond a limit), 2 (nine in a row on one side of the centre), 3 (six in a row rising or falling).
 */
export function pChart(points: { period: string; successes: number; n: number }[]): PChartPoint[] {
  const totalN = points.reduce((s, p) => s + p.n, 0)
  const centre = totalN === 0 ? 0 : points.reduce((s, p) => s + p.successes, 0) / totalN
  const out: PChartPoint[] = points.map((p) => {
    const sigma = p.n > 0 ? Math.sqrt((centre * (1 - centre)) / p.n) : null
    return {
      period: p.period,
      estimate: p.n > 0 ? p.successes / p.n : null,
      n: p.n,
      centre,
      lcl: sigma === null ? null : Math.max(0, centre - 3 * sigma),
      ucl: sigma === null ? null : Math.min(1, centre + 3 * sigma),
      rules: [],
    }
  })
  out.forEach((p, i) => {
    if (p.estimate === null) return
    if ((p.ucl !== null && p.estimate > p.ucl) || (p.lcl !== null && p.estimate < p.lcl))
      p.rules.push(1)
    if (i >= 8) {
      const run = out.slice(i - 8, i + 1)
      if (
        run.every((q) => q.estimate !== null && q.estimate > centre) ||
        run.every((q) => q.estimate !== null && q.estimate < centre)
      ) {
        p.rules.push(2)
      }
    }
    if (i >= 5) {
      const run = out.slice(i - 5, i + 1).map((q) => q.estimate)
      if (run.every((v) => v !== null)) {
        const values = run as number[]
        const rising = values.every((v, j) => j === 0 || v > (values[j - 1] as number))
        const falling = values.every((v, j) => j === 0 || v < (values[j - 1] as number))
        if (rising || falling) p.rules.push(3)
      }
    }
  })
  return out
}
