// The Disk usage page: /system/df by category with what is reclaimable and the largest items; a
// clean-up that lists exactly what it will remove (each item can be unticked), asks, removes exactly
// those, and reports the space freed (measured).
import { useCallback, useEffect, useState } from 'react';
import type { CleanupResult, DiskItem, DiskKind, DiskUsage } from '@contract/procedures/disk';
import { call } from '../../transport/client';
import { useApp } from '../../stores/app-store';
import { useContainers } from '../../stores/containers-store';
import { ConfirmDialog } from '../../components/Dialog';
import { formatBytes } from '../../presenters/stats-presenter';
import { ActionError } from '../resources/VirtualTable';
import { PruneList } from '../resources/PruneList';
import { shownError, type ShownError } from '../resources/errors';
import '../resources/resources.css';

const KIND_LABEL: Record<DiskKind, string> = { image: 'Images', container: 'Containers', volume: 'Volumes', 'build-cache': 'Build cache' };
const KIND_ONE: Record<DiskKind, string> = { image: 'image', container: 'container', volume: 'volume', 'build-cache': 'cache record' };
const itemKey = (i: { kind: DiskKind; id: string }): string => `${i.kind}:${i.id}`;

export function DiskView() {
  const hostId = useContainers((s) => s.hostId);
  const host = useApp((a) => a.hosts.find((h) => h.id === hostId));
  const [usage, setUsage] = useState<DiskUsage | null>(null);
  const [err, setErr] = useState<ShownError | null>(null);
  const [sel, setSel] = useState({ images: 'dangling' as 'none' | 'dangling' | 'unused', containers: true, volumes: 'none' as 'none' | 'anonymous' | 'unused', buildCache: true });
  const [preview, setPreview] = useState<{ items: DiskItem[]; total: number } | null>(null);
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CleanupResult | null>(null);
  const [cleanErr, setCleanErr] = useState<ShownError | null>(null);

  const load = useCallback(() => {
    call('disk.usage', { hostId })
      .then((u) => {
        setUsage(u);
        setErr(null);
      })
      .catch((e) => setErr(shownError(e)));
  }, [hostId]);
  useEffect(load, [load]);

  const look = async (): Promise<void> => {
    setCleanErr(null);
    setResult(null);
    setExcluded(new Set());
    try {
      setPreview(await call('disk.cleanupPreview', { hostId, ...sel }));
    } catch (e) {
      setCleanErr(shownError(e));
    }
  };
  const chosen = preview?.items.filter((i) => !excluded.has(itemKey(i))) ?? [];
  const chosenSize = chosen.reduce((n, i) => n + i.size, 0);
  const clean = async (): Promise<void> => {
    setAsking(false);
    setBusy(true);
    setCleanErr(null);
    try {
      setResult(await call('disk.cleanup', { hostId, items: chosen.map((i) => ({ kind: i.kind, id: i.id })) }));
      setPreview(null);
      load();
    } catch (e) {
      setCleanErr(shownError(e));
    } finally {
      setBusy(false);
    }
  };
  const changeSel = (patch: Partial<typeof sel>): void => {
    setSel({ ...sel, ...patch });
    setPreview(null);
  };

  return (
    <section className="view res-view res-scroll" aria-label="Disk usage">
      <header className="view-header res-header">
        <div>
          <h1>Disk usage</h1>
          <p className="muted">{usage ? `${formatBytes(usage.total)} on ${host?.name ?? hostId} · ${formatBytes(usage.reclaimable)} reclaimable` : err ? '' : 'Measuring…'}</p>
        </div>
        <div className="res-header-actions">
          <button type="button" className="btn" onClick={load}>
            Measure again
          </button>
        </div>
      </header>
      <ActionError error={err} />

      {usage && (
        <div className="res-cards" role="list" aria-label="Usage by category">
          {usage.categories.map((c) => (
            <div key={c.kind} className="res-card" role="listitem" aria-label={KIND_LABEL[c.kind]}>
              <h2>{KIND_LABEL[c.kind]}</h2>
              <div className="res-big">{formatBytes(c.size)}</div>
              <div className="small">
                {c.count} total · {c.active} in use
              </div>
              <div className="small muted">{formatBytes(c.reclaimable)} reclaimable</div>
            </div>
          ))}
        </div>
      )}

      {usage && usage.largest.length > 0 && (
        <div className="res-card">
          <h2>Largest items</h2>
          <table className="res-plain" aria-label="Largest items">
            <tbody>
              {usage.largest.map((i) => (
                <tr key={itemKey(i)}>
                  <td className="muted small">{KIND_ONE[i.kind]}</td>
                  <td className="mono ellipsis">{i.name}</td>
                  <td className="muted small">{i.note}</td>
                  <td className="res-num">{formatBytes(i.size)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div className="res-card" role="region" aria-label="Clean up">
        <h2>Clean up</h2>
        <div className="res-cleanup-sel">
          <label>
            Images{' '}
            <select value={sel.images} onChange={(e) => changeSel({ images: e.target.value as typeof sel.images })}>
              <option value="none">keep</option>
              <option value="dangling">dangling</option>
              <option value="unused">all unused</option>
            </select>
          </label>
          <label className="check">
            <input type="checkbox" checked={sel.containers} onChange={(e) => changeSel({ containers: e.target.checked })} />
            <span>Stopped containers</span>
          </label>
          <label>
            Volumes{' '}
            <select value={sel.volumes} onChange={(e) => changeSel({ volumes: e.target.value as typeof sel.volumes })}>
              <option value="none">keep</option>
              <option value="anonymous">unused anonymous</option>
              <option value="unused">all unused</option>
            </select>
          </label>
          <label className="check">
            <input type="checkbox" checked={sel.buildCache} onChange={(e) => changeSel({ buildCache: e.target.checked })} />
            <span>Unused build cache</span>
          </label>
          <button type="button" className="btn" onClick={() => void look()}>
            Show what would be removed
          </button>
        </div>
        {preview && preview.items.length === 0 && <p>Nothing to remove with this selection.</p>}
        {preview && preview.items.length > 0 && (
          <>
            <PruneList label="Items to remove" items={preview.items.map((i) => ({ id: itemKey(i), label: `${KIND_ONE[i.kind]} ${i.name}`, size: i.size, detail: i.note }))} excluded={excluded} onExcluded={setExcluded} />
            <div>
              <button type="button" className="btn btn-danger" disabled={busy || chosen.length === 0} onClick={() => setAsking(true)}>
                {busy ? 'Removing…' : `Remove ${chosen.length} item${chosen.length === 1 ? '' : 's'}…`}
              </button>
            </div>
          </>
        )}
        {result && (
          <div role="status" aria-label="Clean-up result">
            <p>
              Removed <strong>{result.removed.length}</strong> item{result.removed.length === 1 ? '' : 's'}, freed <strong>{formatBytes(result.spaceFreed)}</strong>.
            </p>
            {result.failed.length > 0 && (
              <ul className="res-list">
                {result.failed.map((f) => (
                  <li key={itemKey(f)}>
                    {KIND_ONE[f.kind]} <span className="mono">{f.id.replace(/^sha256:/, '').slice(0, 12)}</span>: {f.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <ActionError error={cleanErr} />
      </div>

      {asking && (
        <ConfirmDialog
          title={`Remove ${chosen.length} item${chosen.length === 1 ? '' : 's'}?`}
          body={
            <p>
              The {chosen.length} listed item{chosen.length === 1 ? '' : 's'} ({formatBytes(chosen.length ? chosenSize : 0)}) will be removed from {host?.name ?? hostId}. This cannot be undone.
            </p>
          }
          confirmLabel="Remove"
          danger
          onConfirm={() => void clean()}
          onCancel={() => setAsking(false)}
        />
      )}
    </section>
  );
}
