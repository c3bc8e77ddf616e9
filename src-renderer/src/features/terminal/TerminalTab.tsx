// Integration point of the container detail page; the terminal feature replaces this body.
import type { ContainerSummary } from '@contract/index';

export function TerminalTab({ container }: { container: ContainerSummary }) {
  return <div className="empty muted">terminal for {container.name} is not built yet.</div>;
}
