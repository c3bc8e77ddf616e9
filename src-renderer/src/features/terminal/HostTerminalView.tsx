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
