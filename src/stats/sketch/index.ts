// Barrel for the sketch topic; each function lives in its own file.
export { createQuantileSketch } from './create-quantile-sketch.js'
export type { QuantileSketch } from './create-quantile-sketch.js'
export { quantileFromBuckets } from './quantile-from-buckets.js'
export { quantileSketchBucket } from './quantile-sketch-bucket.js'
export { quantileSketchBucketValue } from './quantile-sketch-bucket-value.js'
