// Terminals on a machine rather than in a container: this machine (node-pty; shown only when
// system.info says the core allows it: always in the desktop app, in serve mode only with
// --enable-host-terminal), or an SSH host (#/terminal/<hostId>: a login shell over that host's SSH
// connection, opened from Settings → Hosts).
import { useApp } from '../../stores/app-store';
import { TerminalTabs } from './TerminalTabs';

export function HostTerminalView() {
  const route = useApp((a) => a.route);
  const hostId = route.name === 'terminal' ? route.hostId : undefined;
  if (hostId) return <SshHostTerminal hostId={hostId} />;
  return <LocalHostTerminal />;
}

function LocalHostTerminal() {
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

function SshHostTerminal({ hostId }: { hostId: string }) {
  const host = useApp((a) => a.hosts.find((h) => h.id === hostId));
  const connected = host?.state === 'connected';
  const whyNot = !host ? 'No such host (it was removed?).' : host.kind !== 'ssh' ? `${host.name} is not an SSH host.` : !connected ? `${host.name} is ${host.state}${host.reason ? `: ${host.reason}` : ''}.` : undefined;
  return (
    <section className="view" aria-label={`Shell on ${host?.name ?? hostId}`}>
      <header className="view-header">
        <div>
          <h1>Shell on {host?.name ?? hostId}</h1>
          <p className="muted small">A login shell on the server itself, over WakeDock&apos;s SSH connection to it{host ? ` (${host.endpoint.url})` : ''}.</p>
        </div>
      </header>
      <TerminalTabs key={hostId} scope={{ kind: 'ssh', hostId }} canOpen={connected && host?.kind === 'ssh'} whyNot={whyNot} autoOpen />
    </section>
  );
}
