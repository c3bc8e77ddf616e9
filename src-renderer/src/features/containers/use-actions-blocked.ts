// Why container actions are off for the host the list shows (null: they are on). See
// presenters/container-presenter.ts actionsBlockedReason.
import { actionsBlockedReason } from '../../presenters/container-presenter';
import { useApp } from '../../stores/app-store';
import { useContainers } from '../../stores/containers-store';

/** For `host` (default: the host the single-host pages show). */
export function useActionsBlocked(host?: string): string | null {
  const shown = useContainers((s) => s.hostId);
  const hostId = host ?? shown;
  const state = useApp((a) => a.hosts.find((h) => h.id === hostId)?.state);
  const reason = useApp((a) => a.hosts.find((h) => h.id === hostId)?.reason);
  return state === undefined ? null : actionsBlockedReason({ state, reason });
}
