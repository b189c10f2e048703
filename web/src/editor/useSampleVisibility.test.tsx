// @vitest-environment jsdom
import { render, renderHook, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { editorReducer, initialEditorState } from '../state/editor.js';
import { DEFAULT_STYLE, makeField, type EditorField } from '../state/fields.js';
import { PageView } from './PageView.js';
import { useSampleVisibility } from './useSampleVisibility.js';

const withCondition = (name: string, condition?: string): EditorField => {
  const f = makeField('text', 1, { x: 10, y: 10, width: 100, height: 20 }, DEFAULT_STYLE, new Set());
  return { ...f, name, advanced: { ...f.advanced, condition } };
};

describe('fields hidden for the sample data', () => {
  it('are the ones whose condition is false for the sample, and follow the sample', async () => {
    const fields = [withCondition('de', 'country = "DE"'), withCondition('fr', 'country = "FR"'), withCondition('always')];
    const { result, rerender } = renderHook(({ sample }) => useSampleVisibility(fields, sample), {
      initialProps: { sample: { country: 'DE' } as unknown },
    });
    await waitFor(() => expect([...result.current]).toEqual([fields[1].key]));
    rerender({ sample: { country: 'FR' } });
    await waitFor(() => expect([...result.current]).toEqual([fields[0].key]));
    // Sample JSON that does not parse hides nothing (the server would be given other data).
    rerender({ sample: undefined });
    await waitFor(() => expect(result.current.size).toBe(0));
  });

  it('are drawn faded and say so', () => {
    const s = editorReducer(initialEditorState([{ width: 600, height: 800 }]), {
      type: 'add',
      fieldType: 'text',
      page: 1,
      rect: { x: 10, y: 10, width: 100, height: 20 },
    });
    const key = s.fields[0].key;
    render(
      <PageView
        doc={null}
        pageNumber={1}
        size={{ width: 600, height: 800 }}
        zoom={1}
        fields={s.fields}
        selection={[]}
        armed={null}
        snap={{ gridOn: false, grid: 5, edges: false }}
        issues={new Map()}
        hiddenForSample={new Set([key])}
        dispatch={() => undefined}
        onPlaced={() => undefined}
      />,
    );
    const el = screen.getByRole('button', { name: 'Text field text1, hidden for the sample data' });
    expect(el.classList.contains('hidden-for-sample')).toBe(true);
  });
});
