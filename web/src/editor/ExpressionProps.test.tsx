// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { FIELD_TYPES } from '@/shared/domain/field.js';
import { DEFAULT_STYLE, makeField } from '../state/fields.js';
import { PropertyPanel } from './PropertyPanel.js';

const sample = {
  items: [
    { qty: 2, price: 10 },
    { qty: 1, price: 5.5 },
  ],
  customer: { country: 'DE' },
};
const number = makeField('number', 1, { x: 10, y: 10, width: 100, height: 20 }, DEFAULT_STYLE, new Set());

/** Lets a pending (asynchronous) save happen, if one was going to. */
const settle = () => new Promise((r) => setTimeout(r, 50));

const out = (kind: 'expression' | 'condition') => within(screen.getByTestId(`${kind}-prop`)).getByRole('status');

describe('expression and condition inputs', () => {
  it('every field type has them', () => {
    for (const type of FIELD_TYPES) {
      const f = makeField(type, 1, { x: 10, y: 10, width: 100, height: 40 }, DEFAULT_STYLE, new Set());
      const { unmount } = render(<PropertyPanel field={f} selectionCount={1} issues={[]} onPatch={() => undefined} sample={sample} />);
      expect(screen.getByLabelText('Value expression (JSONata)'), type).toBeTruthy();
      expect(screen.getByLabelText('Show only when (JSONata)'), type).toBeTruthy();
      unmount();
    }
  });

  it('shows the value computed from the sample as it is typed, and saves it on Enter', async () => {
    const onPatch = vi.fn();
    render(<PropertyPanel field={number} selectionCount={1} issues={[]} onPatch={onPatch} sample={sample} />);
    const input = screen.getByLabelText('Value expression (JSONata)');
    await waitFor(() => expect(out('expression').textContent).toBe('The value comes from the binding key.'));
    fireEvent.change(input, { target: { value: '$sum(items.(qty * price))' } });
    await waitFor(() => expect(out('expression').textContent).toBe('Sample value: 25.5'));
    expect(onPatch).not.toHaveBeenCalled();
    fireEvent.keyDown(input, { key: 'Enter' });
    // Enter, then leaving the input, is one save.
    fireEvent.blur(input);
    await waitFor(() => expect(onPatch).toHaveBeenCalledTimes(1));
    expect(onPatch.mock.calls[0][0].advanced.expression).toBe('$sum(items.(qty * price))');
    await settle();
    expect(onPatch).toHaveBeenCalledTimes(1);
  });

  it('marks a parse error inline with its position and does not save it', async () => {
    const onPatch = vi.fn();
    render(<PropertyPanel field={number} selectionCount={1} issues={[]} onPatch={onPatch} sample={sample} />);
    const input = screen.getByLabelText('Value expression (JSONata)');
    fireEvent.change(input, { target: { value: '$sum(items.(qty * ))' } });
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Not saved: .*\(S0211, at position 19\)$/);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('expression-prop').querySelector('mark')!.textContent).toBe(')');
    fireEvent.blur(input);
    await settle();
    expect(onPatch).not.toHaveBeenCalled();
    // A function the server refuses is refused here too, before any value is shown.
    fireEvent.change(input, { target: { value: '$now()' } });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/\$now is not allowed.*refused_function/));
    fireEvent.blur(input);
    await settle();
    expect(onPatch).not.toHaveBeenCalled();
  });

  it('says whether the condition shows the field for the sample, and follows the sample', async () => {
    const onPatch = vi.fn();
    const { rerender } = render(<PropertyPanel field={number} selectionCount={1} issues={[]} onPatch={onPatch} sample={sample} />);
    const input = screen.getByLabelText('Show only when (JSONata)');
    fireEvent.change(input, { target: { value: 'customer.country = "DE"' } });
    await waitFor(() => expect(out('condition').textContent).toBe('Shown for the sample data.'));
    rerender(<PropertyPanel field={number} selectionCount={1} issues={[]} onPatch={onPatch} sample={{ customer: { country: 'FR' } }} />);
    await waitFor(() => expect(out('condition').textContent).toBe('Hidden for the sample data.'));
    fireEvent.blur(input);
    await waitFor(() => expect(onPatch.mock.calls.at(-1)?.[0].advanced.condition).toBe('customer.country = "DE"'));
  });

  it('reports an expression that fails on the sample, and clearing it removes it', async () => {
    const onPatch = vi.fn();
    const f = { ...number, advanced: { ...number.advanced, expression: '"four" * 2' } };
    render(<PropertyPanel field={f} selectionCount={1} issues={[]} onPatch={onPatch} sample={sample} />);
    await waitFor(() => expect(out('expression').textContent).toMatch(/^Fails on the sample data: .*T2001/));
    const input = screen.getByLabelText('Value expression (JSONata)');
    fireEvent.change(input, { target: { value: '' } });
    fireEvent.blur(input);
    await waitFor(() => expect(onPatch).toHaveBeenCalledTimes(1));
    expect(onPatch.mock.calls[0][0].advanced).toHaveProperty('expression', undefined);
  });

  it('says when the sample data is not valid JSON', () => {
    render(<PropertyPanel field={number} selectionCount={1} issues={[]} onPatch={() => undefined} sample={undefined} />);
    expect(screen.getByText(/not valid JSON: these are computed from no data/)).toBeTruthy();
  });
});
