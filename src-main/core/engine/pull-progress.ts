// The engine's pull stream (one JSON object per line and layer) → per-layer progress that the UI
// can draw, emitted at a bounded rate by the handler.
import type { PullEvent, PullLayer } from '../../contract/procedures/run';

export interface RawPullLine {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

export class PullProgress {
  private readonly layers = new Map<string, PullLayer>();
  private status = 'Starting';
  digest: string | undefined;
  error: string | undefined;
  /** Set when something changed since the last snapshot. */
  dirty = false;

  constructor(private readonly ref: string) {}

  push(line: RawPullLine): void {
    if (line.error || line.errorDetail?.message) {
      this.error = line.errorDetail?.message ?? line.error;
      return;
    }
    const status = line.status ?? '';
    // Pull: "Digest: sha256:…"; push: "<tag>: digest: sha256:… size: 528".
    const digest = /^Digest: (sha256:[a-f0-9]+)/.exec(status)?.[1] ?? /: digest: (sha256:[a-f0-9]+)/.exec(status)?.[1];
    if (digest) this.digest = digest;
    // Lines about the image as a whole carry the tag (or nothing) as id.
    const isLayer = !!line.id && /^[a-f0-9]{12,}$/.test(line.id);
    if (!isLayer) {
      this.status = line.id && !status.includes(line.id) ? `${status} ${line.id}`.trim() : status;
      this.dirty = true;
      return;
    }
    const prev = this.layers.get(line.id!) ?? { id: line.id!, status };
    const next: PullLayer = { ...prev, status };
    const d = line.progressDetail;
    if (d && typeof d.total === 'number' && d.total > 0) {
      next.total = d.total;
      next.current = d.current ?? 0;
    }
    // A finished layer counts as fully downloaded.
    if (/^(Pull complete|Already exists|Download complete|Pushed|Layer already exists)$|^Mounted from /.test(status) && next.total !== undefined) next.current = next.total;
    this.layers.set(line.id!, next);
    this.dirty = true;
  }

  snapshot(): Extract<PullEvent, { kind: 'progress' }> {
    this.dirty = false;
    const layers = [...this.layers.values()];
    let current = 0;
    let total = 0;
    for (const l of layers) {
      if (l.total) {
        total += l.total;
        current += Math.min(l.current ?? 0, l.total);
      }
    }
    return { kind: 'progress', status: this.status || `Pulling ${this.ref}`, layers, current, total };
  }
}
