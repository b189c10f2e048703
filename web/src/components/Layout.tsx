import type { ReactNode } from 'react';
import type { User } from '../api/types.js';
import type { Route } from '../state/route.js';
import { useServices } from './context.js';
import { navigate } from './hooks.js';

export function Layout({ user, route, children }: { user: User | null; route: Route; children: ReactNode }) {
  const { client } = useServices();
  const link = (href: string, label: string, active: boolean) => (
    <a href={href} aria-current={active ? 'page' : undefined} className={active ? 'active' : undefined}>
      {label}
    </a>
  );
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/">
          PDF Studio
        </a>
        {user && (
          <nav aria-label="Main">
            {link('#/', 'Templates', route.name === 'dashboard' || route.name === 'editor')}
            {link('#/jobs', 'Jobs & downloads', route.name === 'jobs')}
            {link('#/api-keys', 'API keys', route.name === 'keys')}
          </nav>
        )}
        {user && (
          <div className="account">
            <span title={user.email}>{user.name || user.email}</span>
            <button
              type="button"
              onClick={() => {
                void client.logout().then(() => navigate('#/signin'));
              }}
            >
              Sign out
            </button>
          </div>
        )}
      </header>
      {/* Shown by CSS below 1024 px only: the editor's palette, page and panels need that width. */}
      <p className="narrow-notice" role="note" data-testid="narrow-notice">
        PDF Studio is made for screens at least 1024 pixels wide. On this one the editor&apos;s palette, page and panels are cramped: widen
        the window, zoom the browser out, or use a larger screen to design templates.
      </p>
      <main className="content">{children}</main>
    </div>
  );
}
