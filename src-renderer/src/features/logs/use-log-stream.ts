// Subscribes a LogModel to logs.follow / logs.followProject and turns stream events into buffer
// entries and a status the toolbar shows. Re-renders are throttled to one per animation frame, so a
// container writing a million lines costs a few renders per second, not one per batch.
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { ProcOutput, RpcErrorData } from '@contract/index';
import { subscribe } from '../../transport/client';
import { LogModel } from './log-model';
import { formatClock } from './log-presenter';

export type LogSource =
  | { kind: 'container'; hostId: string; id: string; name: string }
  | { kind: 'project'; hostId: string; project: string };

export interface LogRange {
  since?: string;
  until?: string;
}

type LogEvent = ProcOutput<'logs.follow'>;
type Sources = Extract<LogEvent, { kind: 'hello' }>['sources'];

export interface StreamStatus {
  phase: 'loading' | 'live' | 'exited' | 'removed' | 'complete' | 'error';
  exitCode?: number;
  error?: RpcErrorData;
  sources: Sources;
}

/** A tiny external store: the model plus a throttled change signal. */
export class ModelStore {
  private listeners = new Set<() => void>();
  private frame: number | null = null;
  private shown = -1;
  constructor(readonly model: LogModel) {}
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  getVersion = (): number => this.shown;
  /** Coalesce changes into one notification per frame (setTimeout when frames are throttled). */
  changed = (): void => {
    if (this.frame !== null) return;
    const run = (): void => {
      this.frame = null;
      this.shown = this.model.version;
      for (const l of this.listeners) l();
    };
    this.frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(run) : (setTimeout(run, 16) as unknown as number);
  };
  dispose(): void {
    if (this.frame === null) return;
    if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(this.frame);
    else clearTimeout(this.frame);
    // StrictMode disposes and then reuses the store: a stale id would block every later change.
    this.frame = null;
  }
}

export function useLogStream(source: LogSource, range: LogRange, capacity: number) {
  const store = useMemo(() => new ModelStore(new LogModel(capacity)), []); // eslint-disable-line react-hooks/exhaustive-deps -- one model per view; capacity changes are applied below
  const version = useSyncExternalStore(store.subscribe, store.getVersion);
  const [status, setStatus] = useState<StreamStatus>({ phase: 'loading', sources: [] });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    store.model.setCapacity(capacity);
    store.changed();
  }, [capacity, store]);

  const key = source.kind === 'container' ? `c:${source.hostId}:${source.id}` : `p:${source.hostId}:${source.project}`;
  useEffect(() => {
    const model = store.model;
    const onEvent = (ev: LogEvent): void => {
      switch (ev.kind) {
        case 'hello':
          // A fresh subscription (also after the transport reconnected): start from its history.
          model.clear();
          setStatus({ phase: 'loading', sources: ev.sources });
          break;
        case 'sources':
          setStatus((s) => ({ ...s, sources: ev.sources }));
          break;
        case 'lines':
          model.append(ev.lines);
          break;
        case 'caught-up':
          setStatus((s) => (s.phase === 'loading' ? { ...s, phase: 'live' } : s));
          break;
        case 'restart':
          model.marker(ev.at, `— ${ev.src ? `${ev.src} ` : 'container '}restarted at ${formatClock(ev.at)} —`);
          setStatus((s) => ({ ...s, phase: 'live', exitCode: undefined }));
          break;
        case 'state':
          if (ev.state === 'running') setStatus((s) => ({ ...s, phase: s.phase === 'loading' ? 'loading' : 'live', exitCode: undefined }));
          else if (ev.state === 'exited') {
            if (source.kind === 'project') model.marker(ev.at, `— ${ev.src ?? 'a container'} exited${ev.exitCode !== undefined ? ` (code ${ev.exitCode})` : ''} at ${formatClock(ev.at)} —`);
            else setStatus((s) => ({ ...s, phase: 'exited', exitCode: ev.exitCode }));
          } else if (ev.state === 'removed') {
            if (source.kind === 'project') model.marker(ev.at, `— ${ev.src ?? 'a container'} was removed —`);
            else setStatus((s) => ({ ...s, phase: 'removed' }));
          } else if (ev.state === 'complete') setStatus((s) => ({ ...s, phase: 'complete' }));
          break;
      }
      store.changed();
    };
    const onError = (e: RpcErrorData): void => setStatus((s) => ({ ...s, phase: 'error', error: e }));
    const off =
      source.kind === 'container'
        ? subscribe('logs.follow', { hostId: source.hostId, id: source.id, ...(range.since ? { since: range.since } : {}), ...(range.until ? { until: range.until } : {}) }, onEvent, onError)
        : subscribe('logs.followProject', { hostId: source.hostId, project: source.project }, onEvent, onError);
    return () => off();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- resubscribe when the target, the range or a retry changes
  }, [key, range.since, range.until, generation, store]);

  useEffect(() => () => store.dispose(), [store]);

  const retry = useCallback(() => setGeneration((g) => g + 1), []);
  // Stable identities: views list these in effect dependencies.
  return { model: store.model, version, status, retry, changed: store.changed };
}
