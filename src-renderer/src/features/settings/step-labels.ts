// Names of the hosts.test steps as the UI shows them.
import type { HostTestResult } from '@contract/index';

export const STEP_LABEL: Record<HostTestResult['steps'][number]['step'], string> = {
  connect: 'Connect',
  tls: 'TLS',
  hostKey: 'Host key',
  auth: 'Log in',
  socket: 'Docker socket',
  engine: 'Engine version',
};
