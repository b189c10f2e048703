// @vitest-environment jsdom
import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api/client.js';
import { createApi } from '../api/endpoints.js';
import type { FontFamily } from '../api/types.js';
import { DEFAULT_STYLE, makeField } from '../state/fields.js';
import { FALLBACK_FONTS, FALLBACK_OPTIONS, fontOptions, loadFontOptions, useFontOptions, withCurrent } from './fonts.js';
import { PropertyPanel } from './PropertyPanel.js';

const memory = () => {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
};

const FAMILIES: FontFamily[] = [
  { name: 'DejaVu Sans', aliases: ['DejaVu'], styles: ['regular', 'bold', 'italic', 'boldItalic'] },
  { name: 'Liberation Sans', aliases: ['Arial', 'Helvetica', 'sans-serif'], styles: ['regular', 'bold', 'italic', 'boldItalic'] },
  { name: 'Liberation Serif', aliases: ['Times New Roman', 'Times'], styles: ['regular', 'bold', 'italic', 'boldItalic'] },
  { name: 'Liberation Mono', aliases: ['courier new'], styles: ['regular'] },
];

function apiAnswering(answer: () => Response | Promise<Response>) {
  const fetchMock = vi.fn((_url: string, _init: RequestInit) => Promise.resolve(answer()));
  return { api: createApi(new ApiClient('', memory(), fetchMock as unknown as typeof fetch)), fetchMock };
}

describe('font options', () => {
  it('lists the common aliases (with the family that draws them) and then the families', () => {
    expect(fontOptions(FAMILIES)).toEqual([
      { value: 'Arial', label: 'Arial (Liberation Sans)' },
      { value: 'Helvetica', label: 'Helvetica (Liberation Sans)' },
      { value: 'Times New Roman', label: 'Times New Roman (Liberation Serif)' },
      { value: 'Courier New', label: 'Courier New (Liberation Mono)' },
      { value: 'DejaVu Sans', label: 'DejaVu Sans' },
      { value: 'Liberation Sans', label: 'Liberation Sans' },
      { value: 'Liberation Serif', label: 'Liberation Serif' },
      { value: 'Liberation Mono', label: 'Liberation Mono (no bold)' },
    ]);
    expect(fontOptions([])).toBe(FALLBACK_OPTIONS);
  });

  it('keeps a field’s current font selectable', () => {
    expect(withCurrent(FALLBACK_OPTIONS, 'Arial')).toHaveLength(FALLBACK_FONTS.length);
    expect(withCurrent(FALLBACK_OPTIONS, 'Comic Sans')[0]).toEqual({ value: 'Comic Sans', label: 'Comic Sans' });
  });

  it('uses GET /api/fonts once per client', async () => {
    const { api, fetchMock } = apiAnswering(() => new Response(JSON.stringify({ families: FAMILIES }), { status: 200 }));
    const first = await loadFontOptions(api);
    expect(first.map((o) => o.value)).toContain('Liberation Sans');
    await loadFontOptions(api);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls[0][0]).toBe('/api/fonts');
  });

  it('falls back to the static list when the route is missing, fails, or the network is down', async () => {
    const notFound = apiAnswering(
      () => new Response(JSON.stringify({ status: 404, code: 'not_found', detail: 'Route GET:/api/fonts not found' }), { status: 404 }),
    );
    expect(await loadFontOptions(notFound.api)).toBe(FALLBACK_OPTIONS);
    const broken = apiAnswering(() => new Response('oops', { status: 500 }));
    expect(await loadFontOptions(broken.api)).toBe(FALLBACK_OPTIONS);
    const offline = apiAnswering(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await loadFontOptions(offline.api)).toBe(FALLBACK_OPTIONS);
  });

  it('feeds the property panel’s font select', async () => {
    const { api } = apiAnswering(() => new Response(JSON.stringify({ families: FAMILIES }), { status: 200 }));
    const field = makeField('text', 1, { x: 0, y: 0, width: 100, height: 20 }, { ...DEFAULT_STYLE, fontFamily: 'Helvetica' }, new Set());
    function Panel() {
      const fonts = useFontOptions(api);
      return <PropertyPanel field={field} fonts={fonts} selectionCount={1} issues={[]} onPatch={() => undefined} />;
    }
    render(<Panel />);
    const select = screen.getByLabelText('Font') as HTMLSelectElement;
    // Before the answer: the static list.
    expect([...select.options].map((o) => o.value)).toEqual([...FALLBACK_FONTS]);
    await waitFor(() => expect([...select.options].map((o) => o.value)).toContain('Liberation Serif'));
    expect(select.value).toBe('Helvetica');
    expect(select.selectedOptions[0].textContent).toBe('Helvetica (Liberation Sans)');
  });
});
