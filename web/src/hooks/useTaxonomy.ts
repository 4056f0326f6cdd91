/** The current taxonomy (policies, actions, root causes, rubric) for forms and labels. */
import { useQuery } from '@tanstack/react-query'
import { api } from '../api/client'
import type { Taxonomy } from '../api/types'

/** Only auditors may read the rubric today; others get `enabled: false` and fall back to codes. */
export function useTaxonomy(enabled = true) {
  return useQuery({
    queryKey: ['taxonomy'],
    queryFn: () => api.get<Taxonomy>('/v1/tasks/rubric'),
    staleTime: 10 * 60_000,
    enabled,
  })
}

export function nameOf(
  entries: { code: string; name?: string }[] | undefined,
  code: string | null | undefined,
): string {
  if (code == null) return '—'
  return entries?.find((e) => e.code === code)?.name ?? code
}
