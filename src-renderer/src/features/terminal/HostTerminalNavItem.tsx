// The sidebar entry of the host terminal, kept apart from the view so the view (and xterm) load
// only when opened.
import { useApp } from '../../stores/app-store';

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
