// Integration point of the container detail page; the stats feature replaces this body.
import type { ContainerSummary } from '@contract/index';

export function StatsTab({ container }: { container: ContainerSummary }) {
  return <div className="empty muted">stats for {container.name} is not built yet.</div>;
}
