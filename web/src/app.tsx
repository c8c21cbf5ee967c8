import { useEffect, useRef, useState } from 'react';
import { logout } from './api/client.ts';
import { getCredentials, onCredentials, type Credentials } from './api/credentials.ts';
import { grants, useMe } from './api/me.ts';
import { LoginPage } from './pages/login.tsx';
import { Link, matchRoute, useLocation } from './router.tsx';
import { routes } from './routes.tsx';

function who(c: Credentials): string {
  return c.kind === 'session' ? c.username : 'API key';
}

/** Layout: header (product, who is signed in), nav (from the route table), main (the matched page). */
export function App() {
  const [credentials, setCredentials] = useState(getCredentials);
  useEffect(() => onCredentials(setCredentials), []);
  const me = useMe(credentials);
  const location = useLocation();
  const match = matchRoute(routes, location.path);
  const heading = useRef<HTMLElement>(null);
  const title = credentials ? (match?.route.title ?? 'Not found') : 'Sign in';

  useEffect(() => {
    document.title = `${title} · MonitoringGrid`;
    // After navigating, a screen reader starts at the new page rather than the old link; unless the new
    // page already put the focus inside itself (the login form's username field, by autoFocus).
    if (!heading.current?.contains(document.activeElement)) heading.current?.focus({ preventScroll: true });
  }, [title, location.path]);

  return (
    <>
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); heading.current?.focus(); }}>Skip to content</a>
      <header className="app-header">
        <Link to="/" className="brand">MonitoringGrid</Link>
        {credentials && (
          <div className="who">
            <span>Signed in as {who(credentials)}</span>
            <button type="button" className="secondary" onClick={() => void logout()}>Sign out</button>
          </div>
        )}
      </header>
      {credentials && (
        <nav aria-label="Main" className="app-nav">
          <ul>
            {routes.filter((r) => r.inNav && (!r.needs || (me !== null && grants(me, r.needs)))).map((r) => (
              <li key={r.path}>
                <Link to={r.path} aria-current={match?.route === r ? 'page' : undefined}>{r.title}</Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" ref={heading} tabIndex={-1} aria-label={title}>
        {!credentials ? <LoginPage /> : match ? <match.route.component key={location.path} params={match.params} query={location.query} /> : <NotFound />}
      </main>
    </>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>There is no page here. <Link to="/">Back to the grid</Link>.</p>
    </section>
  );
}
