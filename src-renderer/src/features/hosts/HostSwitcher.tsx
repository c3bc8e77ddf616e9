// The sidebar's host switcher: All hosts, then every host of the registry with its state
// (connected / connecting / unreachable with its reason). Each entry's name is its text (name and
// state); in the icons-only sidebar the text is hidden and the name is the title, the two letters
// are CSS content (so they are not part of the name).
import type { Host } from '@contract/index';
import { allHostsSummary, switcherEntries, worstState } from '../../presenters/all-hosts-presenter';
import { ALL_HOSTS } from '../../stores/app-store';

export function HostSwitcher({ hosts, current, onPick }: { hosts: readonly Host[]; current: string; onPick(scope: string): void }) {
  const entries = switcherEntries(hosts);
  const all = current === ALL_HOSTS;
  const worst = worstState(hosts);
  return (
    <div className="host-switcher" role="group" aria-label="Hosts">
      <div className="nav-heading">Hosts</div>
      <button
        type="button"
        className={`nav-item host-entry${all ? ' nav-on' : ''}`}
        aria-current={all ? 'true' : undefined}
        title={`All hosts: ${allHostsSummary(hosts)}`}
        data-testid="host-entry-all"
        onClick={() => onPick(ALL_HOSTS)}
      >
        <span className={`host-avatar pill-${worst}`} data-initials="∗" aria-hidden>
          <span className="dot" />
        </span>
        <span className="host-entry-text">
          <span className="host-entry-name">All hosts</span>
          <span className="host-entry-state">{allHostsSummary(hosts)}</span>
        </span>
      </button>
      {entries.map((e) => {
        const on = e.id === current;
        return (
          <button
            key={e.id}
            type="button"
            className={`nav-item host-entry${on ? ' nav-on' : ''}`}
            aria-current={on ? 'true' : undefined}
            title={`${e.name}: ${e.text}`}
            data-testid="host-entry"
            data-host={e.id}
            data-state={e.state}
            onClick={() => onPick(e.id)}
          >
            <span className={`host-avatar pill-${e.state}`} data-initials={e.initials} aria-hidden>
              <span className="dot" />
            </span>
            <span className="host-entry-text">
              <span className="host-entry-name">{e.name}</span>
              <span className={`host-entry-state host-entry-${e.state}`}>{e.text}</span>
            </span>
          </button>
        );
      })}
    </div>
  );
}
