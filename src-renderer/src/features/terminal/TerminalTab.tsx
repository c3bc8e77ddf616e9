// The Terminal tab of the container page: shells in this container, kept in main while you are
// elsewhere. A stopped container still shows its ended sessions (with why they ended).
import type { ContainerSummary } from '@contract/index';
import { useContainers } from '../../stores/containers-store';
import { TerminalTabs } from './TerminalTabs';

export function TerminalTab({ container }: { container: ContainerSummary }) {
  const hostId = useContainers((s) => s.hostId);
  const running = container.state === 'running';
  const whyNot = running ? undefined : container.state === 'paused' ? 'Unpause the container to open a terminal in it.' : 'Start the container to open a terminal in it.';
  return <TerminalTabs scope={{ kind: 'container', hostId, containerId: container.id, containerName: container.name }} canOpen={running} whyNot={whyNot} autoOpen />;
}
