// The Build dialog's form checks (tags, build args, folder, target) and the builds store's bounds.
import { describe, expect, it } from 'vitest';
import { EMPTY_BUILD_FORM, parseBuildArgs, parseBuildForm, splitTags } from '../../../src-renderer/src/presenters/build-presenter';
import { MAX_BUILDS, MAX_BUILD_LINES, appendBuildLines, trimBuilds, type ImageBuild } from '../../../src-renderer/src/features/images/image-builds';

describe('parseBuildForm', () => {
  it('builds the input from a valid form', () => {
    const r = parseBuildForm('local', { ...EMPTY_BUILD_FORM, context: '/src/app', tags: 'app:1, reg.io:5000/t/app:1', buildArgs: 'A=1\n# note\nB=x=y\n\nEMPTY=', target: 'final', noCache: true });
    expect(r.errors).toEqual({});
    expect(r.input).toEqual({
      hostId: 'local',
      context: '/src/app',
      dockerfile: 'Dockerfile',
      tags: ['app:1', 'reg.io:5000/t/app:1'],
      buildArgs: [
        { name: 'A', value: '1' },
        { name: 'B', value: 'x=y' },
        { name: 'EMPTY', value: '' },
      ],
      target: 'final',
      noCache: true,
      pull: false,
    });
  });

  it('names each bad field and blocks the build; an empty folder blocks without an error shown', () => {
    const r = parseBuildForm('local', { ...EMPTY_BUILD_FORM, context: 'rel/dir', tags: 'ok:1 Bad:Tag', buildArgs: '9X=1', target: '-x' });
    expect(r.input).toBeNull();
    expect(r.errors.context).toMatch(/absolute path/);
    expect(r.errors.tags).toMatch(/^Bad:Tag: /);
    expect(r.errors.buildArgs).toMatch(/line 1: "9X"/);
    expect(r.errors.target).toMatch(/stage name/);
    const empty = parseBuildForm('local', EMPTY_BUILD_FORM);
    expect(empty.input).toBeNull();
    expect(empty.errors.context).toBeUndefined();
    expect(parseBuildForm('local', { ...EMPTY_BUILD_FORM, context: 'C:\\src\\app' }).input).not.toBeNull();
  });

  it('splits tags and reads NAME=value lines', () => {
    expect(splitTags(' a:1,b:2  c ')).toEqual(['a:1', 'b:2', 'c']);
    expect(parseBuildArgs('NOEQ').error).toMatch(/NAME=value/);
  });
});

describe('builds store bounds', () => {
  const b = (id: number, status: ImageBuild['status']): ImageBuild => ({ id, status }) as ImageBuild;
  it('keeps the last lines of a build and counts the dropped ones', () => {
    const lines = Array.from({ length: MAX_BUILD_LINES + 5 }, (_, i) => `l${i}`);
    const r = appendBuildLines({ lines: ['first'], dropped: 2 }, lines);
    expect(r.lines).toHaveLength(MAX_BUILD_LINES);
    expect(r.lines.at(-1)).toBe(`l${MAX_BUILD_LINES + 4}`);
    expect(r.dropped).toBe(2 + 6);
  });
  it('drops the oldest finished builds first, never a running one', () => {
    const list = [b(1, 'running'), ...Array.from({ length: MAX_BUILDS }, (_, i) => b(i + 2, 'done'))];
    const kept = trimBuilds(list);
    expect(kept).toHaveLength(MAX_BUILDS);
    expect(kept[0]!.id).toBe(1);
    expect(kept.map((x) => x.id)).not.toContain(2);
  });
});
