/** The frame of every signed-in page: header, role-aware navigation, the page. */
import { useState, type ReactNode } from 'react'
import { NavLink, useLocation } from 'react-router'
import type { Session } from '../api/types'
import { useSignOut } from '../hooks/useSession'
import { NAV } from '../nav'

export function Layout({ session, children }: { session: Session; children: ReactNode }) {
  const [open, setOpen] = useState(false)
  const location = useLocation()
  const signOut = useSignOut()
  const items = NAV.filter((item) => item.anyOf.some((p) => session.permissions.includes(p)))
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="/" aria-label="Assay home">
          <span aria-hidden="true" className="logo" />
          Assay
        </a>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={open}
          aria-controls="main-nav"
          onClick={() => setOpen((v) => !v)}
        >
          Menu
        </button>
        <nav id="main-nav" aria-label="Main" className={open ? 'open' : undefined}>
          <ul>
            {items.map((item) => (
              <li key={item.path}>
                <NavLink to={item.path} end={item.path === '/'} onClick={() => setOpen(false)}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user">
          <span title={session.roles.join(', ')}>
            {session.displayName ?? session.userId}
            <small> · {session.roles.join(', ')}</small>
          </span>
          <button
            type="button"
            className="link"
            onClick={() => signOut.mutate()}
            disabled={signOut.isPending}
          >
            Sign out
          </button>
        </div>
      </header>
      <main key={location.pathname} className="content">
        {children}
      </main>
    </div>
  )
}
