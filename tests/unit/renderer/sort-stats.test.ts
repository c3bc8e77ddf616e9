// CPU and memory columns sort by the live readings; containers without one go last (ascending: first).
import { describe, expect, it } from 'vitest';
import type { ContainerSummary } from '@contract/index';
import { buildRows } from '../../../src-renderer/src/presenters/container-presenter';

const c = (name: string, state: ContainerSummary['state'] = 'running'): ContainerSummary => ({ id: name, name, state, image: 'x', created: 0, status: '', ports: [], labels: {}, health: 'none' } as unknown as ContainerSummary);

describe('sort by CPU and memory', () => {
  const all = [c('a'), c('b'), c('c'), c('stopped', 'exited')];
  const stats = new Map([
    ['a', { cpuPercent: 5, memUsed: 300 }],
    ['b', { cpuPercent: 50, memUsed: 100 }],
    ['c', { cpuPercent: 20, memUsed: 200 }],
  ]);
  const names = (sort: 'cpu' | 'mem', desc: boolean): string[] =>
    buildRows(all, { query: '', state: 'all', sort, desc, group: false, collapsed: new Set(), stats }).flatMap((r) => (r.kind === 'container' ? [r.container.name] : []));
  it('orders by the reading', () => {
    expect(names('cpu', true)).toEqual(['b', 'c', 'a', 'stopped']);
    expect(names('cpu', false)).toEqual(['stopped', 'a', 'c', 'b']);
    expect(names('mem', true)).toEqual(['a', 'c', 'b', 'stopped']);
  });
});
