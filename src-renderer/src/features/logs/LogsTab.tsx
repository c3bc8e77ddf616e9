// The Logs tab of a container's page.
import type { ContainerSummary } from '@contract/index';
import { useContainers } from '../../stores/containers-store';
import { LogView } from './LogView';

export function LogsTab({ container }: { container: ContainerSummary }) {
  const hostId = useContainers((s) => s.hostId);
  // key: a different container gets a fresh view (buffer, search, scroll).
  return <LogView key={`${hostId}:${container.id}`} source={{ kind: 'container', hostId, id: container.id, name: container.name }} label={container.name} />;
}
