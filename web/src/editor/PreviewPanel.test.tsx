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

describe('PreviewPanel sample rows', () => {
  const table = {
    ...makeField('table', 1, { x: 40, y: 100, width: 400, height: 100 }, DEFAULT_STYLE, new Set()),
    bindingKey: 'items',
    name: 'items',
  };

  function TableHarness({ api }: { api: Api }) {
    const [sample, setSample] = useState<string | null>(null);
    return (
      <PreviewPanel
        api={api}
        templateId="t1"
        fields={[table]}
        flush={() => Promise.resolve()}
        findings={null}
        onPreflight={() => undefined}
        sample={sample}
        onSample={setSample}
      />
    );
  }

  it('a fresh table has example rows; the row count asks for more, and generation sends them', async () => {
    const generatePdf = vi.fn(() => Promise.reject(new Error('not needed')));
    render(<TableHarness api={{ generatePdf } as unknown as Api} />);
    const sample = () => JSON.parse((screen.getByLabelText('Sample data (JSON)') as HTMLTextAreaElement).value) as { items: unknown[] };
    expect(sample().items).toEqual([
      { description: 'Description 1', qty: 10, price: 10 },
      { description: 'Description 2', qty: 20, price: 20 },
      { description: 'Description 3', qty: 30, price: 30 },
    ]);
    const rows = screen.getByLabelText('Rows in sample: items') as HTMLInputElement;
    expect(rows.value).toBe('3');
    fireEvent.change(rows, { target: { value: '30' } });
    fireEvent.blur(rows);
    expect(sample().items).toHaveLength(30);
    expect(sample().items[29]).toEqual({ description: 'Description 30', qty: 300, price: 300 });
    fireEvent.click(screen.getByRole('button', { name: 'Generate PDF' }));
    await waitFor(() => expect(generatePdf).toHaveBeenCalled());
    expect((generatePdf.mock.calls[0] as unknown[])[1]).toEqual(sample());
    // Typed JSON that is not valid hides the count (there is nothing to count) until it is fixed.
    fireEvent.change(screen.getByLabelText('Sample data (JSON)'), { target: { value: '{"items": [' } });
    expect(screen.queryByLabelText('Rows in sample: items')).toBeNull();
  });
});

describe('PreviewPanel table notes', () => {
  it('lists where each table’s rows go next to the check’s summary', () => {
    render(
      <PreviewPanel
        api={{} as Api}
        templateId="t1"
        fields={[]}
        flush={() => Promise.resolve()}
        findings={[]}
        tableNotes={[{ key: 'k1', label: 'items', message: '14 rows: 9 in its box, 5 continue on 1 added page.' }]}
        onPreflight={() => undefined}
        sample="{}"
        onSample={() => undefined}
      />,
    );
    expect(screen.getByTestId('preflight-summary').textContent).toContain('No problems found.');
    expect(screen.getByRole('list', { name: 'Tables' }).textContent).toBe('items: 14 rows: 9 in its box, 5 continue on 1 added page.');
  });
});

describe('PreviewPanel repeating group', () => {
  const group = makeField('group', 1, { x: 40, y: 40, width: 180, height: 72 }, DEFAULT_STYLE, new Set());
  const name = { ...makeField('text', 1, { x: 50, y: 50, width: 100, height: 20 }, DEFAULT_STYLE, new Set()), bindingKey: 'labels.name' };

  function GroupHarness({ api }: { api: Api }) {
    const [sample, setSample] = useState<string | null>(null);
    return (
      <PreviewPanel
        api={api}
        templateId="t1"
        fields={[group, name]}
        flush={() => Promise.resolve()}
        findings={[]}
        groupNotes={[{ key: group.key, label: 'labels', message: '12 items: 8 in the cells of its page, 4 continue on 1 added page.' }]}
        pageNote="The document will have 2 pages (1 added for what continues)."
        onPreflight={() => undefined}
        sample={sample}
        onSample={setSample}
      />
    );
  }

  it('has example items from its members, an item count that asks for more, and the check’s word on them', async () => {
    const generatePdf = vi.fn(() => Promise.reject(new Error('not needed')));
    render(<GroupHarness api={{ generatePdf } as unknown as Api} />);
    const sample = () => JSON.parse((screen.getByLabelText('Sample data (JSON)') as HTMLTextAreaElement).value) as { labels: unknown[] };
    expect(sample()).toEqual({ labels: [{ name: 'name 1' }, { name: 'name 2' }, { name: 'name 3' }] });
    const items = screen.getByLabelText('Items in sample: labels') as HTMLInputElement;
    expect(items.value).toBe('3');
    fireEvent.change(items, { target: { value: '12' } });
    fireEvent.blur(items);
    expect(sample().labels).toHaveLength(12);
    expect(sample().labels[11]).toEqual({ name: 'name 12' });
    fireEvent.click(screen.getByRole('button', { name: 'Generate PDF' }));
    await waitFor(() => expect(generatePdf).toHaveBeenCalled());
    expect((generatePdf.mock.calls[0] as unknown[])[1]).toEqual(sample());
    expect(screen.getByRole('list', { name: 'Repeating groups' }).textContent).toBe(
      'labels: 12 items: 8 in the cells of its page, 4 continue on 1 added page.',
    );
    expect(screen.getByTestId('preflight-pages').textContent).toBe('The document will have 2 pages (1 added for what continues).');
  });
});
