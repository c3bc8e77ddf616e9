// The parts of a container list that the single-host list (ContainersView) and All hosts
// (AllHostsView) both show: the search box, the state filter, the sortable header row, the bulk bar.
import type { ReactNode } from 'react';
import type { ContainerSummary } from '@contract/index';
import type { SortKey, StateFilter } from '../../presenters/container-presenter';
import { bulkOffers } from '../../presenters/bulk-actions';
import type { ListView } from '../../stores/container-rows';
import type { ContainerAction } from '../../stores/containers-store';
import { SearchIcon } from '../../components/icons';

type SortView = Pick<ListView, 'sort' | 'desc' | 'setSort'>;

function SortHeader({ view, k, label, className, title }: { view: SortView; k: SortKey; label: string; className: string; title?: string }) {
  const active = view.sort === k;
  return (
    <div role="columnheader" className={`cell ${className}`} title={title} aria-sort={active ? (view.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className={`sort-btn${active ? ' sort-active' : ''}`} onClick={() => view.setSort(k)}>
        {label}
        <span className="sort-arrow" aria-hidden>
          {active ? (view.desc ? '▼' : '▲') : ''}
        </span>
      </button>
    </div>
  );
}

/** The header row: select-all, then the columns (sortable ones sort the view); a Host column on All hosts. */
export function ListHead({ view, allSelected, onSelectAll, hostColumn = false }: { view: SortView; allSelected: boolean; onSelectAll(on: boolean): void; hostColumn?: boolean }) {
  return (
    <div role="rowgroup" className="thead">
      <div role="row" className="row row-head">
        <div className="row-main">
          <div role="columnheader" className="cell cell-check">
            <input type="checkbox" aria-label="Select all visible containers" checked={allSelected} onChange={(e) => onSelectAll(e.target.checked)} />
          </div>
          <SortHeader view={view} k="name" label="Name" className="cell-name" />
          {hostColumn && (
            <div role="columnheader" className="cell cell-host">
              Host
            </div>
          )}
          <SortHeader view={view} k="image" label="Image" className="cell-image" />
          <SortHeader view={view} k="state" label="State" className="cell-state" />
          <SortHeader view={view} k="cpu" label="CPU" className="cell-cpu" title="CPU % of one core, as docker stats shows it" />
          <SortHeader view={view} k="mem" label="Memory" className="cell-mem" title="Memory used without the page cache, and its share of the limit" />
          <div role="columnheader" className="cell cell-ports">
            Ports
          </div>
          <SortHeader view={view} k="created" label="Created" className="cell-created" />
          <div role="columnheader" className="cell cell-actions">
            Actions
          </div>
        </div>
      </div>
    </div>
  );
}

export function SearchBox({ value, onChange }: { value: string; onChange(q: string): void }) {
  return (
    <label className="search">
      <SearchIcon />
      <input type="search" placeholder="Filter by name, image, project or id" aria-label="Filter containers" value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

/** The state filter: one radio per state, with its count. */
export function StateSegments({ filters, value, counts, onChange }: { filters: { key: StateFilter; label: string }[]; value: StateFilter; counts: Partial<Record<StateFilter, number>>; onChange(f: StateFilter): void }) {
  return (
    <div className="segmented" role="radiogroup" aria-label="State filter">
      {filters.map((f) => (
        <button key={f.key} type="button" role="radio" aria-checked={value === f.key} className={value === f.key ? 'seg seg-on' : 'seg'} onClick={() => onChange(f.key)}>
          {f.label}
          <span className="seg-count">{counts[f.key] ?? 0}</span>
        </button>
      ))}
    </div>
  );
}

/** The bulk bar: what applies to the selection, aimed at the containers it applies to, and Remove. */
export function BulkBar({ count, note, selected, blocked, ask, onClear }: { count: number; note?: ReactNode; selected: ContainerSummary[]; blocked?: string | null; ask(targets: ContainerSummary[], a: ContainerAction): void; onClear(): void }) {
  return (
    <div className="bulkbar" role="toolbar" aria-label="Bulk actions">
      <span>
        <strong>{count}</strong> selected{note}
      </span>
      <fieldset className="actions-set" disabled={blocked != null} title={blocked ?? undefined}>
        {bulkOffers(selected).map((o) => (
          <button key={o.action} type="button" className="btn btn-sm" onClick={() => ask(o.targets, o.action)}>
            {o.label}
          </button>
        ))}
        <button type="button" className="btn btn-sm btn-danger" onClick={() => ask(selected, 'remove')}>
          Remove selected
        </button>
      </fieldset>
      <button type="button" className="btn btn-sm btn-ghost" onClick={onClear}>
        Clear selection
      </button>
    </div>
  );
}
