// Settings card for stats history: on/off and how many days of 5-minute history to keep.
import { useApp } from '../../stores/app-store';

const DAYS = [1, 3, 7, 14, 30, 90];

export function StatsSettings() {
  const settings = useApp((a) => a.settings);
  const save = useApp((a) => a.saveSettings);
  const on = settings?.statsHistory ?? true;
  const days = settings?.statsRetentionDays ?? 7;
  return (
    <section className="card" aria-labelledby="stats-h">
      <h2 id="stats-h">Stats history</h2>
      <label className="check">
        <input type="checkbox" checked={on} onChange={(e) => void save({ statsHistory: e.target.checked })} />
        <span>
          Record container stats so charts show the past
          <small>Running containers are read every 30 s, and every second while you watch them (list, Stats tab, dashboard); kept at 1 s for 10 minutes, 1 min for 24 hours, then 5 min.</small>
        </span>
      </label>
      <label className="field narrow">
        <span>Keep 5-minute history for</span>
        <select aria-label="Keep 5-minute history for" value={days} disabled={!on} onChange={(e) => void save({ statsRetentionDays: Number(e.target.value) })}>
          {DAYS.map((d) => (
            <option key={d} value={d}>
              {d} day{d === 1 ? '' : 's'}
            </option>
          ))}
        </select>
        <small className="muted">
          About {d2mb(days).toFixed(2)} MB on disk per container ({Math.round(d2mb(days) * 50)} MB for 50 containers).
        </small>
      </label>
    </section>
  );
}

/** Disk per container: 600 + 1440 rows fixed, 288 rows a day at 5 min, ~47 bytes a row (measured). */
function d2mb(days: number): number {
  return ((600 + 1440 + 288 * days) * 47) / 1e6;
}
