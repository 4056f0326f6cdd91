/**
 * False-alarm control across slices. All tests judged for one as-of date — every chart monitor,
 * every slice, every rule — form one family; their one-sided p-values are adjusted with
 * Benjamini-Hochberg and a test signals when its adjusted p-value is at most `falseAlarmRate` (q).
 * When nothing has changed (every null hypothesis true) BH at level q keeps the chance of *any*
 * alert in a run at most q, however many slices are watched; when some slices did change it keeps
 * the expected share of false alerts among the raised ones at most q.
 *
 * How unusual a signal is: its p-value, its adjusted p-value, and `expectedByChance` = p·m, the
 * number of tests in the run expected to be at least this extreme by chance (m = family size).
 */
import { benjaminiHochberg } from '../../stats/index.js'

/** The default q: at most one false alarm in about two thousand daily runs when nothing changed. */
export const DEFAULT_FALSE_ALARM_RATE = 0.0005

export interface Unusualness {
  pValue: number
  pAdjusted: number
  familySize: number
  /** p·m: tests expected this extreme per run by chance. */
  expectedByChance: number
  falseAlarmRate: number
}

/** Adjusts the family's p-values; returns, aligned, how unusual each is and whether it signals. */
export function controlFalseAlarms(
  pValues: readonly number[],
  falseAlarmRate: number,
): (Unusualness & { signal: boolean })[] {
  if (pValues.length === 0) return []
  const adjusted = benjaminiHochberg(pValues)
  const m = pValues.length
  return pValues.map((pValue, i) => {
    const pAdjusted = adjusted[i] as number
    return {
      pValue,
      pAdjusted,
      familySize: m,
      expectedByChance: pValue * m,
      falseAlarmRate,
      signal: pAdjusted <= falseAlarmRate,
    }
  })
}
