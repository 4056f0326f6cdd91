/**
 * A category label given by a rater: a string or a finite number. Labels are compared with
 * `Map` semantics, so `1` and `'1'` are different categories.
 */
export type RatingLabel = string | number
