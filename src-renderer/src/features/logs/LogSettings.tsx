// Settings card for logs: how much history a view starts with, and how many lines it keeps.
import { useApp } from '../../stores/app-store';

const TAILS = [100, 500, 1000, 5000, 10_000, 50_000];
const BUFFERS = [10_000, 50_000, 100_000, 250_000, 500_000];
const fmt = (n: number): string => n.toLocaleString('en-US');

export function LogSettings() {
  const settings = useApp((a) => a.settings);
  const save = useApp((a) => a.saveSettings);
  const tail = settings?.logTail ?? 1000;
  const buffer = settings?.logBuffer ?? 50_000;
  const withCurrent = (list: number[], v: number): number[] => (list.includes(v) ? list : [...list, v].sort((a, b) => a - b));
  return (
    <section className="card" aria-labelledby="logs-h">
      <h2 id="logs-h">Logs</h2>
      <label className="field narrow">
        <span>Lines of history a log view starts with</span>
        <select aria-label="Lines of history a log view starts with" value={tail} onChange={(e) => void save({ logTail: Number(e.target.value) })}>
          {withCurrent(TAILS, tail).map((n) => (
            <option key={n} value={n}>
              {fmt(n)}
            </option>
          ))}
        </select>
        <small className="muted">"Load earlier" fetches more; Download always has the whole log.</small>
      </label>
      <label className="field narrow">
        <span>Lines a log view keeps</span>
        <select aria-label="Lines a log view keeps" value={buffer} onChange={(e) => void save({ logBuffer: Number(e.target.value) })}>
          {withCurrent(BUFFERS, buffer).map((n) => (
            <option key={n} value={n}>
              {fmt(n)}
            </option>
          ))}
        </select>
        <small className="muted">The oldest lines leave the view first; about 200 bytes of memory per line.</small>
      </label>
    </section>
  );
}
