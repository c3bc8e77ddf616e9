// The run form's rows ⇄ RunSpec, and errors landing under the row the user sees.
import { describe, expect, it } from 'vitest';
import { runSpecErrors } from '../../../src-main/contract/run-spec';
import { emptyForm, formErrors, formToSpec, specToForm, type RunForm } from '../../../src-renderer/src/features/run/run-form';

const form = (patch: Partial<RunForm>): RunForm => ({ ...emptyForm(), image: 'wakedock-test/busybox:1', ...patch });

describe('formToSpec', () => {
  it('drops blank rows, trims, and converts numbers', () => {
    const { spec, keepEnv } = formToSpec(
      form({
        name: ' web ',
        env: [
          { key: 1, name: 'A', value: ' spaced value ' },
          { key: 2, name: '', value: '' },
          { key: 3, name: 'DB_PASSWORD', value: '', kept: true },
        ],
        ports: [{ key: 4, text: ' 8080:80 ' }, { key: 5, text: '' }],
        restart: 'on-failure',
        restartMaxRetries: '3',
        pidsLimit: '50',
        memory: '1g',
      }),
    );
    expect(spec).toMatchObject({ image: 'wakedock-test/busybox:1', name: 'web', env: ['A= spaced value '], ports: ['8080:80'], restart: 'on-failure', restartMaxRetries: 3, pidsLimit: 50, memory: '1g' });
    expect(keepEnv).toEqual(['DB_PASSWORD']);
  });

  it('sends a non-number as NaN so the schema names the field', () => {
    const { spec } = formToSpec(form({ pidsLimit: 'many' }));
    expect(runSpecErrors(spec).pidsLimit).toBe('the process limit must be a number');
  });
});

describe('formErrors', () => {
  it('puts a spec index error under the row it came from, skipping blank rows', () => {
    const f = form({ ports: [{ key: 10, text: '' }, { key: 11, text: '80' }, { key: 12, text: '80:99999' }] });
    const { spec, rowOf } = formToSpec(f);
    expect(formErrors(runSpecErrors(spec), rowOf)).toEqual({ 'ports#12': 'the container port "99999" must be a number from 1 to 65535' });
    // Server errors come as "spec.ports.1" for recreate.
    expect(formErrors({ 'spec.ports.0': 'taken', 'spec.memory': 'bad' }, rowOf)).toEqual({ 'ports#11': 'taken', memory: 'bad' });
  });
});

describe('specToForm', () => {
  it('fills rows from a derived spec and lists kept secrets without values', () => {
    const f = specToForm({ image: 'x', name: 'web', env: ['A=1=2'], ports: ['8080:80'], memory: '1024m', command: ['sh', '-c', 'x'] }, ['TOKEN']);
    expect(f.env.map(({ name, value, kept }) => ({ name, value, kept }))).toEqual([
      { name: 'A', value: '1=2', kept: undefined },
      { name: 'TOKEN', value: '', kept: true },
    ]);
    expect(f.ports.map((r) => r.text)).toEqual(['8080:80']);
    expect(f.memory).toBe('1g');
    expect(formToSpec(f).spec).toMatchObject({ image: 'x', name: 'web', env: ['A=1=2'], ports: ['8080:80'], memory: '1g' });
  });
});
