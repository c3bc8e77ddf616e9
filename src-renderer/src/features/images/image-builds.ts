// Image builds in flight and finished, per host, with their log (the last MAX_BUILD_LINES lines each).
// Kept outside the page (a zustand store) so closing the dialog or leaving the page does not stop a
// build and its log stays readable afterwards; the stream (and with it the engine's build) ends when
// the build ends, when the user cancels, or when the connection closes. At most MAX_BUILDS are kept.
import { create } from 'zustand';
import type { BuildInput } from '@contract/procedures/images';
import { subscribe } from '../../transport/client';

export const MAX_BUILD_LINES = 1000;
export const MAX_BUILDS = 10;

export interface ImageBuild {
  id: number;
  hostId: string;
  /** The first tag, or the folder. */
  title: string;
  input: BuildInput;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  lines: string[];
  /** Lines dropped from the start to stay within MAX_BUILD_LINES. */
  dropped: number;
  context: { bytes: number; files: number; sent: boolean } | null;
  imageId?: string;
  error?: { message: string; detail?: string; hint?: string; field?: string };
  startedAt: number;
  endedAt?: number;
  cancel(): void;
}

interface BuildsState {
  builds: ImageBuild[];
  /** Starts a build and returns its id. */
  start(input: BuildInput): number;
  dismiss(id: number): void;
}

export function appendBuildLines(b: Pick<ImageBuild, 'lines' | 'dropped'>, add: string[]): Pick<ImageBuild, 'lines' | 'dropped'> {
  const all = b.lines.concat(add);
  const over = Math.max(0, all.length - MAX_BUILD_LINES);
  return { lines: over ? all.slice(over) : all, dropped: b.dropped + over };
}

/** Keeps every running build and the newest finished ones, MAX_BUILDS in all. */
export function trimBuilds(list: ImageBuild[]): ImageBuild[] {
  let extra = list.length - MAX_BUILDS;
  if (extra <= 0) return list;
  return list.filter((b) => (extra > 0 && b.status !== 'running' ? (extra--, false) : true));
}

let nextId = 1;

export const useImageBuilds = create<BuildsState>((set, get) => ({
  builds: [],
  start(input) {
    const id = nextId++;
    const update = (fn: (b: ImageBuild) => Partial<ImageBuild>): void =>
      set((s) => ({ builds: s.builds.map((b) => (b.id === id ? { ...b, ...fn(b) } : b)) }));
    let unsubscribe: () => void = () => {};
    const build: ImageBuild = {
      id,
      hostId: input.hostId,
      title: input.tags?.[0] ?? input.context,
      input,
      status: 'running',
      lines: [],
      dropped: 0,
      context: null,
      startedAt: Date.now(),
      cancel: () => {
        unsubscribe();
        update((b) => (b.status === 'running' ? { status: 'cancelled', endedAt: Date.now(), ...appendBuildLines(b, ['Cancelled: the engine stops the build.']) } : {}));
      },
    };
    set((s) => ({ builds: trimBuilds([...s.builds, build]) }));
    unsubscribe = subscribe(
      'images.build',
      input,
      (e) => {
        if (e.kind === 'context') update(() => ({ context: { bytes: e.bytes, files: e.files, sent: e.sent } }));
        else if (e.kind === 'log') update((b) => appendBuildLines(b, e.lines));
        else update(() => ({ status: 'done', imageId: e.imageId, endedAt: Date.now() }));
      },
      (err) => update(() => ({ status: 'failed', endedAt: Date.now(), error: { message: err.message, detail: err.detail, hint: err.hint, field: err.field } })),
    );
    return id;
  },
  dismiss(id) {
    if (get().builds.find((b) => b.id === id)?.status === 'running') return;
    set((s) => ({ builds: s.builds.filter((b) => b.id !== id) }));
  },
}));
