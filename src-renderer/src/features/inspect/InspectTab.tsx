// Integration point of the container detail page; the inspect feature replaces this body.
import type { ContainerSummary } from '@contract/index';

export function InspectTab({ container }: { container: ContainerSummary }) {
  return <div className="empty muted">inspect for {container.name} is not built yet.</div>;
}
