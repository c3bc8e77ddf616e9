// wake.* procedures: the Services page over the WakeManager. Without `wake` options (wake-on-demand
// off) the list is empty and says so, and the commands answer CONFLICT with how to turn it on.
import { RpcError } from '../../contract';
import type { wakeProcedures, WakeList } from '../../contract/procedures/wake';
import type { WakeProxyStatus } from '../../contract/wake-service';
import type { CoreContext, DomainHandlers } from '../context';
import { WakeError } from '../wake/wake-controller';
import { ProxySettingError, type WakeManager } from '../wake/wake-manager';

const OFF: WakeProxyStatus = { caddy: 'disabled', message: 'Wake on demand is off in this WakeDock.', hint: 'Start the headless server with `wakedock serve --wake` (the desktop app turns it on by itself).' };

function toRpc(e: unknown): unknown {
  if (e instanceof ProxySettingError) return RpcError.from('VALIDATION', e.message, { field: e.field, reason: 'INVALID_INPUT', detail: e.message });
  if (e instanceof WakeError) {
    const v = (e as WakeError & { validation?: { field: string; message: string } }).validation;
    if (v) return RpcError.from('VALIDATION', e.message, { field: v.field, reason: 'INVALID_INPUT', detail: v.message });
    return RpcError.from(e.code, e.message);
  }
  return e;
}

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toRpc(e);
  }
}

function list(m: WakeManager | null): WakeList {
  if (!m) return { services: [], errors: [], proxy: OFF };
  const file = m.fileStatus();
  return { services: m.views(), errors: m.declarationErrors(), proxy: m.proxyStatus(), ...(file ? { file } : {}) };
}

export function wakeHandlers(ctx: CoreContext): DomainHandlers<typeof wakeProcedures> {
  const m = ctx.services.wake;
  const need = (): WakeManager => {
    if (!m) throw RpcError.from('CONFLICT', OFF.message as string, { hint: OFF.hint });
    return m;
  };
  return {
    'wake.list': async () => list(m),
    'wake.proxy': async () => (m ? m.proxyStatus() : OFF),
    'wake.watch': (_input, sink) => {
      sink.next(list(m));
      if (!m) return () => undefined;
      let timer: NodeJS.Timeout | null = null;
      let last = 0;
      const send = (): void => {
        timer = null;
        last = Date.now();
        sink.next(list(m));
      };
      const off = m.onChange(() => {
        if (timer) return;
        timer = setTimeout(send, Math.max(0, 250 - (Date.now() - last)));
      });
      return () => {
        off();
        if (timer) clearTimeout(timer);
      };
    },
    'wake.preview': ({ service, replacing }) => guard(() => need().preview(service, replacing)),
    'wake.create': (input) => guard(() => need().create(input)),
    'wake.update': ({ name, service }) => guard(() => need().update(name, service)),
    'wake.remove': ({ name }) =>
      guard(async () => {
        await need().remove(name);
        return null;
      }),
    'wake.wakeNow': ({ name }) =>
      guard(async () => {
        const w = need();
        await w.controller.wake(name, 'wake now', { force: true });
        const v = w.controller.view(name);
        if (v?.state === 'failed') throw RpcError.from('CONFLICT', `${name} did not start: ${v.message ?? 'unknown error'}`);
        return null;
      }),
    'wake.setWebhook': ({ name, url, events }) => guard(() => need().setWebhook(name, url, events)),
    'wake.importYaml': (input) => guard(() => need().importYaml(input)),
    'wake.exportYaml': ({ path }) => guard(async () => ({ text: await need().exportYaml(path) })),
    'wake.watchFile': ({ path }) => guard(async () => (await need().watchFile(path)) ?? null),
    'wake.rootCertificate': () => guard(() => need().rootCertificate()),
    'wake.proxySettings': () => guard(async () => need().proxySettings()),
    'wake.setProxySettings': (input) => guard(() => need().setProxySettings(input)),
    'wake.sleepNow': ({ name }) =>
      guard(async () => {
        await need().controller.sleep(name, 'sleep now');
        return null;
      }),
  };
}
