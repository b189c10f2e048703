// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api/client.js';
import { createApi } from '../api/endpoints.js';
import type { PreflightResult } from '../api/types.js';
import { ServicesContext } from '../components/context.js';
import { DEFAULT_STYLE, makeField, toSpec } from '../state/fields.js';
import { frameRootPerTest, microtask } from '../test-frames.js';
import { EditorPage } from './EditorPage.js';

// pdf.js does not run in jsdom: a one-page document that draws nothing. Everything else is the
// real editor over a real ApiClient, with the server answered by `route` below.
vi.mock('./pdf.js', () => ({
  openPdf: () =>
    Promise.resolve({
      numPages: 1,
      getPage: () => Promise.resolve({ getViewport: () => ({ width: 612, height: 792 }) }),
      loadingTask: { destroy: () => Promise.resolve() },
    }),
  pageSizes: () => Promise.resolve([{ width: 612, height: 792 }]),
  renderPage: () => Promise.resolve(),
}));

/**
 * What the editor shows is true in the frame it is shown: the first frame of the page is at the
 * fitted zoom, and a preflight answer is never shown for sample data other than the one checked.
 * Rendered without act() (see useFieldSaver.test.tsx).
 */

const stored = {
  ...toSpec(makeField('text', 1, { x: 72, y: 100, width: 200, height: 24 }, DEFAULT_STYLE, new Set())),
  fieldId: 'f1',
  templateId: 't1',
};
const imported = {
  ...stored,
  fieldId: 'f2',
  name: 'customer',
  bindingKey: 'customer',
  advanced: { ...stored.advanced, acroFormName: 'customer' },
};
const template = {
  templateId: 't1',
  userId: 'u1',
  name: 'Form',
  dimensions: { width: 612, height: 792 },
  pageCount: 1,
  status: 'draft',
  createdAt: '',
  updatedAt: '',
};
const NO_PROBLEMS: PreflightResult = {
  ok: true,
  errors: [],
  missingGlyphs: [],
  overflows: [],
  renderErrors: [],
  unknownKeys: [],
  tables: [],
};

/** Bodies the editor posted, by path (the test reads what it asked the server). */
const posted = new Map<string, unknown>();

/** What the server has published (set per test): version 1 froze `stored` at another place. */
let published: { version: number; publishedAt: string; fieldCount: number }[] = [];

function route(url: string, init?: RequestInit): Response {
  if (init?.method === 'POST' && typeof init.body === 'string') posted.set(new URL(url, 'http://x').pathname, JSON.parse(init.body));
  const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status, headers: { 'content-type': 'application/json' } });
  if (url.endsWith('/api/templates/t1') && (init?.method ?? 'GET') === 'GET') return json({ template, fields: [stored] });
  if (url.endsWith('/api/templates/t1/pdf'))
    return new Response(new Uint8Array([37, 80, 68, 70]), { headers: { 'content-type': 'application/pdf' } });
  if (url.endsWith('/api/templates/t1/preflight')) return json(NO_PROBLEMS);
  if (url.endsWith('/api/templates/t1/versions')) return json({ items: published });
  if (url.endsWith('/api/templates/t1/versions/1') && published.length)
    return json({ ...published[0], fields: [{ ...stored, position: { x: 10, y: 10 } }] });
  if (url.endsWith('/api/templates/t1/import-form-fields')) return json({ items: [imported] });
  return json({ status: 404, code: 'not_found' }, 404);
}

const memory = () => {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
};

/** Resolves once `test` holds, checked on every DOM change (a microtask after the commit that made it). */
function whenDom<T>(host: HTMLElement, test: () => T | null | undefined | false): Promise<T> {
  return new Promise((resolve, reject) => {
    const now = test();
    if (now) return resolve(now);
    const timer = setTimeout(
      () => (obs.disconnect(), reject(new Error(`timed out waiting for the DOM:\n${host.innerHTML.slice(0, 2000)}`))),
      5000,
    );
    const obs = new MutationObserver(() => {
      const v = test();
      if (!v) return;
      obs.disconnect();
      clearTimeout(timer);
      resolve(v);
    });
    obs.observe(host, { childList: true, subtree: true, attributes: true, characterData: true });
  });
}

const click = (el: Element) => el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
const button = (host: HTMLElement, text: string) => [...host.querySelectorAll('button')].find((b) => b.textContent?.trim() === text)!;

describe('EditorPage', () => {
  const editor = frameRootPerTest();
  let host: HTMLElement;
  beforeEach(() => {
    published = [];
    host = editor.host;
    const client = new ApiClient('', memory(), ((url: string, init?: RequestInit) => Promise.resolve(route(url, init))) as typeof fetch);
    editor.root.render(
      <ServicesContext.Provider value={{ client, api: createApi(client) }}>
        <EditorPage templateId="t1" />
      </ServicesContext.Provider>,
    );
  });

  it('shows the page at the fitted zoom in the first frame it shows it', async () => {
    // The first time the page exists in the DOM, it already has its final size: the canvas area
    // has no width in jsdom, so fitting gives the smallest zoom, 50 % (306 px for 612 pt).
    const frame = await whenDom(host, () => host.querySelector<HTMLElement>('.page-frame'));
    expect(frame.style.width).toBe('306px');
    expect(host.querySelector<HTMLElement>('[data-testid="field"]')!.style.left).toBe('36px');
  });

  it('acts on the selection the page shows: Delete right after the import selected what it added', async () => {
    await whenDom(host, () => host.querySelector('[data-testid="field"]'));
    click(button(host, 'Import form fields'));
    // The first frame showing the imported field selected: the key pressed then must act on it.
    const added = await whenDom(host, () => host.querySelector('[data-testid="field"][data-name="customer"][aria-pressed="true"]'));
    expect(added).toBeTruthy();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Delete', bubbles: true, cancelable: true }));
    await microtask();
    expect([...host.querySelectorAll('[data-testid="field"]')].map((f) => f.getAttribute('data-name'))).toEqual([stored.name]);
  });

  it('never shows a preflight answer next to sample data it was not given', async () => {
    await whenDom(host, () => host.querySelector('[data-testid="field"]'));
    const tab = [...host.querySelectorAll('[role="tab"]')].find((t) => t.textContent === 'Preview')!;
    tab.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await microtask();
    const check = [...host.querySelectorAll('button')].find((b) => b.textContent === 'Check for problems')!;
    check.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    const summary = () => host.querySelector('[data-testid="preflight-summary"]');
    await whenDom(host, () => summary()?.textContent?.includes('No problems found.'));

    // The user types other data: from that frame on, the answer is not claimed for it.
    const textarea = host.querySelector<HTMLTextAreaElement>('#sample-data')!;
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(textarea, '{"text1": "क"}');
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
    await microtask();
    expect(textarea.value).toBe('{"text1": "क"}');
    expect(summary()?.textContent ?? '').not.toContain('No problems found.');
    expect(summary()?.getAttribute('data-status')).toBe('stale');
  });

  it('checks the draft it shows, not the published version (as the preview generates it)', async () => {
    posted.clear();
    await whenDom(host, () => host.querySelector('[data-testid="field"]'));
    const tab = [...host.querySelectorAll('[role="tab"]')].find((t) => t.textContent === 'Preview')!;
    tab.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await microtask();
    click(button(host, 'Check for problems'));
    await whenDom(host, () => host.querySelector('[data-testid="preflight-summary"]'));
    expect(posted.get('/api/templates/t1/preflight')).toMatchObject({ version: 'draft' });
  });

  it('opens the keyboard shortcut sheet on ? and labels the layer buttons in words', async () => {
    await whenDom(host, () => host.querySelector('[data-testid="field"]'));
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '?', bubbles: true, cancelable: true }));
    const sheet = await whenDom(host, () => host.querySelector('dialog.shortcut-sheet'));
    expect(sheet.textContent).toContain('Keyboard shortcuts');
    expect(sheet.textContent).toContain('Ctrl+D');
    click(button(host, 'Close'));
    await whenDom(host, () => !host.querySelector('dialog.shortcut-sheet'));
    expect(host.querySelector('[aria-label="Bring to front"]')!.textContent).toBe('To front');
  });

  it('says the draft is not published, then that it differs from the live version and how', async () => {
    const state = await whenDom(host, () => host.querySelector('[data-testid="draft-state"]'));
    expect(state.getAttribute('data-status')).toBe('unpublished');
    expect(state.textContent).toBe('Draft — not published yet');
  });
});

describe('EditorPage with a published version', () => {
  const editor = frameRootPerTest();
  beforeEach(() => {
    published = [{ version: 1, publishedAt: '2026-01-02T03:04:05.000Z', fieldCount: 1 }];
    const client = new ApiClient('', memory(), ((url: string, init?: RequestInit) => Promise.resolve(route(url, init))) as typeof fetch);
    editor.root.render(
      <ServicesContext.Provider value={{ client, api: createApi(client) }}>
        <EditorPage templateId="t1" />
      </ServicesContext.Provider>,
    );
  });

  it('says the draft differs from the live v1 (the field moved since), and lists v1 under Versions', async () => {
    const host = editor.host;
    const state = await whenDom(host, () => host.querySelector('[data-testid="draft-state"][data-status="changed"]'));
    expect(state.textContent).toBe('Draft — changes not published (v1 is live): 1 moved');
    const tab = [...host.querySelectorAll('[role="tab"]')].find((t) => t.textContent === 'Versions')!;
    click(tab);
    const row = await whenDom(host, () => host.querySelector('[data-testid="version"]'));
    expect(row.textContent).toContain('v1');
    expect(row.textContent).toContain('1 field');
    click(button(host, 'Compare with draft'));
    const diff = await whenDom(host, () => host.querySelector('[data-testid="version-diff"]'));
    expect(diff.textContent).toBe(`In the draft, moved: ${stored.name}`);
  });
});
