import { lazy, Suspense, type ReactNode } from 'react'
import { Navigate, Route, Routes } from 'react-router'
import { ErrorState } from './components/ErrorState'
import { Layout } from './components/Layout'
import { Loading } from './components/Loading'
import { useSession } from './hooks/useSession'
import { homeFor, NAV } from './nav'
import { SignInPage } from './pages/SignInPage'

const OverviewPage = lazy(() =>
  import('./pages/OverviewPage').then((m) => ({ default: m.OverviewPage })),
)
const ExplorePage = lazy(() =>
  import('./pages/ExplorePage').then((m) => ({ default: m.ExplorePage })),
)
const TrendsPage = lazy(() => import('./pages/TrendsPage').then((m) => ({ default: m.TrendsPage })))
const RootCausesPage = lazy(() =>
  import('./pages/RootCausesPage').then((m) => ({ default: m.RootCausesPage })),
)
const ScorecardPage = lazy(() =>
  import('./pages/ScorecardPage').then((m) => ({ default: m.ScorecardPage })),
)
const AuditPage = lazy(() => import('./pages/AuditPage').then((m) => ({ default: m.AuditPage })))
const DisputesPage = lazy(() =>
  import('./pages/DisputesPage').then((m) => ({ default: m.DisputesPage })),
)
const PlansPage = lazy(() => import('./pages/PlansPage').then((m) => ({ default: m.PlansPage })))
const TargetsPage = lazy(() =>
  import('./pages/TargetsPage').then((m) => ({ default: m.TargetsPage })),
)

const PAGES: Record<string, ReactNode> = {
  '/': <OverviewPage />,
  '/explore': <ExplorePage />,
  '/trends': <TrendsPage />,
  '/root-causes': <RootCausesPage />,
  '/scorecard': <ScorecardPage />,
  '/audit': <AuditPage />,
  '/disputes': <DisputesPage />,
  '/plans': <PlansPage />,
  '/targets': <TargetsPage />,
}

export function App() {
  const { session, isPending, error, can } = useSession()
  if (isPending) return <Loading label="Checking your session" />
  if (error) {
    return (
      <main className="signin">
        <ErrorState error={error} what="GET /v1/session" />
      </main>
    )
  }
  if (session === null) return <SignInPage />
  const home = homeFor(session.permissions)
  return (
    <Layout session={session}>
      <Suspense fallback={<Loading />}>
        <Routes>
          {NAV.map((item) => (
            <Route
              key={item.path}
              path={item.path}
              element={
                can(...item.anyOf) ? (
                  PAGES[item.path]
                ) : item.path === '/' ? (
                  <Navigate to={home} replace />
                ) : (
                  <NoAccess />
                )
              }
            />
          ))}
          <Route
            path="/scorecard/:moderatorId"
            element={can('feedback:read-all') ? <ScorecardPage /> : <NoAccess />}
          />
          <Route path="/signin" element={<Navigate to={home} replace />} />
          <Route path="/no-access" element={<NoAccess />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </Layout>
  )
}

function NoAccess() {
  return (
    <section className="page">
      <h1>Not available for your role</h1>
      <p>Your roles do not include this page. Ask an admin if you need it.</p>
    </section>
  )
}

function NotFound() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>There is no page at this address.</p>
    </section>
  )
}
