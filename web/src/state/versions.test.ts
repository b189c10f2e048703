import { describe, expect, it } from 'vitest';
import { DEFAULT_STYLE, makeField, toSpec } from './fields.js';
import { diffVersion, isUnchanged, summarize } from './versions.js';

const spec = (name: string, x = 10) => ({
  ...toSpec(makeField('text', 1, { x, y: 10, width: 100, height: 20 }, DEFAULT_STYLE, new Set())),
  name,
});

describe('diffVersion', () => {
  it('matches fields by id: added, removed, moved (box only) and changed (anything else)', () => {
    const published = [
      { fieldId: 'a', spec: spec('a') },
      { fieldId: 'b', spec: spec('b') },
      { fieldId: 'c', spec: spec('c') },
      { fieldId: 'd', spec: spec('d') },
    ];
    const draft = [
      { fieldId: 'a', spec: spec('a') },
      { fieldId: 'b', spec: spec('b', 50) },
      { fieldId: 'c', spec: { ...spec('c', 50), style: { ...DEFAULT_STYLE, fontSize: 20 } } },
      { fieldId: null, spec: spec('new') },
    ];
    const d = diffVersion(published, draft);
    expect(d).toEqual({ added: ['new'], removed: ['d'], moved: ['b'], changed: ['c'] });
    expect(summarize(d)).toBe('1 added, 1 removed, 1 moved, 1 changed');
    expect(isUnchanged(diffVersion(published, published))).toBe(true);
  });
});
