// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_STYLE, makeField } from '../state/fields.js';
import { PropertyPanel } from './PropertyPanel.js';

const text = makeField('text', 1, { x: 10, y: 600, width: 300, height: 100 }, DEFAULT_STYLE, new Set());
const lastAdvanced = (fn: ReturnType<typeof vi.fn>) => (fn.mock.calls.at(-1)![0] as { advanced: typeof text.advanced }).advanced;

describe('OverflowProps', () => {
  it('offers text fields to continue on new pages, then asks where', () => {
    const onPatch = vi.fn();
    const { rerender } = render(<PropertyPanel field={text} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={2} />);
    const overflow = screen.getByLabelText('Overflow') as HTMLSelectElement;
    expect([...overflow.options].map((o) => o.textContent)).toEqual(['shrink', 'wrap', 'ellipsis', 'clip', 'Continue on new pages']);
    expect(screen.queryByLabelText('Continues on')).toBeNull();
    fireEvent.change(overflow, { target: { value: 'continue' } });
    expect(lastAdvanced(onPatch).overflow).toBe('continue');

    const continuing = { ...text, advanced: lastAdvanced(onPatch) };
    rerender(<PropertyPanel field={continuing} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={2} />);
    const page = screen.getByLabelText('Continues on') as HTMLSelectElement;
    expect(page.value).toBe('same');
    fireEvent.change(page, { target: { value: 'blank' } });
    expect(lastAdvanced(onPatch).continuation).toEqual({ page: 'blank' });
    fireEvent.click(screen.getByLabelText('Another box on continuation pages'));
    expect(lastAdvanced(onPatch).continuation).toEqual({ page: 'same', box: { x: 10, y: 600, width: 300, height: 100 } });

    // Back to wrapping: where it would continue is dropped with it.
    const placed = { ...continuing, advanced: { ...continuing.advanced, continuation: { page: 2 as const } } };
    rerender(<PropertyPanel field={placed} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={2} />);
    expect((screen.getByLabelText('Continues on') as HTMLSelectElement).value).toBe('2');
    fireEvent.change(screen.getByLabelText('Overflow'), { target: { value: 'wrap' } });
    expect(lastAdvanced(onPatch)).toMatchObject({ overflow: 'wrap', continuation: undefined });
  });

  it('does not offer other field types to continue (the API refuses it)', () => {
    const num = makeField('number', 1, { x: 10, y: 10, width: 100, height: 20 }, DEFAULT_STYLE, new Set());
    render(<PropertyPanel field={num} selectionCount={1} issues={[]} onPatch={() => undefined} />);
    expect([...(screen.getByLabelText('Overflow') as HTMLSelectElement).options].map((o) => o.value)).toEqual([
      'shrink',
      'wrap',
      'ellipsis',
      'clip',
    ]);
  });
});
