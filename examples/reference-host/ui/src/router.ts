import { useEffect, useState } from 'preact/hooks';

/** A page of the UI, from the location's hash (`#/apps/my-app`, `#/resources/<id>`). */
export type Route = { page: 'apps' } | { page: 'app'; name: string } | { page: 'resource'; id: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'apps' && parts[1]) return { page: 'app', name: parts[1] };
  if (parts[0] === 'resources' && parts[1]) return { page: 'resource', id: parts[1] };
  return { page: 'apps' };
}

export function href(route: Route): string {
  if (route.page === 'app') return `#/apps/${encodeURIComponent(route.name)}`;
  if (route.page === 'resource') return `#/resources/${encodeURIComponent(route.id)}`;
  return '#/apps';
}

/** The current route, following `hashchange`. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
