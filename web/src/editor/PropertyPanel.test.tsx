// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_STYLE, makeField } from '../state/fields.js';
import { PropertyPanel } from './PropertyPanel.js';

const field = makeField('number', 1, { x: 10, y: 20, width: 100, height: 20 }, DEFAULT_STYLE, new Set());

describe('PropertyPanel', () => {
  it('asks to select a field when none is', () => {
    render(<PropertyPanel field={null} selectionCount={0} issues={[]} onPatch={() => undefined} />);
    expect(screen.getByText('Select a field to edit it.')).toBeTruthy();
  });

  it('says an imported field fills the PDF form field, and unlinks it on request', () => {
    const onPatch = vi.fn();
    const imported = { ...field, advanced: { ...field.advanced, acroFormName: 'Text1', acroFormWidget: 0 } };
    render(<PropertyPanel field={imported} selectionCount={1} issues={[]} onPatch={onPatch} />);
    expect(screen.getByTestId('acroform-link').textContent).toContain('“Text1”');
    expect(screen.getByTestId('acroform-link').textContent).toMatch(/moving or resizing this box moves and resizes that form field/);
    fireEvent.click(screen.getByRole('button', { name: 'Draw at this box instead' }));
    const patch = onPatch.mock.calls[0][0] as { advanced: Record<string, unknown> };
    expect(patch.advanced).not.toHaveProperty('acroFormName');
    expect(patch.advanced).not.toHaveProperty('acroFormWidget');
    expect(patch.advanced.number).toEqual(field.advanced.number);
  });

  it('a field linked by name only (no widget index) says its box does not move the form field', () => {
    render(
      <PropertyPanel
        field={{ ...field, advanced: { ...field.advanced, acroFormName: 'Text1' } }}
        selectionCount={1}
        issues={[]}
        onPatch={() => undefined}
      />,
    );
    expect(screen.getByTestId('acroform-link').textContent).toMatch(/where the PDF has it: moving or resizing this box does not move it/);
  });

  it('shows no form-field link for a field placed in the studio', () => {
    render(<PropertyPanel field={field} selectionCount={1} issues={[]} onPatch={() => undefined} />);
    expect(screen.queryByTestId('acroform-link')).toBeNull();
  });

  it('commits a valid binding key on blur and refuses an invalid one with a message', () => {
    const onPatch = vi.fn();
    render(<PropertyPanel field={field} selectionCount={1} issues={[]} onPatch={onPatch} />);
    const input = screen.getByLabelText('Binding key');
    fireEvent.change(input, { target: { value: 'not valid!' } });
    fireEvent.blur(input);
    expect(onPatch).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/dot-separated/);
    fireEvent.change(input, { target: { value: 'invoice.total' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onPatch).toHaveBeenCalledWith({ bindingKey: 'invoice.total' });
  });

  it('patches style, geometry and type-specific settings through labelled controls', () => {
    const onPatch = vi.fn();
    render(<PropertyPanel field={field} selectionCount={1} issues={['Text overflows the box']} onPatch={onPatch} />);
    fireEvent.click(screen.getByLabelText('Bold'));
    expect(onPatch).toHaveBeenLastCalledWith({ style: { ...field.style, bold: true } });
    fireEvent.change(screen.getByLabelText('Font'), { target: { value: 'Courier New' } });
    expect(onPatch).toHaveBeenLastCalledWith({ style: { ...field.style, fontFamily: 'Courier New' } });
    const w = screen.getByLabelText('Width (pt)');
    fireEvent.change(w, { target: { value: '150' } });
    fireEvent.blur(w);
    expect(onPatch).toHaveBeenLastCalledWith({ size: { width: 150, height: 20 } });
    const dec = screen.getByLabelText('Decimals');
    fireEvent.change(dec, { target: { value: '2' } });
    fireEvent.blur(dec);
    expect(onPatch).toHaveBeenLastCalledWith({ advanced: { ...field.advanced, number: { locale: 'en-US', decimals: 2 } } });
    expect(screen.getByText('Text overflows the box')).toBeTruthy();
  });

  it('commits a pending edit to the field it was typed for when the selection changes', () => {
    const other = makeField('text', 1, { x: 0, y: 0, width: 50, height: 20 }, DEFAULT_STYLE, new Set());
    const forFirst = vi.fn();
    const forOther = vi.fn();
    const { rerender } = render(<PropertyPanel key={field.key} field={field} selectionCount={1} issues={[]} onPatch={forFirst} />);
    fireEvent.change(screen.getByLabelText('Binding key'), { target: { value: 'invoice.total' } });
    fireEvent.change(screen.getByLabelText('Height (pt)'), { target: { value: '30' } });
    rerender(<PropertyPanel key={other.key} field={other} selectionCount={1} issues={[]} onPatch={forOther} />);
    expect(forFirst).toHaveBeenCalledWith({ bindingKey: 'invoice.total' });
    expect(forFirst).toHaveBeenCalledWith({ size: { width: 100, height: 30 } });
    expect(forOther).not.toHaveBeenCalled();
    expect((screen.getByLabelText('Binding key') as HTMLInputElement).value).toBe(other.bindingKey);
  });

  it('offers only the style the engine applies to the type: no font or alignment for an image or a radio', () => {
    const of = (type: 'image' | 'radio' | 'text') => makeField(type, 1, { x: 10, y: 20, width: 100, height: 20 }, DEFAULT_STYLE, new Set());
    const { rerender } = render(<PropertyPanel field={of('image')} selectionCount={1} issues={[]} onPatch={() => undefined} />);
    for (const label of ['Font', 'Size (pt)', 'Align', 'Bold', 'Text colour']) expect(screen.queryByLabelText(label)).toBeNull();
    expect(screen.getByLabelText('Background')).toBeTruthy();
    rerender(<PropertyPanel key="radio" field={of('radio')} selectionCount={1} issues={[]} onPatch={() => undefined} />);
    expect(screen.queryByLabelText('Font')).toBeNull();
    expect(screen.queryByLabelText('Align')).toBeNull();
    expect(screen.getByLabelText('Mark colour')).toBeTruthy();
    rerender(<PropertyPanel key="text" field={of('text')} selectionCount={1} issues={[]} onPatch={() => undefined} />);
    for (const label of ['Font', 'Size (pt)', 'Align', 'Bold', 'Text colour']) expect(screen.getByLabelText(label)).toBeTruthy();
  });

  it('keeps a group the user closed closed when the panel is shown again (another field, another tab)', () => {
    const { unmount } = render(<PropertyPanel field={field} selectionCount={1} issues={[]} onPatch={() => undefined} />);
    const style = () => screen.getByText('Style').closest('details')!;
    expect(style().open).toBe(true);
    style().open = false;
    fireEvent(style(), new Event('toggle'));
    unmount();
    render(<PropertyPanel field={field} selectionCount={1} issues={[]} onPatch={() => undefined} />);
    expect(style().open).toBe(false);
    style().open = true;
    fireEvent(style(), new Event('toggle'));
  });
});
