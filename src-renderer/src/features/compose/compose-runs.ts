// Compose actions in flight and their output, per host and project. Kept outside the page (a
// zustand store) so leaving the page does not stop a long `up`: the stream, and with it the CLI,
// ends when the action ends, when the user cancels, or when the connection closes.
import { create } from 'zustand';
import type { ComposeAction } from '@contract/procedures/compose';
import { subscribe } from '../../transport/client';

/** Output kept per run (the last lines; the CLI's output can be long). */
export const MAX_RUN_LINES = 500;

export interface RunLine {
  stream: 'stdout' | 'stderr' | 'info';
  text: string;
}

export interface ComposeRun {
  /** What the user asked, e.g. "stop web" or "down -v". */
  title: string;
  action: ComposeAction;
  services: string[];
  status: 'running' | 'done' | 'failed' | 'cancelled';
  lines: RunLine[];
  /** Lines dropped from the start to stay within MAX_RUN_LINES. */
  dropped: number;
  error?: { message: string; detail?: string; hint?: string };
  cancel(): void;
}

interface RunsState {
  runs: Record<string, ComposeRun>;
  start(hostId: string, project: string, action: ComposeAction, opts?: { services?: string[]; removeVolumes?: boolean; replicas?: number; build?: boolean; pull?: boolean }): void;
  dismiss(hostId: string, project: string): void;
}

export const runKey = (hostId: string, project: string): string => `${hostId}/${project}`;

export function appendLines(run: ComposeRun, add: RunLine[]): Pick<ComposeRun, 'lines' | 'dropped'> {
  const all = run.lines.concat(add);
  const over = Math.max(0, all.length - MAX_RUN_LINES);
  return { lines: over ? all.slice(over) : all, dropped: run.dropped + over };
}

export const useComposeRuns = create<RunsState>((set, get) => ({
  runs: {},
  start(hostId, project, action, opts = {}) {
    const key = runKey(hostId, project);
    if (get().runs[key]?.status === 'running') return;
    const services = opts.services ?? [];
    const removeVolumes = opts.removeVolumes ?? false;
    const update = (fn: (r: ComposeRun) => Partial<ComposeRun>): void =>
      set((s) => {
        const r = s.runs[key];
        return r ? { runs: { ...s.runs, [key]: { ...r, ...fn(r) } } } : s;
      });
    let unsubscribe: () => void = () => {};
    const run: ComposeRun = {
      title: action === 'scale' ? `scale ${services[0] ?? ''}=${opts.replicas ?? 1}` : [action, ...(removeVolumes ? ['-v'] : []), ...(opts.build ? ['--build'] : []), ...(opts.pull ? ['--pull'] : []), ...services].join(' '),
      action,
      services,
      status: 'running',
      lines: [],
      dropped: 0,
      cancel: () => {
        unsubscribe();
        update((r) => (r.status === 'running' ? { status: 'cancelled', ...appendLines(r, [{ stream: 'info', text: 'Cancelled: the compose command was stopped.' }]) } : {}));
      },
    };
    set((s) => ({ runs: { ...s.runs, [key]: run } }));
    unsubscribe = subscribe(
      'compose.run',
      { hostId, project, action, services, removeVolumes, ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}), ...(opts.build ? { build: true } : {}), ...(opts.pull ? { pull: true } : {}) },
      (e) => {
        if (e.kind === 'start') update((r) => appendLines(r, [{ stream: 'info', text: `$ ${e.command}` }]));
        else if (e.kind === 'output') update((r) => appendLines(r, [{ stream: e.stream, text: e.text }]));
        else update(() => ({ status: 'done' }));
      },
      (err) => update(() => ({ status: 'failed', error: { message: err.message, detail: err.detail, hint: err.hint } })),
    );
  },
  dismiss(hostId, project) {
    const key = runKey(hostId, project);
    const r = get().runs[key];
    if (!r || r.status === 'running') return;
    set((s) => {
      const runs = { ...s.runs };
      delete runs[key];
      return { runs };
    });
  },
}));
