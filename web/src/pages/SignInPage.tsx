import { useState, type FormEvent } from 'react'
import { ErrorState } from '../components/ErrorState'
import { useSignIn } from '../hooks/useSession'

export function SignInPage() {
  const signIn = useSignIn()
  const [userId, setUserId] = useState('')
  const [password, setPassword] = useState('')
  const submit = (event: FormEvent) => {
    event.preventDefault()
    signIn.mutate({ userId: userId.trim(), password })
  }
  return (
    <main className="signin">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">
          <span aria-hidden="true" className="logo" /> Sign in to Assay
        </h1>
        <label>
          User id
          <input
            name="userId"
            autoComplete="username"
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {signIn.error && (
          <ErrorState error={signIn.error} what="POST /v1/session" title="Could not sign in:" />
        )}
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="hint">
          On a demo store (<code>assay demo</code>), the users are lead, admin, auditor-1…3,
          arbitrator-1 and moderators; the command prints their password.
        </p>
      </form>
    </main>
  )
}
