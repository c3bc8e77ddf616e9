// COMMON: the kind of every procedure, without its schemas. The preload needs only this (to refuse
// a call to a stream before sending it) and must not bundle zod and the whole table for it. Kept by
// hand; tests/unit/contract/procedure-kinds.test.ts fails (and tsc with it) when a procedure is
// added to procedures.ts without its line here, or when a kind differs.
import type { ProcedureKind } from './define';

export const PROCEDURE_KINDS = {
  'system.info': 'query',
  'settings.get': 'query',
  'settings.update': 'command',
  'hosts.list': 'query',
  'hosts.watch': 'stream',
  'hosts.reconnect': 'command',
  'containers.list': 'query',
  'containers.watch': 'stream',
  'containers.reconcile': 'command',
  'containers.start': 'command',
  'containers.stop': 'command',
  'containers.restart': 'command',
  'containers.pause': 'command',
  'containers.unpause': 'command',
  'containers.kill': 'command',
  'containers.rename': 'command',
  'containers.remove': 'command',
  'alerts.rules.list': 'query',
  'alerts.rules.save': 'command',
  'alerts.rules.delete': 'command',
  'alerts.list': 'query',
  'alerts.watch': 'stream',
  'alerts.ack': 'command',
  'alerts.clear': 'command',
  'channels.list': 'query',
  'channels.save': 'command',
  'channels.delete': 'command',
  'channels.test': 'command',
  'containers.inspect': 'query',
  'containers.revealEnv': 'query',
  'images.list': 'query',
  'networks.list': 'query',
  'images.pull': 'stream',
  'containers.create': 'command',
  'containers.runSpec': 'query',
  'containers.recreate': 'command',
  'terminal.open': 'command',
  'terminal.attach': 'stream',
  'terminal.write': 'command',
  'terminal.resize': 'command',
  'terminal.close': 'command',
  'terminal.list': 'query',
  'logs.follow': 'stream',
  'logs.followProject': 'stream',
  'logs.earlier': 'query',
  'logs.saveToFile': 'command',
  'stats.watch': 'stream',
  'stats.history': 'query',
  'stats.engineHost': 'query',
  'images.watch': 'stream',
  'images.inspect': 'query',
  'images.history': 'query',
  'images.remove': 'command',
  'images.tag': 'command',
  'images.untag': 'command',
  'images.prunePreview': 'query',
  'images.prune': 'command',
} as const satisfies Record<string, ProcedureKind>;

export type KindMappedName = keyof typeof PROCEDURE_KINDS;

export function procedureKind(name: unknown): ProcedureKind | undefined {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(PROCEDURE_KINDS, name) ? PROCEDURE_KINDS[name as KindMappedName] : undefined;
}
