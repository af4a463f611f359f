import { PassThrough } from 'node:stream';
import { type ApiStatusError, statusBody } from './api-status';
import { storedObject } from './lazy-copies';
import type { ListFilter, ObjectStore } from './object-store';
import type { MockObject, ResolvedKind, StoreEvent } from './types';

/** Options of one watch stream. */
export interface WatchStreamOptions {
  kind: ResolvedKind;
  filter: ListFilter;
  /** The `resourceVersion` query parameter ('' or '0': start with the current objects as ADDED). */
  resourceVersion: string;
  /** End the stream after this many events (fault injection). */
  dropAfter?: number;
  /** Answer with an ERROR 410 event at once (fault injection). */
  gone?: boolean;
  /** `timeoutSeconds` of the request. */
  timeoutSeconds?: number;
  /**
   * The client allows bookmarks: one BOOKMARK with the current
   * resourceVersion follows the initial events (through nock, response
   * headers only reach the client with the first line, so this also lets
   * `Watch.watch()` resolve at once).
   */
  bookmarks?: boolean;
  /** Called when the stream ends, for whatever reason. */
  onClose?: () => void;
  /** What each event carries instead of the object (kubectl asks for Table rows). */
  transform?: (object: MockObject) => unknown;
}

const GONE = (message: string) => ({ type: 'ERROR', object: statusBody(410, 'Expired', message) });

/**
 * Opens a watch: newline-delimited JSON events, resumable from a
 * resourceVersion, answering `410 Gone` when the history does not reach back.
 */
export function openWatchStream(store: ObjectStore, options: WatchStreamOptions): PassThrough {
  const stream = new PassThrough();
  let sent = 0;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    if (timer) clearTimeout(timer);
    if (!stream.destroyed) stream.end();
    options.onClose?.();
  };
  const write = (line: unknown): void => {
    if (closed) return;
    if (stream.destroyed || stream.writableEnded) {
      close();
      return;
    }
    stream.write(JSON.stringify(line) + '\n');
    if (options.dropAfter !== undefined && ++sent >= options.dropAfter) close();
  };
  const seen = watchedBy(store, options);
  const view = (o: MockObject) => (options.transform ? options.transform(o) : o);
  function onEvent(event: StoreEvent): void {
    const e = seen(event);
    // Serialized at once: the object as stored, without a copy.
    if (e) write({ type: e.type, object: view(storedObject(e)) });
  }
  /** An event that cannot be converted for this watch ends it with an ERROR event, as on the API server. */
  function onError(err: ApiStatusError): void {
    write({ type: 'ERROR', object: err.toStatus() });
    close();
  }
  stream.on('close', close);
  stream.on('error', close);

  const initial = initialEvents(store, options, seen);
  if ('gone' in initial) {
    write(GONE(initial.gone));
    close();
    return stream;
  }
  for (const e of initial.events) write({ type: e.type, object: view(storedObject(e)) });
  if (options.dropAfter === 0) close();
  if (closed) return stream;
  if (options.bookmarks) stream.write(JSON.stringify(bookmark(options.kind, store.resourceVersion)) + '\n');
  unsubscribe = store.subscribe(options.kind, onEvent, onError);
  if (options.timeoutSeconds && options.timeoutSeconds > 0) {
    timer = setTimeout(close, options.timeoutSeconds * 1000);
    timer.unref?.();
  }
  return stream;
}

/** The event as a watch with `options` sees it (converted for a view of its kind), if it is one it sends. */
function watchedBy(store: ObjectStore, options: Pick<WatchStreamOptions, 'kind' | 'filter'>): (event: StoreEvent) => StoreEvent | undefined {
  const selected = store.matcher(options.filter);
  return (event) => {
    const e = store.seenBy(options.kind, event);
    if (!e) return undefined;
    const o = storedObject(e);
    if (options.kind.namespaced && options.filter.namespace && o.metadata.namespace !== options.filter.namespace) return undefined;
    return selected(o) ? e : undefined;
  };
}

/**
 * What a watch sends before the changes that follow it: the events since
 * `resourceVersion` (those this watch sees), or every current object as
 * ADDED when it is '' or '0'; `gone` (the message of the 410) when the
 * history does not reach back that far or the fault was injected.
 */
function initialEvents(
  store: ObjectStore,
  options: WatchStreamOptions,
  seen: (event: StoreEvent) => StoreEvent | undefined,
): { events: Array<Pick<StoreEvent, 'type' | 'object'>> } | { gone: string } {
  if (options.gone) return { gone: 'too old resource version (injected fault)' };
  const rv = options.resourceVersion;
  if (!rv || rv === '0') return { events: store.list(options.kind, options.filter).map((object) => ({ type: 'ADDED' as const, object })) };
  const n = Number(rv);
  const past = Number.isInteger(n) ? store.eventsSince(options.kind, n) : 'gone';
  if (past === 'gone') return { gone: `too old resource version: ${rv} (${store.resourceVersion})` };
  return { events: past.map(seen).filter((e): e is StoreEvent => e !== undefined) };
}

/** The BOOKMARK event carrying the store's current resourceVersion. */
function bookmark(kind: ResolvedKind, resourceVersion: number): unknown {
  const apiVersion = kind.group ? `${kind.group}/${kind.version}` : kind.version;
  return { type: 'BOOKMARK', object: { apiVersion, kind: kind.kind, metadata: { resourceVersion: String(resourceVersion) } } };
}
