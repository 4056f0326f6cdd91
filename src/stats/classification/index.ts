// Barrel for the classification topic; each function lives in its own file.
export { averagePrecision } from './average-precision.js'
export { confusionMatrix } from './confusion-matrix.js'
export type {
  ClassScores,
  ConfusionMatrixOptions,
  ConfusionMatrixResult,
  PrecisionRecallF1,
} from './confusion-matrix.js'
export { expectedCalibrationError } from './expected-calibration-error.js'
export type {
  CalibrationBin,
  ExpectedCalibrationErrorOptions,
  ExpectedCalibrationErrorResult,
} from './expected-calibration-error.js'
export { rocAuc } from './roc-auc.js'
