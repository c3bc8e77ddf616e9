import { describe, expect, it } from 'vitest';
import type { ImageRow } from '../../../src-main/contract/procedures/images';
import { buildImageViews, imageCounts, splitRef, usedByText } from '../../../src-renderer/src/presenters/image-presenter';

const img = (id: string, tags: string[], o: Partial<ImageRow> = {}): ImageRow => ({ id: `sha256:${id.padEnd(64, '0')}`, repoTags: tags, repoDigests: [], size: 100, created: 1, containers: [], containerCount: 0, labels: {}, ...o });

describe('image presenter', () => {
  const list = [img('aa', ['nginx:1.27', 'nginx:latest'], { size: 300, containers: ['web'], containerCount: 1 }), img('bb', []), img('cc', ['alpine:3'], { size: 50, created: 9 })];

  it('filters dangling / in use / unused and counts them', () => {
    expect(imageCounts(list)).toEqual({ all: 3, 'in-use': 1, unused: 2, dangling: 1 });
    expect(buildImageViews(list, { query: '', filter: 'dangling', sort: 'name', desc: false }).map((v) => v.title)).toEqual(['<none>']);
    expect(buildImageViews(list, { query: '', filter: 'in-use', sort: 'name', desc: false }).map((v) => v.title)).toEqual(['nginx:1.27']);
  });

  it('searches tags, id prefixes and container names; sorts with dangling last by name', () => {
    expect(buildImageViews(list, { query: 'latest', filter: 'all', sort: 'name', desc: false }).map((v) => v.shortId)).toEqual(['aa0000000000']);
    expect(buildImageViews(list, { query: 'sha256:cc', filter: 'all', sort: 'name', desc: false }).map((v) => v.title)).toEqual(['alpine:3']);
    expect(buildImageViews(list, { query: 'WEB', filter: 'all', sort: 'name', desc: false }).map((v) => v.title)).toEqual(['nginx:1.27']);
    expect(buildImageViews(list, { query: '', filter: 'all', sort: 'name', desc: false }).map((v) => v.title)).toEqual(['alpine:3', 'nginx:1.27', '<none>']);
    expect(buildImageViews(list, { query: '', filter: 'all', sort: 'size', desc: true }).map((v) => v.title)).toEqual(['nginx:1.27', '<none>', 'alpine:3']);
  });

  it('splits references without mistaking a registry port for a tag', () => {
    expect(splitRef('registry:5000/team/app')).toEqual({ repo: 'registry:5000/team/app', tag: 'latest' });
    expect(splitRef('registry:5000/team/app:v2')).toEqual({ repo: 'registry:5000/team/app', tag: 'v2' });
    expect(usedByText(img('x', [], { containers: ['a', 'b', 'c'], containerCount: 5 }))).toBe('a, b and 3 more');
  });
});
