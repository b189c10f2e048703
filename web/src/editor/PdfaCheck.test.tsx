// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Api } from '../api/endpoints.js';
import { PdfaCheck } from './PdfaCheck.js';

describe('PdfaCheck', () => {
  it('asks for the chosen part and lists every reason the base cannot be PDF/A', async () => {
    const pdfaPreflight = vi.fn((_id: string, level: '2b' | '3b') =>
      Promise.resolve(
        level === '2b'
          ? { ok: true, level, issues: [] }
          : {
              ok: false,
              level,
              issues: [
                { code: 'font_not_embedded', message: 'Font "Helvetica" (page 1) is not embedded', font: 'Helvetica', page: 1 },
                { code: 'javascript', message: 'The document contains JavaScript' },
              ],
            },
      ),
    ) as unknown as Api['pdfaPreflight'];
    render(<PdfaCheck api={{ pdfaPreflight }} templateId="t1" />);
    fireEvent.click(screen.getByRole('button', { name: 'Check PDF/A' }));
    await waitFor(() => expect(screen.getByTestId('pdfa-result').dataset.status).toBe('problems'));
    expect(pdfaPreflight).toHaveBeenCalledWith('t1', '3b');
    const result = screen.getByTestId('pdfa-result');
    expect(result.textContent).toContain('cannot be made PDF/A-3b: 2 problem(s)');
    expect([...result.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Font "Helvetica" (page 1) is not embedded',
      'The document contains JavaScript',
    ]);

    // Another part: the old answer goes, the new one is asked for.
    fireEvent.change(screen.getByLabelText(/PDF\/A part/), { target: { value: '2b' } });
    expect(screen.queryByTestId('pdfa-result')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Check PDF/A' }));
    await waitFor(() => expect(screen.getByTestId('pdfa-result').dataset.status).toBe('ok'));
    expect(pdfaPreflight).toHaveBeenLastCalledWith('t1', '2b');
    expect(screen.getByTestId('pdfa-result').textContent).toBe('The base PDF can be made PDF/A-2b.');
  });

  it('a refused check shows the API problem, not a result', async () => {
    const pdfaPreflight = vi.fn(() => Promise.reject(new Error('Network down'))) as unknown as Api['pdfaPreflight'];
    render(<PdfaCheck api={{ pdfaPreflight }} templateId="t1" />);
    fireEvent.click(screen.getByRole('button', { name: 'Check PDF/A' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Network down'));
    expect(screen.queryByTestId('pdfa-result')).toBeNull();
  });
});
