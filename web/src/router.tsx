import { useEffect, useState, type AnchorHTMLAttributes, type ComponentType } from 'react';

// Hash routing (`#/kpis/kpi_1`): the server serves one page, and a reload or a shared link still works.

/** What a page receives: the `:name` parts of its path, and the query after `?`. */
export interface PageProps {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
}

export interface RouteDef {
  /** `/kpis/:id` style; `:name` matches one path segment. */
  readonly path: string;
  /** Shown in the nav and the document title. */
  readonly title: string;
  readonly component: ComponentType<PageProps>;
  readonly inNav: boolean;
  /** The scope the page's data needs (`admin:*`, `audit:read`): the nav leaves it out for anyone without it. */
  readonly needs?: string;
}

export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
}

function readLocation(): Location {
  const hash = decodeURI(window.location.hash.replace(/^#/, '')) || '/';
  const [path = '/', search = ''] = hash.split('?');
  return { path, query: new URLSearchParams(search) };
}

export function useLocation(): Location {
  const [location, setLocation] = useState(readLocation);
  useEffect(() => {
    const update = () => setLocation(readLocation());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return location;
}

/** The route whose path matches, with its parameters; null when none does. */
export function matchRoute(routes: readonly RouteDef[], path: string): { route: RouteDef; params: Record<string, string> } | null {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((p, i) => {
      if (p.startsWith(':')) return (params[p.slice(1)] = decodeURIComponent(parts[i]!)), true;
      return p === parts[i];
    });
    if (ok) return { route, params };
  }
  return null;
}

/** `/kpis/:id` with `{ id: 'kpi_1' }` → `/kpis/kpi_1`. */
export const pathTo = (path: string, params: Record<string, string> = {}): string =>
  path.replace(/:([a-zA-Z]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));

export const navigate = (to: string): void => {
  window.location.hash = to;
};

/** A link inside the app: an ordinary anchor, so keyboard, middle-click and screen readers work. */
export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return <a href={`#${to}`} {...rest} />;
}
