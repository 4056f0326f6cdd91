/** The signed-in user (GET /v1/session), sign-in and sign-out; `can()` checks a permission. */
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query'
import { api, setCsrfToken } from '../api/client'
import { ApiError } from '../api/errors'
import type { Permission, Session, SignInRequest } from '../api/types'

export const SESSION_KEY = ['session'] as const

async function fetchSession(): Promise<Session | null> {
  try {
    const session = await api.get<Session>('/v1/session')
    if (session.csrfToken) setCsrfToken(session.csrfToken)
    return session
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null
    throw error
  }
}

/** Everything cached but the session itself: nothing of one user survives into the next. */
function dropOtherUsersData(client: QueryClient): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] })
}

export function useSession() {
  const query = useQuery({
    queryKey: SESSION_KEY,
    queryFn: fetchSession,
    staleTime: 60_000,
    retry: false,
  })
  const session = query.data ?? null
  const can = (...permissions: Permission[]) =>
    session !== null && permissions.some((p) => session.permissions.includes(p))
  return { ...query, session, can }
}

export function useSignIn() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (input: SignInRequest) => api.post<Session>('/v1/session', input),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken)
      dropOtherUsersData(client)
      client.setQueryData(SESSION_KEY, session)
    },
  })
}

export function useSignOut() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: () => api.delete<unknown>('/v1/session'),
    onSettled: () => {
      setCsrfToken(null)
      dropOtherUsersData(client)
      client.setQueryData(SESSION_KEY, null)
    },
  })
}
