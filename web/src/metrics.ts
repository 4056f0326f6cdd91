/** Metric and dimension choices offered by the pages (codes of the standard metric set). */
export const METRICS: { code: string; name: string }[] = [
  { code: 'accuracy', name: 'Accuracy' },
  { code: 'error_rate', name: 'Error rate' },
  { code: 'false_positive_rate', name: 'False-positive rate' },
  { code: 'false_negative_rate', name: 'False-negative rate' },
  { code: 'wrong_policy_rate', name: 'Wrong-policy rate' },
  { code: 'critical_error_rate', name: 'Critical-error rate' },
  { code: 'quality_score', name: 'Quality score' },
  { code: 'second_qa_agreement', name: 'Second-QA agreement' },
  { code: 'dispute_rate', name: 'Dispute rate' },
  { code: 'overturn_rate', name: 'Overturn rate' },
]

export const DIMENSIONS = [
  'region',
  'queue',
  'site',
  'language',
  'content_type',
  'actor_type',
  'actor_id',
  'policy',
  'auditor',
  'root_cause',
] as const

export const PERIODS = [
  { value: 'last-28d', label: 'Last 28 days' },
  { value: 'week', label: 'Latest week' },
  { value: 'month', label: 'Latest month' },
  { value: 'all', label: 'All time' },
]

export function metricName(code: string): string {
  return METRICS.find((m) => m.code === code)?.name ?? code
}

/** Error-like metrics are better low; the rest better high (unless the API says otherwise). */
export function higherIsBetter(code: string, fromApi?: boolean): boolean {
  if (fromApi !== undefined) return fromApi
  return !/(error|false_|wrong_|dispute|overturn)/.test(code)
}
