// A virtualized table for the resource pages (images, volumes, networks): only the visible rows are
// in the DOM; rows are measured, so a row that wraps (narrow window) or shows an error grows.
import { useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';

export function VirtualTable<T>(props: {
  label: string;
  items: readonly T[];
  rowKey(item: T): string;
  header: ReactNode;
  renderRow(item: T): ReactNode;
  /** The grid of the page's rows (res-grid-images…). */
  gridClass: string;
  estimate?: number;
  empty: ReactNode;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read fresh on every render, never memoized
  const v = useVirtualizer({
    count: props.items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => props.estimate ?? 56,
    getItemKey: (i) => props.rowKey(props.items[i]!),
    overscan: 10,
  });
  return (
    <div className={`table res-table ${props.gridClass}`} role="table" aria-label={props.label} aria-rowcount={props.items.length + 1}>
      <div role="rowgroup" className="thead">
        <div role="row" className="res-row res-head">
          {props.header}
        </div>
      </div>
      <div role="rowgroup" className="tbody" ref={scrollRef}>
        {props.items.length === 0 ? (
          <div className="empty muted">{props.empty}</div>
        ) : (
          <div style={{ height: v.getTotalSize(), position: 'relative' }}>
            {v.getVirtualItems().map((vi) => {
              const item = props.items[vi.index]!;
              return (
                <div key={vi.key} className="vrow" data-index={vi.index} ref={v.measureElement} style={{ transform: `translateY(${vi.start}px)` }}>
                  {props.renderRow(item)}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}

export function SortButton<K extends string>(props: { k: K; label: string; sort: K; desc: boolean; onSort(k: K): void; className?: string }) {
  const active = props.sort === props.k;
  return (
    <div role="columnheader" className={`res-cell ${props.className ?? ''}`} aria-sort={active ? (props.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className={`sort-btn${active ? ' sort-active' : ''}`} onClick={() => props.onSort(props.k)}>
        {props.label}
        <span className="sort-arrow" aria-hidden>
          {active ? (props.desc ? '▼' : '▲') : ''}
        </span>
      </button>
    </div>
  );
}

/** The engine's message (and hint) where the action was taken. */
export function ActionError({ error }: { error: { message: string; hint?: string } | null }) {
  if (!error) return null;
  return (
    <div className="res-error" role="alert">
      <strong>Failed:</strong> <span className="res-error-msg">{error.message}</span>
      {error.hint && <div className="res-error-hint">{error.hint}</div>}
    </div>
  );
}
