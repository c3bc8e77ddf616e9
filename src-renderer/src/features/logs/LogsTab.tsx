// Integration point of the container detail page; the logs feature replaces this body.
import type { ContainerSummary } from '@contract/index';

export function LogsTab({ container }: { container: ContainerSummary }) {
  return <div className="empty muted">logs for {container.name} is not built yet.</div>;
}
