// One container: a header with its state and actions, and tabs for logs, terminal, inspect, stats.
import { useCallback, useEffect, useRef } from 'react';
import type { ContainerSummary } from '@contract/index';
import { useApp, type ContainerTab } from '../../stores/app-store';
import { useContainers, type ContainerAction } from '../../stores/containers-store';
import { useStatusText } from '../../components/use-status-text';
import { STATE_LABEL, exitCodeOf, presentPorts, shortId, stateTone } from '../../presenters/container-presenter';
import { ContainerActions } from '../containers/ContainerRow';
import { ExternalIcon } from '../../components/icons';
import { LogsTab } from '../logs/LogsTab';
import { TerminalTab } from '../terminal/TerminalTab';
import { InspectTab } from '../inspect/InspectTab';
import { StatsTab } from '../stats/StatsTab';

const TAB_LABEL: Record<ContainerTab, string> = { logs: 'Logs', terminal: 'Terminal', inspect: 'Inspect', stats: 'Stats' };

export function ContainerDetail({ id, tab }: { id: string; tab: ContainerTab }) {
  const navigate = useApp((a) => a.navigate);
  const confirmDestructive = useApp((a) => a.settings?.confirmDestructive ?? true);
  const c = useContainers((s) => s.byId.get(id) ?? [...s.byId.values()].find((x) => x.name === id));
  const loaded = useContainers((s) => s.loaded);
  const statusText = useStatusText(c);
  const pending = useContainers((s) => (c ? s.pending[c.id] : undefined));
  const error = useContainers((s) => (c ? s.errors[c.id] : undefined));
  const ask = useContainers((s) => s.ask);
  const dismiss = useContainers((s) => s.dismissError);
  // Opening a container moves focus to its name (not left on the body of the list that unmounted).
  const heading = useRef<HTMLHeadingElement>(null);
  const shownId = c?.id;
  useEffect(() => {
    // Only when focus was lost (a tab's own content, e.g. the terminal, may have taken it already).
    if (!shownId) return;
    const lost = (): boolean => {
      const a = document.activeElement;
      return a === null || a === document.body || !a.isConnected;
    };
    if (lost()) heading.current?.focus();
    // Again while the tab's content settles: a lazy chunk or a remount may drop focus later (how much
    // later depends on the machine), so watch for 1.5 s. Focus the user put somewhere is never taken.
    let checks = 0;
    const t = setInterval(() => {
      if (lost()) heading.current?.focus();
      if (++checks >= 15) clearInterval(t);
    }, 100);
    return () => clearInterval(t);
  }, [shownId]);
  const onAction = useCallback((x: ContainerSummary, a: ContainerAction) => ask([x], a, { confirmDestructive }), [ask, confirmDestructive]);

  if (!c) {
    return (
      <section className="view" aria-label="Container">
        <nav className="crumbs">
          <a href="#/containers" onClick={(e) => (e.preventDefault(), navigate({ name: 'containers' }))}>
            Containers
          </a>
        </nav>
        <div className="empty">{loaded ? <h2>This container no longer exists</h2> : <p className="muted">Loading…</p>}</div>
      </section>
    );
  }
  const tone = stateTone(c.state, exitCodeOf(c));
  return (
    <section className="view detail" aria-label={`Container ${c.name}`}>
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href="#/containers" onClick={(e) => (e.preventDefault(), navigate({ name: 'containers' }))}>
          Containers
        </a>
        {c.composeProject && <span className="muted"> / {c.composeProject}</span>}
      </nav>
      <header className="detail-header">
        <div className="detail-title">
          <h1 ref={heading} tabIndex={-1} className="focus-target">
            {c.name}
          </h1>
          <span className={`badge badge-${tone}`} data-testid="detail-state" data-state={c.state}>
            <span className="dot" />
            {STATE_LABEL[c.state]}
          </span>
          <span className="muted small" data-testid="detail-status">
            {statusText}
          </span>
        </div>
        <div className="detail-meta muted small">
          <span className="mono">{shortId(c.id)}</span> · <span className="mono">{c.image}</span>
          {presentPorts(c.ports)
            .filter((p) => p.href)
            .map((p) => (
              <a key={p.label} className="port" href={p.href} target="_blank" rel="noopener noreferrer">
                {p.label}
                <ExternalIcon />
              </a>
            ))}
        </div>
        <div className="detail-actions" role="toolbar" aria-label={`Actions for ${c.name}`}>
          <ContainerActions c={c} busy={pending !== undefined} onAction={onAction} />
          <button type="button" className="btn btn-sm" onClick={() => navigate({ name: 'run', recreate: c.id })}>
            Recreate with changes
          </button>
        </div>
      </header>
      {error && (
        <div className="banner banner-error" role="alert">
          <span>
            {error.action} failed: {error.message}
          </span>
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => dismiss(c.id)}>
            Dismiss
          </button>
        </div>
      )}
      <div className="tabs" role="tablist" aria-label="Container views">
        {(Object.keys(TAB_LABEL) as ContainerTab[]).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={t === tab}
            className={t === tab ? 'tab tab-on' : 'tab'}
            onClick={() => navigate({ name: 'container', id, tab: t })}
          >
            {TAB_LABEL[t]}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" aria-label={TAB_LABEL[tab]}>
        {tab === 'logs' && <LogsTab container={c} />}
        {tab === 'terminal' && <TerminalTab container={c} />}
        {tab === 'inspect' && <InspectTab container={c} />}
        {tab === 'stats' && <StatsTab container={c} />}
      </div>
    </section>
  );
}
