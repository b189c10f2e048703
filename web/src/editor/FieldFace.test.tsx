// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STYLE, makeField } from '../state/fields.js';
import { cssFontFamily, FieldFace } from './FieldFace.js';

const text = (patch: Record<string, unknown> = {}) => ({
  ...makeField('text', 1, { x: 0, y: 0, width: 200, height: 30 }, DEFAULT_STYLE, new Set()),
  bindingKey: 'customer.name',
  name: 'Customer',
  ...patch,
});

describe('FieldFace', () => {
  it('draws the sample value in the field’s font, size (at the zoom), colour, weight, slant and alignment', () => {
    const f = text({
      style: {
        ...DEFAULT_STYLE,
        fontFamily: 'Times New Roman',
        fontSize: 14,
        textColor: '#aa0000',
        bold: true,
        italic: true,
        textAlign: 'right',
      },
    });
    render(<FieldFace field={f} zoom={2} sample={{ customer: { name: 'Ada Lovelace' } }} />);
    const face = screen.getByTestId('field-face');
    expect(face.textContent).toBe('Ada Lovelace');
    expect(face.getAttribute('data-kind')).toBe('value');
    expect(face.style.fontSize).toBe('28px');
    expect(face.style.color).toBe('rgb(170, 0, 0)');
    expect(face.style.fontWeight).toBe('700');
    expect(face.style.fontStyle).toBe('italic');
    expect(face.style.textAlign).toBe('right');
    expect(face.style.justifyContent).toBe('flex-end');
    expect(face.style.fontFamily).toContain('Liberation Serif');
  });

  it('shows the placeholder, else the name, when the sample has no value for the field', () => {
    const { rerender } = render(
      <FieldFace field={text({ advanced: { required: false, placeholder: 'Full name' } })} zoom={1} sample={{}} />,
    );
    expect(screen.getByTestId('field-face').textContent).toBe('Full name');
    expect(screen.getByTestId('field-face').getAttribute('data-kind')).toBe('placeholder');
    rerender(<FieldFace field={text()} zoom={1} sample={{}} />);
    expect(screen.getByTestId('field-face').textContent).toBe('Customer');
    expect(screen.getByTestId('field-face').getAttribute('data-kind')).toBe('name');
  });

  it('draws a radio’s options as the engine lays them out, labelled, with the sample’s option filled', () => {
    const radio = { ...makeField('radio', 1, { x: 0, y: 0, width: 80, height: 20 }, DEFAULT_STYLE, new Set()), bindingKey: 'size' };
    radio.advanced = { ...radio.advanced, options: ['S', 'M'] };
    const { container } = render(<FieldFace field={radio} zoom={1} sample={{ size: 'M' }} />);
    expect(screen.getAllByTestId('radio-option').map((o) => o.textContent)).toEqual(['S', 'M']);
    expect([...container.querySelectorAll('.radio-dot')].map((d) => d.classList.contains('on'))).toEqual([false, true]);
  });

  it('maps the engine’s font names to CSS stacks with the engine’s own font files first', () => {
    expect(cssFontFamily('Arial')).toMatch(/^Arimo, 'Liberation Sans'/);
    expect(cssFontFamily('Helvetica')).toMatch(/^Arimo,/);
    expect(cssFontFamily('Times New Roman')).toMatch(/^Tinos, 'Liberation Serif'/);
    expect(cssFontFamily('Courier New')).toMatch(/^Cousine, 'Liberation Mono'/);
    expect(cssFontFamily('Noto Sans')).toMatch(/^'Noto Sans'/);
  });
});
