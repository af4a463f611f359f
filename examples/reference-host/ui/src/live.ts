import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type HostEvent } from './api';

/** Subscribes to the one event stream of the page. */
export type Subscribe = (listener: (e: HostEvent) => void) => () => void;
export const EventsContext = createContext<Subscribe>(() => () => undefined);

/**
 * Loads `path` (nothing while it is `null`), and loads it again after events that `matches` (coalesced, at most one load in flight).
 * While `frozen` is true the last answer stays and events load nothing: a page whose subject is being deleted must not ask for it again.
 * After a 404 events load nothing either (what is gone is not asked for on every event); `reload()` still asks.
 */
export function useLive<T>(
  path: string | null,
  matches: (e: HostEvent) => boolean,
  frozen = false,
): { data?: T; error?: string; errorStatus?: number | undefined; reload: () => void } {
  const subscribe = useContext(EventsContext);
  const [state, setState] = useState<{ data?: T; error?: string; errorStatus?: number | undefined }>({});
  const busy = useRef(false);
  const again = useRef(false);
  const isFrozen = useRef(frozen);
  isFrozen.current = frozen;
  const gone = useRef(false);
  const load = useCallback(() => {
    if (path === null || isFrozen.current) return;
    if (busy.current) {
      again.current = true;
      return;
    }
    busy.current = true;
    api<T>('GET', path!)
      .then(
        (data) => {
          gone.current = false;
          setState({ data });
        },
        (err: Error) => {
          const status = err instanceof ApiError ? err.status : undefined;
          gone.current = status === 404;
          setState((s) => ({ ...s, error: err.message, errorStatus: status }));
        },
      )
      .finally(() => {
        busy.current = false;
        if (again.current) {
          again.current = false;
          // Events that came while it was loading ask again, unless what it loaded is gone.
          if (!gone.current) load();
        }
      });
  }, [path]);
  useEffect(() => {
    setState({});
    gone.current = false;
    load();
    return subscribe((e) => {
      if (matches(e) && !gone.current) load();
    });
  }, [path]);
  return { ...state, reload: load };
}
