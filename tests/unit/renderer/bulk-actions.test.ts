// The bulk bar offers only what applies to the selection; engine messages name containers.
import { describe, expect, it } from 'vitest';
import type { ContainerSummary } from '@contract/index';
import { bulkOffers, withName } from '../../../src-renderer/src/presenters/bulk-actions';

const c = (name: string, state: ContainerSummary['state']): ContainerSummary => ({ id: name.padEnd(64, '0'), name, state } as ContainerSummary);

describe('bulkOffers', () => {
  it('offers only actions that apply to at least one selected container, aimed at those', () => {
    const offers = bulkOffers([c('web', 'running'), c('db', 'running')]);
    expect(offers.map((o) => o.label)).toEqual(['Stop selected', 'Restart selected', 'Pause selected', 'Kill selected']);
    const mixed = bulkOffers([c('web', 'running'), c('old', 'exited'), c('zz', 'paused')]);
    expect(mixed.map((o) => o.label)).toEqual(['Start 1 of 3', 'Stop 2 of 3', 'Restart 2 of 3', 'Pause 1 of 3', 'Unpause 1 of 3', 'Kill 2 of 3']);
    expect(mixed.find((o) => o.action === 'start')!.targets.map((t) => t.name)).toEqual(['old']);
    expect(bulkOffers([c('old', 'exited')]).map((o) => o.action)).toEqual(['start', 'restart']);
  });
});

describe('withName', () => {
  it('replaces the full and the short id with the name', () => {
    const x = c('web-1', 'running');
    expect(withName(`Container ${x.id} is not running`, x)).toBe('Container web-1 is not running');
    expect(withName(`cannot kill ${x.id.slice(0, 12)}: not running`, x)).toBe('cannot kill web-1: not running');
    expect(withName('plain', undefined)).toBe('plain');
  });
});
