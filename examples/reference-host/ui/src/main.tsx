import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, followEvents, getToken, setToken, type HostEvent } from './api';
import { ApplicationPage } from './ApplicationPage';
import { Applications } from './Applications';
import { EventsContext, type Subscribe } from './live';
import { ResourcePage } from './ResourcePage';
import { href, useRoute } from './router';
import { SignIn } from './SignIn';
import type { Whoami } from './types';

/** The signed-in UI: one event stream for the whole page, and the page of the route. */
function Shell({ who, onSignOut }: { who: Whoami; onSignOut: () => void }) {
  const route = useRoute();
  const [live, setLive] = useState(false);
  const listeners = useMemo(() => new Set<(e: HostEvent) => void>(), []);
  const subscribe = useMemo<Subscribe>(
    () => (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    [listeners],
  );
  useEffect(() => {
    const stop = new AbortController();
    followEvents(
      (e) => {
        for (const l of listeners) l(e);
      },
      stop.signal,
      () => setLive(true),
    );
    return () => stop.abort();
  }, []);
  return (
    <EventsContext.Provider value={subscribe}>
      <header>
        <a class="brand" href={href({ page: 'apps' })}>
          innominatus
        </a>
        <span class={`live ${live ? 'on' : ''}`} data-testid="live">
          {live ? 'live' : 'connecting…'}
        </span>
        <span class="who" data-testid="who">
          {who.name} ({who.role})
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main>
        {route.page === 'apps' && <Applications />}
        {route.page === 'app' && <ApplicationPage key={route.name} name={route.name} who={who} />}
        {route.page === 'resource' && <ResourcePage key={route.id} id={route.id} who={who} />}
      </main>
    </EventsContext.Provider>
  );
}

function App() {
  const [who, setWho] = useState<Whoami | null>(null);
  const [checking, setChecking] = useState(getToken() !== null);
  useEffect(() => {
    if (getToken())
      api<Whoami>('GET', '/api/whoami')
        .then(setWho, () => setToken(null))
        .finally(() => setChecking(false));
    const out = () => {
      setToken(null);
      setWho(null);
    };
    window.addEventListener('innominatus:signed-out', out);
    return () => window.removeEventListener('innominatus:signed-out', out);
  }, []);
  if (checking) return <p class="muted">signing in…</p>;
  if (!who) return <SignIn onSignedIn={setWho} />;
  return <Shell who={who} onSignOut={() => window.dispatchEvent(new Event('innominatus:signed-out'))} />;
}

render(<App />, document.getElementById('root')!);
