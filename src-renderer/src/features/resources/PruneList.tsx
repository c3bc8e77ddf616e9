// The preview of a prune: every item the engine would lose, each with a checkbox (all on at first),
// and the total of what is chosen. Only the chosen ids are sent, so the prune removes exactly what
// the user saw and kept ticked.
import { formatBytes } from '../../presenters/stats-presenter';

export interface PruneItem {
  id: string;
  label: string;
  size?: number | null;
  detail?: string;
}

export function PruneList(props: { label: string; items: PruneItem[]; excluded: ReadonlySet<string>; onExcluded(s: Set<string>): void }) {
  const chosen = props.items.filter((i) => !props.excluded.has(i.id));
  const size = chosen.reduce((n, i) => n + (i.size ?? 0), 0);
  const anySize = props.items.some((i) => typeof i.size === 'number');
  return (
    <div className="res-prune">
      <div className="res-prune-bar">
        <span>
          <strong>{chosen.length}</strong> of {props.items.length} chosen{anySize && <> · {formatBytes(size)}</>}
        </span>
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => props.onExcluded(new Set())}>
          Select all
        </button>
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => props.onExcluded(new Set(props.items.map((i) => i.id)))}>
          Select none
        </button>
      </div>
      <ul className="res-list" aria-label={props.label}>
        {props.items.map((i) => (
          <li key={i.id}>
            <label className="check res-prune-item">
              <input
                type="checkbox"
                checked={!props.excluded.has(i.id)}
                onChange={(e) => {
                  const next = new Set(props.excluded);
                  if (e.target.checked) next.delete(i.id);
                  else next.add(i.id);
                  props.onExcluded(next);
                }}
              />
              <span className="mono">{i.label}</span>
              {typeof i.size === 'number' && <span className="muted small">{formatBytes(i.size)}</span>}
              {i.detail && <span className="muted small">{i.detail}</span>}
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}
