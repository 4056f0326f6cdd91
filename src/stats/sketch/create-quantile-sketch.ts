import { StatsInputError } from '../stats-input-error.js'
import {
  DEFAULT_RELATIVE_ACCURACY,
  bucketOf,
  checkQuantileProbability,
  checkSketchValue,
  quantileOfSortedBuckets,
  sketchMapping,
} from './sketch-mapping.js'

/** A mergeable quantile sketch; see {@link createQuantileSketch}. */
export interface QuantileSketch {
  /** The α every bucket was built with; only sketches with equal α can be merged. */
  readonly relativeAccuracy: number
  /** Adds `value` (finite, ≥ 0) `times` times (a positive integer, default 1). */
  add(value: number, times?: number): void
  /**
   * Adds another sketch's counts, or stored (bucket, count) rows built with the same α.
   * The result equals the sketch of the union of both inputs exactly.
   */
  merge(other: QuantileSketch | Iterable<readonly [number, number]>): void
  /** Estimate of the q-quantile (rank ⌊q·(n − 1)⌋); see `quantileFromBuckets`. */
  quantile(q: number): number
  /** Number of values added (including merged ones). */
  count(): number
  /** Non-empty buckets as [bucket, count] rows, ordered by bucket: ready for a SQL insert. */
  buckets(): [number, number][]
}

/**
 * Creates a mergeable quantile sketch with relative-error guarantees (DDSketch-style
 * logarithmic buckets) for non-negative measurements such as handle times in ms.
 *
 * Definition: each value goes to bucket `quantileSketchBucket(v, α)` and only bucket counts
 * are kept. A quantile estimate is the representative value of the bucket holding the item of
 * rank ⌊q·(n − 1)⌋, which is within α·x of that item x when x ≥ 1 (values below 1 read as 0).
 * Memory grows with the logarithm of the value range, not with n: with α = 0.01, values from
 * 1 ms to one year need at most 1,210 buckets. Merging adds counts bucket by bucket, so it is
 * exact, associative and commutative — the same as SUM over stored rows.
 *
 * When to use: handle-time medians and p90s over any slice of periods, queues and workers
 * without keeping raw durations; exact quantiles are not mergeable, these are.
 *
 * Reference: Masson, Rim & Lee (2019) "DDSketch: a fast and fully-mergeable quantile sketch
 * with relative-error guarantees", PVLDB 12(12):2195-2205, §2 (https://arxiv.org/abs/1908.10693).
 *
 * Cost: add O(1); merge O(m) for m buckets of the other sketch; quantile and buckets
 * O(m log m); memory O(m).
 *
 * @throws {StatsInputError} when the relative accuracy is not strictly between 0 and 1; the
 * methods throw for invalid values, counts or q, an empty sketch's quantile, or merging a
 * sketch with another α
 * @example
 * const sketch = createQuantileSketch(0.01)
 * for (const ms of [120, 340, 90, 1500, 410]) sketch.add(ms)
 * sketch.quantile(0.5) // 340.4078… (exact median 340, within 1 %)
 * sketch.count() // 5
 */
export function createQuantileSketch(
  relativeAccuracy: number = DEFAULT_RELATIVE_ACCURACY,
): QuantileSketch {
  const mapping = sketchMapping('createQuantileSketch', relativeAccuracy)
  const { inverseLogGamma } = mapping
  const counts = new Map<number, number>()
  let total = 0

  const addToBucket = (bucket: number, times: number): void => {
    counts.set(bucket, (counts.get(bucket) ?? 0) + times)
    total += times
  }

  const sortedBuckets = (): [number, number][] => [...counts].sort(([a], [b]) => a - b)

  return {
    relativeAccuracy,
    add(value: number, times = 1): void {
      checkSketchValue('quantileSketch.add', value)
      if (!(Number.isSafeInteger(times) && times > 0)) {
        throw new StatsInputError('`quantileSketch.add` requires times to be a positive integer')
      }
      addToBucket(bucketOf(value, inverseLogGamma), times)
    },
    merge(other: QuantileSketch | Iterable<readonly [number, number]>): void {
      let rows: Iterable<readonly [number, number]>
      if (isSketch(other)) {
        if (other.relativeAccuracy !== relativeAccuracy) {
          throw new StatsInputError(
            '`quantileSketch.merge` requires sketches with the same relativeAccuracy',
          )
        }
        rows = other.buckets()
      } else {
        rows = other
      }
      // Validate every row before changing anything, so a bad row leaves the sketch intact.
      const checked: (readonly [number, number])[] = []
      for (const row of rows) {
        const [bucket, times] = row
        if (!(
          Number.isSafeInteger(bucket) &&
          bucket >= 0 &&
          Number.isSafeInteger(times) &&
          times >= 0
        )) {
          throw new StatsInputError('`quantileSketch.merge` requires rows of non-negative integers')
        }
        checked.push(row)
      }
      for (const [bucket, times] of checked) if (times > 0) addToBucket(bucket, times)
    },
    quantile(q: number): number {
      checkQuantileProbability('quantileSketch.quantile', q)
      if (total === 0) {
        throw new StatsInputError('`quantileSketch.quantile` requires at least one value')
      }
      return quantileOfSortedBuckets(sortedBuckets(), total, q, mapping)
    },
    count(): number {
      return total
    },
    buckets(): [number, number][] {
      return sortedBuckets()
    },
  }
}

function isSketch(
  other: QuantileSketch | Iterable<readonly [number, number]>,
): other is QuantileSketch {
  return typeof (other as Partial<QuantileSketch>).quantile === 'function'
}
