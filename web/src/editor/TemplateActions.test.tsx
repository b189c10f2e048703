// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Api } from '../api/endpoints.js';
import type { Template } from '../api/types.js';
import { DEFAULT_STYLE, makeField } from '../state/fields.js';
import { generateCurl } from '../state/snippets.js';
import { TemplateActions } from './TemplateActions.js';

const template = { templateId: 'tpl-123', name: 'Invoice', status: 'draft' } as Template;
const field = { ...makeField('text', 1, { x: 0, y: 0, width: 100, height: 20 }, DEFAULT_STYLE, new Set()), bindingKey: 'customer.name' };

describe('TemplateActions', () => {
  it('renames the template, shows its id, and says what deleting it does before it does', async () => {
    const patchTemplate = vi.fn(() => Promise.resolve({ template: { ...template, name: 'Invoice 2026' } }));
    const onTemplate = vi.fn();
    render(
      <TemplateActions
        api={{ patchTemplate } as unknown as Api}
        template={template}
        fields={[field]}
        onTemplate={onTemplate}
        flush={() => Promise.resolve()}
      />,
    );
    expect(screen.getByTestId('template-id').textContent).toBe('tpl-123');
    fireEvent.click(screen.getByRole('button', { name: 'Rename…' }));
    fireEvent.change(screen.getByLabelText('Template name'), { target: { value: ' Invoice 2026 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save name' }));
    await waitFor(() => expect(onTemplate).toHaveBeenCalledWith(expect.objectContaining({ name: 'Invoice 2026' })));
    expect(patchTemplate).toHaveBeenCalledWith('tpl-123', { name: 'Invoice 2026' });
    fireEvent.click(screen.getByRole('button', { name: 'Delete…' }));
    expect(screen.getByTestId('delete-confirm').textContent).toMatch(/already generated from it stay downloadable until they expire/);
  });

  it('gives the generate call with the real id and a body of the template’s binding keys', () => {
    render(
      <TemplateActions api={{} as Api} template={template} fields={[field]} onTemplate={() => undefined} flush={() => Promise.resolve()} />,
    );
    const curl = screen.getByTestId('template-snippet').textContent!;
    expect(curl).toContain('/api/templates/tpl-123/generate');
    expect(curl).toContain(`-d '{"data":{"customer":{"name":"Sample text1"}}}'`);
    // JavaScript and Python beside it, with the same id and body.
    fireEvent.click(screen.getByRole('button', { name: 'Python' }));
    const py = screen.getByTestId('template-snippet');
    expect(py.getAttribute('data-lang')).toBe('python');
    expect(py.textContent).toContain('/api/templates/tpl-123/generate');
    expect(py.textContent).toContain(`body = "{\\"data\\":{\\"customer\\":{\\"name\\":\\"Sample text1\\"}}}"`);
    fireEvent.click(screen.getByRole('button', { name: 'JavaScript' }));
    expect(screen.getByTestId('template-snippet').textContent).toContain(
      'body: JSON.stringify({"data":{"customer":{"name":"Sample text1"}}})',
    );
  });

  it('leaves $PDF_STUDIO_KEY for the shell to expand (double quotes, not single)', () => {
    expect(generateCurl('http://h', 't', {})).toContain(`-H "x-api-key: $PDF_STUDIO_KEY"`);
  });

  it('quotes a single quote of the data for the shell', () => {
    expect(generateCurl('http://h', 't', { name: "O'Brien" })).toContain(`-d '{"data":{"name":"O'\\''Brien"}}'`);
  });
});
