// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../api/endpoints.js';
import { DEFAULT_STYLE, makeField } from '../state/fields.js';
import { PreviewPanel } from './PreviewPanel.js';

const field = { ...makeField('text', 1, { x: 0, y: 0, width: 100, height: 20 }, DEFAULT_STYLE, new Set()), bindingKey: 'customer' };

/** The panel as the editor holds it: the sample lives above it, as in EditorPage. */
function Harness({ api }: { api: Api }) {
  const [sample, setSample] = useState<string | null>('{"customer":"Ada"}');
  return (
    <PreviewPanel
      api={api}
      templateId="t1"
      fields={[field]}
      flush={() => Promise.resolve()}
      findings={null}
      onPreflight={() => undefined}
      sample={sample}
      onSample={setSample}
    />
  );
}

describe('PreviewPanel', () => {
  beforeEach(() => {
    // jsdom has no object URLs; the panel only needs distinct strings and a revoke.
    let n = 0;
    URL.createObjectURL = vi.fn(() => `blob:preview-${++n}`);
    URL.revokeObjectURL = vi.fn();
  });
  afterEach(() => vi.restoreAllMocks());

  it('says a shown PDF was made from earlier data once the sample changes, and not after generating again', async () => {
    const generatePdf = vi.fn(() => Promise.resolve({ blob: new Blob(['%PDF-1.7']) }));
    render(<Harness api={{ generatePdf } as unknown as Api} />);
    fireEvent.click(screen.getByRole('button', { name: 'Generate PDF' }));
    await waitFor(() => expect(screen.getByTestId('generated-pdf').getAttribute('src')).toBe('blob:preview-1'));
    expect(generatePdf).toHaveBeenCalledWith('t1', { customer: 'Ada' });
    expect(screen.queryByTestId('preview-stale')).toBeNull();

    fireEvent.change(screen.getByLabelText('Sample data (JSON)'), { target: { value: '{"customer":"Grace"}' } });
    expect(screen.getByTestId('preview-stale').textContent).toMatch(/earlier fields or sample data/);
    expect(screen.getByTestId('generated-pdf').getAttribute('src')).toBe('blob:preview-1');

    fireEvent.click(screen.getByRole('button', { name: 'Generate PDF' }));
    await waitFor(() => expect(screen.getByTestId('generated-pdf').getAttribute('src')).toBe('blob:preview-2'));
    expect(generatePdf).toHaveBeenLastCalledWith('t1', { customer: 'Grace' });
    expect(screen.queryByTestId('preview-stale')).toBeNull();
    // The old object URL is released (in the effect cleanup that follows the new preview's render).
    await waitFor(() => expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:preview-1'));
  });
});
