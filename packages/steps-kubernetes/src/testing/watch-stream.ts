import { PassThrough } from 'node:stream';
import { type ApiStatusError, statusBody } from './api-status';
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
  const selected = store.matcher(options.filter);
  /** The event as this watch sees it (converted for a view of its kind), if it is one it sends. */
  const seen = (event: StoreEvent): StoreEvent | undefined => {
    const e = store.seenBy(options.kind, event);
    if (!e) return undefined;
    const o = e.object;
    if (options.kind.namespaced && options.filter.namespace && o.metadata.namespace !== options.filter.namespace) return undefined;
    return selected(o) ? e : undefined;
  };
  const view = (o: MockObject) => (options.transform ? options.transform(o) : o);
  function onEvent(event: StoreEvent): void {
    const e = seen(event);
    if (e) write({ type: e.type, object: view(e.object) });
  }
  /** An event that cannot be converted for this watch ends it with an ERROR event, as on the API server. */
  function onError(err: ApiStatusError): void {
    write({ type: 'ERROR', object: err.toStatus() });
    close();
  }
  stream.on('close', close);
  stream.on('error', close);

  if (options.gone) {
    write(GONE('too old resource version (injected fault)'));
    close();
    return stream;
  }
  const rv = options.resourceVersion;
  if (rv && rv !== '0') {
    const n = Number(rv);
    const past = Number.isInteger(n) ? store.eventsSince(options.kind, n) : 'gone';
    if (past === 'gone') {
      write(GONE(`too old resource version: ${rv} (${store.resourceVersion})`));
      close();
      return stream;
    }
    for (const event of past) {
      const e = seen(event);
      if (e) write({ type: e.type, object: view(e.object) });
    }
  } else {
    for (const o of store.list(options.kind, options.filter)) write({ type: 'ADDED', object: view(o) });
  }
  if (options.dropAfter === 0) close();
  if (closed) return stream;
  if (options.bookmarks) {
    const [group, version] = options.kind.group ? [options.kind.group + '/', options.kind.version] : ['', options.kind.version];
    stream.write(
      JSON.stringify({
        type: 'BOOKMARK',
        object: { apiVersion: group + version, kind: options.kind.kind, metadata: { resourceVersion: String(store.resourceVersion) } },
      }) + '\n',
    );
  }
  unsubscribe = store.subscribe(options.kind, onEvent, onError);
  if (options.timeoutSeconds && options.timeoutSeconds > 0) {
    timer = setTimeout(close, options.timeoutSeconds * 1000);
    timer.unref?.();
  }
  return stream;
}
