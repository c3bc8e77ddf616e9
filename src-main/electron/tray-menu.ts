// What the tray menu shows, as plain data (no electron import), so it is unit-tested under Node.
// tray.ts turns it into an Electron Menu. The menu is built from the core's own state; actions go
// to the core directly, not through IPC.
import type { ContainerSummary, Host } from '../contract';
import { countStates, countsSummary, stateGroup, statusText, type StateGroup } from '../contract/container-status';

export interface TrayItem {
  label?: string;
  type?: 'normal' | 'separator';
  enabled?: boolean;
  /** Shown as a tooltip where the platform supports it. */
  toolTip?: string;
  click?: () => void;
  submenu?: TrayItem[];
}

export interface TrayActions {
  show(): void;
  reconnect(): void;
  start(id: string): void;
  stop(id: string): void;
  restart(id: string): void;
  startAll(ids: string[]): void;
  stopAll(ids: string[]): void;
  quit(): void;
}

export interface TrayModel {
  /** The engine's host; undefined before the core reported it. */
  host: Host | undefined;
  containers: readonly ContainerSummary[];
  /** The clock the status texts are printed at (epoch ms; default: now). */
  now?: number;
}

/** Items per section (and per project submenu) before "N more…". Menus with hundreds of rows are unusable. */
export const DEFAULT_TRAY_CAP = 25;

const SEPARATOR: TrayItem = { type: 'separator' };

/** Running for the purpose of the menu: something Stop applies to. */
export function isUp(c: ContainerSummary): boolean {
  return c.state === 'running' || c.state === 'restarting' || c.state === 'paused';
}

/** Start applies to these. A 'dead' container cannot be started; 'removing' is on its way out. */
function isStartable(c: ContainerSummary): boolean {
  return c.state === 'created' || c.state === 'exited';
}

/** On Windows and Linux "&" marks a mnemonic in menu labels; show it literally. */
function text(s: string): string {
  return s.replace(/&/g, '&&');
}

export function engineLabel(host: Host | undefined): string {
  if (!host) return 'Local engine: starting…';
  const name = text(host.name);
  switch (host.state) {
    case 'connected':
      return `${name}: connected${host.engineVersion ? ` (Docker ${host.engineVersion})` : ''}`;
    case 'connecting':
      return `${name}: connecting…`;
    case 'degraded':
      return `${name}: answering slowly`;
    case 'unresponsive':
      return `${name}: not answering`;
    case 'unreachable':
      return `${name}: unreachable`;
  }
}

function containerItem(c: ContainerSummary, actions: TrayActions, now: number): TrayItem {
  const up = isUp(c);
  const suffix = c.state === 'running' ? '' : ` (${c.state})`;
  const submenu: TrayItem[] = up
    ? [
        { label: 'Stop', click: () => actions.stop(c.id) },
        { label: 'Restart', click: () => actions.restart(c.id) },
      ]
    : [{ label: 'Start', enabled: isStartable(c), click: () => actions.start(c.id) }];
  return { label: text(`${c.composeService && c.composeProject ? c.composeService : c.name}${suffix}`), toolTip: `${c.image} — ${statusText(c, now)}`, submenu };
}

/** The first `cap` items, then "N more…" which opens the window where the full list is. */
function capped(items: TrayItem[], cap: number, actions: TrayActions): TrayItem[] {
  if (items.length <= cap) return items;
  return [...items.slice(0, cap), { label: `${items.length - cap} more…`, click: () => actions.show() }];
}

const byName = (a: ContainerSummary, b: ContainerSummary): number => a.name.localeCompare(b.name);

/**
 * The menu for every host: one host's section inline (as with a single engine), or one submenu per
 * host, titled with its state, when there are several. Actions are bound per host.
 */
export function buildHostsTrayMenu(models: readonly TrayModel[], actionsFor: (hostId: string) => TrayActions, app: Pick<TrayActions, 'show' | 'quit'>, cap = DEFAULT_TRAY_CAP): TrayItem[] {
  if (models.length <= 1) {
    const m = models[0] ?? { host: undefined, containers: [] };
    return buildTrayMenu(m, { ...(m.host ? actionsFor(m.host.id) : NO_ACTIONS), show: () => app.show(), quit: () => app.quit() }, cap);
  }
  return [
    { label: 'Show WakeDock', click: () => app.show() },
    SEPARATOR,
    ...models.map((m): TrayItem => ({ label: engineLabel(m.host), toolTip: m.host?.reason, submenu: hostSection(m, { ...actionsFor(m.host!.id), show: () => app.show(), quit: () => app.quit() }, cap) })),
    SEPARATOR,
    { label: 'Quit WakeDock', click: () => app.quit() },
  ];
}

const NO_ACTIONS: TrayActions = { show() {}, reconnect() {}, start() {}, stop() {}, restart() {}, startAll() {}, stopAll() {}, quit() {} };

export function buildTrayMenu(model: TrayModel, actions: TrayActions, cap = DEFAULT_TRAY_CAP): TrayItem[] {
  return [{ label: 'Show WakeDock', click: () => actions.show() }, SEPARATOR, ...hostSection(model, actions, cap), SEPARATOR, { label: 'Quit WakeDock', click: () => actions.quit() }];
}

/** One host: its engine state, then (while connected) its projects, running and stopped containers. */
function hostSection(model: TrayModel, actions: TrayActions, cap: number): TrayItem[] {
  const items: TrayItem[] = [];
  const host = model.host;
  items.push({ label: engineLabel(host), enabled: false, toolTip: host?.reason });
  if (host?.state === 'unreachable' || host?.state === 'unresponsive') {
    if (host.hint) items.push({ label: text(host.hint), enabled: false });
    items.push({ label: 'Reconnect now', click: () => actions.reconnect() });
  }

  // Containers are listed only while connected: when the engine is away the cached list is stale
  // and every action would fail anyway.
  if (host?.state === 'connected' || host?.state === 'degraded') {
    const now = model.now ?? Date.now();
    const item = (c: ContainerSummary): TrayItem => containerItem(c, actions, now);
    // Counted as the Containers page and the Dashboard count (container-status.ts).
    const all = countStates(model.containers);
    if (all.total > 0) items.push({ label: countsSummary(all), enabled: false });
    const projects = new Map<string, ContainerSummary[]>();
    const loose = new Map<StateGroup, ContainerSummary[]>();
    for (const c of model.containers) {
      if (c.state === 'removing') continue;
      if (c.composeProject) {
        const list = projects.get(c.composeProject) ?? [];
        list.push(c);
        projects.set(c.composeProject, list);
      } else {
        const g = stateGroup(c.state);
        loose.set(g, [...(loose.get(g) ?? []), c]);
      }
    }

    if (projects.size > 0) {
      items.push(SEPARATOR, { label: `Compose projects (${projects.size})`, enabled: false });
      const projectItems = [...projects.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, list]): TrayItem => {
          const up = list.filter(isUp).sort(byName);
          const down = list.filter((c) => !isUp(c)).sort(byName);
          const startable = down.filter(isStartable).map((c) => c.id);
          return {
            label: text(`${name} — ${countsSummary(countStates(list))}`),
            submenu: [
              { label: 'Start all', enabled: startable.length > 0, click: () => actions.startAll(startable) },
              { label: 'Stop all', enabled: up.length > 0, click: () => actions.stopAll(up.map((c) => c.id)) },
              SEPARATOR,
              ...capped([...up, ...down].map(item), cap, actions),
            ],
          };
        });
      items.push(...capped(projectItems, cap, actions));
    }

    // Running and Stopped always; Restarting and Paused when some container is in that state.
    for (const [g, title] of [['running', 'Running'], ['restarting', 'Restarting'], ['paused', 'Paused'], ['stopped', 'Stopped']] as const) {
      const list = loose.get(g) ?? [];
      if (list.length === 0 && g !== 'running' && g !== 'stopped') continue;
      items.push(SEPARATOR, { label: `${title} (${list.length})`, enabled: false });
      items.push(...capped(list.sort(byName).map(item), cap, actions));
    }
  }
  return items;
}

/** Keeps the container table from a watch stream (snapshot, then patches). */
export class ContainerTable {
  private readonly rows = new Map<string, ContainerSummary>();

  apply(patch: { kind: 'snapshot'; containers: ContainerSummary[] } | { kind: 'patch'; upserts: ContainerSummary[]; removed: string[] }): void {
    if (patch.kind === 'snapshot') {
      this.rows.clear();
      for (const c of patch.containers) this.rows.set(c.id, c);
      return;
    }
    for (const c of patch.upserts) this.rows.set(c.id, c);
    for (const id of patch.removed) this.rows.delete(id);
  }

  get list(): ContainerSummary[] {
    return [...this.rows.values()];
  }
}
