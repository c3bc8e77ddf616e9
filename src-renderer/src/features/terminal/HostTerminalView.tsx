// Terminals on the machine that runs the WakeDock core (node-pty). Shown only when system.info
// says the core allows it: always in the desktop app, in serve mode only with --enable-host-terminal.
import { useApp } from '../../stores/app-store';
import { TerminalTabs } from './TerminalTabs';

export function HostTerminalView() {
  const enabled = useApp((a) => a.info?.hostTerminal === true);
  const mode = useApp((a) => a.info?.mode);
  return (
    <section className="view" aria-label="Host terminal">
      <header className="view-header">
        <div>
          <h1>Host terminal</h1>
          <p className="muted small">A shell on {mode === 'serve' ? 'the machine running wakedock serve' : 'this computer'}.</p>
        </div>
      </header>
      {enabled ? (
        <TerminalTabs scope={{ kind: 'host' }} canOpen autoOpen />
      ) : (
        <div className="empty muted">The host terminal is disabled. Start wakedock serve with --enable-host-terminal to allow it.</div>
      )}
    </section>
  );
}

const TerminalIcon = () => (
  <svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
    <rect x="1.5" y="2.5" width="13" height="11" rx="1.5" />
    <path d="M4.5 6l2 2-2 2M8.5 10.5h3" />
  </svg>
);

/** The sidebar entry; nothing at all when the core does not allow a host terminal. */
export function HostTerminalNavItem({ active, onClick }: { active: boolean; onClick(): void }) {
  const enabled = useApp((a) => a.info?.hostTerminal === true);
  if (!enabled) return null;
  return (
    <button type="button" className={`nav-item${active ? ' nav-on' : ''}`} aria-current={active ? 'page' : undefined} onClick={onClick}>
      <TerminalIcon /> Host terminal
    </button>
  );
}
