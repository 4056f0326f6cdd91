import type { RatingLabel } from './rating-label.js'

/**
 * Sorts distinct labels into the default category order: numbers ascending numerically, then
 * strings in UTF-16 code-unit order. Returns a new array (internal helper).
 */
export function sortLabels(labels: Iterable<RatingLabel>): RatingLabel[] {
  const numbers: number[] = []
  const strings: string[] = []
  for (const label of labels) {
    if (typeof label === 'number') numbers.push(label)
    else strings.push(label)
  }
  numbers.sort((x, y) => x - y)
  strings.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
  return [...numbers, ...strings]
}
