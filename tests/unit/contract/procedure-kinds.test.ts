// The preload's hand-kept kind map against the contract table: same names, same kinds. The type
// below also makes `tsc` fail when a procedure is missing or its kind differs.
import { describe, expect, it } from 'vitest';
import { procedures, type ProcName, type Procedures } from '../../../src-main/contract/procedures';
import { PROCEDURE_KINDS, procedureKind } from '../../../src-main/contract/procedure-kinds';

const typed: { readonly [P in ProcName]: Procedures[P]['kind'] } = PROCEDURE_KINDS;

describe('PROCEDURE_KINDS (what the preload knows of the contract)', () => {
  it('lists every procedure of the table with its kind, and nothing else', () => {
    const want = Object.fromEntries(Object.entries(procedures).map(([name, def]) => [name, def.kind]));
    const missing = Object.keys(want).filter((n) => !(n in PROCEDURE_KINDS));
    expect(missing, `add to src-main/contract/procedure-kinds.ts: ${missing.map((n) => `'${n}': '${want[n]}'`).join(', ')}`).toEqual([]);
    expect({ ...typed }).toEqual(want);
  });

  it('procedureKind answers only for own names', () => {
    expect(procedureKind('containers.list')).toBe('query');
    expect(procedureKind('containers.watch')).toBe('stream');
    expect(procedureKind('toString')).toBeUndefined();
    expect(procedureKind('__proto__')).toBeUndefined();
    expect(procedureKind(42)).toBeUndefined();
  });
});
