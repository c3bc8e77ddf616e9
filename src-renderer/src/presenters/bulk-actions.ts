// What the bulk bar offers for a selection, and engine messages told with names (pure).
import type { ContainerSummary } from '@contract/index';
import { availableActions } from './container-presenter';

export type BulkAction = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill';

export interface BulkOffer {
  action: BulkAction;
  /** The selected containers the action applies to (the others are left alone). */
  targets: ContainerSummary[];
  /** "Stop selected" when it applies to all, "Stop 2 of 3" otherwise. */
  label: string;
}

const VERB: Record<BulkAction, string> = { start: 'Start', stop: 'Stop', restart: 'Restart', pause: 'Pause', unpause: 'Unpause', kill: 'Kill' };

/** Only the actions that apply to at least one selected container, each aimed at those it applies to. */
export function bulkOffers(selected: readonly ContainerSummary[]): BulkOffer[] {
  const out: BulkOffer[] = [];
  for (const action of Object.keys(VERB) as BulkAction[]) {
    const targets = selected.filter((c) => availableActions(c.state)[action]);
    if (targets.length === 0) continue;
    out.push({ action, targets, label: targets.length === selected.length ? `${VERB[action]} selected` : `${VERB[action]} ${targets.length} of ${selected.length}` });
  }
  return out;
}

/** An engine message about a container, with its 64- or 12-character id replaced by its name. */
export function withName(message: string, c: Pick<ContainerSummary, 'id' | 'name'> | undefined): string {
  if (!c) return message;
  return message.split(c.id).join(c.name).split(c.id.slice(0, 12)).join(c.name);
}
