// One container row. Identified by the container's name (aria-label) for tests and screen readers;
// every action has an accessible name.
import { memo } from 'react';
import type { ContainerSummary, DerivedSample } from '@contract/index';
import {
  STATE_LABEL,
  availableActions,
  exitCodeOf,
  presentPorts,
  relativeTime,
  shortId,
  stateTone,
} from '../../presenters/container-presenter';
import { CloseIcon, ExternalIcon, KillIcon, PauseIcon, PlayIcon, RenameIcon, RestartIcon, StopIcon, TrashIcon } from '../../components/icons';
import type { ContainerAction, RowError } from '../../stores/containers-store';
import { hashFor, hashFromRoute } from '../../stores/app-store';
import { StatsCells } from '../stats/StatsCells';
import { useActionsBlocked } from './use-actions-blocked';
import { useStatusText } from '../../components/use-status-text';
import { RowMenu, type MenuItem } from '../../components/RowMenu';

export interface RowProps {
  c: ContainerSummary;
  grouped: boolean;
  selected: boolean;
  pending?: ContainerAction;
  error?: RowError;
  onToggle(id: string): void;
  onAction(c: ContainerSummary, a: ContainerAction): void;
  onDismiss(id: string): void;
  onOpen(id: string): void;
  /** Live stats, when the row is on screen and running. */
  stats?: DerivedSample;
  /** All hosts view: the row's key (callbacks get it instead of the id) and its host (a Host column). */
  rowKey?: string;
  host?: { id: string; name: string };
}

const PENDING_LABEL: Record<ContainerAction, string> = {
  start: 'Starting…',
  stop: 'Stopping…',
  restart: 'Restarting…',
  pause: 'Pausing…',
  unpause: 'Resuming…',
  kill: 'Killing…',
  remove: 'Removing…',
  rename: 'Renaming…',
};

const ACTION_VERB: Record<ContainerAction, string> = {
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  pause: 'Pause',
  unpause: 'Unpause',
  kill: 'Kill',
  remove: 'Remove',
  rename: 'Rename',
};

function IconButton(props: { label: string; onClick(): void; disabled?: boolean; danger?: boolean; children: React.ReactNode }) {
  return (
    <button
      type="button"
      className={`icon-btn${props.danger ? ' icon-btn-danger' : ''}`}
      aria-label={props.label}
      title={props.label}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}

export const ContainerRow = memo(function ContainerRow({ c, grouped, selected, pending, error, onToggle, onAction, onDismiss, onOpen, stats, rowKey, host }: RowProps) {
  const key = rowKey ?? c.id;
  const exit = exitCodeOf(c);
  const statusText = useStatusText(c);
  const tone = stateTone(c.state, exit);
  const busy = pending !== undefined;
  const ports = presentPorts(c.ports);
  return (
    <div
      role="row"
      aria-label={c.name}
      aria-selected={selected}
      data-testid="container-row"
      data-host={host?.id}
      data-name={c.name}
      data-state={c.state}
      className={`row${selected ? ' row-selected' : ''}${error ? ' row-has-error' : ''}`}
    >
      <div className="row-main">
        <div role="cell" className="cell cell-check">
          <input type="checkbox" aria-label={`Select ${c.name}`} checked={selected} onChange={() => onToggle(key)} />
        </div>
        <div role="cell" className={`cell cell-name${grouped ? ' cell-indent' : ''}`}>
          <a
            className="name"
            title={`Open ${c.name}: logs, terminal, inspect, stats`}
            href={host ? hashFor(host.id, { name: 'container', id: c.id, tab: 'logs' }) : hashFromRoute({ name: 'container', id: c.id, tab: 'logs' })}
            onClick={(e) => {
              if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
              e.preventDefault();
              onOpen(key);
            }}
          >
            {c.name}
          </a>
          <span className="sub mono" title={c.id}>
            {host && <span className="sub-host">{host.name} · </span>}
            {c.composeService ? `${c.composeService} · ` : ''}
            {shortId(c.id)}
          </span>
        </div>
        {host && (
          <div role="cell" className="cell cell-host" data-testid="host-cell">
            <span className="ellipsis" title={`On ${host.name}`}>
              {host.name}
            </span>
          </div>
        )}
        <div role="cell" className="cell cell-image">
          <span className="ellipsis mono" title={c.image}>
            {c.image}
          </span>
        </div>
        <div role="cell" className="cell cell-state">
          <span className={`badge badge-${busy ? 'busy' : tone}`} data-testid="state-badge">
            <span className="dot" />
            {busy ? PENDING_LABEL[pending] : STATE_LABEL[c.state]}
          </span>
          {c.health !== 'none' && (
            <span className={`health health-${c.health}`} title={`Health: ${c.health}`}>
              {c.health === 'starting' ? 'health: starting' : c.health}
            </span>
          )}
          <span className="sub ellipsis" title={statusText} data-testid="status-text">
            {statusText}
          </span>
        </div>
        <StatsCells running={c.state === 'running'} stats={stats} />
        <div role="cell" className="cell cell-ports">
          {ports.length === 0 && <span className="muted">—</span>}
          {ports.slice(0, 3).map((p) =>
            p.href ? (
              <a key={p.label} className="port" href={p.href} target="_blank" rel="noopener noreferrer" title={`Open ${p.href}`}>
                {p.label}
                <ExternalIcon />
              </a>
            ) : (
              <span key={p.label} className="port port-private">
                {p.label}
              </span>
            ),
          )}
          {ports.length > 3 && (
            <span className="muted" title={ports.map((p) => p.label).join('\n')}>
              +{ports.length - 3}
            </span>
          )}
        </div>
        <div role="cell" className="cell cell-created" title={new Date(c.created * 1000).toLocaleString()}>
          {relativeTime(c.created)}
        </div>
        <div role="cell" className="cell cell-actions">
          <ContainerActions c={c} busy={busy} onAction={onAction} hostId={host?.id} />
        </div>
      </div>
      {error && (
        <div className="row-error" role="alert">
          <strong>{ACTION_VERB[error.action]} failed:</strong>
          <span className="row-error-msg">
            {error.message}
            {error.hint && <span className="muted"> {error.hint}</span>}
          </span>
          <button type="button" className="icon-btn" aria-label={`Dismiss error for ${c.name}`} onClick={() => onDismiss(key)}>
            <CloseIcon />
          </button>
        </div>
      )}
    </div>
  );
});

/**
 * The lifecycle buttons for one container (rows and the detail page). Every name says its object
 * ("Stop web-1"). The main one (Start/Stop) always shows; the other five show inline when there is
 * room, otherwise in a row menu (styles.css, container queries on the content area). The hidden
 * set is display:none, so it is out of the tab order and of the accessibility tree, and each
 * action exists once on screen.
 */
export function ContainerActions({ c, busy, onAction, hostId }: { c: ContainerSummary; busy: boolean; onAction(c: ContainerSummary, a: ContainerAction): void; hostId?: string }) {
  const blocked = useActionsBlocked(hostId);
  const can = availableActions(c.state);
  const n = c.name;
  const main = can.start ? (
    <IconButton label={`Start ${n}`} disabled={busy} onClick={() => onAction(c, 'start')}>
      <PlayIcon />
    </IconButton>
  ) : (
    <IconButton label={`Stop ${n}`} disabled={busy || !can.stop} onClick={() => onAction(c, 'stop')}>
      <StopIcon />
    </IconButton>
  );
  const paused = c.state === 'paused';
  const rest: MenuItem[] = [
    { label: 'Restart', name: `Restart ${n}`, disabled: busy || !can.restart, onSelect: () => onAction(c, 'restart'), icon: <RestartIcon /> },
    paused
      ? { label: 'Unpause', name: `Unpause ${n}`, disabled: busy, onSelect: () => onAction(c, 'unpause'), icon: <PlayIcon /> }
      : { label: 'Pause', name: `Pause ${n}`, disabled: busy || !can.pause, onSelect: () => onAction(c, 'pause'), icon: <PauseIcon /> },
    { label: 'Kill', name: `Kill ${n}`, disabled: busy || !can.kill, onSelect: () => onAction(c, 'kill'), icon: <KillIcon /> },
    { label: 'Rename', name: `Rename ${n}`, disabled: busy, onSelect: () => onAction(c, 'rename'), icon: <RenameIcon /> },
    { label: 'Remove', name: `Remove ${n}`, danger: true, disabled: busy, onSelect: () => onAction(c, 'remove'), icon: <TrashIcon /> },
  ];
  // A disabled fieldset disables every button inside it (and the row menu's trigger), whatever the
  // layout below; its title says why.
  return (
    <fieldset className="actions-set" disabled={blocked !== null} title={blocked ?? undefined} data-blocked={blocked !== null}>
      {main}
      <span className="actions-inline">
        <IconButton label={`Restart ${n}`} disabled={busy || !can.restart} onClick={() => onAction(c, 'restart')}>
          <RestartIcon />
        </IconButton>
        {paused ? (
          <IconButton label={`Unpause ${n}`} disabled={busy} onClick={() => onAction(c, 'unpause')}>
            <PlayIcon />
          </IconButton>
        ) : (
          <IconButton label={`Pause ${n}`} disabled={busy || !can.pause} onClick={() => onAction(c, 'pause')}>
            <PauseIcon />
          </IconButton>
        )}
        <IconButton label={`Kill ${n}`} disabled={busy || !can.kill} onClick={() => onAction(c, 'kill')}>
          <KillIcon />
        </IconButton>
        <IconButton label={`Rename ${n}`} disabled={busy} onClick={() => onAction(c, 'rename')}>
          <RenameIcon />
        </IconButton>
        <IconButton label={`Remove ${n}`} danger disabled={busy} onClick={() => onAction(c, 'remove')}>
          <TrashIcon />
        </IconButton>
      </span>
      <span className="actions-compact">
        <RowMenu label={`More actions for ${n}`} items={rest} />
      </span>
    </fieldset>
  );
}
